use super::*;

fn ok(text: &str) -> SchemaFile {
    parse("schema.prisma", text).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    parse("schema.prisma", text).expect_err("a syntax error").to_string()
}

#[test]
fn config_blocks_keep_their_entries() {
    let s = ok(
        "generator client {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"views\", \"fullTextSearch\"]\n}\n\n\
         datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
    );
    assert_eq!(s.configs.len(), 2);
    assert_eq!((s.configs[0].kind.as_str(), s.configs[0].name.as_str()), ("generator", "client"));
    let ds = &s.configs[1];
    assert_eq!(ds.entries[0], ("provider".to_string(), Expr::String("postgresql".into())));
    assert_eq!(
        ds.entries[1].1,
        Expr::Call {
            name: "env".into(),
            args: vec![Argument { name: None, value: Expr::String("DATABASE_URL".into()) }]
        }
    );
    assert_eq!(ds.pos, Pos { file: "schema.prisma".into(), line: 6, column: 1 });
}

#[test]
fn models_fields_types_and_attributes() {
    let s = ok(r#"
/// A blog post.
/// Two lines.
model Post {
  id        String   @id @default(cuid())
  /// The headline.
  title     String   @db.VarChar(255) // a trailing comment
  body      String?
  tags      String[]
  author    User     @relation("Written", fields: [authorId], references: [id], onDelete: Cascade, map: "post_author")
  authorId  Int      @map("author_id")
  rating    Decimal  @default(2.5) @db.Decimal(4, 2)
  area      Unsupported("circle")?
  createdAt DateTime @default(now()) @db.Timestamptz(3)
  // a comment line in a model
  @@unique([title, authorId], name: "titleByAuthor")
  @@index([createdAt(sort: Desc), title], map: "posts_recent")
  @@map("posts")
}
"#);
    let m = &s.models[0];
    assert_eq!(m.name, "Post");
    assert_eq!(m.doc.as_deref(), Some("A blog post.\nTwo lines."));
    assert_eq!(m.pos.line, 4);
    let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["id", "title", "body", "tags", "author", "authorId", "rating", "area", "createdAt"]);
    assert_eq!(m.fields[1].doc.as_deref(), Some("The headline."));
    assert_eq!(m.fields[1].attributes[0].name, "db.VarChar");
    assert_eq!(m.fields[1].attributes[0].args[0].value, Expr::Number("255".into()));
    assert_eq!(m.fields[2].ty.arity, Arity::Optional);
    assert_eq!(m.fields[3].ty.arity, Arity::List);
    let relation = m.fields[4].attribute("relation").expect("relation");
    assert_eq!(relation.arg("name", true), Some(&Expr::String("Written".into())));
    assert_eq!(relation.arg("fields", false), Some(&Expr::Array(vec![Expr::Path("authorId".into())])));
    assert_eq!(relation.arg("onDelete", false).and_then(Expr::name), Some("Cascade"));
    assert_eq!(relation.arg("map", false).and_then(Expr::as_str), Some("post_author"));
    assert_eq!(m.fields[6].attribute("default").and_then(|d| d.arg("value", true)), Some(&Expr::Number("2.5".into())));
    assert_eq!(
        m.fields[7].ty,
        FieldType { name: "Unsupported".into(), unsupported: Some("circle".into()), arity: Arity::Optional }
    );
    assert_eq!(m.fields[8].attribute("default").and_then(|d| d.arg("value", true)).and_then(Expr::name), Some("now"));
    let attrs: Vec<&str> = m.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(attrs, ["unique", "index", "map"]);
    let Some(Expr::Array(items)) = m.attributes[1].arg("fields", true) else { panic!("a list") };
    assert_eq!(
        items[0],
        Expr::Call {
            name: "createdAt".into(),
            args: vec![Argument { name: Some("sort".into()), value: Expr::Path("Desc".into()) }]
        }
    );
    assert_eq!(m.attributes[2].pos, Pos { file: "schema.prisma".into(), line: 18, column: 3 });
}

#[test]
fn enums_with_maps_and_docs() {
    let s = ok(
        "/// Who may do what.\nenum Role {\n  USER\n  /// Everything.\n  ADMIN @map(\"admin\")\n\n  @@map(\"roles\")\n}\n",
    );
    let e = &s.enums[0];
    assert_eq!((e.name.as_str(), e.doc.as_deref()), ("Role", Some("Who may do what.")));
    assert_eq!(e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["USER", "ADMIN"]);
    assert_eq!(e.values[1].doc.as_deref(), Some("Everything."));
    assert_eq!(e.values[1].attributes[0].arg("map", true).and_then(Expr::as_str), Some("admin"));
    assert_eq!(e.attributes[0].name, "map");
}

#[test]
fn arguments_over_several_lines_escapes_and_views() {
    let s = ok(
        "model A {\n  id Int @id\n  note String @default(\"say \\\"hi\\\"\\n\\u00e9\")\n  @@index([\n    note,\n    id,\n  ], map: \"a_idx\")\n}\n\nview V {\n  id Int @unique\n}\n",
    );
    let note = &s.models[0].fields[1];
    assert_eq!(
        note.attribute("default").and_then(|d| d.arg("value", true)),
        Some(&Expr::String("say \"hi\"\né".into()))
    );
    let Some(Expr::Array(items)) = s.models[0].attributes[0].arg("fields", true) else { panic!("a list") };
    assert_eq!(items.len(), 2);
    assert_eq!(s.models[1].kind, ModelKind::View);
}

#[test]
fn keywords_need_a_word_boundary_and_blank_input_is_empty() {
    assert_eq!(ok(""), SchemaFile::default());
    assert_eq!(ok("// only a comment\n\n/// a stray doc comment\n"), SchemaFile::default());
    let e = err("modelUser {\n  id Int @id\n}\n");
    assert!(e.starts_with("schema.prisma:1:1: expected "), "{e}");
}

#[test]
fn errors_name_the_position_and_what_was_expected() {
    // A field without a type.
    let e = err("model User {\n  id Int @id\n  email\n}\n");
    assert_eq!(e, "schema.prisma:3:8: expected a field type, found the end of the line");
    // An attribute argument list that never closes.
    let e = err("model User {\n  id Int @default(autoincrement(\n}\n");
    assert_eq!(e, "schema.prisma:3:1: expected an argument, found `}`");
    // A stray token at the top level.
    let e = err("model User {\n  id Int @id\n}\nfoo\n");
    assert_eq!(
        e,
        "schema.prisma:4:1: expected a `///` comment, a declaration (`model`, `enum`, `datasource`, `generator`) or the end of the file, found `foo`"
    );
    // A config entry without a value.
    let e = err("datasource db {\n  provider =\n}\n");
    assert!(e.starts_with("schema.prisma:2:13: expected a value"), "{e}");
    // An unterminated string.
    let e = err("model A {\n  id String @id @default(\"abc)\n}\n");
    assert_eq!(e, "schema.prisma:2:26: expected an argument, found `\"`");
    // Two fields on one line.
    let e = err("model A {\n  id Int @id name String\n}\n");
    assert_eq!(
        e,
        "schema.prisma:2:14: expected a `///` comment, a field attribute (`@...`) or a new line, found `name`"
    );
}
