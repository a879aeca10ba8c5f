//! The ERDs of the showcase and the examples: the `.mmd` parsed by mermaid's
//! own parser (Node, `tools/node`), entity and relation counts checked
//! against the model, the SVG parsed as XML with one box per entity, one
//! connector per relation but the tenant keys, and a tag on each
//! tenant-scoped box instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use tablewright::build::Builder;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every crate with a committed `generated/erd/`: the showcase and the examples.
fn crates() -> Vec<PathBuf> {
    let mut out = vec![root()];
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("generated/erd/erd.mmd").is_file())
        .collect();
    examples.sort();
    out.extend(examples);
    out
}

/// What the model says the ERDs must draw.
struct Expected {
    entities: usize,
    /// Foreign keys and polymorphic targets: Mermaid's lines.
    relations: usize,
    /// Tables scoped to a tenant, each with one tenant key: tags in the SVG.
    tenant_scoped: usize,
}

fn expected_counts(krate: &Path) -> Expected {
    let artifacts = Builder::new()
        .with_crate_dir(krate)
        .with_out_dir("generated")
        .generate()
        .unwrap_or_else(|e| panic!("{}: {e}", krate.display()));
    let snapshot = artifacts.get("migrations/schema.snapshot.json").expect("snapshot");
    let schema: serde_json::Value = serde_json::from_slice(&snapshot.contents).expect("snapshot json");
    let entities = schema["entities"].as_array().expect("entities");
    let table_of = |name: &serde_json::Value| entities.iter().find(|e| &e["name"] == name).map(|e| &e["table"]);
    let (mut relations, mut tenant_scoped) = (0, 0);
    for e in entities {
        // The snapshot leaves empty lists out.
        let foreign_keys = e["foreign_keys"].as_array().map_or(&[][..], Vec::as_slice);
        relations += foreign_keys.len();
        for link in e["polymorphic"].as_array().into_iter().flatten() {
            relations += link["targets"].as_array().map_or(0, Vec::len);
        }
        let scope = &e["tenant_scope"];
        if !scope.is_null() {
            tenant_scoped += 1;
            let tenant_keys = foreign_keys
                .iter()
                .filter(|fk| {
                    fk["columns"] == serde_json::json!([scope["column"]])
                        && Some(&fk["target_table"]) == table_of(&scope["tenant"])
                })
                .count();
            assert_eq!(tenant_keys, 1, "{}: one tenant key to the tenant", e["table"]);
        }
    }
    Expected { entities: entities.len(), relations, tenant_scoped }
}

#[test]
fn mermaid_parses_the_erds_and_counts_match_the_model() {
    let node_dir = root().join("tools/node");
    assert!(node_dir.join("node_modules/mermaid").is_dir(), "run `npm ci` in tools/node first (scripts/test does it)");
    for krate in crates() {
        let mmd_path = krate.join("generated/erd/erd.mmd");
        let out =
            Command::new("node").arg(node_dir.join("mermaid-parse.mjs")).arg(&mmd_path).output().expect("node runs");
        assert!(
            out.status.success(),
            "mermaid rejected {}:\n{}{}",
            mmd_path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(": ok er"), "{}", String::from_utf8_lossy(&out.stdout));

        let mmd = std::fs::read_to_string(&mmd_path).expect("mmd");
        let entities = mmd
            .lines()
            .filter(|l| l.starts_with("    ") && !l.starts_with("        ") && !l.contains(':') && l.trim() != "}")
            .count();
        let relations = mmd.lines().filter(|l| l.contains("--o{") || l.contains("..o{")).count();
        let expected = expected_counts(&krate);
        assert_eq!((entities, relations), (expected.entities, expected.relations), "{}", mmd_path.display());
    }
}

#[test]
fn the_svg_has_one_box_per_entity_one_connector_per_relation_and_tags_for_tenant_keys() {
    for krate in crates() {
        let path = krate.join("generated/erd/erd.svg");
        let text = std::fs::read_to_string(&path).expect("svg");
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let classes = |class: &str| {
            doc.descendants()
                .filter(|n| n.attribute("class").is_some_and(|c| c.split(' ').any(|c| c == class)))
                .collect::<Vec<_>>()
        };
        let boxes = classes("erd-entity");
        let connectors = classes("erd-relation");
        let tags = classes("erd-tenant-scoped");
        let expected = expected_counts(&krate);
        assert_eq!(
            (boxes.len(), connectors.len(), tags.len()),
            (expected.entities, expected.relations - expected.tenant_scoped, expected.tenant_scoped),
            "{}",
            path.display()
        );
        for tag in &tags {
            assert!(tag.parent().is_some_and(|g| g.attribute("class") == Some("erd-entity")), "{tag:?} inside a box");
        }
        for c in &connectors {
            assert_eq!(c.tag_name().name(), "path");
            // The crow's foot is at the child's end, which is the start of the path
            // when a cycle puts the child above its parent.
            let many = |end: &str| c.attribute(end).is_some_and(|m| m.contains("many"));
            assert!(many("marker-end") || many("marker-start"), "crow's foot on {c:?}");
        }
        // Boxes never overlap.
        let rects: Vec<(i64, i64, i64, i64)> = boxes
            .iter()
            .map(|g| {
                let r = g.children().find(|n| n.has_tag_name("rect")).expect("box rect");
                let n = |a: &str| r.attribute(a).and_then(|v| v.parse::<i64>().ok()).expect("integer coordinate");
                (n("x"), n("y"), n("width"), n("height"))
            })
            .collect();
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                let apart = a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
                assert!(apart, "{}: boxes {a:?} and {b:?} overlap", path.display());
            }
        }
    }
}

#[test]
fn review_md_is_written_and_the_showcase_is_clean() {
    let review = std::fs::read_to_string(root().join("generated/review.md")).expect("review.md");
    assert!(review.starts_with("# Schema review\n"), "{review}");
    assert!(review.contains("\n0 findings to review in 0 tables, "), "{review}");
}
