//! One trigger and one fixed schema per rule, run through the real front end
//! and transforms.

use std::collections::BTreeSet;

use super::*;
use crate::frontend::scan::scan_source;
use crate::model::Schema;
use crate::transform;

const FILE: &str = "src/schema.rs";

fn schema_of(source: &str) -> Schema {
    let source = format!("use tablewright::prelude::*;\n{source}");
    let scanned = scan_source(FILE, &source);
    assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
    let mut schema = scanned.schema;
    let diagnostics = transform::apply(&mut schema);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    schema
}

/// `line:col: message` of each unsilenced finding of `rule` (line 1 is the `use` line).
fn found(rule: &str, source: &str) -> Vec<String> {
    reviewed(source)
        .findings
        .into_iter()
        .filter(|f| f.rule == rule && !f.allowed)
        .map(|f| format!("{}:{}: {}", f.location.line, f.location.column, f.message))
        .collect()
}

/// The review of a schema source.
fn reviewed(source: &str) -> Review {
    review(&Analysis::new(&schema_of(source)))
}

fn assert_rule(rule: &str, trigger: &str, expected: &[&str], fixed: &str) {
    assert_eq!(found(rule, trigger), expected, "trigger for {rule}");
    assert_eq!(found(rule, fixed), Vec::<String>::new(), "fixed schema for {rule}");
}

const USER: &str = r#"
#[entity]
#[timestamps]
#[versioned]
pub struct User {
    #[id]
    pub id: Uuid,
}
"#;

#[test]
fn unindexed_foreign_key() {
    let post = |attr: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Post {{\n    #[id]\n    pub id: Uuid,\n    {attr}#[belongs_to(User)]\n    pub author_id: Uuid,\n}}\n{USER}"
        )
    };
    assert_rule(
        "unindexed_foreign_key",
        &post(""),
        &[
            "8:18: foreign key `posts.author_id` has no index that starts with it: deleting or updating a `users` row scans `posts`",
        ],
        &post("#[index]\n    "),
    );
}

#[test]
fn soft_delete_index_not_partial() {
    let note = |index: &str| {
        format!(
            "#[entity]\n#[soft_delete]\n#[timestamps]\n#[versioned]\n#[index({index})]\npub struct Note {{\n    #[id]\n    pub id: Uuid,\n}}\n"
        )
    };
    assert_rule(
        "soft_delete_index_not_partial",
        &note("created_at desc"),
        &[
            "6:3: index `idx_notes_created_at` on soft-deleted `notes` also covers deleted rows, though its queries filter on `deleted_at IS NULL`",
        ],
        &note("created_at desc, where = \"deleted_at IS NULL\""),
    );
}

#[test]
fn soft_delete_index_serving_a_foreign_key_stays_full() {
    let source = format!(
        "#[entity]\n#[soft_delete]\n#[timestamps]\n#[versioned]\n#[index(author_id, created_at)]\npub struct Note {{\n    #[id]\n    pub id: Uuid,\n    #[belongs_to(User)]\n    pub author_id: Uuid,\n}}\n{USER}"
    );
    assert_eq!(found("soft_delete_index_not_partial", &source), Vec::<String>::new());
    assert_eq!(found("unindexed_foreign_key", &source), Vec::<String>::new());
}

#[test]
fn soft_delete_unique_not_partial() {
    let team = |soft: &str| {
        format!(
            "#[entity]\n{soft}#[timestamps]\n#[versioned]\npub struct Team {{\n    #[id]\n    pub id: Uuid,\n    #[unique]\n    #[column(max_len = 50)]\n    pub slug: String,\n    pub deleted_at: Option<DateTime<Utc>>,\n}}\n"
        )
    };
    assert_rule(
        "soft_delete_unique_not_partial",
        &team(""),
        &[
            "8:7: unique index `uq_teams_slug` on `teams` also counts soft-deleted rows: a deleted row's (slug) can never be used again",
        ],
        &team("#[soft_delete]\n"),
    );
}

#[test]
fn natural_primary_key() {
    assert_rule(
        "natural_primary_key",
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Account {\n    #[id]\n    #[column(max_len = 320)]\n    pub email: String,\n}\n",
        &[
            "8:9: primary key `accounts.email` is a natural key: when the email changes, every foreign key pointing at it must change too",
        ],
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Account {\n    #[id]\n    pub id: Uuid,\n    #[unique]\n    #[column(max_len = 320)]\n    pub email: String,\n}\n",
    );
    // A generated text key is not chosen by people.
    let cuid = "#[entity]\n#[timestamps]\n#[versioned]\npub struct Token {\n    #[id(cuid)]\n    pub id: String,\n}\n";
    assert_eq!(found("natural_primary_key", cuid), Vec::<String>::new());
}

const ORG: &str =
    "#[entity]\n#[tenant]\n#[timestamps]\n#[versioned]\npub struct Organization {\n    #[id]\n    pub id: Uuid,\n}\n";

#[test]
fn tenant_index_not_led_by_tenant_key() {
    let event = |index: &str| {
        format!(
            "#[entity]\n#[tenant_scoped]\n#[timestamps]\n#[versioned]\n#[index({index})]\npub struct Event {{\n    #[id]\n    pub id: Uuid,\n    #[column(max_len = 20)]\n    pub kind: String,\n    pub occurred_at: DateTime<Utc>,\n}}\n{ORG}"
        )
    };
    assert_rule(
        "tenant_index_not_led_by_tenant_key",
        &event("kind, occurred_at desc"),
        &[
            "6:3: composite index `idx_events_kind_occurred_at` on tenant-scoped `events` does not lead with `organization_id`: every query filters by tenant first",
        ],
        &event("organization_id, kind, occurred_at desc"),
    );
}

#[test]
fn missing_version() {
    let doc = |v: &str| format!("#[entity]\n#[timestamps]\n{v}pub struct Doc {{\n    #[id]\n    pub id: Uuid,\n}}\n");
    assert_rule(
        "missing_version",
        &doc(""),
        &[
            "4:12: `docs` is edited concurrently (it tracks `updated_at`) but has no version column: the last write silently wins",
        ],
        &doc("#[versioned]\n"),
    );
}

#[test]
fn nullable_fk_cascade() {
    let post = |action: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Post {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(User, on_delete = {action})]\n    pub editor_id: Option<Uuid>,\n}}\n{USER}"
        )
    };
    assert_rule(
        "nullable_fk_cascade",
        &post("cascade"),
        &[
            "9:18: optional foreign key `posts.editor_id` deletes its row when the `users` row goes (`on_delete = cascade`)",
        ],
        &post("set_null"),
    );
}

#[test]
fn missing_timestamps() {
    assert_rule(
        "missing_timestamps",
        "#[entity]\npub struct Country {\n    #[id]\n    pub id: Uuid,\n}\n",
        &["3:12: `countries` has no `created_at`/`updated_at`: nobody can tell when a row was made or last changed"],
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Country {\n    #[id]\n    pub id: Uuid,\n}\n",
    );
    // Junctions and append-only tables stamped at insert are exempt.
    let log = "#[entity]\npub struct Event {\n    #[id]\n    pub id: Uuid,\n    #[default(now)]\n    pub occurred_at: DateTime<Utc>,\n}\n";
    assert_eq!(found("missing_timestamps", log), Vec::<String>::new());
}

#[test]
fn unbounded_text_in_unique() {
    let user = |len: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct User {{\n    #[id]\n    pub id: Uuid,\n    #[unique]\n    {len}pub handle: String,\n}}\n"
        )
    };
    assert_rule(
        "unbounded_text_in_unique",
        &user(""),
        &[
            "9:9: `users.handle` is an unbounded `String` in unique key `uq_users_handle`: MySQL cannot index TEXT, so it becomes VARCHAR(255) there while the other databases accept any length",
        ],
        &user("#[column(max_len = 40)]\n    "),
    );
}

#[test]
fn float_money() {
    let item = |ty: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Item {{\n    #[id]\n    pub id: Uuid,\n    pub unit_price: {ty},\n    pub weight: f64,\n}}\n"
        )
    };
    assert_rule(
        "float_money",
        &item("f64"),
        &["8:9: `items.unit_price` holds money in a floating-point `f64`: sums drift by fractions of a cent"],
        &item("Decimal"),
    );
}

#[test]
fn naive_datetime() {
    let meeting = |ty: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Meeting {{\n    #[id]\n    pub id: Uuid,\n    pub starts_at: {ty},\n}}\n"
        )
    };
    assert_rule(
        "naive_datetime",
        &meeting("NaiveDateTime"),
        &[
            "8:9: `meetings.starts_at` is a `NaiveDateTime` (timestamp without time zone): its instant depends on the server's zone",
        ],
        &meeting("DateTime<Utc>"),
    );
}

#[test]
fn repeating_columns() {
    let contact = |fields: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Contact {{\n    #[id]\n    pub id: Uuid,\n{fields}}}\n"
        )
    };
    assert_rule(
        "repeating_columns",
        &contact(
            "    pub phone1: Option<String>,\n    pub phone2: Option<String>,\n    pub phone_3: Option<String>,\n",
        ),
        &["8:9: `contacts` repeats a column group (`phone1`, `phone2`, `phone_3`): one more value needs a migration"],
        &contact("    pub phones: Vec<String>,\n    pub sha256: Option<String>,\n"),
    );
}

#[test]
fn list_in_text() {
    let post = |ty: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Post {{\n    #[id]\n    pub id: Uuid,\n    pub tags: {ty},\n}}\n"
        )
    };
    assert_rule(
        "list_in_text",
        &post("String"),
        &[
            "8:9: `posts.tags` looks like a list kept in a text column: its items cannot be indexed, joined or constrained",
        ],
        &post("Vec<String>"),
    );
}

#[test]
fn duplicated_columns() {
    let address = "    pub street: String,\n    pub city: String,\n    pub postal_code: String,\n";
    let trigger = format!(
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Customer {{\n    #[id]\n    pub id: Uuid,\n{address}}}\n\
         #[entity]\n#[timestamps]\n#[versioned]\npub struct Supplier {{\n    #[id]\n    pub id: Uuid,\n{address}}}\n"
    );
    let fixed = format!(
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Address {{\n    #[id]\n    pub id: Uuid,\n{address}}}\n\
         #[entity]\n#[timestamps]\n#[versioned]\npub struct Customer {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(Address)]\n    pub address_id: Uuid,\n}}\n\
         #[entity]\n#[timestamps]\n#[versioned]\npub struct Supplier {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(Address)]\n    pub address_id: Uuid,\n}}\n"
    );
    assert_rule(
        "duplicated_columns",
        &trigger,
        &[
            "15:12: `customers` and `suppliers` both hold the columns `street`, `city`, `postal_code`: the copies drift apart",
        ],
        &fixed,
    );
}

/// `#[entity] #[timestamps] #[versioned] pub struct <name> { id, <fields> }`.
fn table(name: &str, fields: &[&str]) -> String {
    let fields: String = fields.iter().map(|f| format!("    pub {f}: String,\n")).collect();
    format!("#[entity]\n#[timestamps]\n#[versioned]\npub struct {name} {{\n    #[id]\n    pub id: Uuid,\n{fields}}}\n")
}

#[test]
fn duplicated_columns_are_one_finding_per_group_and_spare_conventions() {
    let address = ["street", "city", "postal_code"];
    // One group copied into three tables: one finding naming all three.
    let three: String = ["Customer", "Supplier", "Warehouse"].iter().map(|t| table(t, &address)).collect();
    let r = reviewed(&three);
    let found: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "duplicated_columns").collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].message,
        "`customers`, `suppliers` and `warehouses` all hold the columns `street`, `city`, `postal_code`: the copies drift apart"
    );
    assert_eq!(found[0].tables, ["customers", "suppliers", "warehouses"]);

    // Columns every table declares are a convention, not a copy; the real
    // copy beside them is still found, and a column shared with a third
    // table does not hide it.
    let conventional = ["name", "description", "notes"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> { [&conventional[..], extra].concat() };
    let source = [
        table("Customer", &with(&address)),
        table("Supplier", &with(&address)),
        table("Office", &with(&["city"])),
        table("Product", &with(&[])),
    ]
    .concat();
    let found: Vec<String> =
        reviewed(&source).findings.into_iter().filter(|f| f.rule == "duplicated_columns").map(|f| f.message).collect();
    assert_eq!(
        found,
        ["`customers` and `suppliers` both hold the columns `street`, `city`, `postal_code`: the copies drift apart"]
    );

    // Many tables sharing generic columns at random: no finding, since no
    // two tables' shared columns travel together.
    let pool = ["title", "notes", "email", "phone", "url", "color", "label", "summary"];
    let random: String = (0..40)
        .map(|i| {
            let fields: Vec<&str> = (0..4)
                .map(|k| pool[(i * 7 + k * k * 3 + i / 3) % pool.len()])
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            table(&format!("T{i:02}"), &fields)
        })
        .collect();
    let r = reviewed(&random);
    let count = r.findings.iter().filter(|f| f.rule == "duplicated_columns").count();
    // Pairwise, this schema would give hundreds of findings; grouped, at most
    // one per distinct column set.
    assert!(count <= pool.len(), "{count} findings");
}

#[test]
fn review_md_groups_findings_by_rule_and_table() {
    let source: String =
        (0..30).map(|i| format!("#[entity]\npub struct Tick{i:02} {{\n    #[id]\n    pub id: Uuid,\n}}\n")).collect();
    let md = reviewed(&source).markdown();
    assert!(md.contains("30 findings to review in 30 tables, 0 silenced."), "{md}");
    assert!(md.contains("| `missing_timestamps` | 30 | 30 | 0 |"), "{md}");
    assert!(md.contains("30 findings in 30 tables: `tick00s`, `tick01s`,"), "{md}");
    // A long list is folded; every finding is still in the file.
    assert!(md.contains("<details><summary>30 findings</summary>"), "{md}");
    assert_eq!(md.matches("- `tick").count(), 30);
}

#[test]
fn redundant_index() {
    let t = |indexes: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\n{indexes}pub struct Task {{\n    #[id]\n    pub id: Uuid,\n    pub rank: i32,\n    pub done: bool,\n}}\n"
        )
    };
    assert_rule(
        "redundant_index",
        &t("#[index(rank)]\n#[index(rank, done)]\n"),
        &[
            "5:3: index `idx_tasks_rank` (rank) on `tasks` is a prefix of `idx_tasks_rank_done` (rank, done): the longer one serves the same queries",
        ],
        &t("#[index(rank, done)]\n#[index(done)]\n"),
    );
}

#[test]
fn allow_lint_silences_on_the_entity_and_on_the_field() {
    let on_field = format!(
        "#[entity]\n#[timestamps]\n#[versioned]\npub struct Post {{\n    #[id]\n    pub id: Uuid,\n    // Reported via nightly job only.\n    #[allow_lint(unindexed_foreign_key)]\n    #[belongs_to(User)]\n    pub author_id: Uuid,\n    pub unit_price: f64,\n}}\n{USER}"
    );
    let r = reviewed(&on_field);
    let open: Vec<&str> = r.findings.iter().filter(|f| !f.allowed).map(|f| f.rule).collect();
    assert_eq!(open, ["float_money"]);
    assert!(r.findings.iter().any(|f| f.rule == "unindexed_foreign_key" && f.allowed));

    let on_entity = "#[entity]\n#[allow_lint(missing_timestamps, naive_datetime)]\npub struct Tick {\n    #[id]\n    pub id: Uuid,\n    pub at: NaiveDateTime,\n}\n";
    let r = reviewed(on_entity);
    assert!(r.findings.iter().all(|f| f.allowed), "{:?}", r.findings);
    assert_eq!(r.findings.len(), 2);
    let md = r.markdown();
    assert!(md.contains("0 findings to review in 0 tables, 2 silenced."), "{md}");
    assert!(md.contains("Silenced with `#[allow_lint]`:\n\n- `ticks` has no"), "{md}");
    assert!(!md.contains("src/schema.rs"), "review.md names items, not source lines: {md}");
    // Silenced findings are not build diagnostics.
    assert!(r.diagnostics(&LintOptions::default()).is_empty());
}

#[test]
fn unknown_rule_names_are_compile_errors_listing_the_valid_ones() {
    let source = "use tablewright::prelude::*;\n#[entity]\n#[allow_lint(unindexed_foreign_keys)]\npub struct Tick {\n    #[id]\n    pub id: Uuid,\n    #[allow_lint]\n    pub n: i32,\n}\n";
    let scanned = scan_source(FILE, source);
    let text: Vec<String> = scanned.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 2, "{text:#?}");
    assert!(
        text[0].starts_with(
            "src/schema.rs:3:14: error: unknown lint `unindexed_foreign_keys` in `#[allow_lint]`: did you mean `unindexed_foreign_key`?\n  help: valid rules are `unindexed_foreign_key`, "
        ),
        "{}",
        text[0]
    );
    assert!(text[0].ends_with("and `migration_rls_gap`"), "{}", text[0]);
    assert!(text[1].starts_with("src/schema.rs:7:7: error: `#[allow_lint(...)]` expects the names"), "{}", text[1]);
}

#[test]
fn chosen_rules_become_errors_and_diagnostics_name_the_rule() {
    let r = reviewed("#[entity]\npub struct Country {\n    #[id]\n    pub id: Uuid,\n}\n");
    let warn = r.diagnostics(&LintOptions::default());
    assert_eq!(
        warn[0].to_string(),
        "src/schema.rs:3:12: warning: `countries` has no `created_at`/`updated_at`: nobody can tell when a row was made or last changed [missing_timestamps]\n  help: add `#[timestamps]` to `Country`; or silence it with `#[allow_lint(missing_timestamps)]`"
    );
    let errors = r.diagnostics(&LintOptions::with_errors(["missing_timestamps"]));
    assert!(errors[0].is_error());
    let bad = LintOptions::with_errors(["no_such_rule"]).check(&Location::default());
    assert_eq!(bad[0].message, "`no_such_rule` in the lint options is not a schema-review rule");
}

#[test]
fn every_rule_has_a_trigger_test_and_review_is_deterministic() {
    // The migration review's rules are tested where plans are.
    let source = [include_str!("tests.rs"), include_str!("../evolve/phases_tests.rs")].concat();
    for rule in RULES {
        assert!(source.contains(&format!("fn {}()", rule.name)), "no test for {}", rule.name);
    }
    let src = format!("{}{ORG}", USER.replace("#[entity]\n", "#[entity]\n#[global]\n"));
    assert_eq!(reviewed(&src).markdown(), reviewed(&src).markdown());
}

#[test]
fn unconditional_global_write() {
    let schema = |policy: &str| {
        format!(
            "#[entity]\n#[tenant]\n#[timestamps]\n#[versioned]\npub struct Org {{\n    #[id]\n    pub id: Uuid,\n}}\n\
             #[entity]\n#[global]\n{policy}\n#[timestamps]\n#[versioned]\npub struct Country {{\n    #[id]\n    pub id: Uuid,\n}}\n"
        )
    };
    assert_rule(
        "unconditional_global_write",
        &schema("#[policy(insert, update)]"),
        &[
            "12:3: policy `custom_insert` lets every tenant's session insert rows of the global table `countries`",
            "12:3: policy `custom_update` lets every tenant's session update every row of the global table `countries`",
        ],
        &schema("#[policy(update, using = \"id = tw_current_user()\")]"),
    );
}

#[test]
fn required_reference_cycle() {
    let pair = |favorite: &str, deferrable: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Author {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(Book{deferrable})]\n    pub favorite_book_id: {favorite},\n}}\n\
             #[entity]\n#[timestamps]\n#[versioned]\npub struct Book {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(Author{deferrable})]\n    pub author_id: Uuid,\n}}\n"
        )
    };
    assert_rule(
        "required_reference_cycle",
        &pair("Uuid", ""),
        &[
            "9:18: NOT NULL keys form a cycle: `authors.favorite_book_id` -> `books`, `books.author_id` -> `authors`; no row of `authors`, `books` can be inserted first",
        ],
        &pair("Option<Uuid>", ""),
    );
    // Keys checked at commit make the cycle insertable in one transaction.
    assert_eq!(found("required_reference_cycle", &pair("Uuid", ", deferrable")), Vec::<String>::new());
    let tree = |parent: &str| {
        format!(
            "#[entity]\n#[timestamps]\n#[versioned]\npub struct Node {{\n    #[id]\n    pub id: Uuid,\n    #[index]\n    #[belongs_to(Self)]\n    pub parent_id: {parent},\n}}\n"
        )
    };
    assert_rule(
        "required_reference_cycle",
        &tree("Uuid"),
        &[
            "9:18: `nodes.parent_id` -> `nodes`: a required key to its own table, so the first row of `nodes` can only point at itself",
        ],
        &tree("Option<Uuid>"),
    );
}
