use super::*;
use crate::frontend::scan::scan_source;

fn schema(src: &str) -> Schema {
    raw_schema(&format!("use tablewright::prelude::*;\n{src}"))
}

fn raw_schema(src: &str) -> Schema {
    let scanned = scan_source("src/schema.rs", src);
    assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
    let mut schema = scanned.schema;
    let d = crate::transform::apply(&mut schema);
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
    schema
}

const OLD: &str = r#"
#[entity]
pub struct Task {
    #[id(auto)]
    pub id: i64,
    pub title: String,
    pub price: String,
    pub note: Option<String>,
}
"#;

fn kinds(plan: &Plan) -> Vec<String> {
    plan.phases.iter().map(|p| p.kind.as_ref().map_or_else(String::new, PhaseKind::suffix)).collect()
}

/// The phase of `plan` of kind `kind`.
fn phase<'p>(plan: &'p Plan, kind: &str) -> &'p super::Phase {
    plan.phases
        .iter()
        .find(|p| p.kind.as_ref().is_some_and(|k| k.suffix() == kind))
        .unwrap_or_else(|| panic!("no {kind} phase"))
}

fn edited() -> String {
    OLD.replace(
        "    pub title: String,",
        "    #[column(renamed_from = \"title\", dual_write)]\n    pub name: String,\n    #[column(backfill = \"'x'\")]\n    #[index]\n    pub code: String,",
    )
    .replace("    pub price: String,", "    #[column(using = \"CAST(price AS INTEGER)\")]\n    pub price: i32,")
}

#[test]
fn a_populated_table_gets_expand_index_backfill_contract() {
    let plan = plan(&schema(OLD), &schema(&edited()), &EmitOptions::default(), false);
    assert_eq!(kinds(&plan), ["expand", "index_1", "backfill", "contract"]);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    let expand = plan.phases[0].step.scripts(Dialect::Postgres).up.join(";\n");
    assert!(expand.contains(r#"ADD COLUMN "price__new" INTEGER"#), "{expand}");
    assert!(expand.contains(r#"CREATE TRIGGER "tw_dual_tasks_name""#), "{expand}");
    let index = plan.phases[1].step.scripts(Dialect::Postgres);
    assert!(index.up_no_transaction && index.up[0].starts_with("CREATE INDEX CONCURRENTLY"), "{:?}", index.up);
}

#[test]
fn one_step_mode_plans_a_single_migration() {
    let plan = plan(&schema(OLD), &schema(&edited()), &EmitOptions::default(), true);
    assert_eq!(kinds(&plan), [""]);
}

#[test]
fn a_plain_rename_stays_one_step_though_its_checks_are_recreated() {
    let old = OLD.replace("    pub note: Option<String>,", "    #[column(check = \"length(note) > 0\")]\n    pub note: Option<String>,\n    #[column(check = \"stars >= 0\")]\n    pub stars: i32,");
    let new = old.replace("    pub title: String,", "    #[column(renamed_from = \"title\")]\n    pub name: String,");
    let plan = plan(&schema(&old), &schema(&new), &EmitOptions::default(), false);
    assert_eq!(kinds(&plan), [""]);
}

/// The contract validates what the backfill added NOT VALID; its down must
/// leave them NOT VALID again, or up, down, up does not compare equal
/// (`tablewright migrations verify` found it on a real database).
#[test]
fn the_contract_down_restores_the_not_valid_constraints_of_the_backfill() {
    let plan = plan(&schema(SINGLE), &schema(MULTI), &EmitOptions::default(), false);
    let backfill = &phase(&plan, "backfill").step.scripts(Dialect::Postgres).up;
    let contract = phase(&plan, "contract").step.scripts(Dialect::Postgres);
    let not_valid: Vec<&String> = backfill.iter().filter(|s| s.ends_with(" NOT VALID")).collect();
    assert!(not_valid.iter().any(|s| s.contains("FOREIGN KEY")), "{backfill:#?}");
    assert!(not_valid.iter().any(|s| s.contains("CHECK (\"organization_id\" IS NOT NULL)")), "{backfill:#?}");
    for statement in not_valid {
        assert!(contract.down.contains(statement), "the contract's down lacks `{statement}`:\n{:#?}", contract.down);
    }
    let readded = contract.down.iter().position(|s| s.contains("ADD CONSTRAINT \"fk_tasks_project_id\""));
    let dropped = contract.down.iter().position(|s| s.ends_with("DROP CONSTRAINT \"fk_tasks_project_id\""));
    assert!(dropped.is_some() && dropped < readded, "dropped, then added NOT VALID:\n{:#?}", contract.down);
}

const SINGLE: &str = r#"
#[entity]
pub struct Project {
    #[id]
    pub id: Uuid,
    pub name: String,
}
#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project)]
    pub project_id: Uuid,
    pub title: String,
}
"#;

const MULTI: &str = r#"
#[entity]
#[tenant]
pub struct Organization {
    #[id]
    pub id: Uuid,
    pub name: String,
}
#[entity]
#[tenant_scoped]
pub struct Project {
    #[id]
    pub id: Uuid,
    #[column(backfill = "(SELECT id FROM organizations ORDER BY name LIMIT 1)")]
    pub organization_id: Uuid,
    pub name: String,
}
#[entity]
#[tenant_scoped]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project)]
    pub project_id: Uuid,
    pub title: String,
}
"#;

#[test]
fn tenancy_is_added_in_phases_and_removing_it_needs_an_acknowledgement() {
    let plan = plan(&schema(SINGLE), &schema(MULTI), &EmitOptions::default(), false);
    // The (tenant, id) uniques the composite keys point at; the tenant
    // column's own index would be a prefix of projects' one, so it has none.
    assert_eq!(kinds(&plan), ["expand", "index_1", "index_2", "backfill", "contract"]);
    let backfill = phase(&plan, "backfill").step.scripts(Dialect::Postgres).up.join(";\n");
    // Projects take the default tenant; tasks their project's.
    assert!(
        backfill.contains(
            r#"UPDATE "projects" SET "organization_id" = ((SELECT id FROM organizations ORDER BY name LIMIT 1)) WHERE"#
        ),
        "{backfill}"
    );
    assert!(backfill.contains(r#"UPDATE "tasks" SET "organization_id" = ((SELECT "tw_parent"."organization_id" FROM "projects" AS "tw_parent""#), "{backfill}");
    let back = super::plan(&schema(MULTI), &schema(SINGLE), &EmitOptions::default(), false);
    let keys: Vec<&str> = back.destructive.iter().map(|d| d.key.as_str()).collect();
    assert!(keys.contains(&"drop column projects.organization_id"), "{keys:?}");
    let kept = MULTI.replace("#[tenant_scoped]\npub struct Task", "pub struct Task");
    let kept = super::plan(&schema(MULTI), &schema(&kept), &EmitOptions::default(), false);
    let keys: Vec<&str> = kept.destructive.iter().map(|d| d.key.as_str()).collect();
    // The tenant column goes with the attribute; both need acknowledging.
    assert_eq!(keys, ["drop column tasks.organization_id", "remove tenancy tasks"]);
}

// The migration review, rule by rule: a change that triggers it (message
// and location) and one that does not.

const REVIEWED: &str = r#"
#[db_enum]
pub enum Status {
    Open,
    Done,
    Archived,
}
#[entity]
#[tenant]
pub struct Organization {
    #[id]
    pub id: Uuid,
    pub name: String,
}
#[entity]
#[tenant_scoped]
pub struct Task {
    #[id(auto)]
    pub id: i64,
    pub title: String,
    #[column(max_len = 20)]
    pub code: String,
    pub note: Option<String>,
    pub score: i32,
    pub status: Status,
}
"#;

/// `line:column [rule] message` of every finding of the plan from
/// `REVIEWED` to `REVIEWED` edited by `edits`.
fn review_of(edits: &[(&str, &str)], one_step: bool) -> Vec<String> {
    let mut new = REVIEWED.to_string();
    for (from, to) in edits {
        assert!(new.contains(from), "{from}");
        new = new.replacen(from, to, 1);
    }
    let plan = plan(&schema(REVIEWED), &schema(&new), &EmitOptions::default(), one_step);
    plan.phases
        .iter()
        .flat_map(|p| &p.review)
        .map(|f| format!("{}:{} [{}] {}", f.location.line, f.location.column, f.rule, f.message))
        .collect()
}

/// A rule's two sides: `trigger` gives exactly `findings`, `quiet` none;
/// each planned in one step or in phases as the `bool` says.
fn rule_cases(trigger: (&[(&str, &str)], bool), findings: &[&str], quiet: (&[(&str, &str)], bool)) {
    assert_eq!(review_of(trigger.0, trigger.1), findings);
    assert_eq!(review_of(quiet.0, quiet.1), Vec::<String>::new());
}

/// The same edit: one step gives `finding`, phases nothing.
fn one_step_only(edit: &[(&str, &str)], finding: &str) {
    rule_cases((edit, true), &[finding], (edit, false));
}

const ADD_EXTRA: &[(&str, &str)] = &[("pub status: Status,", "pub status: Status,\n    pub extra: Option<String>,")];

#[test]
fn migration_table_rewrite() {
    rule_cases(
        (&[("pub score: i32", "pub score: i64")], true),
        &[
            "25:9 [migration_table_rewrite] changing the type of `tasks.score` rewrites the table under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite",
        ],
        (&[("max_len = 20", "max_len = 40")], true),
    );
}

#[test]
fn migration_not_null_scan() {
    one_step_only(
        &[("pub note: Option<String>,", "#[column(backfill = \"'x'\")]\n    pub note: String,")],
        "25:9 [migration_not_null_scan] SET NOT NULL on `tasks.note` scans every row under an ACCESS EXCLUSIVE lock",
    );
}

#[test]
fn migration_blocking_index() {
    one_step_only(
        &[("pub score: i32,", "#[index]\n    pub score: i32,")],
        "26:9 [migration_blocking_index] index `idx_tasks_score` is built on the existing table `tasks` without CONCURRENTLY: writes to `tasks` wait for the whole build",
    );
}

#[test]
fn migration_validating_constraint() {
    one_step_only(
        &[("pub score: i32,", "#[column(check = \"score >= 0\")]\n    pub score: i32,")],
        "25:22 [migration_validating_constraint] constraint `ck_tasks_score` is added to the existing table `tasks` in one step: every row is checked while writes to `tasks` wait",
    );
}

#[test]
fn migration_volatile_default() {
    rule_cases(
        (
            &[(
                "pub status: Status,",
                "pub status: Status,\n    #[default(sql = \"gen_random_uuid()\")]\n    pub token: Uuid,",
            )],
            false,
        ),
        &[
            "28:9 [migration_volatile_default] adding `tasks.token` with a default computed per row rewrites the existing table under an ACCESS EXCLUSIVE lock",
        ],
        (
            &[(
                "pub status: Status,",
                "pub status: Status,\n    #[default(sql = \"now()\")]\n    pub seen_at: DateTime<Utc>,",
            )],
            false,
        ),
    );
}

#[test]
fn migration_data_loss() {
    rule_cases(
        (&[("    pub note: Option<String>,\n", "")], false),
        &[
            "18:12 [migration_breaking_change] column `tasks.note` is dropped while the running release may still read or write it",
            "18:12 [migration_data_loss] dropping column `tasks.note` deletes its values (`drop column tasks.note`)",
        ],
        (ADD_EXTRA, false),
    );
}

#[test]
fn migration_breaking_change() {
    rule_cases(
        (&[("pub title: String,", "#[column(renamed_from = \"title\")]\n    pub name: String,")], false),
        &[
            "22:9 [migration_breaking_change] column `tasks.title` is renamed to `name` in one step: the running release still reads and writes `title`",
        ],
        (&[("pub title: String,", "#[column(renamed_from = \"title\", dual_write)]\n    pub name: String,")], false),
    );
}

#[test]
fn migration_enum_value_removal() {
    rule_cases(
        (&[("    Archived,\n", "")], false),
        &[
            "4:10 [migration_enum_value_removal] value `archived` is removed from enum `status`: the running release can still write it, and rows holding it make the migration fail",
        ],
        (&[("    Archived,\n", "    Archived,\n    Deleted,\n")], false),
    );
}

#[test]
fn migration_rls_gap() {
    // The tenant key goes with the attribute: its drop is reported too.
    rule_cases(
        (&[("#[tenant_scoped]\npub struct Task", "pub struct Task")], false),
        &[
            "17:12 [migration_breaking_change] column `tasks.organization_id` is dropped while the running release may still read or write it",
            "17:12 [migration_data_loss] dropping column `tasks.organization_id` deletes its values (`drop column tasks.organization_id`)",
            "17:12 [migration_rls_gap] `tasks` loses row-level security: every tenant's session reads and writes every row",
        ],
        (ADD_EXTRA, false),
    );
}

#[test]
fn review_findings_are_silenced_by_allow_lint() {
    let edit = [("pub score: i32", "#[allow_lint(migration_table_rewrite)]\n    pub score: i64")];
    let mut new = REVIEWED.to_string();
    for (from, to) in edit {
        new = new.replacen(from, to, 1);
    }
    let plan = plan(&schema(REVIEWED), &schema(&new), &EmitOptions::default(), true);
    let findings: Vec<_> = plan.phases.iter().flat_map(|p| &p.review).collect();
    assert_eq!(findings.len(), 1);
    assert!(findings[0].allowed);
}

#[test]
fn the_data_statements_of_a_tenant_schema_lift_force_for_a_role_held_to_it() {
    let tenant = |src: &str| {
        schema(&format!(
            "#[entity]\n#[tenant]\npub struct Organization {{\n    #[id(auto)]\n    pub id: i64,\n}}\n{}",
            src.replace("#[entity]\npub struct Task", "#[entity]\n#[tenant_scoped]\npub struct Task")
        ))
    };
    let secured = plan(&tenant(OLD), &tenant(&edited()), &EmitOptions::default(), false);
    let backfill = &phase(&secured, "backfill").step.scripts(Dialect::Postgres).up;
    let updates: Vec<&String> = backfill.iter().filter(|s| s.contains("UPDATE ")).collect();
    assert_eq!(updates.len(), 3, "the code fill, the price shadow, the dual-written name: {backfill:#?}");
    for s in &updates {
        assert!(s.starts_with("DO $tw_data$\n"), "{s}");
        assert!(s.contains("r.rolname = current_user"), "{s}");
        assert!(s.contains("  IF held THEN\n    ALTER TABLE \"tasks\" NO FORCE ROW LEVEL SECURITY;\n  END IF;\n  EXECUTE 'UPDATE \"tasks\" SET "), "{s}");
        assert!(
            s.ends_with(
                "  IF held THEN\n    ALTER TABLE \"tasks\" FORCE ROW LEVEL SECURITY;\n  END IF;\nEND\n$tw_data$"
            ),
            "{s}"
        );
    }
    // Without a tenant, and on the other dialects, the statements are bare.
    let plain = plan(&schema(OLD), &schema(&edited()), &EmitOptions::default(), false);
    let bare = phase(&plain, "backfill").step.scripts(Dialect::Postgres).up.clone();
    assert!(bare.iter().filter(|s| s.contains("UPDATE ")).all(|s| s.starts_with("UPDATE ")), "{bare:#?}");
    let mysql = &phase(&secured, "backfill").step.scripts(Dialect::Mysql).up;
    assert!(mysql.iter().filter(|s| s.contains("UPDATE ")).all(|s| s.starts_with("UPDATE ")), "{mysql:#?}");
}
