//! `stowage share` (a presigned link) and `stowage class` (a container's
//! storage class), and the checks both share with uploads.

use std::sync::Arc;
use std::time::Duration;

use stowage_api::App;

use crate::location::Location;

/// `30m`, `1h`, `24h`, `7d`, `90s`: how long a link works.
pub fn lifetime(text: &str) -> Result<Duration, String> {
    let bad = || format!("\"{text}\" is not a lifetime: write it as 30m, 1h, 24h or 7d.");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(secs))
}

pub async fn share(app: &Arc<App>, location: &Location, expires: Duration) -> Result<(), String> {
    if location.prefix.is_empty() || location.prefix.ends_with('/') {
        return Err("Name one object: PROFILE:CONTAINER/KEY (a link opens one file, not a folder).".into());
    }
    let profile = location.profile_in(app);
    let link = app.share_link(&profile, &location.container, &location.prefix, expires).await?;
    println!("{}", link.url);
    match link.expires_ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok()) {
        Some(at) => eprintln!("Anyone with this link can download the file until {at} (UTC)."),
        None => eprintln!("This is a file on this computer: the link opens here only, and does not expire."),
    }
    Ok(())
}

pub async fn class(app: &Arc<App>, location: &Location, class: Option<String>, clear: bool) -> Result<(), String> {
    let profile = location.profile_in(app);
    if clear || class.is_some() {
        app.set_container_class(&profile, &location.container, class).await?;
    }
    match app.container_class(&profile, &location.container) {
        Some(class) => println!("{class}"),
        None => println!("(the service's default)"),
    }
    let offered = app.storage_classes(&profile)?;
    if offered.is_empty() {
        eprintln!("\"{profile}\" is a folder on this computer: it has no storage classes.");
    } else {
        let names: Vec<String> = offered.iter().map(|c| format!("{} ({})", c.id, c.label)).collect();
        eprintln!("Offered: {}", names.join(", "));
    }
    Ok(())
}

/// A class named on the command line, upper-cased and checked against what
/// the profile offers before anything is sent.
pub fn checked_class(app: &App, profile: &str, class: Option<String>) -> Result<Option<String>, String> {
    let Some(class) = class.map(|c| c.trim().to_ascii_uppercase()) else { return Ok(None) };
    app.check_class(profile, &class)?;
    Ok(Some(class))
}
