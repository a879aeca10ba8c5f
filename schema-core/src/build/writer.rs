//! The one artifact writer.
//!
//! - Every artifact path is relative to the output directory; absolute paths,
//!   `..` and other odd components are refused before anything is touched.
//! - A file is rewritten only when its bytes changed, so unchanged outputs
//!   keep their modification time and tools watching them stay quiet.
//! - Writes are atomic: the bytes go to a temporary file in the target's
//!   directory, which is then renamed over the target. A reader sees the old
//!   file or the new one, never half of one.
//! - The writer removes only files it owns: it records what it wrote in
//!   `<out>/.tablewright-manifest` and, on the next write, removes the files
//!   listed there that are no longer produced (and the directories that
//!   removal leaves empty). Anything else in the output directory is left
//!   alone.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::emit::Artifact;

use super::Error;

/// The name of the manifest the writer keeps in the output directory.
pub const MANIFEST_FILE: &str = ".tablewright-manifest";

/// Every temporary file of the writer has this in its name:
/// `.<file name>.tw-tmp-<pid>-<n>`, beside the file it replaces.
pub const TEMP_MARKER: &str = ".tw-tmp-";

const MANIFEST_HEADER: &str = "\
# Files written by tablewright's build script, relative to this directory.
# It rewrites them, and removes the ones it no longer generates; it never
# touches files not listed here. Do not edit.
";

/// What [`write`] did, each list sorted by path (paths relative to the
/// output directory; the manifest itself is not listed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or rewritten because their bytes changed.
    pub written: Vec<PathBuf>,
    /// Files already up to date (not touched).
    pub unchanged: Vec<PathBuf>,
    /// Files written by an earlier run and no longer generated, now deleted.
    pub removed: Vec<PathBuf>,
}

/// What [`check`] found: how the output directory differs from the
/// artifacts. Each list is sorted; paths are relative to the output directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Files present whose bytes differ from what would be written
    /// (the manifest counts as one of them).
    pub stale: Vec<PathBuf>,
    /// Files that would be written but do not exist.
    pub missing: Vec<PathBuf>,
    /// Files an earlier run wrote that are no longer generated and would be removed.
    pub extra: Vec<PathBuf>,
}

impl CheckReport {
    /// True when writing would change nothing.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for CheckReport {
    /// One `  <kind>: <path>` line per difference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, paths) in [("stale", &self.stale), ("missing", &self.missing), ("extra", &self.extra)] {
            for path in paths {
                writeln!(f, "  {kind}: {}", path.display())?;
            }
        }
        Ok(())
    }
}

/// Checks that every artifact path is a plain relative path (no root, no
/// `..`, no `.`, UTF-8, no line breaks), is not the manifest, and occurs once.
/// Returns the manifest form of each path (`/`-separated), in input order.
pub fn validate_paths(artifacts: &[Artifact]) -> Result<Vec<String>, Error> {
    let mut seen = BTreeSet::new();
    let mut keys = Vec::with_capacity(artifacts.len());
    for artifact in artifacts {
        let key = manifest_key(&artifact.path)
            .map_err(|reason| Error::InvalidArtifactPath { path: artifact.path.clone(), reason: reason.to_string() })?;
        if key == MANIFEST_FILE {
            return Err(Error::InvalidArtifactPath {
                path: artifact.path.clone(),
                reason: "the writer's manifest has this name".to_string(),
            });
        }
        if !seen.insert(key.clone()) {
            return Err(Error::InvalidArtifactPath {
                path: artifact.path.clone(),
                reason: "two artifacts have this path".to_string(),
            });
        }
        keys.push(key);
    }
    Ok(keys)
}

/// The `/`-separated form of a relative artifact path, or why it is refused.
fn manifest_key(path: &Path) -> Result<String, &'static str> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                let part = part.to_str().ok_or("it is not valid UTF-8")?;
                if part.contains(['\n', '\r']) {
                    return Err("it contains a line break");
                }
                parts.push(part);
            }
            Component::ParentDir => return Err("it contains `..`"),
            Component::CurDir => return Err("it contains `.`"),
            Component::RootDir | Component::Prefix(_) => return Err("it is absolute"),
        }
    }
    if parts.is_empty() {
        return Err("it is empty");
    }
    Ok(parts.join("/"))
}

/// Writes `artifacts` under `out_dir` (created if missing), rewriting only
/// changed files, atomically, then removes the files an earlier run wrote
/// that are no longer produced. See the module docs.
pub fn write(out_dir: &Path, artifacts: &[Artifact]) -> Result<WriteSummary, Error> {
    let keys = validate_paths(artifacts)?;
    fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let manifest_path = out_dir.join(MANIFEST_FILE);
    let old = read_manifest(&manifest_path)?;
    let new: BTreeSet<String> = keys.iter().cloned().collect();

    // Record new files as owned before creating them, so an interrupted run
    // never leaves a file behind that a later run would not remove.
    if !new.is_subset(&old) {
        let union: BTreeSet<String> = old.union(&new).cloned().collect();
        write_if_changed(&manifest_path, render_manifest(&union).as_bytes())?;
    }

    let mut order: Vec<(&String, &Artifact)> = keys.iter().zip(artifacts).collect();
    order.sort_by(|a, b| a.0.cmp(b.0));
    let mut summary = WriteSummary::default();
    for (key, artifact) in order {
        let target = out_dir.join(key);
        if write_if_changed(&target, &artifact.contents)? {
            summary.written.push(PathBuf::from(key));
        } else {
            summary.unchanged.push(PathBuf::from(key));
        }
    }

    for key in old.difference(&new) {
        let target = out_dir.join(key);
        match fs::symlink_metadata(&target) {
            Ok(meta) if !meta.is_dir() => {
                fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
                summary.removed.push(PathBuf::from(key));
                remove_empty_parents(out_dir, &target);
            }
            // A directory where we wrote a file: not ours any more; leave it.
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&target, e)),
        }
    }

    write_if_changed(&manifest_path, render_manifest(&new).as_bytes())?;
    Ok(summary)
}

/// Compares `artifacts` with what is on disk under `out_dir` without writing
/// anything: the files [`write`] would create, rewrite or remove.
pub fn check(out_dir: &Path, artifacts: &[Artifact]) -> Result<CheckReport, Error> {
    let keys = validate_paths(artifacts)?;
    let manifest_path = out_dir.join(MANIFEST_FILE);
    let old = read_manifest(&manifest_path)?;
    let new: BTreeSet<String> = keys.iter().cloned().collect();
    let mut report = CheckReport::default();

    let mut expected: Vec<(String, &[u8])> =
        keys.into_iter().zip(artifacts.iter().map(|a| a.contents.as_slice())).collect();
    let manifest = render_manifest(&new);
    expected.push((MANIFEST_FILE.to_string(), manifest.as_bytes()));
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, contents) in expected {
        let target = out_dir.join(&key);
        match read_on_disk(&target)? {
            OnDisk::Missing => report.missing.push(PathBuf::from(key)),
            OnDisk::File(existing) if existing == contents => {}
            OnDisk::File(_) | OnDisk::NotAFile => report.stale.push(PathBuf::from(key)),
        }
    }
    for key in old.difference(&new) {
        let target = out_dir.join(key);
        match fs::symlink_metadata(&target) {
            Ok(meta) if !meta.is_dir() => report.extra.push(PathBuf::from(key)),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&target, e)),
        }
    }
    Ok(report)
}

/// The paths listed in a manifest. Lines that are not plain relative paths
/// are ignored: a hand-edited manifest must never make the writer delete
/// anything outside the output directory.
fn read_manifest(path: &Path) -> Result<BTreeSet<String>, Error> {
    let OnDisk::File(bytes) = read_on_disk(path)? else {
        return Ok(BTreeSet::new());
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| manifest_key(Path::new(line)).ok().filter(|key| key == line))
        .filter(|key| key != MANIFEST_FILE)
        .collect())
}

fn render_manifest(keys: &BTreeSet<String>) -> String {
    let mut out = String::from(MANIFEST_HEADER);
    for key in keys {
        out.push_str(key);
        out.push('\n');
    }
    out
}

/// What is at a path where the writer wants a file.
enum OnDisk {
    Missing,
    File(Vec<u8>),
    /// A directory, or a path under a file: never equal to an artifact.
    NotAFile,
}

fn read_on_disk(path: &Path) -> Result<OnDisk, Error> {
    match fs::read(path) {
        Ok(bytes) => Ok(OnDisk::File(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(OnDisk::Missing),
        Err(e) if matches!(e.kind(), io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory) => {
            Ok(OnDisk::NotAFile)
        }
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Writes `contents` to `path` unless the file already holds exactly these
/// bytes. Returns whether it wrote.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool, Error> {
    if let OnDisk::File(existing) = read_on_disk(path)?
        && existing == contents
    {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    write_atomic(path, contents).map_err(|e| Error::io(path, e))?;
    Ok(true)
}

/// Writes to a temporary file beside `path`, then renames it over `path`.
/// The temporary file is removed if anything fails.
fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("artifact");
    let temp =
        dir.join(format!(".{name}{TEMP_MARKER}{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(contents)?;
        file.flush()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes the directories between `file` and `out_dir` (exclusive) that are
/// empty, innermost first; stops at the first one that is not.
fn remove_empty_parents(out_dir: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == out_dir || !current.starts_with(out_dir) {
            break;
        }
        if fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
