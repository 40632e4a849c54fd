//! The `ovhai job run` command line: written with the volumes, and read back
//! from a pasted command to fill the list.

use crate::volume::Volume;

/// `ovhai job run <image> --volume ... --volume ...`, quoted for a POSIX shell.
pub fn job_run_command(image: &str, volumes: &[Volume]) -> String {
    let image = if image.trim().is_empty() { "<image>".to_owned() } else { quote(image.trim()) };
    let mut line = format!("ovhai job run {image}");
    for volume in volumes {
        line.push_str(" \\\n  --volume ");
        line.push_str(&quote(&volume.to_string()));
    }
    line
}

fn quote(word: &str) -> String {
    let plain = word.chars().all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c));
    if plain && !word.is_empty() {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The volumes of a pasted `ovhai job run` / `ovhai notebook run` command
/// (`-v X`, `--volume X`, `--volume=X`), each parsed; the first bad one is
/// reported with its position.
pub fn volumes_from_command(line: &str) -> Result<Vec<Volume>, String> {
    let words = split_words(line)?;
    let mut volumes = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        let value = match word.as_str() {
            "-v" | "--volume" => {
                iter.next().ok_or_else(|| format!("\"{word}\" at the end of the command has no volume after it."))?
            }
            w if w.starts_with("--volume=") => &w["--volume=".len()..],
            _ => continue,
        };
        let volume = value.parse().map_err(|e| format!("Volume {}: {e}", volumes.len() + 1))?;
        volumes.push(volume);
    }
    if volumes.is_empty() {
        return Err("The command has no --volume (or -v) option.".to_owned());
    }
    Ok(volumes)
}

/// Volumes from whatever was pasted: API JSON (a list or a job spec), an
/// `ovhai ... run` command line, or one `--volume` string per line.
pub fn volumes_from_paste(text: &str) -> Result<Vec<Volume>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("Paste an ovhai command, the API's JSON, or --volume strings.".to_owned());
    }
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return crate::api::from_json(trimmed);
    }
    if trimmed.starts_with("ovhai") || trimmed.contains(" -v ") || trimmed.contains("--volume") {
        return volumes_from_command(trimmed);
    }
    trimmed
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .enumerate()
        .map(|(i, line)| line.parse().map_err(|e| format!("Line {}: {e}", i + 1)))
        .collect()
}

/// Splits like a POSIX shell: single and double quotes, backslash escapes
/// and line continuations.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
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

    #[test]
    fn writes_and_reads_back_a_command() {
        let volumes: Vec<Volume> = ["dataset@GRA/train:/workspace/data:ro:cache", "my out@GRA:/workspace/output:rw"]
            .iter()
            .map(|s| s.parse().expect(s))
            .collect();
        let line = job_run_command("ovhcom/ai-training-pytorch", &volumes);
        assert_eq!(
            line,
            "ovhai job run ovhcom/ai-training-pytorch \\\n  --volume dataset@GRA/train:/workspace/data:ro:cache \\\n  --volume 'my out@GRA:/workspace/output:rw'"
        );
        assert_eq!(volumes_from_command(&line).expect("read back"), volumes);
    }

    #[test]
    fn reads_the_usual_spellings() {
        let line = r#"ovhai job run img --gpu 1 -v a@GRA:/a --volume="b@GRA:/b:rw" --volume=c@GRA:/c:ro:cache -- python train.py"#;
        let strings: Vec<String> = volumes_from_command(line).expect("read").iter().map(ToString::to_string).collect();
        assert_eq!(strings, ["a@GRA:/a:ro", "b@GRA:/b:rw", "c@GRA:/c:ro:cache"]);
    }

    #[test]
    fn reads_any_paste() {
        let json = r#"[{"dataStore": {"alias": "GRA", "container": "d"}, "mountPath": "/d"}]"#;
        assert_eq!(volumes_from_paste(json).expect("json").len(), 1);
        assert_eq!(volumes_from_paste("ovhai job run img -v a@GRA:/a").expect("command").len(), 1);
        assert_eq!(volumes_from_paste("a@GRA:/a\n\n b@GRA:/b:rw \n").expect("lines").len(), 2);
        assert!(volumes_from_paste("a@GRA:/a\nbad").expect_err("line").starts_with("Line 2:"));
        assert!(volumes_from_paste("  ").is_err());
    }

    #[test]
    fn says_what_is_wrong() {
        assert!(volumes_from_command("ovhai job run img").expect_err("none").contains("no --volume"));
        assert!(volumes_from_command("ovhai job run img -v 'a@GRA:/a").expect_err("quote").contains("not closed"));
        assert!(volumes_from_command("ovhai job run img -v a@GRA:/a -v bad")
            .expect_err("bad")
            .starts_with("Volume 2:"));
    }
}
