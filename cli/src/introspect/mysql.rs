//! mysql: not read yet.

use tablewright_core::model::Schema;

use super::Facts;
use crate::db::{Connection, DbError};

/// Reads the database into a raw model.
pub fn read(_conn: &mut Connection) -> Result<(Schema, Facts, Vec<String>), DbError> {
    Err(DbError("importing a mysql database is not supported yet".into()))
}
