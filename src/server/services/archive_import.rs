//! Imports an `Archive` into an account as new things: every id is new,
//! nothing the account has is changed, and it all happens in one
//! transaction after the whole archive was checked, so a bad archive adds
//! nothing. Timestamps are kept; a run that was going is imported paused.

use super::{agents, avatars, backrooms as rooms, conversations, folders, notes, prompts, tags};
use crate::error::AppError;
use crate::model::archive::{self, Archive, ImportSummary, ModelRef};
use crate::model::backroom::TURN_ORDERS;
use crate::server::db::rows::{AgentFields, FullMessage};
use crate::server::db::schema::{
    agents as agents_t, backroom_participants, backrooms as backrooms_t, conversations as conv_t,
    folders as folders_t, messages, notes as notes_t, prompts as prompts_t, provider_models,
    providers,
};
use base64::Engine;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// The largest archive `POST /api/import` takes, in bytes.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;
/// A stored reply may be longer than what a user can send.
const MESSAGE_MAX: usize = 1024 * 1024;
const ROLES: &[&str] = &["system", "user", "assistant"];
const KINDS: &[&str] = &["message", "action", "thought"];

fn bad(field: String, message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::invalid(&field, format!("{field}: {message}"))
}

/// A short text: at most `max` characters (control characters such as a
/// tab are written as spaces, see `one_line`).
fn line(field: &str, v: &str, max: usize, empty_ok: bool) -> Result<(), AppError> {
    if v.trim().is_empty() && !empty_ok {
        return Err(bad(field.into(), "must not be empty."));
    }
    if v.chars().count() > max {
        return Err(bad(
            field.into(),
            format!("must be at most {max} characters."),
        ));
    }
    Ok(())
}

/// Titles and names are one line here: control characters become spaces.
fn one_line(v: &str) -> String {
    v.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn size(field: &str, v: &str, max: usize) -> Result<(), AppError> {
    if v.len() > max {
        return Err(bad(field.into(), format!("must be at most {max} bytes.")));
    }
    Ok(())
}

fn range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    v: T,
    lo: T,
    hi: T,
) -> Result<(), AppError> {
    if !(v >= lo && v <= hi) {
        return Err(bad(field.into(), format!("must be between {lo} and {hi}.")));
    }
    Ok(())
}

fn index(field: &str, v: Option<usize>, len: usize) -> Result<(), AppError> {
    match v {
        Some(i) if i >= len => Err(bad(
            field.into(),
            format!("refers to a missing entry ({i})."),
        )),
        _ => Ok(()),
    }
}

fn check_message(field: &str, m: &archive::Message, seats: Option<&[i32]>) -> Result<(), AppError> {
    if !ROLES.contains(&m.role.as_str()) {
        return Err(bad(
            format!("{field}.role"),
            "must be system, user or assistant.",
        ));
    }
    if crate::model::chat::MessageStatus::parse(&m.status).is_none() {
        return Err(bad(format!("{field}.status"), "is not a message status."));
    }
    if !KINDS.contains(&m.kind.as_str()) {
        return Err(bad(
            format!("{field}.kind"),
            "must be message, action or thought.",
        ));
    }
    size(&format!("{field}.content"), &m.content, MESSAGE_MAX)?;
    for (name, v) in [
        ("model_sdk_id", &m.model_sdk_id),
        ("finish_reason", &m.finish_reason),
        ("speaker", &m.speaker),
    ] {
        if let Some(v) = v {
            line(&format!("{field}.{name}"), v, 200, true)?;
        }
    }
    if let Some(e) = &m.error {
        size(&format!("{field}.error"), e, 10_000)?;
    }
    match (m.seat, seats) {
        (Some(_), None) => Err(bad(
            format!("{field}.seat"),
            "only backroom turns have a seat.",
        )),
        (Some(s), Some(seats)) if !seats.contains(&s) => Err(bad(
            format!("{field}.seat"),
            "is not one of the backroom's participants.",
        )),
        _ => Ok(()),
    }
}

/// What agents and backroom participants share.
struct Persona<'a> {
    name: &'a str,
    avatar: &'a str,
    color: &'a str,
    prompt: &'a str,
    temperature: f32,
    max_tokens: Option<i32>,
    talkativeness: f32,
}

fn check_persona(field: &str, p: Persona) -> Result<(), AppError> {
    let Persona {
        name,
        avatar,
        color,
        prompt,
        temperature,
        max_tokens,
        talkativeness,
    } = p;
    line(&format!("{field}.name"), name, agents::NAME_MAX, false)?;
    agents::emoji(avatar).map_err(|e| bad(format!("{field}.avatar"), e.message()))?;
    agents::color(color).map_err(|e| bad(format!("{field}.color"), e.message()))?;
    size(
        &format!("{field}.system_prompt"),
        prompt,
        agents::PROMPT_MAX,
    )?;
    range(&format!("{field}.temperature"), temperature, 0.0, 2.0)?;
    range(&format!("{field}.talkativeness"), talkativeness, 0.0, 1.0)?;
    if let Some(n) = max_tokens {
        range(
            &format!("{field}.max_tokens"),
            n,
            1,
            super::models::MAX_TOKENS_LIMIT,
        )?;
    }
    Ok(())
}

/// Every rule, before anything is written. Errors name the entry, such as
/// `threads[2].messages[0].role`.
pub fn check(a: &Archive) -> Result<(), AppError> {
    if a.format != archive::FORMAT {
        return Err(bad(
            "format".into(),
            format!(
                "must be \"{}\": this is not a Backrooms account export.",
                archive::FORMAT
            ),
        ));
    }
    if a.version != archive::VERSION {
        return Err(bad(
            "version".into(),
            format!(
                "version {} is not supported (this server reads version {}).",
                a.version,
                archive::VERSION
            ),
        ));
    }
    for (i, f) in a.folders.iter().enumerate() {
        line(
            &format!("folders[{i}].name"),
            &f.name,
            folders::NAME_MAX,
            false,
        )?;
    }
    for (i, ag) in a.agents.iter().enumerate() {
        let field = format!("agents[{i}]");
        check_persona(
            &field,
            Persona {
                name: &ag.name,
                avatar: &ag.avatar,
                color: &ag.color,
                prompt: &ag.system_prompt,
                temperature: ag.temperature,
                max_tokens: ag.max_tokens,
                talkativeness: ag.talkativeness,
            },
        )?;
        size(
            &format!("{field}.description"),
            &ag.description,
            agents::DESCRIPTION_MAX * 4,
        )?;
        index(&format!("{field}.image"), ag.image, a.images.len())?;
    }
    for (i, t) in a.threads.iter().enumerate() {
        let field = format!("threads[{i}]");
        line(
            &format!("{field}.title"),
            &t.title,
            conversations::TITLE_MAX,
            true,
        )?;
        index(&format!("{field}.folder"), t.folder, a.folders.len())?;
        index(&format!("{field}.agent"), t.agent, a.agents.len())?;
        if let Some(temp) = t.temperature {
            range(&format!("{field}.temperature"), temp, 0.0, 2.0)?;
        }
        if let Some(n) = t.max_tokens {
            range(
                &format!("{field}.max_tokens"),
                n,
                1,
                super::models::MAX_TOKENS_LIMIT,
            )?;
        }
        tags::normalise(&t.tags).map_err(|e| bad(format!("{field}.tags"), e.message()))?;
        for (j, m) in t.messages.iter().enumerate() {
            check_message(&format!("{field}.messages[{j}]"), m, None)?;
        }
    }
    for (i, n) in a.notes.iter().enumerate() {
        line(
            &format!("notes[{i}].title"),
            &n.title,
            notes::TITLE_MAX,
            true,
        )?;
        size(&format!("notes[{i}].body"), &n.body, notes::BODY_MAX)?;
    }
    for (i, p) in a.prompts.iter().enumerate() {
        line(
            &format!("prompts[{i}].title"),
            &p.title,
            prompts::TITLE_MAX,
            false,
        )?;
        size(&format!("prompts[{i}].body"), &p.body, prompts::BODY_MAX)?;
        if p.body.trim().is_empty() {
            return Err(bad(format!("prompts[{i}].body"), "must not be empty."));
        }
    }
    for (i, b) in a.backrooms.iter().enumerate() {
        let field = format!("backrooms[{i}]");
        line(&format!("{field}.title"), &b.title, rooms::TITLE_MAX, false)?;
        size(
            &format!("{field}.scenario"),
            &b.scenario,
            rooms::SCENARIO_MAX,
        )?;
        if !TURN_ORDERS.contains(&b.turn_order.as_str()) {
            return Err(bad(
                format!("{field}.turn_order"),
                format!("must be one of {}.", TURN_ORDERS.join(", ")),
            ));
        }
        if crate::model::backroom::BackroomState::parse(&b.state).is_none() {
            return Err(bad(
                format!("{field}.state"),
                format!(
                    "must be one of {}.",
                    crate::model::backroom::BackroomState::ALL
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        range(
            &format!("{field}.max_turns"),
            b.max_turns,
            1,
            rooms::MAX_TURNS,
        )?;
        range(&format!("{field}.min_turns"), b.min_turns, 0, b.max_turns)?;
        if b.stop_patterns.len() > rooms::PATTERNS_MAX {
            return Err(bad(
                format!("{field}.stop_patterns"),
                format!("at most {} patterns.", rooms::PATTERNS_MAX),
            ));
        }
        for (j, p) in b.stop_patterns.iter().enumerate() {
            line(
                &format!("{field}.stop_patterns[{j}]"),
                p,
                rooms::PATTERN_MAX,
                false,
            )?;
        }
        if let Some(t) = b.token_budget {
            range(&format!("{field}.token_budget"), t, 1, i64::MAX)?;
        }
        range(&format!("{field}.tokens_used"), b.tokens_used, 0, i64::MAX)?;
        if b.forked_from.is_some_and(|f| f >= i) {
            return Err(bad(
                format!("{field}.forked_from"),
                "must refer to an earlier backroom.",
            ));
        }
        if !crate::model::backroom::PARTICIPANTS.contains(&b.participants.len()) {
            return Err(bad(
                format!("{field}.participants"),
                "a backroom has 2 to 8 participants.",
            ));
        }
        let mut seats: Vec<i32> = Vec::new();
        for (j, p) in b.participants.iter().enumerate() {
            let pf = format!("{field}.participants[{j}]");
            check_persona(
                &pf,
                Persona {
                    name: &p.name,
                    avatar: &p.avatar,
                    color: &p.color,
                    prompt: &p.system_prompt,
                    temperature: p.temperature,
                    max_tokens: p.max_tokens,
                    talkativeness: p.talkativeness,
                },
            )?;
            index(&format!("{pf}.agent"), p.agent, a.agents.len())?;
            index(&format!("{pf}.image"), p.image, a.images.len())?;
            if seats.contains(&p.position) {
                return Err(bad(
                    format!("{pf}.position"),
                    "two participants share a position.",
                ));
            }
            seats.push(p.position);
        }
        if b.next_seat.is_some_and(|s| !seats.contains(&s)) {
            return Err(bad(
                format!("{field}.next_seat"),
                "is not one of the participants.",
            ));
        }
        for (j, m) in b.turns.iter().enumerate() {
            check_message(&format!("{field}.turns[{j}]"), m, Some(&seats))?;
        }
    }
    Ok(())
}

/// Models by provider name and model id; the ones not found go to the summary.
struct Models {
    known: HashMap<(String, String), i64>,
    unknown: Vec<String>,
}

impl Models {
    fn load(conn: &mut SqliteConnection) -> QueryResult<Models> {
        let known = provider_models::table
            .inner_join(providers::table)
            .select((
                providers::name,
                provider_models::model_sdk_id,
                provider_models::id,
            ))
            .load::<(String, String, i64)>(conn)?
            .into_iter()
            .map(|(p, m, id)| ((p, m), id))
            .collect();
        Ok(Models {
            known,
            unknown: Vec::new(),
        })
    }

    fn id(&mut self, m: &Option<ModelRef>) -> Option<i64> {
        let m = m.as_ref()?;
        let found = self
            .known
            .get(&(m.provider.clone(), m.model.clone()))
            .copied();
        let name = format!("{} / {}", m.provider, m.model);
        if found.is_none() && !self.unknown.contains(&name) {
            self.unknown.push(name);
        }
        found
    }
}

/// A folder name not in `taken` (which then holds it): the name, else
/// the name with ` (2)`, ` (3)`… Answers whether it was renamed.
fn free_name(taken: &mut HashSet<String>, name: &str) -> (String, bool) {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        let suffix = format!(" ({n})");
        let stem: String = name
            .chars()
            .take(folders::NAME_MAX - suffix.chars().count())
            .collect();
        candidate = format!("{stem}{suffix}");
    }
    taken.insert(candidate.clone());
    (candidate, n > 1)
}

/// The account's own limits hold after the import.
fn check_room(conn: &mut SqliteConnection, user_id: i64, a: &Archive) -> Result<(), AppError> {
    let folders_now: i64 = folders_t::table
        .filter(folders_t::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if folders_now + a.folders.len() as i64 > folders::COUNT_MAX {
        return Err(bad(
            "folders".into(),
            format!(
                "the account would have more than {} folders ({folders_now} now, {} in the file).",
                folders::COUNT_MAX,
                a.folders.len()
            ),
        ));
    }
    let prompts_now: i64 = prompts_t::table
        .filter(prompts_t::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if prompts_now + a.prompts.len() as i64 > prompts::COUNT_MAX {
        return Err(bad(
            "prompts".into(),
            format!(
                "the account would have more than {} prompts ({prompts_now} now, {} in the file).",
                prompts::COUNT_MAX,
                a.prompts.len()
            ),
        ));
    }
    Ok(())
}

fn insert_messages(
    conn: &mut SqliteConnection,
    conversation_id: i64,
    list: &[archive::Message],
    seats: &HashMap<i32, i64>,
) -> QueryResult<usize> {
    for m in list {
        // A reply cut off mid-stream in the source cannot resume here.
        let status = match crate::model::chat::MessageStatus::parse(&m.status) {
            Some(crate::model::chat::MessageStatus::Streaming) | None => {
                crate::model::chat::MessageStatus::Interrupted
            }
            Some(s) => s,
        };
        diesel::insert_into(messages::table)
            .values(FullMessage {
                conversation_id,
                role: &m.role,
                content: &m.content,
                status,
                model_sdk_id: m.model_sdk_id.as_deref(),
                prompt_tokens: m.prompt_tokens,
                completion_tokens: m.completion_tokens,
                ttft_ms: m.ttft_ms,
                total_ms: m.total_ms,
                finish_reason: m.finish_reason.as_deref(),
                error: m.error.as_deref(),
                created_at: m.created_at,
                updated_at: m.updated_at,
                participant_id: m.seat.and_then(|s| seats.get(&s).copied()),
                speaker: m.speaker.as_deref(),
                kind: &m.kind,
            })
            .execute(conn)?;
    }
    Ok(list.len())
}

pub fn import(
    conn: &mut SqliteConnection,
    user_id: i64,
    a: &Archive,
) -> Result<ImportSummary, AppError> {
    check(a)?;
    let images: Vec<Vec<u8>> = a
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            base64::engine::general_purpose::STANDARD
                .decode(img.data.trim())
                .map_err(|_| bad(format!("images[{i}].data"), "is not base64."))
        })
        .collect::<Result<_, _>>()?;
    conn.immediate_transaction(|conn| {
        check_room(conn, user_id, a)?;
        let mut sum = ImportSummary::default();
        let mut models = Models::load(conn)?;
        let mut image_ids = Vec::with_capacity(images.len());
        for (i, bytes) in images.iter().enumerate() {
            image_ids.push(
                avatars::store(conn, bytes)
                    .map_err(|e| bad(format!("images[{i}]"), e.message()))?,
            );
        }
        sum.images = image_ids.len();
        let image = |i: Option<usize>| i.map(|i| image_ids[i].clone());

        let mut taken: HashSet<String> = folders_t::table
            .filter(folders_t::user_id.eq(user_id))
            .select(folders_t::name)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        let mut folder_ids = Vec::with_capacity(a.folders.len());
        for f in &a.folders {
            let (name, renamed) = free_name(&mut taken, &one_line(&f.name));
            sum.renamed_folders += usize::from(renamed);
            folder_ids.push(
                diesel::insert_into(folders_t::table)
                    .values((
                        folders_t::user_id.eq(user_id),
                        folders_t::name.eq(name),
                        folders_t::created_at.eq(f.created_at),
                        folders_t::updated_at.eq(f.updated_at),
                    ))
                    .returning(folders_t::id)
                    .get_result::<i64>(conn)?,
            );
        }
        sum.folders = folder_ids.len();

        let mut agent_ids = Vec::with_capacity(a.agents.len());
        for ag in &a.agents {
            let model_id = models.id(&ag.model);
            let fields = AgentFields {
                name: one_line(&ag.name),
                description: ag.description.clone(),
                avatar: ag.avatar.trim().to_string(),
                avatar_image: image(ag.image),
                color: ag.color.to_ascii_lowercase(),
                system_prompt: ag.system_prompt.clone(),
                model_id,
                model_lost: ag.model_lost || (ag.model.is_some() && model_id.is_none()),
                temperature: ag.temperature,
                max_tokens: ag.max_tokens,
                talkativeness: ag.talkativeness,
                shared: false,
            };
            agent_ids.push(
                diesel::insert_into(agents_t::table)
                    .values((
                        fields,
                        agents_t::user_id.eq(user_id),
                        agents_t::created_at.eq(ag.created_at),
                        agents_t::updated_at.eq(ag.updated_at),
                    ))
                    .returning(agents_t::id)
                    .get_result::<i64>(conn)?,
            );
        }
        sum.agents = agent_ids.len();

        for t in &a.threads {
            let id: i64 = diesel::insert_into(conv_t::table)
                .values((
                    conv_t::user_id.eq(user_id),
                    conv_t::title.eq(one_line(&t.title)),
                    conv_t::model_id.eq(models.id(&t.model)),
                    conv_t::temperature.eq(t.temperature),
                    conv_t::max_tokens.eq(t.max_tokens),
                    conv_t::pinned.eq(t.pinned),
                    conv_t::archived.eq(t.archived),
                    conv_t::folder_id.eq(t.folder.map(|f| folder_ids[f])),
                    conv_t::agent_id.eq(t.agent.map(|g| agent_ids[g])),
                    conv_t::created_at.eq(t.created_at),
                    conv_t::updated_at.eq(t.updated_at),
                ))
                .returning(conv_t::id)
                .get_result(conn)?;
            tags::set(conn, id, &tags::normalise(&t.tags)?)?;
            sum.messages += insert_messages(conn, id, &t.messages, &HashMap::new())?;
            sum.threads += 1;
        }

        for n in &a.notes {
            diesel::insert_into(notes_t::table)
                .values((
                    notes_t::user_id.eq(user_id),
                    notes_t::title.eq(one_line(&n.title)),
                    notes_t::body.eq(&n.body),
                    notes_t::created_at.eq(n.created_at),
                    notes_t::updated_at.eq(n.updated_at),
                ))
                .execute(conn)?;
        }
        sum.notes = a.notes.len();
        for p in &a.prompts {
            diesel::insert_into(prompts_t::table)
                .values((
                    prompts_t::user_id.eq(user_id),
                    prompts_t::title.eq(one_line(&p.title)),
                    prompts_t::body.eq(&p.body),
                    prompts_t::created_at.eq(p.created_at),
                    prompts_t::updated_at.eq(p.updated_at),
                ))
                .execute(conn)?;
        }
        sum.prompts = a.prompts.len();

        let mut room_ids: Vec<i64> = Vec::with_capacity(a.backrooms.len());
        for b in &a.backrooms {
            let conv: i64 = diesel::insert_into(conv_t::table)
                .values((
                    conv_t::user_id.eq(user_id),
                    conv_t::title.eq(one_line(&b.title)),
                    conv_t::kind.eq("backroom"),
                    conv_t::created_at.eq(b.created_at),
                    conv_t::updated_at.eq(b.updated_at),
                ))
                .returning(conv_t::id)
                .get_result(conn)?;
            let (state, reason) = if b.state == "running" {
                (
                    "paused",
                    Some("Imported while it was running: resume to go on."),
                )
            } else {
                (b.state.as_str(), b.state_reason.as_deref())
            };
            let room: i64 = diesel::insert_into(backrooms_t::table)
                .values((
                    backrooms_t::user_id.eq(user_id),
                    backrooms_t::conversation_id.eq(conv),
                    backrooms_t::title.eq(one_line(&b.title)),
                    backrooms_t::scenario.eq(&b.scenario),
                    backrooms_t::turn_order.eq(&b.turn_order),
                    backrooms_t::max_turns.eq(b.max_turns),
                    backrooms_t::min_turns.eq(b.min_turns),
                    backrooms_t::stop_patterns
                        .eq(serde_json::to_string(&b.stop_patterns).unwrap_or_default()),
                    backrooms_t::token_budget.eq(b.token_budget),
                    backrooms_t::state.eq(state),
                    backrooms_t::state_reason.eq(reason),
                    backrooms_t::tokens_used.eq(b.tokens_used),
                    backrooms_t::forked_from.eq(b.forked_from.map(|f| room_ids[f])),
                    backrooms_t::created_at.eq(b.created_at),
                    backrooms_t::updated_at.eq(b.updated_at),
                ))
                .returning(backrooms_t::id)
                .get_result(conn)?;
            let mut seats = HashMap::new();
            for p in &b.participants {
                let id: i64 = diesel::insert_into(backroom_participants::table)
                    .values(crate::server::db::rows::NewParticipant {
                        backroom_id: room,
                        position: p.position,
                        agent_id: p.agent.map(|g| agent_ids[g]),
                        name: one_line(&p.name),
                        avatar: p.avatar.trim().to_string(),
                        avatar_image: image(p.image),
                        color: p.color.to_ascii_lowercase(),
                        system_prompt: p.system_prompt.clone(),
                        model_id: models.id(&p.model),
                        temperature: p.temperature,
                        max_tokens: p.max_tokens,
                        talkativeness: p.talkativeness,
                    })
                    .returning(backroom_participants::id)
                    .get_result(conn)?;
                seats.insert(p.position, id);
            }
            if let Some(next) = b.next_seat.and_then(|s| seats.get(&s)) {
                diesel::update(backrooms_t::table.find(room))
                    .set(backrooms_t::next_participant.eq(next))
                    .execute(conn)?;
            }
            sum.messages += insert_messages(conn, conv, &b.turns, &seats)?;
            room_ids.push(room);
        }
        sum.backrooms = room_ids.len();
        sum.unknown_models = models.unknown;
        Ok(sum)
    })
}

/// Reads an uploaded archive: size first, then JSON with a clear message.
pub fn parse(bytes: &[u8]) -> Result<Archive, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(AppError::PayloadTooLarge {
            message: format!(
                "An account export can be at most {} MB.",
                MAX_BYTES / 1024 / 1024
            ),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| {
        AppError::invalid(
            "file",
            format!("This is not a Backrooms account export (JSON error: {e})."),
        )
    })
}
