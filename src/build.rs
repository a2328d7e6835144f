//! The build pipeline: config → load content → render (HTML, search index) → swap into place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::check::{CheckOptions, Checks};
use crate::config::Config;
use crate::content::{self, LoadOptions, Site};
use crate::diagnostics::{Diagnostic, Location, has_errors};
use crate::output::Staging;
use crate::render::{HtmlRenderer, IndexRenderer, ManifestRenderer, Renderer, Scope, Theme};

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

/// Load config and content. `Err` when `site.toml` could not be read; otherwise the site as far
/// as it could be loaded, with every problem loading found.
fn load_content(options: &BuildOptions) -> Result<(Site, Vec<Diagnostic>), Diagnostic> {
    let mut config = Config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        config.set_base_url(base_url);
    }
    Ok(content::load(
        &config,
        LoadOptions {
            drafts: options.drafts,
        },
    ))
}

/// Diagnostics by file, line and column.
pub(crate) fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
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
    let (site, mut diagnostics) = match load_content(options) {
        Ok(loaded) => loaded,
        Err(d) => {
            return Checked {
                site: None,
                diagnostics: vec![d],
                files: 1,
            };
        }
    };
    diagnostics.extend(crate::check::check(&site, check));
    sort_diagnostics(&mut diagnostics);
    Checked {
        files: site.files_read + 1,
        site: Some(site),
        diagnostics,
    }
}

/// The theme is part of the site: its templates must compile, and render one page of each
/// kind and the special pages (in memory), as `helpcenter check` does after
/// [`load_and_check`].
pub fn check_theme(site: &Site) -> Vec<Diagnostic> {
    match Theme::load(&site.config) {
        Ok(theme) => HtmlRenderer::new(theme).check_templates(site),
        Err(d) => vec![d],
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
    pub index: IndexRenderer,
    /// What loading found (warnings only, or the build would have failed).
    pub loaded: Vec<Diagnostic>,
    pub checks: Checks,
}

pub fn build_keeping(options: &BuildOptions) -> Result<Built, BuildFailure> {
    let started = Instant::now();
    let (site, loaded) = load_content(options).map_err(|d| BuildFailure {
        diagnostics: vec![d],
    })?;
    let run_checks = || crate::check::run(&site, &CheckOptions::default());
    // Fails with every problem at once: what loading found, the checks' and `last`.
    let fail = |last: Option<Diagnostic>| {
        let mut diagnostics = loaded.clone();
        diagnostics.extend(run_checks().all());
        diagnostics.extend(last);
        sort_diagnostics(&mut diagnostics);
        BuildFailure { diagnostics }
    };
    if has_errors(&loaded) {
        return Err(fail(None));
    }
    let theme = match Theme::load(&site.config) {
        Ok(theme) => theme,
        Err(d) => return Err(fail(Some(d))),
    };
    let html = HtmlRenderer::new(theme);
    let index = IndexRenderer::default();
    let output = options.output_dir();
    // The checks run beside rendering (they are a few passes, each on one thread); the staged
    // output is swapped in only when they found no error.
    let (checks, rendered) = rayon::join(run_checks, || {
        let staging = Staging::new(&output).map_err(|e| io_failure(&output, e))?;
        render_staged(&site, &html, &index, staging, Scope::Site)
    });
    let report = commit(&site, &output, &loaded, &checks, rendered, started)?;
    Ok(Built {
        report,
        site,
        html,
        index,
        loaded,
        checks,
    })
}

/// Swap the staged output in when loading and the checks found no error, and say what was
/// built. A full build and a live rebuild end here alike.
pub(crate) fn commit(
    site: &Site,
    output: &Path,
    loaded: &[Diagnostic],
    checks: &Checks,
    rendered: Result<(Staging, Vec<String>), BuildFailure>,
    started: Instant,
) -> Result<BuildReport, BuildFailure> {
    let mut diagnostics = loaded.to_vec();
    diagnostics.extend(checks.all());
    sort_diagnostics(&mut diagnostics);
    if has_errors(&diagnostics) {
        return Err(BuildFailure { diagnostics });
    }
    let (staging, rendered) = rendered?;
    tracing::debug_span!("commit")
        .in_scope(|| staging.commit().map_err(|e| io_failure(output, e)))?;
    Ok(BuildReport {
        pages: site.pages.len(),
        data_files: site.data_files(),
        output: output.to_path_buf(),
        elapsed: started.elapsed(),
        rendered,
        warnings: diagnostics,
    })
}

pub(crate) fn io_failure(output: &Path, e: std::io::Error) -> BuildFailure {
    BuildFailure {
        diagnostics: vec![Diagnostic::error(
            "io",
            Location::file(output),
            format!("cannot write the output: {e}"),
        )],
    }
}

/// Run every renderer (in parallel) for `scope` into `staging`, for the caller to commit:
/// `html` and `index`, which a live build keeps, and the manifest.
pub(crate) fn render_staged(
    site: &Site,
    html: &HtmlRenderer,
    index: &IndexRenderer,
    staging: Staging,
    scope: Scope,
) -> Result<(Staging, Vec<String>), BuildFailure> {
    let renderers: [&dyn Renderer; 3] = [html, &ManifestRenderer, index];
    let results: Vec<Result<String, Vec<Diagnostic>>> = renderers
        .par_iter()
        .map(|r| {
            let _span = tracing::debug_span!("render", renderer = r.name()).entered();
            r.render(site, &staging, scope)
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
    Ok((staging, rendered))
}
