//! The OpenAPI 3.1 document of the REST API and `/v1`, served at
//! `/api/openapi.json`, and its viewer at `/api/docs` (Swagger UI, shipped
//! in `public/api-docs/` from npm's `swagger-ui-dist`: nothing is fetched
//! from elsewhere). The paths come from the handlers' own `#[utoipa::path]`
//! attributes and their types; this module holds what they share.

use crate::error::ErrorBody;
use crate::server::auth::SESSION_COOKIE;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Response};
use utoipa::{IntoResponses, Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Backrooms API",
        description = "The REST API the pages use, and `/v1`, which speaks the OpenAI and \
Anthropic wire formats. Sign in with the session cookie (`POST /api/auth/login`) or send a \
personal access token from Profile › Access tokens as `Authorization: Bearer bk_…`. Cookie \
requests that write must come from this site's own pages (`Origin` checked); token requests \
need no such check.",
        license(name = "MIT")
    ),
    modifiers(&Schemes),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "auth", description = "Creating an account, signing in and out"),
        (name = "profile", description = "The signed-in account, its sessions and access tokens"),
        (name = "chat", description = "Sending messages and following replies"),
        (name = "threads", description = "Conversations: list, read, rename, share, export"),
        (name = "agents", description = "Agents: a name, a model, a system prompt and settings"),
        (name = "backrooms", description = "Agents talking to each other on the server"),
        (name = "library", description = "Notes, folders, tags, saved prompts and search"),
        (name = "archive", description = "Exporting and importing a whole account"),
        (name = "keys", description = "Your own provider keys (when the admin allows them)"),
        (name = "usage", description = "Tokens, cost and limits"),
        (name = "config", description = "Providers and models (admin)"),
        (name = "admin", description = "Accounts, invitations, settings, audit log, backups (admin)"),
        (name = "v1", description = "OpenAI- and Anthropic-compatible endpoints for existing clients"),
    ),
    components(schemas(ErrorBody))
)]
struct Base;

/// The document before any path is added: title, security schemes, tags.
pub fn base() -> utoipa::openapi::OpenApi {
    Base::openapi()
}

struct Schemes;

impl Modify for Schemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("bk_ followed by 43 letters and digits")
                    .description(Some(
                        "A personal access token (Profile › Access tokens, or POST /api/tokens).",
                    ))
                    .build(),
            ),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The cookie POST /api/auth/login sets.",
            ))),
        );
        c.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-api-key",
                "A personal access token, as Anthropic's clients send it (/v1/messages).",
            ))),
        );
    }
}

/// utoipa names an operation after its function (`list`, `create`, ...),
/// which repeats across modules; generated clients need each name once, so
/// every operation is named for its method and path instead:
/// `get_notes_by_id` for `GET /api/notes/{id}`, `post_v1_messages`.
pub fn name_operations(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let words: Vec<String> = path
            .trim_start_matches("/api")
            .split(['/', '-', '.'])
            .filter(|w| !w.is_empty())
            .map(
                |w| match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(param) => format!("by_{param}"),
                    None => w.to_string(),
                },
            )
            .collect();
        let ops = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                op.operation_id = Some(format!("{method}_{}", words.join("_")));
            }
        }
    }
}

/// The failures every `/api` route may answer, each with an [`ErrorBody`].
pub struct Failures;

impl IntoResponses for Failures {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [
            (
                "400",
                "Bad input: the message says what, `field` names the input",
            ),
            (
                "401",
                "Not signed in, an unknown or revoked token, or a disabled account",
            ),
            (
                "403",
                "Not allowed: not an admin, or a cookie write from another site",
            ),
            ("404", "Absent, or someone else's"),
            (
                "429",
                "Too many requests or over a usage limit; see `retry_after`",
            ),
        ]
        .into_iter()
        .map(|(status, why)| {
            let response = ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
    }
}

/// `/api/openapi.json` (rendered once, at boot) and `/api/docs`.
pub fn routes(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let json = Bytes::from(doc.to_pretty_json().unwrap_or_else(|e| {
        tracing::error!("cannot render the OpenAPI document: {e}");
        "{}".into()
    }));
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route("/api/docs", get(docs))
}

/// Swagger UI over the document; its files ship in `public/api-docs/`.
async fn docs() -> impl IntoResponse {
    Html(include_str!("openapi_docs.html"))
}
