//! S3's rules for container (bucket) names, each broken rule with its own sentence.

use crate::StoreError;

/// Checks `name` against the S3 bucket naming rules: an
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error says
/// which rule it breaks, as a sentence that tells how to fix it.
pub fn validate(name: &str) -> Result<(), StoreError> {
    broken_rule(name).map_err(StoreError::invalid_input)
}

fn broken_rule(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if !(3..=63).contains(&len) {
        return Err(format!("A container name has 3 to 63 characters; \"{name}\" has {len}."));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.')) {
        let hint = if c.is_ascii_uppercase() { " Use lowercase letters." } else { "" };
        return Err(format!(
            "A container name may only hold lowercase letters, digits, '-' and '.'; \"{name}\" contains '{c}'.{hint}"
        ));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(name.chars().next()) || !alnum(name.chars().last()) {
        return Err(format!("A container name starts and ends with a letter or a digit; \"{name}\" does not."));
    }
    if name.contains("..") {
        return Err(format!("A container name cannot hold two dots in a row (\"{name}\")."));
    }
    if name.split('.').count() == 4 && name.split('.').all(|part| part.parse::<u8>().is_ok()) {
        return Err(format!("A container name cannot look like an IP address (\"{name}\")."));
    }
    for reserved in ["xn--", "sthree-"] {
        if name.starts_with(reserved) {
            return Err(format!("A container name cannot start with \"{reserved}\"; S3 reserves it."));
        }
    }
    for reserved in ["-s3alias", "--ol-s3"] {
        if name.ends_with(reserved) {
            return Err(format!("A container name cannot end with \"{reserved}\"; S3 reserves it."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_usual_names() {
        for name in ["abc", "my-dataset", "train.v2", "a1b2c3", &"a".repeat(63)] {
            assert!(validate(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_the_broken_rule() {
        let cases = [
            ("ab", "3 to 63 characters"),
            (&*"a".repeat(64), "3 to 63 characters"),
            ("My-Data", "Use lowercase letters"),
            ("data_set", "contains '_'"),
            ("-data", "starts and ends"),
            ("data.", "starts and ends"),
            ("da..ta", "two dots"),
            ("192.168.1.1", "IP address"),
            ("xn--data", "reserves"),
            ("data-s3alias", "reserves"),
        ];
        for (name, fragment) in cases {
            let error = validate(name).expect_err(name);
            assert_eq!(error.kind(), crate::ErrorKind::InvalidInput);
            assert!(error.message().contains(fragment), "{name}: {error}");
        }
    }
}
