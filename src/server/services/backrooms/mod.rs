//! Backrooms: owner-only CRUD, the run's state changes, and the two steps
//! the engine asks for each turn ([`next_step`], [`after_turn`]). The pure
//! rules (turn order, prompts, kinds) are in `backroom_rules`. Each part
//! lives in a module of its own; every public item is re-exported here.

mod analytics;
mod cast;
mod compare;
mod creation;
mod fork;
mod guards;
mod limits;
mod publish;
mod read;
mod run_state;
mod schedule;
mod template;
mod turn_taking;
mod whispers;

pub use analytics::analytics;
pub use cast::{enter, leave};
pub use compare::compare;
pub use creation::{create, delete};
pub use fork::fork;
pub use guards::{
    check as check_guards, get as guards, init as init_guards, input_of as guard_settings,
    set as set_guards,
};
pub use limits::{
    DEFAULT_STOP, INTERJECTION_MAX, MAX_TURNS, PATTERNS_MAX, PATTERN_MAX, SCENARIO_MAX, TITLE_MAX,
};
pub use publish::{find as find_published, public_view, publication, publish, revoke, Published};
pub use read::{
    get, is_human, list, load, owned, owner, participants, turn_count, turn_view, turns, view,
};
pub use run_state::{finish, mark_interrupted, pause_for, pick, transition};
pub use schedule::{
    claim_due as claim_due_schedules, clear as clear_schedule, record as record_schedule,
    runner as schedule_runner, set as set_schedule, start_run as start_scheduled_run, Due,
};
pub use template::import_template;
pub use turn_taking::{after_turn, interject, next_step, After, Step};
pub use whispers::{
    agent_turn_names as agent_whispered_to, names_for as whispered_to,
    names_of_run as whispers_of_run,
};
