//! Admin switches used by the admin page.

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "set_registration")]
pub async fn set_registration(open: bool) -> Result<(), AppError> {
    use super::account::{auth, state};
    use crate::model::AdminSettings;
    use crate::server::{auth::caller::Caller, services::settings};
    use crate::text::notice;
    let state = state()?;
    let session = auth().await?;
    if let Err(e) = Caller::signed_in(&session).and_then(Caller::admin) {
        leptos_axum::redirect(&format!("/admin?error={}", notice::code_for(&e)));
        return Ok(());
    }
    let saved = state
        .db
        .run(move |conn| {
            settings::update_admin_settings(
                conn,
                &AdminSettings {
                    registration_open: open,
                },
            )
        })
        .await;
    match saved {
        Ok(_) => leptos_axum::redirect("/admin?notice=settings_saved"),
        Err(e) => leptos_axum::redirect(&format!("/admin?error={}", notice::code_for(&e))),
    }
    Ok(())
}
