//! Personal access tokens: what their list shows (never the token), and
//! the one answer that carries a new token, once.

use serde::{Deserialize, Serialize};

/// Days a token may be made to last at most.
pub const TOKEN_DAYS_MAX: i64 = 3650;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// `bk_` and the first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// `None`: never expires.
    pub expires_at: Option<i64>,
}

/// `POST /api/tokens`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// The answer of `POST /api/tokens`: the token itself, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub view: TokenView,
    pub token: String,
}
