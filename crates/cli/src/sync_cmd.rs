//! `stowage sync [--dry-run] [--mode push|pull|copy] SRC DST`: one side is a
//! local folder, the other `PROFILE:CONTAINER/PREFIX`; the order says the
//! direction. The plan is printed first (or only, with --dry-run; as JSON
//! with --json), then applied with a progress bar.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde::Serialize;
use stowage_api::App;
use stowage_api::{Compare, Direction, Mode, OpKind, SyncPlan, SyncTarget};

use crate::location::Location;

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
    /// Leave out paths matching this .gitignore pattern (repeatable; `.stowageignore` files add more).
    #[arg(long, value_name = "PATTERN")]
    exclude: Vec<String>,
    /// Consider only paths matching this .gitignore pattern (repeatable).
    #[arg(long, value_name = "PATTERN")]
    include: Vec<String>,
    /// Copy objects a push deletes under this prefix first (like ovhai's --trash).
    #[arg(long, value_name = "PREFIX")]
    backup_prefix: Option<String>,
    /// Allow a plan that deletes more than half of the destination or more than 1,000 files.
    #[arg(long)]
    allow_many_deletes: bool,
    /// Follow links that lead out of the folder (as rclone's --copy-links). Without it they are
    /// left out, and nothing is deleted while one is.
    #[arg(long)]
    copy_links: bool,
    #[command(flatten)]
    pub transfer: crate::TransferArgs,
    /// The storage class of the objects a push writes. Default: the container's, else the service's.
    #[arg(long, value_name = "CLASS")]
    storage_class: Option<String>,
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

/// The target the arguments describe; the order of the two says the direction.
fn target_of(args: &SyncArgs, app: &App) -> Result<SyncTarget, String> {
    let (folder, location, direction) = match (remote(&args.source), remote(&args.destination)) {
        (None, Some(dst)) => (&args.source, dst?, Direction::Up),
        (Some(src), None) => (&args.destination, src?, Direction::Down),
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
    Ok(SyncTarget {
        folder: folder.clone(),
        profile: location.profile_in(app),
        container: location.container,
        prefix: location.prefix,
        mode,
        direction,
        compare: if args.checksum { Compare::Checksum } else { Compare::default() },
        includes: args.include.clone(),
        excludes: args.exclude.clone(),
        backup_prefix: args.backup_prefix.clone(),
        follow_links: args.copy_links,
    })
}

pub async fn run(args: SyncArgs, app: &Arc<App>) -> Result<ExitCode, String> {
    let target = target_of(&args, app)?;
    let preview = app.plan_sync(&target, args.allow_many_deletes, 0).await?;
    app.with_plan(preview.plan_id, |plan| {
        if args.json {
            let shown = Shown { mode: target.mode, direction: target.direction(), plan };
            // Written as it is read: a plan of a million operations is not built in memory first.
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &shown).map_err(|e| e.to_string())?;
            writeln!(out).map_err(|e| e.to_string())
        } else {
            print_plan(plan, args.dry_run);
            Ok(())
        }
    })??;
    if preview.plan.blocked.is_some() {
        return Ok(ExitCode::from(BLOCKED));
    }
    if args.dry_run || preview.counts.iter().all(|c| c.kind == OpKind::Conflict) {
        return Ok(ExitCode::SUCCESS);
    }
    let class = crate::share_cmd::checked_class(app, &target.profile, args.storage_class.clone())?;
    let started = app.apply_sync(preview.plan_id, class).await?;
    let summary = crate::terminal::follow(app, started).await?;
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
    // A pass over the operations for each kind printed, and only for those the plan has.
    let printed = |kind: OpKind| (list_every_op || kind == OpKind::Conflict) && plan.count(kind).0 > 0;
    for (kind, label) in KINDS.into_iter().filter(|(kind, _)| printed(*kind)) {
        for op in plan.ops.iter().filter(|op| op.kind == kind) {
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
