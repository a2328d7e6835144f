//! The `helpcenter` command line: thin glue from arguments to library calls.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use helpcenter::build::{BuildFailure, BuildOptions, load_and_check};
use helpcenter::check::CheckOptions;
use helpcenter::diagnostics::{Diagnostic, counts, summary};
use helpcenter::render::Theme;

/// Turn a Help Center kept as Markdown and YAML into a fast static site with search.
#[derive(Parser)]
#[command(name = "helpcenter", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (HTML, assets and search index) into the output folder.
    Build(BuildArgs),
    /// Check the whole site (schemas, links, phone numbers, e-mails, review dates) without
    /// writing anything. Exits with 1 when there are errors.
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// The site's folder, holding site.toml, content/ and themes/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Overdue `review_by` dates are errors, not warnings.
    #[arg(long)]
    strict: bool,
    /// Check pages marked `draft: true` too.
    #[arg(long)]
    drafts: bool,
    /// `human`: rustc-style diagnostics and a summary; `json`: one object for CI bots.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// The site's folder, holding site.toml, content/ and themes/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Publish under this URL instead of base_url from site.toml (canonical links, sitemap).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.site.root.clone(),
            output: self.site.output.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Check(args) => run_check(&args),
    }
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.root.clone(),
        drafts: args.drafts,
        ..Default::default()
    };
    let check = CheckOptions {
        strict: args.strict,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let mut checked = load_and_check(&options, &check);
    // The theme is part of the site: its templates must compile.
    if let Some(site) = &checked.site
        && let Err(d) = Theme::load(&site.config)
    {
        checked.diagnostics.push(d);
    }
    let diagnostics = &checked.diagnostics;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match args.format {
        Format::Json => {
            let relative = |path: &std::path::Path| {
                path.strip_prefix(&options.root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/")
            };
            let list: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "severity": d.severity,
                        "code": d.code,
                        "message": d.message,
                        "file": relative(&d.location.file),
                        "line": d.location.line,
                        "column": d.location.column,
                        "hint": d.hint,
                    })
                })
                .collect();
            let report = serde_json::json!({
                "errors": errors,
                "warnings": diagnostics.len() - errors,
                "files": checked.files,
                "diagnostics": list,
            });
            println!("{report:#}");
        }
        Format::Human => {
            let color = std::io::stdout().is_terminal();
            for diagnostic in diagnostics {
                println!("{}\n", diagnostic.render(&options.root, color));
            }
            println!(
                "{} ({} ms)",
                summary(diagnostics, checked.files),
                started.elapsed().as_millis()
            );
        }
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_build(args: &BuildArgs) -> ExitCode {
    let options = args.options();
    match helpcenter::build(&options) {
        Ok(report) => {
            print_diagnostics(&options, &report.warnings);
            println!("{}", report.summary());
            ExitCode::SUCCESS
        }
        Err(BuildFailure { diagnostics }) => {
            print_diagnostics(&options, &diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "Build failed: {}. The previous output in {} is unchanged.",
                counts(errors, diagnostics.len() - errors),
                options.output_dir().display()
            );
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(options: &BuildOptions, diagnostics: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    for diagnostic in diagnostics {
        eprintln!("{}\n", diagnostic.render(&options.root, color));
    }
}
