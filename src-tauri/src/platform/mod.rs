//! What differs between Linux, macOS and Windows, one module per concern,
//! each behind `cfg`.

mod reveal;

pub use reveal::reveal;
