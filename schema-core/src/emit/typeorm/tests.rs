//! The TypeORM emitter over the SQL emitter's fixture (every column type,
//! default kind, index shape, a self reference and a cycle). That the files
//! compile and that TypeORM wants no change is checked against real tools
//! by `tests/targets_typeorm.rs`.

use super::*;
#[allow(unused_imports)]
use crate::emit::{Context, EmitOptions};
use crate::model::{ColumnType, DefaultValue};

fn emitted() -> Emitted {
    let schema = crate::emit::sql::test_fixture();
    let mut out = Emitted::default();
    TypeOrm.emit(&Context::new(&schema, &EmitOptions::default()), &mut out);
    out
}

fn file(out: &Emitted, path: &str) -> String {
    let artifact = out.artifacts.iter().find(|a| a.path.to_str() == Some(path));
    String::from_utf8(artifact.unwrap_or_else(|| panic!("no {path}")).contents.clone()).expect("utf-8")
}

#[test]
fn one_file_per_entity_an_index_enums_and_the_migration() {
    let schema = crate::emit::sql::test_fixture();
    let out = emitted();
    for entity in &schema.entities {
        let text = file(&out, &format!("typeorm/entities/{}.ts", entity.name));
        assert!(text.starts_with(HEADER), "{}", entity.name);
        assert!(text.contains(&format!("export class {} {{", entity.name)));
        assert!(text.contains(&format!("@Entity({{ name: {}", string(&entity.table))), "{text}");
    }
    let index = file(&out, "typeorm/entities/index.ts");
    assert!(index.contains("export const entities = ["));
    assert!(out.artifacts.iter().any(|a| a.path.to_str() == Some("typeorm/migrations/0000000000001-Initial.ts")));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

#[test]
fn migration_carries_every_postgres_statement() {
    let schema = crate::emit::sql::test_fixture();
    let statements = crate::emit::sql::migration_statements(
        &Context::new(&schema, &EmitOptions::default()),
        Dialect::Postgres,
        &mut Vec::new(),
    );
    let text = file(&emitted(), "typeorm/migrations/0000000000001-Initial.ts");
    for statement in statements.up.iter().chain(&statements.down) {
        assert!(text.contains(&ts::template(statement)), "missing: {statement}");
    }
    // The statements joined are the SQL file's body.
    let sql = crate::emit::sql::migration(
        &Context::new(&schema, &EmitOptions::default()),
        Dialect::Postgres,
        &mut Vec::new(),
    );
    let body: String = statements.up.iter().map(|s| format!("\n{s}\n")).collect();
    assert!(sql.up.ends_with(&body));
}

#[test]
fn types_follow_the_postgres_driver() {
    let schema = crate::emit::sql::test_fixture();
    let entity = &schema.entities[0];
    let mut column = crate::emit::sql::fixture::col("x", ColumnType::String);
    let ty = |c: &crate::model::Column| columns::orm_type(&crate::analysis::Analysis::new(&schema), entity, c);
    assert_eq!((ty(&column).type_option, ty(&column).ts), (string("text"), "string".to_string()));
    column.max_len = Some(20);
    assert_eq!((ty(&column).type_option, ty(&column).length), (string("varchar"), Some(20)));
    column.ty = ColumnType::I64;
    assert_eq!(ty(&column).ts, "string", "pg returns BIGINT as a string");
    column.ty = ColumnType::Decimal;
    column.precision = Some(12);
    column.scale = Some(2);
    assert_eq!((ty(&column).precision, ty(&column).scale), (Some(12), Some(2)));
    column.ty = ColumnType::StringArray;
    assert!(ty(&column).array);
    column.ty = ColumnType::Bytes;
    assert_eq!(ty(&column).ts, "Buffer");
}

#[test]
fn defaults_are_spelled_as_postgres_prints_them() {
    let schema = crate::emit::sql::test_fixture();
    let entity = &schema.entities[0];
    let mut column = crate::emit::sql::fixture::col("x", ColumnType::F64);
    let ty = columns::orm_type(&crate::analysis::Analysis::new(&schema), entity, &column);
    let default = |c: &crate::model::Column, d: DefaultValue| columns::default_option(c, &d, &ty);
    assert_eq!(default(&column, DefaultValue::Float("0.0".into())), r#"() => "0.0""#);
    assert_eq!(default(&column, DefaultValue::Int(3)), "3");
    assert_eq!(default(&column, DefaultValue::String("it's".into())), r#"() => "'it''s'""#);
    assert_eq!(default(&column, DefaultValue::EnumValue("todo".into())), r#""todo""#);
    column.ty = ColumnType::DateTimeUtc;
    assert_eq!(default(&column, DefaultValue::Now), r#"() => "now()""#);
}

#[test]
fn reserved_words_get_an_underscore() {
    assert_eq!(parameter_name("Task"), "task");
    assert_eq!(parameter_name("Default"), "default_");
    assert_eq!(parameter_name("TaskLabel"), "taskLabel");
}

#[test]
fn float_defaults_are_printed_as_postgres_15_prints_them() {
    // Each pair seen from PostgreSQL 15's information_schema (casts stripped, as TypeORM does).
    for (literal, printed) in [
        ("0.0", "0.0"),
        ("2.50", "2.50"),
        ("-1.5", "'-1.5'"),
        ("1e3", "'1000'"),
        ("1.5E-3", "0.0015"),
        ("-0.0", "0.0"),
        ("1.", "'1'"),
        ("-2.50e1", "'-25.0'"),
    ] {
        assert_eq!(columns::numeric_as_printed(literal).as_deref(), Some(printed), "{literal}");
    }
    assert_eq!(columns::numeric_as_printed("1_000.0"), None);
}

#[test]
fn indexes_typeorm_cannot_say_are_marked() {
    let task = file(&emitted(), "typeorm/entities/Task.ts");
    // INCLUDE: declared by name only, left to the migration.
    assert!(task.contains(r#"@Index("idx_tasks_created_by_id", { synchronize: false })"#), "{task}");
    assert!(task.contains("INCLUDE (title)"));
    // DESC: also left to the migration, its definition noted.
    assert!(task.contains(r#"@Index("idx_tasks_updated_at", { synchronize: false })"#), "{task}");
    assert!(task.contains("// Our SQL: (updated_at DESC). TypeORM cannot declare a sort order"), "{task}");
    // Partial: the predicate is kept.
    assert!(task.contains(r#"{ where: "#), "{task}");
}
