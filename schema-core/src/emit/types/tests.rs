//! Unit tests of the type emitters on the SQL emitters' fixture schema.

use super::*;
use crate::emit::sql::test_fixture;

fn emit(schema: &Schema) -> Emitted {
    let mut out = Emitted::default();
    TypeDefinitions.emit(schema, &EmitOptions::default(), &mut out);
    out
}

fn file<'a>(out: &'a Emitted, path: &str) -> &'a str {
    let a = out.artifacts.iter().find(|a| a.path.to_str() == Some(path)).expect(path);
    std::str::from_utf8(&a.contents).expect("utf-8")
}

#[test]
fn fixture_renders() {
    let out = emit(&test_fixture());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    println!("{}", file(&out, TYPESCRIPT_PATH));
    println!("{}", file(&out, PYDANTIC_PATH));
    println!("{}", file(&out, DATACLASSES_PATH));
}
