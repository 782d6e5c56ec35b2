//! A backroom as a file: Markdown, JSON (everything), or a plain-text
//! transcript in the Infinite Backrooms manner; and a UniversalBackrooms
//! template (JSONL) read into a new backroom.

use crate::error::AppError;
use crate::model::backroom::{BackroomView, TurnView};
use serde::Deserialize;

pub const TEMPLATE_MAX_BYTES: usize = 256 * 1024;

fn speaker(t: &TurnView) -> String {
    let who = if t.human {
        format!("{} (human)", t.speaker)
    } else {
        t.speaker.clone()
    };
    if t.whisper_to.is_empty() {
        who
    } else {
        format!("{who}, whispering to {}", t.whisper_to.join(", "))
    }
}

fn note(t: &TurnView) -> String {
    match (t.status.as_str(), &t.error) {
        ("complete", _) => String::new(),
        ("error", Some(e)) => format!(" — failed: {e}"),
        (s, _) => format!(" — {s}"),
    }
}

pub fn markdown(b: &BackroomView) -> String {
    let mut out = format!("# {}\n\n", b.title);
    out.push_str(&format!(
        "State: {}{} · turn order: {} · {} of {} turns · {} tokens\n\n",
        b.state,
        b.state_reason
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default(),
        b.turn_order,
        b.turns.iter().filter(|t| !t.human).count(),
        b.max_turns,
        b.tokens_used
    ));
    out.push_str("## Participants\n\n");
    for p in &b.participants {
        out.push_str(&format!(
            "- {} **{}** ({}, temperature {:.1})\n",
            if p.avatar.starts_with('/') {
                "🖼"
            } else {
                &p.avatar
            },
            p.name,
            p.model.as_deref().unwrap_or("default model"),
            p.temperature
        ));
    }
    if !b.scenario.is_empty() {
        out.push_str(&format!("\n## Scenario\n\n{}\n", b.scenario));
    }
    out.push_str("\n## Transcript\n");
    for t in &b.turns {
        out.push_str(&format!(
            "\n### {}. {}{}\n\n{}\n",
            t.number,
            speaker(t),
            note(t),
            t.content
        ));
    }
    out
}

pub fn text(b: &BackroomView) -> String {
    let names: Vec<&str> = b.participants.iter().map(|p| p.name.as_str()).collect();
    let models: Vec<&str> = b
        .participants
        .iter()
        .map(|p| p.model.as_deref().unwrap_or("default"))
        .collect();
    let temps: Vec<String> = b
        .participants
        .iter()
        .map(|p| format!("{}", p.temperature))
        .collect();
    let mut out = format!(
        "actors: {}\nmodels: {}\ntemp: {}\n\n",
        names.join(", "),
        models.join(", "),
        temps.join(", ")
    );
    for p in &b.participants {
        out.push_str(&format!("<{}#SYSTEM>\n{}\n\n", p.name, p.system_prompt));
    }
    if !b.scenario.is_empty() {
        out.push_str(&format!("<CONTEXT>\n{}\n\n", b.scenario));
    }
    for t in &b.turns {
        out.push_str(&format!("<{}>{}\n{}\n\n", speaker(t), note(t), t.content));
    }
    out
}

#[derive(Deserialize)]
struct ContextMessage {
    #[serde(default)]
    role: Option<String>,
    content: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Context {
    Messages(Vec<ContextMessage>),
    Text(String),
}

#[derive(Deserialize)]
struct TemplateLine {
    #[serde(default)]
    name: Option<String>,
    system_prompt: String,
    #[serde(default)]
    context: Option<Context>,
}

/// One participant of an imported template.
pub struct Imported {
    pub name: Option<String>,
    pub system_prompt: String,
}

/// Reads a UniversalBackrooms template: one JSON object per line with
/// `system_prompt` and `context`. The participants' prompts, and the
/// scenario (the first context found).
pub fn read_template(jsonl: &str) -> Result<(Vec<Imported>, String), AppError> {
    if jsonl.len() > TEMPLATE_MAX_BYTES {
        return Err(AppError::invalid(
            "template",
            format!(
                "The template is larger than {} KB.",
                TEMPLATE_MAX_BYTES / 1024
            ),
        ));
    }
    let mut people = Vec::new();
    let mut scenario = String::new();
    for (i, line) in jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parsed: TemplateLine = serde_json::from_str(line).map_err(|e| {
            AppError::invalid(
                "template",
                format!("Line {} is not a template participant ({e}).", i + 1),
            )
        })?;
        if scenario.is_empty() {
            scenario = match parsed.context {
                Some(Context::Text(t)) => t,
                Some(Context::Messages(ms)) => ms
                    .iter()
                    .map(|m| match m.role.as_deref() {
                        Some("assistant") => format!("[assistant] {}", m.content),
                        _ => m.content.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n"),
                None => String::new(),
            };
        }
        people.push(Imported {
            name: parsed.name,
            system_prompt: parsed.system_prompt,
        });
    }
    if !crate::model::backroom::PARTICIPANTS.contains(&people.len()) {
        return Err(AppError::invalid(
            "template",
            "A template needs 2 to 8 lines, one per participant.",
        ));
    }
    Ok((people, scenario))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_universal_backrooms_templates() -> Result<(), AppError> {
        let t = r#"{"system_prompt": "You are the explorer.", "context": [{"role": "user", "content": "simulator@host:~/$"}]}
{"system_prompt": "You are the CLI.", "context": []}
"#;
        let (people, scenario) = read_template(t)?;
        assert_eq!(people.len(), 2);
        assert_eq!(people[1].system_prompt, "You are the CLI.");
        assert_eq!(scenario, "simulator@host:~/$");
        assert!(read_template("{\"nope\": 1}\n{}").is_err());
        assert!(read_template(r#"{"system_prompt": "alone"}"#).is_err());
        Ok(())
    }
}
