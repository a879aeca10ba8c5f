//! The writer against the front end: a model written as source and scanned
//! again by [`Builder`] gives back the same model.

use super::*;
use std::path::Path;
use tablewright_core::build::Builder;
use tablewright_core::model::*;

/// Scans `source` as the `src/lib.rs` of a temporary crate and returns the
/// transformed model (the snapshot the build writes).
pub(crate) fn rebuild(source: &str) -> Schema {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), source).unwrap();
    let artifacts = Builder::new()
        .with_crate_dir(dir.path())
        .with_out_dir("generated")
        .generate()
        .unwrap_or_else(|e| panic!("the written source does not build: {e}\n{source}"));
    let snapshot = artifacts.get("migrations/schema.snapshot.json").expect("a snapshot");
    serde_json::from_slice(&snapshot.contents).expect("snapshot JSON")
}

fn snapshot(crate_dir: &str) -> Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("generated/migrations/schema.snapshot.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The transformed model of each example crate writes back to source that
/// builds exactly the same model: every table, column, key, index, check,
/// trait and policy.
fn assert_round_trip(crate_dir: &str) {
    let original = snapshot(crate_dir);
    let source = write_source(&original, &[]);
    assert!(source.contains("// Everything in the source was expressed in the DSL."), "{source}");
    let again = rebuild(&source);
    let a = serde_json::to_string_pretty(&original).unwrap();
    let b = serde_json::to_string_pretty(&again).unwrap();
    if a != b {
        let diff: Vec<String> = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .take(10)
            .map(|(i, (x, y))| format!("line {i}: {x}  !=  {y}"))
            .collect();
        panic!("{crate_dir}: the model changed in the round trip:\n{}\n{source}", diff.join("\n"));
    }
}

#[test]
fn the_showcase_model_writes_back_to_the_same_model() {
    assert_round_trip(".");
}

#[test]
fn the_blog_model_writes_back_to_the_same_model() {
    assert_round_trip("examples/blog");
}

#[test]
fn the_shop_model_writes_back_to_the_same_model() {
    assert_round_trip("examples/shop");
}

/// A declared single-column key from `column` to `target` (entity, table, column), no actions.
fn key(name: &str, column: &str, target: (&str, &str, &str)) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: vec![column.into()],
        target: target.0.into(),
        target_table: target.1.into(),
        target_columns: vec![target.2.into()],
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
        origin: ColumnOrigin::Declared,
        deferrable: false,
        location: Location::default(),
    }
}

fn column(name: &str, ty: ColumnType) -> Column {
    Column::new(name, ty)
}

#[test]
fn an_imported_model_writes_idiomatic_source_and_reports_what_it_cannot_say() {
    let mut id = column("id", ColumnType::I64);
    id.generated = Generated::Identity;
    let mut kind = column("type", ColumnType::Enum("ItemKind".into()));
    kind.default = Some(DefaultValue::EnumValue("big_box".into()));
    let mut odd = column("Order Date", ColumnType::NaiveDate);
    odd.nullable = true;
    // Not an identifier: the writer picks `order_date` and names the column.
    odd.field = "Order Date".into();
    odd.doc = Some("When it was ordered.\nSecond line.".into());
    let mut price = column("price", ColumnType::Decimal);
    price.precision = Some(10);
    price.scale = Some(2);
    price.default = Some(DefaultValue::Int(0));
    let mut geo = column("spot", ColumnType::String);
    geo.sql_type = Some("point".into());
    geo.nullable = true;
    let mut owner = column("owner_id", ColumnType::I64);
    owner.nullable = true;
    let mut item = Entity::new("Item", "items", vec![id, kind, odd, price, geo, owner], &["id"]);
    item.doc = Some("A thing.".into());
    item.foreign_keys.push(ForeignKey {
        on_delete: ReferentialAction::SetNull,
        on_update: ReferentialAction::Cascade,
        ..key("fk_items_owner_id", "owner_id", ("Item", "items", "id"))
    });
    item.indexes.push(Index {
        name: "items_by_price".into(),
        columns: vec![IndexColumn { name: "price".into(), desc: true }],
        unique: false,
        predicate: Some("price > 0".into()),
        include: vec!["type".into()],
        origin: ColumnOrigin::Declared,
        location: Location::default(),
    });
    item.checks.push(Check {
        name: "ck_items_price".into(),
        expr: "price >= 0".into(),
        origin: ColumnOrigin::Declared,
        location: Location::default(),
    });
    item.checks.push(Check {
        name: "sane".into(),
        expr: "owner_id <> id".into(),
        origin: ColumnOrigin::Declared,
        location: Location::default(),
    });
    let kinds = EnumType {
        name: "ItemKind".into(),
        sql_name: "item_kind".into(),
        variants: ["small", "big_box"]
            .iter()
            .map(|v| EnumVariant { name: super_pascal(v), value: v.to_string(), doc: None })
            .collect(),
        doc: None,
        location: Location::default(),
    };
    let schema = Schema::new(vec![kinds], vec![item]);
    let source = write_source(&schema, &["view `v_items` is not a table: left out".into()]);
    for expected in [
        "// - view `v_items` is not a table: left out",
        "#[db_enum]\npub enum ItemKind {\n    Small,\n    BigBox,\n}",
        "#[index(price desc, where = \"price > 0\", include(r#type), name = \"items_by_price\")]",
        "#[check(name = \"sane\", \"owner_id <> id\")]",
        "    #[default(ItemKind::BigBox)]\n    pub r#type: ItemKind,",
        "    /// When it was ordered.\n    /// Second line.\n    #[column(name = \"Order Date\")]\n    pub order_date: Option<NaiveDate>,",
        "    #[column(precision = 10, scale = 2, check = \"price >= 0\")]\n    #[default(0)]\n    pub price: Decimal,",
        "    #[column(sql_type = \"point\")]\n    pub spot: Option<String>,",
        "    #[belongs_to(Self, on_delete = set_null, on_update = cascade)]\n    pub owner_id: Option<i64>,",
    ] {
        assert!(source.contains(expected), "missing {expected:?} in\n{source}");
    }
    let again = rebuild(&source);
    let e = again.entity("Item").unwrap();
    let names: Vec<&str> = e.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "type", "Order Date", "price", "spot", "owner_id"]);
    let mut expected = schema.entities[0].columns.clone();
    expected[2].field = "order_date".into();
    assert_eq!(e.columns, expected);
    assert_eq!(e.indexes, schema.entities[0].indexes);
    assert_eq!(e.checks, schema.entities[0].checks);
    assert_eq!(e.foreign_keys, schema.entities[0].foreign_keys);
    assert_eq!(again.enums, schema.enums);
}

fn super_pascal(v: &str) -> String {
    v.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

#[test]
fn what_the_dsl_cannot_say_is_reported_not_dropped_silently() {
    let a = Entity::new(
        "Account",
        "accounts",
        vec![column("id", ColumnType::Uuid), column("code", ColumnType::String)],
        &["id"],
    );
    let mut b = Entity::new(
        "Entry",
        "entries",
        vec![column("id", ColumnType::Uuid), column("account_code", ColumnType::String)],
        &["id"],
    );
    b.foreign_keys.push(ForeignKey {
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
        ..key("entries_account_code_fkey", "account_code", ("Account", "accounts", "code"))
    });
    let odd = EnumType {
        name: "Shout".into(),
        sql_name: "shout".into(),
        variants: vec![EnumVariant { name: "Loud".into(), value: "LOUD".into(), doc: None }],
        doc: None,
        location: Location::default(),
    };
    let source = write_source(&Schema::new(vec![odd], vec![a, b]), &[]);
    assert!(
        source.contains("the foreign key `entries_account_code_fkey` points at `accounts`.code, not at a single-column primary key (id)"),
        "{source}"
    );
    assert!(source.contains("enum `shout`: the value \"LOUD\" is stored as \"loud\""), "{source}");
    assert!(source.contains("the key `id` has no default"), "{source}");
    // The rest still builds.
    let again = rebuild(&source);
    assert_eq!(again.entities.len(), 2);
}

#[test]
fn identifiers_are_made_valid() {
    assert_eq!(ident("type"), "r#type");
    assert_eq!(ident("self"), "self_");
    assert_eq!(sanitize("Order Date"), "order_date");
    assert_eq!(sanitize("2fa"), "_2fa");
    assert_eq!(sanitize("userID"), "user_id");
}

#[test]
fn a_single_column_key_to_one_column_of_a_composite_key_is_reported() {
    let warehouse = Entity::new(
        "Warehouse",
        "warehouses",
        vec![column("region", ColumnType::String), column("code", ColumnType::String)],
        &["region", "code"],
    );
    let mut stock = Entity::new(
        "Stock",
        "stocks",
        vec![column("id", ColumnType::I64), column("code", ColumnType::String)],
        &["id"],
    );
    stock.foreign_keys.push(ForeignKey {
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
        ..key("fk_stocks_code", "code", ("Warehouse", "warehouses", "code"))
    });
    let written = render(&Schema::new(vec![], vec![warehouse, stock]), &[]);
    assert!(!written.source.contains("#[belongs_to(Warehouse)]"), "{}", written.source);
    assert!(
        written
            .report
            .iter()
            .any(|n| n.contains("points at `warehouses`.code, not at a single-column primary key (region, code)")),
        "{:?}",
        written.report
    );
    assert_eq!(rebuild(&written.source).entities.len(), 2);
}

#[test]
fn two_columns_that_would_share_a_field_get_two_fields() {
    let mut spaced = column("Order Date", ColumnType::NaiveDate);
    spaced.field = "Order Date".into();
    let entity = Entity::new(
        "Order",
        "orders",
        vec![column("id", ColumnType::I64), spaced, column("order_date", ColumnType::String)],
        &["id"],
    );
    let source = write_source(&Schema::new(vec![], vec![entity]), &[]);
    assert!(
        source.contains(
            "    #[column(name = \"Order Date\")]\n    pub order_date_2: NaiveDate,\n    pub order_date: String,"
        ),
        "{source}"
    );
    let names: Vec<String> = rebuild(&source).entities[0].columns.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, ["id", "Order Date", "order_date"]);
}
