//! Instance-wide switches (admins only, checked here).

use crate::error::AppError;
use crate::model::AdminSettings;
use crate::server::auth::caller::Caller;
use crate::server::services::settings;
use crate::server::state::AppState;

pub async fn settings(state: &AppState, caller: &Caller) -> Result<AdminSettings, AppError> {
    caller.ensure_admin()?;
    state.db.run(settings::admin_settings).await
}

pub async fn save_settings(
    state: &AppState,
    caller: &Caller,
    input: AdminSettings,
) -> Result<AdminSettings, AppError> {
    caller.ensure_admin()?;
    state
        .db
        .run(move |c| settings::update_admin_settings(c, &input))
        .await
}
