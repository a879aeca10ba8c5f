//! `tablewright import database` and `tablewright import prisma`.

use std::fs;
use std::path::Path;

use super::{CommandError, Outcome, Project, Result, plural};

/// `tablewright import database`.
pub fn import_database(project: &Project, url: &str, out: &Path, force: bool) -> Result<Outcome> {
    let imported = crate::import::database::import_database(url)?;
    save_import(project, &imported.source, &imported.report, out, force)
}

/// Writes imported source to `out` (relative to the crate; `-` is standard
/// output) and prints what the import could not express.
fn save_import(project: &Project, source: &str, report: &[String], out: &Path, force: bool) -> Result<Outcome> {
    if out == Path::new("-") {
        print!("{source}");
    } else {
        let path = project.dir.join(out);
        if path.exists() && !force {
            return Err(CommandError(format!(
                "{} exists: pass --force to replace it, or --out another file",
                project.relative(&path).display()
            )));
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| CommandError(format!("{}: {e}", parent.display())))?;
        }
        // Written whole or not at all: a temporary file renamed into place.
        let partial = path.with_extension("rs.partial");
        fs::write(&partial, source).map_err(|e| CommandError(format!("{}: {e}", partial.display())))?;
        fs::rename(&partial, &path).map_err(|e| CommandError(format!("{}: {e}", path.display())))?;
        let entities = source.matches("#[entity").count();
        println!("wrote {} ({entities} entities)", project.relative(&path).display());
    }
    for line in report {
        eprintln!("not imported: {line}");
    }
    if !report.is_empty() {
        eprintln!(
            "{} thing{} the import could not express, listed above and in the file's header",
            report.len(),
            plural(report.len())
        );
    }
    Ok(Outcome::Success)
}

/// `tablewright import prisma`.
pub fn import_prisma(project: &Project, path: &Path, out: &Path, force: bool) -> Result<Outcome> {
    let imported = crate::import::prisma::import_prisma(path).map_err(|e| CommandError(e.to_string()))?;
    save_import(project, &imported.source, &imported.report, out, force)
}
