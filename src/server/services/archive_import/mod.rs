//! Imports an `Archive` into an account as new things: every id is new,
//! nothing the account has is changed, and it all happens in one
//! transaction after the whole archive was checked, so a bad archive adds
//! nothing. Timestamps are kept; a run that was going is imported paused.
//! Each part lives in a module of its own; every public item is
//! re-exported here.

mod account;
mod check;
mod fields;
mod parse;
mod write;

pub use check::check;
pub use parse::{parse, MAX_BYTES};
pub use write::import;
