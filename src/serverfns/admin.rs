//! Admin switches used by the admin page.

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "set_registration")]
pub async fn set_registration(open: bool) -> Result<(), AppError> {
    use crate::model::{AdminSettings, Flash};
    use crate::server::{actions::admin, flash};
    use crate::text::notice;
    let input = AdminSettings {
        registration_open: open,
    };
    let saved = match crate::serverfns::support::admin().await {
        Ok((state, caller)) => admin::save_settings(&state, &caller, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => flash::redirect("/admin", Flash::notice(notice::SETTINGS_SAVED)),
        Err(e) => flash::redirect(
            "/admin",
            Flash::error("settings", None, notice::sentence(&e)),
        ),
    }
    Ok(())
}
