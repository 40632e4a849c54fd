//! The `ovhai job run` and `ovhai notebook run` command lines: written from
//! a launch form, and read back from a pasted command into the whole form
//! (image or notebook environment, name, flavor and count, variables,
//! labels, SSH keys, timeout, HTTP port and access, command, volumes).
//! What a paste holds that the form cannot is named in `left_out`.

use crate::training::launch::{duration_seconds, env_vars, labels, LaunchForm};
use crate::training::model::{JobSpec, Workload};
use crate::volume::{ParseError, Volume};

/// `ovhai job run IMAGE --flavor F --gpu N ... -- COMMAND`, quoted for a
/// POSIX shell, one option per line. A job without an image has no
/// command to copy: the error says to give it.
pub fn run_command(form: &LaunchForm) -> Result<String, ParseError> {
    command_text(form).map_err(ParseError)
}

fn command_text(form: &LaunchForm) -> Result<String, String> {
    let mut line = match form.kind {
        Workload::Job => {
            let image = form.image.trim();
            if image.is_empty() {
                return Err("Type the image the job runs first (e.g. ovhcom/ai-training-pytorch).".into());
            }
            format!("ovhai job run {}", quote(image))
        }
        Workload::Notebook => {
            if form.framework.trim().is_empty() || form.editor.trim().is_empty() {
                return Err("Choose the notebook's framework and editor first.".into());
            }
            let mut line = format!("ovhai notebook run {} {}", quote(form.framework.trim()), quote(form.editor.trim()));
            if !form.framework_version.trim().is_empty() {
                line.push_str(&format!(" --framework-version {}", quote(form.framework_version.trim())));
            }
            line
        }
    };
    let mut option = |name: &str, value: &str| line.push_str(&format!(" \\\n  --{name} {}", quote(value)));
    if !form.name.trim().is_empty() {
        option("name", form.name.trim());
    }
    if !form.flavor.trim().is_empty() {
        option("flavor", form.flavor.trim());
    }
    if let Some(gpu) = form.gpu {
        option("gpu", &gpu.to_string());
    }
    if let Some(cpu) = form.cpu {
        option("cpu", &cpu.to_string());
    }
    for var in env_vars(&form.env)? {
        option("env", &format!("{}={}", var.name, var.value));
    }
    for volume in &form.volumes {
        option("volume", &volume.to_string());
    }
    for (name, value) in labels(&form.labels)? {
        option("label", &format!("{name}={}", value.unwrap_or_default()));
    }
    for key in form.ssh_public_keys.lines().map(str::trim).filter(|k| !k.is_empty()) {
        option("ssh-public-keys", key);
    }
    if let Some(timeout) = form.timeout {
        option("timeout", &timeout.to_string());
    }
    if let Some(port) = form.default_http_port {
        option("default-http-port", &port.to_string());
    }
    if form.unsecure_http {
        line.push_str(" \\\n  --unsecure-http");
    }
    if form.kind == Workload::Job {
        let words = split_words(&form.command)?;
        if !words.is_empty() {
            line.push_str(" \\\n  --");
            for word in words {
                line.push(' ');
                line.push_str(&quote(&word));
            }
        }
    }
    Ok(line)
}

/// `word` quoted for a POSIX shell when it needs quotes.
pub fn quote(word: &str) -> String {
    let plain = word.chars().all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if plain && !word.is_empty() {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The options of `ovhai job run` / `notebook run` that take a value, as
/// written with `--name value` or `--name=value`.
const VALUE_OPTIONS: &[&str] = &[
    "name",
    "flavor",
    "gpu",
    "cpu",
    "env",
    "volume",
    "label",
    "timeout",
    "default-http-port",
    "ssh-public-keys",
    "framework-version",
    "output",
    "token",
];
const SHORT_OPTIONS: &[(&str, &str)] =
    &[("-v", "volume"), ("-e", "env"), ("-l", "label"), ("-s", "ssh-public-keys"), ("-o", "output")];
/// The options that take no value and that the form carries.
const FLAGS: &[&str] = &["unsecure-http"];

/// What a pasted command or spec carried.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Pasted {
    pub volumes: Vec<Volume>,
    /// The whole launch form, when the paste was a command or a job spec
    /// (not only volumes).
    pub launch: Option<LaunchForm>,
    /// What the paste holds that the form does not carry (`-o json`, an
    /// unknown option, a spec's `grpcPort`), as written.
    pub left_out: Vec<String>,
}

/// Reads a pasted `ovhai job run` / `ovhai notebook run` command: the
/// volumes and the launch form they belong to. The first bad volume is
/// reported with its position.
pub fn launch_from_command(line: &str) -> Result<Pasted, ParseError> {
    read_command(line).map_err(ParseError)
}

fn read_command(line: &str) -> Result<Pasted, String> {
    let words = split_words(line)?;
    let mut form = LaunchForm::default();
    let mut left_out = Vec::new();
    let mut positional = Vec::new();
    let mut env = Vec::new();
    let mut labels = Vec::new();
    let mut keys = Vec::new();
    let mut iter = words.into_iter().skip_while(|w| w == "ovhai");
    match iter.next().as_deref() {
        Some("job") => {}
        Some("notebook") => form.kind = Workload::Notebook,
        _ => return Err("This is not an `ovhai job run` or `ovhai notebook run` command.".into()),
    }
    if iter.next().as_deref() != Some("run") {
        return Err("Only `ovhai job run` and `ovhai notebook run` can be imported.".into());
    }
    while let Some(word) = iter.next() {
        if word == "--" {
            let rest: Vec<String> = iter.by_ref().map(|w| quote(&w)).collect();
            form.command = rest.join(" ");
            break;
        }
        let (name, inline) = match SHORT_OPTIONS.iter().find(|(short, _)| *short == word) {
            Some((_, long)) => ((*long).to_owned(), None),
            None => match word.strip_prefix("--") {
                Some(option) => match option.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                    None => (option.to_owned(), None),
                },
                None => {
                    positional.push(word);
                    continue;
                }
            },
        };
        if FLAGS.contains(&name.as_str()) && inline.is_none() {
            form.unsecure_http = true;
            continue;
        }
        if !VALUE_OPTIONS.contains(&name.as_str()) {
            left_out.push(word);
            continue;
        }
        let value = match inline {
            Some(value) => value,
            None => {
                iter.next().ok_or_else(|| format!("\"{word}\" at the end of the command has no value after it."))?
            }
        };
        let count = |value: &str| value.parse::<u32>().map_err(|_| format!("--{name} {value}: give a whole number."));
        match name.as_str() {
            "name" => form.name = value,
            "flavor" => form.flavor = value,
            "gpu" => form.gpu = Some(count(&value)?),
            "cpu" => form.cpu = Some(count(&value)?),
            "env" => env.push(value),
            "framework-version" => form.framework_version = value,
            "label" => labels.push(value),
            "ssh-public-keys" => keys.push(value),
            // `ovhai notebook run` has neither: named, not carried.
            "timeout" | "default-http-port" if form.kind == Workload::Notebook => {
                left_out.push(format!("--{name} {value}"))
            }
            "timeout" => form.timeout = Some(duration_seconds(&value).map_err(|e| format!("--timeout: {e}"))?),
            "default-http-port" => {
                form.default_http_port =
                    Some(value.parse().map_err(|_| format!("--default-http-port {value}: give a port, 1 to 65535."))?)
            }
            "volume" => {
                let volume = value.parse().map_err(|e| format!("Volume {}: {e}", form.volumes.len() + 1))?;
                form.volumes.push(volume);
            }
            _ => left_out.push(format!("--{name} {value}")),
        }
    }
    form.env = env.join("\n");
    form.labels = labels.join("\n");
    form.ssh_public_keys = keys.join("\n");
    match (form.kind, positional.as_slice()) {
        (Workload::Job, [image]) => form.image = image.clone(),
        (Workload::Job, []) => return Err("The command names no image: `ovhai job run IMAGE ...`.".into()),
        (Workload::Notebook, [framework, editor]) => {
            form.framework = framework.clone();
            form.editor = editor.clone();
        }
        (Workload::Notebook, _) => {
            return Err(
                "`ovhai notebook run` takes a framework and an editor: `ovhai notebook run pytorch jupyterlab`.".into(),
            )
        }
        (Workload::Job, [image, rest @ ..]) => {
            return Err(format!(
                "The command names more than the image ({image}): {}. Put the job's command after `--`.",
                rest.join(" ")
            ))
        }
    }
    Ok(Pasted { volumes: form.volumes.clone(), launch: Some(form), left_out })
}

/// A job or notebook spec (API JSON) as the launch form, and what of it
/// the form does not carry.
fn launch_from_spec(spec: JobSpec) -> Result<(LaunchForm, Vec<String>), String> {
    let volumes = spec.volumes.into_iter().map(Volume::try_from).collect::<Result<Vec<_>, _>>()?;
    let mut left_out = Vec::new();
    if let Some(restart) = spec.timeout_auto_restart {
        left_out.push(format!("\"timeoutAutoRestart\": {restart}"));
    }
    if let Some(port) = spec.grpc_port {
        left_out.push(format!("\"grpcPort\": {port}"));
    }
    let env = spec.env.unwrap_or_default();
    let form = LaunchForm {
        kind: if spec.image.is_some() { Workload::Job } else { Workload::Notebook },
        name: spec.name.unwrap_or_default(),
        image: spec.image.unwrap_or_default(),
        command: spec.command.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" "),
        editor: env.editor_id.unwrap_or_default(),
        framework: env.framework_id.unwrap_or_default(),
        framework_version: env.framework_version.unwrap_or_default(),
        flavor: spec.resources.flavor.unwrap_or_default(),
        gpu: spec.resources.gpu,
        cpu: spec.resources.cpu,
        env: spec.env_vars.iter().map(|v| format!("{}={}", v.name, v.value)).collect::<Vec<_>>().join("\n"),
        volumes,
        labels: spec
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n"),
        ssh_public_keys: spec.ssh_public_keys.join("\n"),
        timeout: spec.timeout,
        default_http_port: spec.default_http_port,
        unsecure_http: spec.unsecure_http.unwrap_or(false),
    };
    Ok((form, left_out))
}

/// Whatever was pasted: an `ovhai ... run` command, API JSON (a volumes
/// list, or a job or notebook spec, also nested under `spec`), or one
/// `--volume` string per line.
pub fn read_paste(text: &str) -> Result<Pasted, ParseError> {
    read_any(text).map_err(ParseError)
}

fn read_any(text: &str) -> Result<Pasted, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("Paste an ovhai command, the API's JSON, or --volume strings.".to_owned());
    }
    if trimmed.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|e| format!("This is not valid JSON: {e}."))?;
        let spec = value.get("spec").filter(|s| s.is_object()).unwrap_or(&value);
        if spec.get("image").is_some() || spec.get("env").is_some() {
            let spec: JobSpec =
                serde_json::from_value(spec.clone()).map_err(|e| format!("The spec is not in the API's form: {e}."))?;
            let (form, left_out) = launch_from_spec(spec)?;
            return Ok(Pasted { volumes: form.volumes.clone(), launch: Some(form), left_out });
        }
    }
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return Ok(Pasted { volumes: crate::api::from_json(trimmed)?, launch: None, left_out: Vec::new() });
    }
    if trimmed.starts_with("ovhai") {
        return read_command(trimmed);
    }
    let volumes = trimmed
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .enumerate()
        .map(|(i, line)| line.parse().map_err(|e| format!("Line {}: {e}", i + 1)))
        .collect::<Result<_, _>>()?;
    Ok(Pasted { volumes, launch: None, left_out: Vec::new() })
}

/// Splits like a POSIX shell: single and double quotes, backslash escapes
/// and line continuations, whatever ends the lines (a command copied from a
/// Windows terminal ends them with CR LF, some text fields with CR alone).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let line = line.replace("\r\n", "\n").replace('\r', "\n");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("A quote ' is not closed.".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.extend(chars.next()),
                        Some(c) => word.push(c),
                        None => return Err("A quote \" is not closed.".to_owned()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volumes(strings: &[&str]) -> Vec<Volume> {
        strings.iter().map(|s| s.parse().expect(s)).collect()
    }

    #[test]
    fn writes_and_reads_back_a_whole_command() {
        let form = LaunchForm {
            name: "run 42".into(),
            image: "ovhcom/ai-training-pytorch".into(),
            command: "python train.py --note 'two words'".into(),
            flavor: "l40s-1-gpu".into(),
            gpu: Some(2),
            env: "EPOCHS=3".into(),
            volumes: volumes(&["dataset@GRA/train:/workspace/data:ro:cache", "my out@GRA:/workspace/output:rw"]),
            ..LaunchForm::default()
        };
        let line = run_command(&form).expect("command");
        assert_eq!(
            line,
            "ovhai job run ovhcom/ai-training-pytorch \\\n  --name 'run 42' \\\n  --flavor l40s-1-gpu \\\n  --gpu 2 \\\n  --env EPOCHS=3 \\\n  --volume dataset@GRA/train:/workspace/data:ro:cache \\\n  --volume 'my out@GRA:/workspace/output:rw' \\\n  -- python train.py --note 'two words'"
        );
        let pasted = launch_from_command(&line).expect("read back");
        assert_eq!(pasted.launch, Some(form));
        assert!(pasted.left_out.is_empty());
    }

    #[test]
    fn a_job_without_an_image_has_no_command_to_copy() {
        let form = LaunchForm { volumes: volumes(&["a@GRA:/a"]), ..LaunchForm::default() };
        assert!(run_command(&form).expect_err("no image").0.contains("image"));
    }

    #[test]
    fn reads_the_usual_spellings_and_says_what_it_left_out() {
        let line = r#"ovhai job run img --gpu=1 -v a@GRA:/a --volume="b@GRA:/b:rw" --label team=ml --unsecure-http -e A=1 --env B=2 -o json --mystery -- python train.py"#;
        let pasted = launch_from_command(line).expect("read");
        let form = pasted.launch.expect("form");
        let strings: Vec<String> = form.volumes.iter().map(ToString::to_string).collect();
        assert_eq!(strings, ["a@GRA:/a:ro", "b@GRA:/b:rw"]);
        assert_eq!((form.image.as_str(), form.gpu, form.env.as_str()), ("img", Some(1), "A=1\nB=2"));
        assert_eq!((form.labels.as_str(), form.unsecure_http), ("team=ml", true));
        assert_eq!(form.command, "python train.py");
        assert_eq!(pasted.left_out, ["--output json", "--mystery"]);
    }

    #[test]
    fn the_issue_s_command_fills_every_field() {
        let pasted = launch_from_command(
            "ovhai job run -s 'ssh-ed25519 AAAAC3 me@laptop' --label a=b --timeout 3600 --ssh-public-keys K2 -l c=d --default-http-port 8501 ovhcom/ai-training-pytorch -- python train.py",
        )
        .expect("read");
        let form = pasted.launch.expect("form");
        assert_eq!(form.image, "ovhcom/ai-training-pytorch");
        assert_eq!(form.ssh_public_keys, "ssh-ed25519 AAAAC3 me@laptop\nK2");
        assert_eq!((form.labels.as_str(), form.timeout, form.default_http_port), ("a=b\nc=d", Some(3600), Some(8501)));
        assert_eq!(form.command, "python train.py");
        assert!(pasted.left_out.is_empty(), "{:?}", pasted.left_out);
        // Written back and read again, nothing changes.
        assert_eq!(launch_from_command(&run_command(&form).expect("write")).expect("again").launch, Some(form));
        assert!(launch_from_command("ovhai job run --timeout 2x img").expect_err("bad").0.contains("--timeout"));
    }

    #[test]
    fn reads_a_command_whatever_ends_its_lines() {
        let pasted =
            launch_from_command("ovhai job run img \\\r\n  --gpu 2 \\\r  -v a@GRA:/a \\\n  -- python train.py\r\n")
                .expect("read");
        let form = pasted.launch.expect("form");
        assert_eq!((form.image.as_str(), form.gpu, form.command.as_str()), ("img", Some(2), "python train.py"));
        assert_eq!(form.volumes.len(), 1);
    }

    #[test]
    fn reads_a_notebook_command() {
        let pasted = launch_from_command(
            "ovhai notebook run pytorch jupyterlab --framework-version 2.4 --cpu 4 -v d@GRA:/workspace/d",
        )
        .expect("read");
        let form = pasted.launch.expect("form");
        assert_eq!(form.kind, Workload::Notebook);
        assert_eq!(
            (form.framework.as_str(), form.editor.as_str(), form.framework_version.as_str()),
            ("pytorch", "jupyterlab", "2.4")
        );
        assert_eq!(form.cpu, Some(4));
        let with_timeout = launch_from_command("ovhai notebook run pytorch jupyterlab --timeout 60").expect("read");
        assert_eq!(
            (with_timeout.launch.expect("form").timeout, with_timeout.left_out),
            (None, vec!["--timeout 60".to_owned()])
        );
        assert_eq!(
            run_command(&form).expect("write").lines().next(),
            Some("ovhai notebook run pytorch jupyterlab --framework-version 2.4 \\")
        );
    }

    #[test]
    fn reads_any_paste() {
        let json = r#"[{"dataStore": {"alias": "GRA", "container": "d"}, "mountPath": "/d"}]"#;
        assert_eq!(read_paste(json).expect("json").volumes.len(), 1);
        let spec = r#"{"image": "img", "command": ["python", "a b.py"], "resources": {"flavor": "ai1-1-cpu", "cpu": 2},
          "volumes": [{"dataStore": {"alias": "GRA", "container": "d"}, "mountPath": "/d", "permission": "RO"}]}"#;
        let form = read_paste(spec).expect("spec").launch.expect("a spec fills the form");
        assert_eq!((form.image.as_str(), form.command.as_str(), form.cpu), ("img", "python 'a b.py'", Some(2)));
        let full = r#"{"image": "img", "labels": {"team": "ml"}, "sshPublicKeys": ["K"], "timeout": 60,
          "defaultHttpPort": 8501, "unsecureHttp": true, "grpcPort": 9000, "timeoutAutoRestart": true}"#;
        let pasted = read_paste(full).expect("full spec");
        let form = pasted.launch.expect("form");
        assert_eq!(
            (
                form.labels.as_str(),
                form.ssh_public_keys.as_str(),
                form.timeout,
                form.default_http_port,
                form.unsecure_http
            ),
            ("team=ml", "K", Some(60), Some(8501), true)
        );
        assert_eq!(pasted.left_out, ["\"timeoutAutoRestart\": true", "\"grpcPort\": 9000"]);
        assert_eq!(read_paste("ovhai job run img -v a@GRA:/a").expect("command").volumes.len(), 1);
        let lines = read_paste("a@GRA:/a\n\n b@GRA:/b:rw \n").expect("lines");
        assert_eq!((lines.volumes.len(), lines.launch), (2, None));
        assert!(read_paste("a@GRA:/a\nbad").expect_err("line").0.starts_with("Line 2:"));
        assert!(read_paste("  ").is_err());
    }

    #[test]
    fn says_what_is_wrong() {
        assert!(launch_from_command("ovhai job run").expect_err("no image").0.contains("no image"));
        assert!(launch_from_command("ovhai job run img -v 'a@GRA:/a").expect_err("quote").0.contains("not closed"));
        assert!(launch_from_command("ovhai job run img -v a@GRA:/a -v bad")
            .expect_err("bad")
            .0
            .starts_with("Volume 2:"));
        assert!(launch_from_command("ovhai job run img python train.py").expect_err("no --").0.contains("after `--`"));
        assert!(launch_from_command("ovhai job run img --gpu two").expect_err("count").0.contains("whole number"));
        assert!(launch_from_command("ovhai job list").expect_err("not run").0.contains("run"));
    }
}
