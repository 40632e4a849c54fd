//! Properties of the `--volume` codec over generated input.

use proptest::prelude::*;
use stowage_jobs::api::{from_json, to_json};
use stowage_jobs::{Permission, Source, Volume};

fn permission() -> impl Strategy<Value = Permission> {
    prop_oneof![Just(Permission::Ro), Just(Permission::Rw), Just(Permission::Rwd)]
}

fn source() -> impl Strategy<Value = Source> {
    let data_store = (
        "[A-Z0-9][A-Z0-9_-]{0,8}",
        "[a-z0-9][a-z0-9.-]{1,20}[a-z0-9]",
        // Prefixes may hold anything a key holds, ':' and '@' included.
        "([a-zA-Z0-9 _.:@=+-]{1,8}/){0,3}[a-zA-Z0-9 _.:@=+-]{0,8}",
    )
        .prop_map(|(alias, container, prefix)| Source::DataStore { alias, container, prefix });
    let url = ("[a-z0-9-]{1,12}(\\.[a-z]{2,5}){1,2}(:[0-9]{2,5})?", "(/[a-zA-Z0-9_.-]{1,10}){0,3}", any::<bool>())
        .prop_map(|(host, path, git)| Source::Url {
            url: format!("https://{host}{path}{}", if git { ".git" } else { "" }),
        });
    prop_oneof![3 => data_store, 1 => url, 1 => Just(Source::Standalone)]
}

fn volume() -> impl Strategy<Value = Volume> {
    (source(), "(/[a-zA-Z0-9_.-]{1,10}){1,4}", permission(), any::<bool>())
        .prop_map(|(source, mount_path, permission, cache)| Volume { source, mount_path, permission, cache })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn format_then_parse_gives_the_same_volume(v in volume()) {
        let text = v.to_string();
        let parsed: Volume = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed, &v);
        prop_assert_eq!(parsed.to_string(), text, "the canonical form is stable");
    }

    #[test]
    fn the_api_json_round_trips(volumes in proptest::collection::vec(volume(), 0..5)) {
        prop_assert_eq!(from_json(&to_json(&volumes)).map_err(TestCaseError::fail)?, volumes);
    }
}

proptest! {
    // The parser sees pasted text: it must answer every input without panicking.
    #![proptest_config(ProptestConfig::with_cases(100_000))]

    #[test]
    fn parsing_never_panics(text in "[a-zA-Z0-9@:/._ -]{0,40}|\\PC{0,40}") {
        if let Ok(v) = text.parse::<Volume>() {
            // Whatever parses formats to a string that parses to the same volume.
            let again = v.to_string().parse::<Volume>();
            prop_assert_eq!(again.as_ref(), Ok(&v));
        }
    }
}
