//! The rules of a backroom run, as pure functions: who speaks next, what
//! each agent sees, what kind a turn is, when a stop pattern ends the run.

use crate::model::backroom::TurnKind;
use crate::server::llm::chat::{ChatMessage, Role};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// What an agent's prompt may hold of the transcript (characters, about
/// 15k tokens): older turns are dropped first.
pub const CONTEXT_CHARS: usize = 60_000;

/// A finished turn as the rules see it.
#[derive(Clone, Debug)]
pub struct Spoken<'a> {
    /// The participant who spoke; `None` for a human's interjection.
    pub participant: Option<i64>,
    pub speaker: &'a str,
    pub content: &'a str,
}

/// A participant as the rules see it.
#[derive(Clone, Debug)]
pub struct Seat<'a> {
    pub id: i64,
    pub name: &'a str,
    pub talkativeness: f32,
}

/// The prompt for `me`: its system prompt, the scenario, then the turns:
/// its own as `assistant`, everyone else's as `user` prefixed with the
/// speaker's name. Consecutive turns of one role are merged (some providers
/// insist on alternation) and the oldest turns go first when over budget.
pub fn prompt_for(
    me: i64,
    my_name: &str,
    system_prompt: &str,
    scenario: &str,
    turns: &[Spoken<'_>],
    budget: usize,
) -> Vec<ChatMessage> {
    let mut kept: Vec<(Role, String)> = Vec::new();
    let mut used = system_prompt.len() + scenario.len();
    for t in turns.iter().rev() {
        let (role, text) = if t.participant == Some(me) {
            (Role::Assistant, t.content.to_string())
        } else {
            (Role::User, format!("{}: {}", t.speaker, t.content))
        };
        if used + text.len() > budget && !kept.is_empty() {
            break;
        }
        used += text.len();
        kept.push((role, text));
    }
    kept.reverse();
    let mut out: Vec<ChatMessage> = Vec::new();
    if !system_prompt.is_empty() {
        out.push(ChatMessage::text(Role::System, system_prompt));
    }
    let opening = if scenario.trim().is_empty() {
        format!("[You are {my_name}. The conversation begins.]")
    } else {
        scenario.to_string()
    };
    push(&mut out, Role::User, opening);
    for (role, text) in kept {
        push(&mut out, role, text);
    }
    if out.last().is_some_and(|m| m.role == Role::Assistant) {
        push(&mut out, Role::User, format!("[Continue as {my_name}.]"));
    }
    out
}

/// Appends, merging into the last message when it has the same role.
fn push(out: &mut Vec<ChatMessage>, role: Role, content: String) {
    match out.last_mut() {
        Some(last) if last.role == role => {
            last.content.push_str("\n\n");
            last.content.push_str(&content);
        }
        _ => out.push(ChatMessage::text(role, content)),
    }
}

/// Round robin: seat `agent_turns mod n`.
pub fn round_robin(seats: &[Seat<'_>], agent_turns: usize) -> Option<i64> {
    (!seats.is_empty()).then(|| seats[agent_turns % seats.len()].id)
}

/// A new order every round, the same on every replay (seeded by the
/// backroom and the round).
pub fn shuffled(seats: &[Seat<'_>], agent_turns: usize, backroom: i64) -> Option<i64> {
    if seats.is_empty() {
        return None;
    }
    let round = (agent_turns / seats.len()) as u64;
    let mut order: Vec<i64> = seats.iter().map(|s| s.id).collect();
    let mut rng = StdRng::seed_from_u64((backroom as u64).wrapping_mul(1_000_003) ^ round);
    order.shuffle(&mut rng);
    Some(order[agent_turns % seats.len()])
}

/// Natural: an agent named in the last turn speaks next (the first named);
/// else each of the others speaks with its talkativeness as probability
/// (in random order); if none does, one at random.
pub fn natural(seats: &[Seat<'_>], last: Option<&Spoken<'_>>, rng: &mut impl Rng) -> Option<i64> {
    let last_speaker = last.and_then(|t| t.participant);
    let others: Vec<&Seat<'_>> = seats
        .iter()
        .filter(|s| Some(s.id) != last_speaker || seats.len() == 1)
        .collect();
    if let Some(t) = last {
        let text = t.content.to_lowercase();
        let named = others
            .iter()
            .filter_map(|s| mention(&text, &s.name.to_lowercase()).map(|at| (at, s.id)))
            .min();
        if let Some((_, id)) = named {
            return Some(id);
        }
    }
    let mut shuffled = others.clone();
    shuffled.shuffle(rng);
    for s in &shuffled {
        if rng.gen::<f32>() < s.talkativeness {
            return Some(s.id);
        }
    }
    shuffled.first().map(|s| s.id)
}

/// Where `name` first appears in `text` as a whole word.
fn mention(text: &str, name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(name).map(|(at, _)| at).find(|&at| {
        boundary(text[..at].chars().next_back()) && boundary(text[at + name.len()..].chars().next())
    })
}

/// `action` when the whole turn is *between asterisks*, `thought` when it is
/// (in parentheses) or starts with "thinking:", else `message`.
pub fn kind_of(content: &str) -> TurnKind {
    let t = content.trim();
    let wrapped = |open: char, close: char| {
        t.len() > 2
            && t.starts_with(open)
            && t.ends_with(close)
            && !t[1..t.len() - 1].contains(close)
    };
    if wrapped('*', '*') {
        TurnKind::Action
    } else if wrapped('(', ')') || t.to_lowercase().starts_with("thinking:") {
        TurnKind::Thought
    } else {
        TurnKind::Message
    }
}

/// The first stop pattern the turn contains.
pub fn stop_pattern<'a>(content: &str, patterns: &'a [String]) -> Option<&'a str> {
    patterns
        .iter()
        .find(|p| !p.is_empty() && content.contains(p.as_str()))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats() -> Vec<Seat<'static>> {
        vec![
            Seat {
                id: 1,
                name: "Ada",
                talkativeness: 0.0,
            },
            Seat {
                id: 2,
                name: "Bob",
                talkativeness: 0.0,
            },
            Seat {
                id: 3,
                name: "Cy",
                talkativeness: 1.0,
            },
        ]
    }

    #[test]
    fn each_agent_sees_itself_as_assistant_and_others_by_name() {
        let turns = [
            Spoken {
                participant: Some(1),
                speaker: "Ada",
                content: "hi",
            },
            Spoken {
                participant: None,
                speaker: "Human",
                content: "hello all",
            },
            Spoken {
                participant: Some(2),
                speaker: "Bob",
                content: "yo",
            },
        ];
        let p = prompt_for(1, "Ada", "You are Ada.", "A room.", &turns, CONTEXT_CHARS);
        let roles: Vec<Role> = p.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [Role::System, Role::User, Role::Assistant, Role::User]
        );
        assert_eq!(p[0].content, "You are Ada.");
        assert_eq!(p[1].content, "A room.");
        assert_eq!(p[2].content, "hi");
        assert_eq!(p[3].content, "Human: hello all\n\nBob: yo");
        // Bob's view: Ada's turn is a user turn, merged after the scenario.
        let b = prompt_for(2, "Bob", "", "A room.", &turns, CONTEXT_CHARS);
        assert_eq!(b[0].content, "A room.\n\nAda: hi\n\nHuman: hello all");
        assert_eq!(b[1].role, Role::Assistant);
        assert_eq!(
            b.last().map(|m| m.content.as_str()),
            Some("[Continue as Bob.]")
        );
    }

    #[test]
    fn old_turns_are_dropped_to_fit_the_budget() {
        let long = "x".repeat(400);
        let turns: Vec<Spoken> = (0..10)
            .map(|i| Spoken {
                participant: Some(2),
                speaker: if i == 9 { "Last" } else { "Bob" },
                content: &long,
            })
            .collect();
        let p = prompt_for(1, "Ada", "", "S", &turns, 1000);
        let text: String = p.iter().map(|m| m.content.clone()).collect();
        assert!(text.len() <= 1100, "{}", text.len());
        assert!(text.contains("Last: "), "the newest turn is kept");
        assert!(text.starts_with('S'), "the scenario is kept");
    }

    #[test]
    fn turn_orders() {
        let s = seats();
        assert_eq!(round_robin(&s, 0), Some(1));
        assert_eq!(round_robin(&s, 4), Some(2));
        // Shuffled: every round is a permutation, and replays agree.
        for round in 0..5 {
            let mut got: Vec<i64> = (0..3)
                .filter_map(|i| shuffled(&s, round * 3 + i, 7))
                .collect();
            assert_eq!(shuffled(&s, round * 3, 7), Some(got[0]));
            got.sort();
            assert_eq!(got, [1, 2, 3]);
        }
        let mut rng = StdRng::seed_from_u64(1);
        let named = Spoken {
            participant: Some(3),
            speaker: "Cy",
            content: "What do you think, bob?",
        };
        assert_eq!(natural(&s, Some(&named), &mut rng), Some(2));
        // "Bobby" is not Bob; nobody named: Cy (talkativeness 1) speaks.
        let none = Spoken {
            participant: Some(1),
            speaker: "Ada",
            content: "Bobby said so",
        };
        for _ in 0..20 {
            assert_eq!(natural(&s, Some(&none), &mut rng), Some(3));
        }
        // Nobody wants to talk: still someone other than the last speaker.
        let quiet = [s[0].clone(), s[1].clone()];
        let last = Spoken {
            participant: Some(1),
            speaker: "Ada",
            content: "...",
        };
        assert_eq!(natural(&quiet, Some(&last), &mut rng), Some(2));
    }

    #[test]
    fn kinds_and_stop_patterns() {
        assert_eq!(kind_of("*walks to the door*"), TurnKind::Action);
        assert_eq!(kind_of("(I wonder about this)"), TurnKind::Thought);
        assert_eq!(kind_of("Thinking: maybe"), TurnKind::Thought);
        assert_eq!(kind_of("*a* and *b*"), TurnKind::Message);
        assert_eq!(kind_of("hello"), TurnKind::Message);
        let p = vec!["^C^C".to_string()];
        assert_eq!(stop_pattern("bye ^C^C", &p), Some("^C^C"));
        assert_eq!(stop_pattern("bye ^C", &p), None);
    }
}
