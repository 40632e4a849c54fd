//! `stowage sync [--dry-run] [--mode push|pull|copy] SRC DST`: one side is a
//! local folder, the other `PROFILE:CONTAINER/PREFIX`; the order says the
//! direction. The plan is printed first (or only, with --dry-run; as JSON
//! with --json), then applied with a progress bar.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde::Serialize;
use stowage_sync::{
    apply, prepare, Compare, Direction, Journal, Mode, OpKind, PlanOptions, Resume, SyncPlan, SyncRequest, SyncState,
    Tuning,
};

use crate::location::Location;
use crate::progress::Progress;
use crate::Context;

/// Exit code of a plan refused by the delete cap.
const BLOCKED: u8 = 3;

#[derive(Args)]
pub struct SyncArgs {
    /// Where files come from: a local folder or PROFILE:CONTAINER/PREFIX.
    source: String,
    /// Where they go: PROFILE:CONTAINER/PREFIX or a local folder.
    destination: String,
    /// push: make the prefix equal to the folder; pull: the folder equal to
    /// the prefix; copy: new and changed files only, never deletes.
    /// Default: push when the source is local, pull otherwise.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the plan as JSON (with --dry-run, only the plan).
    #[arg(long)]
    json: bool,
    /// Compare content checksums instead of modification times.
    #[arg(long)]
    checksum: bool,
    /// Leave out paths matching this glob (repeatable; `.stowageignore` adds more).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Consider only paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Copy objects a push deletes under this prefix first (like ovhai's --trash).
    #[arg(long, value_name = "PREFIX")]
    backup_prefix: Option<String>,
    /// Allow a plan that deletes more than half of the destination or more than 1,000 files.
    #[arg(long)]
    allow_many_deletes: bool,
    /// Requests in flight at once.
    #[arg(long, default_value_t = stowage_sync::Tuning::default().concurrency, value_parser = crate::at_least_one)]
    concurrency: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Push,
    Pull,
    Copy,
}

/// Which argument is the remote one: it has a `PROFILE:` (a Windows drive
/// letter like `C:\` does not count).
fn remote(text: &str) -> Option<Result<Location, String>> {
    let (before, after) = text.split_once(':')?;
    let drive = before.len() == 1 && (after.starts_with('\\') || after.starts_with('/'));
    (!drive).then(|| text.parse())
}

pub async fn run(args: SyncArgs, context: &Context) -> Result<ExitCode, String> {
    let (folder, location, direction) = match (remote(&args.source), remote(&args.destination)) {
        (None, Some(dst)) => (PathBuf::from(&args.source), dst?, Direction::Up),
        (Some(src), None) => (PathBuf::from(&args.destination), src?, Direction::Down),
        _ => {
            return Err(
                "Give one local folder and one remote location written PROFILE:CONTAINER/PREFIX, in the direction of the sync."
                    .into(),
            )
        }
    };
    let mode = match (args.mode, direction) {
        (None, Direction::Up) | (Some(ModeArg::Push), Direction::Up) => Mode::Push,
        (None, Direction::Down) | (Some(ModeArg::Pull), Direction::Down) => Mode::Pull,
        (Some(ModeArg::Copy), _) => Mode::Copy,
        (Some(ModeArg::Push), Direction::Down) => {
            return Err("--mode push sends a local folder to object storage: put the folder first.".into())
        }
        (Some(ModeArg::Pull), Direction::Up) => {
            return Err("--mode pull brings object storage to a local folder: put the remote location first.".into())
        }
    };
    let mut options = PlanOptions::new(mode, direction);
    if args.checksum {
        options.compare = Compare::Checksum;
    }
    if args.allow_many_deletes {
        options.delete_cap = None;
    }
    let profile = location.profile.clone().unwrap_or_else(|| context.settings.current.clone());
    let store = context.store(Some(&profile))?;
    let request = SyncRequest {
        folder,
        store_name: profile.clone(),
        container: location.container,
        prefix: location.prefix,
        options,
        includes: args.include,
        excludes: args.exclude,
        backup_prefix: args.backup_prefix,
    };
    let state = SyncState::open(&context.dirs.sync_state_file()).map_err(|e| e.to_string())?;
    let tuning = Tuning { concurrency: args.concurrency, ..Tuning::default() };
    let prepared = prepare(store.as_ref(), &request, &state, &tuning).await.map_err(|e| e.to_string())?;
    if args.json {
        let shown = Shown { mode, direction, plan: &prepared.plan };
        println!("{}", serde_json::to_string_pretty(&shown).map_err(|e| e.to_string())?);
    } else {
        print_plan(&prepared.plan, args.dry_run);
    }
    if prepared.plan.blocked.is_some() {
        return Ok(ExitCode::from(BLOCKED));
    }
    if args.dry_run || prepared.plan.ops.iter().all(|op| op.kind == OpKind::Conflict) {
        return Ok(ExitCode::SUCCESS);
    }
    let journal = Journal::open(&context.dirs.journal_file()).map_err(|e| e.to_string())?;
    let resume = Some(Resume { journal: Arc::new(journal), store: profile });
    let progress = Progress::new()?;
    let summary =
        apply(store, prepared, &request, &state, tuning, progress.sink(), progress.cancel.clone(), resume).await;
    progress.finish();
    println!(
        "{} uploaded, {} downloaded, {} deleted, {} failed.",
        summary.uploaded,
        summary.downloaded,
        summary.deleted,
        summary.failed.len()
    );
    for (path, message) in &summary.failed {
        eprintln!("failed {path}: {message}");
    }
    Ok(if summary.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    mode: Mode,
    direction: Direction,
    #[serde(flatten)]
    plan: &'a SyncPlan,
}

const KINDS: [(OpKind, &str); 5] = [
    (OpKind::Upload, "upload"),
    (OpKind::Download, "download"),
    (OpKind::DeleteRemote, "delete remote"),
    (OpKind::DeleteLocal, "delete local"),
    (OpKind::Conflict, "conflict"),
];

fn print_plan(plan: &SyncPlan, list_every_op: bool) {
    if plan.is_empty() {
        println!("Nothing to do: {} files are the same on both sides.", plan.unchanged);
    } else {
        for (kind, label) in KINDS {
            let (count, bytes) = plan.count(kind);
            if count > 0 {
                println!("{label:>14}: {count} files, {bytes} bytes");
            }
        }
        println!("{:>14}: {} files", "unchanged", plan.unchanged);
    }
    for (kind, label) in KINDS {
        for op in plan.ops.iter().filter(|op| op.kind == kind && (list_every_op || kind == OpKind::Conflict)) {
            match &op.from {
                Some(from) => println!("{label:<14} {}  ({} from {from})", op.path, op.reason.describe()),
                None => println!("{label:<14} {}  ({})", op.path, op.reason.describe()),
            }
        }
    }
    for note in &plan.notes {
        println!("note: {note}");
    }
    if let Some(reason) = &plan.blocked {
        eprintln!("Refused: {reason} (--allow-many-deletes)");
    }
}

#[cfg(test)]
mod tests {
    use super::remote;

    #[test]
    fn tells_remote_from_local() {
        assert!(remote("./data").is_none());
        assert!(remote("/home/me/data").is_none());
        assert!(remote(r"C:\data").is_none());
        assert!(remote("C:/data").is_none());
        assert!(matches!(remote("ovh:datasets/train"), Some(Ok(_))));
        assert!(matches!(remote(":datasets"), Some(Err(_))));
    }
}
