//! Unit tests of the ERD emitters on the SQL emitters' fixture schema.

use super::*;
use crate::model::Schema;

const SOURCE: &str = r#"
use tablewright::prelude::*;
/// A customer. Second sentence.
#[entity]
#[tenant]
pub struct Organization {
    #[id]
    pub id: Uuid,
    #[unique]
    #[column(max_len = 100)]
    pub slug: String,
}
#[entity]
#[tenant_scoped]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Self, on_delete = cascade)]
    pub parent_id: Option<Uuid>,
    pub title: String,
}
#[entity]
#[tenant_scoped]
pub struct Label {
    #[id]
    pub id: Uuid,
}
#[entity]
#[many_to_many(Task, Label)]
pub struct TaskLabel {
    pub task_id: Uuid,
    pub label_id: Uuid,
}
#[entity]
#[tenant_scoped]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Label)]
    pub entity_id: Uuid,
}
"#;

fn fixture() -> Schema {
    let scanned = crate::frontend::scan::scan_source("src/schema.rs", SOURCE);
    assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
    let mut schema = scanned.schema;
    assert!(crate::transform::apply(&mut schema).iter().all(|d| !d.is_error()));
    schema
}

#[test]
fn relations_have_the_right_kinds_and_labels() {
    let schema = fixture();
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &ErdOptions::default()).unwrap();
    let mmd = mermaid::render(&d);
    for line in [
        "    tasks |o--o{ tasks : \"parent_id\"",
        "    tasks ||--o{ task_labels : \"task_id (many-to-many with labels)\"",
        "    labels ||--o{ task_labels : \"label_id (many-to-many with tasks)\"",
        "    tasks ||..o{ attachments : \"entity (polymorphic)\"",
        "    organizations ||--o{ tasks : \"organization_id\"",
        "        uuid organization_id FK \"The organization this row belongs to.\"",
        "        varchar(100) slug UK",
    ] {
        assert!(mmd.contains(line), "{line}\n{mmd}");
    }
    assert_eq!(d.relations.len(), 9, "{mmd}");
}

#[test]
fn mermaid_names_every_entity_and_relation_once() {
    let schema = fixture();
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &ErdOptions::default()).unwrap();
    let mmd = mermaid::render(&d);
    assert!(mmd.starts_with("erDiagram\n"));
    for e in &schema.entities {
        assert!(mmd.contains(&format!("\n    {} {{\n", e.table)), "{mmd}");
    }
    let fks: usize = schema.entities.iter().map(|e| e.foreign_keys.len()).sum();
    let lines = mmd.lines().filter(|l| l.contains("--o{") || l.contains("..o{")).count();
    assert!(lines >= fks, "{mmd}");
}

#[test]
fn quoted_text_never_contains_a_double_quote() {
    let mut schema = fixture();
    schema.entities[0].columns[0].doc = Some("Say \"hi\". Then more.".into());
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &ErdOptions::default()).unwrap();
    let mmd = mermaid::render(&d);
    assert!(mmd.contains("\"Say 'hi'.\""), "{mmd}");
}

#[test]
fn first_sentence_skips_abbreviations() {
    assert_eq!(first_sentence("Short key, e.g. \"WEB\" in WEB-42. More."), "Short key, e.g. \"WEB\" in WEB-42.");
    assert_eq!(first_sentence("One line\nwrapped"), "One line wrapped");
}

#[test]
fn subsystem_and_hidden_columns() {
    let schema = fixture();
    let names: Vec<String> = schema.entities.iter().take(2).map(|e| e.name.clone()).collect();
    let options = ErdOptions::default().with_entities(names.clone()).hide_columns();
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &options).unwrap();
    assert_eq!(d.entities.len(), 2);
    let mmd = mermaid::render(&d);
    assert!(!mmd.contains('{') || mmd.lines().all(|l| !l.ends_with('{')), "{mmd}");
    let svg = svg::render(&d);
    assert_eq!(svg.matches("class=\"erd-entity\"").count(), 2);
    // Tenant keys are tags, every other relation a line.
    let drawn = d.relations.iter().filter(|r| !r.tenant_key).count();
    assert_eq!(svg.matches("class=\"erd-relation").count(), drawn, "{svg}");
    let scoped = d.entities.iter().filter(|e| e.tenant_scope.is_some()).count();
    assert_eq!(svg.matches("class=\"erd-tenant-scoped\"").count(), scoped, "{svg}");
    let analysis = Analysis::new(&schema);
    let bad = Diagram::new(&analysis, &ErdOptions::default().with_entities(["Nope"]));
    let Err(diags) = bad else { panic!("unknown entity accepted") };
    assert_eq!(diags[0].message, "the ERD options name `Nope`, which is not an entity");
}

#[test]
fn the_svg_tags_tenant_scoped_tables_instead_of_drawing_their_tenant_keys() {
    let schema = fixture();
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &ErdOptions::default()).unwrap();
    let scoped: Vec<&str> =
        schema.entities.iter().filter(|e| e.tenant_scope.is_some()).map(|e| e.table.as_str()).collect();
    assert!(scoped.len() >= 3, "{scoped:?}");
    let tenant_keys: Vec<&Relation> = d.relations.iter().filter(|r| r.tenant_key).collect();
    assert_eq!(tenant_keys.len(), scoped.len(), "one tenant key per scoped table");
    assert!(tenant_keys.iter().all(|r| r.parent == "organizations" && r.columns == "organization_id"));

    let svg = svg::render(&d);
    assert_eq!(svg.matches("class=\"erd-relation").count(), d.relations.len() - scoped.len(), "{svg}");
    assert!(!svg.contains("-&gt; organizations: organization_id</title></path>"), "no tenant line: {svg}");
    for table in &scoped {
        let group = svg.split(&format!("id=\"entity-{table}\"")).nth(1).expect("box").split("</g>").next().unwrap();
        assert!(
            group.contains(
                "<text class=\"erd-tenant-scoped\" x=\""
            ) && group.contains("<title>organization_id: the tenant key, a foreign key to organizations (not drawn as a line)</title>per organization</text>"),
            "{table}: {group}"
        );
    }
    // The tenant's own box and the unscoped junction carry no tag; Mermaid keeps every line.
    assert_eq!(svg.matches("class=\"erd-tenant-scoped\"").count(), scoped.len());
    let mmd = mermaid::render(&d);
    for table in &scoped {
        assert!(mmd.contains(&format!("    organizations ||--o{{ {table} : \"organization_id\"")), "{table}\n{mmd}");
    }
}

#[test]
fn boxes_never_overlap_and_output_is_stable() {
    let schema = fixture();
    let analysis = Analysis::new(&schema);
    let d = Diagram::new(&analysis, &ErdOptions::default()).unwrap();
    let a = svg::render(&d);
    assert_eq!(a, svg::render(&d));
    let sizes: Vec<layout::NodeSize> =
        (0..10).map(|i| layout::NodeSize { width: 100 + 10 * i, height: 40 + 15 * (i % 4) }).collect();
    let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 4), (4, 5), (5, 6), (0, 6), (7, 6), (8, 9), (3, 3)];
    let placed = layout::layout(&sizes, &edges);
    for (i, a) in placed.boxes.iter().enumerate() {
        for b in &placed.boxes[i + 1..] {
            let apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    assert!(placed.routes[10].is_none(), "self-reference is a loop");
    // A long edge (0 -> 6) runs through reserved slots, never through a box.
    for route in placed.routes.iter().flatten() {
        for pair in route.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
            if x1 == x2 {
                for b in &placed.boxes {
                    let inside_x = x1 > b.x && x1 < b.x + b.width;
                    let overlaps_y = y1.min(y2) < b.y + b.height && y1.max(y2) > b.y;
                    assert!(!(inside_x && overlaps_y), "vertical run {pair:?} crosses {b:?}");
                }
            }
        }
    }
}
