//! The profile's "Access tokens": make one (shown once, on the page the
//! form comes back to), list them, revoke one.

use crate::error::AppError;
use crate::model::token::TokenView;
use leptos::prelude::*;

/// Where the forms come back to, and the flash's form name.
#[cfg(feature = "ssr")]
const BACK: &str = "/profile#tokens";
pub const FORM: &str = "tokens";

#[server(prefix = "/fn", endpoint = "tokens")]
pub async fn load_tokens() -> Result<Vec<TokenView>, AppError> {
    let (state, caller) = crate::serverfns::support::caller().await?;
    crate::server::actions::tokens::list(&state, &caller).await
}

/// The new token rides back in the one-shot flash cookie (`HttpOnly`, two
/// minutes, cleared once shown): the page shows it this once.
#[server(prefix = "/fn", endpoint = "tokens/create")]
pub async fn create_token(name: String, expires_in_days: Option<String>) -> Result<(), AppError> {
    use crate::model::token::NewToken;
    use crate::model::Flash;
    let done = async {
        let expires_in_days = match expires_in_days.as_deref().map(str::trim) {
            None | Some("") | Some("never") => None,
            Some(d) => Some(d.parse::<i64>().map_err(|_| {
                AppError::invalid("expires_in_days", "Choose how many days it lasts.")
            })?),
        };
        let (state, caller) = crate::serverfns::support::caller().await?;
        let input = NewToken {
            name: name.clone(),
            expires_in_days,
        };
        crate::server::actions::tokens::create(&state, &caller, input).await
    }
    .await;
    let flash = match done {
        Ok(made) => {
            let mut f = Flash::notice(format!(
                "Token {} created. Copy it now: it is not shown again.",
                made.view.name
            ))
            .with_values(&[("token", &made.token)]);
            f.form = Some(FORM.to_string());
            f
        }
        Err(e) => Flash::error(FORM, e.field(), e.message()).with_values(&[("name", &name)]),
    };
    crate::server::flash::redirect(BACK, flash);
    Ok(())
}

#[server(prefix = "/fn", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    use crate::model::Flash;
    let done = async {
        let (state, caller) = crate::serverfns::support::caller().await?;
        crate::server::actions::tokens::revoke(&state, &caller, id).await
    }
    .await;
    let flash = match done {
        Ok(()) => Flash::notice("Token revoked: it no longer works."),
        Err(e) => Flash::error(FORM, None, e.message()),
    };
    crate::server::flash::redirect(BACK, flash);
    Ok(())
}
