//! `.stowageignore` follows `.gitignore`: the judge is git itself. Each case
//! writes a tree with ignore files, lets the folder scan pick what a sync
//! considers, and asks `git ls-files --others --exclude-standard` the same
//! question of the same tree with the files named `.gitignore` (the sync's
//! own excludes as `--exclude`, the default ignores in `.git/info/exclude`,
//! which is where git keeps its weakest layer too).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use stowage_sync::filter::{Filters, DEFAULT_IGNORES, IGNORE_FILE};
use stowage_sync::scan::scan_folder;

const FILES: &[&str] = &[
    "a.log",
    "keep.log",
    "notes.txt",
    "model.ckpt",
    "scratch.tmp",
    "cache",
    "build/out.bin",
    "build/keep.txt",
    "data/train/cat.jpg",
    "data/train/dog.png",
    "data/raw/scan.tif",
    "data/raw/deep/scan.tif",
    "data/cache/x.bin",
    "data/notes.txt",
    "runs/1/model.ckpt",
    "runs/1/metrics.json",
    "runs/best/model.ckpt",
    "runs/best/notes.txt",
    "wandb/run-1/log.txt",
    "deep/a/b/c.log",
];

/// Folders an ignore file may sit in ("" is the synced folder).
const FOLDERS: &[&str] = &["", "data", "runs", "runs/best", "deep/a"];

const PATTERNS: &[&str] = &[
    "*.log",
    "!keep.log",
    "!*.log",
    "/notes.txt",
    "notes.txt",
    "cache/",
    "cache",
    "build/",
    "!build/keep.txt",
    "build/*",
    "raw/",
    "raw/*.tif",
    "/raw",
    "**/deep",
    "train/*.png",
    "*.ckpt",
    "!model.ckpt",
    "runs/**/notes.txt",
    "wandb",
    "c.log",
    "!*.tmp",
    "data/**",
    "!data/train/",
    "b/",
    "[mn]*.txt",
];

fn write_tree(root: &Path, files: &[(&str, Vec<&str>)]) {
    for file in FILES {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, b"x").expect("write");
    }
    for (folder, lines) in files {
        let dir = root.join(folder);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(IGNORE_FILE), lines.join("\n") + "\n").expect("write");
    }
}

/// What git leaves untracked and not ignored in a copy of the tree whose
/// ignore files are named `.gitignore`.
fn git_keeps(root: &Path, excludes: &[&str]) -> BTreeSet<String> {
    let repo = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(repo.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("git is needed to judge the ignore rules (it comes with the clone): {e}"));
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    git(&["init", "-q"]);
    for file in FILES {
        let to = repo.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root.join(file), to).expect("copy");
    }
    for folder in FOLDERS {
        let from = root.join(folder).join(IGNORE_FILE);
        if from.exists() {
            std::fs::copy(from, repo.path().join(folder).join(".gitignore")).expect("copy");
        }
    }
    std::fs::write(repo.path().join(".git/info/exclude"), DEFAULT_IGNORES.join("\n") + "\n").expect("write");
    let mut args = vec!["-c", "core.quotePath=false", "ls-files", "--others", "--exclude-standard"];
    let flags: Vec<String> = excludes.iter().map(|e| format!("--exclude={e}")).collect();
    args.extend(flags.iter().map(String::as_str));
    git(&args).lines().filter(|l| !l.ends_with(".gitignore")).map(str::to_owned).collect()
}

/// What a sync considers, asked twice: of the folder scan (which does not
/// enter a folder left out) and path by path, as remote listings are.
fn stowage_keeps(root: &Path, excludes: &[&str]) -> (BTreeSet<String>, BTreeSet<String>) {
    let excludes: Vec<String> = excludes.iter().map(|e| (*e).to_owned()).collect();
    let filters = Filters::for_folder(root, &[], &excludes).expect("valid patterns");
    let scan = scan_folder(root, &filters, stowage_store::names::NameRules::default()).expect("scan");
    let scanned = scan.files.into_iter().map(|f| f.key).filter(|k| !k.ends_with(IGNORE_FILE)).collect();
    let by_path = FILES.iter().filter(|f| filters.allows(f)).map(|f| (*f).to_owned()).collect();
    (scanned, by_path)
}

fn agree(files: &[(&str, Vec<&str>)], excludes: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), files);
    let git = git_keeps(dir.path(), excludes);
    let (scanned, by_path) = stowage_keeps(dir.path(), excludes);
    assert_eq!(scanned, git, "scan: ignore files {files:?}, excludes {excludes:?}");
    assert_eq!(by_path, git, "path by path: ignore files {files:?}, excludes {excludes:?}");
}

#[test]
fn negation_anchoring_folder_only_and_nested_files_as_git_has_them() {
    agree(&[("", vec!["*.log", "!keep.log", "cache/", "build/", "!build/keep.txt", "/notes.txt"])], &[]);
    agree(&[("", vec!["*.ckpt"]), ("runs/best", vec!["!*.ckpt", "/notes.txt"])], &[]);
    agree(&[("", vec!["data/**", "!data/train/"]), ("data", vec!["raw/*.tif"])], &[]);
    agree(&[("", vec!["!*.tmp", "[mn]*.txt"])], &["notes.txt", "wandb"]);
}

fn ignore_files() -> impl Strategy<Value = Vec<(&'static str, Vec<&'static str>)>> {
    let file = (prop::sample::select(FOLDERS), prop::collection::vec(prop::sample::select(PATTERNS), 1..5));
    prop::collection::vec(file, 1..4).prop_map(|mut files| {
        // One file per folder, as on a disk.
        files.sort_by_key(|(folder, _)| *folder);
        files.dedup_by_key(|(folder, _)| *folder);
        files
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_mix_of_patterns_and_files_keeps_what_git_keeps(
        files in ignore_files(),
        excludes in prop::collection::vec(prop::sample::select(PATTERNS), 0..3),
    ) {
        agree(&files, &excludes);
    }
}
