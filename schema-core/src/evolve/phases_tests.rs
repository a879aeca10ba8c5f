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

#[test]
fn scratch_showcase_rename() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../src/schema.rs")).unwrap();
    let new = src.replace(
        "    #[column(max_len = 500)]\n    pub title: String,\n    pub description: Option<String>,",
        "    #[column(max_len = 500)]\n    pub title: String,\n    #[column(renamed_from = \"description\")]\n    pub details: Option<String>,",
    );
    let plan = plan(&raw_schema(&src), &raw_schema(&new), &EmitOptions::default(), false);
    for p in &plan.phases {
        eprintln!("== {:?} {:?}", p.kind, p.notes);
    }
    eprintln!("{}", show(&plan));
}
