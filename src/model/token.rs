//! Personal access tokens: what their list shows (never the token), and
//! the one answer that carries a new token, once.

use serde::{Deserialize, Serialize};

/// Days a token may be made to last at most.
pub const TOKEN_DAYS_MAX: i64 = 3650;

/// A personal access token as its list shows it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// `bk_` and the first characters, to tell tokens apart.
    pub prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; `null`: never used.
    pub last_used_at: Option<i64>,
    /// Unix seconds; `null`: never expires.
    pub expires_at: Option<i64>,
}

/// `POST /api/tokens`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// Up to 64 characters, to tell it apart.
    pub name: String,
    /// 1 to 3650 days from now; never expires when left out.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// The answer of `POST /api/tokens`: the token itself, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub view: TokenView,
    /// The whole token (`bk_` and 43 letters and digits): send it as
    /// `Authorization: Bearer …`. It cannot be shown again.
    pub token: String,
}
