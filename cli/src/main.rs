//! `tablewright`: the command line. See `tablewright --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tablewright_cli::commands::{self, CommandError, Outcome, Project};

/// Write your database schema once, in Rust; tablewright generates and runs the rest.
///
/// Run it in a crate whose `src/` holds `#[entity]` structs (or pass
/// --crate-dir). It runs the same pipeline as the crate's build script, with
/// the settings of `tablewright.toml`, so `tablewright generate` and `cargo
/// build` write the same files.
///
/// A first session:
///
///   tablewright import database --database-url postgres://localhost/app --out src/schema.rs
///   tablewright generate
///   tablewright migrations verify --database-url postgres://localhost/postgres
///   tablewright migrations apply --database-url postgres://localhost/app
///   tablewright drift --database-url postgres://localhost/app
///
/// Database URLs: postgres://user:password@host:5432/db, mysql://user@host:3306/db
/// (or mariadb://), sqlite:path/to/file.db. Every command that takes
/// --database-url also reads DATABASE_URL.
#[derive(Parser, Debug)]
#[command(name = "tablewright", version, verbatim_doc_comment, max_term_width = 100)]
struct Cli {
    /// The crate whose schema to use (the directory with Cargo.toml).
    #[arg(short = 'C', long, global = true, default_value = ".", value_name = "DIR")]
    crate_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write every artifact into the output directory, as `cargo build` does.
    Generate,
    /// Fail if the generated files differ from what the schema produces
    /// (what `TABLEWRIGHT_CHECK=1 cargo build` does; for CI).
    Check,
    /// Print the schema review: every finding of every rule.
    Lint {
        /// `text` for people, `json` (one array of findings) for CI.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the entity-relationship diagram and print where it is.
    Erd {
        /// Open the SVG with the desktop's viewer (xdg-open / open).
        #[arg(long)]
        open: bool,
    },
    /// Load generated seed rows into a migrated database, with a progress bar.
    Seed {
        #[command(flatten)]
        database: DatabaseArg,
        /// Rows of the tenant entity.
        #[arg(long)]
        tenants: Option<u32>,
        /// Rows per tenant of each tenant-scoped entity, and rows of each other entity.
        #[arg(long)]
        rows: Option<u32>,
        /// The random seed: the same seed gives the same rows.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Record, apply, revert and verify migrations.
    #[command(subcommand)]
    Migrations(Migrations),
    /// Compare a live database with the schema: print what differs, as a
    /// summary and as SQL that would fix it; exit 1 when they differ.
    Drift {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Write `#[entity]` Rust source from an existing database or Prisma schema.
    #[command(subcommand)]
    Import(Import),
}

#[derive(Subcommand, Debug)]
enum Migrations {
    /// List the recorded migrations, the pending draft and, with a
    /// database, which are applied.
    Status {
        #[arg(long, env = "DATABASE_URL", value_name = "URL")]
        database_url: Option<String>,
    },
    /// Record the draft of the next migration under a name (what
    /// `TABLEWRIGHT_RECORD=<name> cargo build` does).
    Record {
        /// The migration's name: lower_snake_case, e.g. add_task_priority.
        name: String,
        /// Plan every change as one migration (tables known to be small).
        #[arg(long)]
        one_step: bool,
        /// Allow a change that loses data, named as the refusal names it
        /// (`drop column tasks.notes`); repeatable.
        #[arg(long, value_name = "CHANGE")]
        acknowledge: Vec<String>,
    },
    /// Apply the pending recorded migrations, in order, recording each in
    /// `_sqlx_migrations` (the table `sqlx::migrate!` uses).
    Apply {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Revert the last applied migration with its down file.
    Down {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Adopt a database that already has the schema (one you imported):
    /// record the recorded migrations as applied without running them,
    /// once `drift` finds nothing to change.
    Baseline {
        #[command(flatten)]
        database: DatabaseArg,
        /// First apply the SQL drift prints (constraint names, ...) in one
        /// transaction, then adopt.
        #[arg(long)]
        repair: bool,
    },
    /// Apply every migration up, down and up again on a throwaway database
    /// next to the given one (created and dropped; SQLite: a temporary file)
    /// and compare the schema after each step.
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand, Debug)]
enum Import {
    /// Read a live PostgreSQL, MySQL/MariaDB or SQLite database.
    Database {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(flatten)]
        out: OutArg,
    },
    /// Read a Prisma schema: a schema.prisma file or a folder of .prisma files.
    Prisma {
        /// The schema file or folder.
        path: PathBuf,
        #[command(flatten)]
        out: OutArg,
    },
}

#[derive(Args, Debug)]
struct DatabaseArg {
    /// The database: postgres://..., mysql://..., mariadb://..., sqlite:file.db.
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    database_url: String,
}

#[derive(Args, Debug)]
struct OutArg {
    /// Where to write the Rust source, relative to the crate (`-` for standard output).
    #[arg(long, short, default_value = "src/schema.rs", value_name = "FILE")]
    out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(&Project::new(&cli.crate_dir), cli.command);
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Differs) => ExitCode::from(1),
        Err(error) => {
            // A schema's diagnostics already say `path:line:col: error: ...`.
            let message = error.to_string();
            if message.lines().next().is_some_and(|first| first.contains(": error: ")) {
                eprintln!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(2)
        }
    }
}

/// Runs one command on the crate.
fn run(project: &Project, command: Command) -> Result<Outcome, CommandError> {
    match command {
        Command::Generate => commands::generate(project),
        Command::Check => commands::check(project),
        Command::Lint { format } => commands::lint(project, format == Format::Json),
        Command::Erd { open } => commands::erd(project, open),
        Command::Seed { database, tenants, rows, seed } => {
            commands::seed(project, &database.database_url, tenants, rows, seed)
        }
        Command::Migrations(Migrations::Status { database_url }) => {
            commands::migrations_status(project, database_url.as_deref())
        }
        Command::Migrations(Migrations::Record { name, one_step, acknowledge }) => {
            commands::migrations_record(project, &name, one_step, acknowledge)
        }
        Command::Migrations(Migrations::Apply { database }) => {
            commands::migrations_apply(project, &database.database_url)
        }
        Command::Migrations(Migrations::Down { database }) => {
            commands::migrations_down(project, &database.database_url)
        }
        Command::Migrations(Migrations::Baseline { database, repair }) => {
            commands::migrations_baseline(project, &database.database_url, repair)
        }
        Command::Migrations(Migrations::Verify { database }) => {
            commands::migrations_verify(project, &database.database_url)
        }
        Command::Drift { database } => commands::drift(project, &database.database_url),
        Command::Import(Import::Database { database, out }) => {
            commands::import_database(project, &database.database_url, &out.out, out.force)
        }
        Command::Import(Import::Prisma { path, out }) => commands::import_prisma(project, &path, &out.out, out.force),
    }
}
