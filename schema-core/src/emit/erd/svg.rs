//! `erd.svg`: boxes with the table name and its columns, connectors with
//! crow's-foot ends, placed by [`super::layout`].
//!
//! Each box is a `<g class="erd-entity">`, each relation one
//! `<path class="erd-relation ...">`, so tools (and the tests) can count them.
//! Text is monospace, so box widths follow from character counts without
//! font metrics. Coordinates are whole pixels.
//!
//! Tenant keys are the exception: in a multi-tenant schema every
//! `#[tenant_scoped]` table has a key to the tenant, and drawn as lines they
//! bury the schema's own relations under one fan into a single box (and each
//! line spanning many ranks costs the layout a slot on every rank it
//! crosses: tables times depth). So the SVG leaves them out and tags the
//! table's box `per organization` (`<text class="erd-tenant-scoped">`, its
//! `<title>` naming the key); `erd.mmd` keeps every relation.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::layout::{self, NodeSize, Rect};
use super::{Diagram, Relation, RelationKind, key_markers, type_label};

const CHAR_W: f64 = 7.3;
const TITLE_CHAR_W: f64 = 8.2;
const HEADER_H: i64 = 28;
/// The tenant tag's line under the title.
const TAG_H: i64 = 14;
const TAG_CHAR_W: f64 = 6.1;
const ROW_H: i64 = 18;
const PAD: i64 = 10;
const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

struct Row {
    keys: String,
    name: String,
    ty: String,
}

fn rows(d: &Diagram, i: usize) -> Vec<Row> {
    if d.hide_columns {
        return Vec::new();
    }
    let e = d.entities[i];
    e.columns
        .iter()
        .map(|c| Row {
            keys: key_markers(e, &c.name).join(","),
            name: if c.nullable { format!("{}?", c.name) } else { c.name.clone() },
            ty: type_label(d.analysis, c),
        })
        .collect()
}

fn chars(s: &str) -> f64 {
    s.chars().count() as f64
}

/// Widths of the key, name and type columns of a box.
fn columns(rows: &[Row]) -> (f64, f64, f64) {
    let key = rows.iter().map(|r| chars(&r.keys)).fold(0.0, f64::max) * CHAR_W;
    let name = rows.iter().map(|r| chars(&r.name)).fold(0.0, f64::max) * CHAR_W;
    let ty = rows.iter().map(|r| chars(&r.ty)).fold(0.0, f64::max) * CHAR_W;
    (key, name, ty)
}

/// `per organization` for a table scoped to `Organization`.
fn tenant_tag(d: &Diagram, i: usize) -> Option<String> {
    let scope = d.entities[i].tenant_scope.as_ref()?;
    Some(format!("per {}", crate::naming::snake_case(&scope.tenant).replace('_', " ")))
}

fn header_height(tag: Option<&str>) -> i64 {
    HEADER_H + if tag.is_some() { TAG_H } else { 0 }
}

fn size(d: &Diagram, i: usize, rows: &[Row], tag: Option<&str>) -> NodeSize {
    let title = chars(&d.entities[i].table) * TITLE_CHAR_W;
    let tag_w = tag.map_or(0.0, |t| chars(t) * TAG_CHAR_W);
    let (key, name, ty) = columns(rows);
    let body = if rows.is_empty() { 0.0 } else { key + 8.0 + name + 20.0 + ty };
    let width = (title.max(tag_w).max(body) + 2.0 * PAD as f64).ceil() as i64;
    let height = header_height(tag) + if rows.is_empty() { 0 } else { rows.len() as i64 * ROW_H + 8 };
    NodeSize { width: width.max(96), height }
}

/// Marker definitions. Start markers sit on the parent's side (the path
/// leaves the parent there), end markers on the child's side; with
/// `orient="auto"` the x axis points along the path at that end.
fn markers(out: &mut String) {
    let stroke = r##"fill="none" stroke="#334155" stroke-width="1.4""##;
    let marker = |out: &mut String, id: &str, body: &str| {
        let _ = writeln!(
            out,
            r#"    <marker id="{id}" viewBox="-24 -10 48 20" refX="0" refY="0" markerWidth="48" markerHeight="20" markerUnits="userSpaceOnUse" orient="auto">{body}</marker>"#
        );
    };
    // Exactly one: two bars across the line.
    marker(out, "one-start", &format!(r#"<path d="M8,-7 L8,7 M13,-7 L13,7" {stroke}/>"#));
    marker(out, "one-end", &format!(r#"<path d="M-8,-7 L-8,7 M-13,-7 L-13,7" {stroke}/>"#));
    // Zero or one: a bar and a ring.
    marker(
        out,
        "zero-or-one-start",
        &format!(
            r##"<path d="M8,-7 L8,7" {stroke}/><circle cx="17" cy="0" r="4" fill="#ffffff" stroke="#334155" stroke-width="1.4"/>"##
        ),
    );
    marker(
        out,
        "zero-or-one-end",
        &format!(
            r##"<path d="M-8,-7 L-8,7" {stroke}/><circle cx="-17" cy="0" r="4" fill="#ffffff" stroke="#334155" stroke-width="1.4"/>"##
        ),
    );
    // Zero or many: a crow's foot and a ring.
    marker(
        out,
        "zero-or-many-end",
        &format!(
            r##"<path d="M-13,0 L0,-7 M-13,0 L0,7 M-13,0 L0,0" {stroke}/><circle cx="-18" cy="0" r="4" fill="#ffffff" stroke="#334155" stroke-width="1.4"/>"##
        ),
    );
    marker(
        out,
        "zero-or-many-start",
        &format!(
            r##"<path d="M13,0 L0,-7 M13,0 L0,7 M13,0 L0,0" {stroke}/><circle cx="18" cy="0" r="4" fill="#ffffff" stroke="#334155" stroke-width="1.4"/>"##
        ),
    );
}

fn draw_box(out: &mut String, d: &Diagram, i: usize, r: Rect, rows: &[Row], tag: Option<&str>) {
    let e = d.entities[i];
    let header = header_height(tag);
    let _ = writeln!(out, r#"  <g class="erd-entity" id="entity-{}">"#, esc(&e.table));
    if let Some(doc) = &e.doc {
        let _ = writeln!(out, "    <title>{}: {}</title>", esc(&e.table), esc(&super::first_sentence(doc)));
    }
    let _ = writeln!(
        out,
        r##"    <rect x="{}" y="{}" width="{}" height="{}" rx="5" fill="#ffffff" stroke="#475569" stroke-width="1.2"/>"##,
        r.x, r.y, r.width, r.height
    );
    let header_fill = if e.junction.is_some() { "#ede9fe" } else { "#dbeafe" };
    let _ = writeln!(
        out,
        r##"    <path d="M{x},{yb} L{x},{y5} Q{x},{y} {x5},{y} L{xr5},{y} Q{xr},{y} {xr},{y5} L{xr},{yb} Z" fill="{header_fill}" stroke="#475569" stroke-width="1.2"/>"##,
        x = r.x,
        y = r.y,
        x5 = r.x + 5,
        y5 = r.y + 5,
        xr = r.x + r.width,
        xr5 = r.x + r.width - 5,
        yb = r.y + header,
    );
    let _ = writeln!(
        out,
        r##"    <text x="{}" y="{}" text-anchor="middle" font-weight="bold" font-size="13" fill="#0f172a">{}</text>"##,
        r.x + r.width / 2,
        r.y + 19,
        esc(&e.table)
    );
    if let (Some(tag), Some(scope)) = (tag, &e.tenant_scope) {
        let _ = writeln!(
            out,
            r##"    <text class="erd-tenant-scoped" x="{}" y="{}" text-anchor="middle" font-size="10" fill="#1d4ed8"><title>{}: the tenant key, a foreign key to {} (not drawn as a line)</title>{}</text>"##,
            r.x + r.width / 2,
            r.y + 19 + TAG_H,
            esc(&scope.column),
            esc(super::tenant_table(d.analysis, scope)),
            esc(tag)
        );
    }
    let (key_w, _, _) = columns(rows);
    for (k, row) in rows.iter().enumerate() {
        let y = r.y + header + 4 + (k as i64 + 1) * ROW_H - 5;
        if !row.keys.is_empty() {
            let _ = writeln!(
                out,
                r##"    <text x="{}" y="{y}" font-size="11" fill="#b45309">{}</text>"##,
                r.x + PAD,
                esc(&row.keys)
            );
        }
        let name_x = r.x + PAD + if key_w > 0.0 { (key_w + 8.0).round() as i64 } else { 0 };
        let _ = writeln!(
            out,
            r##"    <text x="{name_x}" y="{y}" font-size="12" fill="#0f172a">{}</text>"##,
            esc(&row.name)
        );
        let _ = writeln!(
            out,
            r##"    <text x="{}" y="{y}" text-anchor="end" font-size="12" fill="#64748b">{}</text>"##,
            r.x + r.width - PAD,
            esc(&row.ty)
        );
    }
    out.push_str("  </g>\n");
}

/// The SVG path through a route: vertical runs inside rank bands, S-curves
/// across the gaps between them.
fn path_data(points: &[(i64, i64)]) -> String {
    let mut d = format!("M{},{}", points[0].0, points[0].1);
    for (k, pair) in points.windows(2).enumerate() {
        let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
        if k % 2 == 0 {
            if (x1, y1) != (x2, y2) {
                let _ = write!(d, " L{x2},{y2}");
            }
        } else {
            let mid = (y1 + y2) / 2;
            let _ = write!(d, " C{x1},{mid} {x2},{mid} {x2},{y2}");
        }
    }
    d
}

pub(super) fn render(d: &Diagram) -> String {
    let all_rows: Vec<Vec<Row>> = (0..d.entities.len()).map(|i| rows(d, i)).collect();
    let tags: Vec<Option<String>> = (0..d.entities.len()).map(|i| tenant_tag(d, i)).collect();
    let sizes: Vec<NodeSize> = (0..d.entities.len()).map(|i| size(d, i, &all_rows[i], tags[i].as_deref())).collect();
    let index: HashMap<&str, usize> = d.entities.iter().enumerate().map(|(i, e)| (e.table.as_str(), i)).collect();
    // Both ends are drawn entities: `Diagram::new` keeps no other relation.
    let (relations, edges): (Vec<&Relation>, Vec<(usize, usize)>) = d
        .relations
        .iter()
        .filter(|r| !r.tenant_key)
        .filter_map(|r| Some((r, (*index.get(r.parent.as_str())?, *index.get(r.child.as_str())?))))
        .unzip();
    let placed = layout::layout(&sizes, &edges);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
        w = placed.width,
        h = placed.height
    );
    out.push_str("  <title>Entity-relationship diagram</title>\n  <defs>\n");
    markers(&mut out);
    out.push_str("  </defs>\n");
    let _ = writeln!(out, r##"  <rect width="{}" height="{}" fill="#f8fafc"/>"##, placed.width, placed.height);

    // Connectors first, so boxes are drawn over their ends.
    for (k, r) in relations.iter().enumerate() {
        let parent_marker = if r.optional { "zero-or-one" } else { "one" };
        let (class, dash) = match r.kind {
            RelationKind::ForeignKey => ("erd-relation foreign-key", ""),
            RelationKind::Junction => ("erd-relation many-to-many", ""),
            RelationKind::Polymorphic => ("erd-relation polymorphic", r#" stroke-dasharray="6 4""#),
        };
        let title = format!("{} -> {}: {}", r.child, r.parent, r.label());
        let (data, start, end, label_at) = match &placed.routes[k] {
            Some(route) => {
                let (start, end) = if route.reversed {
                    ("zero-or-many-start".to_string(), format!("{parent_marker}-end"))
                } else {
                    (format!("{parent_marker}-start"), "zero-or-many-end".to_string())
                };
                let label_at = route.points.get(1..3).map(|p| ((p[0].0 + p[1].0) / 2, (p[0].1 + p[1].1) / 2));
                (path_data(&route.points), start, end, label_at)
            }
            None => {
                // A self-reference: a loop on the box's right side.
                let b = placed.boxes[edges[k].0];
                let (x, y1, y2) = (b.x + b.width, b.y + 10, b.y + header_height(tags[edges[k].0].as_deref()) + 10);
                (
                    format!("M{x},{y1} C{},{y1} {},{y2} {x},{y2}", x + 44, x + 44),
                    format!("{parent_marker}-start"),
                    "zero-or-many-end".to_string(),
                    None,
                )
            }
        };
        let _ = writeln!(
            out,
            r##"  <path class="{class}" d="{data}" fill="none" stroke="#334155" stroke-width="1.4"{dash} marker-start="url(#{start})" marker-end="url(#{end})"><title>{}</title></path>"##,
            esc(&title)
        );
        if r.kind != RelationKind::ForeignKey
            && let Some((x, y)) = label_at
        {
            let text = if r.kind == RelationKind::Polymorphic { "polymorphic" } else { "many-to-many" };
            let _ = writeln!(
                out,
                r##"  <text x="{x}" y="{y}" text-anchor="middle" font-size="10" fill="#6d28d9" stroke="#f8fafc" stroke-width="3" paint-order="stroke">{text}</text>"##
            );
        }
    }
    for (i, rect) in placed.boxes.iter().enumerate() {
        draw_box(&mut out, d, i, *rect, &all_rows[i], tags[i].as_deref());
    }
    out.push_str("</svg>\n");
    out
}
