use super::*;
use crate::frontend::scan::scan_source;

fn schema(src: &str) -> Schema {
    let scanned = scan_source("src/schema.rs", &format!("use tablewright::prelude::*;\n{src}"));
    assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
    let mut schema = scanned.schema;
    let d = crate::transform::apply(&mut schema);
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
    schema
}

fn show(plan: &Plan) -> String {
    let mut out = String::new();
    for p in &plan.phases {
        out.push_str(&format!("== {:?}\n", p.kind));
        for d in Dialect::ALL {
            let s = p.step.scripts(d);
            out.push_str(&format!("-- {d:?} up (no tx: {})\n", s.up_no_transaction));
            for st in &s.up {
                out.push_str(&format!("{st};\n"));
            }
            out.push_str(&format!("-- {d:?} down\n"));
            for st in &s.down {
                out.push_str(&format!("{st};\n"));
            }
        }
    }
    out
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

#[test]
fn scratch() {
    let new = OLD
        .replace("    pub title: String,", "    #[column(renamed_from = \"title\", dual_write)]\n    pub name: String,\n    #[column(backfill = \"'x'\")]\n    #[index]\n    pub code: String,")
        .replace("    pub price: String,", "    #[column(using = \"CAST(price AS INTEGER)\")]\n    pub price: i32,");
    let plan = plan(&schema(OLD), &schema(&new), &EmitOptions::default(), false);
    eprintln!("{}", show(&plan));
    eprintln!("{:?}", plan.problems);
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
fn scratch_retrofit() {
    let plan = plan(&schema(SINGLE), &schema(MULTI), &EmitOptions::default(), false);
    eprintln!("{}", show(&plan));
    eprintln!("{:?}", plan.problems);
}
