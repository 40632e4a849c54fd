//! Volumes as the AI Training API's job and notebook specs hold them:
//!
//! ```json
//! {"dataStore": {"alias": "GRA", "container": "dataset", "prefix": "train/"},
//!  "mountPath": "/workspace/dataset", "permission": "RO", "cache": true}
//! {"publicGit": {"url": "https://github.com/ovh/ai-training-examples.git"},
//!  "mountPath": "/workspace/code", "permission": "RW"}
//! {"standalone": {}, "mountPath": "/workspace/scratch", "permission": "RW"}
//! ```
//!
//! Read leniently, as the SDK reads it: a permission is any text (its
//! docstring itself says "R"), and a `privateSwift` source is kept.

use serde::{Deserialize, Serialize};

use crate::volume::{Permission, Source, Volume};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiVolume {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_store: Option<ApiDataStore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_git: Option<ApiUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_swift: Option<ApiUrl>,
    /// A container in the project's Swift storage (SDK `PrivateSwiftVolumeSource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_swift: Option<ApiPrivateSwift>,
    /// An empty volume that lives with the job (SDK `StandaloneVolumeSource`, a free-form map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standalone: Option<ApiStandalone>,
    pub mount_path: String,
    #[serde(default)]
    pub permission: ApiPermission,
    #[serde(default)]
    pub cache: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiDataStore {
    pub alias: String,
    pub container: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiUrl {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiPrivateSwift {
    pub container: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// Sent as `{}`; whatever the API puts in it is not needed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiStandalone {}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ApiPermission {
    #[default]
    Ro,
    Rw,
    Rwd,
    /// A value this client does not know, kept as the API wrote it.
    #[serde(untagged)]
    Other(String),
}

impl From<Permission> for ApiPermission {
    fn from(p: Permission) -> Self {
        match p {
            Permission::Ro => Self::Ro,
            Permission::Rw => Self::Rw,
            Permission::Rwd => Self::Rwd,
        }
    }
}

impl TryFrom<ApiPermission> for Permission {
    type Error = String;

    fn try_from(p: ApiPermission) -> Result<Self, String> {
        match p {
            ApiPermission::Ro => Ok(Self::Ro),
            ApiPermission::Rw => Ok(Self::Rw),
            ApiPermission::Rwd => Ok(Self::Rwd),
            // The SDK's own docstring calls read-only "R".
            ApiPermission::Other(text) if text.eq_ignore_ascii_case("r") => Ok(Self::Ro),
            ApiPermission::Other(text) => Err(format!("the permission \"{text}\" is not RO, RW or RWD")),
        }
    }
}

impl From<&Volume> for ApiVolume {
    fn from(v: &Volume) -> Self {
        let mut api = Self {
            data_store: None,
            public_git: None,
            public_swift: None,
            private_swift: None,
            standalone: None,
            mount_path: v.mount_path.clone(),
            permission: v.permission.into(),
            cache: v.cache,
        };
        match &v.source {
            Source::DataStore { alias, container, prefix } => {
                let prefix = (!prefix.is_empty()).then(|| prefix.clone());
                api.data_store = Some(ApiDataStore { alias: alias.clone(), container: container.clone(), prefix });
            }
            Source::Url { url } if v.source.is_git() => api.public_git = Some(ApiUrl { url: url.clone() }),
            Source::Url { url } => api.public_swift = Some(ApiUrl { url: url.clone() }),
            Source::Standalone => api.standalone = Some(ApiStandalone {}),
        }
        api
    }
}

impl TryFrom<ApiVolume> for Volume {
    type Error = String;

    fn try_from(v: ApiVolume) -> Result<Self, String> {
        let mount = v.mount_path.clone();
        let mut sources = Vec::new();
        if let Some(ds) = v.data_store {
            sources.push(Source::DataStore {
                alias: ds.alias,
                container: ds.container,
                prefix: ds.prefix.unwrap_or_default(),
            });
        }
        for ApiUrl { url } in [v.public_git, v.public_swift].into_iter().flatten() {
            sources.push(Source::Url { url });
        }
        // `container@REGION` is how ovhai writes a container of the project's Swift storage.
        if let Some(swift) = v.private_swift {
            sources.push(Source::DataStore {
                alias: swift.region,
                container: swift.container,
                prefix: swift.prefix.unwrap_or_default(),
            });
        }
        if v.standalone.is_some() {
            sources.push(Source::Standalone);
        }
        let source = match <[Source; 1]>::try_from(sources) {
            Ok([source]) => source,
            Err(none) if none.is_empty() => {
                return Err(format!(
                    "The volume at {mount} has no source: give dataStore, publicGit, publicSwift, privateSwift or standalone."
                ))
            }
            Err(_) => return Err(format!("The volume at {mount} has more than one source; keep one.")),
        };
        let permission = Permission::try_from(v.permission).map_err(|e| format!("The volume at {mount}: {e}."))?;
        Ok(Volume { source, mount_path: v.mount_path, permission, cache: v.cache })
    }
}

/// The `volumes` array of a job spec.
pub fn to_json(volumes: &[Volume]) -> String {
    let api: Vec<ApiVolume> = volumes.iter().map(ApiVolume::from).collect();
    serde_json::to_string_pretty(&api).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads volumes from JSON: a `volumes` array, or a job or notebook spec
/// holding one (also nested under `spec`).
pub fn from_json(text: &str) -> Result<Vec<Volume>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("This is not valid JSON: {e}."))?;
    let array = match &value {
        serde_json::Value::Array(_) => value.clone(),
        serde_json::Value::Object(map) => map
            .get("volumes")
            .or_else(|| map.get("spec").and_then(|s| s.get("volumes")))
            .cloned()
            .ok_or("The JSON has no \"volumes\" list.")?,
        _ => return Err("Give a JSON list of volumes, or a job spec with a \"volumes\" list.".to_owned()),
    };
    let api: Vec<ApiVolume> =
        serde_json::from_value(array).map_err(|e| format!("A volume is not in the API's form: {e}."))?;
    api.into_iter().map(Volume::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_json() {
        let text = r#"[
          {"dataStore": {"alias": "GRA", "container": "dataset", "prefix": "train/"},
           "mountPath": "/workspace/dataset", "permission": "RO", "cache": true},
          {"dataStore": {"alias": "S3GRA", "container": "output"},
           "mountPath": "/workspace/output", "permission": "RWD", "cache": false},
          {"publicGit": {"url": "https://github.com/ovh/ai-training-examples.git"},
           "mountPath": "/workspace/code", "permission": "RW"}
        ]"#;
        let volumes = from_json(text).expect("parse");
        let strings: Vec<String> = volumes.iter().map(ToString::to_string).collect();
        assert_eq!(
            strings,
            [
                "dataset@GRA/train/:/workspace/dataset:ro:cache",
                "output@S3GRA:/workspace/output:rwd",
                "https://github.com/ovh/ai-training-examples.git:/workspace/code:rw",
            ]
        );
        let again = from_json(&to_json(&volumes)).expect("round trip");
        assert_eq!(again, volumes);
        assert!(to_json(&volumes).contains("\"publicGit\""));
    }

    #[test]
    fn reads_a_job_spec_and_explains_bad_input() {
        let spec = r#"{"image": "pytorch", "volumes": [{"dataStore": {"alias": "GRA", "container": "d"}, "mountPath": "/d"}]}"#;
        assert_eq!(from_json(spec).expect("spec").len(), 1);
        assert!(from_json("{").expect_err("bad").contains("not valid JSON"));
        assert!(from_json("{}").expect_err("none").contains("\"volumes\""));
        let no_source = r#"[{"mountPath": "/d"}]"#;
        assert!(from_json(no_source).expect_err("no source").contains("no source"));
    }
}
