//! Importing a UniversalBackrooms template as new agents and a draft room.

use super::creation::{check, create_in};
use super::limits::{SCENARIO_MAX, TITLE_MAX};
use crate::error::AppError;
use crate::model::backroom::{BackroomView, NewBackroom};
use crate::server::auth::caller::Caller;
use crate::server::db::Conn;
use crate::server::services::{agents, validate};

/// Imports a UniversalBackrooms template: one new agent per line (with that
/// line's system prompt) and a draft backroom with them.
pub fn import_template(
    conn: &mut Conn,
    caller: &Caller,
    title: &str,
    jsonl: &str,
) -> Result<BackroomView, AppError> {
    use crate::model::agent::AgentInput;
    let (people, scenario) = crate::server::services::backroom_export::read_template(jsonl)?;
    let title = validate::text("title", title, TITLE_MAX)?;
    const FACES: &[(&str, &str)] = &[
        ("🧭", "#16a34a"),
        ("🖥️", "#65a30d"),
        ("🐙", "#7c3aed"),
        ("🦉", "#a16207"),
        ("✨", "#db2777"),
        ("🤖", "#6366f1"),
        ("🧠", "#0ea5e9"),
        ("🔥", "#dc2626"),
    ];
    conn.immediate_transaction(|conn| {
        let mut ids = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let (avatar, color) = FACES[i % FACES.len()];
            let name = p.name.clone().unwrap_or_else(|| {
                format!("{} {}", title.chars().take(60).collect::<String>(), i + 1)
            });
            let a = agents::create(
                conn,
                caller,
                &AgentInput {
                    name,
                    system_prompt: Some(p.system_prompt.clone()),
                    avatar: Some(avatar.into()),
                    color: Some(color.into()),
                    description: Some(format!("Imported with the template “{title}”.")),
                    ..Default::default()
                },
            )
            .map_err(|e| match e.field() {
                Some(_) => {
                    AppError::invalid("template", format!("Line {}: {}", i + 1, e.message()))
                }
                None => e,
            })?;
            ids.push(a.id);
        }
        let input = NewBackroom {
            title: title.clone(),
            scenario: Some(clip(&scenario, SCENARIO_MAX).to_string()),
            participants: ids,
            turn_order: Some("round_robin".into()),
            max_turns: 20,
            ..Default::default()
        };
        let rules = check(&input)?;
        create_in(conn, caller.id, &input, rules)
    })
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
