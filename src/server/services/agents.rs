//! Agents: each user's own list, plus the agents an admin shared with
//! everyone (usable and duplicable by all, editable by their owner only).
//! Anyone else's private agent answers exactly like a missing one.

use super::{agent_templates, avatars, validate};
use crate::error::AppError;
use crate::model::agent::{AgentInput, AgentPatch, AgentView};
use crate::server::auth::caller::Caller;
use crate::server::db::rows::{Agent, AgentFields};
use crate::server::db::Conn;
use crate::server::db::{now, schema::agents};
use diesel::prelude::*;

pub const NAME_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 500;
/// In bytes of UTF-8.
pub const PROMPT_MAX: usize = 32 * 1024;
/// An emoji may be several code points (skin tones, joiners, flags).
pub const EMOJI_MAX: usize = 16;
pub const DEFAULT_AVATAR: &str = "🤖";
pub const DEFAULT_COLOR: &str = "#6366f1";

fn missing() -> AppError {
    AppError::not_found("No such agent.")
}

/// An agent the user may see: their own, or a shared one.
pub fn visible(conn: &mut Conn, user_id: i64, id: i64) -> Result<Agent, AppError> {
    agents::table
        .find(id)
        .filter(agents::user_id.eq(user_id).or(agents::shared.eq(true)))
        .select(Agent::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

/// An agent the user may change: their own.
fn editable(conn: &mut Conn, user_id: i64, id: i64) -> Result<Agent, AppError> {
    let agent = visible(conn, user_id, id)?;
    if agent.user_id != user_id {
        return Err(AppError::forbidden(
            "This agent is shared with you: use it or duplicate it, but only its owner can change it.",
        ));
    }
    Ok(agent)
}

pub fn view(a: &Agent, user_id: i64) -> AgentView {
    AgentView {
        id: a.id,
        name: a.name.clone(),
        description: a.description.clone(),
        avatar: a.avatar_display(),
        color: a.color.clone(),
        system_prompt: a.system_prompt.clone(),
        model_id: a.model_id,
        model_missing: a.model_lost,
        temperature: a.temperature,
        max_tokens: a.max_tokens,
        talkativeness: a.talkativeness,
        shared: a.shared,
        mine: a.user_id == user_id,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// The user's own agents (oldest first), then those shared by others.
pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<AgentView>, AppError> {
    let rows: Vec<Agent> = agents::table
        .filter(agents::user_id.eq(user_id).or(agents::shared.eq(true)))
        .order((agents::user_id.ne(user_id), agents::id.asc()))
        .select(Agent::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|a| view(a, user_id)).collect())
}

pub fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<AgentView, AppError> {
    Ok(view(&visible(conn, user_id, id)?, user_id))
}

fn defaults() -> AgentFields {
    AgentFields {
        name: String::new(),
        description: String::new(),
        avatar: DEFAULT_AVATAR.into(),
        avatar_image: None,
        color: DEFAULT_COLOR.into(),
        system_prompt: String::new(),
        model_id: None,
        model_lost: false,
        temperature: 1.0,
        max_tokens: None,
        talkativeness: 0.5,
        shared: false,
    }
}

fn fields_of(a: &Agent) -> AgentFields {
    AgentFields {
        name: a.name.clone(),
        description: a.description.clone(),
        avatar: a.avatar.clone(),
        avatar_image: a.avatar_image.clone(),
        color: a.color.clone(),
        system_prompt: a.system_prompt.clone(),
        model_id: a.model_id,
        model_lost: a.model_lost,
        temperature: a.temperature,
        max_tokens: a.max_tokens,
        talkativeness: a.talkativeness,
        shared: a.shared,
    }
}

pub fn in_range(field: &str, v: f32, lo: f32, hi: f32) -> Result<f32, AppError> {
    if v.is_nan() || v < lo || v > hi {
        return Err(AppError::invalid(
            field,
            format!("{field} must be between {lo} and {hi}."),
        ));
    }
    Ok(v)
}

/// `#rrggbb`, stored in lowercase.
pub fn color(v: &str) -> Result<String, AppError> {
    let v = v.trim();
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(AppError::invalid(
            "color",
            "color must be a colour like #6366f1.",
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// An emoji (or a few letters): short, one line, no spaces.
pub fn emoji(v: &str) -> Result<String, AppError> {
    let v = v.trim();
    if v.is_empty()
        || v.chars().count() > EMOJI_MAX
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
        || v.starts_with('/')
    {
        return Err(AppError::invalid(
            "avatar",
            "avatar must be an emoji (upload an image with the avatar upload instead).",
        ));
    }
    Ok(v.to_string())
}

/// Applies `patch` on top of `f` and checks every field.
fn apply(
    conn: &mut Conn,
    mut f: AgentFields,
    patch: &AgentPatch,
    caller: &Caller,
) -> Result<AgentFields, AppError> {
    if let Some(name) = &patch.name {
        f.name = validate::text("name", name, NAME_MAX)?;
    }
    if f.name.is_empty() {
        return Err(AppError::invalid("name", "name must not be empty."));
    }
    if let Some(d) = &patch.description {
        let d = d.trim();
        if d.chars().count() > DESCRIPTION_MAX {
            return Err(AppError::invalid(
                "description",
                format!("description must be at most {DESCRIPTION_MAX} characters."),
            ));
        }
        f.description = d.to_string();
    }
    if let Some(a) = &patch.avatar {
        let keeps_image = f
            .avatar_image
            .as_deref()
            .is_some_and(|id| crate::model::agent::avatar_url(id) == a.trim());
        if !keeps_image {
            f.avatar = emoji(a)?;
            f.avatar_image = None;
        }
    }
    if let Some(c) = &patch.color {
        f.color = color(c)?;
    }
    if let Some(p) = &patch.system_prompt {
        if p.len() > PROMPT_MAX {
            return Err(AppError::invalid(
                "system_prompt",
                format!("system_prompt must be at most {} KB.", PROMPT_MAX / 1024),
            ));
        }
        f.system_prompt = p.trim().to_string();
    }
    if let Some(m) = patch.model_id {
        if let Some(id) = m {
            super::models::usable_model(conn, caller.id, id)?;
        }
        f.model_id = m;
        f.model_lost = false;
    }
    if let Some(t) = patch.temperature {
        f.temperature = in_range("temperature", t, 0.0, 2.0)?;
    }
    if let Some(n) = patch.max_tokens {
        if let Some(n) = n {
            if !(1..=super::models::MAX_TOKENS_LIMIT).contains(&n) {
                return Err(AppError::invalid(
                    "max_tokens",
                    format!(
                        "max_tokens must be between 1 and {}.",
                        super::models::MAX_TOKENS_LIMIT
                    ),
                ));
            }
        }
        f.max_tokens = n;
    }
    if let Some(t) = patch.talkativeness {
        f.talkativeness = in_range("talkativeness", t, 0.0, 1.0)?;
    }
    if let Some(s) = patch.shared {
        if s && !f.shared && !caller.is_admin() {
            return Err(AppError::invalid(
                "shared",
                "Only an admin can share an agent with everyone.",
            ));
        }
        f.shared = s;
    }
    Ok(f)
}

fn as_patch(input: &AgentInput) -> AgentPatch {
    AgentPatch {
        name: Some(input.name.clone()),
        description: input.description.clone(),
        avatar: input.avatar.clone(),
        color: input.color.clone(),
        system_prompt: input.system_prompt.clone(),
        model_id: input.model_id.map(Some),
        temperature: input.temperature,
        max_tokens: input.max_tokens.map(Some),
        talkativeness: input.talkativeness,
        shared: input.shared,
    }
}

fn insert(conn: &mut Conn, user_id: i64, f: AgentFields) -> Result<Agent, AppError> {
    let ts = now();
    Ok(diesel::insert_into(agents::table)
        .values((
            f,
            agents::user_id.eq(user_id),
            agents::created_at.eq(ts),
            agents::updated_at.eq(ts),
        ))
        .returning(crate::server::db::all::<Agent>())
        .get_result::<Agent>(conn)?)
}

pub fn create(conn: &mut Conn, caller: &Caller, input: &AgentInput) -> Result<AgentView, AppError> {
    let f = apply(conn, defaults(), &as_patch(input), caller)?;
    Ok(view(&insert(conn, caller.id, f)?, caller.id))
}

pub fn update(
    conn: &mut Conn,
    caller: &Caller,
    id: i64,
    patch: &AgentPatch,
) -> Result<AgentView, AppError> {
    conn.immediate_transaction(|conn| {
        let current = editable(conn, caller.id, id)?;
        let f = apply(conn, fields_of(&current), patch, caller)?;
        let row = diesel::update(agents::table.find(id))
            .set((f, agents::updated_at.eq(now())))
            .returning(crate::server::db::all::<Agent>())
            .get_result::<Agent>(conn)?;
        avatars::collect_garbage(conn)?;
        Ok(view(&row, caller.id))
    })
}

/// Threads bound to the agent stay, as plain threads.
pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    conn.immediate_transaction(|conn| {
        editable(conn, user_id, id)?;
        diesel::delete(agents::table.find(id)).execute(conn)?;
        avatars::collect_garbage(conn)?;
        // Its shelf's files go too, unless a message still has them.
        crate::server::services::attachments::collect_garbage(conn)?;
        Ok(())
    })
}

/// A private copy, owned by the caller, of any agent they can see.
pub fn duplicate(conn: &mut Conn, user_id: i64, id: i64) -> Result<AgentView, AppError> {
    let source = visible(conn, user_id, id)?;
    let mut f = fields_of(&source);
    let suffix = " (copy)";
    let keep = NAME_MAX - suffix.len();
    f.name = format!(
        "{}{suffix}",
        source.name.chars().take(keep).collect::<String>()
    );
    f.shared = false;
    Ok(view(&insert(conn, user_id, f)?, user_id))
}

/// Stores an uploaded image as the agent's avatar (replacing the old one).
pub fn set_avatar(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    bytes: &[u8],
) -> Result<AgentView, AppError> {
    conn.immediate_transaction(|conn| {
        editable(conn, user_id, id)?;
        let image = avatars::store(conn, bytes)?;
        let row = diesel::update(agents::table.find(id))
            .set((
                agents::avatar_image.eq(Some(image)),
                agents::updated_at.eq(now()),
            ))
            .returning(crate::server::db::all::<Agent>())
            .get_result::<Agent>(conn)?;
        avatars::collect_garbage(conn)?;
        Ok(view(&row, user_id))
    })
}

/// A new account's first agents, made from the starter templates (model:
/// the default at call time).
pub fn seed_starters(conn: &mut Conn, user_id: i64) -> Result<(), AppError> {
    for t in agent_templates::STARTERS
        .iter()
        .filter_map(|id| agent_templates::find(id))
    {
        insert(
            conn,
            user_id,
            AgentFields {
                name: t.name,
                description: t.description,
                avatar: t.avatar,
                color: t.color,
                system_prompt: t.system_prompt,
                temperature: t.temperature,
                talkativeness: t.talkativeness,
                ..defaults()
            },
        )?;
    }
    Ok(())
}
