//! The launch form (the window's "Launch job" and "Launch notebook", a
//! pasted `ovhai job run`, `stowage job run`) turned into the API's spec:
//! the command line split like a shell would, `NAME=VALUE` lines as
//! variables, and the resources as `ovhai` sends them: a flavor and a count
//! of GPUs or CPUs, only what was given.

use serde::{Deserialize, Serialize};

use super::model::{EnvVar, JobSpec, NotebookEnv, Resources, Workload};
use crate::api::ApiVolume;
use crate::command::split_words;
use crate::volume::ParseError;
use crate::Volume;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LaunchForm {
    pub kind: Workload,
    pub name: String,
    /// Jobs: the image.
    pub image: String,
    /// Jobs: as typed, `python train.py --epochs 3`.
    pub command: String,
    /// Notebooks: the editor (`jupyterlab`), framework and its version.
    pub editor: String,
    pub framework: String,
    pub framework_version: String,
    /// Empty: the platform's default flavor.
    pub flavor: String,
    /// GPUs, for a GPU flavor.
    pub gpu: Option<u32>,
    /// CPUs, for a CPU flavor.
    pub cpu: Option<u32>,
    /// One `NAME=VALUE` per line.
    pub env: String,
    pub volumes: Vec<Volume>,
}

impl Default for LaunchForm {
    fn default() -> Self {
        Self {
            kind: Workload::Job,
            name: String::new(),
            image: String::new(),
            command: String::new(),
            editor: String::new(),
            framework: String::new(),
            framework_version: String::new(),
            flavor: String::new(),
            gpu: None,
            cpu: None,
            env: String::new(),
            volumes: Vec::new(),
        }
    }
}

pub fn job_spec(form: &LaunchForm) -> Result<JobSpec, ParseError> {
    spec_of(form).map_err(ParseError)
}

fn spec_of(form: &LaunchForm) -> Result<JobSpec, String> {
    let (image, env, command) = match form.kind {
        Workload::Job => {
            let image = form.image.trim();
            if image.is_empty() {
                return Err("Give the image the job runs, e.g. ovhcom/ai-training-pytorch.".into());
            }
            (Some(image.to_owned()), None, split_words(&form.command)?)
        }
        Workload::Notebook => {
            let (editor, framework) = (form.editor.trim(), form.framework.trim());
            if editor.is_empty() || framework.is_empty() {
                return Err("Choose the notebook's editor and framework.".into());
            }
            let version = form.framework_version.trim();
            let env = NotebookEnv {
                editor_id: Some(editor.to_owned()),
                framework_id: Some(framework.to_owned()),
                framework_version: (!version.is_empty()).then(|| version.to_owned()),
            };
            (None, Some(env), Vec::new())
        }
    };
    let name = form.name.trim();
    Ok(JobSpec {
        name: (!name.is_empty()).then(|| name.to_owned()),
        image,
        env,
        command,
        env_vars: env_vars(&form.env)?,
        resources: resources(form)?,
        volumes: form.volumes.iter().map(ApiVolume::from).collect(),
        ..JobSpec::default()
    })
}

fn resources(form: &LaunchForm) -> Result<Resources, String> {
    match (form.gpu, form.cpu) {
        (Some(0), _) | (_, Some(0)) => return Err("Give at least one GPU or one CPU.".into()),
        (Some(_), Some(_)) => {
            return Err(
                "Give GPUs or CPUs, not both: a flavor has one kind of unit, and its CPUs come with each GPU.".into()
            )
        }
        _ => {}
    }
    let flavor = form.flavor.trim();
    Ok(Resources {
        flavor: (!flavor.is_empty()).then(|| flavor.to_owned()),
        gpu: form.gpu,
        cpu: form.cpu,
        ..Resources::default()
    })
}

/// `NAME=VALUE` per line; blank lines are skipped.
pub fn env_vars(text: &str) -> Result<Vec<EnvVar>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok(EnvVar { name: name.trim().into(), value: value.into() })
            }
            _ => Err(format!("\"{line}\" is not NAME=VALUE.")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LaunchForm {
        LaunchForm {
            name: " run-42 ".into(),
            image: "pytorch/pytorch".into(),
            command: "python train.py --note 'two words'".into(),
            flavor: "l40s-1-gpu".into(),
            gpu: Some(2),
            env: "EPOCHS=3\n\nLR=0.1=x\n".into(),
            volumes: vec!["data@GRA/train:/workspace/data:ro".parse().expect("volume")],
            ..LaunchForm::default()
        }
    }

    #[test]
    fn builds_the_spec_the_api_takes() {
        let spec = job_spec(&form()).expect("spec");
        assert_eq!(spec.name.as_deref(), Some("run-42"));
        assert_eq!(spec.command, ["python", "train.py", "--note", "two words"]);
        assert_eq!(spec.env_vars[1], EnvVar { name: "LR".into(), value: "0.1=x".into() });
        assert_eq!(spec.volumes[0].mount_path, "/workspace/data");
        // As `ovhai job run --flavor l40s-1-gpu --gpu 2`: no CPU count.
        let json = serde_json::to_value(&spec).expect("json");
        assert_eq!(json["resources"], serde_json::json!({"flavor": "l40s-1-gpu", "gpu": 2}));
        assert!(json.get("env").is_none(), "a job has no notebook env");
    }

    #[test]
    fn sends_only_the_count_given() {
        let cpu = job_spec(&LaunchForm { flavor: String::new(), gpu: None, cpu: Some(4), ..form() }).expect("spec");
        assert_eq!(serde_json::to_value(&cpu.resources).expect("json"), serde_json::json!({"cpu": 4}));
        let nothing = job_spec(&LaunchForm { flavor: String::new(), gpu: None, ..form() }).expect("spec");
        assert!(serde_json::to_value(&nothing).expect("json").get("resources").is_none());
    }

    #[test]
    fn a_notebook_has_an_env_and_no_image() {
        let notebook = LaunchForm {
            kind: Workload::Notebook,
            editor: "jupyterlab".into(),
            framework: "pytorch".into(),
            framework_version: "2.4".into(),
            ..form()
        };
        let json = serde_json::to_value(job_spec(&notebook).expect("spec")).expect("json");
        assert_eq!(
            json["env"],
            serde_json::json!({"editorId": "jupyterlab", "frameworkId": "pytorch", "frameworkVersion": "2.4"})
        );
        assert!(json.get("image").is_none() && json.get("command").is_none(), "{json}");
    }

    #[test]
    fn says_what_is_missing() {
        assert!(job_spec(&LaunchForm { image: " ".into(), ..form() }).expect_err("no image").0.contains("image"));
        assert!(job_spec(&LaunchForm { gpu: Some(0), ..form() }).expect_err("zero").0.contains("at least one"));
        assert!(job_spec(&LaunchForm { cpu: Some(2), ..form() }).expect_err("both").0.contains("not both"));
        assert!(job_spec(&LaunchForm { env: "JUSTANAME".into(), ..form() }).expect_err("env").0.contains("NAME=VALUE"));
        let notebook = LaunchForm { kind: Workload::Notebook, ..form() };
        assert!(job_spec(&notebook).expect_err("no editor").0.contains("editor"));
    }
}
