use super::*;
use crate::import::prisma::parse::parse;

fn convert_text(text: &str) -> Result<(Schema, Vec<String>), String> {
    convert(&[parse("schema.prisma", text).unwrap_or_else(|e| panic!("{e}"))])
}

fn ok(text: &str) -> (Schema, Vec<String>) {
    convert_text(text).unwrap_or_else(|e| panic!("{e}"))
}

fn column<'s>(schema: &'s Schema, entity: &str, column: &str) -> &'s Column {
    schema.entity(entity).and_then(|e| e.column(column)).unwrap_or_else(|| panic!("no {entity}.{column}"))
}

fn has_note(notes: &[String], part: &str) -> bool {
    notes.iter().any(|n| n.contains(part))
}

const MYSQL: &str = "datasource db {\n  provider = \"mysql\"\n}\n";
const POSTGRES: &str = "datasource db {\n  provider = \"postgresql\"\n}\n";

#[test]
fn the_provider_decides_what_native_types_mean() {
    let model = "model T {\n  id Int @id\n  at DateTime @db.DateTime(6)\n  ts DateTime @db.Timestamp(6)\n  \
                 f Float @db.Float\n  d Float @db.Double\n  r Float @db.Real\n  tiny Int @db.TinyInt\n  \
                 name String @db.VarChar(191)\n  doc Json @db.Json\n}\n";
    let (mysql, notes) = ok(&format!("{MYSQL}{model}"));
    assert_eq!(column(&mysql, "T", "at").ty, ColumnType::NaiveDateTime);
    assert_eq!(column(&mysql, "T", "ts").ty, ColumnType::DateTimeUtc);
    assert_eq!(column(&mysql, "T", "f").ty, ColumnType::F32);
    assert_eq!(column(&mysql, "T", "d").ty, ColumnType::F64);
    // `Real` is not a MySQL type Prisma knows: kept as written.
    assert_eq!(column(&mysql, "T", "r").sql_type.as_deref(), Some("real"));
    assert_eq!(
        (&column(&mysql, "T", "tiny").ty, column(&mysql, "T", "tiny").sql_type.as_deref()),
        (&ColumnType::I32, Some("tinyint"))
    );
    assert!(has_note(&notes, "`T.tiny`: `@db.TinyInt` has no DSL type; it is `sql_type = \"tinyint\"`"), "{notes:?}");
    assert_eq!(column(&mysql, "T", "name").max_len, Some(191));
    assert_eq!(column(&mysql, "T", "doc").sql_type, None);

    let (pg, notes) = ok(&format!("{POSTGRES}{model}"));
    // On PostgreSQL `DateTime` is not a native type and `Timestamp` has no zone.
    assert_eq!(column(&pg, "T", "at").sql_type.as_deref(), Some("datetime(6)"));
    assert_eq!(column(&pg, "T", "ts").ty, ColumnType::NaiveDateTime);
    assert_eq!(column(&pg, "T", "r").ty, ColumnType::F32);
    assert_eq!(column(&pg, "T", "f").sql_type.as_deref(), Some("float"));
    assert_eq!(column(&pg, "T", "doc").sql_type.as_deref(), Some("json"));
    assert!(!has_note(&notes, "precision"), "{notes:?}");

    let (sqlite, notes) =
        ok("datasource db {\n  provider = \"sqlite\"\n}\nmodel T {\n  id Int @id\n  at DateTime @db.Timestamp(3)\n}\n");
    assert_eq!(column(&sqlite, "T", "at").sql_type.as_deref(), Some("timestamp(3)"));
    assert!(has_note(&notes, "`T.at`: SQLite has no native types"), "{notes:?}");
}

#[test]
fn plain_scalars_map_to_the_dsl_types_with_prismas_defaults() {
    let (schema, notes) = ok(&format!(
        "{POSTGRES}model T {{\n  id BigInt @id @default(autoincrement())\n  s String\n  b Boolean\n  i Int\n  f Float\n  \
         d Decimal\n  at DateTime @db.Timestamptz(3)\n  j Json?\n  bytes Bytes\n  list String[]\n  u String @db.Uuid\n}}\n"
    ));
    let ty = |c: &str| column(&schema, "T", c).ty.clone();
    assert_eq!(column(&schema, "T", "id").generated, Generated::Identity);
    assert_eq!(
        ["s", "b", "i", "f", "d", "at", "j", "bytes", "list", "u"].map(ty),
        [
            ColumnType::String,
            ColumnType::Bool,
            ColumnType::I32,
            ColumnType::F64,
            ColumnType::Decimal,
            ColumnType::DateTimeUtc,
            ColumnType::Json,
            ColumnType::Bytes,
            ColumnType::StringArray,
            ColumnType::Uuid
        ]
    );
    // Prisma's Decimal without a native type is Decimal(65, 30).
    assert_eq!((column(&schema, "T", "d").precision, column(&schema, "T", "d").scale), (Some(65), Some(30)));
    assert!(column(&schema, "T", "j").nullable);
    assert!(has_note(&notes, "`T.at`: `@db.Timestamptz` keeps its type but not its precision (3)"), "{notes:?}");
}

#[test]
fn defaults_and_what_only_prisma_client_makes() {
    let (schema, notes) = ok(&format!(
        "{POSTGRES}enum Mood {{\n  HAPPY @map(\"happy\")\n  SAD\n}}\n\
         model T {{\n  id String @id @default(uuid())\n  c String @default(cuid())\n  \
         n Int @default(autoincrement())\n  f Float @default(1)\n  dec Decimal @default(2)\n  \
         s String @default(\"it's\")\n  b Boolean @default(true)\n  m Mood @default(HAPPY)\n  \
         sad Mood @default(SAD)\n  at DateTime @default(now())\n  sql String @default(dbgenerated(\"lower('X')\"))\n  \
         tags String[] @default([])\n  u String @db.Uuid @default(uuid())\n}}\n"
    ));
    let default = |c: &str| column(&schema, "T", c).default.clone();
    // uuid() on a text key: Prisma Client makes it; the column keeps its type.
    assert_eq!(
        (column(&schema, "T", "id").ty.clone(), column(&schema, "T", "id").generated),
        (ColumnType::String, Generated::None)
    );
    assert!(
        has_note(&notes, "`T.id`: `uuid()` is made by Prisma Client, not the database; the column has no default"),
        "{notes:?}"
    );
    assert!(has_note(&notes, "`T.c`: `cuid()` is made by Prisma Client"), "{notes:?}");
    assert!(has_note(&notes, "`T.n`: `autoincrement()` outside a single integer key"), "{notes:?}");
    assert!(
        has_note(
            &notes,
            "`T.u`: `uuid()` is made by Prisma Client, not the database; the column has no default (`#[default(sql = \"gen_random_uuid()\")]`"
        ),
        "{notes:?}"
    );
    assert_eq!(default("c"), None);
    assert_eq!(default("f"), Some(DefaultValue::Float("1".into())));
    assert_eq!(default("dec"), Some(DefaultValue::Int(2)));
    assert_eq!(default("s"), Some(DefaultValue::String("it's".into())));
    assert_eq!(default("b"), Some(DefaultValue::Bool(true)));
    assert_eq!(default("m"), Some(DefaultValue::EnumValue("happy".into())));
    assert_eq!(default("sad"), Some(DefaultValue::EnumValue("SAD".into())));
    assert_eq!(default("at"), Some(DefaultValue::Now));
    assert_eq!(default("sql"), Some(DefaultValue::Sql("lower('X')".into())));
    assert_eq!(default("tags"), Some(DefaultValue::Sql("'{}'".into())));
    let mood = schema.enum_type("Mood").expect("Mood");
    assert_eq!(
        mood.variants.iter().map(|v| (v.name.as_str(), v.value.as_str())).collect::<Vec<_>>(),
        [("Happy", "happy"), ("Sad", "SAD")]
    );

    // A `Uuid` key: the database makes it, whichever way Prisma said so.
    let (schema, _) = ok(&format!(
        "{POSTGRES}model A {{\n  id String @id @default(uuid()) @db.Uuid\n}}\nmodel B {{\n  id String @id @default(dbgenerated(\"gen_random_uuid()\")) @db.Uuid\n}}\n"
    ));
    assert_eq!(column(&schema, "A", "id").generated, Generated::RandomUuid);
    assert_eq!(column(&schema, "B", "id").generated, Generated::RandomUuid);
    let (schema, _) = ok(&format!("{POSTGRES}model A {{\n  id String @id @default(cuid())\n}}\n"));
    assert_eq!(column(&schema, "A", "id").generated, Generated::Cuid);
}

#[test]
fn relations_take_prismas_default_actions_and_their_targets_key_type() {
    let (schema, notes) = ok(&format!(
        "{POSTGRES}model User {{\n  id String @id @db.Uuid\n  posts Post[]\n  pinned Post? @relation(\"Pinned\")\n}}\n\
         model Post {{\n  id Int @id\n  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  \
         pinnedById String? @unique @db.Uuid\n  pinnedBy User? @relation(\"Pinned\", fields: [pinnedById], references: [id], onUpdate: Restrict)\n}}\n"
    ));
    let post = schema.entity("Post").expect("Post");
    let author = post.foreign_keys.iter().find(|fk| fk.columns == ["authorId"]).expect("a key");
    assert_eq!((author.on_delete, author.on_update), (ReferentialAction::Restrict, ReferentialAction::Cascade));
    assert_eq!((author.target.as_str(), author.target_columns.as_slice()), ("User", &["id".to_string()][..]));
    assert_eq!(author.name, "fk_Post_authorId");
    // The key column follows the type of the key it points at.
    assert_eq!(column(&schema, "Post", "authorId").ty, ColumnType::Uuid);
    assert!(has_note(&notes, "`Post.author`: `authorId` takes the type of `User.id` it points at"), "{notes:?}");
    let pinned = post.foreign_keys.iter().find(|fk| fk.columns == ["pinnedById"]).expect("a key");
    assert_eq!((pinned.on_delete, pinned.on_update), (ReferentialAction::SetNull, ReferentialAction::Restrict));
    assert!(post.indexes.iter().any(|i| i.unique && i.name == "Post_pinnedById_key"));
    // No junction: every list has a key on its other side.
    assert_eq!(schema.entities.len(), 2);
}

#[test]
fn block_attributes_names_and_what_is_left_out() {
    let (schema, notes) = ok(&format!(
        "{POSTGRES}model T {{\n  a Int\n  b String\n  c Int @ignore\n  @@id([a, b], name: \"ab\")\n  \
         @@unique([b, a], name: \"ba\", map: \"t_ba\")\n  @@index([b(sort: Desc)], type: Hash)\n  @@index([a], name: \"legacy_name\")\n  \
         @@fulltext([b])\n  @@map(\"tees\")\n}}\nview V {{\n  id Int @unique\n}}\n"
    ));
    let t = schema.entity("T").expect("T");
    assert_eq!(t.table, "tees");
    assert_eq!(t.primary_key.columns, ["a", "b"]);
    // name, unique, columns (`-` for descending)
    let indexes: Vec<(&str, bool, String)> = t
        .indexes
        .iter()
        .map(|i| {
            let columns: Vec<String> =
                i.columns.iter().map(|c| format!("{}{}", if c.desc { "-" } else { "" }, c.name)).collect();
            (i.name.as_str(), i.unique, columns.join(","))
        })
        .collect();
    assert_eq!(
        indexes,
        [
            ("t_ba", true, "b,a".to_string()),
            ("tees_b_idx", false, "-b".to_string()),
            ("legacy_name", false, "a".to_string())
        ]
    );
    for part in [
        "`T`: the compound id's client name",
        "`T`: the compound unique's client name",
        "`T`: `@@index(..., type: ...)` is left out",
        "`T`: `@@fulltext` has no tablewright form",
        "`T.c`: `@ignore` has no tablewright form",
        "view `V`: views are not entities",
    ] {
        assert!(has_note(&notes, part), "{part} in {notes:?}");
    }
}

#[test]
fn schemas_the_import_cannot_start_on() {
    let error =
        convert_text("datasource db {\n  provider = \"mongodb\"\n}\nmodel A {\n  id String @id\n}\n").unwrap_err();
    assert_eq!(
        error,
        "schema.prisma:1:1: the datasource is MongoDB, which has collections, not tables: nothing to import"
    );
    let error = convert_text("datasource db {\n  provider = \"oracle\"\n}\nmodel A {\n  id Int @id\n}\n").unwrap_err();
    assert!(error.starts_with("schema.prisma:1:1: unknown datasource provider \"oracle\""), "{error}");
    let error = convert_text("model A {\n  id Int @id\n}\nenum A {\n  X\n}\n").unwrap_err();
    assert_eq!(error, "schema.prisma:4:6: `A` is declared twice");
    let error = convert_text("enum A {\n  X\n}\n").unwrap_err();
    assert_eq!(error, "the schema declares no `model`: nothing to import");
    let (_, notes) = ok("model A {\n  id Int @id\n}\n");
    assert!(has_note(&notes, "no `datasource` block: `@db.*` types are read as PostgreSQL's"), "{notes:?}");
}

#[test]
fn variant_names_spell_the_stored_value() {
    for (stored, variant) in [
        ("USER", "User"),
        ("IN_PROGRESS", "InProgress"),
        ("in_progress", "InProgress"),
        ("inProgress", "InProgress"),
        ("2fa", "V2fa"),
        ("a-b", "AB"),
        ("", "Value"),
    ] {
        assert_eq!(variant_name(stored), variant, "{stored}");
    }
}

/// Every prefix of the fixtures, and the fixtures with one character
/// replaced, parse or fail with a `file:line:col: expected ...` error, and
/// whatever parses converts (or is refused) without a panic.
#[test]
fn cut_and_damaged_schemas_never_panic() {
    let fixtures = [
        include_str!("../../../../tests/fixtures/prisma/blog/schema.prisma"),
        include_str!("../../../../tests/fixtures/prisma/shop/schema.prisma"),
        include_str!("../../../../tests/fixtures/prisma/school/models/courses.prisma"),
    ];
    let mut parsed = 0;
    for text in fixtures {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(29).collect();
        let mut variants: Vec<String> = boundaries.iter().map(|&i| text[..i].to_string()).collect();
        for (n, &i) in boundaries.iter().enumerate() {
            let replacement = ["{", "}", "(", "\"", "@", "\n", "?", "[]", "///"][n % 9];
            let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
            variants.push(format!("{}{replacement}{}", &text[..i], &text[end..]));
        }
        for variant in variants {
            match parse("cut.prisma", &variant) {
                Ok(file) => {
                    parsed += 1;
                    let _ = convert(&[file]);
                }
                Err(e) => {
                    let shown = e.to_string();
                    assert!(shown.starts_with("cut.prisma:") && shown.contains(": expected "), "{shown}");
                }
            }
        }
    }
    assert!(parsed > 100, "most cuts end between declarations or lines: {parsed}");
}
