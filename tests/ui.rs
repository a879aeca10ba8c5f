//! Compile-time behaviour of the macros: what compiles, and what each mistake
//! prints. One mistake per file, grouped by kind; the `.stderr` files are the
//! expected messages (regenerate with `TRYBUILD=overwrite`, then read them).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    for category in [
        "attribute",
        "types",
        "keys",
        "relations",
        "index",
        "defaults",
        "column",
        "enum",
        "tenant",
        "access",
        "shape",
        "errors",
        "limits",
        "fragment",
    ] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
}
