//! Public live rooms: the owner publishes a run at `/b/{token}` for anyone
//! with the link, signed in or not; revoking deletes the link at once.
//! What the public sees leaves out the seats' models and prompts, agent
//! ids, provider errors and the run's reasons, unless the owner shows
//! details.

use super::read::{load, owned, participants, view};
use crate::error::AppError;
use crate::model::backroom::BackroomView;
use crate::server::db::now;
use crate::server::db::schema::backroom_publications as publications;
use crate::server::db::Conn;
use diesel::prelude::*;

/// A published run as the link finds it.
#[derive(Clone, Debug)]
pub struct Published {
    pub backroom_id: i64,
    pub token: String,
    pub show_details: bool,
}

fn gone() -> AppError {
    AppError::not_found("This room is not public, or its link was revoked.")
}

/// The run's link (the same one when already published); `show_details`
/// is updated.
pub fn publish(
    conn: &mut Conn,
    user: i64,
    id: i64,
    show_details: bool,
) -> Result<Published, AppError> {
    conn.immediate_transaction(|conn| {
        owned(conn, user, id)?;
        if let Some(mut p) = of_room(conn, id)? {
            diesel::update(publications::table.find(id))
                .set(publications::show_details.eq(show_details))
                .execute(conn)?;
            p.show_details = show_details;
            return Ok(p);
        }
        let token = hex::encode(rand::random::<[u8; 24]>());
        diesel::insert_into(publications::table)
            .values((
                publications::backroom_id.eq(id),
                publications::token.eq(&token),
                publications::show_details.eq(show_details),
                publications::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(Published {
            backroom_id: id,
            token,
            show_details,
        })
    })
}

/// The owner's run's link, if published.
pub fn publication(conn: &mut Conn, user: i64, id: i64) -> Result<Option<Published>, AppError> {
    owned(conn, user, id)?;
    of_room(conn, id)
}

fn of_room(conn: &mut Conn, id: i64) -> Result<Option<Published>, AppError> {
    Ok(publications::table
        .find(id)
        .select((publications::token, publications::show_details))
        .first::<(String, bool)>(conn)
        .optional()?
        .map(|(token, show_details)| Published {
            backroom_id: id,
            token,
            show_details,
        }))
}

/// Revokes the link: it answers 404 from now on. 404 when not published.
pub fn revoke(conn: &mut Conn, user: i64, id: i64) -> Result<(), AppError> {
    owned(conn, user, id)?;
    let n = diesel::delete(publications::table.find(id)).execute(conn)?;
    if n == 0 {
        return Err(gone());
    }
    Ok(())
}

/// The run a link opens (404 for an unknown or revoked token).
pub fn find(conn: &mut Conn, token: &str) -> Result<Published, AppError> {
    if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    publications::table
        .filter(publications::token.eq(token))
        .select((publications::backroom_id, publications::show_details))
        .first::<(i64, bool)>(conn)
        .optional()?
        .map(|(backroom_id, show_details)| Published {
            backroom_id,
            token: token.to_string(),
            show_details,
        })
        .ok_or_else(gone)
}

/// The run as the public sees it through the link.
pub fn public_view(conn: &mut Conn, token: &str) -> Result<BackroomView, AppError> {
    let p = find(conn, token)?;
    let b = load(conn, p.backroom_id)?;
    let seats = participants(conn, p.backroom_id)?;
    let mut v = view(conn, b)?;
    for (seat, row) in v.participants.iter_mut().zip(&seats) {
        // Uploaded avatars are read signed in: the public gets the emoji.
        seat.avatar = row.avatar.clone();
    }
    v.schedule = None;
    if p.show_details {
        return Ok(v);
    }
    v.scenario = String::new();
    v.state_reason = None;
    v.guards.seat_token_cap = None;
    v.guards.cost_cap_usd = None;
    v.guards.cost_usd = 0.0;
    v.stop_patterns = Vec::new();
    for seat in &mut v.participants {
        seat.agent_id = None;
        seat.system_prompt = String::new();
        seat.model_id = None;
        seat.model = None;
        seat.max_tokens = None;
    }
    for t in &mut v.turns {
        t.agent_id = None;
        t.model_sdk_id = None;
        t.sources = Vec::new();
        if t.error.is_some() {
            t.error = Some("This turn failed.".into());
        }
    }
    Ok(v)
}
