//! `generated/` is not stale: for the showcase and every example, what the
//! Builder produces from the sources now is byte for byte what is on disk.
//!
//! `cargo build` rewrites `generated/` (each crate's build.rs calls
//! `tablewright::build::Builder::new().run()`), so locally this fails only
//! for a crate that was not built; in CI, `scripts/test` sets
//! `TABLEWRIGHT_CHECK=1`, which makes the build scripts check instead of
//! write, so a schema change committed without its regenerated files fails.

mod common;

use tablewright::build::Builder;

#[test]
fn generated_dirs_match_the_sources() {
    let mut stale = Vec::new();
    for (name, dir) in common::crate_dirs() {
        let artifacts = Builder::new()
            .with_crate_dir(&dir)
            .generate()
            .unwrap_or_else(|e| panic!("{name}: the schema does not generate:\n{e}"));
        let report = artifacts.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        if !report.is_clean() {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let manifest = dir.join("Cargo.toml");
            let manifest = manifest.strip_prefix(root).unwrap_or(&manifest);
            stale.push(format!(
                "{name} ({}):\n{report}  bless: cargo build --manifest-path {}",
                artifacts.out_dir().display(),
                manifest.display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date with the schema (`cargo build` rewrites generated/; commit the result):\n\n{}",
        stale.join("\n\n")
    );
}

/// Two generations of one schema are byte-identical (no timestamps, no
/// hash-map order), and every crate generates at least its migrations.
#[test]
fn generation_is_deterministic() {
    for (name, dir) in common::crate_dirs() {
        let first = Builder::new().with_crate_dir(&dir).generate().unwrap_or_else(|e| panic!("{name}: {e}"));
        let second = Builder::new().with_crate_dir(&dir).generate().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(first.artifacts(), second.artifacts(), "{name}: two generations differ");
        for dialect in common::Dialect::ALL {
            let prefix = format!("migrations/{}/", dialect.dir_name());
            assert!(
                first.artifacts().iter().any(|a| a.path.to_string_lossy().starts_with(&prefix)),
                "{name}: no {prefix} artifacts"
            );
        }
    }
}
