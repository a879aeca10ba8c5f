use tablewright::prelude::*;

#[entity]
#[index(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q)]
pub struct Wide {
    #[id]
    pub id: Uuid,
    pub a: i32, pub b: i32, pub c: i32, pub d: i32, pub e: i32, pub f: i32,
    pub g: i32, pub h: i32, pub i: i32, pub j: i32, pub k: i32, pub l: i32,
    pub m: i32, pub n: i32, pub o: i32, pub p: i32, pub q: i32,
}

fn main() {}
