//! Asking a person what to do when an upload meets a different object of
//! the same name ([`Existing::Ask`]). One question at a time per transfer:
//! a second conflict waits for the first answer, which may be "for all".

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::engine::Existing;

/// A key that holds a different object than the file about to go there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub key: String,
    /// The file on this computer.
    pub path: String,
    pub local_size: u64,
    pub remote_size: u64,
    /// When the object there was last written, ms since the Unix epoch.
    pub remote_modified_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// Overwrite, Skip or KeepBoth; Ask is taken as Skip.
    pub choice: Existing,
    /// The same for every later conflict of this transfer.
    pub for_all: bool,
}

/// Whoever can answer: the window, through an event and a command.
#[async_trait]
pub trait AskConflict: Send + Sync + std::fmt::Debug {
    /// The answer, or `None` when nobody will answer (the object is kept).
    async fn ask(&self, conflict: Conflict) -> Option<Answer>;
}

/// The questions of one transfer: asked one by one, "for all" remembered.
pub(crate) struct Questions {
    asker: Option<Arc<dyn AskConflict>>,
    for_all: tokio::sync::Mutex<Option<Existing>>,
}

impl Questions {
    pub(crate) fn new(asker: Option<Arc<dyn AskConflict>>) -> Self {
        Self { asker, for_all: tokio::sync::Mutex::new(None) }
    }

    /// What to do with this conflict: never `Ask`, and `Skip` when nobody answers.
    pub(crate) async fn decide(&self, conflict: Conflict) -> Existing {
        // Held while the question is open, so the next one sees a "for all".
        let mut for_all = self.for_all.lock().await;
        if let Some(choice) = *for_all {
            return choice;
        }
        let Some(asker) = &self.asker else { return Existing::Skip };
        let Some(answer) = asker.ask(conflict).await else { return Existing::Skip };
        let choice = match answer.choice {
            Existing::Ask => Existing::Skip,
            other => other,
        };
        if answer.for_all {
            *for_all = Some(choice);
        }
        choice
    }
}
