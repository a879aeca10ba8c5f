//! SQL migrations per dialect. (Being written.)
use super::{EmitOptions, Emitted, Emitter};
use crate::model::Schema;

pub struct SqlMigrations;

impl Emitter for SqlMigrations {
    fn name(&self) -> &'static str {
        "sql"
    }
    fn emit(&self, _schema: &Schema, _options: &EmitOptions, _out: &mut Emitted) {}
}
