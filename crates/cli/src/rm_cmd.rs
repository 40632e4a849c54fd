//! `stowage rm`: delete an object, or with --recursive everything under a
//! prefix, in bulk requests of a thousand keys (or one DELETE per object
//! for services without DeleteObjects).

use std::process::ExitCode;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use stowage_store::layers::{Retry, RetryPolicy};
use stowage_store::{DeleteFailure, ObjectStore};

use crate::location::Location;

/// Bulk deletes in flight at once.
const BATCHES_IN_FLIGHT: usize = 8;
/// Single deletes in flight at once, with --one-by-one.
const DELETES_IN_FLIGHT: usize = 256;

pub async fn run(
    store: Arc<dyn ObjectStore>,
    location: &Location,
    recursive: bool,
    dry_run: bool,
    one_by_one: bool,
) -> Result<ExitCode, String> {
    let store = Retry::wrap(store, RetryPolicy::default());
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
    let (objects, mut failed) = stowage_sync::selection::expand(&store, &location.container, &[selected]).await;
    let bytes: u64 = objects.iter().map(|o| o.size).sum();
    if dry_run {
        for object in &objects {
            println!("{}", object.key);
        }
        println!("Would delete {} objects ({} bytes); nothing was deleted.", objects.len(), bytes);
        return Ok(ExitCode::SUCCESS);
    }
    let keys: Vec<String> = objects.into_iter().map(|o| o.key).collect();
    let refused = if one_by_one {
        one_at_a_time(&store, &location.container, &keys).await
    } else {
        stowage_store::delete_all(&store, &location.container, &keys, BATCHES_IN_FLIGHT).await
    };
    println!("Deleted {} objects.", keys.len() - refused.len());
    failed.extend(refused.into_iter().map(|f| (f.key, f.error.to_string())));
    for (key, why) in &failed {
        eprintln!("{key}: {why}");
    }
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// One DELETE request per key, many at once.
async fn one_at_a_time(store: &dyn ObjectStore, container: &str, keys: &[String]) -> Vec<DeleteFailure> {
    stream::iter(keys)
        .map(|key| async move {
            store.delete(container, key).await.err().map(|error| DeleteFailure { key: key.clone(), error })
        })
        .buffer_unordered(DELETES_IN_FLIGHT)
        .filter_map(|failed| async { failed })
        .collect()
        .await
}
