use serde::{Deserialize, Serialize};

/// What an account may do. The first account is `Admin`; later ones `User`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }
}

/// The signed-in account as every page and `GET /api/users/profile` see it.
/// Never carries the password hash: the server row type is separate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserProfile {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
    /// An admin chose this account's password: every page but the profile
    /// waits until the user picks their own.
    #[serde(default)]
    pub must_change_password: bool,
}

impl UserProfile {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Body of register/login answers: `{"id","username","role"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

impl From<&UserProfile> for SessionUser {
    fn from(p: &UserProfile) -> Self {
        SessionUser {
            id: p.id,
            username: p.username.clone(),
            role: p.role,
        }
    }
}
