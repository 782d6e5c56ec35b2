//! The usage ledger: each finished reply or turn adds its tokens (and cost,
//! from its model's price at that moment) to its account's row for the
//! day and model. Quota checks and reports read these rows, never the
//! messages.

use crate::error::AppError;
use crate::model::usage::{UsageGroup, UsageReport, UsageRow};
use crate::server::db::Conn;
use crate::server::db::{
    schema::messages, schema::provider_models, schema::providers, schema::threads,
    schema::usage_days, schema::users,
};
use diesel::prelude::*;

pub const DAY: i64 = 86_400;
/// Longest report: a little over a year of days.
pub const REPORT_DAYS_MAX: i64 = 400;

/// Billionths of a USD for these tokens at these prices (USD per
/// million): exact for prices of up to three decimals.
pub fn cost_nanos(prompt: i64, completion: i64, input: Option<f64>, output: Option<f64>) -> i64 {
    let cost = prompt as f64 * input.unwrap_or(0.0) + completion as f64 * output.unwrap_or(0.0);
    (cost * 1000.0).round() as i64
}

/// Adds message `id`'s tokens to the ledger (call once, when it finishes).
pub fn record(
    conn: &mut Conn,
    id: i64,
    prompt: i64,
    completion: i64,
    at: i64,
) -> Result<(), AppError> {
    let Some((user, model)) = messages::table
        .inner_join(threads::table)
        .filter(messages::id.eq(id))
        .select((threads::user_id, messages::model_sdk_id))
        .first::<(i64, Option<String>)>(conn)
        .optional()?
    else {
        return Ok(());
    };
    add(
        conn,
        user,
        &model.unwrap_or_default(),
        prompt,
        completion,
        at,
    )
}

/// Adds one reply's tokens of `model` (a `slug:model` id) to `user`'s
/// ledger row for the day of `at`, costed at the model's price now: for
/// replies stored in threads and for `/v1` completions, which store none.
pub fn add(
    conn: &mut Conn,
    user: i64,
    model: &str,
    prompt: i64,
    completion: i64,
    at: i64,
) -> Result<(), AppError> {
    // The model as this account sees it: a shared one or its own key (the
    // slugs of the two never clash for one account).
    let (input, output, owner) = provider_models::table
        .inner_join(providers::table)
        .filter(provider_models::model_sdk_id.eq(model))
        .filter(
            providers::owner_id
                .is_null()
                .or(providers::owner_id.eq(user)),
        )
        .select((
            provider_models::input_price,
            provider_models::output_price,
            providers::owner_id,
        ))
        .first::<(Option<f64>, Option<f64>, Option<i64>)>(conn)
        .optional()?
        .unwrap_or((None, None, None));
    let own_key = owner.is_some();
    let cost = cost_nanos(prompt, completion, input, output);
    crate::each_backend!(conn, |c| diesel::insert_into(usage_days::table)
        .values((
            usage_days::user_id.eq(user),
            usage_days::day.eq(at.div_euclid(DAY)),
            usage_days::model.eq(model),
            usage_days::prompt_tokens.eq(prompt),
            usage_days::completion_tokens.eq(completion),
            usage_days::cost_nanos.eq(cost),
            usage_days::replies.eq(1),
            usage_days::own_key.eq(own_key),
        ))
        .on_conflict((usage_days::user_id, usage_days::day, usage_days::model))
        .do_update()
        .set((
            usage_days::prompt_tokens.eq(usage_days::prompt_tokens + prompt),
            usage_days::completion_tokens.eq(usage_days::completion_tokens + completion),
            usage_days::cost_nanos.eq(usage_days::cost_nanos + cost),
            usage_days::replies.eq(usage_days::replies + 1),
        ))
        .execute(c))?;
    Ok(())
}

/// What an account has used since `from_day` (inclusive) on the server's
/// keys, as its quotas count it: tokens and cost. Its own keys are not
/// counted.
pub fn since(conn: &mut Conn, user: i64, from_day: i64) -> Result<(i64, i64), AppError> {
    let (tokens, cost) = usage_days::table
        .filter(usage_days::user_id.eq(user))
        .filter(usage_days::day.ge(from_day))
        .filter(usage_days::own_key.eq(false))
        .select((
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS BIGINT)",
            ),
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(COALESCE(SUM(cost_nanos), 0) AS BIGINT)",
            ),
        ))
        .first::<(i64, i64)>(conn)?;
    Ok((tokens, cost))
}

/// The day number of `YYYY-MM-DD`, or a 400 naming `field`.
pub fn parse_day(field: &str, s: &str) -> Result<i64, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &format)
        .map(|d| d.midnight().assume_utc().unix_timestamp().div_euclid(DAY))
        .map_err(|_| AppError::invalid(field, format!("{field} must be a date like 2026-12-01.")))
}

pub fn day_label(day: i64) -> String {
    crate::text::format::date(day * DAY)
}

/// Usage from `from` to `to` (day numbers, inclusive) of one account, or
/// of all when `user` is `None`, grouped by day, model or user.
pub fn report(
    conn: &mut Conn,
    user: Option<i64>,
    from: i64,
    to: i64,
    group: UsageGroup,
) -> Result<UsageReport, AppError> {
    if to < from {
        return Err(AppError::invalid("to", "to must not be before from."));
    }
    if to - from >= REPORT_DAYS_MAX {
        return Err(AppError::invalid(
            "from",
            format!("A report covers at most {REPORT_DAYS_MAX} days."),
        ));
    }
    let mut q = usage_days::table
        .inner_join(users::table)
        .filter(usage_days::day.between(from, to))
        .select((
            usage_days::day,
            usage_days::model,
            users::username,
            usage_days::prompt_tokens,
            usage_days::completion_tokens,
            usage_days::replies,
            usage_days::cost_nanos,
            usage_days::own_key,
        ))
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(usage_days::user_id.eq(u));
    }
    let rows = q.load::<(i64, String, String, i64, i64, i64, i64, bool)>(conn)?;
    let mut groups: std::collections::BTreeMap<String, UsageRow> = Default::default();
    let empty = |key: String| UsageRow {
        key,
        prompt_tokens: 0,
        completion_tokens: 0,
        replies: 0,
        cost: 0.0,
        own_key_tokens: 0,
    };
    let mut total = empty("total".into());
    let mut nanos_total = 0i64;
    let mut nanos: std::collections::BTreeMap<String, i64> = Default::default();
    for (day, model, name, p, c, r, cost, own_key) in rows {
        let own = if own_key { p + c } else { 0 };
        let key = match group {
            UsageGroup::Day => day_label(day),
            UsageGroup::Model => model,
            UsageGroup::User => name,
        };
        let g = groups
            .entry(key.clone())
            .or_insert_with(|| empty(key.clone()));
        g.prompt_tokens += p;
        g.completion_tokens += c;
        g.replies += r;
        g.own_key_tokens += own;
        *nanos.entry(key).or_default() += cost;
        total.prompt_tokens += p;
        total.completion_tokens += c;
        total.replies += r;
        total.own_key_tokens += own;
        nanos_total += cost;
    }
    // Every day of the range, so a chart has no gaps.
    if group == UsageGroup::Day {
        for day in from..=to {
            let key = day_label(day);
            groups.entry(key.clone()).or_insert_with(|| empty(key));
        }
    }
    let rows = groups
        .into_values()
        .map(|mut g| {
            g.cost = nanos.get(&g.key).copied().unwrap_or(0) as f64 / 1e9;
            g
        })
        .collect();
    total.cost = nanos_total as f64 / 1e9;
    Ok(UsageReport {
        from: day_label(from),
        to: day_label(to),
        group,
        rows,
        total,
    })
}

/// The report as CSV (one header line, then a line per group).
pub fn csv(report: &UsageReport) -> String {
    let mut out = format!(
        "{},prompt_tokens,completion_tokens,replies,cost_usd,own_key_tokens\n",
        match report.group {
            UsageGroup::Day => "day",
            UsageGroup::Model => "model",
            UsageGroup::User => "user",
        }
    );
    for r in &report.rows {
        out.push_str(&format!(
            "{},{},{},{},{:.6},{}\n",
            csv_field(&r.key),
            r.prompt_tokens,
            r.completion_tokens,
            r.replies,
            r.cost,
            r.own_key_tokens
        ));
    }
    out
}

/// Quoted when it holds a comma, quote or line break; a leading `=`, `+`,
/// `-` or `@` is defused so a spreadsheet never runs it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cost_is_counted_in_billionths_of_a_dollar() {
        // 1000 prompt tokens at $2.50/M and 500 completion at $10/M.
        assert_eq!(
            super::cost_nanos(1000, 500, Some(2.5), Some(10.0)),
            7_500_000
        );
        assert_eq!(super::cost_nanos(11, 4, Some(2.5), Some(10.0)), 67_500);
        assert_eq!(super::cost_nanos(1000, 500, None, None), 0);
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(super::csv_field("gpt-4o"), "gpt-4o");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("=cmd()"), "'=cmd()");
    }

    #[test]
    fn days_parse_to_day_numbers() {
        assert_eq!(
            super::parse_day("from", "2026-12-01").unwrap(),
            1_796_083_200 / 86_400
        );
        assert!(super::parse_day("from", "2026-13-01").is_err());
    }
}
