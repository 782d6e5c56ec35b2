//! The caller's whole account out (one JSON archive) and back in (added
//! to the account, nothing overwritten).

use super::as_caller;
use crate::error::AppError;
use crate::model::archive::{Archive, ImportSummary};
use crate::server::auth::caller::Caller;
use crate::server::services::{archive_export, archive_import};
use crate::server::state::AppState;

pub async fn export(state: &AppState, caller: &Caller) -> Result<Archive, AppError> {
    as_caller(state, caller, archive_export::export).await
}

/// An archive's bytes (at most `archive_import::MAX_BYTES`), checked whole
/// before anything is written.
pub async fn import(
    state: &AppState,
    caller: &Caller,
    bytes: Vec<u8>,
) -> Result<ImportSummary, AppError> {
    let archive = archive_import::parse(&bytes)?;
    drop(bytes);
    as_caller(state, caller, move |c, uid| {
        archive_import::import(c, uid, &archive)
    })
    .await
}
