//! What the simulated platform offers (`GET /v1/capabilities/...`): a few
//! of OVHcloud's flavors, notebook editors and frameworks, job images, the
//! project's quota, and the checks a spec's resources and notebook
//! environment get against them.

use std::collections::BTreeMap;

use crate::wire::{Flavor, GpuInformation, JobImage, NotebookEnv, NotebookOption, Quota, Resources, ResourcesPerUnit};

pub fn quota() -> Quota {
    Quota { resources: BTreeMap::from([("CPU", 12), ("GPU", 4)]), storage: 8 * 10_000_000_000 }
}

pub fn job_images() -> Vec<JobImage> {
    vec![JobImage {
        id: "ovhcom/ai-training-pytorch",
        name: "PyTorch",
        description: "PyTorch with CUDA, as OVHcloud builds it",
        doc_url: "https://help.ovhcloud.com/csm/en-public-cloud-ai-training",
        logo_url: "https://ui.gra.ai.sim.local/logos/pytorch.svg",
        versions: vec!["2.4.0", "2.3.1"],
    }]
}

const GIB: u64 = 1 << 30;

pub fn flavors() -> Vec<Flavor> {
    let gpu = |id, model, memory_gib: u64, cpu, ram_gib: u64, default| Flavor {
        id,
        kind: "gpu",
        description: model,
        default,
        max: 4,
        gpu_information: Some(GpuInformation { gpu_brand: "NVIDIA", gpu_model: model, gpu_memory: memory_gib * GIB }),
        resources_per_unit: ResourcesPerUnit { cpu, memory: ram_gib * GIB, ephemeral_storage: 650 * GIB },
    };
    vec![
        gpu("ai1-1-gpu", "Tesla V100S", 32, 13, 40, true),
        gpu("l40s-1-gpu", "L40S", 48, 15, 90, false),
        gpu("h100-1-gpu", "H100", 80, 30, 200, false),
        Flavor {
            id: "ai1-1-cpu",
            kind: "cpu",
            description: "Intel Xeon CPU",
            default: false,
            max: 12,
            gpu_information: None,
            resources_per_unit: ResourcesPerUnit { cpu: 1, memory: 4 * GIB, ephemeral_storage: 50 * GIB },
        },
    ]
}

pub fn editors() -> Vec<NotebookOption> {
    vec![
        NotebookOption {
            id: "jupyterlab",
            name: "JupyterLab",
            description: "Notebooks, terminals and files in the browser",
            doc_url: "https://jupyterlab.readthedocs.io",
            versions: vec!["4.2"],
        },
        NotebookOption {
            id: "vscode",
            name: "Visual Studio Code",
            description: "VS Code in the browser",
            doc_url: "https://code.visualstudio.com/docs",
            versions: vec!["1.92"],
        },
    ]
}

pub fn frameworks() -> Vec<NotebookOption> {
    vec![
        NotebookOption {
            id: "pytorch",
            name: "PyTorch",
            description: "PyTorch with CUDA",
            doc_url: "https://pytorch.org/docs",
            versions: vec!["2.4", "2.3"],
        },
        NotebookOption {
            id: "tensorflow",
            name: "TensorFlow",
            description: "TensorFlow with CUDA",
            doc_url: "https://www.tensorflow.org/api_docs",
            versions: vec!["2.16"],
        },
    ]
}

/// The resources a run gets: the flavor (the default one when none is
/// named) and its units, filled in as the API answers them; or why not.
pub fn resolve(asked: Option<&Resources>) -> Result<Resources, String> {
    let asked = asked.cloned().unwrap_or_default();
    let all = flavors();
    let flavor = match &asked.flavor {
        Some(id) => all.iter().find(|f| f.id == id).ok_or_else(|| format!("unknown flavor {id}"))?,
        None if asked.cpu.is_some() && asked.gpu.is_none() => {
            all.iter().find(|f| f.kind == "cpu").ok_or("no CPU flavor")?
        }
        None => all.iter().find(|f| f.default).ok_or("no default flavor")?,
    };
    let units = match (flavor.kind, asked.gpu, asked.cpu) {
        ("gpu", Some(n), _) | ("cpu", _, Some(n)) => n,
        ("gpu", None, None) => 1,
        ("gpu", None, Some(_)) => return Err(format!("{} counts GPUs: give resources.gpu", flavor.id)),
        (_, Some(_), _) => return Err(format!("{} has no GPU: give resources.cpu", flavor.id)),
        _ => 1,
    };
    if units == 0 || units > flavor.max {
        return Err(format!("{} takes 1 to {} units, not {units}", flavor.id, flavor.max));
    }
    let per = &flavor.resources_per_unit;
    let gpu = flavor.gpu_information.as_ref();
    Ok(Resources {
        flavor: Some(flavor.id.to_owned()),
        gpu: Some(if gpu.is_some() { units } else { 0 }),
        cpu: Some(per.cpu * units),
        memory: Some(per.memory * u64::from(units)),
        ephemeral_storage: Some(per.ephemeral_storage * u64::from(units)),
        gpu_brand: gpu.map(|g| g.gpu_brand.to_owned()),
        gpu_model: gpu.map(|g| g.gpu_model.to_owned()),
        gpu_memory: gpu.map(|g| g.gpu_memory),
        private_network: Some(0),
        public_network: Some(1_500_000_000),
    })
}

/// A notebook's editor and framework, checked; the framework's newest
/// version when none is given.
pub fn resolve_env(env: Option<&NotebookEnv>) -> Result<NotebookEnv, String> {
    let env = env.ok_or("spec.env is required: editorId and frameworkId")?;
    let editor = env.editor_id.as_deref().ok_or("spec.env.editorId is required")?;
    if !editors().iter().any(|e| e.id == editor) {
        return Err(format!("unknown editor {editor}"));
    }
    let framework_id = env.framework_id.as_deref().ok_or("spec.env.frameworkId is required")?;
    let frameworks = frameworks();
    let framework =
        frameworks.iter().find(|f| f.id == framework_id).ok_or_else(|| format!("unknown framework {framework_id}"))?;
    let version = match env.framework_version.as_deref() {
        Some(v) if framework.versions.contains(&v) => v,
        Some(v) => return Err(format!("{framework_id} has no version {v}")),
        None => framework.versions[0],
    };
    Ok(NotebookEnv {
        editor_id: Some(editor.to_owned()),
        framework_id: Some(framework_id.to_owned()),
        framework_version: Some(version.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_follow_the_flavor() {
        let asked = |flavor: Option<&str>, gpu, cpu| Resources {
            flavor: flavor.map(str::to_owned),
            gpu,
            cpu,
            ..Resources::default()
        };
        let got = resolve(Some(&asked(Some("l40s-1-gpu"), Some(2), None))).expect("l40s");
        assert_eq!((got.gpu, got.cpu, got.gpu_model.as_deref()), (Some(2), Some(30), Some("L40S")));
        assert_eq!(resolve(None).expect("default").flavor.as_deref(), Some("ai1-1-gpu"));
        assert_eq!(resolve(Some(&asked(None, None, Some(4)))).expect("cpu").flavor.as_deref(), Some("ai1-1-cpu"));
        assert!(resolve(Some(&asked(Some("ai1-1-cpu"), Some(1), None))).is_err());
        assert!(resolve(Some(&asked(Some("h100-1-gpu"), Some(9), None))).expect_err("max").contains("1 to 4"));
        assert!(resolve(Some(&asked(Some("nope"), None, None))).is_err());
    }
}
