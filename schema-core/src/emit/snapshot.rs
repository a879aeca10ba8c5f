//! The schema snapshot. (Being written.)
use super::{EmitOptions, Emitted, Emitter};
use crate::model::Schema;

pub struct Snapshot;

impl Emitter for Snapshot {
    fn name(&self) -> &'static str {
        "snapshot"
    }
    fn emit(&self, _schema: &Schema, _options: &EmitOptions, _out: &mut Emitted) {}
}
