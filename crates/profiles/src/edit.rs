//! Adding, changing, renaming, removing and choosing profiles: settings on
//! disk and keys in the keyring change together, or not at all.

use serde::Serialize;

use crate::check::{check, Field, Problem};
use crate::connect::Keys;
use crate::profile::secret_account;
use crate::{AppDirs, Keyring, KeyringError, Profile, Secret, SecretKind, Settings, SettingsError};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("Stowage needs at least one profile; add another before removing \"{0}\".")]
    LastProfile(String),
}

/// Whether each key is stored: what the window may learn about secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub access_key: bool,
    pub secret_key: bool,
}

pub fn key_status(profile: &str, keyring: &Keyring) -> Result<KeyStatus, KeyringError> {
    Ok(KeyStatus {
        access_key: keyring.get(&secret_account(profile, SecretKind::AccessKey))?.is_some(),
        secret_key: keyring.get(&secret_account(profile, SecretKind::SecretKey))?.is_some(),
    })
}

/// Keyring writes that can be undone if a later step fails.
struct KeyringChange<'a> {
    keyring: &'a Keyring,
    /// account -> what it held before
    before: Vec<(String, Option<Secret<String>>)>,
}

impl<'a> KeyringChange<'a> {
    fn new(keyring: &'a Keyring) -> Self {
        Self { keyring, before: Vec::new() }
    }

    fn remember(&mut self, account: &str) -> Result<(), KeyringError> {
        let old = self.keyring.get(account)?;
        self.before.push((account.to_owned(), old));
        Ok(())
    }

    fn set(&mut self, account: &str, secret: &Secret<String>) -> Result<(), KeyringError> {
        self.remember(account)?;
        self.keyring.set(account, secret)
    }

    fn delete(&mut self, account: &str) -> Result<(), KeyringError> {
        self.remember(account)?;
        self.keyring.delete(account)
    }

    /// Puts every touched entry back as it was, newest first.
    fn undo(self) {
        for (account, old) in self.before.into_iter().rev() {
            let restored = match old {
                Some(secret) => self.keyring.set(&account, &secret),
                None => self.keyring.delete(&account),
            };
            if let Err(e) = restored {
                tracing::error!(%account, "could not undo a keyring change: {e}");
            }
        }
    }
}

/// What is wrong with `profile` as an edit of the profile named `original`
/// (or as a new one): its own name does not count as taken.
pub fn check_edit(settings: &Settings, original: Option<&str>, profile: &Profile) -> Vec<Problem> {
    let others: Vec<&str> =
        settings.profiles.iter().map(|p| p.name.as_str()).filter(|n| Some(*n) != original).collect();
    check(profile, &others)
}

/// Adds `profile` (when `original` is `None`) or replaces the profile named
/// `original`, renaming it if the name changed. Keys given in `keys` are
/// stored; keys not given are kept (and moved on a rename). An S3 profile
/// must end up with both keys.
pub fn save_profile(
    settings: &mut Settings,
    dirs: &AppDirs,
    keyring: &Keyring,
    original: Option<&str>,
    profile: Profile,
    keys: Keys,
) -> Result<(), EditError> {
    if let Some(original) = original {
        settings.profile(original)?;
    }
    let mut problems = check_edit(settings, original, &profile);
    if profile.needs_keys() {
        for (kind, field, what) in [
            (SecretKind::AccessKey, Field::AccessKey, "access key"),
            (SecretKind::SecretKey, Field::SecretKey, "secret key"),
        ] {
            let given = keys.get(kind).is_some_and(|k| !k.expose().trim().is_empty());
            let stored = match original {
                Some(original) => keyring.get(&secret_account(original, kind))?.is_some(),
                None => false,
            };
            if !given && !stored {
                problems.push(Problem { field, message: format!("Enter the {what}.") });
            }
        }
    }
    if !problems.is_empty() {
        return Err(EditError::Invalid(problems));
    }

    let mut change = KeyringChange::new(keyring);
    let result = (|| {
        let renamed_from = original.filter(|o| *o != profile.name);
        for kind in SecretKind::ALL {
            let new_account = profile.secret_account(kind);
            match (keys.get(kind), renamed_from) {
                (Some(secret), _) if profile.needs_keys() => {
                    change.set(&new_account, &Secret::new(secret.expose().trim().to_owned()))?
                }
                (None, Some(old)) if profile.needs_keys() => {
                    if let Some(secret) = keyring.get(&secret_account(old, kind))? {
                        change.set(&new_account, &secret)?;
                    }
                }
                _ => {}
            }
            if let Some(old) = renamed_from {
                change.delete(&secret_account(old, kind))?;
            }
            if !profile.needs_keys() {
                change.delete(&new_account)?;
            }
        }
        let mut next = settings.clone();
        match original {
            Some(original) => {
                if next.current == original {
                    next.current = profile.name.clone();
                }
                if let Some(slot) = next.profiles.iter_mut().find(|p| p.name == original) {
                    *slot = profile;
                }
            }
            None => next.profiles.push(profile),
        }
        next.save(dirs)?;
        Ok::<_, EditError>(next)
    })();
    match result {
        Ok(next) => {
            *settings = next;
            Ok(())
        }
        Err(e) => {
            change.undo();
            Err(e)
        }
    }
}

/// Removes a profile and its keys. The current profile moves to the first
/// remaining one.
pub fn remove_profile(settings: &mut Settings, dirs: &AppDirs, keyring: &Keyring, name: &str) -> Result<(), EditError> {
    settings.profile(name)?;
    if settings.profiles.len() == 1 {
        return Err(EditError::LastProfile(name.to_owned()));
    }
    let mut next = settings.clone();
    next.profiles.retain(|p| p.name != name);
    if next.current == name {
        next.current = next.profiles[0].name.clone();
    }
    let mut change = KeyringChange::new(keyring);
    let result = (|| {
        for kind in SecretKind::ALL {
            change.delete(&secret_account(name, kind))?;
        }
        next.save(dirs)?;
        Ok::<_, EditError>(())
    })();
    match result {
        Ok(()) => {
            *settings = next;
            Ok(())
        }
        Err(e) => {
            change.undo();
            Err(e)
        }
    }
}

/// Makes `name` the current profile.
pub fn use_profile(settings: &mut Settings, dirs: &AppDirs, name: &str) -> Result<(), EditError> {
    settings.profile(name)?;
    let mut next = settings.clone();
    next.current = name.to_owned();
    next.save(dirs)?;
    *settings = next;
    Ok(())
}

/// What an import saved and what it passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub skipped: Vec<String>,
}

/// Saves imported profiles; a name already taken gets a number (`aws-default-2`).
pub fn save_found(
    settings: &mut Settings,
    dirs: &AppDirs,
    keyring: &Keyring,
    findings: crate::import::Findings,
) -> Result<ImportReport, EditError> {
    let mut report = ImportReport { imported: Vec::new(), skipped: findings.skipped };
    for found in findings.found {
        let mut profile = found.profile;
        let base = profile.name.clone();
        let mut n = 2;
        while settings.profiles.iter().any(|p| p.name == profile.name) {
            profile.name = format!("{base}-{n}");
            n += 1;
        }
        let name = profile.name.clone();
        match save_profile(settings, dirs, keyring, None, profile, found.keys) {
            Ok(()) => report.imported.push(name),
            Err(EditError::Invalid(problems)) => {
                let why: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
                report.skipped.push(format!("{base}: {}", why.join(" ")));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}
