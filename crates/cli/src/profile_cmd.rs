//! `stowage profile ...`: the same profile operations as the window. Secrets
//! come from a prompt or stdin, never from arguments, and are never printed.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};
use stowage_api::ovh_endpoint;
use stowage_api::App;
use stowage_api::{Backend, Keys, Profile, Provider, S3Backend, Secret};
use stowage_api::{ChecksumAlgorithm, ChecksumMode};

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// Add a profile. The secret key is asked for (or read from stdin with --secret-stdin).
    Add {
        name: String,
        #[arg(long, value_enum)]
        provider: ProviderArg,
        /// OVHcloud region (gra, sbg, ...) or the signing region of another service.
        #[arg(long)]
        region: Option<String>,
        /// S3 endpoint URL; OVHcloud's follows from --region unless given.
        #[arg(long)]
        endpoint: Option<String>,
        /// Folder for a local profile.
        #[arg(long)]
        root: Option<PathBuf>,
        #[arg(long)]
        access_key: Option<String>,
        /// Read the secret key from the first line of standard input.
        #[arg(long)]
        secret_stdin: bool,
        /// Use path-style addressing (https://host/bucket/key).
        #[arg(long)]
        path_style: bool,
        /// Send this checksum with every upload (default: only when required).
        #[arg(long, value_enum)]
        checksum: Option<ChecksumArg>,
        /// The datastore alias AI Training knows this storage by (GRA, S3GRA).
        #[arg(long)]
        alias: Option<String>,
    },
    /// List profiles; the current one is marked with *.
    List,
    /// Show one profile (never its secrets: only whether they are stored).
    Show { name: String },
    /// Check that a profile connects and may list its containers.
    Test { name: Option<String> },
    /// Remove a profile and its keys.
    Remove { name: String },
    /// Make a profile the current one.
    Use { name: String },
    /// Import S3 profiles from the AWS CLI or rclone; the source is not changed.
    Import {
        #[arg(value_enum)]
        from: ImportSource,
        /// The rclone config, or the AWS credentials file (default: the tool's own).
        #[arg(long)]
        path: Option<PathBuf>,
        /// The AWS config file (default: ~/.aws/config).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    Ovh,
    S3,
    Local,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ChecksumArg {
    Crc32,
    Crc32c,
    Crc64nvme,
    Sha1,
    Sha256,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportSource {
    Aws,
    Rclone,
}

impl From<ImportSource> for stowage_api::ImportSource {
    fn from(source: ImportSource) -> Self {
        match source {
            ImportSource::Aws => Self::Aws,
            ImportSource::Rclone => Self::Rclone,
        }
    }
}

pub async fn run(command: ProfileCommand, app: &Arc<App>) -> Result<(), String> {
    let settings = app.settings();
    match command {
        ProfileCommand::Add {
            name,
            provider,
            region,
            endpoint,
            root,
            access_key,
            secret_stdin,
            path_style,
            checksum,
            alias,
        } => {
            let backend = match provider {
                ProviderArg::Local => Backend::Local { root: root.ok_or("A local profile needs --root FOLDER.")? },
                ProviderArg::Ovh | ProviderArg::S3 => {
                    let region = region.ok_or("Give the region with --region (for OVHcloud: gra, sbg, bhs, ...).")?;
                    let (provider, endpoint) = match provider {
                        ProviderArg::Ovh => (Provider::Ovh, endpoint.unwrap_or_else(|| ovh_endpoint(&region))),
                        _ => (Provider::Other, endpoint.ok_or("Give the S3 endpoint with --endpoint URL.")?),
                    };
                    let checksum =
                        checksum.map_or(ChecksumMode::WhenRequired, |c| ChecksumMode::Always { algorithm: c.into() });
                    Backend::S3(S3Backend { provider, endpoint, region, path_style, checksum })
                }
            };
            let profile = Profile { name: name.clone(), backend, datastore_alias: alias };
            let keys = if profile.needs_keys() {
                let access = access_key.ok_or("Give the access key with --access-key.")?;
                Keys {
                    access_key: Some(Secret::new(access)),
                    secret_key: Some(read_secret(secret_stdin, "secret key", "--secret-stdin")?),
                }
            } else {
                Keys::default()
            };
            app.save_profile(None, profile, keys).await?;
            println!("Added profile \"{name}\". Check it with: stowage profile test \"{name}\"");
            Ok(())
        }
        ProfileCommand::List => {
            for p in &settings.profiles {
                let mark = if p.name == settings.current { "*" } else { " " };
                println!("{mark} {:<24} {}", p.name, describe(p));
            }
            Ok(())
        }
        ProfileCommand::Show { name } => {
            let p = settings.profile(&name).map_err(|e| e.to_string())?;
            println!("name:        {}", p.name);
            println!("store:       {}", describe(p));
            if let Backend::S3(s3) = &p.backend {
                println!("addressing:  {}", if s3.path_style { "path style" } else { "virtual-hosted" });
                let checksum = match s3.checksum {
                    ChecksumMode::WhenRequired => "when required".to_owned(),
                    ChecksumMode::Always { algorithm } => format!("always ({algorithm:?})").to_lowercase(),
                };
                println!("checksums:   {checksum}");
                let status = app.key_status(&p.name).await?;
                let said = |stored| if stored { "stored in the keyring" } else { "missing" };
                println!("access key:  {}", said(status.access_key));
                println!("secret key:  {}", said(status.secret_key));
            }
            println!("alias:       {}", p.datastore_alias.as_deref().unwrap_or("(none)"));
            println!("current:     {}", if p.name == settings.current { "yes" } else { "no" });
            Ok(())
        }
        ProfileCommand::Test { name } => {
            let name = name.unwrap_or_else(|| settings.current.clone());
            let profile = settings.profile(&name).map_err(|e| e.to_string())?.clone();
            let report = app.test_profile(None, profile, Keys::default()).await?;
            let listed = report.listed.map(|c| format!(", and may list \"{c}\"")).unwrap_or_default();
            println!("The connection of \"{name}\" works: {} container(s) visible{listed}.", report.containers);
            Ok(())
        }
        ProfileCommand::Remove { name } => {
            let view = app.remove_profile(&name).await?;
            println!("Removed profile \"{name}\" and its keys. Current profile: \"{}\".", view.current);
            Ok(())
        }
        ProfileCommand::Use { name } => {
            app.use_profile(&name).await?;
            println!("Now using \"{name}\".");
            Ok(())
        }
        ProfileCommand::Import { from, path, config } => {
            let report = app.import_profiles(from.into(), path, config).await?;
            for name in &report.imported {
                println!("Imported \"{name}\"");
            }
            for why in &report.skipped {
                println!("Skipped {why}");
            }
            if report.imported.is_empty() {
                return Err("No profile was imported.".to_owned());
            }
            Ok(())
        }
    }
}

fn describe(p: &Profile) -> String {
    let alias = p.datastore_alias.as_ref().map(|a| format!("  alias {a}")).unwrap_or_default();
    match &p.backend {
        Backend::Local { root } => format!("this computer: {}{alias}", root.display()),
        Backend::S3(s3) => {
            let provider = if s3.provider == Provider::Ovh { "OVHcloud" } else { "S3" };
            format!("{provider} {} ({}){alias}", s3.endpoint, s3.region)
        }
    }
}

/// The secret key from the first line of stdin, or from a prompt that does
/// not echo.
/// A secret (`what`: "secret key", "app token") from a hidden prompt, or
/// from the first line of stdin when `from_stdin` (the option `flag`).
pub(crate) fn read_secret(from_stdin: bool, what: &str, flag: &str) -> Result<Secret<String>, String> {
    let secret = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("Cannot read the {what} from stdin: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let mut prompt = what.to_owned();
        prompt[..1].make_ascii_uppercase();
        rpassword::prompt_password(format!("{prompt}: "))
            .map_err(|_| format!("No terminal to ask for the {what}: pipe it in and pass {flag}."))?
    };
    if secret.is_empty() {
        return Err(format!("The {what} is empty."));
    }
    Ok(Secret::new(secret))
}

impl From<ChecksumArg> for ChecksumAlgorithm {
    fn from(arg: ChecksumArg) -> Self {
        match arg {
            ChecksumArg::Crc32 => Self::Crc32,
            ChecksumArg::Crc32c => Self::Crc32c,
            ChecksumArg::Crc64nvme => Self::Crc64nvme,
            ChecksumArg::Sha1 => Self::Sha1,
            ChecksumArg::Sha256 => Self::Sha256,
        }
    }
}
