//! `erd.mmd`: a Mermaid `erDiagram`.
//!
//! Entities are named by table (`[A-Za-z0-9_-]`, valid Mermaid names).
//! Attribute types use Mermaid's type alphabet (see [`super::type_label`]);
//! comments and labels are double-quoted strings, which in Mermaid's grammar
//! cannot contain `"`: those become `'`.
//!
//! Relations are written parent first: `projects ||--o{ tasks : "project_id"`
//! (exactly one parent, or `|o` zero-or-one for a nullable key; zero or many
//! children). Foreign keys are solid lines; polymorphic links, which have no
//! constraint in the database, are dotted: `tasks |o..o{ attachments`.

use std::fmt::Write as _;

use super::{Diagram, RelationKind, first_sentence, key_markers, type_label};

/// A Mermaid string's body: one line, no `"`.
fn quoted(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", one_line.replace('"', "'"))
}

pub(super) fn render(d: &Diagram) -> String {
    let mut out = String::from("erDiagram\n");
    for e in &d.entities {
        if d.hide_columns || e.columns.is_empty() {
            let _ = writeln!(out, "    {}", e.table);
            continue;
        }
        let _ = writeln!(out, "    {} {{", e.table);
        for c in &e.columns {
            let _ = write!(out, "        {} {}", type_label(d.analysis, c), c.name);
            let keys = key_markers(e, &c.name);
            if !keys.is_empty() {
                let _ = write!(out, " {}", keys.join(", "));
            }
            if let Some(doc) = &c.doc {
                let _ = write!(out, " {}", quoted(&first_sentence(doc)));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for r in &d.relations {
        let parent_end = if r.optional { "|o" } else { "||" };
        let line = if r.kind == RelationKind::Polymorphic { ".." } else { "--" };
        let _ = writeln!(out, "    {} {parent_end}{line}o{{ {} : {}", r.parent, r.child, quoted(&r.label()));
    }
    out
}
