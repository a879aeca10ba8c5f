//! Realistic values from a column's name and type, drawn with the `fake`
//! crate from the table's seeded RNG, then bent to the column's rules
//! (checks, max_len, precision and scale).

use chrono::{Duration, NaiveTime};
use fake::Fake;
use fake::faker::address::en::{CityName, CountryCode, StreetName, ZipCode};
use fake::faker::company::en::{CatchPhrase, CompanyName};
use fake::faker::currency::en::CurrencyCode;
use fake::faker::filesystem::en::{FileName, FilePath, MimeType};
use fake::faker::internet::en::{IPv4, SafeEmail, UserAgent, Username};
use fake::faker::lorem::en::{Paragraph, Sentence, Word, Words};
use fake::faker::name::en::{FirstName, LastName, Name};
use fake::faker::phone_number::en::PhoneNumber;
use fake::rand::RngExt;
use fake::rand::rngs::ChaCha8Rng;

use super::Value;
use super::checks::Rules;
use crate::model::{Column, ColumnType};

/// What kind of value a column gets, chosen once per column from its name,
/// its type and its entity's name.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Email,
    PersonName,
    FirstName,
    LastName,
    Company,
    Username,
    Slug,
    Code,
    Sku,
    Title,
    Word,
    Text,
    Url,
    AvatarUrl,
    Phone,
    Ip,
    UserAgent,
    Mime,
    FileName,
    FilePath,
    Color,
    Currency,
    Country,
    City,
    Street,
    Zip,
    Locale,
    Hex,
    Words,
    Int { lo: i64, hi: i64 },
    Money,
    Decimal { lo: f64, hi: f64 },
    Float { lo: f64, hi: f64 },
    Bool,
    Uuid,
    Date { back: i64, ahead: i64 },
    DateTime,
    Time,
    Json { object: bool },
    Bytes { len: usize },
    Tags,
}

fn has(name: &str, parts: &[&str]) -> bool {
    parts.iter().any(|p| name == *p || name.ends_with(&format!("_{p}")) || name.starts_with(&format!("{p}_")))
}

/// The kind for a column: by type first, then by name.
pub(crate) fn kind_for(column: &Column, entity_name: &str) -> Kind {
    let n = column.name.to_ascii_lowercase();
    let entity = entity_name.to_ascii_lowercase();
    match &column.ty {
        ColumnType::String | ColumnType::Other(_) | ColumnType::Enum(_) => string_kind(&n, &entity),
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => {
            let hi = match column.ty {
                ColumnType::I16 => i16::MAX as i64,
                ColumnType::I32 => i32::MAX as i64,
                _ => i64::MAX,
            };
            let (lo, h) = if has(&n, &["size", "bytes", "size_bytes", "file_size"]) {
                (1_024, 50_000_000)
            } else if has(&n, &["count", "views", "view_count", "likes", "hits"]) {
                (0, 10_000)
            } else if has(&n, &["quantity", "qty"]) {
                (1, 20)
            } else if has(&n, &["age"]) {
                (18, 90)
            } else if has(&n, &["year"]) {
                (1990, 2030)
            } else if has(&n, &["no", "number", "position", "order", "rank", "sort", "sort_order", "line_no"]) {
                (1, 100)
            } else if has(&n, &["minutes", "duration"]) {
                (5, 480)
            } else {
                (0, 1_000)
            };
            Kind::Int { lo, hi: h.min(hi) }
        }
        ColumnType::F32 | ColumnType::F64 => {
            let (lo, hi) = if has(&n, &["lat", "latitude"]) {
                (-90.0, 90.0)
            } else if has(&n, &["lng", "lon", "longitude"]) {
                (-180.0, 180.0)
            } else if has(&n, &["weight", "kg", "weight_kg"]) {
                (0.1, 40.0)
            } else if has(&n, &["rating", "score"]) {
                (0.0, 5.0)
            } else {
                (0.0, 1_000.0)
            };
            Kind::Float { lo, hi }
        }
        ColumnType::Decimal => {
            if has(&n, &["price", "amount", "total", "cost", "balance", "fee", "subtotal", "tax", "unit_price"]) {
                Kind::Money
            } else if has(&n, &["hours", "days", "estimate", "estimate_hours"]) {
                Kind::Decimal { lo: 0.5, hi: 40.0 }
            } else {
                Kind::Decimal { lo: 0.0, hi: 1_000.0 }
            }
        }
        ColumnType::Bool => Kind::Bool,
        ColumnType::Uuid => Kind::Uuid,
        ColumnType::DateTimeUtc | ColumnType::NaiveDateTime => Kind::DateTime,
        ColumnType::NaiveDate => {
            if has(&n, &["due", "due_date", "deadline", "ship_by", "expires", "until", "end", "ends"]) {
                Kind::Date { back: 14, ahead: 120 }
            } else if has(&n, &["birthday", "birth", "dob", "born"]) {
                Kind::Date { back: 365 * 60, ahead: -365 * 18 }
            } else {
                Kind::Date { back: 365, ahead: 30 }
            }
        }
        ColumnType::NaiveTime => Kind::Time,
        ColumnType::Json => Kind::Json {
            object: has(&n, &["settings", "metadata", "meta", "attributes", "attrs", "preferences", "config", "data"]),
        },
        ColumnType::Bytes => {
            Kind::Bytes { len: if has(&n, &["checksum", "sha256", "hash", "digest"]) { 32 } else { 16 } }
        }
        ColumnType::StringArray => Kind::Tags,
    }
}

fn string_kind(n: &str, entity: &str) -> Kind {
    let org_like = ["organization", "company", "store", "team", "tenant", "workspace", "account", "shop", "org"];
    let person_like = ["user", "author", "person", "member", "customer", "employee", "contact", "profile"];
    if n.contains("email") {
        Kind::Email
    } else if has(n, &["first_name", "given_name"]) {
        Kind::FirstName
    } else if has(n, &["last_name", "family_name", "surname"]) {
        Kind::LastName
    } else if has(n, &["display_name", "full_name", "author_name", "person_name", "contact_name"]) {
        Kind::PersonName
    } else if has(n, &["username", "login", "handle", "nickname"]) {
        Kind::Username
    } else if has(n, &["company", "company_name", "organization_name"]) {
        Kind::Company
    } else if has(n, &["slug", "subdomain"]) {
        Kind::Slug
    } else if has(n, &["sku"]) {
        Kind::Sku
    } else if n == "code" || n.ends_with("_code") && !n.contains("country") && !n.contains("currency") {
        Kind::Code
    } else if has(n, &["avatar", "avatar_url", "image", "image_url", "photo", "picture"]) {
        Kind::AvatarUrl
    } else if has(n, &["url", "website", "homepage", "link", "href", "uri"]) {
        Kind::Url
    } else if has(n, &["phone", "mobile", "phone_number", "tel"]) {
        Kind::Phone
    } else if has(n, &["ip", "ip_address", "ipv4"]) {
        Kind::Ip
    } else if has(n, &["user_agent", "ua"]) {
        Kind::UserAgent
    } else if has(n, &["mime", "mime_type", "content_type", "media_type"]) {
        Kind::Mime
    } else if has(n, &["filename", "file_name"]) {
        Kind::FileName
    } else if has(n, &["path", "file_path", "filepath"]) {
        Kind::FilePath
    } else if has(n, &["color", "colour"]) {
        Kind::Color
    } else if has(n, &["currency"]) {
        Kind::Currency
    } else if has(n, &["country", "country_code"]) {
        Kind::Country
    } else if has(n, &["city", "town"]) {
        Kind::City
    } else if has(n, &["street", "address", "address_line"]) {
        Kind::Street
    } else if has(n, &["zip", "postcode", "postal_code", "zip_code"]) {
        Kind::Zip
    } else if has(n, &["locale", "language", "lang"]) {
        Kind::Locale
    } else if has(n, &["hash", "checksum", "token", "digest", "sha"]) {
        Kind::Hex
    } else if has(n, &["title", "subject", "headline", "summary"]) {
        Kind::Title
    } else if has(n, &["description", "body", "bio", "content", "notes", "note", "text", "comment", "message"]) {
        Kind::Text
    } else if n == "name" || n.ends_with("_name") {
        if org_like.iter().any(|o| entity.contains(o)) {
            Kind::Company
        } else if person_like.iter().any(|p| entity.contains(p)) {
            Kind::PersonName
        } else if ["label", "tag", "category", "topic"].iter().any(|p| entity.contains(p)) {
            Kind::Word
        } else {
            Kind::Words
        }
    } else {
        Kind::Words
    }
}

/// Everything a value generation needs about its row.
pub(crate) struct Ctx<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub now: chrono::NaiveDateTime,
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ';
    }
    out
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A fresh value of `kind`.
pub(crate) fn generate(kind: &Kind, column: &Column, ctx: &mut Ctx<'_>) -> Value {
    let rng = &mut *ctx.rng;
    let text = |s: String| Value::Text(s);
    match kind {
        Kind::Email => text(SafeEmail().fake_with_rng::<String, _>(rng).to_ascii_lowercase()),
        Kind::PersonName => text(Name().fake_with_rng(rng)),
        Kind::FirstName => text(FirstName().fake_with_rng(rng)),
        Kind::LastName => text(LastName().fake_with_rng(rng)),
        Kind::Company => text(CompanyName().fake_with_rng(rng)),
        Kind::Username => text(Username().fake_with_rng(rng)),
        Kind::Slug => {
            let words: Vec<String> = Words(1..4).fake_with_rng(rng);
            text(slugify(&words.join(" ")))
        }
        Kind::Code => {
            let word: String = Word().fake_with_rng(rng);
            text(word.chars().filter(char::is_ascii_alphabetic).take(4).collect::<String>().to_ascii_uppercase())
        }
        Kind::Sku => text(format!("SKU-{:06}", rng.random_range(0..1_000_000u32))),
        Kind::Title => {
            let s: String = Sentence(3..8).fake_with_rng(rng);
            text(s.trim_end_matches('.').to_string())
        }
        Kind::Word => text(Word().fake_with_rng(rng)),
        Kind::Words => {
            let words: Vec<String> = Words(2..5).fake_with_rng(rng);
            text(title_case(&words.join(" ")))
        }
        Kind::Text => {
            if rng.random_bool(0.5) {
                text(Paragraph(1..4).fake_with_rng(rng))
            } else {
                text(CatchPhrase().fake_with_rng(rng))
            }
        }
        Kind::Url => {
            let w: Vec<String> = Words(1..3).fake_with_rng(rng);
            text(format!("https://{}.example.com/{}", slugify(&w[..1].join(" ")), slugify(&w.join(" "))))
        }
        Kind::AvatarUrl => text(format!("https://avatars.example.com/{:016x}.png", rng.random::<u64>())),
        Kind::Phone => text(PhoneNumber().fake_with_rng(rng)),
        Kind::Ip => text(IPv4().fake_with_rng(rng)),
        Kind::UserAgent => text(UserAgent().fake_with_rng(rng)),
        Kind::Mime => text(MimeType().fake_with_rng(rng)),
        Kind::FileName => text(FileName().fake_with_rng(rng)),
        Kind::FilePath => text(FilePath().fake_with_rng(rng)),
        Kind::Color => text(format!("#{:06x}", rng.random_range(0..0x0100_0000u32))),
        Kind::Currency => text(CurrencyCode().fake_with_rng(rng)),
        Kind::Country => text(CountryCode().fake_with_rng(rng)),
        Kind::City => text(CityName().fake_with_rng(rng)),
        Kind::Street => text(StreetName().fake_with_rng(rng)),
        Kind::Zip => text(ZipCode().fake_with_rng(rng)),
        Kind::Locale => {
            text(["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR"][rng.random_range(0..7usize)].into())
        }
        Kind::Hex => text(format!("{:032x}", rng.random::<u128>())),
        Kind::Int { lo, hi } => Value::Int(rng.random_range(*lo..=*hi)),
        Kind::Money => decimal(rng.random_range(1.0..1_000.0), column),
        Kind::Decimal { lo, hi } => decimal(rng.random_range(*lo..*hi), column),
        Kind::Float { lo, hi } => Value::Float((rng.random_range(*lo..*hi) * 100.0).round() / 100.0),
        Kind::Bool => Value::Bool(rng.random_bool(0.5)),
        Kind::Uuid => Value::Uuid(random_uuid(rng)),
        Kind::Date { back, ahead } => {
            let days = rng.random_range(-*back..=*ahead.max(&(-*back)));
            Value::Date(ctx.now.date() + Duration::days(days))
        }
        Kind::DateTime => Value::DateTime(ctx.now - Duration::seconds(rng.random_range(0..180 * 86_400))),
        Kind::Time => Value::Time(
            NaiveTime::from_num_seconds_from_midnight_opt(rng.random_range(0..86_400u32) / 60 * 60, 0)
                .unwrap_or_default(),
        ),
        Kind::Json { object } => {
            if *object {
                let mut map = serde_json::Map::new();
                for _ in 0..rng.random_range(1..4usize) {
                    let key: String = Word().fake_with_rng(rng);
                    let value = if rng.random_bool(0.5) {
                        serde_json::Value::from(rng.random_range(0..100u32))
                    } else {
                        serde_json::Value::from(Word().fake_with_rng::<String, _>(rng))
                    };
                    map.insert(key, value);
                }
                Value::Json(serde_json::Value::Object(map).to_string())
            } else {
                let words: Vec<String> = Words(1..4).fake_with_rng(rng);
                Value::Json(serde_json::json!({ "note": words.join(" ") }).to_string())
            }
        }
        Kind::Bytes { len } => Value::Bytes((0..*len).map(|_| rng.random::<u8>()).collect()),
        Kind::Tags => {
            let n = rng.random_range(0..4usize);
            let mut words: Vec<String> = (0..n).map(|_| Word().fake_with_rng(rng)).collect();
            words.sort();
            words.dedup();
            Value::TextArray(words)
        }
    }
}

/// A version-4 UUID from the RNG.
pub(crate) fn random_uuid(rng: &mut ChaCha8Rng) -> u128 {
    let raw: u128 = rng.random();
    (raw & !(0xf000u128 << 64) & !(0xc000_0000_0000_0000u128)) | (0x4000u128 << 64) | 0x8000_0000_0000_0000u128
}

/// A decimal with the column's scale (2 when it has none) and within its
/// precision.
pub(crate) fn decimal(value: f64, column: &Column) -> Value {
    let scale = column.scale.unwrap_or(2).min(12) as i32;
    let mut v = value;
    if let Some(p) = column.precision {
        let max = 10f64.powi(p as i32 - scale) - 10f64.powi(-scale);
        v = v.clamp(-max, max);
    }
    Value::Decimal(format!("{v:.prec$}", prec = scale as usize))
}

/// The numeric value of a number-like value, for range rules.
fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Decimal(d) => d.parse().ok(),
        _ => None,
    }
}

/// Bends a generated value to the rules: ranges, case, prefix, lengths.
/// `cap` is the column's character limit (max_len, or 255 for keyed text).
pub(crate) fn conform(value: Value, column: &Column, rules: &Rules, cap: Option<usize>, rng: &mut ChaCha8Rng) -> Value {
    if let (Some(n), true) = (as_f64(&value), rules.min.is_some() || rules.max.is_some()) {
        let step = match value {
            Value::Int(_) => 1.0,
            Value::Decimal(_) => 10f64.powi(-(column.scale.unwrap_or(2) as i32)),
            _ => 0.01,
        };
        let lo = rules.min.map(|(b, strict)| if strict { b + step } else { b });
        let hi = rules.max.map(|(b, strict)| if strict { b - step } else { b });
        let ok = lo.is_none_or(|l| n >= l) && hi.is_none_or(|h| n <= h);
        if !ok {
            let l = lo.unwrap_or_else(|| hi.unwrap_or(0.0) - 1_000.0);
            let h = hi.unwrap_or(l + 1_000.0).max(l);
            let x = if h > l { rng.random_range(l..=h) } else { l };
            return match value {
                Value::Int(_) => Value::Int(x.round().clamp(l.ceil(), h.floor()) as i64),
                Value::Decimal(_) => {
                    let v = decimal(x, column);
                    match v {
                        Value::Decimal(ref d) if d.parse::<f64>().is_ok_and(|p| p < l) => decimal(l, column),
                        other => other,
                    }
                }
                _ => Value::Float(((x * 100.0).round() / 100.0).clamp(l, h)),
            };
        }
        return value;
    }
    let Value::Text(mut s) = value else { return value };
    if let Some(prefix) = &rules.prefix
        && !s.starts_with(prefix.as_str())
    {
        s = format!("{prefix}{s}");
    }
    if rules.lower {
        s = s.to_lowercase();
    }
    if rules.upper {
        s = s.to_uppercase();
    }
    let max = match (cap, rules.max_len) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(max) = max {
        s = truncate(&s, max).trim_end().to_string();
    }
    let min = rules.min_len.unwrap_or(0).max(usize::from(rules.non_empty));
    while s.chars().count() < min {
        s.push(if rules.upper { 'X' } else { 'x' });
    }
    Value::Text(s)
}

/// At most `max` characters, cut on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A date in the past `days` days before `now`.
pub(crate) fn days_before(now: chrono::NaiveDateTime, rng: &mut ChaCha8Rng, days: i64) -> chrono::NaiveDateTime {
    now - Duration::seconds(rng.random_range(0..days.max(1) * 86_400))
}
