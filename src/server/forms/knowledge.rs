//! An agent's knowledge shelf from its editor page, as plain forms: upload
//! a document onto the shelf, take one off. Back to the editor with the
//! outcome.

use crate::error::AppError;
use crate::model::Flash;
use crate::server::actions::attachments;
use crate::server::auth::{caller::Caller, AuthSession};
use crate::server::flash::redirect_response;
use crate::server::rest::upload::file_field;
use crate::server::services::attachments::DOCUMENT_MAX;
use crate::server::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

fn back(agent: i64) -> String {
    format!("/agents/{agent}#knowledge")
}

fn number(s: &str) -> Result<i64, AppError> {
    s.parse().map_err(|_| AppError::not_found("No such agent."))
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge {
        message: format!(
            "A document is larger than {} MB.",
            DOCUMENT_MAX / 1024 / 1024
        ),
    }
}

/// `POST /agents/{id}/knowledge`: the chosen document (field `file`)
/// uploaded and put on the shelf; if the shelf refuses it, the upload is
/// removed again.
pub async fn add(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(agent): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let agent = number(&agent)?;
        let caller = Caller::signed_in(&auth)?;
        // The shelf is its owner's: 404 before anything is stored.
        attachments::knowledge(&state, &caller, agent).await?;
        let form = form.map_err(|_| AppError::invalid("file", "Choose a document to add."))?;
        let (name, bytes) = file_field(form, |f| f.name() == Some("file"), DOCUMENT_MAX, too_large)
            .await?
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| AppError::invalid("file", "Choose a document to add."))?;
        let file = attachments::upload(&state, &caller, name.clone(), bytes).await?;
        if let Err(e) = attachments::shelve(&state, &caller, agent, file.id).await {
            if let Err(gone) = attachments::delete(&state, &caller, file.id).await {
                tracing::warn!(
                    attachment.id = file.id,
                    "could not remove a refused upload: {gone}"
                );
            }
            return Err(e);
        }
        Ok((agent, name))
    }
    .await;
    match result {
        Ok((agent, name)) => redirect_response(
            &back(agent),
            Flash::notice(format!("{name} is on the shelf.")),
        ),
        Err(e) => redirect_response(
            &back(number(&agent).unwrap_or_default()),
            Flash::error("knowledge", Some("file"), e.message()),
        ),
    }
}

/// `POST /agents/{id}/knowledge/{attachment_id}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    auth: AuthSession,
    Path((agent, file)): Path<(String, String)>,
) -> Response {
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        attachments::unshelve(&state, &caller, number(&agent)?, number(&file)?).await
    }
    .await;
    let flash = match result {
        Ok(()) => Flash::notice("Taken off the shelf."),
        Err(e) => Flash::error("knowledge", None, e.message()),
    };
    redirect_response(&back(number(&agent).unwrap_or_default()), flash)
}
