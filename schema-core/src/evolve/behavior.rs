//! Database behaviour between two schemas: the triggers, trigger functions,
//! grants, functions and policies that changed, compared as units
//! ([`BehaviorUnit`]) rather than as text of a whole script.
//!
//! A step drops what changed or went away before it touches the structure
//! (so every object is dropped under the names it was created with, before
//! a table is renamed or dropped) and creates what changed or is new after.
//! A trigger whose function is dropped and created again is too; a
//! replaceable unit (`CREATE OR REPLACE FUNCTION`) that changed runs again
//! without being dropped, so the policies that call it stay.

use std::collections::BTreeMap;

use crate::emit::sql::parts::BehaviorUnit;

/// The statements a step runs for behaviour: `drop` before the structure
/// changes, `create` after.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BehaviorChange {
    pub drop: Vec<String>,
    pub create: Vec<String>,
}

/// Compares the units of two schemas. `recreate_all` drops and creates every
/// unit (SQLite, when a table is rebuilt: its triggers go with it).
/// `keep_order` recreates every trigger of a table one of whose triggers
/// changes (MySQL/MariaDB run the triggers of one event in creation order,
/// and a fresh database has them in the schema's order).
pub fn compare(old: &[BehaviorUnit], new: &[BehaviorUnit], recreate_all: bool, keep_order: bool) -> BehaviorChange {
    let old_by_key: BTreeMap<&str, &BehaviorUnit> = old.iter().map(|u| (u.key.as_str(), u)).collect();
    let new_by_key: BTreeMap<&str, &BehaviorUnit> = new.iter().map(|u| (u.key.as_str(), u)).collect();
    let changed = |u: &BehaviorUnit| new_by_key.get(u.key.as_str()).is_none_or(|n| n.up != u.up);

    // Units dropped (old order, reversed on output): gone, or changed and not
    // replaceable in place.
    let mut dropped: Vec<&BehaviorUnit> = old
        .iter()
        .filter(|u| recreate_all || (changed(u) && !(u.replaceable && new_by_key.contains_key(u.key.as_str()))))
        .collect();
    // A trigger executing a dropped function goes too.
    let dropped_functions: Vec<String> = dropped.iter().filter_map(|u| function_dropped(u)).collect();
    for u in old {
        if !dropped.iter().any(|d| d.key == u.key)
            && dropped_functions.iter().any(|f| u.up.iter().any(|s| s.contains(f)))
        {
            dropped.push(u);
        }
    }
    // A table whose triggers change, in MySQL: all of them, in order.
    let mut touched: Vec<&str> = Vec::new();
    if keep_order {
        touched.extend(dropped.iter().filter_map(|u| u.table.as_deref()));
        touched.extend(
            new.iter()
                .filter(|u| old_by_key.get(u.key.as_str()).is_none_or(|b| b.up != u.up))
                .filter_map(|u| u.table.as_deref()),
        );
        for u in old {
            if u.table.as_deref().is_some_and(|t| touched.contains(&t)) && !dropped.iter().any(|d| d.key == u.key) {
                dropped.push(u);
            }
        }
    }
    let dropped_keys: Vec<&str> = dropped.iter().map(|u| u.key.as_str()).collect();
    let mut drop = Vec::new();
    for u in old.iter().rev().filter(|u| dropped_keys.contains(&u.key.as_str())) {
        drop.extend(u.down.iter().cloned());
    }

    let mut create = Vec::new();
    for u in new {
        let before = old_by_key.get(u.key.as_str());
        let again = recreate_all
            || dropped_keys.contains(&u.key.as_str())
            || before.is_none_or(|b| b.up != u.up)
            || u.table.as_deref().is_some_and(|t| touched.contains(&t));
        if again {
            create.extend(u.up.iter().cloned());
        }
    }
    BehaviorChange { drop, create }
}

/// `EXECUTE FUNCTION "name"(` of a trigger function a unit drops.
fn function_dropped(unit: &BehaviorUnit) -> Option<String> {
    let down = unit.down.first()?;
    let name = down.strip_prefix("DROP FUNCTION IF EXISTS ")?.strip_suffix("()")?;
    Some(format!("EXECUTE FUNCTION {name}("))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(key: &str, up: &str, down: &str) -> BehaviorUnit {
        BehaviorUnit { key: key.into(), up: vec![up.into()], down: vec![down.into()], replaceable: false, table: None }
    }

    #[test]
    fn changed_units_are_dropped_in_reverse_and_created_in_order() {
        let f1 = unit("f", "CREATE FUNCTION \"f\"() v1", "DROP FUNCTION IF EXISTS \"f\"()");
        let t1 = unit("t", "CREATE TRIGGER t ... EXECUTE FUNCTION \"f\"()", "DROP TRIGGER t");
        let other = unit("o", "CREATE TRIGGER o", "DROP TRIGGER o");
        let f2 = unit("f", "CREATE FUNCTION \"f\"() v2", "DROP FUNCTION IF EXISTS \"f\"()");
        let old = vec![f1.clone(), t1.clone(), other.clone()];
        let new = vec![f2.clone(), t1.clone(), other.clone()];
        let change = compare(&old, &new, false, false);
        // The trigger on the changed function goes first, then the function.
        assert_eq!(change.drop, ["DROP TRIGGER t", "DROP FUNCTION IF EXISTS \"f\"()"]);
        assert_eq!(change.create, ["CREATE FUNCTION \"f\"() v2", "CREATE TRIGGER t ... EXECUTE FUNCTION \"f\"()"]);
        assert_eq!(compare(&old, &old, false, false), BehaviorChange::default());
        assert_eq!(compare(&old, &old, true, false).create.len(), 3);
    }

    #[test]
    fn replaceable_units_run_again_without_a_drop() {
        let mut a = unit("rls:function f", "CREATE OR REPLACE FUNCTION f() 1", "DROP FUNCTION IF EXISTS f() CASCADE");
        a.replaceable = true;
        let mut b = a.clone();
        b.up = vec!["CREATE OR REPLACE FUNCTION f() 2".into()];
        let change = compare(&[a.clone()], &[b], false, false);
        assert!(change.drop.is_empty(), "{change:?}");
        assert_eq!(change.create, ["CREATE OR REPLACE FUNCTION f() 2"]);
        // Gone: dropped.
        assert_eq!(compare(&[a], &[], false, false).drop, ["DROP FUNCTION IF EXISTS f() CASCADE"]);
    }
}
