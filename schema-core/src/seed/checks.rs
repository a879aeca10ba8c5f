//! The CHECK forms the seed generator understands, turned into per-column
//! rules. A check it cannot read is an error unless every column it names has
//! a `#[seed(...)]` override (then the user vouches for the values).

use std::collections::BTreeMap;

use crate::model::{Check, Entity};

/// What the checks of an entity require of one column.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rules {
    pub lower: bool,
    pub upper: bool,
    pub non_empty: bool,
    pub not_null: bool,
    pub prefix: Option<String>,
    pub min_len: Option<usize>,
    pub max_len: Option<usize>,
    /// (bound, strict): `x > 0` is `(0, true)`.
    pub min: Option<(f64, bool)>,
    pub max: Option<(f64, bool)>,
    pub one_of: Option<Vec<Lit>>,
}

/// A literal of an `IN (...)` list.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Num(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Str(String),
    Op(String),
}

fn tokenize(expr: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c == '"' || c == '`' {
            let end = chars[i + 1..].iter().position(|&x| x == c)? + i + 1;
            out.push(Tok::Ident(chars[i + 1..end].iter().collect()));
            i = end + 1;
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return None,
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        s.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "<>", "!="].contains(&two.as_str()) {
                out.push(Tok::Op(two));
                i += 2;
            } else {
                out.push(Tok::Op(c.to_string()));
                i += 1;
            }
        }
    }
    Some(out)
}

fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
}

/// Splits a token list on top-level `AND`, dropping one pair of outer parens.
fn conjuncts(tokens: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Tok::Op(o) if o == "(" => depth += 1,
            Tok::Op(o) if o == ")" => depth -= 1,
            _ if depth == 0 && is_kw(t, "and") => {
                out.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&tokens[start..]);
    out.into_iter()
        .map(|c| {
            let wrapped = c.len() >= 2
                && c.first() == Some(&Tok::Op("(".into()))
                && c.last() == Some(&Tok::Op(")".into()))
                && conjuncts_balanced(&c[1..c.len() - 1]);
            if wrapped { &c[1..c.len() - 1] } else { c }
        })
        .collect()
}

fn conjuncts_balanced(tokens: &[Tok]) -> bool {
    let mut depth = 0i32;
    for t in tokens {
        match t {
            Tok::Op(o) if o == "(" => depth += 1,
            Tok::Op(o) if o == ")" => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Reads one conjunct into `rules`; false when the form is unknown.
fn apply(part: &[Tok], entity: &Entity, rules: &mut BTreeMap<String, Rules>) -> bool {
    let col = |t: &Tok| match t {
        Tok::Ident(s) if entity.column(s).is_some() => Some(s.clone()),
        _ => None,
    };
    let num = |t: &Tok| match t {
        Tok::Num(n) => n.parse::<f64>().ok(),
        _ => None,
    };
    fn op(t: &Tok) -> Option<&str> {
        match t {
            Tok::Op(o) => Some(o.as_str()),
            _ => None,
        }
    }
    match part {
        // x >= 0, x > 0, x <= 10, x < 10
        [a, o, b] if col(a).is_some() && num(b).is_some() => {
            let (c, n) = (col(a).unwrap_or_default(), num(b).unwrap_or_default());
            let r = rules.entry(c).or_default();
            match op(o) {
                Some(">=") => r.min = Some((n, false)),
                Some(">") => r.min = Some((n, true)),
                Some("<=") => r.max = Some((n, false)),
                Some("<") => r.max = Some((n, true)),
                _ => return false,
            }
            true
        }
        // x <> '', x != ''
        [a, o, Tok::Str(s)] if col(a).is_some() && s.is_empty() && matches!(op(o), Some("<>" | "!=")) => {
            rules.entry(col(a).unwrap_or_default()).or_default().non_empty = true;
            true
        }
        // x = lower(x), x = upper(x)
        [a, Tok::Op(eq), Tok::Ident(f), Tok::Op(l), b, Tok::Op(r)]
            if eq == "=" && l == "(" && r == ")" && col(a).is_some() && col(a) == col(b) =>
        {
            let entry = rules.entry(col(a).unwrap_or_default()).or_default();
            match f.to_ascii_lowercase().as_str() {
                "lower" => entry.lower = true,
                "upper" => entry.upper = true,
                _ => return false,
            }
            true
        }
        // length(x) <= N
        [Tok::Ident(f), Tok::Op(l), a, Tok::Op(r), o, b]
            if l == "(" && r == ")" && col(a).is_some() && num(b).is_some() =>
        {
            if !["length", "char_length", "character_length"].contains(&f.to_ascii_lowercase().as_str()) {
                return false;
            }
            let n = num(b).unwrap_or_default().max(0.0) as usize;
            let entry = rules.entry(col(a).unwrap_or_default()).or_default();
            match op(o) {
                Some("<=") => entry.max_len = Some(n),
                Some("<") => entry.max_len = Some(n.saturating_sub(1)),
                Some(">=") => entry.min_len = Some(n),
                Some(">") => entry.min_len = Some(n + 1),
                Some("=") => {
                    entry.min_len = Some(n);
                    entry.max_len = Some(n);
                }
                _ => return false,
            }
            true
        }
        // x LIKE 'abc%'
        [a, like, Tok::Str(p)] if col(a).is_some() && is_kw(like, "like") => {
            let Some(prefix) = p.strip_suffix('%') else { return false };
            if prefix.contains(['%', '_']) {
                return false;
            }
            rules.entry(col(a).unwrap_or_default()).or_default().prefix = Some(prefix.to_string());
            true
        }
        // x IS NOT NULL
        [a, is, not, null] if col(a).is_some() && is_kw(is, "is") && is_kw(not, "not") && is_kw(null, "null") => {
            rules.entry(col(a).unwrap_or_default()).or_default().not_null = true;
            true
        }
        // x IN ('a', 'b')
        [a, inn, Tok::Op(l), rest @ ..] if col(a).is_some() && is_kw(inn, "in") && l == "(" => {
            let Some((Tok::Op(r), items)) = rest.split_last() else { return false };
            if r != ")" {
                return false;
            }
            let mut lits = Vec::new();
            for (i, t) in items.iter().enumerate() {
                match (i % 2, t) {
                    (0, Tok::Str(s)) => lits.push(Lit::Str(s.clone())),
                    (0, Tok::Num(n)) => lits.push(Lit::Num(n.clone())),
                    (1, Tok::Op(c)) if c == "," => {}
                    _ => return false,
                }
            }
            if lits.is_empty() {
                return false;
            }
            rules.entry(col(a).unwrap_or_default()).or_default().one_of = Some(lits);
            true
        }
        _ => false,
    }
}

/// The columns a check expression names (identifiers that are columns).
pub(crate) fn columns_named(check: &Check, entity: &Entity) -> Vec<String> {
    let mut out: Vec<String> = tokenize(&check.expr)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Tok::Ident(s) if entity.column(&s).is_some() => Some(s),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The rules every check of `entity` sets, per column, and the checks that
/// could not be read.
pub(crate) fn rules(entity: &Entity) -> (BTreeMap<String, Rules>, Vec<&Check>) {
    let mut rules = BTreeMap::new();
    let mut unknown = Vec::new();
    for check in &entity.checks {
        let Some(tokens) = tokenize(&check.expr) else {
            unknown.push(check);
            continue;
        };
        let mut ok = !tokens.is_empty();
        for part in conjuncts(&tokens) {
            ok &= apply(part, entity, &mut rules);
        }
        if !ok {
            unknown.push(check);
        }
    }
    (rules, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(checks: &[&str]) -> Entity {
        let cols: Vec<serde_json::Value> = ["slug", "code", "price", "qty", "color", "kind", "name"]
            .iter()
            .map(|c| serde_json::json!({"name": c, "field": c, "type": {"kind": "string"}, "nullable": false}))
            .collect();
        let checks: Vec<serde_json::Value> =
            checks.iter().enumerate().map(|(i, e)| serde_json::json!({"name": format!("ck_{i}"), "expr": e})).collect();
        serde_json::from_value(serde_json::json!({
            "name": "T", "table": "ts", "columns": cols, "checks": checks,
            "primary_key": {"name": "pk", "columns": ["slug"]}, "traits": {},
        }))
        .expect("valid entity")
    }

    #[test]
    fn reads_the_simple_forms() {
        let e = entity(&[
            "slug = lower(slug)",
            "code = upper(code) AND length(code) <= 5",
            "price >= 0",
            "qty > 0",
            "color LIKE '#%'",
            "kind IN ('a', 'b''c')",
            "(name <> '')",
        ]);
        let (r, unknown) = rules(&e);
        assert!(unknown.is_empty(), "{unknown:?}");
        assert!(r["slug"].lower);
        assert!(r["code"].upper && r["code"].max_len == Some(5));
        assert_eq!(r["price"].min, Some((0.0, false)));
        assert_eq!(r["qty"].min, Some((0.0, true)));
        assert_eq!(r["color"].prefix.as_deref(), Some("#"));
        assert_eq!(r["kind"].one_of, Some(vec![Lit::Str("a".into()), Lit::Str("b'c".into())]));
        assert!(r["name"].non_empty);
    }

    #[test]
    fn unknown_forms_are_reported() {
        let e = entity(&["price * qty < 1000", "slug ~ '^[a-z]+$'", "qty > 0 OR price > 0"]);
        let (_, unknown) = rules(&e);
        assert_eq!(unknown.len(), 3);
        assert_eq!(columns_named(unknown[0], &e), ["price", "qty"]);
    }
}
