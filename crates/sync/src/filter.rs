//! Which paths a sync considers. Patterns follow `.gitignore` habits: a
//! pattern without `/` matches a name at any depth (`*.log`, `cache`), one
//! with `/` matches from the synced root (`raw/*.tif`), and a pattern that
//! matches a folder covers everything in it. Paths are relative, with `/`.
//!
//! Filters apply to both sides: an excluded path is never uploaded,
//! downloaded or deleted.

use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Partial downloads, editor swap files and OS litter: never worth syncing,
/// and uploading a half-written `.part` file would be wrong.
pub const DEFAULT_IGNORES: &[&str] = &["*.tmp", "*.part", "*.crdownload", "~*", ".DS_Store", "Thumbs.db"];

/// The per-folder ignore file, one pattern per line, `#` for comments.
pub const IGNORE_FILE: &str = ".stowageignore";

#[derive(Debug, Clone)]
pub struct Filters {
    exclude: GlobSet,
    /// When set, only paths matching one of these are considered.
    include: Option<GlobSet>,
}

#[derive(Debug, thiserror::Error)]
#[error("The pattern \"{pattern}\" is not a valid glob: {reason}")]
pub struct FilterError {
    pub pattern: String,
    pub reason: String,
}

impl Filters {
    /// The default ignores plus `excludes`; `includes` narrows when not empty.
    pub fn new(includes: &[String], excludes: &[String]) -> Result<Self, FilterError> {
        let defaults = DEFAULT_IGNORES.iter().map(|p| (*p).to_owned());
        Ok(Self {
            exclude: build(defaults.chain(excludes.iter().cloned()))?,
            include: if includes.is_empty() { None } else { Some(build(includes.iter().cloned())?) },
        })
    }

    /// Like [`Filters::new`], plus the patterns of `root/.stowageignore` when there is one.
    pub fn for_folder(root: &Path, includes: &[String], excludes: &[String]) -> Result<Self, FilterError> {
        let mut all = excludes.to_vec();
        if let Ok(text) = std::fs::read_to_string(root.join(IGNORE_FILE)) {
            all.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned));
        }
        Self::new(includes, &all)
    }

    /// Whether the file at relative path `path` takes part in the sync.
    pub fn allows(&self, path: &str) -> bool {
        !self.exclude.is_match(path) && self.include.as_ref().is_none_or(|set| set.is_match(path))
    }

    /// Whether to look inside the folder at `path` at all.
    pub fn enters(&self, path: &str) -> bool {
        !self.exclude.is_match(path)
    }
}

fn build(patterns: impl IntoIterator<Item = String>) -> Result<GlobSet, FilterError> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let trimmed = pattern.trim_start_matches('/').trim_end_matches('/');
        let anchored = pattern.trim_end_matches('/').contains('/');
        let base = if anchored { trimmed.to_owned() } else { format!("**/{trimmed}") };
        for glob in [base.clone(), format!("{base}/**")] {
            let built = GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map_err(|e| FilterError { pattern: pattern.clone(), reason: e.kind().to_string() })?;
            set.add(built);
        }
    }
    set.build().map_err(|e| FilterError { pattern: String::new(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(includes: &[&str], excludes: &[&str]) -> Filters {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Filters::new(&own(includes), &own(excludes)).expect("valid")
    }

    #[test]
    fn default_ignores_match_at_any_depth() {
        let f = filters(&[], &[]);
        for ignored in ["a.tmp", "x/y/model.part", "~lock.docx", "photos/.DS_Store", "Thumbs.db"] {
            assert!(!f.allows(ignored), "{ignored}");
        }
        for kept in ["train/cat.jpg", "tmp/data.csv", "partial.csv"] {
            assert!(f.allows(kept), "{kept}");
        }
    }

    #[test]
    fn anchored_patterns_folders_and_includes() {
        let f = filters(&["*.jpg", "labels.csv"], &["raw/*.jpg", "cache/"]);
        assert!(f.allows("train/cat.jpg"));
        assert!(!f.allows("raw/cat.jpg"), "anchored exclude");
        assert!(f.allows("train/raw/cat.jpg"), "anchored means from the root");
        assert!(!f.allows("x/cache/cat.jpg"), "a folder pattern covers its contents");
        assert!(!f.enters("x/cache"));
        assert!(!f.allows("notes.txt"), "not included");
        assert!(f.allows("labels.csv"));
    }

    #[test]
    fn ignore_file_adds_patterns() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(IGNORE_FILE), "# scratch\n\nwandb/\n*.ckpt\n").expect("write");
        let f = Filters::for_folder(dir.path(), &[], &[]).expect("valid");
        assert!(!f.allows("wandb/run-1/log.txt"));
        assert!(!f.allows("checkpoints/epoch-3.ckpt"));
        assert!(f.allows("data/a.csv"));
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let err = Filters::new(&[], &["data/[".to_owned()]).expect_err("invalid");
        assert_eq!(err.pattern, "data/[");
        assert!(err.to_string().contains("data/["), "{err}");
    }
}
