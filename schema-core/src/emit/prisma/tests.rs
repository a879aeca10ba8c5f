use super::*;
use crate::emit::sql::test_fixture;
#[allow(unused_imports)]
use crate::emit::{Context, EmitOptions};

/// A model's block with the alignment padding squashed to one space.
fn model_block(prisma: &str, model: &str) -> String {
    let start = prisma.find(&format!("\nmodel {model} {{\n")).unwrap_or_else(|| panic!("no model {model}:\n{prisma}"));
    let rest = &prisma[start + 1..];
    let block = &rest[..rest.find("\n}\n").expect("closing brace") + 3];
    block
        .lines()
        .map(|l| {
            format!("{}{}\n", &l[..l.len() - l.trim_start().len()], l.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

#[test]
fn fixture_schema() {
    let prisma = schema_prisma(&Context::new(&test_fixture(), &EmitOptions::default()));
    println!("{prisma}");
    assert!(prisma.starts_with(HEADER));
    // Partial indexes switch on the preview feature.
    assert!(prisma.contains("  previewFeatures = [\"partialIndexes\"]\n"), "{prisma}");
    assert!(prisma.contains("datasource db {\n  provider = \"postgresql\"\n}\n"));
    assert!(!prisma.contains("url"), "Prisma 7 rejects a url in the datasource");
}

#[test]
fn types_and_defaults_match_our_sql() {
    let prisma = schema_prisma(&Context::new(&test_fixture(), &EmitOptions::default()));
    let user = model_block(&prisma, "User");
    for expected in [
        "@id(map: \"pk_user\") @default(autoincrement())",
        "organizationId String",
        "@map(\"organization_id\") @db.Uuid",
        "email String",
        "@unique(map: \"uq_user_email\") @db.VarChar(320)",
        "@default(MEMBER)",
        "@default(false)",
        "@default(1.5)",
        "@default(0.25) @db.Real",
        "@default(-1) @db.SmallInt",
        "@default(\"it's a \\\\ backslash\")",
        "@default(0) @db.Decimal(12, 2)",
        "Decimal @db.Decimal\n",
        "@default(dbgenerated(\"lower('ABC')\")) @db.VarChar(20)",
        "Json @default(\"{}\")",
        "tags String[]\n",
        "avatar Bytes?\n",
        "@default(now()) @map(\"created_at\") @db.Timestamptz",
        "@default(now()) @map(\"seen_at\") @db.Timestamp",
        "@default(dbgenerated(\"CURRENT_DATE\")) @map(\"joined_on\") @db.Date",
        "DateTime? @map(\"wake_time\") @db.Time",
        "@@index([organizationId], map: \"idx_user_organization_id\")",
        "@@map(\"user\")",
    ] {
        assert!(user.contains(expected), "missing {expected:?} in\n{user}");
    }
    // Doc comments become `///` lines above the field.
    assert!(user.contains("  /// Sort order.\n  order "), "{user}");
}

#[test]
fn relations_have_both_sides_and_real_names() {
    let prisma = schema_prisma(&Context::new(&test_fixture(), &EmitOptions::default()));
    let tasks = model_block(&prisma, "Task");
    assert!(
        tasks.contains(
            "@relation(fields: [organizationId], references: [id], onDelete: Cascade, onUpdate: NoAction, \
             map: \"fk_tasks_organization_id\")"
        ),
        "{tasks}"
    );
    // An optional key: Prisma's default onDelete is SetNull, ours too.
    assert!(
        tasks.contains("Project? @relation(fields: [projectId], references: [id], onUpdate: NoAction, map:"),
        "{tasks}"
    );
    // Restrict is Prisma's default for a required key.
    assert!(tasks.contains("@relation(fields: [createdById], references: [id], onUpdate: NoAction, map:"), "{tasks}");
    let user = model_block(&prisma, "User");
    // The self-reference is named, on both sides.
    assert!(user.contains("manager User? @relation(\"UserManager\", fields: [managerId]"), "{user}");
    assert!(user.contains("managerUsers User[] @relation(\"UserManager\")"), "{user}");
    // The key says what the tasks are to the user: the ones they created.
    assert!(user.contains("createdByTasks Task[]\n"), "{user}");
    // A composite primary key.
    let labels = model_block(&prisma, "TaskLabel");
    assert!(labels.contains("@@id([taskId, label], map: \"pk_task_labels\")"), "{labels}");
}

#[test]
fn indexes_keep_names_order_predicates_and_say_what_is_lost() {
    let prisma = schema_prisma(&Context::new(&test_fixture(), &EmitOptions::default()));
    let tasks = model_block(&prisma, "Task");
    for expected in [
        "@@unique([organizationId, title], map: \"uq_tasks_organization_id_title\", where: raw(\"\\\"deleted_at\\\" IS NULL\"))",
        "@@index([dueDate], map: \"idx_tasks_due_date\", where: raw(\"\\\"deleted_at\\\" IS NULL\"))",
        "  // Our SQL has INCLUDE (\"title\"): Prisma has no covering indexes and reads them as the last key columns.\n  \
         @@index([createdById, title], map: \"idx_tasks_created_by_id\")",
        "@@index([updatedAt(sort: Desc)], map: \"idx_tasks_updated_at\")",
    ] {
        assert!(tasks.contains(expected), "missing {expected:?} in\n{tasks}");
    }
    // A partial unique stays a block attribute (a field's @unique has no `where`).
    let orgs = model_block(&prisma, "Organization");
    assert!(
        orgs.contains("@@unique([slug], map: \"uq_organizations_slug\", where: raw(\"\\\"deleted_at\\\" IS NULL\"))")
    );
}

#[test]
fn enum_values_are_upper_snake_case_mapped_to_the_stored_values() {
    let prisma = schema_prisma(&Context::new(&test_fixture(), &EmitOptions::default()));
    assert!(
        prisma.contains(
            "/// Where a task is; it's \"workflow\" state.\nenum TaskStatus {\n  TODO        @map(\"todo\")\n  \
             IN_PROGRESS @map(\"in_progress\")\n  DONE        @map(\"done\")\n\n  @@map(\"task_status\")\n}\n"
        ),
        "{prisma}"
    );
    assert_eq!(enum_value_name("in_progress"), "IN_PROGRESS");
    assert_eq!(enum_value_name("todo"), "TODO");
    assert_eq!(enum_value_name("inProgress"), "IN_PROGRESS");
    assert_eq!(enum_value_name("x-large"), "X_LARGE");
    assert_eq!(enum_value_name("2fa"), "V2FA");
    assert_eq!(sql_string("'{}'").as_deref(), Some("{}"));
    assert_eq!(sql_string("'it''s'").as_deref(), Some("it's"));
    assert_eq!(sql_string("'a' || 'b'"), None);
    assert_eq!(sql_string("now()"), None);
}

#[test]
fn strings_and_numbers() {
    assert_eq!(string_literal("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
    assert!(is_prisma_number("0.0") && is_prisma_number("-12") && is_prisma_number("3.25"));
    assert!(!is_prisma_number("1.5e3") && !is_prisma_number(".5") && !is_prisma_number("1."));
    for (literal, plain) in [
        ("1.5e3", "1500"),
        ("1e3", "1000"),
        ("-2.5E-2", "-0.025"),
        ("12.34e1", "123.4"),
        ("1.5e0", "1.5"),
        ("+3e-1", "0.3"),
        ("0e5", "0"),
        ("-0.0e2", "0"),
        ("001.50e1", "15"),
    ] {
        assert_eq!(without_exponent(literal).as_deref(), Some(plain), "{literal}");
        assert!(is_prisma_number(plain), "{plain}");
    }
    for not_one in ["1.5", "e3", "1e", "1.5e3.0", "0x1e3", "1e9999"] {
        assert_eq!(without_exponent(not_one), None, "{not_one}");
    }
}

#[test]
fn sql_literals_prisma_reads_as_values() {
    assert_eq!(json_literal("'{\"a\": 1}'::jsonb").as_deref(), Some("{\"a\": 1}"));
    assert_eq!(json_literal(" '[]'::JSON ").as_deref(), Some("[]"));
    assert_eq!(json_literal("'{}'").as_deref(), Some("{}"));
    assert_eq!(json_literal("jsonb_build_object()"), None);
    assert_eq!(bool_literal("FALSE"), Some(false));
    assert_eq!(bool_literal(" true "), Some(true));
    assert_eq!(bool_literal("1 = 1"), None);
}

#[test]
fn migrations_folder_carries_the_postgres_migration() {
    let schema = test_fixture();
    let options = EmitOptions::default();
    let mut out = Emitted::default();
    PrismaSchema.emit(&Context::new(&schema, &options), &mut out);
    let paths: Vec<String> = out.artifacts.iter().map(|a| a.path.display().to_string()).collect();
    assert_eq!(
        paths,
        [
            "prisma/schema.prisma",
            "prisma/migrations/00000000000001_initial/migration.sql",
            "prisma/migrations/migration_lock.toml"
        ]
    );
    let sql = crate::emit::sql::migration(&Context::new(&schema, &options), Dialect::Postgres, &mut Vec::new());
    assert_eq!(out.artifacts[1].contents, sql.up.into_bytes());
    assert!(String::from_utf8_lossy(&out.artifacts[2].contents).ends_with("provider = \"postgresql\"\n"));
}
