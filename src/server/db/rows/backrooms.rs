//! Rows of `backrooms` and `backroom_participants`: runs and their seats.

use crate::model::backroom::{BackroomState, TurnOrder};
use crate::server::db::schema::{backroom_participants, backrooms};
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = backrooms)]
pub struct Backroom {
    pub id: i64,
    pub user_id: i64,
    pub thread_id: i64,
    pub title: String,
    pub scenario: String,
    pub turn_order: TurnOrder,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: String,
    pub token_budget: Option<i64>,
    pub state: BackroomState,
    pub state_reason: Option<String>,
    pub tokens_used: i64,
    pub next_participant: Option<i64>,
    pub forked_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = backrooms)]
pub struct NewBackroomRow {
    pub user_id: i64,
    pub thread_id: i64,
    pub title: String,
    pub scenario: String,
    pub turn_order: TurnOrder,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: String,
    pub token_budget: Option<i64>,
    pub state: BackroomState,
    pub forked_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = backroom_participants)]
pub struct Participant {
    pub id: i64,
    pub backroom_id: i64,
    pub position: i32,
    pub agent_id: Option<i64>,
    pub name: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
}

#[derive(Insertable)]
#[diesel(table_name = backroom_participants)]
pub struct NewParticipant {
    pub backroom_id: i64,
    pub position: i32,
    pub agent_id: Option<i64>,
    pub name: String,
    pub avatar: String,
    pub avatar_image: Option<String>,
    pub color: String,
    pub system_prompt: String,
    pub model_id: Option<i64>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
}
