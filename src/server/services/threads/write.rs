//! Writing threads: create, update (settings, folder, tags) and delete.

use super::limits::{check_max_tokens, check_temperature, TITLE_MAX};
use super::read::{bound_agent, get, owned, view};
use crate::error::AppError;
use crate::model::chat::{NewThread, ThreadPatch, ThreadView};
use crate::server::db::rows::{NewThreadRow, Thread, ThreadChanges};
use crate::server::db::Conn;
use crate::server::db::{now, schema::threads};
use crate::server::services::models::usable_model;
use crate::server::services::{agents, validate};
use diesel::prelude::*;

pub fn create(conn: &mut Conn, user_id: i64, input: &NewThread) -> Result<ThreadView, AppError> {
    let title =
        validate::optional_text("title", input.title.as_deref(), TITLE_MAX)?.unwrap_or_default();
    check_temperature(input.temperature)?;
    check_max_tokens(input.max_tokens)?;
    if let Some(id) = input.model_id {
        usable_model(conn, user_id, id)?;
    }
    if let Some(agent) = input.agent_id {
        agents::visible(conn, user_id, agent)
            .map_err(|_| AppError::invalid("agent_id", "agent_id is not one of your agents."))?;
    }
    let ts = now();
    let row = diesel::insert_into(threads::table)
        .values(NewThreadRow {
            user_id,
            title,
            model_id: input.model_id,
            temperature: input.temperature,
            max_tokens: input.max_tokens,
            pinned: false,
            created_at: ts,
            updated_at: ts,
            agent_id: input.agent_id,
        })
        .returning(crate::server::db::all::<Thread>())
        .get_result::<Thread>(conn)?;
    let agent = bound_agent(conn, user_id, &row)?;
    Ok(view(row, Vec::new(), agent.as_ref()))
}

pub fn update(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    patch: &ThreadPatch,
) -> Result<ThreadView, AppError> {
    owned(conn, user_id, id)?;
    let title = patch
        .title
        .as_deref()
        .map(|t| {
            validate::optional_text("title", Some(t), TITLE_MAX).map(Option::unwrap_or_default)
        })
        .transpose()?;
    check_temperature(patch.temperature)?;
    check_max_tokens(patch.max_tokens)?;
    if let Some(m) = patch.model_id {
        usable_model(conn, user_id, m)?;
    }
    if let Some(Some(folder)) = patch.folder_id {
        crate::server::services::folders::owned(conn, user_id, folder)
            .map_err(|_| AppError::invalid("folder_id", "folder_id is not one of your folders."))?;
    }
    let tags = patch
        .tags
        .as_deref()
        .map(crate::server::services::tags::normalise)
        .transpose()?;
    // Organising a thread (pin, folder, archive, tags) does not make it newer.
    let edited = title.is_some()
        || patch.model_id.is_some()
        || patch.temperature.is_some()
        || patch.max_tokens.is_some();
    let changes = ThreadChanges {
        title,
        model_id: patch.model_id.map(Some),
        temperature: patch.temperature.map(Some),
        max_tokens: patch.max_tokens.map(Some),
        pinned: patch.pinned,
        folder_id: patch.folder_id,
        archived: patch.archived,
        updated_at: edited.then(now),
    };
    let any_column =
        edited || patch.pinned.is_some() || patch.folder_id.is_some() || patch.archived.is_some();
    conn.immediate_transaction(|conn| {
        if any_column {
            diesel::update(threads::table.find(id))
                .set(changes)
                .execute(conn)?;
        }
        if let Some(tags) = &tags {
            crate::server::services::tags::set(conn, id, tags)?;
        }
        Ok::<_, AppError>(())
    })?;
    get(conn, user_id, id)
}

pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    owned(conn, user_id, id)?;
    diesel::delete(threads::table.find(id)).execute(conn)?;
    // Its messages' files go too, unless another message still has them.
    crate::server::services::attachments::collect_garbage(conn)?;
    Ok(())
}
