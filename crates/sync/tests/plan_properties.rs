//! Properties of the sync planner on random trees: applying a push plan
//! makes the remote equal the folder; planning again finds nothing to do;
//! and nothing is ever deleted when a listing was incomplete.

use std::collections::BTreeMap;

use proptest::prelude::*;
use stowage_sync::plan::{plan, Base, Listing, LocalState, RemoteState};
use stowage_sync::{Compare, Direction, Mode, OpKind, PlanOptions};

/// Files two levels deep (`dN/fM`), so no file and folder share a name;
/// content is a small number standing for a checksum.
fn tree() -> impl Strategy<Value = BTreeMap<String, (u64, u8)>> {
    prop::collection::btree_map((0u8..4, 0u8..6).prop_map(|(d, f)| format!("d{d}/f{f}")), (0u64..4, 0u8..3), 0..16)
}

fn local_of(tree: &BTreeMap<String, (u64, u8)>, checksums: bool) -> Listing<LocalState> {
    Listing {
        entries: tree
            .iter()
            .map(|(p, (size, content))| {
                let checksum = checksums.then(|| format!("{size}-{content}"));
                (p.clone(), LocalState { size: *size, modified_ns: i64::from(*content) * 1_000_000, checksum })
            })
            .collect(),
        complete: true,
    }
}

fn remote_of(tree: &BTreeMap<String, (u64, u8)>) -> Listing<RemoteState> {
    Listing {
        entries: tree
            .iter()
            .map(|(p, (size, content))| {
                (p.clone(), RemoteState { size: *size, modified_ms: Some(1), etag: Some(format!("{size}-{content}")) })
            })
            .collect(),
        complete: true,
    }
}

fn push(compare: Compare) -> PlanOptions {
    PlanOptions { compare, delete_cap: None, ..PlanOptions::new(Mode::Push, Direction::Up) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_push_makes_the_remote_equal_and_then_there_is_nothing_to_do(
        local in tree(),
        remote in tree(),
    ) {
        let (l, r) = (local_of(&local, true), remote_of(&remote));
        let planned = plan(&l, &r, &BTreeMap::new(), &push(Compare::Checksum));
        prop_assert!(planned.blocked.is_none());
        // Apply it to a model of the remote.
        let mut after = remote.clone();
        for op in planned.ops.iter() {
            match op.kind {
                OpKind::Upload => { after.insert(op.path.clone(), local[&op.path]); }
                OpKind::DeleteRemote => { after.remove(&op.path); }
                other => prop_assert!(false, "unexpected {other:?} in a push without state"),
            }
        }
        prop_assert_eq!(&after, &local);
        // Again by checksum: nothing.
        let again = plan(&l, &remote_of(&after), &BTreeMap::new(), &push(Compare::Checksum));
        prop_assert!(again.is_empty(), "{:?}", again.ops);
        // Again by size and time, with the state the sync recorded: nothing.
        let new_remote = remote_of(&after);
        let base: BTreeMap<String, Base> = l.entries.iter()
            .map(|(p, ls)| (p.clone(), Base::of(ls, &new_remote.entries[p])))
            .collect();
        let again = plan(&local_of(&local, false), &new_remote, &base, &push(Compare::SizeAndTime));
        prop_assert!(again.is_empty(), "{:?}", again.ops);
    }

    #[test]
    fn nothing_is_deleted_when_a_listing_is_incomplete(
        local in tree(),
        remote in tree(),
        base_paths in prop::collection::btree_set((0u8..4, 0u8..6).prop_map(|(d, f)| format!("d{d}/f{f}")), 0..10),
        local_complete in any::<bool>(),
        mode in prop_oneof![Just(Mode::Push), Just(Mode::Pull), Just(Mode::Copy)],
        up in any::<bool>(),
    ) {
        // One side or the other could not be read completely.
        let mut l = local_of(&local, false);
        let mut r = remote_of(&remote);
        l.complete = local_complete;
        r.complete = !local_complete;
        let base = base_paths.iter()
            .map(|p| (p.clone(), Base { local_size: 1, local_modified_ns: 0, remote_size: 1, remote_etag: Some("1-0".into()) }))
            .collect();
        let direction = if up { Direction::Up } else { Direction::Down };
        let options = PlanOptions { delete_cap: None, ..PlanOptions::new(mode, direction) };
        let planned = plan(&l, &r, &base, &options);
        prop_assert!(
            planned.ops.iter().all(|op| !matches!(op.kind, OpKind::DeleteRemote | OpKind::DeleteLocal)),
            "{:?}", planned.ops
        );
    }
}
