//! Which entity a bare `#[tenant_scoped]` points at.
//!
//! One macro call sees one item, but the tenant key column is named after the
//! tenant (`organization_id`), so the macro reads source: first the file that
//! invokes it, then, if that file has no `#[tenant]`, every `.rs` file under
//! `$CARGO_MANIFEST_DIR/src`, with the same scanner the build script uses.
//! Results are cached per process: a crate's sources do not change during
//! one compilation.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tablewright_core::frontend::messages;
use tablewright_core::frontend::scan::find_tenants;

thread_local! {
    static FILES: RefCell<BTreeMap<PathBuf, Vec<String>>> = const { RefCell::new(BTreeMap::new()) };
    static CRATES: RefCell<BTreeMap<PathBuf, Vec<String>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Why a tenant could not be chosen.
#[derive(Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// No `#[tenant]` entity anywhere that was searched.
    NotFound,
    /// More than one `#[tenant]` entity; sorted names.
    Ambiguous(Vec<String>),
}

impl Unresolved {
    /// The message, teaching the fix.
    pub fn message(&self) -> String {
        match self {
            Unresolved::NotFound => messages::with_help(
                "`#[tenant_scoped]` needs a `#[tenant]` entity, and none was found in this file or under src/",
                "mark the tenant root: `#[entity] #[tenant] pub struct Organization { ... }`, \
                 or name the tenant: `#[tenant_scoped(Organization)]`",
            ),
            Unresolved::Ambiguous(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let list = match quoted.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                    _ => quoted.join(""),
                };
                messages::with_help(
                    format!("`#[tenant_scoped]` cannot tell which tenant to use: {list} are marked `#[tenant]`"),
                    format!("name the tenant: `#[tenant_scoped({})]`", names[0]),
                )
            }
        }
    }
}

/// The tenant of a bare `#[tenant_scoped]` invoked from `file`, searching
/// `src_dir` when the file has none.
pub fn resolve(file: Option<&Path>, src_dir: Option<&Path>) -> Result<String, Unresolved> {
    if let Some(file) = file {
        let found = tenants_in_file(file);
        if !found.is_empty() {
            return pick(found);
        }
    }
    match src_dir {
        Some(dir) => pick(tenants_in_dir(dir)),
        None => Err(Unresolved::NotFound),
    }
}

/// `$CARGO_MANIFEST_DIR/src` of the crate being compiled.
pub fn crate_src_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_MANIFEST_DIR").map(|dir| PathBuf::from(dir).join("src"))
}

fn pick(mut names: Vec<String>) -> Result<String, Unresolved> {
    names.sort();
    names.dedup();
    match names.len() {
        0 => Err(Unresolved::NotFound),
        1 => Ok(names.remove(0)),
        _ => Err(Unresolved::Ambiguous(names)),
    }
}

fn tenants_in_file(file: &Path) -> Vec<String> {
    FILES.with(|cache| {
        cache
            .borrow_mut()
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(file).map(|s| find_tenants(&s)).unwrap_or_default())
            .clone()
    })
}

fn tenants_in_dir(dir: &Path) -> Vec<String> {
    if let Some(found) = CRATES.with(|cache| cache.borrow().get(dir).cloned()) {
        return found;
    }
    let mut files = Vec::new();
    collect_rs_files(dir, &mut files);
    files.sort();
    let found: Vec<String> = files.iter().flat_map(|f| tenants_in_file(f)).collect();
    CRATES.with(|cache| cache.borrow_mut().insert(dir.to_path_buf(), found.clone()));
    found
}

fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_rs_files(&path, out),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "rs") => out.push(path),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_crate(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("tablewright-macros-tenant-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    const ORG: &str = "#[entity] #[tenant] pub struct Organization { #[id] pub id: Uuid }";
    const STORE: &str = "#[entity] #[tenant] pub struct Store { #[id] pub id: i64 }";
    const TASK: &str = "#[entity] #[tenant_scoped] pub struct Task { #[id] pub id: Uuid }";

    #[test]
    fn the_invoking_file_wins() {
        let root = temp_crate("local", &[("src/a.rs", &format!("{ORG}\n{TASK}")), ("src/b.rs", STORE)]);
        let found = resolve(Some(&root.join("src/a.rs")), Some(&root.join("src")));
        assert_eq!(found, Ok("Organization".to_string()));
    }

    #[test]
    fn falls_back_to_the_crate_sources() {
        let root = temp_crate("crate", &[("src/lib.rs", TASK), ("src/schema/org.rs", ORG)]);
        let found = resolve(Some(&root.join("src/lib.rs")), Some(&root.join("src")));
        assert_eq!(found, Ok("Organization".to_string()));
    }

    #[test]
    fn none_and_several_are_errors() {
        let root = temp_crate("none", &[("src/lib.rs", TASK)]);
        assert_eq!(resolve(Some(&root.join("src/lib.rs")), Some(&root.join("src"))), Err(Unresolved::NotFound));
        let root = temp_crate("many", &[("src/lib.rs", TASK), ("src/a.rs", ORG), ("src/b.rs", STORE)]);
        let err = resolve(Some(&root.join("src/lib.rs")), Some(&root.join("src"))).unwrap_err();
        assert_eq!(err, Unresolved::Ambiguous(vec!["Organization".into(), "Store".into()]));
        assert!(err.message().contains("`Organization` and `Store` are marked"), "{}", err.message());
    }
}
