//! Naming conventions: table names from struct names, constraint names, enum
//! values. One place, so the macro, the emitters and the docs agree.

/// `TaskLabel` -> `task_label`, `HTTPRequest` -> `http_request`, `InProgress` -> `in_progress`.
///
/// ```
/// use tablewright_core::naming::snake_case;
/// assert_eq!(snake_case("TaskLabel"), "task_label");
/// assert_eq!(snake_case("HTTPRequest"), "http_request");
/// assert_eq!(snake_case("Utf8Text"), "utf8_text");
/// ```
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                // An acronym ends where a capital is followed by a lowercase: HTTPRequest.
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// English plural of a snake_case word, applied to its last segment.
///
/// ```
/// use tablewright_core::naming::pluralize;
/// assert_eq!(pluralize("task_label"), "task_labels");
/// assert_eq!(pluralize("company"), "companies");
/// assert_eq!(pluralize("address"), "addresses");
/// assert_eq!(pluralize("key"), "keys");
/// ```
pub fn pluralize(word: &str) -> String {
    let ends = |s: &str| word.ends_with(s);
    if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        format!("{word}es")
    } else if ends("y") && !word[..word.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']) {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    }
}

/// The default table name of an entity: snake_case plural of the struct name.
///
/// ```
/// use tablewright_core::naming::table_name;
/// assert_eq!(table_name("OrganizationMember"), "organization_members");
/// ```
pub fn table_name(struct_name: &str) -> String {
    pluralize(&snake_case(struct_name))
}

/// The foreign-key column that points at an entity: `Organization` -> `organization_id`.
pub fn key_column(entity_name: &str) -> String {
    format!("{}_id", snake_case(entity_name))
}

/// Longest identifier every supported dialect accepts (Postgres: 63 bytes).
pub const MAX_IDENT_LEN: usize = 63;

/// A constraint or index name: `<prefix>_<table>_<cols>`, shortened with a
/// stable hash suffix when it would pass [`MAX_IDENT_LEN`].
///
/// ```
/// use tablewright_core::naming::constraint_name;
/// assert_eq!(constraint_name("idx", "tasks", &["project_id", "status"]), "idx_tasks_project_id_status");
/// let long = constraint_name("idx", "a_very_long_table_name_indeed", &["first_long_column", "second_long_column"]);
/// assert_eq!(long.len(), 63);
/// ```
pub fn constraint_name(prefix: &str, table: &str, columns: &[&str]) -> String {
    let full = format!("{prefix}_{table}_{}", columns.join("_"));
    shorten(&full)
}

/// Shortens an identifier past [`MAX_IDENT_LEN`] to a prefix plus an 8-hex-digit
/// FNV-1a hash of the whole name, so distinct long names stay distinct.
/// Quotes (`"`, `` ` ``, `'`) become `_`: a generated name is made from
/// table and column names, which may hold them, and sea-query writes index
/// and constraint names between quotes without escaping them (a given name
/// with a quote is refused by the front end instead).
///
/// ```
/// use tablewright_core::naming::shorten;
/// assert_eq!(shorten("pk_say \"hi\""), "pk_say _hi_");
/// ```
pub fn shorten(name: &str) -> String {
    let hash_of = name;
    let name: String = name.chars().map(|c| if matches!(c, '"' | '`' | '\'') { '_' } else { c }).collect();
    if name.len() <= MAX_IDENT_LEN {
        return name;
    }
    let mut hash: u32 = 0x811c_9dc5;
    for b in hash_of.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    let mut cut = MAX_IDENT_LEN - 9;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash:08x}", &name[..cut])
}

/// The name PostgreSQL gives the sequence of an identity column when none is
/// given: `<table>_<column>_seq`, cut the way PostgreSQL's `makeObjectName`
/// cuts it to fit [`MAX_IDENT_LEN`] bytes (the longer of the table and the
/// column first, on a character boundary). Targets whose tools name the
/// sequence themselves (drizzle-kit writes the uncut name, which PostgreSQL
/// would cut into the table's own name) spell this one out.
///
/// ```
/// use tablewright_core::naming::postgres_identity_sequence;
/// assert_eq!(postgres_identity_sequence("tasks", "id"), "tasks_id_seq");
/// let table = "t".repeat(63);
/// assert_eq!(postgres_identity_sequence(&table, "id"), format!("{}_id_seq", "t".repeat(56)));
/// ```
pub fn postgres_identity_sequence(table: &str, column: &str) -> String {
    let available = MAX_IDENT_LEN - "_".len() - "_seq".len();
    let (mut a, mut b) = (table.len(), column.len());
    while a + b > available {
        if a > b {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    format!("{}_{}_seq", clip(table, a), clip(column, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms_and_digits() {
        assert_eq!(snake_case("Organization"), "organization");
        assert_eq!(snake_case("AuditLog"), "audit_log");
        assert_eq!(snake_case("APIKey"), "api_key");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn plurals() {
        assert_eq!(table_name("User"), "users");
        assert_eq!(table_name("Status"), "statuses");
        assert_eq!(table_name("Box"), "boxes");
        assert_eq!(table_name("Day"), "days");
    }

    #[test]
    fn shorten_is_stable_and_distinct() {
        let a = shorten(&"x".repeat(80));
        let b = shorten(&format!("{}y", "x".repeat(79)));
        assert_eq!(a.len(), MAX_IDENT_LEN);
        assert_ne!(a, b);
        assert_eq!(a, shorten(&"x".repeat(80)));
    }
}
