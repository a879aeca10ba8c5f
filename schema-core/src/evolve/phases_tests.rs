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
    assert_eq!(kinds(&plan), ["expand", "index_1", "index_2", "index_3", "backfill", "contract"]);
    let backfill = plan.phases[4].step.scripts(Dialect::Postgres).up.join(";\n");
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
