//! The chat composer as a plain multipart form (no JavaScript): the
//! message, its options and the chosen files. Each file is uploaded as it
//! is read (one in memory at a time), then the message goes out with them
//! through the same action as every other send. A refused send goes back
//! to the composer with the text and the files kept for the next try.

use crate::error::AppError;
use crate::model::chat::{thread_link, ChatSend};
use crate::model::Flash;
use crate::server::actions::{attachments, chat};
use crate::server::auth::{caller::Caller, AuthSession};
use crate::server::flash::redirect_response;
use crate::server::rest::upload::{field_bytes, unreadable};
use crate::server::services::attachments::{ids_of, DOCUMENT_MAX, PER_MESSAGE, UPLOAD_LIMIT};
use crate::server::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// The largest composer post: ten files at their largest, and the text.
pub const BODY_LIMIT: usize = PER_MESSAGE * UPLOAD_LIMIT + 256 * 1024;
/// A text field's largest size (the message is at most 100 000 characters).
const TEXT_MAX: usize = 512 * 1024;
/// The text fields the composer sends; any other field is refused.
const FIELDS: [&str; 6] = [
    "content",
    "model_id",
    "temperature",
    "max_tokens",
    "thread_id",
    "agent_id",
];

/// What the form carried.
#[derive(Default)]
struct Posted {
    text: HashMap<String, String>,
    /// Uploads to send, in order: those kept from a refused try, then the
    /// files chosen now.
    files: Vec<i64>,
}

impl Posted {
    fn text(&self, name: &str) -> Option<&str> {
        self.text
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, AppError> {
        self.text(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::invalid(name, format!("{name} is not a number.")))
            })
            .transpose()
    }

    fn kept(&self) -> String {
        self.files
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge {
        message: format!(
            "A file is larger than {} MB, or the files together are too large to send at once.",
            DOCUMENT_MAX / 1024 / 1024
        ),
    }
}

/// Reads the form; each chosen file is uploaded as the caller's as soon as
/// it is read. A file that cannot be taken stops the reading with an error
/// naming it; what was uploaded before stays in `posted.files`.
async fn read(
    state: &AppState,
    caller: &Caller,
    mut form: Multipart,
    posted: &mut Posted,
) -> Result<(), AppError> {
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| unreadable(e, too_large))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field_bytes(&mut field, DOCUMENT_MAX, too_large).await?;
            // A file input left empty still sends an empty, unnamed part.
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if posted.files.len() >= PER_MESSAGE {
                return Err(AppError::invalid(
                    "attachments",
                    format!("A message takes at most {PER_MESSAGE} files; the first {PER_MESSAGE} are kept."),
                ));
            }
            let view = attachments::upload(state, caller, file_name.clone(), bytes)
                .await
                .map_err(|e| with_file_name(e, &file_name))?;
            posted.files.push(view.id);
        } else {
            if name != "attachments" && !FIELDS.contains(&name.as_str()) {
                return Err(AppError::bad_request(format!(
                    "The message form has no field {:?}.",
                    name.chars().take(40).collect::<String>()
                )));
            }
            let bytes = field_bytes(&mut field, TEXT_MAX, too_large).await?;
            let value = String::from_utf8(bytes)
                .map_err(|_| AppError::invalid(&name, "The form was not sent as UTF-8."))?;
            if name == "attachments" {
                // Uploads of this account (kept from a refused try, or
                // uploaded by the page's scripts); `send` checks each.
                for id in ids_of(&value)? {
                    if !posted.files.contains(&id) {
                        posted.files.push(id);
                    }
                }
            } else {
                posted.text.insert(name, value);
            }
        }
    }
    Ok(())
}

/// The upload error, naming the file it is about.
fn with_file_name(e: AppError, file: &str) -> AppError {
    let file = if file.is_empty() { "A file" } else { file };
    match e {
        AppError::PayloadTooLarge { message } => AppError::PayloadTooLarge {
            message: format!("{file}: {message}"),
        },
        e => AppError::invalid("attachments", format!("{file}: {}", e.message())),
    }
}

/// `POST /chat/send`: sends the message with its files and opens the
/// thread; or back to the composer with the error, the text and the
/// uploaded files kept.
pub async fn send(
    State(state): State<AppState>,
    auth: AuthSession,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let mut posted = Posted::default();
    let result = async {
        let caller = Caller::signed_in(&auth)?;
        let form = form.map_err(|_| {
            AppError::bad_request("The message could not be read as multipart/form-data.")
        })?;
        read(&state, &caller, form, &mut posted).await?;
        let send = ChatSend {
            thread_id: 0,
            content: posted.text.get("content").cloned().unwrap_or_default(),
            model_id: posted.number("model_id")?,
            temperature: posted.number("temperature")?,
            // The slider's 0 means "the model's default".
            max_tokens: posted.number::<i32>("max_tokens")?.filter(|n| *n > 0),
            attachments: posted.files.clone(),
        };
        let thread = posted.number::<i64>("thread_id")?;
        let agent = posted.number::<i64>("agent_id")?;
        chat::send_from_composer(&state, &caller, thread, agent, send).await
    }
    .await;
    match result {
        Ok(sent) => Redirect::to(&thread_link(sent.thread_id)).into_response(),
        Err(e) => {
            let back = match (
                posted.number::<i64>("thread_id"),
                posted.number::<i64>("agent_id"),
            ) {
                (Ok(Some(id)), _) => thread_link(id),
                (_, Ok(Some(agent))) => format!("/?new=1&agent={agent}"),
                _ => "/?new=1".to_string(),
            };
            let typed = posted.text.get("content").cloned().unwrap_or_default();
            let message = match posted.files.len() {
                0 => e.message().to_string(),
                n => format!(
                    "{} Nothing was sent; the {n} file(s) you attached are kept for the next try.",
                    e.message()
                ),
            };
            redirect_response(
                &back,
                Flash::error("composer", None, message)
                    .with_values(&[("content", &typed), ("attachments", &posted.kept())]),
            )
        }
    }
}
