use tablewright::prelude::*;

/// 40 columns: PostgreSQL and MariaDB allow 32 per index, MySQL 8 16.
#[entity]
#[index(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32, c33, c34, c35, c36, c37, c38, c39)]
pub struct Wide {
    #[id]
    pub id: Uuid,
    pub c0: i32,
    pub c1: i32,
    pub c2: i32,
    pub c3: i32,
    pub c4: i32,
    pub c5: i32,
    pub c6: i32,
    pub c7: i32,
    pub c8: i32,
    pub c9: i32,
    pub c10: i32,
    pub c11: i32,
    pub c12: i32,
    pub c13: i32,
    pub c14: i32,
    pub c15: i32,
    pub c16: i32,
    pub c17: i32,
    pub c18: i32,
    pub c19: i32,
    pub c20: i32,
    pub c21: i32,
    pub c22: i32,
    pub c23: i32,
    pub c24: i32,
    pub c25: i32,
    pub c26: i32,
    pub c27: i32,
    pub c28: i32,
    pub c29: i32,
    pub c30: i32,
    pub c31: i32,
    pub c32: i32,
    pub c33: i32,
    pub c34: i32,
    pub c35: i32,
    pub c36: i32,
    pub c37: i32,
    pub c38: i32,
    pub c39: i32,
}

fn main() {}
