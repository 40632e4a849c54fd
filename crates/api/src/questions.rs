//! Conflicts an upload asks about ([`Existing::Ask`]): the question goes to
//! the observer (the window shows it), the answer comes back through
//! [`App::answer_conflict`]. A window opened later finds the open ones with
//! [`App::open_questions`], so no upload waits on a question nobody sees.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use async_trait::async_trait;
use stowage_sync::{Answer, AskConflict, Conflict};
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::App;

/// The one open question of each transfer that has one.
#[derive(Debug, Default)]
pub(crate) struct Questions(Mutex<HashMap<u32, (Conflict, oneshot::Sender<Answer>)>>);

impl Questions {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u32, (Conflict, oneshot::Sender<Answer>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The transfer ended: its question, if any, has no one left to wait.
    pub(crate) fn forget(&self, transfer: u32) {
        self.open().remove(&transfer);
    }
}

/// Asks for the transfer `id` through the app's observer.
#[derive(Debug)]
pub(crate) struct AskObserver {
    pub(crate) app: Weak<App>,
    pub(crate) id: u32,
}

#[async_trait]
impl AskConflict for AskObserver {
    async fn ask(&self, conflict: Conflict) -> Option<Answer> {
        let app = self.app.upgrade()?;
        let (tx, rx) = oneshot::channel();
        app.questions.open().insert(self.id, (conflict.clone(), tx));
        if !app.observer.conflict(self.id, &conflict) {
            app.questions.forget(self.id);
            return None;
        }
        drop(app);
        rx.await.ok()
    }
}

impl App {
    /// Answers the open question of the transfer `id`.
    pub fn answer_conflict(&self, id: u32, answer: Answer) -> Result<()> {
        let open = self.questions.open().remove(&id);
        let (_, reply) = open.ok_or_else(|| Error::not_found("That question was already answered."))?;
        // The transfer may have been cancelled meanwhile: then nothing waits.
        let _ = reply.send(answer);
        Ok(())
    }

    /// The questions waiting for an answer, by transfer.
    pub fn open_questions(&self) -> Vec<(u32, Conflict)> {
        let mut open: Vec<_> = self.questions.open().iter().map(|(id, (c, _))| (*id, c.clone())).collect();
        open.sort_by_key(|(id, _)| *id);
        open
    }

    pub(crate) fn asker(self: &Arc<Self>, id: u32) -> Arc<dyn AskConflict> {
        Arc::new(AskObserver { app: Arc::downgrade(self), id })
    }
}
