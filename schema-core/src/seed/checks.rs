//! The checks of an entity, parsed ([`crate::fragment`]) and used twice:
//!
//! - **Ranges and sets derived from the tree** steer the values drawn for a
//!   column ([`Rules`]): `x >= N`, `x BETWEEN a AND b`, `x IN (...)`,
//!   `length(x) BETWEEN a AND b`, `x = lower(x)`, `x LIKE 'prefix%'`,
//!   `x <> ''`, `x IS NOT NULL`, and an `OR` of such forms over one column
//!   (one alternative is drawn per row).
//! - **Every check is evaluated on each candidate row** ([`Check::holds`]):
//!   comparisons, `BETWEEN`, `IN`, `NOT`, `AND`, `OR`, `IS [NOT] NULL`,
//!   `[NOT] LIKE`, `length`, `lower`, `upper`, `abs`, `trim`, `coalesce`,
//!   arithmetic and `||`, with SQL's three-valued logic (a check passes
//!   unless it is false). A row that fails is redrawn (generate and test).
//!
//! A check using anything else cannot be evaluated ([`compile`] says which
//! part): its table is left out of the seed unless every column it names
//! has a `#[seed(...)]` override (then the user vouches for the values).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, UnaryOperator, Value as SqlValue,
};

use super::Value;
use crate::fragment;
use crate::model::Entity;

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
    /// `x < 10 OR x > 90`: each row draws one alternative (merged over the
    /// rules above).
    pub any_of: Vec<Rules>,
}

impl Rules {
    /// `self` with the bounds `other` sets.
    pub fn merged(&self, other: &Rules) -> Rules {
        Rules {
            lower: self.lower || other.lower,
            upper: self.upper || other.upper,
            non_empty: self.non_empty || other.non_empty,
            not_null: self.not_null || other.not_null,
            prefix: other.prefix.clone().or_else(|| self.prefix.clone()),
            min_len: other.min_len.or(self.min_len),
            max_len: other.max_len.or(self.max_len),
            min: other.min.or(self.min),
            max: other.max.or(self.max),
            one_of: other.one_of.clone().or_else(|| self.one_of.clone()),
            any_of: Vec::new(),
        }
    }
}

/// A literal of an `IN (...)` list.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Num(String),
}

/// A check the generator evaluates on every row.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    expr: Expr,
    /// The columns it names (real ones, deduplicated).
    pub columns: Vec<String>,
}

/// A check that cannot be evaluated: the part that stops it.
#[derive(Clone, Debug)]
pub(crate) struct Unevaluable<'e> {
    pub check: &'e crate::model::Check,
    pub why: String,
    /// The columns it names.
    pub columns: Vec<String>,
}

/// The rules every check of `entity` sets per column, the checks to
/// evaluate on rows, and those that cannot be evaluated.
pub(crate) fn rules(entity: &Entity) -> (BTreeMap<String, Rules>, Vec<Check>, Vec<Unevaluable<'_>>) {
    let mut rules: BTreeMap<String, Rules> = BTreeMap::new();
    let mut checks = Vec::new();
    let mut unevaluable = Vec::new();
    for check in &entity.checks {
        let parsed = fragment::parse_expr(&check.expr);
        let mut columns: Vec<String> = match &parsed {
            Ok(expr) => fragment::column_references(expr, &entity.table)
                .into_iter()
                .filter(|c| entity.column(c).is_some())
                .collect(),
            Err(_) => Vec::new(),
        };
        columns.sort();
        columns.dedup();
        let expr = match parsed.map_err(|e| format!("it is not a SQL expression ({e})")).and_then(|expr| {
            compile(&expr, entity)?;
            Ok(expr)
        }) {
            Ok(expr) => expr,
            Err(why) => {
                unevaluable.push(Unevaluable { check, why, columns });
                continue;
            }
        };
        for part in conjuncts(&expr) {
            if let Some((column, r)) = derive(part, entity) {
                let entry = rules.entry(column).or_default();
                *entry =
                    if r.any_of.is_empty() { entry.merged(&r) } else { Rules { any_of: r.any_of, ..entry.clone() } };
            }
        }
        checks.push(Check { expr, columns });
    }
    (rules, checks, unevaluable)
}

/// `Ok` when every part of `expr` can be evaluated, else the first part
/// that cannot, quoted.
pub(crate) fn compile(expr: &Expr, entity: &Entity) -> Result<(), String> {
    let no = |e: &Expr| Err(format!("it uses `{e}`"));
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => match column_of(expr, entity) {
            Some(_) => Ok(()),
            None => no(expr),
        },
        Expr::Value(v) => match &v.value {
            SqlValue::Number(..) | SqlValue::SingleQuotedString(_) | SqlValue::Boolean(_) | SqlValue::Null => Ok(()),
            _ => no(expr),
        },
        Expr::Nested(e) | Expr::IsNull(e) | Expr::IsNotNull(e) => compile(e, entity),
        Expr::IsTrue(e) | Expr::IsFalse(e) | Expr::IsNotTrue(e) | Expr::IsNotFalse(e) => compile(e, entity),
        Expr::UnaryOp { op: UnaryOperator::Not | UnaryOperator::Minus | UnaryOperator::Plus, expr: e } => {
            compile(e, entity)
        }
        Expr::BinaryOp { left, op, right } => {
            use BinaryOperator as B;
            match op {
                B::Eq
                | B::NotEq
                | B::Lt
                | B::LtEq
                | B::Gt
                | B::GtEq
                | B::And
                | B::Or
                | B::Plus
                | B::Minus
                | B::Multiply
                | B::Divide
                | B::Modulo
                | B::StringConcat => {
                    compile(left, entity)?;
                    compile(right, entity)
                }
                _ => no(expr),
            }
        }
        Expr::Between { expr: e, low, high, .. } => {
            compile(e, entity)?;
            compile(low, entity)?;
            compile(high, entity)
        }
        Expr::In { expr: e, target: InTarget::List(list), global: false, .. } => {
            compile(e, entity)?;
            list.iter().try_for_each(|x| compile(x, entity))
        }
        Expr::Like { expr: e, pattern, escape_char: None, any: false, .. }
        | Expr::ILike { expr: e, pattern, escape_char: None, any: false, .. } => {
            compile(e, entity)?;
            compile(pattern, entity)
        }
        Expr::Function(_) => match function(expr) {
            Some((name, args)) if known_function(&name, args.len()) => args.iter().try_for_each(|a| compile(a, entity)),
            _ => no(expr),
        },
        _ => no(expr),
    }
}

fn known_function(name: &str, arity: usize) -> bool {
    match name {
        "length" | "char_length" | "character_length" | "lower" | "upper" | "abs" | "trim" => arity == 1,
        "coalesce" => arity >= 1,
        _ => false,
    }
}

/// A plain function call: its lowercase name and positional arguments.
fn function(expr: &Expr) -> Option<(String, Vec<&Expr>)> {
    let Expr::Function(f) = expr else { return None };
    if f.filter.is_some() || f.over.is_some() || !f.within_group.is_empty() {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else { return None };
    if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
        return None;
    }
    let args = list
        .args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some((f.name.to_string().to_lowercase(), args))
}

/// The column an identifier names, if it is one of `entity`'s.
fn column_of(expr: &Expr, entity: &Entity) -> Option<String> {
    let name = match expr {
        Expr::Identifier(i) => fragment::column_name(i),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [t, c] if fragment::column_name(t) == entity.table => fragment::column_name(c),
            _ => return None,
        },
        _ => return None,
    };
    entity.column(&name).map(|c| c.name.clone())
}

/// The top-level `AND`s of an expression, parentheses removed.
fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::Nested(e) => conjuncts(e),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            let mut out = conjuncts(left);
            out.extend(conjuncts(right));
            out
        }
        other => vec![other],
    }
}

fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => number(expr).map(|n| -n),
        Expr::Nested(e) => number(e),
        _ => None,
    }
}

fn string(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// `length(x)`: the column `x`.
fn length_of(expr: &Expr, entity: &Entity) -> Option<String> {
    match function(expr) {
        Some((name, args)) if matches!(name.as_str(), "length" | "char_length" | "character_length") => {
            match args.as_slice() {
                [arg] => column_of(arg, entity),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The rules one conjunct sets on one column, when it has a form the
/// generator can aim at (otherwise evaluation alone decides).
fn derive(expr: &Expr, entity: &Entity) -> Option<(String, Rules)> {
    let mut r = Rules::default();
    let column = match expr {
        Expr::Nested(e) => return derive(e, entity),
        Expr::BinaryOp { left, op, right } => {
            use BinaryOperator as B;
            if *op == B::Or {
                let (a, ra) = derive(left, entity)?;
                let (b, rb) = derive(right, entity)?;
                if a != b {
                    return None;
                }
                let mut any_of = if ra.any_of.is_empty() { vec![ra] } else { ra.any_of };
                any_of.extend(if rb.any_of.is_empty() { vec![rb] } else { rb.any_of });
                return Some((a, Rules { any_of, ..Rules::default() }));
            }
            // Column (or its length) on the left, a number on the right; flipped otherwise.
            let flip = |op: &B| match op {
                B::Lt => B::Gt,
                B::LtEq => B::GtEq,
                B::Gt => B::Lt,
                B::GtEq => B::LtEq,
                other => other.clone(),
            };
            let (subject, op, n) = match (number(left), number(right)) {
                (None, Some(n)) => (left.as_ref(), op.clone(), n),
                (Some(n), None) => (right.as_ref(), flip(op), n),
                _ => {
                    // x = lower(x), x = upper(x), x <> ''
                    let column = column_of(left, entity)?;
                    if let Some((f, args)) = function(right)
                        && *op == B::Eq
                        && args.len() == 1
                        && column_of(args[0], entity).as_ref() == Some(&column)
                    {
                        match f.as_str() {
                            "lower" => r.lower = true,
                            "upper" => r.upper = true,
                            _ => return None,
                        }
                    } else if matches!(op, B::NotEq) && string(right) == Some("") {
                        r.non_empty = true;
                    } else {
                        return None;
                    }
                    return Some((column, r));
                }
            };
            if let Some(column) = length_of(subject, entity) {
                let n = n.max(0.0) as usize;
                match op {
                    B::LtEq => r.max_len = Some(n),
                    B::Lt => r.max_len = Some(n.saturating_sub(1)),
                    B::GtEq => r.min_len = Some(n),
                    B::Gt => r.min_len = Some(n + 1),
                    B::Eq => (r.min_len, r.max_len) = (Some(n), Some(n)),
                    _ => return None,
                }
                column
            } else {
                let column = column_of(subject, entity)?;
                match op {
                    B::GtEq => r.min = Some((n, false)),
                    B::Gt => r.min = Some((n, true)),
                    B::LtEq => r.max = Some((n, false)),
                    B::Lt => r.max = Some((n, true)),
                    B::Eq => (r.min, r.max) = (Some((n, false)), Some((n, false))),
                    _ => return None,
                }
                column
            }
        }
        Expr::Between { expr: subject, negated: false, low, high } => {
            let (lo, hi) = (number(low)?, number(high)?);
            if let Some(column) = length_of(subject, entity) {
                (r.min_len, r.max_len) = (Some(lo.max(0.0).ceil() as usize), Some(hi.max(0.0) as usize));
                column
            } else {
                (r.min, r.max) = (Some((lo, false)), Some((hi, false)));
                column_of(subject, entity)?
            }
        }
        Expr::In { expr: subject, target: InTarget::List(list), negated: false, global: false } => {
            let lits = list
                .iter()
                .map(|e| match (string(e), number(e)) {
                    (Some(s), _) => Some(Lit::Str(s.to_string())),
                    (None, Some(_)) => Some(Lit::Num(e.to_string())),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            if lits.is_empty() {
                return None;
            }
            r.one_of = Some(lits);
            column_of(subject, entity)?
        }
        Expr::Like { negated: false, expr: subject, pattern, .. } => {
            let prefix = string(pattern)?.strip_suffix('%')?;
            if prefix.contains(['%', '_']) {
                return None;
            }
            r.prefix = Some(prefix.to_string());
            column_of(subject, entity)?
        }
        Expr::IsNotNull(subject) => {
            r.not_null = true;
            column_of(subject, entity)?
        }
        _ => return None,
    };
    Some((column, r))
}

// ---- evaluation -----------------------------------------------------------------

/// A SQL value during evaluation.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Num(f64),
    Text(String),
    Date(NaiveDate),
    Time(NaiveDateTime),
}

impl V {
    fn of(value: &Value) -> V {
        match value {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Int(i) => V::Num(*i as f64),
            Value::Float(f) => V::Num(*f),
            Value::Decimal(d) => d.parse().map_or(V::Null, V::Num),
            Value::Text(s) | Value::Json(s) => V::Text(s.clone()),
            Value::Uuid(u) => V::Text(super::render::uuid_text(*u)),
            Value::Date(d) => V::Date(*d),
            Value::DateTime(t) => V::Time(*t),
            Value::Time(t) => V::Text(t.format("%H:%M:%S").to_string()),
            Value::Bytes(_) | Value::TextArray(_) => V::Null,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            V::Null => None,
            V::Bool(b) => Some(b.to_string()),
            V::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            V::Num(n) => Some(n.to_string()),
            V::Text(s) => Some(s.clone()),
            V::Date(d) => Some(d.to_string()),
            V::Time(t) => Some(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        }
    }

    fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Bool(b) => Some(f64::from(u8::from(*b))),
            V::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn time(&self) -> Option<NaiveDateTime> {
        match self {
            V::Time(t) => Some(*t),
            V::Date(d) => d.and_hms_opt(0, 0, 0),
            V::Text(s) => {
                let s = s.trim().trim_end_matches("+00").trim_end_matches('Z');
                ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                    .iter()
                    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                    .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
            }
            _ => None,
        }
    }

    fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Num(n) => Some(*n != 0.0),
            _ => None,
        }
    }
}

/// SQL comparison: numbers with numbers, times with times (text read as a
/// time), text with text. `None` when either side is NULL or they do not
/// compare (which rejects the row: better no row than one the database
/// refuses).
fn compare(a: &V, b: &V) -> Result<Option<Ordering>, ()> {
    if *a == V::Null || *b == V::Null {
        return Ok(None);
    }
    let ordering = match (a, b) {
        (V::Time(_) | V::Date(_), _) | (_, V::Time(_) | V::Date(_)) => a.time().zip(b.time()).map(|(x, y)| x.cmp(&y)),
        (V::Num(_) | V::Bool(_), _) | (_, V::Num(_) | V::Bool(_)) => {
            a.num().zip(b.num()).and_then(|(x, y)| x.partial_cmp(&y))
        }
        _ => a.text().zip(b.text()).map(|(x, y)| x.cmp(&y)),
    };
    ordering.map(Some).ok_or(())
}

/// `LIKE`: `%` any run, `_` one character.
fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // Dynamic programming over (text position, pattern position).
    let mut row = vec![false; t.len() + 1];
    row[0] = true;
    for pc in &p {
        let mut next = vec![false; t.len() + 1];
        if *pc == '%' {
            let mut seen = false;
            for i in 0..=t.len() {
                seen |= row[i];
                next[i] = seen;
            }
        } else {
            for i in 1..=t.len() {
                next[i] = row[i - 1] && (*pc == '_' || *pc == t[i - 1]);
            }
        }
        row = next;
    }
    row[t.len()]
}

fn eval(expr: &Expr, row: &dyn Fn(&str) -> Option<V>, entity: &Entity) -> Result<V, ()> {
    let ev = |e: &Expr| eval(e, row, entity);
    let boolean = |b: Option<bool>| b.map_or(V::Null, V::Bool);
    Ok(match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => row(&column_of(expr, entity).ok_or(())?).ok_or(())?,
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => V::Num(n.parse().map_err(|_| ())?),
            SqlValue::SingleQuotedString(s) => V::Text(s.clone()),
            SqlValue::Boolean(b) => V::Bool(*b),
            SqlValue::Null => V::Null,
            _ => return Err(()),
        },
        Expr::Nested(e) => ev(e)?,
        Expr::IsNull(e) => V::Bool(ev(e)? == V::Null),
        Expr::IsNotNull(e) => V::Bool(ev(e)? != V::Null),
        Expr::IsTrue(e) => V::Bool(ev(e)?.truth() == Some(true)),
        Expr::IsNotTrue(e) => V::Bool(ev(e)?.truth() != Some(true)),
        Expr::IsFalse(e) => V::Bool(ev(e)?.truth() == Some(false)),
        Expr::IsNotFalse(e) => V::Bool(ev(e)?.truth() != Some(false)),
        Expr::UnaryOp { op, expr: e } => {
            let v = ev(e)?;
            match (op, &v) {
                (_, V::Null) => V::Null,
                (UnaryOperator::Not, _) => boolean(v.truth().map(|b| !b)),
                (UnaryOperator::Minus, _) => V::Num(-v.num().ok_or(())?),
                (UnaryOperator::Plus, _) => V::Num(v.num().ok_or(())?),
                _ => return Err(()),
            }
        }
        Expr::BinaryOp { left, op, right } => {
            use BinaryOperator as B;
            let (a, b) = (ev(left)?, ev(right)?);
            match op {
                B::And => match (a.truth(), b.truth()) {
                    (Some(false), _) | (_, Some(false)) => V::Bool(false),
                    (Some(true), Some(true)) => V::Bool(true),
                    _ => V::Null,
                },
                B::Or => match (a.truth(), b.truth()) {
                    (Some(true), _) | (_, Some(true)) => V::Bool(true),
                    (Some(false), Some(false)) => V::Bool(false),
                    _ => V::Null,
                },
                B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq => {
                    let ordering = compare(&a, &b)?;
                    boolean(ordering.map(|o| match op {
                        B::Eq => o == Ordering::Equal,
                        B::NotEq => o != Ordering::Equal,
                        B::Lt => o == Ordering::Less,
                        B::LtEq => o != Ordering::Greater,
                        B::Gt => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    }))
                }
                _ if a == V::Null || b == V::Null => V::Null,
                B::StringConcat => V::Text(a.text().ok_or(())? + &b.text().ok_or(())?),
                _ => {
                    let (x, y) = (a.num().ok_or(())?, b.num().ok_or(())?);
                    match op {
                        B::Plus => V::Num(x + y),
                        B::Minus => V::Num(x - y),
                        B::Multiply => V::Num(x * y),
                        B::Divide if y == 0.0 => return Err(()),
                        // Integer division where both sides are whole, as the databases do.
                        B::Divide if x.fract() == 0.0 && y.fract() == 0.0 => V::Num((x / y).trunc()),
                        B::Divide => V::Num(x / y),
                        B::Modulo if y == 0.0 => return Err(()),
                        B::Modulo => V::Num(x % y),
                        _ => return Err(()),
                    }
                }
            }
        }
        Expr::Between { expr: e, negated, low, high } => {
            let v = ev(e)?;
            let lo = compare(&v, &ev(low)?)?.map(|o| o != Ordering::Less);
            let hi = compare(&v, &ev(high)?)?.map(|o| o != Ordering::Greater);
            let inside = match (lo, hi) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            boolean(inside.map(|b| b != *negated))
        }
        Expr::In { expr: e, target: InTarget::List(list), negated, global: false } => {
            let v = ev(e)?;
            let mut found = Some(false);
            for item in list {
                match compare(&v, &ev(item)?)? {
                    Some(Ordering::Equal) => {
                        found = Some(true);
                        break;
                    }
                    None => found = None,
                    Some(_) => {}
                }
            }
            boolean(found.map(|b| b != *negated))
        }
        Expr::Like { negated, expr: e, pattern, .. } | Expr::ILike { negated, expr: e, pattern, .. } => {
            let (v, p) = (ev(e)?, ev(pattern)?);
            let (Some(v), Some(p)) = (v.text(), p.text()) else { return Ok(V::Null) };
            // LIKE is case-sensitive on PostgreSQL and SQLite's ASCII is not,
            // MySQL's collations never are: a match must hold both ways, a
            // NOT LIKE must not match either way.
            let insensitive = like(&v.to_lowercase(), &p.to_lowercase());
            let sensitive = like(&v, &p);
            let case_blind = matches!(expr, Expr::ILike { .. });
            V::Bool(if *negated {
                !insensitive
            } else if case_blind {
                insensitive
            } else {
                sensitive
            })
        }
        Expr::Function(_) => {
            let (name, args) = function(expr).ok_or(())?;
            let values = args.iter().map(|a| ev(a)).collect::<Result<Vec<_>, _>>()?;
            if name == "coalesce" {
                return Ok(values.into_iter().find(|v| *v != V::Null).unwrap_or(V::Null));
            }
            let [v] = values.as_slice() else { return Err(()) };
            if *v == V::Null {
                return Ok(V::Null);
            }
            match name.as_str() {
                "length" | "char_length" | "character_length" => V::Num(v.text().ok_or(())?.chars().count() as f64),
                "lower" => V::Text(v.text().ok_or(())?.to_lowercase()),
                "upper" => V::Text(v.text().ok_or(())?.to_uppercase()),
                "trim" => V::Text(v.text().ok_or(())?.trim().to_string()),
                "abs" => V::Num(v.num().ok_or(())?.abs()),
                _ => return Err(()),
            }
        }
        _ => return Err(()),
    })
}

impl Check {
    /// Whether a row passes: the check is not false (NULL passes, as in
    /// SQL). `value` gives a column's value by name. A value the evaluator
    /// cannot compare fails the row.
    pub fn holds<'v>(&self, entity: &Entity, value: &dyn Fn(&str) -> Option<&'v Value>) -> bool {
        let row = |c: &str| value(c).map(V::of);
        match eval(&self.expr, &row, entity) {
            Ok(v) => v.truth() != Some(false) && !matches!(v, V::Text(_) | V::Date(_) | V::Time(_)),
            Err(()) => false,
        }
    }
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
    fn rules_come_from_the_tree() {
        let e = entity(&[
            "slug = lower(slug)",
            "code = upper(code) AND length(code) <= 5",
            "price >= 0",
            "0 < qty",
            "color LIKE '#%'",
            "kind IN ('a', 'b''c')",
            "(name <> '') AND length(name) BETWEEN 2 AND 9",
        ]);
        let (r, checks, unevaluable) = rules(&e);
        assert!(unevaluable.is_empty(), "{unevaluable:?}");
        assert_eq!(checks.len(), 7);
        assert!(r["slug"].lower);
        assert!(r["code"].upper && r["code"].max_len == Some(5));
        assert_eq!(r["price"].min, Some((0.0, false)));
        assert_eq!(r["qty"].min, Some((0.0, true)));
        assert_eq!(r["color"].prefix.as_deref(), Some("#"));
        assert_eq!(r["kind"].one_of, Some(vec![Lit::Str("a".into()), Lit::Str("b'c".into())]));
        assert!(r["name"].non_empty && r["name"].min_len == Some(2) && r["name"].max_len == Some(9));
    }

    #[test]
    fn an_or_of_ranges_over_one_column_is_alternatives() {
        let e = entity(&["price BETWEEN 1 AND 5 OR price > 90 OR price = 50"]);
        let (r, _, _) = rules(&e);
        let any: Vec<_> = r["price"].any_of.iter().map(|a| (a.min, a.max)).collect();
        assert_eq!(
            any,
            [
                (Some((1.0, false)), Some((5.0, false))),
                (Some((90.0, true)), None),
                (Some((50.0, false)), Some((50.0, false)))
            ]
        );
    }

    fn holds(check: &str, row: &[(&str, Value)]) -> bool {
        let e = entity(&[check]);
        let (_, checks, unevaluable) = rules(&e);
        assert!(unevaluable.is_empty(), "{check}: {unevaluable:?}");
        checks[0].holds(&e, &|c| row.iter().find(|(n, _)| *n == c).map(|(_, v)| v))
    }

    #[test]
    fn evaluation_follows_sql() {
        let t = |s: &str| Value::Text(s.to_string());
        let n = Value::Int;
        assert!(holds("qty BETWEEN 1 AND 5", &[("qty", n(5))]));
        assert!(!holds("qty BETWEEN 1 AND 5", &[("qty", n(6))]));
        assert!(holds("qty NOT IN (1, 2) AND NOT qty = 4", &[("qty", n(3))]));
        assert!(!holds("qty < 2 OR qty > 8", &[("qty", n(5))]));
        assert!(holds("qty * 2 + 1 = 11 AND qty % 3 = 2 AND qty / 2 = 2", &[("qty", n(5))]));
        assert!(holds("length(name) BETWEEN 2 AND 3 AND upper(name) = 'ÉTÉ'", &[("name", t("été"))]));
        assert!(holds("name LIKE 'a_c%' AND name NOT LIKE '%Z%'", &[("name", t("abcd"))]));
        assert!(!holds("name NOT LIKE '%Z%'", &[("name", t("xzy"))]), "NOT LIKE must hold on MySQL too");
        assert!(holds("slug IS NULL OR length(slug) > 2", &[("slug", Value::Null)]));
        // NULL is not false: the check passes, as in SQL.
        assert!(holds("qty > 0", &[("qty", Value::Null)]));
        assert!(!holds("coalesce(qty, 0) > 0", &[("qty", Value::Null)]));
        let day = |d: u32| Value::DateTime(NaiveDate::from_ymd_opt(2024, 1, d).unwrap().and_hms_opt(9, 0, 0).unwrap());
        assert!(holds("code > slug", &[("code", day(2)), ("slug", day(1))]));
        assert!(!holds("code > slug", &[("code", day(1)), ("slug", day(2))]));
        assert!(holds("code >= '2024-01-01'", &[("code", day(1))]));
        assert!(holds("price >= 0.5", &[("price", Value::Decimal("0.50".into()))]));
    }

    #[test]
    fn what_cannot_be_evaluated_is_named() {
        let e = entity(&["slug ~ '^[a-z]+$'", "price > (SELECT 1)", "md5(name) <> ''", "qty >", "price > 0"]);
        let (_, checks, unevaluable) = rules(&e);
        assert_eq!(checks.len(), 1);
        let why: Vec<&str> = unevaluable.iter().map(|u| u.why.as_str()).collect();
        assert_eq!(
            why,
            [
                "it uses `slug ~ '^[a-z]+$'`",
                "it uses `(SELECT 1)`",
                "it uses `md5(name)`",
                "it is not a SQL expression (expected an expression, found EOF)",
            ]
        );
        assert_eq!(unevaluable[0].columns, ["slug"]);
    }
}
