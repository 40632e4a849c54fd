//! `stowage rm`: delete an object, or with --recursive everything under a
//! prefix, in bulk requests of a thousand keys (or one DELETE per object
//! for services without DeleteObjects).

use std::process::ExitCode;
use std::sync::Arc;

use stowage_api::{App, DeleteRequests};

use crate::location::Location;

pub async fn run(
    app: &Arc<App>,
    location: &Location,
    recursive: bool,
    dry_run: bool,
    one_by_one: bool,
) -> Result<ExitCode, String> {
    let selected = match (&location.prefix, recursive) {
        (prefix, true) if prefix.is_empty() || prefix.ends_with('/') => prefix.clone(),
        (prefix, true) => format!("{prefix}/"),
        (prefix, false) if prefix.is_empty() || prefix.ends_with('/') => {
            return Err(format!(
                "\"{}/{prefix}\" is a folder: add --recursive to delete everything under it.",
                location.container
            ))
        }
        (key, false) => key.clone(),
    };
    let profile = location.profile_in(app);
    let (objects, mut failed) = app.list_selection(&profile, &location.container, &[selected]).await?;
    let bytes: u64 = objects.iter().map(|o| o.size).sum();
    if dry_run {
        for object in &objects {
            println!("{}", object.key);
        }
        println!("Would delete {} objects ({} bytes); nothing was deleted.", objects.len(), bytes);
        return Ok(ExitCode::SUCCESS);
    }
    let keys: Vec<String> = objects.into_iter().map(|o| o.key).collect();
    let requests = if one_by_one { DeleteRequests::OneByOne } else { DeleteRequests::Bulk };
    let refused = app.delete_keys(&profile, &location.container, &keys, requests).await?;
    println!("Deleted {} objects.", keys.len() - refused.len());
    failed.extend(refused);
    for (key, why) in &failed {
        eprintln!("{key}: {why}");
    }
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
