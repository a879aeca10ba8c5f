//! A parsed Prisma schema ([`super::parse`]) to the schema model, plus the
//! notes on what the model cannot say.
//!
//! The model is built in the shape the cross-cutting transforms leave it
//! (foreign keys resolved to their targets, `#[timestamps]` columns marked
//! with their origin, junction keys in place), because that is what
//! [`crate::import::source::write_source`] reads back into attributes.
//!
//! The conventions, Prisma side to tablewright side:
//!
//! | Prisma | tablewright |
//! |---|---|
//! | `model Post` (`@@map("posts")`) | `struct Post`, table `Post` (`posts`): the table keeps its name |
//! | `authorId Int @map("author_id")` | `author_id: i32`, column `author_id`; without `@map` the column keeps the Prisma name (`#[column(name = "authorId")]`) |
//! | `@id`, `@@id([a, b])` | `#[id]` on the fields; the key is named `pk_<table>` |
//! | `@default(autoincrement())` on the key | `#[id(auto)]` (an identity column) |
//! | `@default(cuid())` on a `String` key | `#[id(cuid)]`: the application makes it, as Prisma Client does |
//! | `@default(uuid())` / `dbgenerated("gen_random_uuid()")` on a `@db.Uuid` key | `#[id]` on `Uuid`: `gen_random_uuid()` in the database |
//! | `@unique`, `@@unique`, `@@index` | unique / plain indexes under the names Prisma gives them (`User_email_key`) or their `map:` |
//! | `@relation(fields: [x], references: [id])` | `#[belongs_to(Target)]` on `x`, with Prisma's default actions spelled out; the other side is derived |
//! | implicit many-to-many (`Post[]` <-> `Tag[]`) | a `#[many_to_many(Post, Tag)]` junction `PostTag` (table `post_tags`, keys `post_id`, `tag_id`); a self relation keeps Prisma's `_Name` table with columns `A` and `B` |
//! | `createdAt @default(now()) @map("created_at")` + `updatedAt @updatedAt @map("updated_at")` | `#[timestamps]` |
//! | `enum Role { USER @map("user") }` | `#[db_enum] enum Role { User }` |
//! | `Unsupported("circle")` | a `String` field with `#[column(sql_type = "circle")]` |
//!
//! Everything the model cannot hold is a note in the report, never dropped
//! silently.

use std::collections::{BTreeMap, BTreeSet};

use tablewright_core::model::{
    Column, ColumnOrigin, ColumnType, DefaultValue, Entity, EnumType, EnumVariant, ForeignKey, Generated, Index,
    IndexColumn, Junction, Location, ReferentialAction, Schema,
};
use tablewright_core::naming;

use super::parse::{Arity, Attribute, Enum, Expr, Field, Model, ModelKind, Pos, SchemaFile};

/// The database a schema's `datasource` names: it decides what `@db.*`
/// types mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// `postgresql`, `postgres` and `cockroachdb` (PostgreSQL's types).
    Postgres,
    Mysql,
    Sqlite,
    SqlServer,
}

impl Provider {
    fn from_name(name: &str) -> Option<Provider> {
        match name {
            "postgresql" | "postgres" | "cockroachdb" => Some(Provider::Postgres),
            "mysql" => Some(Provider::Mysql),
            "sqlite" => Some(Provider::Sqlite),
            "sqlserver" => Some(Provider::SqlServer),
            _ => None,
        }
    }
}

/// The Prisma scalar types.
const SCALARS: &[&str] = &["String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"];

/// Converts the parsed files of one schema. `Err` is a schema the import
/// cannot start on (no models, MongoDB); everything else converts, with notes.
pub fn convert(files: &[SchemaFile]) -> Result<(Schema, Vec<String>), String> {
    let mut cx = Cx::new(files)?;
    cx.run();
    Ok((cx.schema, cx.notes))
}

struct Cx<'a> {
    provider: Provider,
    models: Vec<&'a Model>,
    enums: Vec<&'a Enum>,
    schema: Schema,
    notes: Vec<String>,
    /// Prisma enum value (name) -> stored value, per enum.
    enum_values: BTreeMap<String, BTreeMap<String, String>>,
}

impl<'a> Cx<'a> {
    fn new(files: &'a [SchemaFile]) -> Result<Cx<'a>, String> {
        let mut notes = Vec::new();
        let datasources: Vec<_> = files.iter().flat_map(|f| &f.configs).filter(|c| c.kind == "datasource").collect();
        let provider = match datasources.first() {
            None => {
                notes.push("no `datasource` block: `@db.*` types are read as PostgreSQL's".to_string());
                Provider::Postgres
            }
            Some(ds) => {
                let name = ds.entries.iter().find(|(k, _)| k == "provider").and_then(|(_, v)| v.as_str());
                match name {
                    Some("mongodb") => {
                        return Err(format!(
                            "{}: the datasource is MongoDB, which has collections, not tables: nothing to import",
                            ds.pos
                        ));
                    }
                    Some(name) => Provider::from_name(name).ok_or_else(|| {
                        format!(
                            "{}: unknown datasource provider \"{name}\" (expected postgresql, mysql, sqlite, sqlserver or cockroachdb)",
                            ds.pos
                        )
                    })?,
                    None => return Err(format!("{}: the datasource has no `provider = \"...\"`", ds.pos)),
                }
            }
        };
        if let Some(ds) = datasources.first()
            && ds.entries.iter().any(|(k, v)| k == "relationMode" && v.as_str() == Some("prisma"))
        {
            notes.push(
                "`relationMode = \"prisma\"`: Prisma emulates the relations without foreign keys; tablewright creates real ones"
                    .to_string(),
            );
        }
        let mut models = Vec::new();
        for m in files.iter().flat_map(|f| &f.models) {
            match m.kind {
                ModelKind::Model => models.push(m),
                ModelKind::View => notes.push(format!("view `{}`: views are not entities; left out", m.name)),
                ModelKind::Type => {
                    notes.push(format!("composite type `{}`: MongoDB only; left out", m.name));
                }
            }
        }
        if models.is_empty() {
            return Err("the schema declares no `model`: nothing to import".to_string());
        }
        let enums: Vec<&Enum> = files.iter().flat_map(|f| &f.enums).collect();
        let mut seen = BTreeSet::new();
        for name in models.iter().map(|m| (&m.name, &m.pos)).chain(enums.iter().map(|e| (&e.name, &e.pos))) {
            if !seen.insert(name.0.clone()) {
                return Err(format!("{}: `{}` is declared twice", name.1, name.0));
            }
        }
        Ok(Cx { provider, models, enums, schema: Schema::default(), notes, enum_values: BTreeMap::new() })
    }

    fn model(&self, name: &str) -> Option<&'a Model> {
        self.models.iter().copied().find(|m| m.name == name)
    }

    fn is_enum(&self, name: &str) -> bool {
        self.enums.iter().any(|e| e.name == name)
    }

    fn run(&mut self) {
        for e in self.enums.clone() {
            let converted = self.enum_type(e);
            self.schema.enums.push(converted);
        }
        for m in self.models.clone() {
            let entity = self.entity(m);
            self.schema.entities.push(entity);
        }
        // Keys after every entity exists: a key's type follows its target's.
        for m in self.models.clone() {
            self.foreign_keys(m);
        }
        self.many_to_many();
        self.notes.push(
            "primary and foreign keys take tablewright's names (`pk_<table>`, `fk_<table>_<column>`) instead of Prisma's \
             (`<table>_pkey`, `<table>_<column>_fkey`)"
                .to_string(),
        );
    }

    // ---- enums ---------------------------------------------------------------

    fn enum_type(&mut self, e: &Enum) -> EnumType {
        let sql_name = map_arg(&e.attributes, "map").unwrap_or_else(|| e.name.clone());
        let mut taken = BTreeSet::new();
        let mut values = BTreeMap::new();
        let mut variants = Vec::new();
        for v in &e.values {
            let stored = map_arg(&v.attributes, "map").unwrap_or_else(|| v.name.clone());
            let mut name = variant_name(&stored);
            while !taken.insert(name.clone()) {
                name.push('_');
            }
            values.insert(v.name.clone(), stored.clone());
            // The stored value as Prisma has it: the writer notes where the
            // variant stores it differently.
            variants.push(EnumVariant { name, value: stored, doc: v.doc.clone() });
        }
        for a in &e.attributes {
            if a.name != "map" {
                self.notes.push(format!("enum `{}`: `@@{}` has no tablewright form; left out", e.name, a.name));
            }
        }
        self.enum_values.insert(e.name.clone(), values);
        EnumType { name: e.name.clone(), sql_name, variants, doc: e.doc.clone(), location: e.pos.clone() }
    }

    // ---- models --------------------------------------------------------------

    fn entity(&mut self, m: &Model) -> Entity {
        let table = map_arg(&m.attributes, "map").unwrap_or_else(|| m.name.clone());
        let mut columns = Vec::new();
        let mut key = Vec::new();
        let mut indexes = Vec::new();
        let mut fields_taken = BTreeSet::new();
        let scalars: Vec<&Field> = m.fields.iter().filter(|f| !self.is_relation(f)).collect();
        for f in scalars {
            let Some(mut column) = self.column(m, f) else { continue };
            while !fields_taken.insert(column.field.clone()) {
                column.field.push('_');
            }
            if f.attribute("id").is_some() {
                key.push(column.name.clone());
            }
            if let Some(unique) = f.attribute("unique") {
                let name = unique
                    .arg("map", false)
                    .and_then(Expr::as_str)
                    .map_or_else(|| format!("{table}_{}_key", column.name), str::to_string);
                indexes.push(index(name, vec![IndexColumn { name: column.name.clone(), desc: false }], true, &f.pos));
            }
            for a in &f.attributes {
                if !matches!(a.name.as_str(), "id" | "unique" | "map" | "default" | "updatedAt")
                    && !a.name.starts_with("db.")
                {
                    self.notes
                        .push(format!("`{}.{}`: `@{}` has no tablewright form; left out", m.name, f.name, a.name));
                }
            }
            columns.push(column);
        }
        let mut entity = Entity::new(m.name.clone(), table.clone(), columns, &[]);
        entity.doc = m.doc.clone();
        entity.location = m.pos.clone();

        for a in &m.attributes {
            match a.name.as_str() {
                "map" => {}
                "id" => {
                    key = self.field_list(m, &entity, a, "fields");
                    if a.arg("name", false).is_some() {
                        self.notes.push(format!(
                            "`{}`: the compound id's client name (`name:`) is Prisma Client's; left out",
                            m.name
                        ));
                    }
                }
                "unique" | "index" => {
                    let unique = a.name == "unique";
                    let columns = self.index_columns(m, &entity, a);
                    if columns.is_empty() {
                        continue;
                    }
                    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    let suffix = if unique { "key" } else { "idx" };
                    // `name:` was the database name of an index before Prisma 3.
                    let map = a.arg("map", false).or_else(|| (!unique).then(|| a.arg("name", false)).flatten());
                    let name = map
                        .and_then(Expr::as_str)
                        .map_or_else(|| format!("{table}_{}_{suffix}", names.join("_")), str::to_string);
                    if unique && a.arg("name", false).is_some() {
                        self.notes.push(format!(
                            "`{}`: the compound unique's client name (`name:`) is Prisma Client's; left out",
                            m.name
                        ));
                    }
                    for option in ["type", "clustered", "ops"] {
                        if a.arg(option, false).is_some() {
                            self.notes.push(format!("`{}`: `@@{}(..., {option}: ...)` is left out", m.name, a.name));
                        }
                    }
                    let mut idx = index(name, columns, unique, &a.pos);
                    if let Some(Expr::Call { name, args }) = a.arg("where", false)
                        && name == "raw"
                        && let Some(predicate) = args.first().and_then(|x| x.value.as_str())
                    {
                        idx.predicate = Some(predicate.to_string());
                    }
                    entity.indexes.push(idx);
                }
                other => {
                    self.notes.push(format!("`{}`: `@@{other}` has no tablewright form; left out", m.name));
                }
            }
        }
        // Field-level uniques after the block ones: the order Prisma lists them in doesn't matter, names do.
        entity.indexes.extend(indexes);
        entity.primary_key.columns = key;
        if entity.primary_key.columns.is_empty() {
            self.notes.push(format!(
                "`{}` has no `@id` or `@@id`: tablewright needs a primary key, so the build will refuse it until one is added",
                m.name
            ));
        }
        self.timestamps(m, &mut entity);
        entity
    }

    fn is_relation(&self, f: &Field) -> bool {
        self.model(&f.ty.name).is_some()
    }

    /// The columns of `fields: [...]` (or the positional list) of a block attribute.
    fn field_list(&mut self, m: &Model, entity: &Entity, a: &Attribute, key: &str) -> Vec<String> {
        let Some(list) = a.arg(key, true) else { return vec![] };
        list.items().iter().filter_map(|x| x.name().and_then(|n| self.column_of(m, entity, n, &a.pos))).collect()
    }

    fn index_columns(&mut self, m: &Model, entity: &Entity, a: &Attribute) -> Vec<IndexColumn> {
        let Some(list) = a.arg("fields", true) else { return vec![] };
        let mut out = Vec::new();
        for item in list.items() {
            let (name, args) = match item {
                Expr::Path(p) => (p.as_str(), &[][..]),
                Expr::Call { name, args } => (name.as_str(), args.as_slice()),
                _ => continue,
            };
            let Some(column) = self.column_of(m, entity, name, &a.pos) else { continue };
            let desc = args.iter().any(|x| x.name.as_deref() == Some("sort") && x.value.name() == Some("Desc"));
            if args.iter().any(|x| x.name.as_deref() != Some("sort")) {
                self.notes.push(format!("`{}`: index options other than `sort:` on `{name}` are left out", m.name));
            }
            out.push(IndexColumn { name: column, desc });
        }
        out
    }

    /// The column of the Prisma field `field` of `m`.
    fn column_of(&mut self, m: &Model, entity: &Entity, field: &str, at: &Pos) -> Option<String> {
        let found = m.fields.iter().find(|f| f.name == field);
        let column = found.map(|f| map_arg(&f.attributes, "map").unwrap_or_else(|| f.name.clone()));
        match column {
            Some(c) if entity.column(&c).is_some() => Some(c),
            _ => {
                self.notes.push(format!("{at}: `{}` has no scalar field `{field}`; left out of the attribute", m.name));
                None
            }
        }
    }

    fn column(&mut self, m: &Model, f: &Field) -> Option<Column> {
        let name = map_arg(&f.attributes, "map").unwrap_or_else(|| f.name.clone());
        let where_ = format!("`{}.{}`", m.name, f.name);
        let mut column = Column::new(&name, ColumnType::String);
        column.field = crate::import::source::sanitize(&f.name);
        column.doc = f.doc.clone();
        column.nullable = f.ty.arity == Arity::Optional;
        column.location = f.pos.clone();
        if self.is_enum(&f.ty.name) {
            column.ty = ColumnType::Enum(f.ty.name.clone());
            if f.ty.arity == Arity::List {
                self.notes.push(format!("{where_}: a list of enum values has no tablewright type; left out"));
                return None;
            }
        } else if f.ty.name == "Unsupported" {
            column.sql_type = f.ty.unsupported.clone();
            self.notes.push(format!(
                "{where_}: `Unsupported(\"{}\")` becomes a `String` field with that `sql_type`",
                f.ty.unsupported.as_deref().unwrap_or_default()
            ));
        } else if SCALARS.contains(&f.ty.name.as_str()) {
            let native = f.attributes.iter().find(|a| a.name.starts_with("db."));
            self.scalar_type(&where_, &f.ty.name, native, &mut column);
            if f.ty.arity == Arity::List {
                if column.ty == ColumnType::String && column.sql_type.is_none() && column.max_len.is_none() {
                    column.ty = ColumnType::StringArray;
                } else {
                    self.notes.push(format!("{where_}: a list of `{}` has no tablewright type; left out", f.ty.name));
                    return None;
                }
            }
        } else {
            self.notes.push(format!("{where_}: unknown type `{}`; left out", f.ty.name));
            return None;
        }
        self.default(m, f, &mut column);
        Some(column)
    }

    /// The column type of a scalar with its optional `@db.*` native type.
    fn scalar_type(&mut self, where_: &str, scalar: &str, native: Option<&Attribute>, column: &mut Column) {
        use ColumnType as T;
        let base = match scalar {
            "String" => T::String,
            "Boolean" => T::Bool,
            "Int" => T::I32,
            "BigInt" => T::I64,
            "Float" => T::F64,
            "Decimal" => T::Decimal,
            // Prisma Client reads and writes DateTime as UTC instants.
            "DateTime" => T::DateTimeUtc,
            "Json" => T::Json,
            _ => T::Bytes,
        };
        column.ty = base.clone();
        let Some(native) = native else {
            if scalar == "Decimal" {
                // Prisma's default: Decimal(65, 30).
                column.precision = Some(65);
                column.scale = Some(30);
            }
            return;
        };
        let kind = native.name.trim_start_matches("db.");
        let args: Vec<String> = native
            .args
            .iter()
            .filter_map(|a| match &a.value {
                Expr::Number(n) => Some(n.clone()),
                Expr::Path(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        let number = |i: usize| args.get(i).and_then(|n| n.parse::<u32>().ok());
        let sql =
            if args.is_empty() { kind.to_lowercase() } else { format!("{}({})", kind.to_lowercase(), args.join(", ")) };
        let pg = self.provider == Provider::Postgres;
        let my = self.provider == Provider::Mysql;
        let mut dropped_precision = false;
        match (scalar, kind) {
            ("String", "VarChar" | "NVarChar") if number(0).is_some() => column.max_len = number(0),
            ("String", "Text") => {}
            ("String", "Uuid" | "UniqueIdentifier") => column.ty = T::Uuid,
            ("Int", "SmallInt") => column.ty = T::I16,
            ("Int", "Integer" | "Int") => {}
            ("BigInt", "BigInt") => {}
            ("Float", "Real") if pg => column.ty = T::F32,
            ("Float", "Float") if my => column.ty = T::F32,
            ("Float", "DoublePrecision" | "Double") => {}
            ("Decimal", "Decimal") if number(0).is_some() => {
                column.precision = number(0);
                column.scale = Some(number(1).unwrap_or(0));
            }
            ("Decimal", "Decimal") => {}
            ("Boolean", "Boolean" | "Bool") => {}
            ("DateTime", "Timestamptz") if pg => dropped_precision = number(0).is_some_and(|p| p != 6),
            ("DateTime", "Timestamp") if pg => {
                column.ty = T::NaiveDateTime;
                dropped_precision = number(0).is_some_and(|p| p != 6);
            }
            ("DateTime", "DateTime") if my => {
                column.ty = T::NaiveDateTime;
                dropped_precision = number(0).is_some_and(|p| p != 6);
            }
            ("DateTime", "Timestamp") if my => dropped_precision = number(0).is_some_and(|p| p != 6),
            ("DateTime", "Date") => column.ty = T::NaiveDate,
            ("DateTime", "Time") => {
                column.ty = T::NaiveTime;
                dropped_precision = number(0).is_some_and(|p| p != 6);
            }
            ("Json", "JsonB") if pg => {}
            ("Json", "Json") if my => {}
            ("Bytes", "ByteA") if pg => {}
            _ => {
                column.sql_type = Some(sql.clone());
                if self.provider != Provider::Sqlite {
                    self.notes.push(format!(
                        "{where_}: `@{}` has no DSL type; it is `sql_type = \"{sql}\"` (the generated Prisma schema sees a plain `{scalar}`)",
                        native.name
                    ));
                }
            }
        }
        if dropped_precision {
            self.notes.push(format!("{where_}: `@{}` keeps its type but not its precision ({})", native.name, args[0]));
        }
        if self.provider == Provider::Sqlite {
            self.notes.push(format!("{where_}: SQLite has no native types; `@{}` is kept as `sql_type`", native.name));
        }
    }

    fn default(&mut self, m: &Model, f: &Field, column: &mut Column) {
        let where_ = format!("`{}.{}`", m.name, f.name);
        let is_key = f.attribute("id").is_some();
        let Some(default) = f.attribute("default") else {
            if is_key && column.ty == ColumnType::Uuid {
                column.generated = Generated::RandomUuid;
            }
            return;
        };
        let Some(value) = default.arg("value", true) else { return };
        let uuid_key = is_key && column.ty == ColumnType::Uuid;
        match value {
            Expr::Call { name, args } => match name.as_str() {
                "autoincrement" if is_key && matches!(column.ty, ColumnType::I32 | ColumnType::I64) => {
                    column.generated = Generated::Identity;
                }
                "now" => column.default = Some(DefaultValue::Now),
                "cuid" if is_key && column.ty == ColumnType::String => column.generated = Generated::Cuid,
                "uuid" if uuid_key => column.generated = Generated::RandomUuid,
                "dbgenerated" => match args.first().and_then(|a| a.value.as_str()) {
                    Some("gen_random_uuid()") if uuid_key => column.generated = Generated::RandomUuid,
                    Some(sql) => column.default = Some(DefaultValue::Sql(sql.to_string())),
                    None => self.notes.push(format!(
                        "{where_}: `dbgenerated()` without SQL says the database has a default; tablewright needs it spelled out"
                    )),
                },
                "uuid" | "cuid" | "nanoid" | "ulid" => self.notes.push(format!(
                    "{where_}: `{name}()` is made by Prisma Client, not the database; the column has no default{}",
                    if name == "uuid" && column.ty == ColumnType::Uuid {
                        " (`#[default(sql = \"gen_random_uuid()\")]` would make one in PostgreSQL)"
                    } else {
                        ""
                    }
                )),
                "autoincrement" | "sequence" => self.notes.push(format!(
                    "{where_}: `{name}()` outside a single integer key has no tablewright form; the column has no default"
                )),
                other => self.notes.push(format!("{where_}: `@default({other}(...))` is not understood; left out")),
            },
            Expr::String(s) => column.default = Some(DefaultValue::String(s.clone())),
            Expr::Number(n) => {
                column.default = Some(match (n.parse::<i64>(), &column.ty) {
                    (Ok(i), ColumnType::I16 | ColumnType::I32 | ColumnType::I64 | ColumnType::Decimal) => {
                        DefaultValue::Int(i)
                    }
                    _ => DefaultValue::Float(n.clone()),
                })
            }
            Expr::Path(p) if p == "true" || p == "false" => column.default = Some(DefaultValue::Bool(p == "true")),
            Expr::Path(p) => match self.enum_values.get(&f.ty.name).and_then(|v| v.get(p)) {
                Some(stored) => column.default = Some(DefaultValue::EnumValue(stored.clone())),
                None => self.notes.push(format!("{where_}: the default `{p}` is not a value of `{}`", f.ty.name)),
            },
            Expr::Array(items) if items.is_empty() && column.ty == ColumnType::StringArray => {
                column.default = Some(DefaultValue::Sql("'{}'".to_string()));
            }
            Expr::Array(_) => self.notes.push(format!("{where_}: a list default has no tablewright form; left out")),
        }
        if let Some(map) = default.arg("map", false).and_then(Expr::as_str) {
            self.notes.push(format!("{where_}: the default's constraint name `{map}` (SQL Server) is left out"));
        }
    }

    /// `createdAt DateTime @default(now()) @map("created_at")` and
    /// `updatedAt DateTime @updatedAt @map("updated_at")` are `#[timestamps]`
    /// exactly: same columns, types, NOT NULL and default. Anything else
    /// keeps its columns, and `@updatedAt` is noted.
    fn timestamps(&mut self, m: &Model, entity: &mut Entity) {
        let updated_at_fields: Vec<&Field> = m.fields.iter().filter(|f| f.attribute("updatedAt").is_some()).collect();
        let column_is = |entity: &Entity, name: &str, updated: bool| {
            entity.column(name).is_some_and(|c| {
                c.ty == ColumnType::DateTimeUtc
                    && !c.nullable
                    && c.sql_type.is_none()
                    && (c.default == Some(DefaultValue::Now) || (updated && c.default.is_none()))
                    && !entity.primary_key.columns.contains(&c.name)
            })
        };
        let updated_ok = updated_at_fields.len() == 1
            && map_arg(&updated_at_fields[0].attributes, "map").as_deref().unwrap_or(&updated_at_fields[0].name)
                == "updated_at";
        if updated_ok && column_is(entity, "created_at", false) && column_is(entity, "updated_at", true) {
            entity.traits.timestamps = true;
            for c in entity.columns.iter_mut().filter(|c| c.name == "created_at" || c.name == "updated_at") {
                c.origin = ColumnOrigin::Timestamps;
                c.default = Some(DefaultValue::Now);
            }
            return;
        }
        for f in updated_at_fields {
            self.notes.push(format!(
                "`{}.{}`: `@updatedAt` is set by Prisma Client; outside `#[timestamps]` (columns `created_at` and \
                 `updated_at`, both `DateTime` with `now()`) tablewright has no equivalent, so it is a plain column",
                m.name, f.name
            ));
        }
    }

    // ---- relations -----------------------------------------------------------

    fn foreign_keys(&mut self, m: &Model) {
        let relations: Vec<&Field> = m.fields.iter().filter(|f| self.is_relation(f)).collect();
        for f in relations {
            let Some(relation) = f.attribute("relation") else { continue };
            let Some(fields) = relation.arg("fields", false) else { continue };
            let target = self.model(&f.ty.name).expect("a relation field names a model");
            let references = relation.arg("references", false).map(Expr::items).unwrap_or_default();
            let fields = fields.items();
            let holder_ix = self.schema.entities.iter().position(|e| e.name == m.name).expect("converted");
            let target_ix = self.schema.entities.iter().position(|e| e.name == target.name).expect("converted");
            let holder_entity = self.schema.entities[holder_ix].clone();
            let target_entity = self.schema.entities[target_ix].clone();
            let columns: Vec<Option<String>> = fields
                .iter()
                .map(|x| x.name().and_then(|n| self.column_of(m, &holder_entity, n, &relation.pos)))
                .collect();
            let target_columns: Vec<Option<String>> = references
                .iter()
                .map(|x| x.name().and_then(|n| self.column_of(target, &target_entity, n, &relation.pos)))
                .collect();
            let (Some(columns), Some(target_columns)) = (
                columns.into_iter().collect::<Option<Vec<_>>>(),
                target_columns.into_iter().collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            let where_ = format!("`{}.{}`", m.name, f.name);
            if columns.len() != 1 || target_columns != target_entity.primary_key.columns {
                self.notes.push(format!(
                    "{where_}: the relation ({}) -> `{}` ({}) is not a single column pointing at the primary key; \
                     `#[belongs_to]` cannot say it, so the columns stay and the relation is left out",
                    columns.join(", "),
                    target.name,
                    target_columns.join(", ")
                ));
                continue;
            }
            let optional = f.ty.arity == Arity::Optional;
            let on_delete = match relation.arg("onDelete", false).and_then(Expr::name) {
                Some(a) => self.action(&where_, a),
                None if optional => ReferentialAction::SetNull,
                None => ReferentialAction::Restrict,
            };
            let on_update = match relation.arg("onUpdate", false).and_then(Expr::name) {
                Some(a) => self.action(&where_, a),
                None => ReferentialAction::Cascade,
            };
            let column = columns[0].clone();
            // The DSL requires a key's Rust type to be its target's.
            let target_column = target_entity.column(&target_columns[0]).expect("resolved").clone();
            let holder = &mut self.schema.entities[holder_ix];
            if let Some(c) = holder.columns.iter_mut().find(|c| c.name == column)
                && (c.ty != target_column.ty || c.sql_type != target_column.sql_type)
            {
                let note = format!(
                    "{where_}: `{}` takes the type of `{}.{}` it points at",
                    column, target.name, target_columns[0]
                );
                c.ty = target_column.ty.clone();
                c.sql_type = target_column.sql_type.clone();
                c.max_len = target_column.max_len;
                self.notes.push(note);
            }
            let holder = &mut self.schema.entities[holder_ix];
            if holder.foreign_keys.iter().any(|fk| fk.columns == [column.clone()]) {
                self.notes.push(format!("{where_}: `{column}` already has a foreign key; this one is left out"));
                continue;
            }
            let name = naming::constraint_name("fk", &holder.table, &[&column]);
            holder.foreign_keys.push(ForeignKey {
                name,
                columns: vec![column],
                target: target.name.clone(),
                target_table: target_entity.table.clone(),
                target_columns,
                on_delete,
                on_update,
                origin: ColumnOrigin::Declared,
                deferrable: false,
                location: relation.pos.clone(),
            });
        }
    }

    fn action(&mut self, where_: &str, name: &str) -> ReferentialAction {
        match name {
            "Cascade" => ReferentialAction::Cascade,
            "Restrict" => ReferentialAction::Restrict,
            "SetNull" => ReferentialAction::SetNull,
            "SetDefault" => ReferentialAction::SetDefault,
            "NoAction" => ReferentialAction::NoAction,
            other => {
                self.notes.push(format!("{where_}: unknown referential action `{other}`; NO ACTION is used"));
                ReferentialAction::NoAction
            }
        }
    }

    /// Implicit many-to-many relations: both sides lists, no `fields:`.
    fn many_to_many(&mut self) {
        let mut done: BTreeSet<(String, String)> = BTreeSet::new();
        for m in self.models.clone() {
            let lists: Vec<&Field> =
                m.fields.iter().filter(|f| self.is_relation(f) && f.ty.arity == Arity::List).collect();
            for f in lists {
                let relation_name = f.attribute("relation").and_then(|a| a.arg("name", true)).and_then(Expr::as_str);
                let target = self.model(&f.ty.name).expect("a relation field names a model");
                let opposite = target.fields.iter().find(|o| {
                    o.ty.name == m.name
                        && !(target.name == m.name && o.name == f.name)
                        && o.attribute("relation").and_then(|a| a.arg("name", true)).and_then(Expr::as_str)
                            == relation_name
                });
                let Some(opposite) = opposite else {
                    self.notes.push(format!(
                        "`{}.{}`: no field of `{}` is the other side of this relation; left out",
                        m.name, f.name, target.name
                    ));
                    continue;
                };
                if opposite.ty.arity != Arity::List {
                    continue;
                }
                // Prisma's A side is the model whose name sorts first.
                let (a, b) = if m.name <= target.name { (m, target) } else { (target, m) };
                let name = relation_name.map_or_else(|| format!("{}To{}", a.name, b.name), str::to_string);
                if !done.insert((a.name.clone(), name.clone())) {
                    continue;
                }
                self.junction(a, b, &name);
            }
        }
    }

    /// The junction of an implicit many-to-many named `relation`.
    fn junction(&mut self, a: &Model, b: &Model, relation: &str) {
        let side = |cx: &Self, model: &Model| -> Option<Column> {
            let entity = cx.schema.entity(&model.name)?;
            match entity.primary_key.columns.as_slice() {
                [one] => entity.column(one).cloned(),
                _ => None,
            }
        };
        let (Some(a_key), Some(b_key)) = (side(self, a), side(self, b)) else {
            self.notes.push(format!(
                "the implicit many-to-many `{relation}` joins a model without a single-column key; left out"
            ));
            return;
        };
        let key_column = |key: &Column, name: &str| {
            let mut c = Column::new(name, key.ty.clone());
            c.field = crate::import::source::sanitize(name);
            c.sql_type = key.sql_type.clone();
            c.max_len = key.max_len;
            c
        };
        let taken = |cx: &Self, name: &str| cx.schema.entity(name).is_some() || cx.is_enum(name);
        let prisma_table = format!("_{relation}");
        if a.name == b.name {
            // `#[many_to_many]` joins two different entities; a self relation
            // is an entity of its own with Prisma's table and columns.
            let mut name = relation.to_string();
            while taken(self, &name) {
                name.push('_');
            }
            let columns = vec![key_column(&a_key, "A"), key_column(&b_key, "B")];
            let mut entity = Entity::new(name.clone(), prisma_table.clone(), columns, &["A", "B"]);
            for column in ["A", "B"] {
                entity.foreign_keys.push(ForeignKey {
                    name: naming::constraint_name("fk", &prisma_table, &[column]),
                    columns: vec![column.to_string()],
                    target: a.name.clone(),
                    target_table: self.schema.entity(&a.name).map(|e| e.table.clone()).unwrap_or_default(),
                    target_columns: vec![a_key.name.clone()],
                    on_delete: ReferentialAction::Cascade,
                    on_update: ReferentialAction::Cascade,
                    origin: ColumnOrigin::Declared,
                    deferrable: false,
                    location: Location::default(),
                });
            }
            let b_index = format!("{prisma_table}_B_index");
            entity.indexes.push(index(b_index, vec![IndexColumn { name: "B".into(), desc: false }], false, &a.pos));
            self.notes.push(format!(
                "the implicit many-to-many `{relation}` of `{}` with itself is the entity `{name}` over Prisma's table \
                 `{prisma_table}` (columns `A`, `B`): `#[many_to_many]` joins two different entities",
                a.name
            ));
            self.schema.entities.push(entity);
            return;
        }
        let mut name = format!("{}{}", a.name, b.name);
        while taken(self, &name) {
            name.push('_');
        }
        let table = naming::table_name(&name);
        let (left, right) = (naming::key_column(&a.name), naming::key_column(&b.name));
        let columns = vec![key_column(&a_key, &left), key_column(&b_key, &right)];
        let mut entity = Entity::new(name.clone(), table.clone(), columns, &[&left, &right]);
        entity.junction = Some(Junction { left: a.name.clone(), right: b.name.clone() });
        self.notes.push(format!(
            "the implicit many-to-many `{relation}` is the `#[many_to_many({}, {})]` junction `{name}`: table `{table}` \
             with `{left}`, `{right}`, where Prisma has `{prisma_table}` with `A`, `B` (move the rows over when migrating)",
            a.name, b.name
        ));
        self.schema.entities.push(entity);
    }
}

fn index(name: String, columns: Vec<IndexColumn>, unique: bool, pos: &Pos) -> Index {
    Index {
        name,
        columns,
        unique,
        predicate: None,
        include: vec![],
        origin: ColumnOrigin::Declared,
        location: pos.clone(),
    }
}

/// The string of `@map("...")` / `@@map("...")` (or of the `map:` argument
/// when `name` is `"map"` inside another attribute).
fn map_arg(attributes: &[Attribute], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.arg("map", true))
        .and_then(Expr::as_str)
        .map(str::to_string)
}

/// The Rust variant for a stored enum value: its words in PascalCase
/// (`IN_PROGRESS`, `in_progress` and `inProgress` are all `InProgress`),
/// `V` before a leading digit.
pub fn variant_name(stored: &str) -> String {
    let mut out = String::new();
    let words = naming::snake_case(stored);
    for word in words.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    match out.chars().next() {
        None => "Value".to_string(),
        Some(c) if c.is_ascii_digit() => format!("V{out}"),
        Some(_) => out,
    }
}

#[cfg(test)]
mod tests;
