//! What the platform offers: flavors (`GET /v1/capabilities/flavor`) and
//! notebook editors and frameworks (`GET /v1/capabilities/notebook/editor`,
//! `/framework`), in the SDK's shapes (`Flavor`, `NotebookEditor`,
//! `NotebookFramework`).

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

/// An editor a notebook can run (JupyterLab, VS Code), or a framework
/// (PyTorch, TensorFlow) with its versions.
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
