//! Golden sync plans: each file in `tests/plans/` holds a local tree, a
//! remote tree, the last sync's state, the options, and the plan expected.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use stowage_sync::plan::{plan, Base, Listing, LocalState, RemoteState};
use stowage_sync::{Compare, Direction, Mode, OpKind, PlanOptions, Reason};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    description: String,
    /// The plan must be refused (the delete cap).
    #[serde(default)]
    blocked: bool,
    /// Text one of the plan's notes must contain.
    note: Option<String>,
    options: Options,
    #[serde(default)]
    local: BTreeMap<String, LocalState>,
    #[serde(default)]
    remote: BTreeMap<String, RemoteState>,
    #[serde(default)]
    base: BTreeMap<String, Base>,
    local_listing: Option<Completeness>,
    remote_listing: Option<Completeness>,
    #[serde(default)]
    expect: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    mode: Mode,
    direction: Option<Direction>,
    compare: Option<Compare>,
    /// `false` lifts the delete cap.
    #[serde(default = "yes")]
    delete_cap: bool,
    #[serde(default)]
    only_delete_synced: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Completeness {
    complete: bool,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Expected {
    kind: OpKind,
    path: String,
    reason: Reason,
}

fn check(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let fixture: Fixture = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut options = PlanOptions::new(fixture.options.mode, fixture.options.direction.unwrap_or(Direction::Up));
    options.compare = fixture.options.compare.unwrap_or_default();
    if !fixture.options.delete_cap {
        options.delete_cap = None;
    }
    options.only_delete_synced = fixture.options.only_delete_synced;
    let complete = |c: &Option<Completeness>| c.as_ref().is_none_or(|c| c.complete);
    let local = Listing { entries: fixture.local, complete: complete(&fixture.local_listing) };
    let remote = Listing { entries: fixture.remote, complete: complete(&fixture.remote_listing) };
    let planned = plan(&local, &remote, &fixture.base, &options);
    let got: Vec<Expected> =
        planned.ops.iter().map(|op| Expected { kind: op.kind, path: op.path.clone(), reason: op.reason }).collect();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    assert_eq!(got, fixture.expect, "{name}: {}", fixture.description);
    assert_eq!(planned.blocked.is_some(), fixture.blocked, "{name}: blocked = {:?}", planned.blocked);
    if let Some(note) = fixture.note {
        assert!(planned.notes.iter().any(|n| n.contains(&note)), "{name}: notes {:?}", planned.notes);
    }
}

#[test]
fn golden_plans() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plans");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("entry").path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 11, "fixtures went missing: {fixtures:?}");
    for fixture in fixtures {
        check(&fixture);
    }
}
