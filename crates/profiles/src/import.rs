//! Profiles from setups users already have: the AWS CLI's
//! `~/.aws/credentials` + `~/.aws/config`, and rclone's `type = s3` remotes.
//! Source files are only read, never written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stowage_store::s3::ChecksumMode;

use crate::profile::{ovh_endpoint, Backend, Profile, Provider, S3Backend, OVH_REGIONS};
use crate::{Keys, Secret};

/// A profile read from another tool, with its keys, ready to save.
#[derive(Debug, Clone)]
pub struct Found {
    pub profile: Profile,
    pub keys: Keys,
}

/// What an import read: profiles to save, and entries it passed over, each
/// with the reason.
#[derive(Debug, Default)]
pub struct Findings {
    pub found: Vec<Found>,
    pub skipped: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("Cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0} is encrypted; Stowage cannot read an encrypted rclone config. Run `rclone config show` to check it, or import the keys by hand.")]
    Encrypted(PathBuf),
}

/// Where the AWS CLI keeps its files (honouring its environment variables).
pub fn aws_default_paths() -> Option<(PathBuf, PathBuf)> {
    let home = dirs::home_dir()?;
    let credentials =
        std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").map_or_else(|| home.join(".aws/credentials"), PathBuf::from);
    let config = std::env::var_os("AWS_CONFIG_FILE").map_or_else(|| home.join(".aws/config"), PathBuf::from);
    Some((credentials, config))
}

/// Where rclone keeps its config (honouring RCLONE_CONFIG).
pub fn rclone_default_path() -> Option<PathBuf> {
    std::env::var_os("RCLONE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("rclone/rclone.conf")))
}

/// Reads AWS CLI profiles. A missing config file is fine; a missing
/// credentials file is an error (nothing to import).
pub fn from_aws(credentials: &Path, config: &Path) -> Result<Findings, ImportError> {
    let creds = parse_ini(&read(credentials)?);
    let config = match std::fs::read_to_string(config) {
        Ok(text) => parse_ini(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(source) => return Err(ImportError::Read { path: config.to_owned(), source }),
    };
    let mut findings = Findings::default();
    for (name, section) in &creds {
        let (Some(access), Some(secret)) = (section.get("aws_access_key_id"), section.get("aws_secret_access_key"))
        else {
            findings.skipped.push(format!("AWS profile \"{name}\": no aws_access_key_id and aws_secret_access_key"));
            continue;
        };
        let empty = BTreeMap::new();
        let conf = config.get(&format!("profile {name}")).or_else(|| config.get(name)).unwrap_or(&empty);
        let lookup = |key: &str| section.get(key).or_else(|| conf.get(key)).cloned();
        let region = lookup("region").unwrap_or_else(|| "us-east-1".to_owned());
        let endpoint = lookup("s3.endpoint_url")
            .or_else(|| lookup("endpoint_url"))
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let path_style = lookup("s3.addressing_style").is_some_and(|s| s == "path");
        findings.found.push(found(format!("aws-{name}"), endpoint, region, path_style, access, secret));
    }
    Ok(findings)
}

/// Reads rclone remotes of `type = s3`.
pub fn from_rclone(path: &Path) -> Result<Findings, ImportError> {
    let text = read(path)?;
    if text.lines().any(|line| line.trim().starts_with("RCLONE_ENCRYPT_")) {
        return Err(ImportError::Encrypted(path.to_owned()));
    }
    let mut findings = Findings::default();
    for (name, section) in parse_ini(&text) {
        if section.get("type").map(String::as_str) != Some("s3") {
            continue;
        }
        let (Some(access), Some(secret)) = (section.get("access_key_id"), section.get("secret_access_key")) else {
            findings
                .skipped
                .push(format!("rclone remote \"{name}\": its keys come from the environment (env_auth), not the file"));
            continue;
        };
        let region = section.get("region").filter(|r| !r.is_empty()).cloned().unwrap_or_else(|| "us-east-1".to_owned());
        let Some(endpoint) = section.get("endpoint").filter(|e| !e.is_empty()).map(|e| with_scheme(e)) else {
            findings.skipped.push(format!("rclone remote \"{name}\": no endpoint"));
            continue;
        };
        // rclone uses path style unless told otherwise.
        let path_style = section.get("force_path_style").is_none_or(|v| v != "false");
        findings.found.push(found(format!("rclone-{name}"), endpoint, region, path_style, access, secret));
    }
    Ok(findings)
}

fn read(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|source| ImportError::Read { path: path.to_owned(), source })
}

fn with_scheme(endpoint: &str) -> String {
    if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("https://{endpoint}")
    }
}

fn found(name: String, endpoint: String, region: String, path_style: bool, access: &str, secret: &str) -> Found {
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let ovh_region = OVH_REGIONS
        .iter()
        .find(|r| ovh_endpoint(r) == endpoint || endpoint == format!("https://s3.{r}.perf.cloud.ovh.net"));
    let (provider, region, endpoint) = match ovh_region {
        Some(r) => (Provider::Ovh, (*r).to_owned(), ovh_endpoint(r)),
        None => (Provider::Other, region, endpoint),
    };
    let name: String = name.chars().map(|c| if matches!(c, ':' | '/' | '\\') { '-' } else { c }).collect();
    Found {
        profile: Profile {
            name,
            backend: Backend::S3(S3Backend {
                provider,
                endpoint,
                region,
                path_style,
                checksum: ChecksumMode::WhenRequired,
            }),
            datastore_alias: None,
        },
        keys: Keys {
            access_key: Some(Secret::new(access.to_owned())),
            secret_key: Some(Secret::new(secret.to_owned())),
        },
    }
}

/// INI as the AWS CLI and rclone write it: `[section]`, `key = value`,
/// comments with `#` or `;`, and the AWS config's nested form
/// (`s3 =` followed by indented `endpoint_url = ...`, read as `s3.endpoint_url`).
fn parse_ini(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut parent: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = Some(name.trim().to_owned());
            parent = None;
            sections.entry(name.trim().to_owned()).or_default();
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, trimmed.split_once('=')) else { continue };
        let (key, value) = (key.trim().to_owned(), value.trim().to_owned());
        let indented = line.starts_with([' ', '\t']);
        let entries = sections.entry(section.clone()).or_default();
        match (&parent, indented) {
            (Some(p), true) => {
                entries.insert(format!("{p}.{key}"), value);
            }
            _ if value.is_empty() => parent = Some(key),
            _ => {
                parent = None;
                entries.insert(key, value);
            }
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_aws_profiles_with_endpoints() {
        let dir = tempfile::tempdir().expect("tempdir");
        let creds = dir.path().join("credentials");
        let config = dir.path().join("config");
        std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = SKDEFAULT\n\n[ovh]\naws_access_key_id=AKOVH\naws_secret_access_key=SKOVH\n[broken]\nregion = x\n",
        )
        .expect("write");
        std::fs::write(
            &config,
            "[default]\nregion = eu-west-3\n[profile ovh]\nregion = gra\ns3 =\n  endpoint_url = https://s3.gra.io.cloud.ovh.net\n  addressing_style = path\n",
        )
        .expect("write");
        let before = std::fs::read(&creds).expect("read");
        let findings = from_aws(&creds, &config).expect("import");
        assert_eq!(std::fs::read(&creds).expect("read"), before, "the source is not modified");

        let names: Vec<&str> = findings.found.iter().map(|f| f.profile.name.as_str()).collect();
        assert_eq!(names, ["aws-default", "aws-ovh"]);
        assert_eq!(findings.skipped.len(), 1);
        let Backend::S3(ovh) = &findings.found[1].profile.backend else { panic!("s3") };
        assert_eq!(
            (ovh.provider, ovh.endpoint.as_str(), ovh.region.as_str(), ovh.path_style),
            (Provider::Ovh, "https://s3.gra.io.cloud.ovh.net", "gra", true)
        );
        assert_eq!(findings.found[1].keys.secret_key.as_ref().map(|s| s.expose().as_str()), Some("SKOVH"));
        let Backend::S3(aws) = &findings.found[0].profile.backend else { panic!("s3") };
        assert_eq!((aws.endpoint.as_str(), aws.region.as_str()), ("https://s3.eu-west-3.amazonaws.com", "eu-west-3"));
    }

    #[test]
    fn reads_rclone_s3_remotes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rclone.conf");
        std::fs::write(
            &path,
            "[ovh-sbg]\ntype = s3\nprovider = Other\naccess_key_id = AK1\nsecret_access_key = SK1\nendpoint = s3.sbg.io.cloud.ovh.net\nregion = sbg\n\n\
             [minio]\ntype = s3\naccess_key_id = AK2\nsecret_access_key = SK2\nendpoint = http://127.0.0.1:9000\nforce_path_style = false\n\n\
             [envauth]\ntype = s3\nenv_auth = true\n\n[drive]\ntype = drive\n",
        )
        .expect("write");
        let findings = from_rclone(&path).expect("import");
        let names: Vec<&str> = findings.found.iter().map(|f| f.profile.name.as_str()).collect();
        assert_eq!(names, ["rclone-minio", "rclone-ovh-sbg"]);
        let Backend::S3(minio) = &findings.found[0].profile.backend else { panic!("s3") };
        assert_eq!(
            (minio.provider, minio.endpoint.as_str(), minio.path_style),
            (Provider::Other, "http://127.0.0.1:9000", false)
        );
        let Backend::S3(sbg) = &findings.found[1].profile.backend else { panic!("s3") };
        assert_eq!((sbg.provider, sbg.endpoint.as_str()), (Provider::Ovh, "https://s3.sbg.io.cloud.ovh.net"));
        assert_eq!(findings.skipped.len(), 1, "{:?}", findings.skipped);
    }

    #[test]
    fn an_encrypted_rclone_config_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rclone.conf");
        std::fs::write(&path, "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc").expect("write");
        let err = from_rclone(&path).expect_err("encrypted");
        assert!(matches!(err, ImportError::Encrypted(_)), "{err}");
        assert!(err.to_string().contains("encrypted"), "{err}");
    }
}
