//! Applications that depend on the `tablewright` facade compile no parser:
//! syn is needed only by the proc macros (built for the host), never by the
//! runtime code that links into the application.

use std::process::Command;

/// `cargo tree` over the facade's normal dependencies, proc macros left out,
/// must not reach syn (nor quote/proc-macro2, which only a parser needs).
#[test]
fn the_runtime_facade_does_not_depend_on_syn() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "-p", "tablewright", "-e", "normal,no-proc-macro", "--prefix", "none"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    assert!(tree.contains("tablewright-core"), "unexpected cargo tree output:\n{tree}");
    for parser in ["syn ", "quote ", "proc-macro2 "] {
        assert!(
            !tree.lines().any(|l| l.starts_with(parser)),
            "the runtime facade depends on `{}`:\n{tree}",
            parser.trim()
        );
    }
}
