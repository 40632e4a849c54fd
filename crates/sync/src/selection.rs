//! A selection in the storage browser: keys and whole folders (ending with
//! `/`), expanded to the objects they stand for, to size, download or delete.

use stowage_store::{ListOptions, ObjectInfo, ObjectStore};

/// The objects a selection stands for: keys as they are, folders (ending
/// with `/`) with everything under them. What cannot be listed or found is
/// returned with the reason.
pub async fn expand(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
) -> (Vec<ObjectInfo>, Vec<(String, String)>) {
    let (mut objects, mut failed) = (Vec::new(), Vec::new());
    for selected in selection {
        // A key; "" or a prefix ending in "/" is a folder (the whole container for "").
        if !selected.is_empty() && !selected.ends_with('/') {
            match store.head(container, selected).await {
                Ok(info) => objects.push(info),
                Err(e) => failed.push((selected.clone(), e.to_string())),
            }
            continue;
        }
        let mut options = ListOptions::recursive(selected.clone());
        loop {
            match store.list(container, &options).await {
                Ok(page) => {
                    objects.extend(page.objects);
                    match page.next {
                        Some(next) => options.continuation = Some(next),
                        None => break,
                    }
                }
                Err(e) => {
                    failed.push((selected.clone(), e.to_string()));
                    break;
                }
            }
        }
    }
    (objects, failed)
}

/// Deletes a selection (keys and whole folders) in bulk requests, up to
/// `in_flight` at once; returns how many objects went and what failed.
pub async fn delete_selection(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
    in_flight: usize,
) -> (u64, Vec<(String, String)>) {
    let (objects, mut failed) = expand(store, container, selection).await;
    let keys: Vec<String> = objects.into_iter().map(|o| o.key).collect();
    let refused = stowage_store::delete_all(store, container, &keys, in_flight).await;
    let deleted = (keys.len() - refused.len()) as u64;
    failed.extend(refused.into_iter().map(|f| (f.key, f.error.to_string())));
    (deleted, failed)
}
