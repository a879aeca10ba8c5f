//! The documentation holds together: every relative link in `README.md`,
//! `cli/README.md` and `docs/**/*.md` reaches a file or folder of the
//! repository, and every `#anchor` a heading of its target page (GitHub's
//! heading ids); and the attribute references name every attribute the
//! front end accepts.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use tablewright_core::frontend::symbols;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown pages whose links must hold.
fn pages() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("cli/README.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The lines of a page outside fenced code blocks, numbered from 1.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// A line without its inline code spans (a `[x](y)` inside backticks is
/// not a link).
fn without_code(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// The targets of the inline links `[text](target)` on a line.
fn links(line: &str) -> Vec<String> {
    let line = without_code(line);
    let mut out = Vec::new();
    let mut rest = line.as_str();
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// GitHub's id for a heading: lowercase, punctuation dropped (hyphens and
/// underscores kept), spaces as hyphens; link syntax reduced to its text.
fn slug(heading: &str) -> String {
    let mut text = String::new();
    let mut rest = heading;
    // `[text](target)` counts as `text`.
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                text.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            _ => {
                text.push('[');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The ids of a page's headings, with GitHub's `-1`, `-2` for repeats.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, line) in prose(text) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let mut id = base.clone();
        let mut n = 0;
        while out.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        out.insert(id);
    }
    out
}

/// The broken links of one page, as `page:line: target: why`, the page
/// named relative to `base`.
fn broken_links(page: &Path, base: &Path) -> Vec<String> {
    let text = fs::read_to_string(page).unwrap();
    let rel = page.strip_prefix(base).unwrap().display().to_string();
    let mut broken = Vec::new();
    for (n, line) in prose(&text) {
        for target in links(line) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() { page.to_path_buf() } else { page.parent().unwrap().join(path) };
            if !file.exists() {
                broken.push(format!("{rel}:{n}: `{target}`: no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if file.extension().is_none_or(|e| e != "md") {
                broken.push(format!("{rel}:{n}: `{target}`: an anchor into a file that is not Markdown"));
            } else if !anchors(&fs::read_to_string(&file).unwrap()).contains(anchor) {
                broken.push(format!("{rel}:{n}: `{target}`: no heading with that id"));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let pages = pages();
    assert!(pages.len() > 10, "found only {pages:?}");
    let broken: Vec<String> = pages.iter().flat_map(|p| broken_links(p, &root())).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The checker itself: a broken copy must fail, and links in code must not
/// count.
#[test]
fn the_checker_finds_broken_links_and_anchors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.md"), "# Title\n\n## The `x` option, and [y](a.md)\n\n## Title\n").unwrap();
    fs::write(
        dir.path().join("a.md"),
        "[ok](b.md#the-x-option-and-y) [ok](b.md#title-1) [ok](#heading) `[code](nowhere.md)`\n\
         ```\n[fenced](nowhere.md)\n```\n\
         ## Heading\n\
         [missing](c.md) [bad anchor](b.md#nope) [self](#nope)\n",
    )
    .unwrap();
    assert_eq!(
        broken_links(&dir.path().join("a.md"), dir.path()),
        [
            "a.md:6: `c.md`: no such file",
            "a.md:6: `b.md#nope`: no heading with that id",
            "a.md:6: `#nope`: no heading with that id",
        ]
    );
}

/// Every attribute the front end accepts has a heading in the facade's
/// rustdoc page (with its example) and a row in docs/attributes.md.
#[test]
fn the_attribute_references_name_every_attribute() {
    let rustdoc = fs::read_to_string(root().join("tablewright/src/attributes.md")).unwrap();
    let reference = fs::read_to_string(root().join("docs/attributes.md")).unwrap();
    let mut missing = Vec::new();
    for name in symbols::attribute_names() {
        if !rustdoc.contains(&format!("#### `#[{name}]`")) && !rustdoc.contains(&format!("#### `#[{name}(")) {
            missing.push(format!("tablewright/src/attributes.md has no section `#### `#[{name}]``"));
        }
        if !reference.contains(&format!("`#[{name}]`")) && !reference.contains(&format!("`#[{name}(")) {
            missing.push(format!("docs/attributes.md does not name `#[{name}]`"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// A command line as words, a URL given to `--database-url` as `URL`.
fn normalized<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words {
        let url = out.last().is_some_and(|w| w == "--database-url");
        out.push(if url { "URL".to_string() } else { word.to_string() });
    }
    out
}

/// The `tablewright` commands of the README's walkthrough, each as words.
fn readme_walkthrough() -> Vec<Vec<String>> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("**Walkthrough:").expect("the README has its walkthrough");
    let block = &readme[start..];
    let block = &block[block.find("```sh\n").expect("a sh block") + 6..];
    let block = &block[..block.find("```").unwrap()];
    block
        .lines()
        .filter_map(|line| line.split('#').next().unwrap().trim().strip_prefix("tablewright "))
        .map(|command| normalized(command.split_whitespace()))
        .collect()
}

/// The commands `the_readme_walkthrough_runs_as_written` (cli/tests/cli.rs)
/// runs, each as words: the string literals of its `step(&[...])` calls,
/// `&url` and `&server` standing for URLs.
fn tested_walkthrough() -> Vec<Vec<String>> {
    let test = fs::read_to_string(root().join("cli/tests/cli.rs")).unwrap();
    let start = test.find("fn the_readme_walkthrough_runs_as_written").expect("the CLI test of the walkthrough");
    let body = &test[start..];
    let body = &body[..body.find("\n}\n").unwrap()];
    body.split("step(&[")
        .skip(1)
        .map(|call| {
            let args = &call[..call.find(']').unwrap()];
            normalized(args.split(',').map(|a| a.trim().trim_matches('"')).filter(|a| !a.is_empty()))
        })
        .collect()
}

/// The walkthrough the README shows is the one the CLI test runs: each of
/// its commands, with its options, among the test's steps and in the same
/// order (the test runs more: the baseline refused without `--repair`, a
/// drift check after it).
#[test]
fn the_readme_walkthrough_is_the_tested_one() {
    let readme = readme_walkthrough();
    let tested = tested_walkthrough();
    assert!(readme.len() >= 7, "README walkthrough: {readme:?}");
    let mut steps = tested.iter();
    for command in &readme {
        assert!(
            steps.any(|step| step == command),
            "the README's `tablewright {}` is not a step of the_readme_walkthrough_runs_as_written (in order):\n{tested:?}",
            command.join(" ")
        );
    }
}
