//! S3 listing semantics (prefix, delimiter roll-up, pages, continuation) over
//! any sorted sequence of keys, shared by the backends that keep keys
//! themselves (memory, local). S3 does this on the server.

use crate::{ListOptions, Result, StoreError};

/// Where the previous page stopped: after a key, or after a whole common prefix.
enum After {
    Key(String),
    Prefix(String),
}

impl After {
    fn token(&self) -> String {
        match self {
            Self::Key(k) => format!("k{k}"),
            Self::Prefix(p) => format!("p{p}"),
        }
    }

    fn parse(token: &str) -> Result<Self> {
        match token.split_at_checked(1) {
            Some(("k", key)) => Ok(Self::Key(key.to_owned())),
            Some(("p", prefix)) => Ok(Self::Prefix(prefix.to_owned())),
            _ => Err(StoreError::invalid_input("The listing continuation token is not one this store issued.")),
        }
    }

    fn covers(&self, key: &str) -> bool {
        match self {
            Self::Key(k) => key <= k.as_str(),
            Self::Prefix(p) => key <= p.as_str() || key.starts_with(p.as_str()),
        }
    }
}

/// One page cut from a sorted key sequence.
pub(crate) struct Page<T> {
    pub objects: Vec<(String, T)>,
    pub prefixes: Vec<String>,
    pub next: Option<String>,
}

/// Cuts one page out of `entries`, which must be in ascending byte order of
/// key. An entry whose key ends with the delimiter and stands for a whole
/// folder (the local store lists directories that way) rolls up like the keys
/// under it would.
pub(crate) fn paginate<T>(entries: impl IntoIterator<Item = (String, T)>, options: &ListOptions) -> Result<Page<T>> {
    let after = options.continuation.as_deref().map(After::parse).transpose()?;
    let delimiter = options.delimiter.as_deref().filter(|d| !d.is_empty());
    let prefix = options.prefix.as_str();
    let limit = options.page_size();

    let mut page = Page { objects: Vec::new(), prefixes: Vec::new(), next: None };
    let mut last: Option<After> = None;
    for (key, item) in entries {
        if !key.starts_with(prefix) || after.as_ref().is_some_and(|a| a.covers(&key)) {
            continue;
        }
        let common =
            delimiter.and_then(|d| key[prefix.len()..].find(d).map(|at| key[..prefix.len() + at + d.len()].to_owned()));
        if let Some(common) = common {
            if page.prefixes.last() == Some(&common) {
                continue;
            }
            if page.objects.len() + page.prefixes.len() == limit {
                page.next = last.map(|a| a.token());
                return Ok(page);
            }
            page.prefixes.push(common.clone());
            last = Some(After::Prefix(common));
        } else {
            if page.objects.len() + page.prefixes.len() == limit {
                page.next = last.map(|a| a.token());
                return Ok(page);
            }
            last = Some(After::Key(key.clone()));
            page.objects.push((key, item));
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<(String, ())> {
        let mut v: Vec<_> = list.iter().map(|k| (k.to_string(), ())).collect();
        v.sort();
        v
    }

    fn all_pages(entries: &[&str], mut options: ListOptions) -> (Vec<String>, Vec<String>, usize) {
        let (mut objects, mut prefixes, mut pages) = (vec![], vec![], 0);
        loop {
            let page = paginate(keys(entries), &options).expect("page");
            pages += 1;
            objects.extend(page.objects.into_iter().map(|(k, ())| k));
            prefixes.extend(page.prefixes);
            match page.next {
                Some(next) => options.continuation = Some(next),
                None => return (objects, prefixes, pages),
            }
        }
    }

    #[test]
    fn rolls_up_and_pages_without_repeating_a_prefix() {
        let entries = ["a/1", "a/2", "a/3", "b", "c/1", "d"];
        let options = ListOptions { delimiter: Some("/".into()), max_keys: Some(1), ..ListOptions::default() };
        let (objects, prefixes, pages) = all_pages(&entries, options);
        assert_eq!(objects, ["b", "d"]);
        assert_eq!(prefixes, ["a/", "c/"]);
        assert_eq!(pages, 4);
    }

    #[test]
    fn rejects_a_foreign_token() {
        let options = ListOptions { continuation: Some("zzz".into()), ..ListOptions::default() };
        assert!(paginate(keys(&["a"]), &options).is_err());
    }
}
