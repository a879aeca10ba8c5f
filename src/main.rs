//! The tablewright showcase: a task-management SaaS whose schema lives in
//! `src/schema.rs`. `build.rs` turned it into migrations under `generated/`;
//! this program applies them to a database, loads the generated seed data,
//! inserts a few more rows through sea-query with the identifiers the macro
//! generated, and prints a summary.
//!
//! ```text
//! cargo run                                                  # embedded SQLite file ./showcase.sqlite3
//! DATABASE_URL=postgres://postgres@127.0.0.1/showcase cargo run
//! DATABASE_URL=mysql://root@127.0.0.1:3306/showcase cargo run
//! ```

mod db;
mod isolation;
mod seed;
// The row structs mirror the tables; this program reads only some of them.
#[allow(dead_code)]
mod schema;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tablewright::sea_query::{Query, SimpleExpr};
use tablewright::{DbEnum, Entity};

use db::Database;
use schema::*;

/// Where `build.rs` wrote the artifacts.
const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/generated");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
    let mut db = match &url {
        Some(url) => Database::connect(url)?,
        None => Database::fresh_sqlite(Path::new("showcase.sqlite3"))?,
    };
    println!("tablewright showcase: task-management SaaS on {}", db.describe());

    let migrations_dir = Path::new(GENERATED).join("migrations").join(db.dialect_dir());
    let applied = db::apply_pending_migrations(&mut db, &migrations_dir)?;
    if applied.is_empty() {
        println!("migrations: all up to date in {}", migrations_dir.display());
    }
    for name in &applied {
        println!("migrations: applied {name}");
    }

    match seed::load_seed(&mut db)? {
        seed::SeedSummary::Loaded(summary) => println!(
            "seed: loaded {} generated rows into {} tables (deterministic; the same rows as generated/seed/)",
            summary.rows,
            summary.tables.len()
        ),
        seed::SeedSummary::AlreadyLoaded => println!("seed: already loaded by an earlier run"),
    }

    let org = insert_sample_rows(&mut db)?;
    println!(
        "inserted a sample organization ({org}) with its members, a project, tasks, labels, a comment and an attachment"
    );

    if let Database::Postgres(client, _) = &mut db {
        println!("\ntenant isolation (row-level security, as the application role `app_user`):");
        for line in isolation::demonstrate_isolation(client)? {
            println!("  {line}");
        }
    }

    println!("\nrows per table:");
    for table in TABLES {
        let count = db.count(table)?;
        println!("  {table:<22} {count}");
    }

    println!("\ngenerated from src/schema.rs by build.rs (in {GENERATED}):");
    let summary = generated_summary(Path::new(GENERATED));
    let width = summary.iter().map(|(folder, _)| folder.len()).max().unwrap_or(0);
    for (folder, files) in summary {
        println!("  {folder:<width$} {files}");
    }
    Ok(())
}

/// Every table of the schema, in an order where inserts satisfy foreign keys.
const TABLES: [&str; 11] = [
    Organization::TABLE,
    User::TABLE,
    OrganizationMember::TABLE,
    Project::TABLE,
    Task::TABLE,
    Label::TABLE,
    TaskLabel::TABLE,
    TaskAssignment::TABLE,
    Comment::TABLE,
    Attachment::TABLE,
    tablewright::audit::TABLE,
];

fn id() -> String {
    tablewright::prelude::Uuid::new_v4().to_string()
}

fn s(value: &str) -> SimpleExpr {
    value.into()
}

/// Inserts one organization's worth of rows; returns the organization's slug.
fn insert_sample_rows(db: &mut Database) -> Result<String, String> {
    let (org, alice, bob) = (id(), id(), id());
    // A fresh slug per run, so re-running against a server database works.
    let suffix = &org[..8];
    let slug = format!("acme-{suffix}");

    let mut statements = Vec::new();
    statements.push(
        Query::insert()
            .into_table(OrganizationIden::Table)
            .columns([OrganizationIden::Id, OrganizationIden::Name, OrganizationIden::Slug, OrganizationIden::Plan])
            .values_panic([s(&org), s("Acme Inc."), s(&slug), s(Plan::Growth.as_str())])
            .to_owned(),
    );
    for (user, name) in [(&alice, "Alice"), (&bob, "Bob")] {
        statements.push(
            Query::insert()
                .into_table(UserIden::Table)
                .columns([UserIden::Id, UserIden::Email, UserIden::DisplayName])
                .values_panic([s(user), s(&format!("{}-{suffix}@acme.test", name.to_lowercase())), s(name)])
                .to_owned(),
        );
    }
    for (user, role) in [(&alice, MemberRole::Owner), (&bob, MemberRole::Member)] {
        statements.push(
            Query::insert()
                .into_table(OrganizationMemberIden::Table)
                .columns([
                    OrganizationMemberIden::Id,
                    OrganizationMemberIden::OrganizationId,
                    OrganizationMemberIden::UserId,
                    OrganizationMemberIden::Role,
                ])
                .values_panic([s(&id()), s(&org), s(user), s(role.as_str())])
                .to_owned(),
        );
    }
    let project = id();
    statements.push(
        Query::insert()
            .into_table(ProjectIden::Table)
            .columns([
                ProjectIden::Id,
                ProjectIden::OrganizationId,
                ProjectIden::Name,
                ProjectIden::Code,
                ProjectIden::LeadId,
            ])
            .values_panic([s(&project), s(&org), s("Website relaunch"), s("WEB"), s(&alice)])
            .to_owned(),
    );
    let tasks = [id(), id(), id()];
    let titles = ["Draft the sitemap", "Pick a typeface", "Write the 'About us' page"];
    let statuses = [TaskStatus::Done, TaskStatus::InProgress, TaskStatus::Todo];
    for (i, task) in tasks.iter().enumerate() {
        statements.push(
            Query::insert()
                .into_table(TaskIden::Table)
                .columns([
                    TaskIden::Id,
                    TaskIden::OrganizationId,
                    TaskIden::ProjectId,
                    TaskIden::Title,
                    TaskIden::Status,
                    TaskIden::Position,
                    TaskIden::CreatedById,
                ])
                .values_panic([
                    s(task),
                    s(&org),
                    s(&project),
                    s(titles[i]),
                    s(statuses[i].as_str()),
                    (i as f64).into(),
                    s(&alice),
                ])
                .to_owned(),
        );
    }
    let label = id();
    statements.push(
        Query::insert()
            .into_table(LabelIden::Table)
            .columns([LabelIden::Id, LabelIden::OrganizationId, LabelIden::Name])
            .values_panic([s(&label), s(&org), s("design")])
            .to_owned(),
    );
    statements.push(
        Query::insert()
            .into_table(TaskLabelIden::Table)
            .columns([TaskLabelIden::OrganizationId, TaskLabelIden::TaskId, TaskLabelIden::LabelId])
            .values_panic([s(&org), s(&tasks[1]), s(&label)])
            .to_owned(),
    );
    statements.push(
        Query::insert()
            .into_table(TaskAssignmentIden::Table)
            .columns([
                TaskAssignmentIden::Id,
                TaskAssignmentIden::OrganizationId,
                TaskAssignmentIden::TaskId,
                TaskAssignmentIden::UserId,
                TaskAssignmentIden::AssignedById,
            ])
            .values_panic([s(&id()), s(&org), s(&tasks[1]), s(&bob), s(&alice)])
            .to_owned(),
    );
    let comment = id();
    statements.push(
        Query::insert()
            .into_table(CommentIden::Table)
            .columns([
                CommentIden::Id,
                CommentIden::OrganizationId,
                CommentIden::TaskId,
                CommentIden::AuthorId,
                CommentIden::Body,
            ])
            .values_panic([s(&comment), s(&org), s(&tasks[1]), s(&bob), s("Inter or Source Sans? I'd say Inter.")])
            .to_owned(),
    );
    statements.push(
        Query::insert()
            .into_table(AttachmentIden::Table)
            .columns([
                AttachmentIden::Id,
                AttachmentIden::OrganizationId,
                AttachmentIden::EntityType,
                AttachmentIden::EntityId,
                AttachmentIden::Filename,
                AttachmentIden::ContentType,
                AttachmentIden::SizeBytes,
                AttachmentIden::UploadedById,
            ])
            .values_panic([
                s(&id()),
                s(&org),
                s("comment"),
                s(&comment),
                s("type-specimens.pdf"),
                s("application/pdf"),
                48_213i64.into(),
                s(&bob),
            ])
            .to_owned(),
    );
    // audit_logs is written by the database's triggers (projects, tasks and comments are #[audited]).

    for statement in &statements {
        db.execute_insert(statement)?;
    }
    Ok(slug)
}

/// Artifact counts per folder of `generated/`, for the summary.
fn generated_summary(root: &Path) -> Vec<(String, String)> {
    let mut folders: std::collections::BTreeMap<String, usize> = Default::default();
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !entry.file_name().to_string_lossy().starts_with('.') {
                let rel = path
                    .parent()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                // Top-level files (review.md) are listed by name, folders by their path.
                let key =
                    if rel.is_empty() { entry.file_name().to_string_lossy().into_owned() } else { format!("{rel}/") };
                *folders.entry(key).or_default() += 1;
            }
        }
    }
    folders.into_iter().map(|(folder, n)| (folder, format!("{n} file{}", if n == 1 { "" } else { "s" }))).collect()
}
