//! PostgreSQL: `pg_catalog`, schema `public`.
//!
//! Every query returns text (the connection's simple protocol); lists of
//! names come joined with `\x01`, which no identifier contains in practice
//! and which needs no quoting, unlike an array's text form.

use tablewright_core::model::*;

use super::{Facts, MembershipFacts, conjuncts, sql_string_value, strip_parens};
use crate::db::{Connection, DbError, TextRow};

const SEP: char = '\u{1}';
const SCHEMA: &str = "public";

/// Tables, views and the rest of `public` read into a raw model.
pub fn read(conn: &mut Connection) -> Result<(Schema, Facts, Vec<String>), DbError> {
    let mut report = Vec::new();
    let mut facts = Facts::default();
    let mut schema = Schema::default();

    other_schemas(conn, &mut report)?;
    read_enums(conn, &mut schema)?;
    let tables = conn.query(&format!(
        "SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class'), c.relrowsecurity::text
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = '{SCHEMA}' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
         ORDER BY c.relname"
    ))?;
    for row in &tables {
        let (name, kind) = (text(row, 0), text(row, 1));
        match kind.as_str() {
            "r" | "p" => {
                if kind == "p" {
                    report.push(format!("table `{name}` is partitioned: imported as a plain table"));
                }
                let mut e = Entity::new(String::new(), name.clone(), vec![], &[]);
                e.primary_key.name.clear();
                e.doc = row[2].clone().filter(|d| !d.is_empty());
                if text(row, 3) == "true" {
                    facts.rls.push(name);
                }
                schema.entities.push(e);
            }
            "v" => report.push(format!("view `{name}` is not a table: left out (write it in a migration of your own)")),
            "m" => report.push(format!("materialized view `{name}` is not a table: left out")),
            _ => report.push(format!("foreign table `{name}` is not a table of this database: left out")),
        }
    }
    read_columns(conn, &mut schema, &mut report)?;
    read_constraints(conn, &mut schema, &mut report)?;
    read_indexes(conn, &mut schema, &mut report)?;
    read_triggers_and_functions(conn, &mut facts, &mut report)?;
    read_policies(conn, &schema, &mut facts, &mut report)?;
    tidy_expressions(&mut schema, &mut facts);
    let extensions = conn.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname")?;
    for row in extensions {
        report.push(format!(
            "extension `{}`: not managed by tablewright, install it before the migrations",
            text(&row, 0)
        ));
    }
    Ok((schema, facts, report))
}

/// Every SQL expression read back (checks, index predicates, policies,
/// SQL defaults) through [`tidy`], with the text columns of its table.
fn tidy_expressions(schema: &mut Schema, facts: &mut Facts) {
    let text_columns = |e: &Entity| -> Vec<String> {
        e.columns
            .iter()
            .filter(|c| c.ty == ColumnType::String && c.sql_type.is_none())
            .map(|c| c.name.clone())
            .collect()
    };
    for e in &mut schema.entities {
        let texts = text_columns(e);
        for check in &mut e.checks {
            check.expr = tidy(&check.expr, &texts);
        }
        for index in &mut e.indexes {
            index.predicate = index.predicate.as_deref().map(|p| tidy(p, &texts));
        }
        for c in &mut e.columns {
            if let Some(DefaultValue::Sql(sql)) = &c.default {
                c.default = Some(DefaultValue::Sql(tidy(sql, &texts)));
            }
        }
    }
    for (table, policy) in &mut facts.policies {
        let texts = schema.entities.iter().find(|e| e.table == *table).map(text_columns).unwrap_or_default();
        policy.using = policy.using.as_deref().map(|p| tidy(p, &texts));
        policy.check = policy.check.as_deref().map(|p| tidy(p, &texts));
    }
}

/// An expression as PostgreSQL prints it back, without what PostgreSQL
/// adds by itself and adds again when the expression is stored once more:
/// the casts of text columns and literals (`(slug)::text`, `'#%'::text`),
/// of integer literals compared with numerics (`(0)::numeric`), the
/// operator names of LIKE (`~~`), the aliases of function calls in
/// subqueries (`SELECT f() AS f`) and line breaks. String literals are
/// left alone.
///
/// ```text
/// (slug)::text = lower((slug)::text)   ->  slug = lower(slug)
/// (color)::text ~~ '#%'::text          ->  color LIKE '#%'
/// ```
pub fn tidy(expr: &str, text_columns: &[String]) -> String {
    // Split into code and string literals.
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut chars = expr.chars().peekable();
    let mut code = String::new();
    while let Some(c) = chars.next() {
        if c == '\'' {
            parts.push((false, std::mem::take(&mut code)));
            let mut lit = String::from('\'');
            while let Some(n) = chars.next() {
                lit.push(n);
                if n == '\'' {
                    if chars.peek() == Some(&'\'') {
                        lit.push('\'');
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            parts.push((true, lit));
        } else {
            code.push(c);
        }
    }
    parts.push((false, code));
    const TEXT_CASTS: [&str; 3] = ["::character varying", "::text", "::bpchar"];
    let ends_type =
        |rest: &str| rest.chars().next().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '['));
    let mut out = String::new();
    let mut after_literal = false;
    for (is_literal, mut part) in parts {
        if is_literal {
            out.push_str(&part);
            after_literal = true;
            continue;
        }
        if after_literal {
            for cast in TEXT_CASTS {
                if let Some(rest) = part.strip_prefix(cast)
                    && ends_type(rest)
                {
                    part = rest.to_string();
                    break;
                }
            }
        }
        after_literal = false;
        // `(name)::text` of a text column, `(0)::numeric`.
        for (cast, numeric) in TEXT_CASTS.iter().map(|c| (*c, false)).chain([("::numeric", true)]) {
            let pattern = format!("){cast}");
            let mut from = 0;
            while let Some(at) = part[from..].find(&pattern).map(|i| i + from) {
                let rest = &part[at + pattern.len()..];
                let open = part[..at].rfind('(');
                let inner = open.map(|o| part[o + 1..at].to_string()).unwrap_or_default();
                let fits = if numeric { inner.parse::<f64>().is_ok() } else { text_columns.contains(&inner) };
                match open {
                    Some(o) if fits && ends_type(rest) => {
                        part = format!("{}{inner}{rest}", &part[..o]);
                        from = o + inner.len();
                    }
                    _ => from = at + 1,
                }
            }
        }
        for (op, word) in [(" !~~* ", " NOT ILIKE "), (" ~~* ", " ILIKE "), (" !~~ ", " NOT LIKE "), (" ~~ ", " LIKE ")]
        {
            part = part.replace(op, word);
        }
        part = part.replace("( SELECT ", "(SELECT ");
        // `SELECT f() AS f` -> `SELECT f()`.
        let mut from = 0;
        while let Some(at) = part[from..].find("() AS ").map(|i| i + from) {
            let name_start =
                part[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
            let function = part[name_start..at].rsplit('.').next().unwrap_or("").to_string();
            let alias_start = at + "() AS ".len();
            let alias_end = part[alias_start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(part.len(), |i| i + alias_start);
            if !function.is_empty() && part[alias_start..alias_end] == function {
                part = format!("{}(){}", &part[..at], &part[alias_end..]);
            }
            from = at + 2;
        }
        let collapsed: Vec<&str> = part.split('\n').map(|l| l.trim_start()).collect();
        out.push_str(&collapsed.join(" "));
    }
    out
}

fn text(row: &TextRow, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn list(row: &TextRow, i: usize) -> Vec<String> {
    let s = text(row, i);
    if s.is_empty() { Vec::new() } else { s.split(SEP).map(str::to_string).collect() }
}

fn other_schemas(conn: &mut Connection, report: &mut Vec<String>) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('{SCHEMA}', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_%'
         GROUP BY n.nspname ORDER BY n.nspname"
    ))?;
    for row in rows {
        report.push(format!(
            "schema `{}` ({} tables or views): only `{SCHEMA}` is imported",
            text(&row, 0),
            text(&row, 1)
        ));
    }
    Ok(())
}

fn read_enums(conn: &mut Connection, schema: &mut Schema) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT t.typname, e.enumlabel, obj_description(t.oid, 'pg_type')
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = '{SCHEMA}' ORDER BY t.typname, e.enumsortorder"
    ))?;
    for row in rows {
        let name = text(&row, 0);
        if schema.enums.last().is_none_or(|e| e.sql_name != name) {
            schema.enums.push(EnumType {
                name: String::new(),
                sql_name: name,
                variants: vec![],
                doc: row[2].clone().filter(|d| !d.is_empty()),
                location: Location::default(),
            });
        }
        if let Some(e) = schema.enums.last_mut() {
            e.variants.push(EnumVariant { name: String::new(), value: text(&row, 1), doc: None });
        }
    }
    Ok(())
}

fn read_columns(conn: &mut Connection, schema: &mut Schema, report: &mut Vec<String>) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, col_description(c.oid, a.attnum),
                t.typtype, tn.nspname, t.typname, coalesce(et.typname, '')
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = '{SCHEMA}' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum"
    ))?;
    let enum_names: Vec<String> = schema.enums.iter().map(|e| e.sql_name.clone()).collect();
    for row in rows {
        let table = text(&row, 0);
        let Some(e) = schema.entities.iter_mut().find(|e| e.table == table) else { continue };
        let name = text(&row, 1);
        let sql = text(&row, 2);
        let mut c = Column::new(&name, ColumnType::String);
        c.nullable = text(&row, 3) != "true";
        c.doc = row[7].clone().filter(|d| !d.is_empty());
        let (typtype, typname) = (text(&row, 8), text(&row, 10));
        if typtype == "e" && enum_names.contains(&typname) {
            c.ty = ColumnType::Enum(typname);
        } else {
            map_type(&sql, &mut c);
        }
        match text(&row, 5).as_str() {
            "d" => c.generated = Generated::Identity,
            "a" => {
                c.generated = Generated::Identity;
                report.push(format!(
                    "column `{table}`.`{name}` is GENERATED ALWAYS AS IDENTITY: tablewright writes BY DEFAULT"
                ));
            }
            _ => {}
        }
        let default = row[4].clone();
        if text(&row, 6) == "s" {
            report.push(format!(
                "column `{table}`.`{name}` is generated (`{}`): imported as a plain column",
                default.as_deref().unwrap_or("")
            ));
        } else if let Some(d) = default {
            default_value(&d, &mut c, &table, report);
        }
        if !matches!(c.ty, ColumnType::I32 | ColumnType::I64) && c.generated == Generated::Identity {
            c.generated = Generated::None;
        }
        e.columns.push(c);
    }
    Ok(())
}

/// `format_type` back to the model: docs/types.md's table read in reverse.
fn map_type(sql: &str, c: &mut Column) {
    let lower = sql.to_ascii_lowercase();
    let args = |s: &str| -> Vec<u32> {
        s.split_once('(')
            .and_then(|(_, r)| r.strip_suffix(')'))
            .map(|a| a.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            .unwrap_or_default()
    };
    c.ty = match lower.as_str() {
        "text" => ColumnType::String,
        "smallint" => ColumnType::I16,
        "integer" => ColumnType::I32,
        "bigint" => ColumnType::I64,
        "real" => ColumnType::F32,
        "double precision" => ColumnType::F64,
        "boolean" => ColumnType::Bool,
        "uuid" => ColumnType::Uuid,
        "timestamp with time zone" => ColumnType::DateTimeUtc,
        "timestamp without time zone" => ColumnType::NaiveDateTime,
        "date" => ColumnType::NaiveDate,
        "time without time zone" => ColumnType::NaiveTime,
        "jsonb" => ColumnType::Json,
        "numeric" => ColumnType::Decimal,
        "bytea" => ColumnType::Bytes,
        "text[]" => ColumnType::StringArray,
        s if s.starts_with("character varying(") => {
            c.max_len = args(s).first().copied();
            ColumnType::String
        }
        s if s.starts_with("numeric(") => {
            let a = args(s);
            c.precision = a.first().copied();
            c.scale = a.get(1).copied();
            ColumnType::Decimal
        }
        _ => {
            c.sql_type = Some(sql.to_string());
            super::fallback_type(sql, crate::db::Dialect::Postgres)
        }
    };
}

/// A column default as `pg_get_expr` prints it, back to `#[default]`.
fn default_value(expr: &str, c: &mut Column, table: &str, report: &mut Vec<String>) {
    let e = strip_parens(expr);
    if e.starts_with("nextval(") {
        if matches!(c.ty, ColumnType::I32 | ColumnType::I64) {
            c.generated = Generated::Identity;
            report.push(format!(
                "column `{table}`.`{}` is a serial (`{e}`): written as an identity, which owns its own sequence",
                c.name
            ));
            return;
        }
        c.default = Some(DefaultValue::Sql(e));
        return;
    }
    if e == "gen_random_uuid()" && c.ty == ColumnType::Uuid {
        c.generated = Generated::RandomUuid;
        return;
    }
    if e.eq_ignore_ascii_case("CURRENT_TIMESTAMP") || e == "now()" {
        c.default = Some(DefaultValue::Now);
        return;
    }
    if e == "true" || e == "false" {
        c.default = Some(if c.ty == ColumnType::Bool { DefaultValue::Bool(e == "true") } else { DefaultValue::Sql(e) });
        return;
    }
    // A literal with the cast PostgreSQL adds: `'free'::plan`, `'x'::character varying`, `'-5'::integer`.
    let (literal, cast) = match e.rfind("::") {
        Some(at) if e.starts_with('\'') => (&e[..at], Some(&e[at + 2..])),
        _ => (e.as_str(), None),
    };
    let number = strip_parens(literal.trim_matches('\''));
    let number = number.as_str();
    c.default = Some(match (&c.ty, sql_string_value(literal)) {
        (ColumnType::Enum(_), Some(v)) => DefaultValue::EnumValue(v),
        (ColumnType::String, Some(v)) if c.sql_type.is_none() => DefaultValue::String(v),
        (ColumnType::I16 | ColumnType::I32 | ColumnType::I64, _) if number.parse::<i64>().is_ok() => {
            DefaultValue::Int(number.parse().unwrap_or_default())
        }
        (ColumnType::F32 | ColumnType::F64 | ColumnType::Decimal, _) if number.parse::<f64>().is_ok() => {
            if number.contains(['.', 'e', 'E']) {
                DefaultValue::Float(number.to_string())
            } else {
                DefaultValue::Int(number.parse().unwrap_or_default())
            }
        }
        // Any other literal keeps its value, without the cast the column's
        // type implies: `'{}'::jsonb` is written `'{}'`.
        (_, Some(_)) if cast.is_some() => DefaultValue::Sql(literal.to_string()),
        _ => DefaultValue::Sql(e.clone()),
    });
}

fn read_constraints(conn: &mut Connection, schema: &mut Schema, report: &mut Vec<String>) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT c.relname, k.conname, k.contype,
                array_to_string(ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o), E'\\x01'),
                fc.relname,
                array_to_string(ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                  JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o), E'\\x01'),
                k.confdeltype, k.confupdtype, k.condeferrable::text, k.condeferred::text,
                pg_get_constraintdef(k.oid), fn.nspname
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class fc ON fc.oid = k.confrelid
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE n.nspname = '{SCHEMA}' AND c.relkind IN ('r', 'p')
         ORDER BY c.relname, k.contype, k.conname"
    ))?;
    for row in rows {
        let table = text(&row, 0);
        let Some(e) = schema.entities.iter_mut().find(|e| e.table == table) else { continue };
        let name = text(&row, 1);
        let columns = list(&row, 3);
        match text(&row, 2).as_str() {
            "p" => e.primary_key = PrimaryKey { name, columns },
            "f" => {
                if text(&row, 11) != SCHEMA {
                    report.push(format!(
                        "table `{table}`: the foreign key `{name}` points into schema `{}`: left out",
                        text(&row, 11)
                    ));
                    continue;
                }
                let deferred = text(&row, 8) == "true";
                if deferred && text(&row, 9) != "true" {
                    report.push(format!(
                        "table `{table}`: the foreign key `{name}` is DEFERRABLE INITIALLY IMMEDIATE: written as `deferrable` (initially deferred)"
                    ));
                }
                e.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    target: String::new(),
                    target_table: text(&row, 4),
                    target_columns: list(&row, 5),
                    on_delete: action(&text(&row, 6)),
                    on_update: action(&text(&row, 7)),
                    origin: ColumnOrigin::Declared,
                    deferrable: deferred,
                    location: Location::default(),
                });
            }
            "c" => {
                let def = text(&row, 10);
                let expr = def.strip_prefix("CHECK ").map(strip_parens).unwrap_or(def.clone());
                if def.ends_with("NOT VALID") {
                    report.push(format!(
                        "table `{table}`: the check `{name}` is NOT VALID: written as a checked constraint"
                    ));
                }
                e.checks.push(Check { name, expr, origin: ColumnOrigin::Declared, location: Location::default() });
            }
            // Unique constraints are read with the indexes that back them.
            "u" => {}
            "x" => report
                .push(format!("table `{table}`: the exclusion constraint `{name}` ({}) is left out", text(&row, 10))),
            other => report.push(format!("table `{table}`: the constraint `{name}` (kind {other}) is left out")),
        }
    }
    Ok(())
}

fn action(code: &str) -> ReferentialAction {
    match code {
        "c" => ReferentialAction::Cascade,
        "r" => ReferentialAction::Restrict,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

fn read_indexes(conn: &mut Connection, schema: &mut Schema, report: &mut Vec<String>) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT t.relname, i.relname, x.indisunique::text, x.indisprimary::text, x.indnkeyatts,
                array_to_string(ARRAY(SELECT coalesce(a.attname, '') FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o)
                  LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o), E'\\x01'),
                array_to_string(ARRAY(SELECT u.opt::text FROM unnest(x.indoption::int2[]) WITH ORDINALITY u(opt, o) ORDER BY u.o), E'\\x01'),
                pg_get_expr(x.indpred, x.indrelid), (x.indexprs IS NOT NULL)::text, am.amname,
                pg_get_indexdef(x.indexrelid)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_am am ON am.oid = i.relam
         WHERE n.nspname = '{SCHEMA}' AND t.relkind IN ('r', 'p')
         ORDER BY t.relname, i.relname"
    ))?;
    for row in rows {
        let table = text(&row, 0);
        let Some(e) = schema.entities.iter_mut().find(|e| e.table == table) else { continue };
        if text(&row, 3) == "true" {
            continue;
        }
        let name = text(&row, 1);
        if text(&row, 8) == "true" || text(&row, 9) != "btree" {
            report.push(format!(
                "table `{table}`: the index `{name}` ({}) uses an expression or a non-btree method: left out",
                text(&row, 10)
            ));
            continue;
        }
        let keys: usize = text(&row, 4).parse().unwrap_or(0);
        let all = list(&row, 5);
        let options = list(&row, 6);
        let mut columns = Vec::new();
        for (i, col) in all.iter().take(keys).enumerate() {
            let opt: u32 = options.get(i).and_then(|o| o.parse().ok()).unwrap_or(0);
            let desc = opt & 1 != 0;
            // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
            if (opt & 2 != 0) != desc {
                report.push(format!(
                    "table `{table}`: the index `{name}` orders NULLs of `{col}` the other way: written with the default order"
                ));
            }
            columns.push(IndexColumn { name: col.clone(), desc });
        }
        e.indexes.push(Index {
            name,
            columns,
            unique: text(&row, 2) == "true",
            predicate: row[7].as_deref().map(strip_parens),
            include: all.iter().skip(keys).cloned().collect(),
            origin: ColumnOrigin::Declared,
            location: Location::default(),
        });
    }
    Ok(())
}

/// The functions tablewright writes for its triggers and policies.
fn is_tablewright_function(name: &str) -> bool {
    name.starts_with("tablewright_") || name.starts_with("tw_")
}

fn read_triggers_and_functions(
    conn: &mut Connection,
    facts: &mut Facts,
    report: &mut Vec<String>,
) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT c.relname, g.tgname, p.proname FROM pg_trigger g
         JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_proc p ON p.oid = g.tgfoid
         WHERE NOT g.tgisinternal AND n.nspname = '{SCHEMA}'
         ORDER BY c.relname, g.tgname"
    ))?;
    for row in rows {
        let (table, trigger, function) = (text(&row, 0), text(&row, 1), text(&row, 2));
        if trigger.starts_with("tw_") && is_tablewright_function(&function) {
            facts.triggers.push((table, trigger));
        } else {
            report.push(format!("table `{table}`: the trigger `{trigger}` (calls `{function}`) is left out"));
        }
    }
    let functions = conn.query(&format!(
        "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = '{SCHEMA}'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
         ORDER BY p.proname"
    ))?;
    let mut membership = MembershipFacts::default();
    for row in functions {
        let (name, body) = (text(&row, 0), text(&row, 1));
        match name.as_str() {
            "tw_member_tenants" => {
                // SELECT m."org_id" FROM public."members" AS m WHERE m."user_id" = ... AND true
                if let Some(from) = between(&body, " FROM ", " AS m") {
                    membership.table = unquote(from.rsplit('.').next().unwrap_or(from));
                }
                if let Some(user) = between(&body, "WHERE m.", " =") {
                    membership.user_column = unquote(user);
                }
            }
            "tw_admin_tenants" => {
                if let Some(role) = between(&body, "AND m.", "::text IN") {
                    membership.role_column = unquote(role);
                }
                if let Some(roles) = between(&body, "::text IN (", ")") {
                    membership.admin_roles = roles.split(',').filter_map(|r| sql_string_value(r.trim())).collect();
                }
            }
            "tw_writer_tenants" => {
                if let Some(roles) = between(&body, "::text NOT IN (", ")") {
                    membership.read_only_roles = roles.split(',').filter_map(|r| sql_string_value(r.trim())).collect();
                }
            }
            n if is_tablewright_function(n) => {}
            n => report.push(format!("function `{n}` is not generated by tablewright: left out")),
        }
    }
    if !membership.table.is_empty() && !membership.role_column.is_empty() {
        facts.membership = Some(membership);
    }
    Ok(())
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

/// Row-level security: tablewright's tenant policies name the tenant and
/// the scoped tables; any other policy is a `#[policy]` of the schema.
fn read_policies(
    conn: &mut Connection,
    schema: &Schema,
    facts: &mut Facts,
    report: &mut Vec<String>,
) -> Result<(), DbError> {
    let rows = conn.query(&format!(
        "SELECT c.relname, p.polname, p.polcmd, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                p.polpermissive::text, array_length(p.polroles, 1)::text, (p.polroles = '{{0}}')::text
         FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = '{SCHEMA}' ORDER BY c.relname, p.polname"
    ))?;
    // First pass: the tenant policies.
    for row in &rows {
        let (table, name) = (text(row, 0), text(row, 1));
        if name != "tenant_select" {
            continue;
        }
        let Some(column) = tenant_column(&text(row, 3)) else { continue };
        let is_key = schema.entities.iter().any(|e| e.table == table && e.primary_key.columns == [column.clone()]);
        if is_key {
            facts.tenant_table = Some(table);
        } else {
            facts.scoped.push((table, column));
        }
    }
    for row in &rows {
        let (table, name) = (text(row, 0), text(row, 1));
        if name.starts_with("tenant_") || name.starts_with("restore_") {
            continue;
        }
        if table == "audit_logs" && name.starts_with("audit_") {
            // `... OR ("tenant_id" IS NULL AND "entity_type" IN ('tax_rates'))`
            let using = text(row, 3);
            if let Some(at) = using.find("entity_type") {
                let rest = &using[at..];
                let values: Vec<String> =
                    rest.split('\'').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, v)| v.to_string()).collect();
                facts.audit_readable.extend(values);
            }
            continue;
        }
        if text(row, 5) != "true" || text(row, 7) != "true" {
            report.push(format!(
                "table `{table}`: the policy `{name}` is restrictive or for named roles: left out (tablewright writes permissive policies for every role)"
            ));
            continue;
        }
        let command = match text(row, 2).as_str() {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => {
                report.push(format!(
                    "table `{table}`: the policy `{name}` is FOR ALL: left out, write one `#[policy]` per command"
                ));
                continue;
            }
        };
        let scoped = facts.scoped.iter().any(|(t, _)| *t == table);
        let own = |expr: Option<String>| -> Option<String> {
            let expr = expr.filter(|e| !e.is_empty())?;
            if !scoped {
                return Some(strip_parens(&expr));
            }
            // Tenant-scoped: tablewright put the tenant condition (and, for
            // an update of a soft-delete table, `deleted_at IS NULL`) first.
            let mut rest: Vec<String> = conjuncts(&expr);
            if rest.first().is_some_and(|c| tenant_column(c).is_some()) {
                rest.remove(0);
            }
            if rest.first().is_some_and(|c| c == "deleted_at IS NULL") {
                rest.remove(0);
            }
            (!rest.is_empty()).then(|| rest.join(" AND "))
        };
        let using = if command.has_using() { own(row[3].clone()) } else { None };
        let mut check = if command.has_check() { own(row[4].clone()) } else { None };
        if command == PolicyCommand::Update && check == using {
            check = None;
        }
        facts.policies.push((table, RowPolicy { name, command, using, check, location: Location::default() }));
    }
    Ok(())
}

/// The column of tablewright's tenant condition: `"org_id" IN (SELECT
/// tw_member_tenants())` or `"store_id" = NULLIF(current_setting('app.tenant_id', ...`,
/// as PostgreSQL prints them back.
fn tenant_column(expr: &str) -> Option<String> {
    let first = conjuncts(expr).into_iter().next()?;
    let first = strip_parens(&first);
    if first.contains(" OR ") {
        return None;
    }
    let mentions = first.contains("tw_member_tenants")
        || first.contains("tw_writer_tenants")
        || first.contains("tw_admin_tenants")
        || first.contains("'app.tenant_id'");
    if !mentions {
        return None;
    }
    let column = first.split([' ', ')']).next()?.trim_start_matches('(');
    Some(column.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_conditions_name_their_column() {
        assert_eq!(
            tenant_column("(organization_id IN ( SELECT tw_member_tenants() AS tw_member_tenants))").as_deref(),
            Some("organization_id")
        );
        assert_eq!(
            tenant_column("((store_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid) AND (deleted_at IS NULL))")
                .as_deref(),
            Some("store_id")
        );
        assert_eq!(tenant_column("(author_id = tw_current_user())"), None);
    }

    #[test]
    fn expressions_lose_what_postgres_adds() {
        let texts = vec!["slug".to_string(), "color".to_string()];
        assert_eq!(tidy("(slug)::text = lower((slug)::text)", &texts), "slug = lower(slug)");
        assert_eq!(tidy("(color)::text ~~ '#%'::text", &texts), "color LIKE '#%'");
        assert_eq!(tidy("rate >= (0)::numeric", &texts), "rate >= 0");
        assert_eq!(tidy("(n)::text = 'a::text'::text", &texts), "(n)::text = 'a::text'");
        assert_eq!(
            tidy("(id IN ( SELECT public.tw_admin_tenants() AS tw_admin_tenants))", &texts),
            "(id IN (SELECT public.tw_admin_tenants()))"
        );
        assert_eq!(
            tidy("id IN ( SELECT organization_members.user_id\n   FROM organization_members)", &texts),
            "id IN (SELECT organization_members.user_id FROM organization_members)"
        );
    }

    #[test]
    fn defaults_lose_their_casts() {
        let mut report = Vec::new();
        let mut c = Column::new("plan", ColumnType::Enum("plan".into()));
        default_value("'free'::plan", &mut c, "t", &mut report);
        assert_eq!(c.default, Some(DefaultValue::EnumValue("free".into())));
        let mut c = Column::new("s", ColumnType::Json);
        default_value("'{}'::jsonb", &mut c, "t", &mut report);
        assert_eq!(c.default, Some(DefaultValue::Sql("'{}'".into())));
        let mut c = Column::new("n", ColumnType::I32);
        default_value("'-5'::integer", &mut c, "t", &mut report);
        assert_eq!(c.default, Some(DefaultValue::Int(-5)));
        let mut c = Column::new("p", ColumnType::F64);
        default_value("0.0", &mut c, "t", &mut report);
        assert_eq!(c.default, Some(DefaultValue::Float("0.0".into())));
        let mut c = Column::new("c", ColumnType::String);
        default_value("'it''s'::character varying", &mut c, "t", &mut report);
        assert_eq!(c.default, Some(DefaultValue::String("it's".into())));
        assert!(report.is_empty());
    }
}
