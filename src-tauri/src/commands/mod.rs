//! The commands the web view may call. Each parses its input, calls one
//! engine function and maps the error; logic lives in the crates.

pub mod desktop;
pub mod jobs;
pub mod profiles;
pub mod storage;
pub mod sync;
pub mod transfers;
pub mod volumes;
pub mod watched;
