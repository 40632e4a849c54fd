//! What is wrong with a profile, field by field, as sentences a form shows
//! next to the field.

use serde::Serialize;

use crate::profile::{Backend, Profile, Provider, OVH_REGIONS};

/// A field of the profile form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Name,
    Endpoint,
    Region,
    Root,
    DatastoreAlias,
    AccessKey,
    SecretKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

fn problem(field: Field, message: impl Into<String>) -> Problem {
    Problem { field, message: message.into() }
}

/// Every problem with `profile`, given the names other profiles already use.
pub fn check(profile: &Profile, other_names: &[&str]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let name = profile.name.trim();
    if name.is_empty() {
        problems.push(problem(Field::Name, "Give the profile a name, such as \"OVH Gravelines\"."));
    } else if name != profile.name {
        problems.push(problem(Field::Name, "The name cannot start or end with spaces."));
    } else if name.chars().count() > 64 {
        problems.push(problem(Field::Name, "Keep the name under 64 characters."));
    } else if let Some(c) = name.chars().find(|c| matches!(c, ':' | '/' | '\\') || c.is_control()) {
        problems.push(problem(
            Field::Name,
            format!(
                "The name cannot contain '{}': the command line writes locations as PROFILE:CONTAINER/PREFIX.",
                c.escape_default()
            ),
        ));
    } else if other_names.contains(&name) {
        problems.push(problem(Field::Name, format!("A profile named \"{name}\" already exists. Choose another name.")));
    }

    match &profile.backend {
        Backend::Local { root } => {
            if !root.is_absolute() {
                problems.push(problem(Field::Root, "Choose a full folder path, such as /home/me/stowage-store."));
            }
        }
        Backend::S3(s3) => {
            // A DNS label: the SDK puts the region in host names and refuses others
            // with its own words ("region was not a valid DNS name").
            let region_ok = !s3.region.is_empty()
                && s3.region.len() <= 63
                && !s3.region.starts_with('-')
                && !s3.region.ends_with('-')
                && s3.region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if s3.provider == Provider::Ovh && !OVH_REGIONS.contains(&s3.region.as_str()) {
                problems.push(problem(
                    Field::Region,
                    format!(
                        "\"{}\" is not an OVHcloud Object Storage region. Pick one of: {}.",
                        s3.region,
                        OVH_REGIONS.join(", ")
                    ),
                ));
            } else if !region_ok {
                problems.push(problem(Field::Region, "Enter the region in lowercase, such as gra or us-east-1."));
            }
            if let Err(message) = check_endpoint(&s3.endpoint) {
                problems.push(problem(Field::Endpoint, message));
            }
        }
    }

    if let Some(alias) = &profile.datastore_alias {
        if alias.is_empty()
            || alias.len() > 32
            || !alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            problems.push(problem(
                Field::DatastoreAlias,
                "A datastore alias is letters, digits, '-' or '_' (up to 32), as ovhai knows it: GRA, S3GRA.",
            ));
        }
    }
    problems
}

/// An endpoint is an http(s) URL with a host and nothing after it.
fn check_endpoint(endpoint: &str) -> Result<(), String> {
    let example = "such as https://s3.gra.io.cloud.ovh.net";
    if endpoint.trim().is_empty() {
        return Err(format!("Enter the S3 endpoint, {example}."));
    }
    if endpoint.chars().any(char::is_whitespace) {
        return Err("The endpoint cannot contain spaces.".to_owned());
    }
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        return Err(format!("Start the endpoint with https:// (or http:// for a local server), {example}."));
    };
    if scheme != "https" && scheme != "http" {
        return Err(format!("The endpoint must use https:// or http://, not {scheme}://."));
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !path.is_empty() {
        return Err(format!("The endpoint is the server only; remove \"/{path}\" (containers are chosen later)."));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => (host, Some(port)),
        _ => (authority, None),
    };
    if host.is_empty() || host.starts_with('.') || host.ends_with('.') || host.contains("..") {
        return Err(format!("The endpoint has no valid server name, {example}."));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(format!("\"{port}\" is not a port number (1 to 65535)."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::profile::S3Backend;

    fn s3(endpoint: &str, region: &str) -> Profile {
        let mut p = Profile::ovh("Mine", "gra");
        p.backend = Backend::S3(S3Backend {
            provider: Provider::Other,
            endpoint: endpoint.into(),
            region: region.into(),
            path_style: true,
            checksum: Default::default(),
        });
        p
    }

    fn fields(problems: &[Problem]) -> Vec<Field> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_good_profile_has_no_problems() {
        assert_eq!(check(&Profile::ovh("OVH GRA", "gra"), &["This computer"]), []);
        assert_eq!(check(&s3("http://127.0.0.1:3900", "garage"), &[]), []);
    }

    #[test]
    fn each_problem_names_its_field() {
        assert_eq!(fields(&check(&Profile::ovh("", "gra"), &[])), [Field::Name]);
        assert_eq!(fields(&check(&Profile::ovh("a:b", "gra"), &[])), [Field::Name]);
        assert_eq!(fields(&check(&Profile::ovh("Taken", "gra"), &["Taken"])), [Field::Name]);
        assert_eq!(fields(&check(&Profile::ovh("x", "mars"), &[])), [Field::Region]);
        assert_eq!(fields(&check(&s3("s3.example.com", "r"), &[])), [Field::Endpoint]);
        assert_eq!(fields(&check(&s3("ftp://s3.example.com", "r"), &[])), [Field::Endpoint]);
        assert_eq!(fields(&check(&s3("https://s3.example.com/bucket", "r"), &[])), [Field::Endpoint]);
        assert_eq!(fields(&check(&s3("https://s3.example.com:99999", "r"), &[])), [Field::Endpoint]);
        assert_eq!(fields(&check(&s3("https://s3.example.com", "Bad Region"), &[])), [Field::Region]);
        assert_eq!(fields(&check(&s3("https://s3.example.com", "-gra"), &[])), [Field::Region]);
        assert_eq!(fields(&check(&s3("https://s3.example.com", "gra-"), &[])), [Field::Region]);
        let mut aliased = Profile::ovh("x", "gra");
        aliased.datastore_alias = Some("GRA 1".into());
        assert_eq!(fields(&check(&aliased, &[])), [Field::DatastoreAlias]);
        let local = Profile {
            name: "here".into(),
            backend: Backend::Local { root: PathBuf::from("rel") },
            datastore_alias: None,
        };
        assert_eq!(fields(&check(&local, &[])), [Field::Root]);
    }

    #[test]
    fn messages_say_how_to_fix() {
        let problems = check(&s3("s3.gra.io.cloud.ovh.net", "gra"), &[]);
        assert!(problems[0].message.contains("https://"), "{}", problems[0].message);
    }
}
