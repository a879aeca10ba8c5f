use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use super::*;

/// A directory under the system temp dir, removed on drop.
struct TestDir(PathBuf);

impl TestDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "tw-writer-test-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&path).unwrap();
        TestDir(path)
    }

    fn out(&self) -> PathBuf {
        self.0.join("out")
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn art(path: &str, contents: &str) -> Artifact {
    Artifact { path: PathBuf::from(path), contents: contents.as_bytes().to_vec() }
}

fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

fn manifest(out: &Path) -> String {
    fs::read_to_string(out.join(MANIFEST_FILE)).unwrap()
}

fn set_old_mtime(path: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
    old
}

#[test]
fn writes_files_creates_dirs_and_a_sorted_manifest() {
    let dir = TestDir::new();
    let out = dir.out();
    let summary = write(&out, &[art("b/z.sql", "z"), art("a.txt", "a"), art("b/c/d.sql", "d")]).unwrap();
    assert_eq!(summary.written, paths(&["a.txt", "b/c/d.sql", "b/z.sql"]));
    assert!(summary.unchanged.is_empty() && summary.removed.is_empty());
    assert_eq!(fs::read_to_string(out.join("b/c/d.sql")).unwrap(), "d");
    assert_eq!(tree(&out), [".tablewright-manifest", "a.txt", "b/c/d.sql", "b/z.sql"]);
    let m = manifest(&out);
    assert!(m.starts_with('#'));
    let listed: Vec<&str> = m.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed, ["a.txt", "b/c/d.sql", "b/z.sql"]);
}

#[test]
fn unchanged_files_are_not_touched_and_keep_their_mtime() {
    let dir = TestDir::new();
    let out = dir.out();
    write(&out, &[art("same.sql", "same"), art("changes.sql", "v1")]).unwrap();
    let old_same = set_old_mtime(&out.join("same.sql"));
    let old_changes = set_old_mtime(&out.join("changes.sql"));
    let old_manifest = set_old_mtime(&out.join(MANIFEST_FILE));

    let summary = write(&out, &[art("same.sql", "same"), art("changes.sql", "v2")]).unwrap();
    assert_eq!(summary.unchanged, paths(&["same.sql"]));
    assert_eq!(summary.written, paths(&["changes.sql"]));
    let mtime = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
    assert_eq!(mtime("same.sql"), old_same);
    assert_eq!(mtime(MANIFEST_FILE), old_manifest, "an unchanged manifest is not rewritten");
    assert_ne!(mtime("changes.sql"), old_changes);
    assert_eq!(fs::read_to_string(out.join("changes.sql")).unwrap(), "v2");
}

#[test]
fn no_temporary_files_are_left_behind_even_when_a_write_fails() {
    let dir = TestDir::new();
    let out = dir.out();
    write(&out, &[art("x/a.sql", "1"), art("b.sql", "2")]).unwrap();
    write(&out, &[art("x/a.sql", "3"), art("b.sql", "4")]).unwrap();
    assert!(tree(&out).iter().all(|f| !f.contains(TEMP_MARKER)), "{:?}", tree(&out));

    // A directory sits where an artifact belongs: the rename fails, and the
    // temporary file written beside it must be gone.
    fs::create_dir_all(out.join("blocked.sql/inner")).unwrap();
    let err = write(&out, &[art("blocked.sql", "nope")]).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err.to_string().contains("blocked.sql"), "{err}");
    assert!(tree(&out).iter().all(|f| !f.contains(TEMP_MARKER)), "{:?}", tree(&out));
}

#[test]
fn removes_only_files_it_wrote_and_the_dirs_that_leaves_empty() {
    let dir = TestDir::new();
    let out = dir.out();
    write(&out, &[art("keep.sql", "k"), art("d/old.sql", "o"), art("deep/er/gone.sql", "g")]).unwrap();
    // Files the user put there: never the writer's to remove.
    fs::write(out.join("d/user.txt"), "mine").unwrap();
    fs::write(out.join("notes.md"), "mine").unwrap();

    let summary = write(&out, &[art("keep.sql", "k")]).unwrap();
    assert_eq!(summary.removed, paths(&["d/old.sql", "deep/er/gone.sql"]));
    assert_eq!(summary.unchanged, paths(&["keep.sql"]));
    assert_eq!(tree(&out), [".tablewright-manifest", "d/user.txt", "keep.sql", "notes.md"]);
    assert!(!out.join("deep").exists(), "empty directories left by removal are removed");
    assert!(out.join("d").is_dir(), "a directory still holding a user file stays");
    let listed: Vec<String> = manifest(&out).lines().filter(|l| !l.starts_with('#')).map(String::from).collect();
    assert_eq!(listed, ["keep.sql"]);

    // Removing everything keeps the output directory itself.
    let summary = write(&out, &[]).unwrap();
    assert_eq!(summary.removed, paths(&["keep.sql"]));
    assert!(out.is_dir());
}

#[test]
fn an_owned_file_deleted_by_hand_is_not_an_error() {
    let dir = TestDir::new();
    let out = dir.out();
    write(&out, &[art("a.sql", "a"), art("b.sql", "b")]).unwrap();
    fs::remove_file(out.join("b.sql")).unwrap();
    let summary = write(&out, &[art("a.sql", "a")]).unwrap();
    assert!(summary.removed.is_empty());
}

#[test]
fn a_tampered_manifest_never_deletes_outside_the_out_dir() {
    let dir = TestDir::new();
    let out = dir.out();
    fs::create_dir_all(&out).unwrap();
    let outside = dir.0.join("outside.txt");
    fs::write(&outside, "precious").unwrap();
    let absolute = outside.display().to_string();
    fs::write(out.join(MANIFEST_FILE), format!("../outside.txt\n{absolute}\n./x/../../outside.txt\n")).unwrap();
    let summary = write(&out, &[art("a.sql", "a")]).unwrap();
    assert!(summary.removed.is_empty());
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious");
}

#[test]
fn refuses_bad_artifact_paths_before_writing_anything() {
    let dir = TestDir::new();
    let out = dir.out();
    let absolute = dir.0.join("abs.sql").display().to_string();
    for (bad, why) in [
        (absolute.as_str(), "absolute"),
        ("../escape.sql", "`..`"),
        ("a/../../escape.sql", "`..`"),
        ("./a.sql", "`.`"),
        ("", "empty"),
        (MANIFEST_FILE, "manifest"),
        ("line\nbreak.sql", "line break"),
    ] {
        let err = write(&out, &[art("fine.sql", "ok"), art(bad, "x")]).unwrap_err();
        match &err {
            Error::InvalidArtifactPath { reason, .. } => assert!(reason.contains(why), "{bad:?}: {reason}"),
            other => panic!("{bad:?}: expected InvalidArtifactPath, got {other}"),
        }
        assert!(!out.exists(), "nothing is written when a path is refused ({bad:?})");
    }
    let err = write(&out, &[art("twice.sql", "1"), art("twice.sql", "2")]).unwrap_err();
    assert!(err.to_string().contains("two artifacts"), "{err}");
}

#[test]
fn check_reports_stale_missing_and_extra_files_without_writing() {
    let dir = TestDir::new();
    let out = dir.out();
    let v1 = [art("a.sql", "a"), art("b.sql", "b"), art("old.sql", "o")];
    let report = check(&out, &v1).unwrap();
    assert_eq!(report.missing, paths(&[".tablewright-manifest", "a.sql", "b.sql", "old.sql"]));
    assert!(!out.exists(), "check writes nothing");

    write(&out, &v1).unwrap();
    assert!(check(&out, &v1).unwrap().is_clean());

    let v2 = [art("a.sql", "a"), art("b.sql", "B"), art("new.sql", "n")];
    let report = check(&out, &v2).unwrap();
    assert_eq!(report.stale, paths(&[".tablewright-manifest", "b.sql"]));
    assert_eq!(report.missing, paths(&["new.sql"]));
    assert_eq!(report.extra, paths(&["old.sql"]));
    assert!(!report.is_clean());
    let text = report.to_string();
    assert!(
        text.contains("  stale: b.sql\n")
            && text.contains("  missing: new.sql\n")
            && text.contains("  extra: old.sql\n"),
        "{text}"
    );

    write(&out, &v2).unwrap();
    assert!(check(&out, &v2).unwrap().is_clean());
}

#[test]
fn output_does_not_depend_on_artifact_order() {
    let one = TestDir::new();
    let two = TestDir::new();
    let forward = [art("m/p.sql", "1"), art("m/s.sql", "2"), art("t.ts", "3")];
    let mut backward = forward.to_vec();
    backward.reverse();
    let s1 = write(&one.out(), &forward).unwrap();
    let s2 = write(&two.out(), &backward).unwrap();
    assert_eq!(s1, s2);
    assert_eq!(tree(&one.out()), tree(&two.out()));
    for file in tree(&one.out()) {
        assert_eq!(fs::read(one.out().join(&file)).unwrap(), fs::read(two.out().join(&file)).unwrap(), "{file}");
    }
}
