//! The stamp of the last generation, which lets a rebuild that finds nothing
//! new stop before any emitter runs.
//!
//! Cargo reruns a build script when a file it reads changes, and also when
//! one is merely touched, when the build script is relinked or when an
//! environment variable it watches changes. Most of those reruns would
//! produce exactly the files already on disk. [`Stamp`] records, in cargo's
//! `OUT_DIR`, what the last successful generation depended on, and the
//! pipeline ([`super::pipeline::run`]) skips generation when all of it is
//! unchanged:
//!
//! - `setup`: the generator (the running build-script binary: path, size,
//!   modification time, so a rebuilt tablewright counts as new), the builder
//!   options and the output directory;
//! - `sources`: every scanned file's path and bytes. Equal: nothing is even
//!   parsed (a `touch`);
//! - `model`: the scanned schema with every source location, and the scan's
//!   diagnostics (through their derived `Hash`: every field counts). Equal although a source changed (a function body, a
//!   comment that moves no item): parsed, then stopped;
//! - `outputs`: the output directory as that generation left it: the
//!   writer's manifest and, for every file it lists, its size and
//!   modification time. A generated file edited, removed or checked out
//!   since then makes the next build generate (and, in check mode, compare)
//!   in full, so `TABLEWRIGHT_CHECK=1` still catches a hand-edited or stale
//!   tree. The writer leaves unchanged files untouched, so writing the same
//!   bytes again keeps this fingerprint.
//!
//! A missing or unreadable stamp means "generate". Hashes are 128 bits made
//! of two SipHash runs (std's, stable within a toolchain; a different
//! toolchain rebuilds the build script and its `OUT_DIR` anyway).

use std::fmt;
use std::fs;
use std::hash::Hasher as _;
use std::path::Path;

use super::writer::MANIFEST_FILE;

/// The file name of the stamp in `OUT_DIR`.
pub const STAMP_FILE: &str = "tablewright.stamp";

/// What the last successful generation depended on; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    pub setup: u128,
    pub sources: u128,
    pub model: u128,
    pub outputs: u128,
    /// Entities of that generation's schema (for the summary line).
    pub tables: usize,
    /// Warnings that generation reported (for the summary line).
    pub warnings: usize,
}

const HEADER: &str = "# tablewright: what the last generation depended on (see tablewright_core::build::stamp)";

impl Stamp {
    /// The stamp at `path`; `None` when missing or not a stamp.
    pub fn read(path: &Path) -> Option<Stamp> {
        let text = fs::read_to_string(path).ok()?;
        let mut stamp = Stamp::default();
        let mut seen = 0;
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let (key, value) = line.split_once(' ')?;
            match key {
                "setup" => stamp.setup = u128::from_str_radix(value, 16).ok()?,
                "sources" => stamp.sources = u128::from_str_radix(value, 16).ok()?,
                "model" => stamp.model = u128::from_str_radix(value, 16).ok()?,
                "outputs" => stamp.outputs = u128::from_str_radix(value, 16).ok()?,
                "tables" => stamp.tables = value.parse().ok()?,
                "warnings" => stamp.warnings = value.parse().ok()?,
                _ => return None,
            }
            seen += 1;
        }
        (seen == 6).then_some(stamp)
    }

    /// Writes the stamp to `path`. A stamp that cannot be written only
    /// costs the next build its shortcut, so the caller may ignore failure.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = format!(
            "{HEADER}\nsetup {:032x}\nsources {:032x}\nmodel {:032x}\noutputs {:032x}\ntables {}\nwarnings {}\n",
            self.setup, self.sources, self.model, self.outputs, self.tables, self.warnings
        );
        fs::write(path, text)
    }
}

/// A 128-bit hash built from two keyed runs of std's SipHash.
pub struct Fingerprint {
    a: std::hash::DefaultHasher,
    b: std::hash::DefaultHasher,
}

impl Default for Fingerprint {
    fn default() -> Self {
        let mut b = std::hash::DefaultHasher::new();
        b.write(b"tablewright fingerprint, second half");
        Fingerprint { a: std::hash::DefaultHasher::new(), b }
    }
}

impl Fingerprint {
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        // The length first, so ("ab", "c") and ("a", "bc") differ.
        self.a.write_usize(bytes.len());
        self.a.write(bytes);
        self.b.write_usize(bytes.len());
        self.b.write(bytes);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Hashes `value` through its `Hash` impl (every field: the model
    /// derives it).
    pub fn hash(&mut self, value: &impl std::hash::Hash) -> &mut Self {
        value.hash(&mut self.a);
        value.hash(&mut self.b);
        self
    }

    /// Hashes `value`'s `Debug` form, streamed (no string is built).
    pub fn debug(&mut self, value: &dyn fmt::Debug) -> &mut Self {
        struct Sink<'f>(&'f mut Fingerprint);
        impl fmt::Write for Sink<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.a.write(s.as_bytes());
                self.0.b.write(s.as_bytes());
                Ok(())
            }
        }
        let _ = fmt::write(&mut Sink(self), format_args!("{value:?}"));
        self.str("\u{0}")
    }

    pub fn finish(&self) -> u128 {
        (u128::from(self.a.finish()) << 64) | u128::from(self.b.finish())
    }
}

/// The running executable (the build script): path, size and modification
/// time. Cargo relinks it whenever tablewright or the script changes.
pub fn generator(hash: &mut Fingerprint) {
    let exe = std::env::current_exe().ok();
    let meta = exe.as_ref().and_then(|p| fs::metadata(p).ok());
    hash.debug(&exe).debug(&meta.as_ref().map(|m| (m.len(), m.modified().ok())));
}

/// The output directory's state: the manifest's bytes and, for every file it
/// lists, its size and modification time (or that it is missing).
pub fn outputs(out_dir: &Path) -> u128 {
    let mut hash = Fingerprint::default();
    let manifest = fs::read(out_dir.join(MANIFEST_FILE)).unwrap_or_default();
    hash.bytes(&manifest);
    for line in String::from_utf8_lossy(&manifest).lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let meta = fs::symlink_metadata(out_dir.join(line)).ok();
        hash.str(line).debug(&meta.map(|m| (m.len(), m.modified().ok())));
    }
    hash.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_round_trips_and_garbage_is_no_stamp() {
        let dir = std::env::temp_dir().join(format!("tw-stamp-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(STAMP_FILE);
        let stamp = Stamp { setup: 1, sources: u128::MAX, model: 3, outputs: 4, tables: 5, warnings: 6 };
        stamp.write(&path).unwrap();
        assert_eq!(Stamp::read(&path), Some(stamp));
        fs::write(&path, "setup 1\n").unwrap();
        assert_eq!(Stamp::read(&path), None, "incomplete");
        fs::write(&path, "setup zz\nsources 1\nmodel 1\noutputs 1\ntables 1\nwarnings 1\n").unwrap();
        assert_eq!(Stamp::read(&path), None, "not hex");
        assert_eq!(Stamp::read(&dir.join("missing")), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        let one = Fingerprint::default().str("ab").str("c").finish();
        let two = Fingerprint::default().str("a").str("bc").finish();
        assert_ne!(one, two);
        assert_eq!(one, Fingerprint::default().str("ab").str("c").finish());
        assert_ne!(Fingerprint::default().debug(&1u8).finish(), Fingerprint::default().debug(&2u8).finish());
    }
}
