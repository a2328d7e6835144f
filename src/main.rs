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
    /// Search the built site's index (run `helpcenter build` first).
    Search(SearchArgs),
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

#[derive(Args)]
struct SearchArgs {
    /// What to look for: words, a phone number in any format, a question.
    query: String,
    #[command(flatten)]
    site: SiteArgs,
    /// How many hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Print one JSON object: {query, total, took_ms, hits: [{title, url, kind, section, snippet, score}]}.
    #[arg(long)]
    json: bool,
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
        Command::Search(args) => run_search(&args),
    }
}

fn run_search(args: &SearchArgs) -> ExitCode {
    let output = args
        .site
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let search = match helpcenter::search::Search::open(&output) {
        Ok(search) => search,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let response = search.query(&args.query, args.limit);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&response).expect("serializable")
        );
        return ExitCode::SUCCESS;
    }
    if response.hits.is_empty() {
        println!("No results for \"{}\".", args.query);
        return ExitCode::SUCCESS;
    }
    let color = std::io::stdout().is_terminal();
    for (i, hit) in response.hits.iter().enumerate() {
        println!("{:>2}. {}", i + 1, hit.title);
        println!("    {}", hit.url);
        if !hit.section.is_empty() {
            println!("    {}", hit.section);
        }
        if !hit.snippet.is_empty() {
            println!("    {}", terminal_snippet(&hit.snippet, color));
        }
        println!();
    }
    println!(
        "{} of {} results in {:.2} ms",
        response.hits.len(),
        response.total,
        response.took_ms
    );
    ExitCode::SUCCESS
}

/// A snippet for a terminal: marks in bold (or [brackets] when not a terminal), entities decoded.
fn terminal_snippet(snippet: &str, color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    snippet
        .replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
