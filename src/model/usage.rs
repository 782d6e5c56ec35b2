//! Usage, cost and limits as the API and the pages show them.

use serde::{Deserialize, Serialize};

/// Limits of one account; `null` is "no limit".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Limits {
    #[serde(default)]
    pub tokens_per_day: Option<i64>,
    #[serde(default)]
    pub tokens_per_month: Option<i64>,
    /// USD.
    #[serde(default)]
    pub cost_per_month: Option<f64>,
    /// Replies and backroom turns being written at once.
    #[serde(default)]
    pub concurrent: Option<i64>,
    /// Replies and turns started in any minute.
    #[serde(default)]
    pub requests_per_minute: Option<i64>,
}

/// An account's overrides: a field present (even `null`) replaces the
/// default; a field left out follows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LimitsOverride {
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub tokens_per_day: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub tokens_per_month: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_per_month: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub concurrent: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub requests_per_minute: Option<Option<i64>>,
}

impl LimitsOverride {
    /// The defaults with these overrides applied.
    pub fn apply_to(&self, d: &Limits) -> Limits {
        Limits {
            tokens_per_day: self.tokens_per_day.unwrap_or(d.tokens_per_day),
            tokens_per_month: self.tokens_per_month.unwrap_or(d.tokens_per_month),
            cost_per_month: self.cost_per_month.unwrap_or(d.cost_per_month),
            concurrent: self.concurrent.unwrap_or(d.concurrent),
            requests_per_minute: self.requests_per_minute.unwrap_or(d.requests_per_minute),
        }
    }
}

/// `GET /api/admin/users/{id}/limits`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountLimits {
    /// The account's own settings (fields left out follow the defaults).
    pub overrides: LimitsOverride,
    /// The defaults with the overrides applied.
    pub effective: Limits,
}

/// Which limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LimitKind {
    TokensPerDay,
    TokensPerMonth,
    CostPerMonth,
    Concurrent,
    RequestsPerMinute,
}

impl LimitKind {
    pub fn label(self) -> &'static str {
        match self {
            LimitKind::TokensPerDay => "Tokens today",
            LimitKind::TokensPerMonth => "Tokens this month",
            LimitKind::CostPerMonth => "Cost this month",
            LimitKind::Concurrent => "Replies at once",
            LimitKind::RequestsPerMinute => "Replies per minute",
        }
    }
}

/// One limit of the caller with what is used and when it resets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LimitUse {
    pub kind: LimitKind,
    /// Tokens, USD or replies, as `kind` says.
    pub limit: f64,
    pub used: f64,
    /// Unix seconds; `null` for the concurrency limit (it frees as replies end).
    pub resets_at: Option<i64>,
}

/// `GET /api/limits`: only the limits that apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyLimits {
    pub limits: Vec<LimitUse>,
}

/// How `GET /api/usage` groups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum UsageGroup {
    #[default]
    Day,
    Model,
    User,
}

/// One group of a usage report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsageRow {
    /// `2026-12-01`, a model id or a username (`total` in the total).
    pub key: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Replies and backroom turns.
    pub replies: i64,
    /// USD.
    pub cost: f64,
    /// Of these tokens, those spent on the account's own keys (shown,
    /// never counted against its quotas).
    #[serde(default)]
    pub own_key_tokens: i64,
}

/// `GET /api/usage`: tokens and cost over some days, grouped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// Inclusive, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Inclusive, `YYYY-MM-DD` (UTC).
    pub to: String,
    pub group: UsageGroup,
    pub rows: Vec<UsageRow>,
    pub total: UsageRow,
}
