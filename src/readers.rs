//! The commands that read what readers left: `feedback export|stats|migrate` and `insights`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use crate::to_stdout;

#[derive(Subcommand)]
pub(crate) enum FeedbackCommand {
    /// Every feedback entry, oldest first, to stdout.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Only entries received on or after this date (YYYY-MM-DD, UTC) or RFC 3339 time.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Per page: votes, helpful ratio, comments; least helpful first.
    Stats {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "text")]
        format: StatsFormat,
    },
    /// Copy every entry of a SQLite feedback file into PostgreSQL (times kept). Run again, it
    /// adds only entries not copied before.
    Migrate {
        /// The site's folder (the default --from is ROOT/feedback.sqlite3).
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// The SQLite file [default: ROOT/feedback.sqlite3].
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
        /// The PostgreSQL database: postgres://user@host:port/database.
        #[arg(long, value_name = "URL")]
        to: PathBuf,
    },
}

#[derive(Args)]
pub(crate) struct InsightsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The built site, whose index checks the synonym suggestions [default: ROOT/public].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Only days on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: InsightsFormat,
    /// Also write the report as one self-contained HTML page (charts as inline SVG).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Queries and pages per list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum InsightsFormat {
    Text,
    Json,
    Csv,
}

#[derive(Args)]
pub(crate) struct DbArgs {
    /// The site's folder (the default database is ROOT/feedback.sqlite3).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The feedback store: a SQLite file or a postgres:// URL.
    #[arg(long, value_name = "PATH|URL", env = "HELPCENTER_FEEDBACK_DB")]
    db: Option<PathBuf>,
}

impl DbArgs {
    fn location(&self) -> Result<helpcenter::feedback::Location> {
        store_location(self.db.as_ref(), &self.root)
    }
}

/// `--feedback-db`/`--db`, or ROOT/feedback.sqlite3.
pub(crate) fn store_location(
    arg: Option<&PathBuf>,
    root: &std::path::Path,
) -> Result<helpcenter::feedback::Location> {
    let path = arg
        .cloned()
        .unwrap_or_else(|| root.join(helpcenter::feedback::DEFAULT_DB));
    Ok(helpcenter::feedback::Location::parse(&path)?)
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatsFormat {
    Text,
    Json,
}

pub(crate) fn run_feedback(command: &FeedbackCommand) -> Result<ExitCode> {
    use helpcenter::feedback;
    let (db, since) = match command {
        FeedbackCommand::Export { db, since, .. } => {
            (db, since.as_deref().map(feedback::parse_since))
        }
        FeedbackCommand::Stats { db, .. } => (db, None),
        FeedbackCommand::Migrate { root, from, to } => {
            let from = store_location(from.as_ref(), root)?;
            let to = feedback::Location::parse(to)?;
            let copied = feedback::copy_to_postgres(&from, &to)?;
            return to_stdout(|out| {
                writeln!(
                    out,
                    "Copied {} new feedback entries from {from} to {to} ({} of {} were there already)",
                    copied.inserted,
                    copied.read - copied.inserted,
                    copied.read
                )
            });
        }
    };
    let since = since.transpose()?;
    let location = db.location()?;
    let rows = feedback::read(&location, since.as_deref())?;
    to_stdout(|out| match command {
        FeedbackCommand::Export { format, .. } => {
            let format = match format {
                ExportFormat::Csv => feedback::Format::Csv,
                ExportFormat::Json => feedback::Format::Json,
            };
            feedback::export(&rows, format, out)
        }
        FeedbackCommand::Migrate { .. } => Ok(()),
        FeedbackCommand::Stats { format, .. } => {
            let stats = feedback::stats(&rows);
            match format {
                StatsFormat::Json => serde_json::to_writer_pretty(&mut *out, &stats)
                    .map_err(std::io::Error::from)
                    .and_then(|()| writeln!(out)),
                StatsFormat::Text => feedback::write_stats(&stats, out),
            }
        }
    })
}

pub(crate) fn run_insights(args: &InsightsArgs) -> Result<ExitCode> {
    use helpcenter::insights;
    let since = match args.since.as_deref() {
        Some(text) => Some(helpcenter::feedback::parse_since(text)?[..10].to_string()),
        None => None,
    };
    let location = args.db.location()?;
    let store: Box<dyn insights::Store> =
        match &location {
            helpcenter::feedback::Location::Sqlite(path) => {
                if !path.is_file() {
                    anyhow::bail!("no feedback database at {}", path.display());
                }
                Box::new(insights::SqliteStore::open(path).with_context(|| {
                    format!("cannot open the feedback database {}", path.display())
                })?)
            }
            // Not inside a runtime here: the store runs its own.
            helpcenter::feedback::Location::Postgres(url) => {
                Box::new(insights::PostgresStore::open(url)?)
            }
        };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.db.root.join("public"));
    let search = helpcenter::search::Search::open(&output);
    let mut report =
        insights::report::build(&*store, since.as_deref(), search.as_ref().ok(), args.limit)
            .with_context(|| format!("cannot read the insights in {location}"))?;
    if let Err(e) = &search {
        report.suggestions_unavailable = Some(e.to_string());
    }
    if let Some(file) = &args.html {
        let title = helpcenter::config::Config::load(&args.db.root)
            .ok()
            .map(|c| c.title);
        std::fs::write(file, insights::html::render(&report, title.as_deref()))
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    let format = match args.format {
        InsightsFormat::Text => insights::report::Format::Text,
        InsightsFormat::Json => insights::report::Format::Json,
        InsightsFormat::Csv => insights::report::Format::Csv,
    };
    to_stdout(|out| insights::report::write(&report, format, out))
}
