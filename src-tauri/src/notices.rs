//! OS notifications for what happens while the user looks elsewhere: a long
//! transfer ends, a watched folder needs attention.

use std::time::Duration;

use stowage_api::{App, Notify, Summary};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use stowage_api::TransferKind;

/// Transfers shorter than this end while the user is still watching.
const LONG_TRANSFER: Duration = Duration::from_secs(20);

fn notify(app: &AppHandle, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("no desktop notification: {e}");
    }
}

/// Whether the main window is in front of the user right now.
fn window_in_view(app: &AppHandle) -> bool {
    app.get_webview_window("main").is_some_and(|w| w.is_visible().unwrap_or(false) && w.is_focused().unwrap_or(false))
}

/// What the person chose to be told of (the default before the app is up).
fn chosen(app: &AppHandle) -> Notify {
    app.try_state::<std::sync::Arc<App>>().map_or_else(Notify::default, |s| s.notify())
}

/// A finished transfer is worth a notification, as chosen, when the window
/// is not in view: a long one, or (with `Failures`) one where files failed,
/// however short; a cancelled one never is (the person did it).
pub fn worth_telling(notify: Notify, took: Duration, in_view: bool, summary: &Summary) -> bool {
    let failed = !summary.failed.is_empty();
    let wanted = match notify {
        Notify::Finished => took >= LONG_TRANSFER || failed,
        Notify::Failures => failed,
        Notify::Never => false,
    };
    wanted && !summary.cancelled && !in_view
}

/// "Upload finished" / "Upload finished with 3 failures", and where to.
pub fn transfer_text(kind: TransferKind, destination: &str, summary: &Summary) -> (String, String) {
    let what = match kind {
        TransferKind::Upload => "Upload",
        TransferKind::Download => "Download",
        TransferKind::Sync => "Sync",
    };
    let title = match summary.failed.len() {
        0 => format!("{what} finished"),
        1 => format!("{what} finished with 1 failure"),
        n => format!("{what} finished with {n} failures"),
    };
    let files = summary.uploaded + summary.replaced + summary.downloaded;
    let body = format!("{files} {} to {destination}", if files == 1 { "file" } else { "files" });
    (title, body)
}

pub fn transfer_finished(app: &AppHandle, kind: TransferKind, destination: &str, took: Duration, summary: &Summary) {
    if worth_telling(chosen(app), took, window_in_view(app), summary) {
        let (title, body) = transfer_text(kind, destination, summary);
        notify(app, &title, &body);
    }
}

/// A watched folder just went to its error state.
pub fn watch_failed(app: &AppHandle, folder: &str, reason: &str) {
    if chosen(app) != Notify::Never {
        notify(app, "A watched folder needs attention", &format!("{folder}: {reason}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_uncancelled_transfers_out_of_view_are_told() {
        let done = Summary::default();
        let long = LONG_TRANSFER + Duration::from_secs(1);
        let finished = Notify::Finished;
        assert!(worth_telling(finished, long, false, &done));
        assert!(!worth_telling(finished, long, true, &done), "the user is looking at the window");
        assert!(!worth_telling(finished, Duration::from_secs(3), false, &done), "short transfers end in view");
        let cancelled = Summary { cancelled: true, ..Summary::default() };
        assert!(!worth_telling(finished, long, false, &cancelled), "the user cancelled it");
    }

    #[test]
    fn failures_are_told_however_short_and_never_means_never() {
        let short = Duration::from_secs(1);
        let failed = Summary { failed: vec![("a".into(), "x".into())], ..Summary::default() };
        let long = LONG_TRANSFER + Duration::from_secs(1);
        assert!(worth_telling(Notify::Finished, short, false, &failed));
        assert!(worth_telling(Notify::Failures, short, false, &failed));
        assert!(!worth_telling(Notify::Failures, long, false, &Summary::default()), "a success is not told");
        assert!(!worth_telling(Notify::Never, long, false, &failed));
    }

    #[test]
    fn the_text_counts_files_and_failures() {
        let summary = Summary {
            uploaded: 1200,
            failed: vec![("a".into(), "x".into()), ("b".into(), "y".into())],
            ..Summary::default()
        };
        let (title, body) = transfer_text(TransferKind::Upload, "datasets/raw/", &summary);
        assert_eq!(title, "Upload finished with 2 failures");
        assert_eq!(body, "1200 files to datasets/raw/");
        let one = Summary { downloaded: 1, ..Summary::default() };
        assert_eq!(
            transfer_text(TransferKind::Download, "/data", &one),
            ("Download finished".into(), "1 file to /data".into())
        );
    }
}
