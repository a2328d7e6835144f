//! The `helpcenter` command line: thin glue from arguments to library calls.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use helpcenter::build::{BuildFailure, BuildOptions};
use helpcenter::diagnostics::{Diagnostic, counts};

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
