//! Every object under a prefix, in key order, listed as its folders in
//! parallel. A listing is a chain of pages, each asking for the next: 1.28
//! million keys are 1,281 requests in a row, about 40 s from a region 30 ms
//! away. Datasets are folders (ImageNet's 1,000 classes), so the walk lists
//! the prefix one level at a time, with "/" as delimiter, until it has
//! enough folders to keep `in_flight` listings busy, then lists each of
//! those folders whole, that many at once: 1.28 million keys in 1,000
//! folders become about 2,000 requests, 32 at a time. A prefix that fits in
//! one page (most watched folders and small syncs) is that one page; one
//! without sub-folders is handed on page by page as it is read.
//!
//! The objects come out in key order, as one recursive listing would give
//! them (a folder's keys sit between the keys before and after its
//! name + "/"), so a sync can merge them with the folder's sorted scan
//! without holding either: at most `in_flight` folders wait in memory.

use std::future::Future;
use std::ops::ControlFlow;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::{ListOptions, ObjectInfo, ObjectStore, Result};

/// Levels the walk splits at most before it lists what it found whole.
const SPLIT_LEVELS: usize = 3;

/// Listings in flight at once: enough to hide a round trip of 20-40 ms
/// behind the others, few enough for any S3 service.
pub const LIST_IN_FLIGHT: usize = 32;

/// Every object under `prefix`, in key order.
pub async fn list_tree(store: &dyn ObjectStore, container: &str, prefix: &str) -> Result<Vec<ObjectInfo>> {
    let mut all = Vec::new();
    walk(store, container, prefix, |objects| {
        all.extend(objects);
        std::future::ready(ControlFlow::Continue(()))
    })
    .await?;
    Ok(all)
}

/// A level of the walk, in key order: objects already read, and folders
/// still to list.
enum Item {
    Objects(Vec<ObjectInfo>),
    Folder(String),
}

/// Hands every object under `prefix` to `visit` in key order, a page or a
/// folder at a time, until it breaks. A failed listing fails the walk.
pub async fn walk<F>(
    store: &dyn ObjectStore,
    container: &str,
    prefix: &str,
    mut visit: impl FnMut(Vec<ObjectInfo>) -> F,
) -> Result<()>
where
    F: Future<Output = ControlFlow<()>>,
{
    // One page first: when it holds everything, splitting would only add requests.
    let first = store.list(container, &ListOptions::recursive(prefix)).await?;
    if first.next.is_none() {
        let _ = visit(first.objects).await;
        return Ok(());
    }
    // The prefix's own level, handed on page by page until its first folder.
    let mut level = match top_level(store, container, prefix, &mut visit).await? {
        ControlFlow::Break(()) => return Ok(()),
        ControlFlow::Continue(level) => level,
    };
    for depth in 1.. {
        let folders = level.iter().filter(|item| matches!(item, Item::Folder(_))).count();
        if folders == 0 || folders >= LIST_IN_FLIGHT || depth == SPLIT_LEVELS {
            // Owned prefixes: see `delete_all` (rust-lang/rust#110338).
            let mut whole = stream::iter(level)
                .map(|item| async move {
                    match item {
                        Item::Objects(objects) => Ok(objects),
                        Item::Folder(folder) => everything_in(store, container, folder).await,
                    }
                })
                .buffered(LIST_IN_FLIGHT);
            while let Some(objects) = whole.try_next().await? {
                if visit(objects).await.is_break() {
                    break;
                }
            }
            return Ok(());
        }
        let mut below = stream::iter(level)
            .map(|item| async move {
                match item {
                    Item::Objects(objects) => Ok(vec![Item::Objects(objects)]),
                    Item::Folder(folder) => one_level(store, container, folder).await,
                }
            })
            .buffered(LIST_IN_FLIGHT);
        level = Vec::new();
        while let Some(items) = below.try_next().await? {
            level.extend(items);
        }
    }
    Ok(())
}

/// The first level under `prefix`: its objects before the first folder go
/// to `visit` as they are read (all of them when there are no folders, so
/// a flat prefix streams); the rest is returned, in order.
async fn top_level<F>(
    store: &dyn ObjectStore,
    container: &str,
    prefix: &str,
    visit: &mut impl FnMut(Vec<ObjectInfo>) -> F,
) -> Result<ControlFlow<(), Vec<Item>>>
where
    F: Future<Output = ControlFlow<()>>,
{
    let mut level = Vec::new();
    let mut options = ListOptions::folder(prefix.to_owned());
    loop {
        let page = store.list(container, &options).await?;
        let next = page.next.clone();
        let mut items = in_order(page.objects, page.prefixes).into_iter().peekable();
        if level.is_empty() {
            while let Some(Item::Objects(objects)) = items.next_if(|item| matches!(item, Item::Objects(_))) {
                if visit(objects).await.is_break() {
                    return Ok(ControlFlow::Break(()));
                }
            }
        }
        level.extend(items);
        match next {
            Some(next) => options.continuation = Some(next),
            None => return Ok(ControlFlow::Continue(level)),
        }
    }
}

/// The objects directly in `folder` and its sub-folders, in key order.
async fn one_level(store: &dyn ObjectStore, container: &str, folder: String) -> Result<Vec<Item>> {
    let mut level = Vec::new();
    let mut options = ListOptions::folder(folder);
    loop {
        let page = store.list(container, &options).await?;
        level.extend(in_order(page.objects, page.prefixes));
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return Ok(level),
        }
    }
}

/// A page's objects and folders (each sorted) merged by key; runs of
/// objects stay together.
fn in_order(objects: Vec<ObjectInfo>, folders: Vec<String>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut folders = folders.into_iter().peekable();
    for object in objects {
        while let Some(folder) = folders.next_if(|folder| folder.as_str() < object.key.as_str()) {
            items.push(Item::Folder(folder));
        }
        match items.last_mut() {
            Some(Item::Objects(run)) => run.push(object),
            _ => items.push(Item::Objects(vec![object])),
        }
    }
    items.extend(folders.map(Item::Folder));
    items
}

/// Every object under `folder`, at any depth.
async fn everything_in(store: &dyn ObjectStore, container: &str, folder: String) -> Result<Vec<ObjectInfo>> {
    let mut objects = Vec::new();
    let mut options = ListOptions::recursive(folder);
    loop {
        let page = store.list(container, &options).await?;
        objects.extend(page.objects);
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return Ok(objects),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use bytes::Bytes;

    use super::*;
    use crate::layers::{Layer, Layered, Op};
    use crate::memory::MemoryStore;
    use crate::PutOptions;

    async fn store_with(keys: &[String]) -> MemoryStore {
        let store = MemoryStore::new();
        store.create_container("box").await.expect("container");
        for key in keys {
            store.put("box", key, Bytes::from_static(b"x"), &PutOptions::default()).await.expect("put");
        }
        store
    }

    async fn walked(store: &dyn ObjectStore, prefix: &str) -> BTreeSet<String> {
        let found = list_tree(store, "box", prefix).await.expect("walk");
        let keys: Vec<&str> = found.iter().map(|o| o.key.as_str()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "in key order, no key twice: {keys:?}");
        keys.into_iter().map(String::from).collect()
    }

    async fn listed(store: &dyn ObjectStore, prefix: &str) -> BTreeSet<String> {
        everything_in(store, "box", prefix.to_owned()).await.expect("list").into_iter().map(|o| o.key).collect()
    }

    #[tokio::test]
    async fn the_walk_finds_what_one_listing_finds() {
        let mut keys: Vec<String> = Vec::new();
        for class in 0..40 {
            for n in 0..30 {
                keys.push(format!("train/n{class:04}/{n}.jpg"));
            }
        }
        keys.extend(
            [
                "train/labels.csv",
                "train/",
                "train/n0001/",
                "train//double",
                "train/deep/a/b/c/d/e.bin",
                "train/deep/a/b/x",
                "trainer.py",
                "val/0.jpg",
                "val/sub/1.jpg",
                "top.txt",
                "a/b",
                "a!b",
                "train/n0003.txt",
                "train/n0003-extra/x",
                "a/c/",
            ]
            .map(String::from),
        );
        let store = store_with(&keys).await;
        for prefix in ["", "train/", "train/n0003/", "train/deep/", "val/", "a/", "tr", "missing/"] {
            assert_eq!(walked(&store, prefix).await, listed(&store, prefix).await, "under {prefix:?}");
        }
    }

    /// A store a round trip away that notes how many calls were in flight at most.
    #[derive(Debug, Default)]
    struct Far {
        in_flight: AtomicUsize,
        most: AtomicUsize,
        calls: AtomicUsize,
    }

    impl Layer for Far {
        async fn around<T, F, Fut>(&self, _op: Op, _sent: u64, mut call: F) -> Result<T>
        where
            T: Send,
            F: FnMut() -> Fut + Send,
            Fut: std::future::Future<Output = Result<T>> + Send,
        {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            let result = call().await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            result
        }
    }

    #[tokio::test]
    async fn folders_are_listed_many_at_once_and_a_flat_prefix_page_by_page() {
        let mut keys: Vec<String> =
            (0..100).flat_map(|f| (0..11).map(move |n| format!("train/c{f:03}/{n}.jpg"))).collect();
        keys.extend((0..1500).map(|n| format!("flat/{n:04}")));
        keys.extend((0..5).map(|n| format!("small/d{n}/x")));
        let far = Layered::new(std::sync::Arc::new(store_with(&keys).await), Far::default());
        assert_eq!(walked(&far, "train/").await.len(), 1100);
        let most = far.most.load(Ordering::SeqCst);
        assert!(most > 1 && most <= LIST_IN_FLIGHT, "{most} listings at once");
        // A first page that was not all, one level (the 100 folders), then each folder whole.
        assert_eq!(far.calls.load(Ordering::SeqCst), 102);

        far.most.store(0, Ordering::SeqCst);
        far.calls.store(0, Ordering::SeqCst);
        assert_eq!(walked(&far, "flat/").await.len(), 1500);
        assert_eq!(far.most.load(Ordering::SeqCst), 1, "no folders: page after page, as before");

        far.calls.store(0, Ordering::SeqCst);
        assert_eq!(walked(&far, "small/").await.len(), 5);
        assert_eq!(far.calls.load(Ordering::SeqCst), 1, "what fits in a page is that page");
    }

    #[tokio::test]
    async fn a_walk_that_is_told_to_stop_stops() {
        let keys: Vec<String> = (0..50).flat_map(|f| (0..40).map(move |n| format!("d{f:02}/{n}"))).collect();
        let store = store_with(&keys).await;
        let mut seen = 0;
        walk(&store, "box", "", |objects| {
            seen += objects.len();
            std::future::ready(if seen >= 100 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
        })
        .await
        .expect("walk");
        assert!((100..2000).contains(&seen), "stopped early: {seen}");
        assert_eq!(walked(&store, "").await.len(), 2000);
    }
}
