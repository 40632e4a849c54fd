//! The launch form (the window's "Launch job" and "Launch notebook", a
//! pasted `ovhai job run`, `stowage job run`) turned into the API's spec:
//! the command line split like a shell would, `NAME=VALUE` lines as
//! variables and labels, one SSH key per line, and the resources as
//! `ovhai` sends them: a flavor and a count of GPUs or CPUs, only what was
//! given. Every field of the SDK's JobSpec and NotebookSpec that a person
//! sets has a place here.

use std::collections::BTreeMap;

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
    /// One `name=value` per line (`ovhai ... --label`): tokens can be
    /// scoped to a label, and lists filtered by one.
    #[serde(default)]
    pub labels: String,
    /// One public key per line: who may `ssh` into the run.
    #[serde(default)]
    pub ssh_public_keys: String,
    /// Jobs: seconds before the platform stops it (its default: 7 days).
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Jobs: the port the job's URL reaches (the API's default: 8080).
    #[serde(default)]
    pub default_http_port: Option<u16>,
    /// The HTTP port reachable without a token.
    #[serde(default)]
    pub unsecure_http: bool,
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
            labels: String::new(),
            ssh_public_keys: String::new(),
            timeout: None,
            default_http_port: None,
            unsecure_http: false,
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
    if form.kind == Workload::Notebook {
        let job_only =
            [("a timeout", form.timeout.is_some()), ("a default HTTP port", form.default_http_port.is_some())];
        if let Some((what, _)) = job_only.iter().find(|(_, set)| *set) {
            return Err(format!("A notebook has no {}: only jobs do. Clear it to launch the notebook.", &what[2..]));
        }
    }
    if form.timeout == Some(0) {
        return Err("A timeout of 0 seconds would stop the job at once; give a duration such as 3600 or 12h.".into());
    }
    let name = form.name.trim();
    Ok(JobSpec {
        name: (!name.is_empty()).then(|| name.to_owned()),
        image,
        env,
        command,
        env_vars: env_vars(&form.env)?,
        labels: labels(&form.labels)?,
        resources: resources(form)?,
        volumes: form.volumes.iter().map(ApiVolume::from).collect(),
        ssh_public_keys: form
            .ssh_public_keys
            .lines()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        timeout: form.timeout,
        default_http_port: form.default_http_port,
        unsecure_http: form.unsecure_http.then_some(true),
        ..JobSpec::default()
    })
}

/// `name=value` per line; blank lines are skipped. Each name passes
/// [`label_name`].
pub fn labels(text: &str) -> Result<BTreeMap<String, Option<String>>, String> {
    let mut labels = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once('=').ok_or_else(|| format!("The label \"{line}\" is not name=value."))?;
        labels.insert(label_name(name)?.to_owned(), Some(value.trim().to_owned()));
    }
    Ok(labels)
}

/// A label's name as a person may set it, trimmed: not empty, and not one
/// of the platform's own (`ovh/...`).
pub fn label_name(name: &str) -> Result<&str, String> {
    match name.trim() {
        "" => Err("Give the label a name.".into()),
        own if own.starts_with("ovh/") => {
            Err(format!("The label \"{own}\" starts with ovh/, which belongs to the platform; choose another name."))
        }
        name => Ok(name),
    }
}

/// A duration as `ovhai` users write it: seconds (`3600`), or with a unit
/// (`90s`, `30m`, `12h`, `7d`).
pub fn duration_seconds(text: &str) -> Result<u64, ParseError> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match number.parse::<u64>().ok().and_then(|n| n.checked_mul(scale)).filter(|_| scale > 0) {
        Some(seconds) => Ok(seconds),
        None => Err(ParseError(format!("\"{text}\" is not a duration: write seconds (3600) or 30m, 12h, 7d."))),
    }
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
    fn carries_every_field_a_person_sets() {
        let full = LaunchForm {
            labels: "team=ml\n\nrun = 42".into(),
            ssh_public_keys: "ssh-ed25519 AAAA one\n ssh-rsa BBBB two \n".into(),
            timeout: Some(3600),
            default_http_port: Some(8501),
            unsecure_http: true,
            ..form()
        };
        let json = serde_json::to_value(job_spec(&full).expect("spec")).expect("json");
        assert_eq!(json["labels"], serde_json::json!({"team": "ml", "run": "42"}));
        assert_eq!(json["sshPublicKeys"], serde_json::json!(["ssh-ed25519 AAAA one", "ssh-rsa BBBB two"]));
        assert_eq!(
            (&json["timeout"], &json["defaultHttpPort"], &json["unsecureHttp"]),
            (&serde_json::json!(3600), &serde_json::json!(8501), &serde_json::json!(true))
        );
        let plain = serde_json::to_value(job_spec(&form()).expect("spec")).expect("json");
        for absent in ["labels", "sshPublicKeys", "timeout", "defaultHttpPort", "unsecureHttp"] {
            assert!(plain.get(absent).is_none(), "{absent} sent unset: {plain}");
        }
        assert!(job_spec(&LaunchForm { labels: "ovh/x=1".into(), ..form() }).expect_err("ovh/").0.contains("platform"));
        assert!(job_spec(&LaunchForm { labels: "solo".into(), ..form() }).expect_err("no =").0.contains("name=value"));
        assert_eq!(label_name(" team "), Ok("team"));
        assert!(label_name(" ").is_err() && label_name("ovh/owner").is_err());
        let notebook = LaunchForm {
            kind: Workload::Notebook,
            editor: "vscode".into(),
            framework: "pytorch".into(),
            timeout: Some(60),
            ..form()
        };
        assert!(job_spec(&notebook).expect_err("job only").0.contains("no timeout"));
    }

    #[test]
    fn reads_durations_as_ovhai_users_write_them() {
        for (text, seconds) in [("3600", 3600), ("90s", 90), ("30m", 1800), ("12h", 43_200), (" 7d ", 604_800)] {
            assert_eq!(duration_seconds(text).expect(text), seconds);
        }
        for bad in ["", "h", "12 parsecs", "-5", "1.5h"] {
            assert!(duration_seconds(bad).is_err(), "{bad}");
        }
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
