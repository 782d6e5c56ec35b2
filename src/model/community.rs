//! Running the server for a community: the accounts an admin manages, the
//! registration modes and invitations, the audit log and a user's own
//! sessions.

use super::Role;
use serde::{Deserialize, Serialize};

/// Who may create an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Registration {
    /// Only existing accounts; an admin creates invitations to let more in.
    #[default]
    Closed,
    /// Only with an invitation link.
    Invite,
    /// Anyone who can reach the server.
    Open,
}

impl Registration {
    pub const ALL: [Registration; 3] = [
        Registration::Closed,
        Registration::Invite,
        Registration::Open,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Closed => "closed",
            Registration::Invite => "invite",
            Registration::Open => "open",
        }
    }

    pub fn parse(s: &str) -> Option<Registration> {
        Registration::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Registration::Closed => "Closed: only existing accounts can sign in.",
            Registration::Invite => {
                "By invitation: only people with an invitation link can create an account."
            }
            Registration::Open => "Open: anyone who can reach this server can create an account.",
        }
    }
}

/// Instance-wide settings as `GET /api/admin/settings` answers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminSettings {
    pub registration: Registration,
    /// `registration == open`, for the clients written before the modes.
    pub registration_open: bool,
    /// Accounts may add their own providers and keys (`/api/keys`).
    #[serde(default)]
    pub own_keys: bool,
    /// Own keys may reach loopback, private and link-local addresses (a
    /// household's own Ollama, say). Off, they are refused.
    #[serde(default)]
    pub own_keys_private_addresses: bool,
}

/// `PUT /api/admin/settings`: either field; `registration` wins when both
/// are given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettingsInput {
    #[serde(default)]
    pub registration: Option<Registration>,
    /// `true` is `registration: open`, `false` is `closed`.
    #[serde(default)]
    pub registration_open: Option<bool>,
    #[serde(default)]
    pub own_keys: Option<bool>,
    #[serde(default)]
    pub own_keys_private_addresses: Option<bool>,
}

/// One row of `/admin/users`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    /// An admin set the password; the user chooses their own at sign-in.
    pub must_change_password: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; `null` when none is recorded yet.
    pub last_active_at: Option<i64>,
    /// Chat threads it holds.
    pub threads: i64,
    /// Prompt and completion tokens of replies and turns since the first of
    /// this month (UTC).
    pub tokens_this_month: i64,
    /// The account's own limits over the defaults.
    #[serde(default)]
    pub limits: crate::model::usage::LimitsOverride,
}

/// Accounts on one page of `/admin/users`.
pub const ACCOUNTS_PAGE: i64 = 50;

/// A page of accounts, in creation order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountPage {
    pub accounts: Vec<Account>,
    /// Matching the search, over every page.
    pub total: i64,
    pub offset: i64,
    /// The offset of the next page, when there is one.
    pub next: Option<i64>,
}

/// `PUT /api/admin/users/{id}`: each field present is changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountChange {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// The user must replace it with their own at their next sign-in.
    #[serde(default)]
    pub new_password: Option<String>,
}

/// `DELETE /api/admin/users/{id}`: the account's username, typed again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountDelete {
    pub confirm: String,
}

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum InviteState {
    Usable,
    UsedUp,
    Expired,
    Revoked,
}

impl InviteState {
    pub fn label(self) -> &'static str {
        match self {
            InviteState::Usable => "Usable",
            InviteState::UsedUp => "Used up",
            InviteState::Expired => "Expired",
            InviteState::Revoked => "Revoked",
        }
    }
}

/// An invitation link and how far it has been used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invite {
    pub id: i64,
    /// The secret the link carries.
    pub token: String,
    /// The full `/register?invite=` link to hand out.
    pub link: String,
    /// Accounts it may create.
    pub max_uses: i32,
    /// Accounts it has created.
    pub uses: i32,
    /// Unix seconds; `null`: never expires.
    pub expires_at: Option<i64>,
    pub state: InviteState,
    /// The admin's username (`null` once that account is gone).
    pub created_by: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

/// `POST /api/admin/invites`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewInvite {
    /// 1 to 100; 1 when left out.
    #[serde(default)]
    pub max_uses: Option<i64>,
    /// 1 to 365 days from now; never expires when left out.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// What an admin did, as the audit log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AuditAction {
    Promote,
    Demote,
    Disable,
    Enable,
    SetPassword,
    DeleteAccount,
    EndSessions,
    CreateInvite,
    RevokeInvite,
    Settings,
    Limits,
    Backup,
}

impl AuditAction {
    pub const ALL: [AuditAction; 12] = [
        AuditAction::Promote,
        AuditAction::Demote,
        AuditAction::Disable,
        AuditAction::Enable,
        AuditAction::SetPassword,
        AuditAction::DeleteAccount,
        AuditAction::EndSessions,
        AuditAction::CreateInvite,
        AuditAction::RevokeInvite,
        AuditAction::Settings,
        AuditAction::Limits,
        AuditAction::Backup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Promote => "promote",
            AuditAction::Demote => "demote",
            AuditAction::Disable => "disable",
            AuditAction::Enable => "enable",
            AuditAction::SetPassword => "set_password",
            AuditAction::DeleteAccount => "delete_account",
            AuditAction::EndSessions => "end_sessions",
            AuditAction::CreateInvite => "create_invite",
            AuditAction::RevokeInvite => "revoke_invite",
            AuditAction::Settings => "settings",
            AuditAction::Limits => "limits",
            AuditAction::Backup => "backup",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Promote => "made admin",
            AuditAction::Demote => "made user",
            AuditAction::Disable => "disabled",
            AuditAction::Enable => "enabled",
            AuditAction::SetPassword => "set a new password for",
            AuditAction::DeleteAccount => "deleted",
            AuditAction::EndSessions => "ended every session of",
            AuditAction::CreateInvite => "created an invitation",
            AuditAction::RevokeInvite => "revoked an invitation",
            AuditAction::Settings => "changed settings",
            AuditAction::Limits => "changed the limits of",
            AuditAction::Backup => "downloaded a backup",
        }
    }
}

/// One audit log row: who, what, whom, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// The admin's username.
    pub actor: String,
    pub action: AuditAction,
    /// The account acted on, if any.
    pub target: Option<String>,
    /// Free text, e.g. `3 sessions`.
    pub detail: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// Up to 100 audit log entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the older entries.
    pub older: Option<i64>,
}

/// One of the caller's own sessions (never its secret id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// For `DELETE /api/sessions/{id}`.
    pub id: i64,
    /// "Firefox on Android", from the browser's User-Agent.
    pub browser: String,
    /// The client's IP address, when known.
    pub address: Option<String>,
    /// Unix seconds.
    pub first_seen_at: Option<i64>,
    /// Unix seconds.
    pub last_seen_at: Option<i64>,
    /// The session this request came with.
    pub current: bool,
}
