//! Rust field types to column types. Paths match on their last segment, so
//! `uuid::Uuid`, `chrono::DateTime<chrono::Utc>` and `Uuid` are one type.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

use super::messages;
use crate::model::ColumnType;

/// A field's type, classified.
#[derive(Clone, Debug)]
pub struct FieldType {
    pub ty: ColumnType,
    /// `Option<T>`.
    pub nullable: bool,
    /// The type without `Option`.
    pub inner: Type,
}

impl FieldType {
    /// `true` for `ColumnType::Enum`: the type must be a `#[db_enum]`.
    pub fn is_enum(&self) -> bool {
        matches!(self.ty, ColumnType::Enum(_))
    }
}

/// Why a type is not a column type, spanned on the offending part.
#[derive(Clone, Debug)]
pub struct TypeError {
    pub tokens: TokenStream,
    pub message: String,
}

/// Renders a type compactly: `Option<Vec<u8>>`, `chrono::DateTime<Utc>`.
pub fn type_string(ty: &impl ToTokens) -> String {
    let raw = ty.to_token_stream().to_string();
    raw.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// Classifies a field type.
pub fn classify(ty: &Type) -> Result<FieldType, TypeError> {
    if let Some(inner) = option_inner(ty) {
        if option_inner(inner).is_some() {
            return Err(error(
                ty,
                "`Option<Option<T>>` has no column equivalent",
                "a column is either NULL or a value: use `Option<T>`",
            ));
        }
        return Ok(FieldType { ty: scalar(inner)?, nullable: true, inner: inner.clone() });
    }
    Ok(FieldType { ty: scalar(ty)?, nullable: false, inner: ty.clone() })
}

/// Classifies a field that has `#[column(sql_type = "...")]`: DSL types keep
/// their type (the SQL type overrides only the DDL); anything else, enum-like
/// paths included, becomes [`ColumnType::Other`].
pub fn classify_with_sql_type(ty: &Type) -> FieldType {
    match classify(ty) {
        Ok(ft) if !ft.is_enum() => ft,
        _ => {
            let (inner, nullable) = match option_inner(ty) {
                Some(inner) => (inner, true),
                None => (ty, false),
            };
            FieldType { ty: ColumnType::Other(type_string(inner)), nullable, inner: inner.clone() }
        }
    }
}

fn error(ty: &impl ToTokens, reason: &str, fix: &str) -> TypeError {
    TypeError { tokens: ty.to_token_stream(), message: messages::unsupported_type(&type_string(ty), reason, fix) }
}

fn strip_group(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => strip_group(&g.elem),
        Type::Paren(p) => strip_group(&p.elem),
        other => other,
    }
}

/// The single type argument of a path segment such as `Option<T>`.
fn single_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(a) = args else { return None };
    let mut types = a.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next(), a.args.len()) {
        (Some(t), None, 1) => Some(t),
        _ => None,
    }
}

/// `T` when `ty` is `Option<T>` (any path ending in `Option`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = strip_group(ty) else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    single_arg(&last.arguments)
}

fn last_ident(ty: &Type) -> Option<String> {
    match strip_group(ty) {
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            last.arguments.is_none().then(|| last.ident.to_string())
        }
        _ => None,
    }
}

fn scalar(ty: &Type) -> Result<ColumnType, TypeError> {
    match strip_group(ty) {
        Type::Path(p) if p.qself.is_none() => path_scalar(ty, &p.path),
        Type::Reference(r) => {
            let fix = match last_ident(&r.elem).as_deref() {
                Some("str") => "use `String`".to_string(),
                _ if matches!(strip_group(&r.elem), Type::Slice(_)) => {
                    "use `Vec<u8>` for bytes or `Json` for lists".into()
                }
                _ => format!("use the owned type `{}`", type_string(&r.elem)),
            };
            Err(error(ty, "a column holds owned data, not a reference", &fix))
        }
        Type::Tuple(t) if t.elems.is_empty() => Err(error(ty, "`()` holds no data", "remove the field")),
        Type::Tuple(_) => Err(error(ty, "a tuple is several values", "use one field per column, or `Json`")),
        Type::Array(_) | Type::Slice(_) => Err(error(
            ty,
            "arrays are not column types",
            "use `Vec<u8>` for bytes, `Vec<String>` for text lists, or `Json`",
        )),
        _ => Err(error(ty, "it is not a plain type", "use one of the column types")),
    }
}

fn path_scalar(ty: &Type, path: &syn::Path) -> Result<ColumnType, TypeError> {
    let Some(last) = path.segments.last() else {
        return Err(error(ty, "it is not a plain type", "use one of the column types"));
    };
    let name = last.ident.to_string();
    let plain = last.arguments.is_none();
    let prev = path.segments.len().checked_sub(2).map(|i| path.segments[i].ident.to_string());
    let simple = match name.as_str() {
        "String" => Some(ColumnType::String),
        "i16" => Some(ColumnType::I16),
        "i32" => Some(ColumnType::I32),
        "i64" => Some(ColumnType::I64),
        "f32" => Some(ColumnType::F32),
        "f64" => Some(ColumnType::F64),
        "bool" => Some(ColumnType::Bool),
        "Uuid" => Some(ColumnType::Uuid),
        "NaiveDateTime" => Some(ColumnType::NaiveDateTime),
        "NaiveDate" => Some(ColumnType::NaiveDate),
        "NaiveTime" => Some(ColumnType::NaiveTime),
        "Json" | "JsonValue" => Some(ColumnType::Json),
        "Value" if prev.is_none() || prev.as_deref() == Some("serde_json") => Some(ColumnType::Json),
        "Decimal" => Some(ColumnType::Decimal),
        _ => None,
    };
    if let Some(t) = simple {
        if plain {
            return Ok(t);
        }
        return Err(error(ty, "it takes no generic arguments", &format!("write `{name}`")));
    }
    let unsupported = |reason: &str, fix: &str| Err(error(ty, reason, fix));
    match name.as_str() {
        "DateTime" => match single_arg(&last.arguments).and_then(last_ident) {
            Some(tz) if tz == "Utc" => Ok(ColumnType::DateTimeUtc),
            _ => unsupported(
                "timestamps with a time zone are stored in UTC",
                "use `DateTime<Utc>` (or `NaiveDateTime` for a timestamp without time zone)",
            ),
        },
        "Vec" => match single_arg(&last.arguments).and_then(last_ident).as_deref() {
            Some("u8") => Ok(ColumnType::Bytes),
            Some("String") => Ok(ColumnType::StringArray),
            _ => unsupported(
                "only `Vec<u8>` (bytes) and `Vec<String>` (text array) are columns",
                "store other lists as `Json`",
            ),
        },
        "u8" => unsupported("SQL has no unsigned integers", "use `i16`"),
        "u16" => unsupported("SQL has no unsigned integers", "use `i32`"),
        "u32" => unsupported("SQL has no unsigned integers", "use `i64`"),
        "u64" | "usize" => {
            unsupported("SQL has no unsigned 64-bit integers", "use `i64` (or `Decimal` for values past i64::MAX)")
        }
        "isize" => unsupported("its size depends on the platform", "use `i64`"),
        "i8" => unsupported("SQL has no 1-byte integer on every dialect", "use `i16`"),
        "i128" | "u128" => unsupported("SQL has no 128-bit integers", "use `Decimal`, or `Uuid` for identifiers"),
        "char" | "str" => unsupported("characters are stored as text", "use `String`"),
        "Box" | "Rc" | "Arc" | "Cow" => {
            unsupported("a column holds plain owned data", "use the inner type directly, e.g. `String`")
        }
        "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" | "VecDeque" | "IndexMap" => {
            unsupported("collections are not column types", "use `Json`")
        }
        "Option" => unsupported("`Option` takes one type", "write `Option<T>`"),
        "Self" => unsupported(
            "an entity cannot contain itself",
            "store the key instead: `#[belongs_to(Self)] pub parent_id: Option<Uuid>,`",
        ),
        _ if !plain => unsupported("generic types are not column types", "use `Json` for structured data"),
        _ => Ok(ColumnType::Enum(name)),
    }
}

/// The Rust spelling of a column type, for messages.
pub fn describe(ty: &ColumnType) -> String {
    match ty {
        ColumnType::String => "String".into(),
        ColumnType::I16 => "i16".into(),
        ColumnType::I32 => "i32".into(),
        ColumnType::I64 => "i64".into(),
        ColumnType::F32 => "f32".into(),
        ColumnType::F64 => "f64".into(),
        ColumnType::Bool => "bool".into(),
        ColumnType::Uuid => "Uuid".into(),
        ColumnType::DateTimeUtc => "DateTime<Utc>".into(),
        ColumnType::NaiveDateTime => "NaiveDateTime".into(),
        ColumnType::NaiveDate => "NaiveDate".into(),
        ColumnType::NaiveTime => "NaiveTime".into(),
        ColumnType::Json => "Json".into(),
        ColumnType::Decimal => "Decimal".into(),
        ColumnType::Bytes => "Vec<u8>".into(),
        ColumnType::StringArray => "Vec<String>".into(),
        ColumnType::Enum(name) | ColumnType::Other(name) => name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> Type {
        syn::parse_str(src).unwrap()
    }

    #[test]
    fn dsl_types() {
        let cases = [
            ("String", ColumnType::String, false),
            ("Option<i64>", ColumnType::I64, true),
            ("uuid::Uuid", ColumnType::Uuid, false),
            ("chrono::DateTime<chrono::Utc>", ColumnType::DateTimeUtc, false),
            ("Option<DateTime<Utc>>", ColumnType::DateTimeUtc, true),
            ("serde_json::Value", ColumnType::Json, false),
            ("Vec<u8>", ColumnType::Bytes, false),
            ("Vec<String>", ColumnType::StringArray, false),
            ("TaskStatus", ColumnType::Enum("TaskStatus".into()), false),
            ("crate::enums::Plan", ColumnType::Enum("Plan".into()), false),
        ];
        for (src, expected, nullable) in cases {
            let ft = classify(&ty(src)).unwrap_or_else(|e| panic!("{src}: {}", e.message));
            assert_eq!(ft.ty, expected, "{src}");
            assert_eq!(ft.nullable, nullable, "{src}");
        }
    }

    #[test]
    fn unsupported_types_say_what_to_use() {
        for (src, needle) in [
            ("u32", "use `i64`"),
            ("Option<u8>", "use `i16`"),
            ("Option<Option<String>>", "Option<Option<T>>"),
            ("Vec<i32>", "`Json`"),
            ("&'static str", "`String`"),
            ("(i32, i32)", "tuple"),
            ("DateTime<Local>", "DateTime<Utc>"),
            ("Foo<Bar>", "generic"),
        ] {
            let err = classify(&ty(src)).unwrap_err();
            assert!(err.message.contains(needle), "{src}: {}", err.message);
        }
        let err = classify(&ty("Option<u8>")).unwrap_err();
        assert_eq!(type_string(&err.tokens), "u8");
    }

    #[test]
    fn sql_type_makes_other() {
        let ft = classify_with_sql_type(&ty("Option<geo::Point<f64>>"));
        assert_eq!(ft.ty, ColumnType::Other("geo::Point<f64>".into()));
        assert!(ft.nullable);
        assert_eq!(classify_with_sql_type(&ty("String")).ty, ColumnType::String);
        assert_eq!(classify_with_sql_type(&ty("Mood")).ty, ColumnType::Other("Mood".into()));
    }
}
