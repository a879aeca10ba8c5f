//! Scanning a crate's sources for `#[entity]` and `#[db_enum]` items (build
//! scripts), with the same front end the macros run.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use syn::{Attribute, Item, Meta};

use super::attr::tw_name;
use super::symbols as sym;
use super::{Ctxt, ParseOptions, messages, parse_db_enum_with, parse_entity_with};
use crate::diagnostics::Diagnostic;
use crate::model::{Location, Schema};

/// The result of a scan: the untransformed schema, every error found, and
/// every file read (for `cargo:rerun-if-changed`).
#[derive(Debug, Default)]
pub struct Scanned {
    /// Entities and enums in file order, then source order; not yet transformed.
    pub schema: Schema,
    pub diagnostics: Vec<Diagnostic>,
    /// Every `.rs` file read, sorted.
    pub files: Vec<PathBuf>,
}

/// Scans every `.rs` file under `src_dir` (recursively, sorted). Diagnostics
/// name files relative to `display_root` with `/` separators.
pub fn scan_dir(src_dir: &Path, display_root: &Path) -> std::io::Result<Scanned> {
    Ok(read_dir(src_dir, display_root)?.scan())
}

/// The `.rs` files of a source tree, read but not parsed: what a scan
/// parses. The build reads them first and parses only when they changed.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Every file read, sorted.
    pub files: Vec<PathBuf>,
    /// `(display path, text)` per file, in `files` order.
    pub texts: Vec<(String, String)>,
}

impl Sources {
    /// Parses every file: the untransformed schema and every error found.
    pub fn scan(&self) -> Scanned {
        let mut scanned = scan_sources(&self.texts);
        scanned.files = self.files.clone();
        scanned
    }
}

/// Reads every `.rs` file under `src_dir` (recursively, sorted) without
/// parsing; display paths are relative to `display_root`.
pub fn read_dir(src_dir: &Path, display_root: &Path) -> std::io::Result<Sources> {
    let mut files = Vec::new();
    collect_rs(src_dir, &mut files)?;
    read_files(&files, display_root)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `path` relative to `root`, with `/` separators.
fn display_path(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// Scans the given files (sorted first).
pub fn scan_files(files: &[PathBuf], display_root: &Path) -> std::io::Result<Scanned> {
    Ok(read_files(files, display_root)?.scan())
}

fn read_files(files: &[PathBuf], display_root: &Path) -> std::io::Result<Sources> {
    let mut files = files.to_vec();
    files.sort();
    files.dedup();
    let mut texts = Vec::with_capacity(files.len());
    for f in &files {
        texts.push((display_path(f, display_root), std::fs::read_to_string(f)?));
    }
    Ok(Sources { files, texts })
}

/// Scans one source text (for tests and tools).
pub fn scan_source(display_path: &str, source: &str) -> Scanned {
    scan_sources(&[(display_path.to_string(), source.to_string())])
}

fn scan_sources(sources: &[(String, String)]) -> Scanned {
    let mut out = Scanned::default();
    let parsed: Vec<(&str, syn::Result<syn::File>)> =
        sources.iter().map(|(path, src)| (path.as_str(), syn::parse_file(src))).collect();
    let mut tenants = Vec::new();
    for (_, file) in &parsed {
        if let Ok(file) = file {
            walk(&file.items, &mut |item| {
                if let Item::Struct(s) = item
                    && is_tenant(s)
                {
                    tenants.push(syn::ext::IdentExt::unraw(&s.ident).to_string());
                }
            });
        }
    }
    for (path, file) in parsed {
        let options = ParseOptions { file: path.to_string(), tenants: tenants.clone() };
        match file {
            Ok(file) => walk(&file.items, &mut |item| scan_item(item, &options, &mut out)),
            Err(err) => push_errors(&mut out.diagnostics, path, vec![err], |m| messages::parse_failure(m)),
        }
    }
    out
}

fn walk<'a>(items: &'a [Item], f: &mut dyn FnMut(&'a Item)) {
    for item in items {
        f(item);
        if let Item::Mod(m) = item
            && let Some((_, inner)) = &m.content
        {
            walk(inner, f);
        }
    }
}

/// The attribute whose last path segment is `name`.
fn find_attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
}

fn is_tenant(s: &syn::ItemStruct) -> bool {
    entity_attr(&s.attrs).is_some() && s.attrs.iter().any(|a| tw_name(a) == Some(sym::TENANT))
}

fn entity_attr(attrs: &[Attribute]) -> Option<&Attribute> {
    find_attr(attrs, sym::ENTITY)
}

/// The tokens inside `#[x(...)]` (empty for `#[x]`); `Err` for `#[x = ...]`.
fn attr_tokens(attr: &Attribute) -> Result<TokenStream, syn::Error> {
    match &attr.meta {
        Meta::Path(_) => Ok(TokenStream::new()),
        Meta::List(list) => Ok(list.tokens.clone()),
        Meta::NameValue(nv) => {
            let name = attr.path().segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            Err(syn::Error::new_spanned(nv, messages::name_value_form(&name, &name)))
        }
    }
}

fn scan_item(item: &Item, options: &ParseOptions, out: &mut Scanned) {
    let cx = Ctxt::new();
    match item {
        Item::Struct(s) => {
            let Some(attr) = entity_attr(&s.attrs) else { return cx.check().unwrap_or(()) };
            match attr_tokens(attr) {
                Ok(args) => {
                    if let Some(parsed) = parse_entity_with(args, s, &cx, options) {
                        out.schema.entities.push(parsed.model);
                    }
                }
                Err(e) => cx.syn_error(e),
            }
        }
        Item::Enum(e) => {
            let Some(attr) = find_attr(&e.attrs, sym::DB_ENUM) else { return cx.check().unwrap_or(()) };
            match attr_tokens(attr) {
                Ok(args) => {
                    if let Some(parsed) = parse_db_enum_with(args, e, &cx, options) {
                        out.schema.enums.push(parsed.model);
                    }
                }
                Err(err) => cx.syn_error(err),
            }
        }
        _ => {}
    }
    push_errors(&mut out.diagnostics, &options.file, cx.into_errors(), |m| m.to_string());
}

fn push_errors(out: &mut Vec<Diagnostic>, file: &str, errors: Vec<syn::Error>, wrap: fn(&str) -> String) {
    for err in errors {
        for one in err {
            let start = one.span().start();
            let loc = Location { file: file.to_string(), line: start.line, column: start.column + 1 };
            let (message, help) = messages::split_help(&wrap(&one.to_string()));
            let mut d = Diagnostic::error(&loc, message);
            d.help = help;
            out.push(d);
        }
    }
}

/// Names of the `#[entity]` structs marked `#[tenant]` in one file's source
/// (for the macro, which sees one item at a time). Empty if it does not parse.
pub fn find_tenants(file_source: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(file_source) else { return Vec::new() };
    let mut out = Vec::new();
    walk(&file.items, &mut |item| {
        if let Item::Struct(s) = item
            && is_tenant(s)
        {
            out.push(syn::ext::IdentExt::unraw(&s.ident).to_string());
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_inline_modules_and_any_attribute_order() {
        let src = r#"
mod inner {
    #[soft_delete]
    #[tablewright::entity(table = "people")]
    pub struct Person { #[id] pub id: Uuid }

    pub mod deeper {
        #[db_enum]
        pub enum Mood { Happy }
    }
}
pub struct NotAnEntity { pub x: u32 }
"#;
        let s = scan_source("src/lib.rs", src);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.schema.entities.len(), 1);
        assert_eq!(s.schema.entities[0].table, "people");
        assert!(s.schema.entities[0].traits.soft_delete);
        assert_eq!(s.schema.entities[0].location, Location { file: "src/lib.rs".into(), line: 5, column: 16 });
        assert_eq!(s.schema.enums[0].name, "Mood");
    }

    #[test]
    fn unparsable_file_is_a_diagnostic() {
        let s = scan_source("src/bad.rs", "fn main() {\n    let x = ;\n}\n");
        assert_eq!(s.diagnostics.len(), 1);
        let d = &s.diagnostics[0];
        assert_eq!((d.location.line, d.location.column), (2, 13));
        assert!(d.message.starts_with("cannot parse this file"), "{d}");
    }

    #[test]
    fn diagnostics_display_with_help() {
        let s = scan_source("src/t.rs", "#[entity]\npub struct A { pub n: i32 }\n");
        let text = s.diagnostics[0].to_string();
        assert!(
            text.starts_with("src/t.rs:2:12: error: entity `A` has no primary key\n  help: mark the key field"),
            "{text}"
        );
    }

    #[test]
    fn tenants_are_found() {
        let src = "#[entity]\n#[tenant]\npub struct Store { #[id] pub id: Uuid }\n#[tenant]\npub struct Nope;\nmod m { #[tenant] #[entity] pub struct Org { #[id] pub id: Uuid } }";
        assert_eq!(find_tenants(src), ["Store", "Org"]);
        assert!(find_tenants("not rust {").is_empty());
    }

    /// A raw-named tenant keys its scoped tables by its name without `r#`
    /// (the column was `r#type_id`, which no target can name).
    #[test]
    fn a_raw_named_tenant_keys_by_its_bare_name() {
        let src = "#[entity] #[tenant] pub struct r#type { #[id] pub id: Uuid }\n\
                   #[entity] #[tenant_scoped] #[index(type_id)] pub struct Task { #[id] pub id: Uuid }";
        assert_eq!(find_tenants(src), ["type"]);
        let s = scan_source("src/lib.rs", src);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn scans_a_directory_sorted_with_relative_paths() {
        let root = std::env::temp_dir().join(format!("tablewright-scan-{}", std::process::id()));
        let src = root.join("src");
        std::fs::create_dir_all(src.join("sub")).unwrap();
        std::fs::write(src.join("sub/b.rs"), "#[entity]\npub struct B { pub n: i32 }\n").unwrap();
        std::fs::write(src.join("a.rs"), "#[entity]\npub struct A { #[id] pub id: i64 }\n").unwrap();
        std::fs::write(src.join("notes.txt"), "#[entity] struct C;").unwrap();
        let s = scan_dir(&src, &root).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(s.files, [src.join("a.rs"), src.join("sub/b.rs")]);
        assert_eq!(s.schema.entities.len(), 1);
        assert_eq!(s.schema.entities[0].location.file, "src/a.rs");
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].location.file, "src/sub/b.rs");
    }
}
