//! SQLite: `sqlite_master` and the pragmas.
//!
//! The pragmas give columns, keys and indexes; what they leave out
//! (constraint names, checks, `DEFERRABLE`, the `--` comments tablewright
//! writes as docs) is read from the `CREATE TABLE` text SQLite keeps.
//!
//! SQLite stores few types: `TEXT` holds strings, UUIDs, timestamps and
//! enums alike. A column is mapped back to the narrower type when its
//! default or its check says which ([`now_default`] for timestamps, the
//! random-UUID expression for `Uuid`, `"c" IN (...)` for an enum, the key
//! it references for a foreign key); otherwise it is a `String`, which
//! writes the same `TEXT`.

use tablewright_core::emit::sql::now_default;
use tablewright_core::model::*;
use tablewright_core::types::Dialect;

use super::{Facts, in_list, sql_string_value, strip_parens};
use crate::db::{Connection, DbError, TextRow};

/// Reads the database into a raw model.
pub fn read(conn: &mut Connection) -> Result<(Schema, Facts, Vec<String>), DbError> {
    let mut report = Vec::new();
    let mut facts = Facts::default();
    let mut schema = Schema::default();
    let objects = conn.query(
        "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
    )?;
    for row in &objects {
        let (kind, name, table, sql) = (text(row, 0), text(row, 1), text(row, 2), text(row, 3));
        match kind.as_str() {
            "table" => {
                let json = json_columns(&objects, &name);
                let e = read_table(conn, &name, &sql, &mut schema.enums, &json, &mut report)?;
                schema.entities.push(e);
            }
            "view" => {
                report.push(format!("view `{name}` is not a table: left out (write it in a migration of your own)"))
            }
            "trigger" if name.starts_with("tw_") => facts.triggers.push((table, name)),
            "trigger" => report.push(format!("table `{table}`: the trigger `{name}` is left out")),
            _ => {}
        }
    }
    for e in &mut schema.entities {
        read_indexes(conn, e, &objects, &mut report)?;
    }
    Ok((schema, facts, report))
}

/// The columns of `table` that tablewright's audit triggers write with
/// `json(...)`: its `Json` columns, which SQLite stores as plain TEXT.
fn json_columns(objects: &[TextRow], table: &str) -> Vec<String> {
    let mut out = Vec::new();
    let prefix = format!("tw_{table}_audit");
    for row in objects.iter().filter(|r| text(r, 0) == "trigger" && text(r, 1).starts_with(&prefix)) {
        let sql = text(row, 3);
        for part in sql.split("json(").skip(1) {
            let arg = part.split(')').next().unwrap_or("");
            if let Some(col) =
                arg.strip_prefix("OLD.").or_else(|| arg.strip_prefix("NEW.")).or_else(|| arg.strip_prefix("tw_row."))
            {
                let col = unquote(col);
                if !out.contains(&col) {
                    out.push(col);
                }
            }
        }
    }
    out
}

fn text(row: &TextRow, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn read_table(
    conn: &mut Connection,
    table: &str,
    sql: &str,
    enums: &mut Vec<EnumType>,
    json_columns: &[String],
    report: &mut Vec<String>,
) -> Result<Entity, DbError> {
    let body = parse_create_table(sql, table);
    let mut e = Entity::new(String::new(), table, vec![], &[]);
    let info = conn.query(&format!("PRAGMA table_xinfo({})", quote(table)))?;
    let mut key: Vec<(u32, String)> = Vec::new();
    for row in &info {
        let name = text(row, 1);
        let declared = text(row, 2);
        let hidden = text(row, 6);
        let mut c = Column::new(&name, ColumnType::String);
        c.nullable = text(row, 3) != "1";
        let def = body.columns.iter().find(|d| d.name == name);
        c.doc = def.and_then(|d| d.doc.clone());
        map_type(&declared, &mut c);
        if hidden == "2" || hidden == "3" {
            report.push(format!("column `{table}`.`{name}` is generated: imported as a plain column"));
        } else if let Some(d) = def.and_then(|d| d.default.clone()).or_else(|| row.get(4).cloned().flatten()) {
            default_value(&d, &mut c);
        }
        if json_columns.contains(&name) && c.ty == ColumnType::String && c.max_len.is_none() && c.sql_type.is_none() {
            c.ty = ColumnType::Json;
        }
        let pk: u32 = text(row, 5).parse().unwrap_or(0);
        if pk > 0 {
            key.push((pk, name.clone()));
            if def.is_some_and(|d| d.autoincrement) && c.ty == ColumnType::I64 {
                c.generated = Generated::Identity;
            }
        }
        e.columns.push(c);
    }
    key.sort();
    e.primary_key = PrimaryKey {
        name: body.primary_key.clone().unwrap_or_else(|| format!("pk_{table}")),
        columns: key.into_iter().map(|(_, c)| c).collect(),
    };
    // Checks: tablewright's VARCHAR length checks come back with `max_len`,
    // its enum checks with the enum.
    for (name, expr) in &body.checks {
        let expr = strip_parens(expr);
        let length_of = e.columns.iter().find(|c| {
            c.max_len.is_some_and(|n| expr == format!("length({}) <= {n}", quote(&c.name)))
                && *name == tablewright_core::naming::constraint_name("ck", table, &[&format!("{}_length", c.name)])
        });
        if length_of.is_some() {
            continue;
        }
        if let Some(c) = e.columns.iter_mut().find(|c| {
            c.ty == ColumnType::String
                && c.max_len.is_none()
                && c.sql_type.is_none()
                && *name == tablewright_core::naming::constraint_name("ck", table, &[&c.name])
                && expr.starts_with(&format!("{} IN (", quote(&c.name)))
        }) && let Some(values) = in_list(&expr, &c.name)
        {
            let sql_name = super::enum_for(enums, table, &c.name, values);
            c.ty = ColumnType::Enum(sql_name);
            if let Some(DefaultValue::String(v)) = c.default.clone() {
                c.default = Some(DefaultValue::EnumValue(v));
            }
            continue;
        }
        e.checks.push(Check {
            name: name.clone(),
            expr,
            origin: ColumnOrigin::Declared,
            location: Location::default(),
        });
    }
    let fks = conn.query(&format!("PRAGMA foreign_key_list({})", quote(table)))?;
    let mut by_id: Vec<(String, Vec<&TextRow>)> = Vec::new();
    for row in &fks {
        let id = text(row, 0);
        match by_id.iter_mut().find(|(i, _)| *i == id) {
            Some((_, rows)) => rows.push(row),
            None => by_id.push((id, vec![row])),
        }
    }
    // PRAGMA lists the keys last-declared first.
    by_id.reverse();
    for (_, rows) in by_id {
        let columns: Vec<String> = rows.iter().map(|r| text(r, 3)).collect();
        let target_table = text(rows[0], 2);
        let target_columns: Vec<String> = rows.iter().filter_map(|r| r.get(4).cloned().flatten()).collect();
        let written = body
            .foreign_keys
            .iter()
            .find(|f| f.columns == columns && f.target_table.eq_ignore_ascii_case(&target_table));
        let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        e.foreign_keys.push(ForeignKey {
            name: written
                .and_then(|f| f.name.clone())
                .unwrap_or_else(|| tablewright_core::naming::constraint_name("fk", table, &refs)),
            columns,
            target: String::new(),
            target_table,
            target_columns,
            on_delete: super::referential_action(&text(rows[0], 6)),
            on_update: super::referential_action(&text(rows[0], 5)),
            origin: ColumnOrigin::Declared,
            deferrable: written.is_some_and(|f| f.deferrable),
            location: Location::default(),
        });
    }
    Ok(e)
}

/// The declared type back to the model (docs/types.md, SQLite column).
fn map_type(declared: &str, c: &mut Column) {
    let upper = declared.trim().to_ascii_uppercase();
    let args: Vec<u32> = upper
        .split_once('(')
        .and_then(|(_, r)| r.strip_suffix(')'))
        .map(|a| a.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    c.ty = match upper.split('(').next().unwrap_or("").trim() {
        "TEXT" => ColumnType::String,
        "INTEGER" => ColumnType::I64,
        "REAL" => ColumnType::F64,
        "BOOLEAN" => ColumnType::Bool,
        "NUMERIC" if args.is_empty() => ColumnType::Decimal,
        "BLOB" => ColumnType::Bytes,
        "VARCHAR" if args.len() == 1 => {
            c.max_len = args.first().copied();
            ColumnType::String
        }
        _ => {
            c.sql_type = Some(declared.trim().to_string());
            super::fallback_type(declared, Dialect::Sqlite)
        }
    };
}

/// A default as SQLite keeps it (the text after `DEFAULT`).
fn default_value(text: &str, c: &mut Column) {
    let t = text.trim();
    if c.ty == ColumnType::String && c.sql_type.is_none() {
        for ty in [ColumnType::DateTimeUtc, ColumnType::NaiveDateTime, ColumnType::NaiveDate, ColumnType::NaiveTime] {
            if strip_parens(&now_default(Dialect::Sqlite, "TEXT", &ty)) == strip_parens(t) {
                c.ty = ty;
                c.default = Some(DefaultValue::Now);
                return;
            }
        }
        if t.contains("hex(randomblob(") && t.contains("'89ab'") {
            c.ty = ColumnType::Uuid;
            c.generated = Generated::RandomUuid;
            return;
        }
    }
    let inner = strip_parens(t);
    c.default = Some(match (&c.ty, sql_string_value(t)) {
        (ColumnType::String, Some(v)) if c.sql_type.is_none() => DefaultValue::String(v),
        (ColumnType::Bool, _) if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") => {
            DefaultValue::Bool(t.eq_ignore_ascii_case("true"))
        }
        (ColumnType::I64, _) if inner.parse::<i64>().is_ok() => DefaultValue::Int(inner.parse().unwrap_or_default()),
        (ColumnType::F64 | ColumnType::Decimal, _) if inner.parse::<f64>().is_ok() => {
            if inner.contains(['.', 'e', 'E']) {
                DefaultValue::Float(inner)
            } else {
                DefaultValue::Int(inner.parse().unwrap_or_default())
            }
        }
        _ => DefaultValue::Sql(inner),
    });
}

fn read_indexes(
    conn: &mut Connection,
    e: &mut Entity,
    objects: &[TextRow],
    report: &mut Vec<String>,
) -> Result<(), DbError> {
    let table = e.table.clone();
    let body = objects
        .iter()
        .find(|r| text(r, 0) == "table" && text(r, 1) == table)
        .map(|r| parse_create_table(&text(r, 3), &table))
        .unwrap_or_default();
    let list = conn.query(&format!("PRAGMA index_list({})", quote(&table)))?;
    let mut indexes = Vec::new();
    for row in &list {
        let (name, unique, origin) = (text(row, 1), text(row, 2) == "1", text(row, 3));
        if origin == "pk" {
            continue;
        }
        let cols = conn.query(&format!("PRAGMA index_xinfo({})", quote(&name)))?;
        let mut columns = Vec::new();
        let mut expression = false;
        for c in cols.iter().filter(|c| text(c, 5) == "1") {
            if text(c, 1) == "-2" {
                expression = true;
            }
            columns.push(IndexColumn { name: text(c, 2), desc: text(c, 3) == "1" });
        }
        let sql = objects.iter().find(|r| text(r, 0) == "index" && text(r, 1) == name).map(|r| text(r, 3));
        if expression {
            report.push(format!(
                "table `{table}`: the index `{name}` ({}) is over an expression: left out",
                sql.unwrap_or_default()
            ));
            continue;
        }
        let index_name = if origin == "u" {
            let names: Vec<&String> = columns.iter().map(|c| &c.name).collect();
            body.uniques
                .iter()
                .find(|(_, cols)| cols.iter().eq(names.iter().copied()))
                .and_then(|(n, _)| n.clone())
                .unwrap_or_else(|| {
                    let refs: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    tablewright_core::naming::constraint_name("uq", &table, &refs)
                })
        } else {
            name.clone()
        };
        let predicate = sql.as_deref().and_then(where_clause);
        indexes.push(Index {
            name: index_name,
            columns,
            unique,
            predicate,
            include: vec![],
            origin: ColumnOrigin::Declared,
            location: Location::default(),
        });
    }
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    e.indexes = indexes;
    Ok(())
}

/// The predicate of `CREATE INDEX ... WHERE predicate`.
fn where_clause(sql: &str) -> Option<String> {
    let upper = sql.to_ascii_uppercase();
    let close = upper.rfind(')')?;
    let at = upper[close..].find(" WHERE ")? + close;
    Some(strip_parens(&sql[at + 7..]))
}

/// What the pragmas leave out of a `CREATE TABLE`.
#[derive(Clone, Debug, Default)]
struct TableText {
    columns: Vec<ColumnText>,
    primary_key: Option<String>,
    foreign_keys: Vec<ForeignKeyText>,
    checks: Vec<(String, String)>,
    uniques: Vec<(Option<String>, Vec<String>)>,
}

#[derive(Clone, Debug, Default)]
struct ColumnText {
    name: String,
    doc: Option<String>,
    autoincrement: bool,
    /// The default as written: `('{}')` keeps its parentheses, which
    /// `PRAGMA table_info` drops.
    default: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct ForeignKeyText {
    name: Option<String>,
    columns: Vec<String>,
    target_table: String,
    deferrable: bool,
}

/// Splits `CREATE TABLE t ( ... )` into its definitions, keeping the `--`
/// comment lines before each (tablewright's column docs).
fn parse_create_table(sql: &str, table: &str) -> TableText {
    let mut out = TableText::default();
    // An unnamed check gets the name tablewright gives a `#[check]` at that place.
    let unnamed = |n: usize| tablewright_core::naming::shorten(&format!("ck_{table}_{n}"));
    let Some(open) = sql.find('(') else { return out };
    let items = split_definitions(&sql[open + 1..]);
    let mut check_n = 0;
    for (comments, def) in items {
        let tokens = tokenize(&def);
        let Some(first) = tokens.first() else { continue };
        let mut i = 0;
        let mut name = None;
        if first.eq_ignore_ascii_case("CONSTRAINT") {
            name = tokens.get(1).map(|t| unquote(t));
            i = 2;
        }
        let kw = |j: usize| tokens.get(j).map(|t| t.to_ascii_uppercase()).unwrap_or_default();
        match kw(i).as_str() {
            "PRIMARY" => out.primary_key = name,
            "UNIQUE" => out.uniques.push((name, list_at(&tokens, i + 1))),
            "CHECK" => {
                check_n += 1;
                let expr = tokens.get(i + 1).cloned().unwrap_or_default();
                out.checks.push((name.unwrap_or_else(|| unnamed(check_n)), strip_parens(&expr)));
            }
            "FOREIGN" => {
                let columns = list_at(&tokens, i + 2);
                let refs = tokens.iter().position(|t| t.eq_ignore_ascii_case("REFERENCES")).unwrap_or(0);
                out.foreign_keys.push(ForeignKeyText {
                    name,
                    columns,
                    target_table: tokens.get(refs + 1).map(|t| unquote(t)).unwrap_or_default(),
                    deferrable: def.to_ascii_uppercase().contains("INITIALLY DEFERRED"),
                });
            }
            _ => {
                let column = unquote(first);
                let doc_lines: Vec<String> =
                    comments.iter().map(|c| c.strip_prefix(' ').unwrap_or(c).trim_end().to_string()).collect();
                let upper: Vec<String> = tokens.iter().map(|t| t.to_ascii_uppercase()).collect();
                if let Some(at) = upper.iter().position(|t| t == "PRIMARY")
                    && at >= 2
                    && upper[at - 2] == "CONSTRAINT"
                {
                    out.primary_key = Some(unquote(&tokens[at - 1]));
                }
                for (j, t) in upper.iter().enumerate() {
                    if t == "CHECK" {
                        check_n += 1;
                        let constraint = (j >= 2 && upper[j - 2] == "CONSTRAINT").then(|| unquote(&tokens[j - 1]));
                        let expr = tokens.get(j + 1).cloned().unwrap_or_default();
                        out.checks.push((constraint.unwrap_or_else(|| unnamed(check_n)), strip_parens(&expr)));
                    }
                    if t == "UNIQUE" {
                        let constraint = (j >= 2 && upper[j - 2] == "CONSTRAINT").then(|| unquote(&tokens[j - 1]));
                        out.uniques.push((constraint, vec![column.clone()]));
                    }
                }
                let default = upper.iter().position(|t| t == "DEFAULT").and_then(|at| {
                    let value = tokens.get(at + 1)?;
                    // A signed number is two tokens only when written `- 5`.
                    Some(value.clone())
                });
                out.columns.push(ColumnText {
                    name: column,
                    doc: (!doc_lines.is_empty()).then(|| doc_lines.join("\n")),
                    autoincrement: upper.iter().any(|t| t == "AUTOINCREMENT"),
                    default,
                });
            }
        }
    }
    out
}

/// The names of the parenthesized list token at `at`: `("a", "b")`.
fn list_at(tokens: &[String], at: usize) -> Vec<String> {
    let Some(list) = tokens.get(at) else { return vec![] };
    let inner = list.trim().trim_start_matches('(').trim_end_matches(')');
    inner.split(',').map(|c| unquote(c.split_whitespace().next().unwrap_or(""))).collect()
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if s.len() >= 2 && s.starts_with(open) && s.ends_with(close) {
            let inner = &s[1..s.len() - 1];
            return if open == '"' { inner.replace("\"\"", "\"") } else { inner.to_string() };
        }
    }
    s.to_string()
}

/// The definitions between the outer parentheses, each with the `--`
/// comments that precede it.
fn split_definitions(body: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let (mut comments, mut current) = (Vec::new(), String::new());
    let mut depth = 0i32;
    let mut chars = body.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            current.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => {
                quote = Some(c);
                current.push(c);
            }
            '[' => {
                quote = Some(']');
                current.push(c);
            }
            '-' if chars.peek() == Some(&'-') => {
                chars.next();
                let mut line = String::new();
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                    line.push(n);
                }
                if current.trim().is_empty() {
                    comments.push(line);
                }
            }
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' if depth == 0 => {
                out.push((std::mem::take(&mut comments), std::mem::take(&mut current)));
                return out;
            }
            ')' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => out.push((std::mem::take(&mut comments), std::mem::take(&mut current))),
            _ => current.push(c),
        }
    }
    out.push((comments, current));
    out
}

/// Words, quoted names and parenthesized groups (one token each).
fn tokenize(def: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = def.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut token = String::new();
        match c {
            '"' | '`' | '\'' | '[' => {
                let close = if c == '[' { ']' } else { c };
                token.push(c);
                chars.next();
                for n in chars.by_ref() {
                    token.push(n);
                    if n == close {
                        break;
                    }
                }
            }
            '(' => {
                let mut depth = 0;
                let mut quote: Option<char> = None;
                for n in chars.by_ref() {
                    token.push(n);
                    match (quote, n) {
                        (Some(q), n) if n == q => quote = None,
                        (Some(_), _) => {}
                        (None, '\'' | '"') => quote = Some(n),
                        (None, '(') => depth += 1,
                        (None, ')') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == '(' {
                        break;
                    }
                    token.push(n);
                    chars.next();
                }
            }
        }
        out.push(token);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_table_text_gives_names_docs_and_checks() {
        let t = parse_create_table(
            "CREATE TABLE \"t\" (\n  -- The key.\n  \"id\" INTEGER NOT NULL CONSTRAINT \"pk_t\" PRIMARY KEY AUTOINCREMENT,\n  \
             \"a, b\" TEXT CHECK (length(\"a, b\") > 0),\n  \
             CONSTRAINT \"fk_t_x\" FOREIGN KEY (\"x\") REFERENCES \"u\" (\"id\") DEFERRABLE INITIALLY DEFERRED,\n  \
             CONSTRAINT \"ck_t_1\" CHECK (x IN ('a', ')')),\n  CONSTRAINT \"uq_t_a\" UNIQUE (\"a\", \"b\")\n)",
            "t",
        );
        assert_eq!(t.primary_key.as_deref(), Some("pk_t"));
        assert_eq!(t.columns[0].doc.as_deref(), Some("The key."));
        assert!(t.columns[0].autoincrement);
        assert_eq!(t.columns[1].name, "a, b");
        assert_eq!(
            t.checks,
            [("ck_t_1".to_string(), "length(\"a, b\") > 0".to_string()), ("ck_t_1".into(), "x IN ('a', ')')".into())]
        );
        assert!(t.foreign_keys[0].deferrable);
        assert_eq!(t.foreign_keys[0].target_table, "u");
        assert_eq!(t.uniques, [(Some("uq_t_a".to_string()), vec!["a".to_string(), "b".to_string()])]);
    }
}
