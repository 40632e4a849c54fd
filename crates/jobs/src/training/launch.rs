//! The window's "Launch job" form, turned into the API's job spec: the
//! command line split like a shell would, `NAME=VALUE` lines as variables.

use serde::Deserialize;

use super::model::{EnvVar, JobSpec, Resources};
use crate::api::ApiVolume;
use crate::command::split_words;
use crate::Volume;

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LaunchForm {
    pub name: String,
    pub image: String,
    /// As typed: `python train.py --epochs 3`.
    pub command: String,
    pub gpu: u32,
    /// CPUs, used when `gpu` is 0.
    pub cpu: u32,
    /// One `NAME=VALUE` per line.
    pub env: String,
    pub volumes: Vec<Volume>,
}

pub fn job_spec(form: &LaunchForm) -> Result<JobSpec, String> {
    let image = form.image.trim();
    if image.is_empty() {
        return Err("Give the image the job runs, e.g. ovhcom/ai-training-pytorch.".into());
    }
    if form.gpu == 0 && form.cpu == 0 {
        return Err("Give the job at least one GPU or one CPU.".into());
    }
    let env_vars = form
        .env
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok(EnvVar { name: name.trim().into(), value: value.into() })
            }
            _ => Err(format!("\"{line}\" is not NAME=VALUE.")),
        })
        .collect::<Result<_, _>>()?;
    let name = form.name.trim();
    Ok(JobSpec {
        name: (!name.is_empty()).then(|| name.to_owned()),
        image: image.to_owned(),
        command: split_words(&form.command)?,
        env_vars,
        resources: Resources { gpu: form.gpu, cpu: if form.gpu == 0 { form.cpu } else { 0 }, flavor: None },
        volumes: form.volumes.iter().map(ApiVolume::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LaunchForm {
        LaunchForm {
            name: " run-42 ".into(),
            image: "pytorch/pytorch".into(),
            command: "python train.py --note 'two words'".into(),
            gpu: 1,
            cpu: 4,
            env: "EPOCHS=3\n\nLR=0.1=x\n".into(),
            volumes: vec!["data@GRA/train:/workspace/data:ro".parse().expect("volume")],
        }
    }

    #[test]
    fn builds_the_spec_the_api_takes() {
        let spec = job_spec(&form()).expect("spec");
        assert_eq!(spec.name.as_deref(), Some("run-42"));
        assert_eq!(spec.command, ["python", "train.py", "--note", "two words"]);
        assert_eq!(spec.env_vars[1], EnvVar { name: "LR".into(), value: "0.1=x".into() });
        assert_eq!(spec.resources, Resources { gpu: 1, cpu: 0, flavor: None });
        assert_eq!(spec.volumes[0].mount_path, "/workspace/data");
    }

    #[test]
    fn says_what_is_missing() {
        assert!(job_spec(&LaunchForm { image: " ".into(), ..form() }).expect_err("no image").contains("image"));
        assert!(job_spec(&LaunchForm { gpu: 0, cpu: 0, ..form() }).expect_err("nothing").contains("GPU"));
        assert!(job_spec(&LaunchForm { env: "JUSTANAME".into(), ..form() }).expect_err("env").contains("NAME=VALUE"));
    }
}
