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
