//! A selection in the storage browser: keys and whole folders (ending with
//! `/`), expanded to the objects they stand for, to size, download or delete.

use futures::stream::{self, StreamExt};
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
        if !selected.ends_with('/') {
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

/// Deletes a selection (keys and whole folders) with `concurrency`
/// requests in flight; returns how many objects went and what failed.
pub async fn delete_selection(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
    concurrency: usize,
) -> (u64, Vec<(String, String)>) {
    let (objects, mut failed) = expand(store, container, selection).await;
    let results: Vec<_> = stream::iter(objects)
        .map(|o| async move { (store.delete(container, &o.key).await, o.key) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut deleted = 0;
    for (result, key) in results {
        match result {
            Ok(()) => deleted += 1,
            Err(e) => failed.push((key, e.to_string())),
        }
    }
    (deleted, failed)
}
