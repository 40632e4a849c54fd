//! A selection in the storage browser: keys and whole folders (ending with
//! `/`), expanded to the objects they stand for, to size, download or delete.

use std::future::ready;
use std::ops::ControlFlow;

use stowage_store::walk::walk;
use stowage_store::{ObjectInfo, ObjectStore};

/// The objects a selection stands for: keys as they are, folders (ending
/// with `/`) with everything under them, listed as their sub-folders in
/// parallel (see [`walk`]). What cannot be listed or found is returned with
/// the reason.
pub async fn expand(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
) -> (Vec<ObjectInfo>, Vec<(String, String)>) {
    let mut objects = Vec::new();
    let failed = each_object(store, container, selection, |found| objects.extend(found)).await;
    (objects, failed)
}

/// The objects and bytes a selection stands for, counted as the listing
/// goes (a folder of a million keys is not held), and what could not be read.
pub async fn measure(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
) -> (u64, u64, Vec<(String, String)>) {
    let (mut objects, mut bytes) = (0, 0);
    let failed = each_object(store, container, selection, |found| {
        objects += found.len() as u64;
        bytes += found.iter().map(|o| o.size).sum::<u64>();
    })
    .await;
    (objects, bytes, failed)
}

/// Hands the objects of each selected key or folder to `visit`.
async fn each_object(
    store: &dyn ObjectStore,
    container: &str,
    selection: &[String],
    mut visit: impl FnMut(Vec<ObjectInfo>),
) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    for selected in selection {
        // A key; "" or a prefix ending in "/" is a folder (the whole container for "").
        let found = if !selected.is_empty() && !selected.ends_with('/') {
            store.head(container, selected).await.map(|info| visit(vec![info]))
        } else {
            walk(store, container, selected, |found| {
                visit(found);
                ready(ControlFlow::Continue(()))
            })
            .await
        };
        if let Err(e) = found {
            failed.push((selected.clone(), e.to_string()));
        }
    }
    failed
}
