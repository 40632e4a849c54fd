//! Remote locations as the CLI writes them: `PROFILE:CONTAINER/PREFIX`, or
//! `CONTAINER/PREFIX` on the current profile. Profile names cannot hold `:`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub profile: Option<String>,
    pub container: String,
    pub prefix: String,
}

impl Location {
    /// The profile it names, else the current one.
    pub fn profile_in(&self, app: &stowage_api::App) -> String {
        self.profile.clone().unwrap_or_else(|| app.settings().current)
    }
}

impl std::str::FromStr for Location {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (profile, path) = match text.split_once(':') {
            Some((profile, path)) => (Some(profile.to_owned()), path),
            None => (None, text),
        };
        if profile.as_deref() == Some("") {
            return Err(format!("\"{text}\" has no profile before ':'. Write PROFILE:CONTAINER/PREFIX."));
        }
        let (container, prefix) = path.split_once('/').unwrap_or((path, ""));
        if container.is_empty() {
            return Err(format!("\"{text}\" names no container. Write PROFILE:CONTAINER/PREFIX or CONTAINER/PREFIX."));
        }
        Ok(Self { profile, container: container.to_owned(), prefix: prefix.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::Location;

    fn loc(profile: Option<&str>, container: &str, prefix: &str) -> Location {
        Location { profile: profile.map(str::to_owned), container: container.into(), prefix: prefix.into() }
    }

    #[test]
    fn parses_every_form() {
        assert_eq!("ovh:datasets/train/".parse(), Ok(loc(Some("ovh"), "datasets", "train/")));
        assert_eq!("OVH GRA:datasets".parse(), Ok(loc(Some("OVH GRA"), "datasets", "")));
        assert_eq!("datasets/a/b".parse(), Ok(loc(None, "datasets", "a/b")));
        assert_eq!("p:c/key:with:colons".parse(), Ok(loc(Some("p"), "c", "key:with:colons")));
    }

    #[test]
    fn refuses_what_names_nothing() {
        assert!(":datasets".parse::<Location>().is_err());
        assert!("ovh:".parse::<Location>().is_err());
        assert!("".parse::<Location>().is_err());
    }
}
