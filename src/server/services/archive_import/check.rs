//! Every rule an archive keeps, checked before anything is written.

use super::fields::{bad, index, line, range, size};
use crate::error::AppError;
use crate::model::archive::{self, Archive};
use crate::model::backroom::{TurnKind, TurnOrder};
use crate::model::chat::Role;
use crate::server::services::{
    agents, attachments, backrooms as rooms, folders, notes, prompts, tags, threads,
};

/// A stored reply may be longer than what a user can send.
const MESSAGE_MAX: usize = 1024 * 1024;
/// Files in one archive (the storage quota limits their bytes).
const FILES_MAX: usize = 10_000;

/// A message's files and sources refer to the archive's files.
fn check_files(field: &str, m: &archive::Message, files: usize) -> Result<(), AppError> {
    if m.files.len() > attachments::PER_MESSAGE {
        return Err(bad(
            format!("{field}.files"),
            format!("a message has at most {} files.", attachments::PER_MESSAGE),
        ));
    }
    for (k, f) in m.files.iter().enumerate() {
        index(&format!("{field}.files[{k}]"), Some(*f), files)?;
    }
    if m.sources.len() > 100 {
        return Err(bad(format!("{field}.sources"), "at most 100 sources."));
    }
    for (k, s) in m.sources.iter().enumerate() {
        index(&format!("{field}.sources[{k}].file"), Some(s.file), files)?;
        if m.sources[..k].iter().any(|o| o.n == s.n) {
            return Err(bad(
                format!("{field}.sources[{k}].n"),
                "two sources share a number.",
            ));
        }
    }
    Ok(())
}

fn check_message(field: &str, m: &archive::Message, seats: Option<&[i32]>) -> Result<(), AppError> {
    if Role::parse(&m.role).is_none() {
        return Err(bad(
            format!("{field}.role"),
            format!("must be {}.", Role::words()),
        ));
    }
    if crate::model::chat::MessageStatus::parse(&m.status).is_none() {
        return Err(bad(format!("{field}.status"), "is not a message status."));
    }
    if TurnKind::parse(&m.kind).is_none() {
        return Err(bad(
            format!("{field}.kind"),
            format!("must be {}.", TurnKind::words()),
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
            crate::server::services::models::MAX_TOKENS_LIMIT,
        )?;
    }
    Ok(())
}

/// A thread with versions: each `parent` is an earlier message, and the
/// shown messages form one branch (each follows the shown one before it).
fn check_versions(field: &str, list: &[archive::Message]) -> Result<(), AppError> {
    if !list.iter().any(|m| m.parent.is_some()) {
        return Ok(());
    }
    let mut last_shown = None;
    for (j, m) in list.iter().enumerate() {
        if m.parent.is_some_and(|p| p >= j) {
            return Err(bad(
                format!("{field}.messages[{j}].parent"),
                "must be the index of an earlier message.",
            ));
        }
        if !m.hidden {
            if m.parent != last_shown {
                return Err(bad(
                    format!("{field}.messages[{j}].parent"),
                    "must be the shown message before it (the shown messages are one branch).",
                ));
            }
            last_shown = Some(j);
        }
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
    if a.files.len() > FILES_MAX {
        return Err(bad(
            "files".into(),
            format!("an archive holds at most {FILES_MAX} files."),
        ));
    }
    for (i, f) in a.files.iter().enumerate() {
        line(&format!("files[{i}].name"), &f.name, 200, false)?;
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
        if ag.knowledge.len() as i64 > attachments::knowledge::SHELF_MAX {
            return Err(bad(
                format!("{field}.knowledge"),
                format!(
                    "a shelf holds at most {} files.",
                    attachments::knowledge::SHELF_MAX
                ),
            ));
        }
        for (k, f) in ag.knowledge.iter().enumerate() {
            index(&format!("{field}.knowledge[{k}]"), Some(*f), a.files.len())?;
        }
    }
    for (i, t) in a.threads.iter().enumerate() {
        let field = format!("threads[{i}]");
        line(
            &format!("{field}.title"),
            &t.title,
            threads::TITLE_MAX,
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
                crate::server::services::models::MAX_TOKENS_LIMIT,
            )?;
        }
        tags::normalise(&t.tags).map_err(|e| bad(format!("{field}.tags"), e.message()))?;
        for (j, m) in t.messages.iter().enumerate() {
            check_message(&format!("{field}.messages[{j}]"), m, None)?;
            check_files(&format!("{field}.messages[{j}]"), m, a.files.len())?;
        }
        check_versions(&field, &t.messages)?;
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
        if TurnOrder::parse(&b.turn_order).is_none() {
            let all: Vec<&str> = TurnOrder::ALL.iter().map(|o| o.as_str()).collect();
            return Err(bad(
                format!("{field}.turn_order"),
                format!("must be one of {}.", all.join(", ")),
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
        if let Some(g) = &b.guards {
            crate::server::services::backrooms::check_guards(g).map_err(|e| {
                bad(
                    format!("{field}.guards.{}", e.field().unwrap_or("")),
                    e.message().to_string(),
                )
            })?;
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
            check_files(&format!("{field}.turns[{j}]"), m, a.files.len())?;
        }
    }
    Ok(())
}
