//! The showcase's build script, written exactly as a user writes one: scan
//! `src/`, check the whole schema, write everything into `generated/`.

fn main() {
    tablewright::build::Builder::new().run();
}
