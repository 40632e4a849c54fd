//! What the platform offers: flavors (`GET /v1/capabilities/flavor`),
//! notebook editors and frameworks (`GET /v1/capabilities/notebook/editor`,
//! `/framework`), the images OVHcloud offers for jobs
//! (`/v1/capabilities/job/image`) and the project's quota
//! (`/v1/capabilities/quota`), in the SDK's shapes (`Flavor`,
//! `NotebookEditor`, `NotebookFramework`, `JobImage`, `ProjectQuotas`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Flavor {
    /// `ai1-1-gpu`, `l40s-1-gpu`, `ai1-1-cpu`...
    pub id: String,
    /// `gpu` or `cpu`: which count a spec gives with this flavor.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The flavor the platform picks when a spec names none.
    #[serde(default)]
    pub default: bool,
    /// The most units one job can have.
    #[serde(default)]
    pub max: Option<u32>,
    #[serde(default)]
    pub gpu_information: Option<GpuInformation>,
    #[serde(default)]
    pub resources_per_unit: Option<ResourcesPerUnit>,
}

impl Flavor {
    pub fn is_gpu(&self) -> bool {
        self.kind.eq_ignore_ascii_case("gpu")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GpuInformation {
    #[serde(default)]
    pub gpu_brand: Option<String>,
    #[serde(default)]
    pub gpu_model: Option<String>,
    /// Bytes.
    #[serde(default)]
    pub gpu_memory: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResourcesPerUnit {
    #[serde(default)]
    pub cpu: Option<u32>,
    /// Bytes.
    #[serde(default)]
    pub memory: Option<u64>,
    #[serde(default)]
    pub ephemeral_storage: Option<u64>,
}

/// An editor a notebook can run (JupyterLab, VS Code), a framework
/// (PyTorch, TensorFlow) with its versions, or an image OVHcloud offers
/// for jobs (its `id` is what `image` takes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NotebookOption {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub doc_url: Option<String>,
    #[serde(default)]
    pub versions: Vec<String>,
}

/// SDK `ProjectQuotas`: how many units of each kind (`CPU`, `GPU`) the
/// project's running jobs and notebooks may hold together, and its storage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// `None` for a kind without a limit.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = BTreeMap<String, Option<u32>>))]
    pub resources: BTreeMap<String, Option<u32>>,
    /// The SDK says bits.
    #[serde(default)]
    pub storage: Option<u64>,
}

impl Quota {
    /// The limit for one kind of unit, `GPU` or `CPU` (any case).
    pub fn limit(&self, kind: &str) -> Option<u32> {
        self.resources.iter().find(|(k, _)| k.eq_ignore_ascii_case(kind)).and_then(|(_, v)| *v)
    }

    /// A sentence when asking for `asked` more units of `kind` while runs
    /// hold `held` would pass the quota.
    pub fn exceeded(&self, kind: &str, asked: u32, held: u32) -> Option<String> {
        let limit = self.limit(kind)?;
        (held.saturating_add(asked) > limit).then(|| {
            format!(
                "This launch asks for {asked} {kind}; the project's quota is {limit} {kind} and runs already hold {held}. The platform will refuse it until some stop."
            )
        })
    }
}

/// The kind and number of units a run asks for: its GPUs, or its CPUs on
/// a CPU flavor (`flavors` says which the named or default flavor is); a
/// spec without a count gets one unit, as the platform gives it.
pub fn units(flavor: &str, gpu: Option<u32>, cpu: Option<u32>, flavors: &[Flavor]) -> (&'static str, u32) {
    let named = flavors.iter().find(|f| if flavor.is_empty() { f.default } else { f.id == flavor });
    match (gpu, cpu) {
        (Some(n), _) => ("GPU", n),
        (None, Some(n)) => ("CPU", n),
        (None, None) if named.is_some_and(|f| !f.is_gpu()) => ("CPU", 1),
        (None, None) => ("GPU", 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_past_the_quota_is_said_before_it_is_sent() {
        let quota: Quota =
            serde_json::from_str(r#"{"resources": {"GPU": 4, "CPU": null}, "storage": 1000}"#).expect("sdk shape");
        assert_eq!(quota.limit("gpu"), Some(4));
        assert_eq!(quota.exceeded("GPU", 1, 3), None);
        assert!(quota.exceeded("GPU", 2, 3).expect("over").contains("quota is 4 GPU and runs already hold 3"));
        assert_eq!(quota.exceeded("CPU", 100, 100), None, "no limit on CPUs");
        let cpu = Flavor { id: "ai1-1-cpu".into(), kind: "cpu".into(), ..Flavor::default() };
        let gpu = Flavor { id: "l40s-1-gpu".into(), kind: "gpu".into(), default: true, ..Flavor::default() };
        let flavors = [cpu, gpu];
        assert_eq!(units("ai1-1-cpu", None, None, &flavors), ("CPU", 1));
        assert_eq!(units("", None, None, &flavors), ("GPU", 1));
        assert_eq!(units("l40s-1-gpu", Some(2), None, &flavors), ("GPU", 2));
        assert_eq!(units("ai1-1-cpu", None, Some(8), &flavors), ("CPU", 8));
    }
}
