//! The schema snapshot: the transformed model as pretty JSON, written beside
//! the migrations. Schema evolution diffs the next model against it, so it
//! must be byte-stable: serde field order, model list order (normalized),
//! two-space indentation, a trailing newline, and no source locations.

use super::{Artifact, Context, Emitted, Emitter};
use crate::diagnostics::Diagnostic;
use crate::model::{Location, Schema};

/// Where the snapshot goes, relative to the output directory.
pub const SNAPSHOT_PATH: &str = "migrations/schema.snapshot.json";

/// The snapshot emitter: `migrations/schema.snapshot.json`.
pub struct Snapshot;

impl Emitter for Snapshot {
    fn name(&self) -> &'static str {
        "snapshot"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        match to_json(cx.schema()) {
            Ok(json) => out.artifacts.push(Artifact::text(SNAPSHOT_PATH, json)),
            Err(e) => out
                .diagnostics
                .push(Diagnostic::error(&Location::default(), format!("could not serialize the schema snapshot: {e}"))),
        }
    }
}

/// The snapshot text of a schema.
///
/// ```
/// use tablewright_core::emit::snapshot::{from_json, to_json};
/// use tablewright_core::model::Schema;
/// let json = to_json(&Schema::default()).unwrap();
/// assert_eq!(
///     json,
///     "{\n  \"enums\": [],\n  \"entities\": [],\n  \"postgres_now\": \"now\",\n  \"membership_read\": \"owner_policy\"\n}\n"
/// );
/// assert_eq!(from_json(&json).unwrap(), Schema::default());
/// ```
pub fn to_json(schema: &Schema) -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(schema)?;
    json.push('\n');
    Ok(json)
}

/// Reads a snapshot back (source locations come back empty).
pub fn from_json(json: &str) -> Result<Schema, serde_json::Error> {
    serde_json::from_str(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::test_fixture;

    #[test]
    fn snapshot_round_trips_and_has_no_locations() {
        let schema = test_fixture();
        let mut out = Emitted::default();
        Snapshot.emit(&Context::new(&schema, &crate::emit::EmitOptions::default()), &mut out);
        assert!(out.diagnostics.is_empty());
        let [artifact] = out.artifacts.as_slice() else { panic!("one artifact") };
        assert_eq!(artifact.path.to_str(), Some(SNAPSHOT_PATH));
        let text = String::from_utf8(artifact.contents.clone()).unwrap();
        assert!(text.ends_with("}\n"));
        assert!(text.starts_with("{\n  \"enums\": [\n"));
        assert!(!text.contains("location"));
        assert!(!text.contains("schema.rs"));

        let mut back = from_json(&text).unwrap();
        // Locations are not serialized; compare with them cleared.
        let mut expected = schema.clone();
        clear_locations(&mut expected);
        clear_locations(&mut back);
        assert_eq!(back, expected);
        assert_eq!(to_json(&back).unwrap(), text);
    }

    #[test]
    fn a_snapshot_recorded_before_the_respelling_reads_back_as_current_timestamp() {
        let old = from_json("{\n  \"enums\": [],\n  \"entities\": []\n}\n").unwrap();
        assert_eq!(old.postgres_now, crate::model::PostgresNow::CurrentTimestamp);
        assert_eq!(Schema::default().postgres_now, crate::model::PostgresNow::Now);
        let current = to_json(&Schema::default()).unwrap();
        assert_eq!(from_json(&current).unwrap().postgres_now, crate::model::PostgresNow::Now);
    }

    #[test]
    fn a_snapshot_recorded_before_the_membership_read_policy_reads_back_without_it() {
        use crate::model::MembershipRead;
        let old = from_json("{\n  \"enums\": [],\n  \"entities\": []\n}\n").unwrap();
        assert_eq!(old.membership_read, MembershipRead::TenantPoliciesOnly);
        assert_eq!(Schema::default().membership_read, MembershipRead::OwnerPolicy);
        let current = to_json(&Schema::default()).unwrap();
        assert_eq!(from_json(&current).unwrap().membership_read, MembershipRead::OwnerPolicy);
    }

    fn clear_locations(schema: &mut Schema) {
        for e in &mut schema.enums {
            e.location = Location::default();
        }
        for e in &mut schema.entities {
            e.location = Location::default();
            e.columns.iter_mut().for_each(|c| c.location = Location::default());
            e.foreign_keys.iter_mut().for_each(|c| c.location = Location::default());
            e.indexes.iter_mut().for_each(|c| c.location = Location::default());
            e.checks.iter_mut().for_each(|c| c.location = Location::default());
        }
    }
}
