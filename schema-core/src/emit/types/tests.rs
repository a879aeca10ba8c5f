//! Unit tests of the type emitters: naming, type mapping, escaping, name
//! collisions. The files themselves are checked by tsc, mypy, pyright and
//! Pydantic in `tests/targets_types.rs`.

use super::*;
use crate::emit::sql::test_fixture;
#[allow(unused_imports)]
use crate::emit::{Context, EmitOptions};
use crate::model::{ColumnType, EnumType, EnumVariant, Polymorphic, PolymorphicAction, PolymorphicTarget};

fn emit(schema: &Schema) -> Emitted {
    let mut out = Emitted::default();
    TypeDefinitions.emit(&Context::new(schema, &EmitOptions::default()), &mut out);
    out
}

fn file(out: &Emitted, path: &str) -> String {
    let a = out.artifacts.iter().find(|a| a.path.to_str() == Some(path)).expect(path);
    String::from_utf8(a.contents.clone()).expect("utf-8")
}

fn fixture_files() -> (String, String, String) {
    let out = emit(&test_fixture());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    (file(&out, TYPESCRIPT_PATH), file(&out, PYDANTIC_PATH), file(&out, DATACLASSES_PATH))
}

#[test]
fn typescript_maps_types_as_node_postgres_returns_them() {
    let (ts, _, _) = fixture_files();
    for line in [
        "  id: string;",               // i64: int8 comes back as a string
        "  balance: string;",          // numeric: a string, no precision lost
        "  created_at: Date;",         // timestamptz
        "  seen_at: Date;",            // timestamp
        "  joined_on: Date;",          // date
        "  wake_time: string | null;", // time: not parsed by pg
        "  settings: JsonValue;",
        "  tags: string[] | null;",
        "  avatar: Uint8Array | null;",
        "  group: Group;",
        "  small: number;",
    ] {
        assert!(ts.contains(line), "missing `{line}` in:\n{ts}");
    }
    assert!(ts.contains(
        "export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };"
    ));
}

#[test]
fn insert_types_leave_out_what_the_database_fills_and_update_types_drop_keys() {
    let (ts, _, _) = fixture_files();
    let new_user = ts.split("export interface NewUser {").nth(1).expect("NewUser").split("\n}").next().unwrap();
    for line in
        ["  id?: string;", "  email: string;", "  price: string;", "  bio?: string | null;", "  created_at?: Date;"]
    {
        assert!(new_user.contains(&format!("{line}\n")), "missing `{line}` in NewUser:{new_user}");
    }
    assert!(ts.contains("export type UserUpdate = Partial<Omit<NewUser, \"id\">>;"));
    // A junction: both columns are the key; nothing may change.
    assert!(ts.contains("export type TaskLabelUpdate = Record<string, never>;"), "{ts}");
}

#[test]
fn enums_become_unions_with_a_values_constant_and_str_enums() {
    let (ts, py, dc) = fixture_files();
    assert!(ts.contains("export type TaskStatus = \"todo\" | \"in_progress\" | \"done\";"));
    assert!(ts.contains(
        "export const taskStatusValues = [\"todo\", \"in_progress\", \"done\"] as const satisfies readonly TaskStatus[];"
    ));
    for python in [&py, &dc] {
        assert!(python.contains("class TaskStatus(enum.StrEnum):\n    \"\"\"Where a task is; it's \"workflow\" state.\"\"\"\n\n    TODO = \"todo\"\n    IN_PROGRESS = \"in_progress\"\n"), "{python}");
    }
    assert_eq!(typescript::values_const_name("TaskStatus"), "taskStatusValues");
    assert_eq!(typescript::values_const_name("HTTPMethod"), "httpMethodValues");
}

#[test]
fn pydantic_models_carry_constraints_and_literal_defaults() {
    let (_, py, _) = fixture_files();
    for line in [
        "    email: Annotated[str, Field(max_length=320)]\n",
        "    balance: Annotated[decimal.Decimal, Field(max_digits=12, decimal_places=2)]\n",
        "    status: TaskStatus = TaskStatus.TODO\n",
        "    position: float = 0.0\n",
        "    is_admin: bool = False\n",
        "    balance: Annotated[decimal.Decimal, Field(max_digits=12, decimal_places=2)] = decimal.Decimal(\"0\")\n",
        // Filled by the database: `None` stands for "not given".
        "    created_at: datetime.datetime | None = None\n",
        "    code: Annotated[str | None, Field(max_length=20)] = None\n",
        "    bio: str | None = \"it's a \\\\ backslash\"\n",
        "    model_config = ConfigDict(from_attributes=True, use_attribute_docstrings=True)\n",
        "    model_config = ConfigDict(extra=\"forbid\", use_attribute_docstrings=True)\n",
    ] {
        assert!(py.contains(line), "missing `{line}` in:\n{py}");
    }
    assert!(!py.contains("class Config"), "Pydantic v2 uses model_config");
}

#[test]
fn dataclasses_are_frozen_slotted_keyword_only_and_declare_json() {
    let (_, _, dc) = fixture_files();
    assert!(dc.contains("@dataclass(frozen=True, slots=True, kw_only=True)\nclass User:\n"));
    assert!(dc.contains(
        "JsonValue: TypeAlias = dict[str, \"JsonValue\"] | list[\"JsonValue\"] | str | int | float | bool | None\n"
    ));
    assert!(dc.contains("from typing import TypeAlias\n"));
    assert!(!dc.contains("pydantic"), "the dataclasses need only the standard library");
}

#[test]
fn python_field_names_avoid_keywords_and_pydantic_methods() {
    assert_eq!(python_field_name("title"), "title");
    assert_eq!(python_field_name("order"), "order");
    assert_eq!(python_field_name("from"), "from_");
    assert_eq!(python_field_name("json"), "json_");
    assert_eq!(python_field_name("model_year"), "model_year_");
    assert_eq!(python_field_name("_secret"), "secret_");
    assert_eq!(python_field_name("my col"), "my_col_");
    assert_eq!(python_field_name("2fa"), "column_2fa_");
    // Found by tests/property_names.rs: a field named like a built-in type
    // shadowed it in the annotations after it (mypy refuses), and Pydantic
    // warns of `model_dump_`, which starts with its `model_dump` prefix.
    assert_eq!(python_field_name("str"), "str_");
    assert_eq!(python_field_name("list"), "list_");
    assert_eq!(python_field_name("model_dump"), "column_model_dump_");
    assert_eq!(python_field_name("model_validate_json"), "column_model_validate_json_");
}

#[test]
fn renamed_fields_keep_their_column_name_through_aliases() {
    let mut schema = test_fixture();
    let user = schema.entities.iter_mut().find(|e| e.name == "User").expect("User");
    user.columns.iter_mut().find(|c| c.name == "code").expect("code").name = "from".into();
    let out = emit(&schema);
    let py = file(&out, PYDANTIC_PATH);
    assert!(
        py.contains(
            "    from_: Annotated[str, Field(max_length=20, validation_alias=\"from\", serialization_alias=\"from\")]\n"
        ),
        "{py}"
    );
    assert!(py.contains("validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)"));
    // TypeScript keeps the column name: any word is a valid property key.
    assert!(file(&out, TYPESCRIPT_PATH).contains("  from: string;\n"));
}

#[test]
fn a_column_named_like_a_module_gets_the_module_aliased() {
    let mut schema = test_fixture();
    let user = schema.entities.iter_mut().find(|e| e.name == "User").expect("User");
    user.columns.iter_mut().find(|c| c.name == "code").expect("code").name = "uuid".into();
    let py = file(&emit(&schema), PYDANTIC_PATH);
    assert!(py.contains("import uuid as _uuid\n"), "{py}");
    assert!(py.contains("    id: _uuid.UUID\n"));
}

#[test]
fn polymorphic_type_columns_are_literal_unions() {
    let mut schema = test_fixture();
    let task = schema.entities.iter_mut().find(|e| e.name == "Task").expect("Task");
    let mut kind = task.columns[0].clone();
    kind.name = "entity_type".into();
    kind.ty = ColumnType::String;
    kind.max_len = Some(32);
    kind.generated = Generated::None;
    task.columns.push(kind);
    task.polymorphic.push(Polymorphic {
        id_column: "id".into(),
        type_column: "entity_type".into(),
        targets: vec![
            PolymorphicTarget { entity: "Project".into(), value: "project".into() },
            PolymorphicTarget { entity: "Team".into(), value: "team".into() },
        ],
        on_delete: PolymorphicAction::Cascade,
    });
    let out = emit(&schema);
    assert!(file(&out, TYPESCRIPT_PATH).contains("  entity_type: \"project\" | \"team\";\n"));
    assert!(file(&out, PYDANTIC_PATH).contains("    entity_type: Literal[\"project\", \"team\"]\n"));
    assert!(file(&out, DATACLASSES_PATH).contains("from typing import Literal, TypeAlias\n"));
}

#[test]
fn docs_are_escaped_for_each_language() {
    let mut schema = test_fixture();
    let user = schema.entities.iter_mut().find(|e| e.name == "User").expect("User");
    user.columns[1].doc = Some("Ends a comment */ and a docstring \"\"\" with a \\ and a quote\"".into());
    let out = emit(&schema);
    assert!(
        file(&out, TYPESCRIPT_PATH)
            .contains("/** Ends a comment *\\/ and a docstring \"\"\" with a \\ and a quote\" */")
    );
    assert!(
        file(&out, PYDANTIC_PATH)
            .contains("\"\"\"Ends a comment */ and a docstring \\\"\\\"\\\" with a \\\\ and a quote\\\"\"\"\"\n")
    );
}

#[test]
fn colliding_generated_names_are_errors() {
    let mut schema = test_fixture();
    schema.enums.push(EnumType {
        name: "NewUser".into(),
        sql_name: "new_user".into(),
        variants: vec![EnumVariant { name: "A".into(), value: "a".into(), doc: None }],
        doc: None,
        location: Default::default(),
    });
    let out = emit(&schema);
    assert!(out.artifacts.is_empty());
    assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    assert!(out.diagnostics[0].message.contains("`NewUser`"), "{}", out.diagnostics[0]);

    let mut schema = test_fixture();
    let user = schema.entities.iter_mut().find(|e| e.name == "User").expect("User");
    user.columns[1].name = "from".into();
    user.columns[2].name = "from_".into();
    let out = emit(&schema);
    assert!(out.diagnostics.iter().any(|d| d.message.contains("Python field `from_`")), "{:?}", out.diagnostics);
}

#[test]
fn output_is_deterministic() {
    let a = emit(&test_fixture());
    let mut reversed = test_fixture();
    reversed.entities.reverse();
    reversed.enums.reverse();
    reversed.normalize();
    assert_eq!(a.artifacts, emit(&reversed).artifacts);
}

#[test]
fn the_docs_print_the_mapping_table() {
    let docs = include_str!("../../../../docs/targets/types.md");
    for row in crate::types::TYPE_TABLE.iter().filter(|r| r.rust != "#[db_enum] E") {
        let line = format!("| `{}` | `{}` | `{}` | `{}` |", row.rust, row.postgres, row.typescript, row.python);
        assert!(docs.contains(&line), "docs/targets/types.md lacks the mapping row\n{line}");
    }
}

#[test]
fn names_the_files_import_or_rely_on_yield_to_the_schemas() {
    let mut schema = test_fixture();
    let rename = |schema: &mut Schema, from: &str, to: &str| {
        schema.entities.iter_mut().find(|e| e.name == from).expect(from).name = to.into();
    };
    rename(&mut schema, "Team", "BaseModel");
    rename(&mut schema, "Project", "Date");
    rename(&mut schema, "TaskLabel", "class");
    let group = schema.enums.iter_mut().find(|e| e.name == "Group").expect("Group");
    group.name = "JsonValue".into();
    for c in schema.entities.iter_mut().flat_map(|e| e.columns.iter_mut()) {
        if c.ty == ColumnType::Enum("Group".into()) {
            c.ty = ColumnType::Enum("JsonValue".into());
        }
    }
    let out = emit(&schema);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let ts = file(&out, TYPESCRIPT_PATH);
    for line in [
        "export type _JsonValue = string | number | boolean | null | _JsonValue[] | { [key: string]: _JsonValue };",
        "export type JsonValue = ",
        "export interface BaseModel {",
        "export interface Date {",
        "  created_at: globalThis.Date;",
        "  settings: _JsonValue;",
        "  group: JsonValue;",
        "export interface class_ {",
        "export type classUpdate = Record<string, never>;",
    ] {
        assert!(ts.contains(line), "missing `{line}` in:\n{ts}");
    }
    let py = file(&out, PYDANTIC_PATH);
    for line in [
        "from pydantic import BaseModel as _BaseModel, ConfigDict, Field, JsonValue as _JsonValue\n",
        "class JsonValue(enum.StrEnum):",
        "class BaseModel(_BaseModel):",
        "class class_(_BaseModel):",
        "class classCreate(_BaseModel):",
        "    settings: _JsonValue\n",
    ] {
        assert!(py.contains(line), "missing `{line}` in:\n{py}");
    }
    let dc = file(&out, DATACLASSES_PATH);
    assert!(dc.contains("\n_JsonValue: TypeAlias = dict[str, \"_JsonValue\"]"), "{dc}");
    assert!(dc.contains("class class_:\n"), "{dc}");
}
