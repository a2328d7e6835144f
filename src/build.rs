//! The build pipeline: config → load content → render (HTML, search index) → swap into place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::check::CheckOptions;
use crate::config::Config;
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::{Diagnostic, Location, has_errors};
use crate::output::Staging;
use crate::render::{HtmlRenderer, ManifestRenderer, Renderer, Theme};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holding `site.toml`).
    pub root: PathBuf,
    /// Where the site is written; `public/` under the root by default.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `site.toml`.
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub data_files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Fragments from each renderer (`23 pages`, `180 search documents (1.2 MB)`).
    pub rendered: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        format!(
            "Built {} and {} data files in {} ms → {}{}",
            self.rendered.join(", "),
            self.data_files,
            self.elapsed.as_millis(),
            self.output.display(),
            match self.warnings.len() {
                0 => String::new(),
                1 => " (1 warning)".into(),
                n => format!(" ({n} warnings)"),
            }
        )
    }
}

/// Everything that went wrong; the previous output is untouched.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

/// Load config and content and run every check ([`crate::check`]). Returns the site and all
/// warnings, or every problem if any is an error. Shared by `build`, `check` and `serve`.
pub fn load_site(options: &BuildOptions) -> Result<(Site, Vec<Diagnostic>), BuildFailure> {
    let checked = load_and_check(options, &CheckOptions::default());
    match checked.site {
        Some(site) if !has_errors(&checked.diagnostics) => Ok((site, checked.diagnostics)),
        _ => Err(BuildFailure {
            diagnostics: checked.diagnostics,
        }),
    }
}

/// What `helpcenter check` found.
#[derive(Debug)]
pub struct Checked {
    /// The site as far as it could be loaded; `None` when `site.toml` could not be read.
    pub site: Option<Site>,
    /// Every problem, errors and warnings, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read (content files and `site.toml`).
    pub files: usize,
}

/// Load config and content and run every check, keeping going after errors so that one run
/// shows every problem.
pub fn load_and_check(options: &BuildOptions, check: &CheckOptions) -> Checked {
    let mut config = match Config::load(&options.root) {
        Ok(config) => config,
        Err(d) => {
            return Checked {
                site: None,
                diagnostics: vec![d],
                files: 1,
            };
        }
    };
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.trim_end_matches('/').to_string();
    }
    let (site, mut diagnostics) = content::load(
        &config,
        LoadOptions {
            drafts: options.drafts,
        },
    );
    diagnostics.extend(crate::check::check(&site, check));
    diagnostics.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
    Checked {
        files: site.files_read + 1,
        site: Some(site),
        diagnostics,
    }
}

/// Build the site into its output folder. On any error the output folder is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    build_keeping(options).map(|built| built.report)
}

/// A finished build with what it was made from, for callers that build again later.
pub struct Built {
    pub report: BuildReport,
    pub site: Site,
    pub html: HtmlRenderer,
}

pub fn build_keeping(options: &BuildOptions) -> Result<Built, BuildFailure> {
    let started = Instant::now();
    let (site, warnings) = load_site(options)?;
    let theme = Theme::load(&site.config).map_err(|d| BuildFailure {
        diagnostics: vec![d],
    })?;
    let html = HtmlRenderer { theme };
    let output = options.output_dir();
    let renderers: [&dyn Renderer; 3] = [&html, &ManifestRenderer, &crate::search::IndexRenderer];
    let rendered = render_into(&site, &renderers, &output)?;
    let report = BuildReport {
        pages: site.pages.len(),
        data_files: site.data_files(),
        output,
        elapsed: started.elapsed(),
        rendered,
        warnings,
    };
    Ok(Built { report, site, html })
}

/// Run every renderer (in parallel) into a staging folder and swap it in.
pub fn render_into(
    site: &Site,
    renderers: &[&dyn Renderer],
    output: &Path,
) -> Result<Vec<String>, BuildFailure> {
    let io = |e: std::io::Error| BuildFailure {
        diagnostics: vec![Diagnostic::error(
            "io",
            Location::file(output),
            format!("cannot write the output: {e}"),
        )],
    };
    let staging = Staging::new(output).map_err(io)?;
    let results: Vec<Result<String, Vec<Diagnostic>>> = renderers
        .par_iter()
        .map(|r| {
            let _span = tracing::debug_span!("render", renderer = r.name()).entered();
            r.render(site, &staging)
        })
        .collect();
    let mut rendered = Vec::new();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(fragment) if fragment.is_empty() => {}
            Ok(fragment) => rendered.push(fragment),
            Err(found) => diagnostics.extend(found),
        }
    }
    if !diagnostics.is_empty() {
        return Err(BuildFailure { diagnostics });
    }
    tracing::debug_span!("commit").in_scope(|| staging.commit().map_err(io))?;
    Ok(rendered)
}
