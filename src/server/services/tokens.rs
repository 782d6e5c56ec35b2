//! Personal access tokens: `bk_` and 43 random letters and digits (256
//! bits), stored as a SHA-256 only. A token authenticates as its account
//! until revoked or expired; a disabled account's tokens answer as unknown.

use super::validate;
use crate::error::AppError;
use crate::model::token::{CreatedToken, NewToken, TokenView, TOKEN_DAYS_MAX};
use crate::server::db::rows::User;
use crate::server::db::Conn;
use crate::server::db::{now, schema::api_tokens, schema::users};
use diesel::prelude::*;
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "bk_";
/// 43 characters of 62 carry 256 bits.
const RANDOM_CHARS: usize = 43;
/// Characters of the token the list shows.
const SHOWN: usize = 8;
pub const NAME_MAX: usize = 64;
/// Tokens one account may hold.
pub const TOKENS_MAX: i64 = 50;
/// `last_used_at` is written at most this often (seconds).
const TOUCH_EVERY: i64 = 60;

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A token as its list shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct Row {
    id: i64,
    name: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    expires_at: Option<i64>,
}

fn view(r: Row) -> TokenView {
    TokenView {
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        expires_at: r.expires_at,
    }
}

pub fn create(conn: &mut Conn, user: i64, input: &NewToken) -> Result<CreatedToken, AppError> {
    if input.name.trim().is_empty() {
        return Err(AppError::invalid("name", "Give the token a name."));
    }
    let name = validate::text("name", &input.name, NAME_MAX)?;
    let expires_at = match input.expires_in_days {
        None => None,
        Some(d) if (1..=TOKEN_DAYS_MAX).contains(&d) => Some(now() + d * 86_400),
        Some(_) => {
            return Err(AppError::invalid(
                "expires_in_days",
                format!("expires_in_days is 1 to {TOKEN_DAYS_MAX}, or absent for never."),
            ))
        }
    };
    let secret = format!(
        "{PREFIX}{}",
        Alphanumeric.sample_string(&mut rand::rngs::OsRng, RANDOM_CHARS)
    );
    let prefix: String = secret.chars().take(PREFIX.len() + SHOWN).collect();
    conn.immediate_transaction(|conn| {
        let held: i64 = api_tokens::table
            .filter(api_tokens::user_id.eq(user))
            .count()
            .get_result(conn)?;
        if held >= TOKENS_MAX {
            return Err(AppError::conflict(format!(
                "An account holds at most {TOKENS_MAX} tokens: revoke one first."
            )));
        }
        let row = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user),
                api_tokens::name.eq(&name),
                api_tokens::prefix.eq(&prefix),
                api_tokens::token_hash.eq(hash(&secret)),
                api_tokens::created_at.eq(now()),
                api_tokens::expires_at.eq(expires_at),
            ))
            .returning(crate::server::db::all::<Row>())
            .get_result::<Row>(conn)?;
        Ok(CreatedToken {
            view: view(row),
            token: secret,
        })
    })
}

/// Newest first.
pub fn list(conn: &mut Conn, user: i64) -> Result<Vec<TokenView>, AppError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .order(api_tokens::id.desc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(view)
        .collect())
}

/// Gone at once; another account's token is a 404.
pub fn revoke(conn: &mut Conn, user: i64, id: i64) -> Result<(), AppError> {
    let n = diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::not_found("No such token."));
    }
    Ok(())
}

/// The account a token stands for, if it is known, unexpired and the
/// account enabled; notes when it was used.
pub fn authenticate(conn: &mut Conn, token: &str) -> Result<Option<User>, AppError> {
    if !token.starts_with(PREFIX) || token.len() != PREFIX.len() + RANDOM_CHARS {
        return Ok(None);
    }
    let found = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash(token)))
        .select((
            api_tokens::id,
            api_tokens::expires_at,
            api_tokens::last_used_at,
            User::as_select(),
        ))
        .first::<(i64, Option<i64>, Option<i64>, User)>(conn)
        .optional()?;
    let ts = now();
    let Some((id, expires_at, last_used, user)) = found else {
        return Ok(None);
    };
    if expires_at.is_some_and(|e| e <= ts) || user.disabled {
        return Ok(None);
    }
    if last_used.is_none_or(|t| ts - t >= TOUCH_EVERY) {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(ts))
            .execute(conn)?;
    }
    Ok(Some(user))
}
