//! A job volume and the ovhai CLI's `--volume` string:
//!
//! ```text
//! <container>@<alias>[/<prefix>]:<mount_path>[:<permission>][:<cache>]
//! <url>:<mount_path>[:<permission>][:<cache>]
//! standalone:<mount_path>[:<permission>]
//! ```
//!
//! A URL holds `:` itself, so the string is read from the right: optional
//! `cache`/`no-cache`, optional `ro`/`rw`/`rwd`, then the mount path (which
//! starts with `/` and holds no `:`), and the source is everything before.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub source: Source,
    pub mount_path: String,
    pub permission: Permission,
    /// Reuse the volume across jobs instead of downloading it again.
    pub cache: bool,
}

/// Where a volume's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Source {
    /// A container (or a prefix of it) in a datastore the platform knows by `alias`.
    #[serde(rename_all = "camelCase")]
    DataStore { alias: String, container: String, prefix: String },
    /// A public container or a public Git repository (a URL ending in `.git`).
    #[serde(rename_all = "camelCase")]
    Url { url: String },
    /// An empty volume that lives and ends with the job (scratch space).
    Standalone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Permission {
    /// Pulled before the job starts, never pushed back. For inputs.
    #[default]
    Ro,
    /// Pushed back at the end: adds and modifies objects, never deletes.
    Rw,
    /// Like RW, and deletions in the volume delete objects too.
    Rwd,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ro => "ro",
            Self::Rw => "rw",
            Self::Rwd => "rwd",
        }
    }

    fn parse(token: &str) -> Option<Self> {
        match token.to_ascii_lowercase().as_str() {
            "ro" => Some(Self::Ro),
            "rw" => Some(Self::Rw),
            "rwd" => Some(Self::Rwd),
            _ => None,
        }
    }
}

impl Source {
    /// Whether the URL names a Git repository (the platform clones it).
    pub fn is_git(&self) -> bool {
        matches!(self, Self::Url { url } if url.ends_with(".git"))
    }
}

/// Why input could not be read or used — a `--volume` string, a pasted
/// command or spec, a launch form with no image — as a sentence with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn err<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

impl std::str::FromStr for Volume {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return err("The volume is empty. Write container@ALIAS:/mount/path, e.g. dataset@GRA:/workspace/data:ro.");
        }
        let mut rest = text;
        let mut cache = None;
        let mut permission = None;
        // Options come last: at most one cache and one permission token.
        for _ in 0..2 {
            let Some((head, last)) = rest.rsplit_once(':') else { break };
            match last.to_ascii_lowercase().as_str() {
                "cache" | "no-cache" if cache.is_none() && permission.is_none() => {
                    cache = Some(last.eq_ignore_ascii_case("cache"))
                }
                token if permission.is_none() && Permission::parse(token).is_some() => {
                    permission = Permission::parse(token)
                }
                _ => break,
            }
            rest = head;
        }
        let Some((source, mount_path)) = rest.rsplit_once(':') else {
            return err(format!("\"{text}\" has no mount path. Add it after the source: {text}:/workspace/data."));
        };
        if !mount_path.starts_with('/') {
            if !mount_path.is_empty() && !mount_path.contains('/') {
                return err(format!(
                    "Unknown option \"{mount_path}\" in \"{text}\": the permission is ro, rw or rwd, and the cache option is cache or no-cache."
                ));
            }
            return err(format!("The mount path \"{mount_path}\" must be absolute, such as /workspace/data."));
        }
        let source = parse_source(source, text)?;
        Ok(Volume {
            source,
            mount_path: mount_path.to_owned(),
            permission: permission.unwrap_or_default(),
            cache: cache.unwrap_or(false),
        })
    }
}

fn parse_source(source: &str, whole: &str) -> Result<Source, ParseError> {
    if source.is_empty() {
        return err(format!("\"{whole}\" names no source before the mount path. Write container@ALIAS or a URL."));
    }
    if source == "standalone" {
        return Ok(Source::Standalone);
    }
    if let Some((scheme, _)) = source.split_once("://") {
        if scheme != "https" && scheme != "http" {
            return err(format!(
                "The URL \"{source}\" must start with https:// (public containers and Git repositories)."
            ));
        }
        return Ok(Source::Url { url: source.to_owned() });
    }
    let Some((container, location)) = source.split_once('@') else {
        return err(format!(
            "The source \"{source}\" needs a datastore alias: write {source}@ALIAS (e.g. {source}@GRA), or a public URL."
        ));
    };
    let (alias, prefix) = location.split_once('/').unwrap_or((location, ""));
    if container.is_empty() {
        return err(format!("\"{source}\" has no container name before '@'."));
    }
    if alias.is_empty() {
        return err(format!(
            "\"{source}\" has no datastore alias after '@'. Use the alias ovhai knows, such as GRA or S3GRA."
        ));
    }
    Ok(Source::DataStore { alias: alias.to_owned(), container: container.to_owned(), prefix: prefix.to_owned() })
}

/// The canonical string: the permission always written, `:cache` only when
/// set (no-cache is the default), the prefix only when not empty.
impl fmt::Display for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::DataStore { alias, container, prefix } if prefix.is_empty() => write!(f, "{container}@{alias}")?,
            Source::DataStore { alias, container, prefix } => write!(f, "{container}@{alias}/{prefix}")?,
            Source::Url { url } => f.write_str(url)?,
            Source::Standalone => f.write_str("standalone")?,
        }
        write!(f, ":{}:{}", self.mount_path, self.permission.as_str())?;
        if self.cache {
            f.write_str(":cache")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(alias: &str, container: &str, prefix: &str, mount: &str, permission: Permission, cache: bool) -> Volume {
        let source = Source::DataStore { alias: alias.into(), container: container.into(), prefix: prefix.into() };
        Volume { source, mount_path: mount.into(), permission, cache }
    }

    #[test]
    fn reads_the_documentation_examples() {
        let table = [
            (
                "dataset@GRA:/workspace/dataset:ro:cache",
                ds("GRA", "dataset", "", "/workspace/dataset", Permission::Ro, true),
                "dataset@GRA:/workspace/dataset:ro:cache",
            ),
            (
                "output@GRA:/workspace/output:rw",
                ds("GRA", "output", "", "/workspace/output", Permission::Rw, false),
                "output@GRA:/workspace/output:rw",
            ),
            (
                "my-bucket-s3@S3GRA/:/workspace/my-codes:rw",
                ds("S3GRA", "my-bucket-s3", "", "/workspace/my-codes", Permission::Rw, false),
                "my-bucket-s3@S3GRA:/workspace/my-codes:rw",
            ),
            (
                "dataset@GRA/train/cats:/workspace/data",
                ds("GRA", "dataset", "train/cats", "/workspace/data", Permission::Ro, false),
                "dataset@GRA/train/cats:/workspace/data:ro",
            ),
            (
                "ckpt@S3GRA:/workspace/ckpt:RWD:no-cache",
                ds("S3GRA", "ckpt", "", "/workspace/ckpt", Permission::Rwd, false),
                "ckpt@S3GRA:/workspace/ckpt:rwd",
            ),
            (
                "data@GRA:/workspace/data:cache",
                ds("GRA", "data", "", "/workspace/data", Permission::Ro, true),
                "data@GRA:/workspace/data:ro:cache",
            ),
        ];
        for (text, volume, canonical) in table {
            assert_eq!(text.parse::<Volume>().as_ref(), Ok(&volume), "{text}");
            assert_eq!(volume.to_string(), canonical, "{text}");
        }
        let git: Volume =
            "https://github.com/ovh/ai-training-examples.git:/workspace/examples:rw".parse().expect("git");
        assert_eq!(git.source, Source::Url { url: "https://github.com/ovh/ai-training-examples.git".into() });
        assert!(git.source.is_git());
        assert_eq!((git.mount_path.as_str(), git.permission), ("/workspace/examples", Permission::Rw));
        let public: Volume =
            "https://storage.gra.cloud.ovh.net/v1/AUTH_x/public:/workspace/public".parse().expect("url");
        assert!(!public.source.is_git());
        let scratch: Volume = "standalone:/workspace/scratch:rw".parse().expect("standalone");
        assert_eq!(
            (scratch.source.clone(), scratch.to_string()),
            (Source::Standalone, "standalone:/workspace/scratch:rw".into())
        );
    }

    #[test]
    fn refuses_with_the_fix() {
        let table = [
            ("", "empty"),
            ("dataset@GRA", "no mount path"),
            ("dataset@GRA:workspace/data", "must be absolute"),
            ("dataset@GRA:/workspace/data:rx", "Unknown option \"rx\""),
            ("dataset:/workspace/data", "needs a datastore alias"),
            ("@GRA:/workspace/data", "no container name"),
            ("dataset@:/workspace/data", "no datastore alias"),
            (":/workspace/data", "names no source"),
            ("ftp://host/x:/workspace/data", "https://"),
        ];
        for (text, fragment) in table {
            let message = text.parse::<Volume>().expect_err(text).0;
            assert!(message.contains(fragment), "{text:?}: {message}");
        }
    }
}
