//! Import a Prisma schema (`schema.prisma`, or a folder of `.prisma` files
//! as Prisma's multi-file schemas have them) into `#[entity]` Rust source.
//!
//! Three stages: [`parse`] reads Prisma Schema Language with a pest grammar
//! into a syntax tree (a syntax error names `file:line:col` and what was
//! expected); [`convert`] turns the tree into the schema model and notes
//! what the model cannot hold; [`crate::import::source::write_source`]
//! writes the model as Rust, with the notes in its header comment.
//!
//! ```
//! use tablewright_cli::import::prisma::import_prisma;
//!
//! let dir = std::env::temp_dir().join(format!("tw-prisma-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("schema.prisma");
//! std::fs::write(
//!     &path,
//!     "datasource db {\n  provider = \"postgresql\"\n}\n\n\
//!      model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n  posts Post[]\n}\n\n\
//!      model Post {\n  id       Int  @id @default(autoincrement())\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n",
//! )
//! .unwrap();
//! let imported = import_prisma(&path).unwrap();
//! assert!(imported.source.contains("#[entity(table = \"Post\")]\npub struct Post {\n    #[id(auto)]\n    pub id: i32,\n"));
//! assert!(imported.source.contains("#[belongs_to(User, on_delete = restrict, on_update = cascade)]\n    #[column(name = \"authorId\")]\n    pub author_id: i32,"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::path::{Path, PathBuf};

pub mod convert;
pub mod parse;

/// What an import produced: the Rust source (a whole `src/schema.rs`) and
/// the report of what it could not express, the converter's notes then the
/// source writer's (the same lines as the source's header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub source: String,
    pub report: Vec<String>,
}

/// Why an import could not start: nothing is half-written.
#[derive(Debug)]
pub enum ImportError {
    /// A file or folder that cannot be read.
    Io { path: PathBuf, error: std::io::Error },
    /// A syntax error: `file:line:col: expected ...`.
    Parse(parse::ParseError),
    /// A schema with nothing to import (no models, a MongoDB datasource,
    /// a name declared twice).
    Schema(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            ImportError::Parse(e) => write!(f, "{e}"),
            ImportError::Schema(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Imports the Prisma schema at `path`: one `.prisma` file, or a folder whose
/// `.prisma` files (in subfolders too, read in path order) form one schema.
pub fn import_prisma(path: &Path) -> Result<Imported, ImportError> {
    let files = read_schema(path)?;
    let mut parsed = Vec::with_capacity(files.len());
    for (name, text) in &files {
        parsed.push(parse::parse(name, text).map_err(ImportError::Parse)?);
    }
    let (schema, notes) = convert::convert(&parsed).map_err(ImportError::Schema)?;
    let written = crate::import::source::render(&schema, &notes);
    Ok(Imported { source: written.source, report: written.report })
}

/// The files of a schema: `(name shown in messages, text)`, in path order.
pub fn read_schema(path: &Path) -> Result<Vec<(String, String)>, ImportError> {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
        move |error| ImportError::Io { path: path.to_path_buf(), error }
    }
    let metadata = std::fs::metadata(path).map_err(io(path))?;
    if !metadata.is_dir() {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        return Ok(vec![(path.display().to_string(), text)]);
    }
    let mut paths = Vec::new();
    collect_prisma_files(path, &mut paths)?;
    paths.sort();
    if paths.is_empty() {
        return Err(ImportError::Schema(format!("{}: the folder holds no `.prisma` file", path.display())));
    }
    paths
        .into_iter()
        .map(|p| std::fs::read_to_string(&p).map(|text| (p.display().to_string(), text)).map_err(io(&p)))
        .collect()
}

fn collect_prisma_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let io = |error| ImportError::Io { path: dir.to_path_buf(), error };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            // Prisma's own `migrations` folder holds SQL, never schema files.
            if path.file_name().is_some_and(|n| n != "migrations") {
                collect_prisma_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "prisma") {
            out.push(path);
        }
    }
    Ok(())
}
