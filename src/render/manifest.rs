//! `.helpcenter/pages.json`: what a server needs to know about the built site without loading
//! the content again (which URLs are pages, and the version of each).

use serde::{Deserialize, Serialize};

use super::{Renderer, Scope};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{META_DIR, Staging};

pub const MANIFEST_FILE: &str = "pages.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub title: String,
    pub pages: Vec<ManifestPage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestPage {
    pub url: String,
    pub title: String,
    /// Hash of the page's source when it was built.
    pub content_hash: String,
}

impl Manifest {
    pub fn of(site: &Site) -> Manifest {
        Manifest {
            title: site.config.title.clone(),
            pages: site
                .pages
                .iter()
                .map(|p| ManifestPage {
                    url: p.url.clone(),
                    title: p.title().to_string(),
                    content_hash: p.content_hash.clone(),
                })
                .collect(),
        }
    }

    /// Read the manifest of a site built into `output_dir`.
    pub fn read(output_dir: &std::path::Path) -> std::io::Result<Manifest> {
        let text = std::fs::read(output_dir.join(META_DIR).join(MANIFEST_FILE))?;
        serde_json::from_slice(&text).map_err(std::io::Error::other)
    }
}

pub struct ManifestRenderer;

impl Renderer for ManifestRenderer {
    fn name(&self) -> &'static str {
        "manifest"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        if let Scope::Edited { .. } = scope {
            return Ok(String::new());
        }
        let json = serde_json::to_vec(&Manifest::of(site)).expect("serializable");
        out.write(&format!("{META_DIR}/{MANIFEST_FILE}"), &json)
            .map_err(|e| {
                vec![Diagnostic::error(
                    "io",
                    Location::file(MANIFEST_FILE),
                    e.to_string(),
                )]
            })?;
        Ok(String::new())
    }
}
