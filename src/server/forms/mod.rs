//! Plain HTML form posts that server functions cannot take: repeated
//! fields (a backroom's participants) and file uploads. Each answers with a
//! redirect and a flash, like the server functions' forms.

pub mod composer;
pub mod fields;
mod knowledge;

use crate::error::AppError;
use crate::model::backroom::{GuardsInput, NewBackroom};
use crate::model::Flash;
use crate::server::actions::{agents, archive, backrooms};
use crate::server::auth::{caller::Caller, AuthSession};
use crate::server::flash::redirect_response;
use crate::server::rest::id::Id;
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/backrooms/new", post(new_backroom))
        .route(
            "/agents/new/avatar",
            post(new_agent_avatar).layer(DefaultBodyLimit::max(crate::server::rest::UPLOAD_LIMIT)),
        )
        .route(
            "/agents/{id}/avatar",
            post(avatar_form).layer(DefaultBodyLimit::max(crate::server::rest::UPLOAD_LIMIT)),
        )
        .route(
            "/chat/send",
            post(composer::send).layer(DefaultBodyLimit::max(composer::BODY_LIMIT)),
        )
        .route(
            "/agents/{id}/knowledge",
            post(knowledge::add).layer(DefaultBodyLimit::max(
                crate::server::services::attachments::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/agents/{id}/knowledge/{attachment_id}/remove",
            post(knowledge::remove),
        )
        .route(
            "/account/import",
            post(import_form).layer(DefaultBodyLimit::max(
                crate::server::rest::archive::BODY_LIMIT,
            )),
        )
}

/// The ticked agents in speaking order: by the position typed beside each
/// (`seat_{id}`, 1 to 8), those without one after, in the page's order.
fn speaking_order(
    ticked: Vec<i64>,
    seat: impl Fn(i64) -> Option<String>,
) -> Result<Vec<i64>, AppError> {
    let mut placed = Vec::with_capacity(ticked.len());
    for (i, id) in ticked.into_iter().enumerate() {
        let at = match seat(id) {
            None => u8::MAX,
            Some(v) => v
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=8).contains(n))
                .ok_or_else(|| {
                    AppError::invalid(
                        "participants",
                        "A speaking position is a number from 1 to 8.",
                    )
                })?,
        };
        placed.push((at, i, id));
    }
    placed.sort();
    Ok(placed.into_iter().map(|(_, _, id)| id).collect())
}

/// `POST /backrooms/new`: the New backroom form; participants are the
/// ticked `participants` boxes, in the speaking order set beside them.
pub async fn new_backroom(
    State(state): State<AppState>,
    auth: AuthSession,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let one = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let number = |name: &str| fields::whole(name, one(name).as_deref());
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        let participants = fields
            .iter()
            .filter(|(k, _)| k == "participants")
            .map(|(_, v)| v.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AppError::invalid("participants", "Pick agents from the list."))?;
        let participants = speaking_order(participants, |id| one(&format!("seat_{id}")))?;
        let stop_patterns = one("stop_patterns").map(|v| {
            v.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        let input = NewBackroom {
            title: one("title").unwrap_or_default(),
            scenario: one("scenario"),
            participants,
            turn_order: one("turn_order"),
            max_turns: number("max_turns")?.unwrap_or(0) as i32,
            min_turns: number("min_turns")?.map(|n| n as i32),
            stop_patterns: Some(stop_patterns.unwrap_or_default()).filter(|p| !p.is_empty()),
            token_budget: number("token_budget")?,
            guards: Some(GuardsInput {
                loop_overlap: number("loop_overlap")?,
                seat_token_cap: number("seat_token_cap")?,
                cost_cap_usd: fields::amount("cost_cap_usd", one("cost_cap_usd").as_deref())?,
            }),
        };
        backrooms::create(&state, &caller, input).await
    }
    .await;
    match result {
        Ok(b) => redirect_response(
            &format!("/backrooms/{}", b.id),
            Flash::notice("Backroom ready: press Start when you are."),
        ),
        Err(e) => {
            let keep: Vec<(&str, &str)> = fields
                .iter()
                .filter(|(k, _)| k != "participants")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            redirect_response(
                "/backrooms/new",
                Flash::error("backroom", e.field(), e.message()).with_values(&keep),
            )
        }
    }
}

/// The editor page's upload form (a plain multipart post, JavaScript or
/// not): back to the editor with the outcome.
pub async fn avatar_form(
    State(state): State<AppState>,
    auth: AuthSession,
    Id(id): Id,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let back = format!("/agents/{id}");
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        agents::may_set_avatar(&state, &caller, id).await?;
        let bytes = uploaded_image(form).await?;
        agents::set_avatar(&state, &caller, id, bytes).await
    }
    .await;
    let flash = match result {
        Ok(_) => Flash::notice("New avatar saved."),
        Err(e) => Flash::error("avatar", Some("avatar"), e.message()),
    };
    redirect_response(&back, flash)
}

/// The picture of an avatar upload form (field `avatar`).
async fn uploaded_image(
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Vec<u8>, AppError> {
    let form = form.map_err(|_| AppError::invalid("avatar", "Choose an image to upload."))?;
    crate::server::rest::agents::read_image(form).await
}

/// The new-agent page's upload form: the agent starts from the picture,
/// and its editor opens to name it.
pub async fn new_agent_avatar(
    State(state): State<AppState>,
    auth: AuthSession,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        let bytes = uploaded_image(form).await?;
        agents::create_with_avatar(&state, &caller, bytes).await
    }
    .await;
    match result {
        Ok(a) => redirect_response(
            &format!("/agents/{}", a.id),
            Flash::notice("Picture saved. Now name your agent and save it."),
        ),
        Err(e) => redirect_response(
            "/agents/new",
            Flash::error("avatar", Some("avatar"), e.message()),
        ),
    }
}

/// The profile page's import form: back to the profile with what was
/// imported, or why nothing was.
pub async fn import_form(
    State(state): State<AppState>,
    auth: AuthSession,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        let form =
            form.map_err(|_| AppError::invalid("file", "Choose an export file to import."))?;
        let bytes = crate::server::rest::archive::read_file(form).await?;
        archive::import(&state, &caller, bytes).await
    }
    .await;
    let flash = match result {
        Ok(summary) => Flash::notice(summary.sentence()),
        Err(e) => Flash::error(
            "import",
            Some("file"),
            format!("Nothing was imported. {}", e.message()),
        ),
    };
    redirect_response("/profile", flash)
}

#[cfg(test)]
mod tests {
    use super::speaking_order;

    #[test]
    fn positions_set_the_order_and_the_rest_follow_the_page() {
        let seats = |id: i64| match id {
            7 => Some("1".to_string()),
            5 => Some("2".to_string()),
            _ => None,
        };
        assert_eq!(
            speaking_order(vec![3, 5, 7, 9], seats).unwrap(),
            vec![7, 5, 3, 9]
        );
        assert_eq!(speaking_order(vec![3, 9], |_| None).unwrap(), vec![3, 9]);
        for bad in ["0", "9", "x", "-1"] {
            let e = speaking_order(vec![3], |_| Some(bad.to_string())).unwrap_err();
            assert_eq!(e.field(), Some("participants"), "{bad}");
        }
    }
}
