//! stowage-jobs: the volumes an OVHcloud AI Training job or notebook mounts.
//! The model and the ovhai `--volume` codec ([`volume`]), the API JSON
//! ([`api`]), checks ([`check`]), storage estimates ([`survey`]), the
//! `ovhai job run` line ([`command`]), saved volume sets ([`sets`]), and
//! the AI Training API client ([`training`]).

pub mod api;
pub mod check;
pub mod command;
pub mod sets;
pub mod survey;
pub mod training;
pub mod volume;

pub use volume::{ParseError, Permission, Source, Volume};
