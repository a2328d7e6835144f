//! The `helpcenter` command line: thin glue from arguments to library calls.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use helpcenter::build::{BuildFailure, BuildOptions, check_theme, load_and_check};
use helpcenter::check::CheckOptions;
use helpcenter::diagnostics::{Diagnostic, Report, counts, summary};

mod readers;
use readers::{FeedbackCommand, InsightsArgs, run_feedback, run_insights, store_location};

/// A build allocates millions of small strings across threads; mimalloc does that about twice
/// as fast as glibc's malloc here (see README, "Benchmarks"). Built with `no_thp`: with
/// transparent huge pages the kernel zeroed whole 2 MB pages on first touch, a tenth of a
/// 10,000-page build's samples.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Build, serve and (by default) rebuild on changes with live reload; also answers search
    /// and stores reader feedback.
    Serve(ServeArgs),
    /// Read the feedback readers left (export, statistics), or move it into PostgreSQL.
    Feedback {
        #[command(subcommand)]
        command: FeedbackCommand,
    },
    /// What readers looked for and did not find: top queries, queries with no results (with
    /// synonym suggestions), results nobody opened, least helpful pages, trends per week.
    Insights(InsightsArgs),
    /// Check the whole site (schemas, links, phone numbers, e-mails, review dates) without
    /// writing anything. Exits with 1 when there are errors.
    Check(CheckArgs),
    /// Start a Help Center: write a small site that builds, serves and checks clean into DIR.
    Init {
        /// The folder to write into (created when missing).
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// Write into a folder that is not empty; files already there are kept.
        #[arg(long)]
        force: bool,
    },
    /// The built-in theme.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Write the whole built-in theme into ROOT/themes/default/, to change it there.
    Eject {
        /// The site's folder, holding site.toml.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Overwrite files already in themes/default/.
        #[arg(long)]
        force: bool,
    },
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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// The site's folder, holding site.toml, content/ and themes/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The built site's folder: where `build` writes it and `search` and `serve` read it
    /// [default: ROOT/public].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Publish under this URL instead of base_url from site.toml: canonical links, the sitemap,
    /// and with a path (`https://example.com/help/`) every link and asset under that path.
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
    /// Search as a reader of this language (`es`): its pages, its synonyms, its text first.
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Do not watch the sources (no rebuilds, no live reload).
    #[arg(long)]
    no_watch: bool,
    /// Serve the existing build without building first.
    #[arg(long)]
    no_build: bool,
    /// The feedback store: a SQLite file, or postgres://user@host:port/database for a
    /// PostgreSQL shared by several servers [default: ROOT/feedback.sqlite3].
    #[arg(long, value_name = "PATH|URL", env = "HELPCENTER_FEEDBACK_DB")]
    feedback_db: Option<PathBuf>,
    /// Feedback posts allowed per client per minute (0: no limit).
    #[arg(long, default_value_t = 30, value_name = "N")]
    rate_limit: u32,
    /// Another name of this site for the Host/Origin check of posts (`help.example.com`,
    /// `host:port`); repeatable. The base_url host and the bound address are always allowed.
    #[arg(long = "allowed-host", value_name = "HOST")]
    allowed_hosts: Vec<String>,
    /// A reverse proxy (IP or CIDR) whose X-Forwarded-For/-Host and Forwarded headers are
    /// believed, also for the rate limit; repeatable.
    #[arg(long = "trusted-proxy", value_name = "IP[/BITS]", value_parser = helpcenter::serve::parse_net)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Seconds a connection has to send a request's headers, from opening or from the previous
    /// response (idle keep-alive connections close then).
    #[arg(long, value_name = "SECS", default_value_t = helpcenter::serve::DEFAULT_HEADER_TIMEOUT_SECS)]
    header_timeout: u64,
    /// Seconds to answer a request (not the live-reload stream) before 408.
    #[arg(long, value_name = "SECS", default_value_t = helpcenter::serve::DEFAULT_REQUEST_TIMEOUT_SECS)]
    request_timeout: u64,
    /// Open connections at most (lowered to fit the open-file limit); past it the longest idle
    /// one is closed.
    #[arg(long, value_name = "N", default_value_t = helpcenter::serve::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
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

/// Exit codes, as ripgrep's: 0 all went well, 1 the site's content has errors, 2 the command
/// could not do its work (usage, I/O, a missing index or database).
const CONTENT_ERRORS: u8 = 1;
const TROUBLE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let done = match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Search(args) => run_search(&args),
        Command::Serve(args) => run_serve(args),
        Command::Feedback { command } => run_feedback(&command),
        Command::Insights(args) => run_insights(&args),
        Command::Check(args) => run_check(&args),
        Command::Init { dir, force } => helpcenter::init::init(&dir, force)
            .map_err(anyhow::Error::from)
            .and_then(|created| to_stdout(|out| write!(out, "{}", created.summary()))),
        Command::Theme {
            command: ThemeCommand::Eject { root, force },
        } => helpcenter::render::theme_files::eject(&root, force)
            .map_err(anyhow::Error::from)
            .and_then(|ejected| to_stdout(|out| write!(out, "{}", ejected.summary()))),
    };
    // An error is trouble; the content's errors are an exit code the command chose.
    done.unwrap_or_else(|error| {
        // Not `eprintln!`, which panics when stderr is a closed pipe.
        let _ = writeln!(std::io::stderr(), "error: {}", causes(&error));
        ExitCode::from(TROUBLE)
    })
}

/// `what failed: why: why…`, each cause once: many errors repeat their source's text.
fn causes(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain().map(ToString::to_string) {
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

/// Write to stdout with `print`. A reader that stopped reading (`| head -1`) ends the command
/// cleanly; any other write error is trouble.
fn to_stdout(print: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match print(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write the output")
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// 2 when a build or check could not read or write files, else 1 for the content's errors.
fn failure(diagnostics: &[Diagnostic]) -> ExitCode {
    let io = diagnostics.iter().any(|d| d.is_error() && d.code == "io");
    ExitCode::from(if io { TROUBLE } else { CONTENT_ERRORS })
}

fn run_check(args: &CheckArgs) -> Result<ExitCode> {
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
    if let Some(site) = &checked.site {
        checked.diagnostics.extend(check_theme(site));
    }
    let diagnostics = &checked.diagnostics;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let printed = to_stdout(|out| match args.format {
        Format::Json => {
            let report = Report::new(diagnostics, checked.files, &options.root);
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        Format::Human => {
            let color = std::io::stdout().is_terminal();
            for diagnostic in diagnostics {
                writeln!(out, "{}\n", diagnostic.render(&options.root, color))?;
            }
            writeln!(
                out,
                "{} ({} ms)",
                summary(diagnostics, checked.files),
                started.elapsed().as_millis()
            )
        }
    });
    if errors > 0 {
        Ok(failure(diagnostics))
    } else {
        printed
    }
}

fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    let feedback_db = store_location(args.feedback_db.as_ref(), &args.build.site.root)?;
    let options = helpcenter::serve::ServeOptions {
        build: args.build.options(),
        bind: args.bind,
        port: args.port,
        watch: !args.no_watch,
        build_first: !args.no_build,
        feedback_db,
        rate_limit: args.rate_limit,
        allowed_hosts: args.allowed_hosts,
        trusted_proxies: args.trusted_proxies,
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        max_connections: args.max_connections.max(1),
    };
    helpcenter::serve::run(options)?;
    Ok(ExitCode::SUCCESS)
}

/// Request logs and server events on stderr; `RUST_LOG` filters (default: info).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // `RUST_LOG=helpcenter=debug` also prints how long each build phase took.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run_search(args: &SearchArgs) -> Result<ExitCode> {
    let output = args
        .site
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let search = helpcenter::search::Search::open(&output)?;
    let response = search.query_in(&args.query, args.limit, args.lang.as_deref())?;
    let color = std::io::stdout().is_terminal();
    to_stdout(|out| {
        if args.json {
            serde_json::to_writer(&mut *out, &response).map_err(std::io::Error::from)?;
            return writeln!(out);
        }
        helpcenter::search::write_hits(out, &args.query, &response, color)
    })
}

fn run_build(args: &BuildArgs) -> Result<ExitCode> {
    let options = args.options();
    match helpcenter::build::build_keeping(&options) {
        Ok(built) => {
            print_diagnostics(&options, &built.report.warnings);
            let printed = to_stdout(|out| writeln!(out, "{}", built.report.summary()));
            // The process ends here: the OS takes the site back faster than dropping its
            // thousands of pages and strings one by one (about 20 ms on 10,000 pages).
            std::mem::forget(built);
            printed
        }
        Err(BuildFailure { diagnostics }) => {
            print_diagnostics(&options, &diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(
                std::io::stderr(),
                "Build failed: {}. The previous output in {} is unchanged.",
                counts(errors, diagnostics.len() - errors),
                options.output_dir().display()
            );
            Ok(failure(&diagnostics))
        }
    }
}

fn print_diagnostics(options: &BuildOptions, diagnostics: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    for diagnostic in diagnostics {
        let _ = writeln!(
            std::io::stderr(),
            "{}\n",
            diagnostic.render(&options.root, color)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::causes;

    #[test]
    fn each_cause_is_said_once() {
        let e = anyhow::Error::new(std::io::Error::other("disk full"))
            .context("cannot write the output");
        assert_eq!(causes(&e), "cannot write the output: disk full");
        // SearchError::Failed says its tantivy cause already.
        let tantivy = tantivy::TantivyError::InvalidArgument("x".into());
        let e = anyhow::Error::new(helpcenter::search::SearchError::Failed(tantivy));
        assert_eq!(
            causes(&e),
            "the search failed: An invalid argument was passed: 'x'"
        );
    }
}
