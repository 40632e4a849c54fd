//! What is wrong, risky or worth knowing about a list of volumes, as
//! sentences that name the volume, the field and the fix.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::volume::{Permission, Source, Volume};

/// The datastores the Swift side of the platform always has, and their regions.
pub const BUILT_IN_ALIASES: &[(&str, &str)] =
    &[("GRA", "gra"), ("SBG", "sbg"), ("BHS", "bhs"), ("DE", "de"), ("UK", "uk"), ("WAW", "waw"), ("SGP", "sgp")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The platform would refuse it or the job would break: fix first.
    Error,
    /// Works, but probably not what was meant.
    Warning,
    /// Works, and has a consequence to acknowledge (RWD deletes objects).
    Confirm,
    /// Advice from how the platform moves data.
    Hint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum VolumeField {
    Container,
    Alias,
    Prefix,
    Url,
    MountPath,
    Permission,
    Cache,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Position of the volume in the list.
    pub volume: u32,
    pub field: VolumeField,
    pub severity: Severity,
    pub message: String,
}

/// What the checks know beyond the volumes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Datastore aliases of the user's profiles, with the region each is in
    /// (empty when unknown, as for a folder on this computer).
    pub aliases: BTreeMap<String, String>,
    /// The region the job will run in, when known (`gra`).
    pub job_region: Option<String>,
}

impl Context {
    fn region_of(&self, alias: &str) -> Option<&str> {
        self.aliases
            .get(alias)
            .map(String::as_str)
            .or_else(|| BUILT_IN_ALIASES.iter().find(|(a, _)| *a == alias).map(|(_, r)| *r))
    }
}

pub fn check(volumes: &[Volume], context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, volume) in volumes.iter().enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let mut add =
            |field, severity, message: String| findings.push(Finding { volume: index, field, severity, message });
        let n = i + 1;

        if let Err(message) = check_mount_path(&volume.mount_path) {
            add(VolumeField::MountPath, Severity::Error, format!("Volume {n}: {message}"));
        }
        match &volume.source {
            Source::DataStore { alias, container, prefix } => {
                if let Err(rule) = stowage_store::container_name::validate(container) {
                    add(VolumeField::Container, Severity::Error, format!("Volume {n}: {}", rule.message()));
                }
                if alias.is_empty() {
                    add(
                        VolumeField::Alias,
                        Severity::Error,
                        format!("Volume {n} has no datastore alias. Type the alias ovhai knows (GRA, S3GRA), or set one on the profile in Settings."),
                    );
                }
                if prefix.starts_with('/') {
                    add(VolumeField::Prefix, Severity::Error, format!("Volume {n}: the prefix starts after the alias's '/'; remove the extra '/' from \"{prefix}\"."));
                }
                if !alias.is_empty() && !context.aliases.contains_key(alias) {
                    let built_in = BUILT_IN_ALIASES.iter().any(|(a, _)| a == alias);
                    let meaning = if built_in {
                        format!("\"{alias}\" is one of the platform's built-in Swift datastores, so the job can mount it, but Stowage cannot check, browse or pull its outputs. Set the alias on a profile in Settings if it is one of yours.")
                    } else {
                        "If the platform knows it (ovhai datastore list), the job can mount it; otherwise set it on a profile in Settings.".to_owned()
                    };
                    add(
                        VolumeField::Alias,
                        Severity::Warning,
                        format!("No profile has the datastore alias \"{alias}\" (volume {n}). {meaning}"),
                    );
                }
                if let Some(region) = context.region_of(alias) {
                    let differs = |job: &&str| !region.is_empty() && !job.eq_ignore_ascii_case(region);
                    if let Some(job) = context.job_region.as_deref().filter(differs) {
                        add(
                            VolumeField::Alias,
                            Severity::Warning,
                            format!("Volume {n}: \"{alias}\" is in {region}, the job runs in {job}. A container must be in the job's region."),
                        );
                    }
                }
            }
            Source::Url { url } => {
                let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or("");
                let git_host = ["github.com", "gitlab.com", "bitbucket.org"].iter().any(|h| host.ends_with(h));
                if git_host && !url.ends_with(".git") {
                    add(
                        VolumeField::Url,
                        Severity::Error,
                        format!("Volume {n}: a Git repository URL ends in .git; write {url}.git."),
                    );
                }
            }
            Source::Standalone => {}
        }
        if volume.permission == Permission::Rwd {
            add(
                VolumeField::Permission,
                Severity::Confirm,
                format!(
                    "Volume {n} is RWD: deletions in the job delete objects in {}. Confirm this is meant.",
                    describe(&volume.source)
                ),
            );
        }
        let name = volume.mount_path.to_ascii_lowercase();
        let looks_like_output =
            ["output", "checkpoint", "ckpt", "result", "model", "log"].iter().any(|w| name.contains(w));
        let looks_like_input = ["data", "input", "dataset"].iter().any(|w| name.contains(w)) && !looks_like_output;
        if volume.permission == Permission::Ro && looks_like_output {
            add(
                VolumeField::Permission,
                Severity::Hint,
                format!("Volume {n} looks like an output but is RO: what the job writes there is not kept. Use RW."),
            );
        }
        if volume.permission != Permission::Ro && looks_like_input {
            add(
                VolumeField::Permission,
                Severity::Hint,
                format!("Volume {n} looks like input data: RO keeps the dataset safe and is never synced back."),
            );
        }
        if volume.cache && volume.permission != Permission::Ro {
            add(
                VolumeField::Cache,
                Severity::Hint,
                format!("Volume {n} is cached and writable: the cache only saves download time and is evicted after 72 h unused; Object Storage keeps the data."),
            );
        }
    }
    check_overlaps(volumes, &mut findings);
    findings.sort_by_key(|f| (f.severity, f.volume));
    findings
}

fn describe(source: &Source) -> String {
    match source {
        Source::DataStore { alias, container, prefix } if prefix.is_empty() => format!("{container}@{alias}"),
        Source::DataStore { alias, container, prefix } => format!("{container}@{alias}/{prefix}"),
        Source::Url { url } => url.clone(),
        Source::Standalone => "standalone".into(),
    }
}

/// A mount path is absolute, normalized and not the root.
fn check_mount_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("the mount path \"{path}\" must be absolute, such as /workspace/data."));
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if segments.is_empty() {
        return Err("a volume cannot be mounted at /; use a folder such as /workspace/data.".to_owned());
    }
    if segments.contains(&"..") {
        return Err(format!("the mount path \"{path}\" cannot contain \"..\"."));
    }
    let normal = format!("/{}", segments.join("/"));
    if normal != path {
        return Err(format!("write the mount path as {normal} (no empty, \".\" or trailing segments)."));
    }
    Ok(())
}

fn check_overlaps(volumes: &[Volume], findings: &mut Vec<Finding>) {
    for (i, a) in volumes.iter().enumerate() {
        for (j, b) in volumes.iter().enumerate().skip(i + 1) {
            let (pa, pb) = (a.mount_path.trim_end_matches('/'), b.mount_path.trim_end_matches('/'));
            let message = if pa == pb {
                format!("Volumes {} and {} both mount at {pa}; give each its own folder.", i + 1, j + 1)
            } else if pb.starts_with(&format!("{pa}/")) || pa.starts_with(&format!("{pb}/")) {
                format!("Volumes {} and {} are nested ({pa} and {pb}); mount them side by side instead.", i + 1, j + 1)
            } else {
                continue;
            };
            let volume = u32::try_from(j).unwrap_or(u32::MAX);
            findings.push(Finding { volume, field: VolumeField::MountPath, severity: Severity::Error, message });
        }
    }
}

/// Whether the list can be handed to the platform: no errors.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volumes(strings: &[&str]) -> Vec<Volume> {
        strings.iter().map(|s| s.parse().expect(s)).collect()
    }

    fn context() -> Context {
        Context { aliases: [("S3GRA".to_owned(), "gra".to_owned())].into(), job_region: Some("gra".into()) }
    }

    fn messages(findings: &[Finding], severity: Severity) -> Vec<&str> {
        findings.iter().filter(|f| f.severity == severity).map(|f| f.message.as_str()).collect()
    }

    #[test]
    fn a_good_set_has_no_errors_or_warnings() {
        let set = volumes(&["dataset@S3GRA/train/:/workspace/data:ro:cache", "ckpt@S3GRA:/workspace/checkpoints:rw"]);
        let findings = check(&set, &context());
        assert!(messages(&findings, Severity::Error).is_empty(), "{findings:?}");
        assert!(messages(&findings, Severity::Warning).is_empty(), "{findings:?}");
    }

    #[test]
    fn errors_name_the_volume_and_the_fix() {
        let set = volumes(&[
            "dataset@GRA:/workspace/data/:ro",
            "Bad_Name@GRA:/workspace/x:ro",
            "a@GRA:/:ro",
            "b@GRA:/workspace/data/sub:ro",
            "c@GRA:/workspace/x:ro",
            "https://github.com/ovh/examples:/workspace/code:rw",
        ]);
        let findings = check(&set, &Context::default());
        let errors = messages(&findings, Severity::Error).join("\n");
        for fragment in [
            "write the mount path as /workspace/data",
            "lowercase",
            "cannot be mounted at /",
            "nested",
            "both mount at /workspace/x",
            "ends in .git",
        ] {
            assert!(errors.contains(fragment), "missing {fragment:?} in:\n{errors}");
        }
        assert!(has_errors(&findings));
    }

    #[test]
    fn warnings_confirmations_and_hints() {
        let set = volumes(&[
            "out@SBG:/workspace/output:ro",
            "xyz@NOPE:/workspace/stuff:rwd",
            "data@S3GRA:/workspace/dataset:rw:cache",
        ]);
        let findings = check(&set, &context());
        let warnings = messages(&findings, Severity::Warning).join("\n");
        assert!(warnings.contains("\"SBG\" is in sbg, the job runs in gra"), "{warnings}");
        assert!(warnings.contains("No profile has the datastore alias \"NOPE\""), "{warnings}");
        assert!(
            warnings.contains(
                "No profile has the datastore alias \"SBG\" (volume 1). \"SBG\" is one of the platform's built-in"
            ),
            "a built-in alias is flagged too: Stowage cannot reach it: {warnings}"
        );
        assert!(messages(&findings, Severity::Confirm)[0].contains("deletions in the job delete objects in xyz@NOPE"));
        let hints = messages(&findings, Severity::Hint).join("\n");
        assert!(hints.contains("looks like an output but is RO"), "{hints}");
        assert!(hints.contains("looks like input data"), "{hints}");
        assert!(hints.contains("72 h"), "{hints}");
        assert!(!has_errors(&findings));
    }
}
