//! Chat threads: owner-only CRUD with keyset pagination, and preparing a
//! turn (the user's message, the reply placeholder, the model to call).
//! Each part lives in a module of its own; every public item is
//! re-exported here.

mod begin;
mod branches;
pub mod exchange;
mod limits;
mod list;
mod read;
mod turn;
mod write;

pub use begin::{begin_edit, begin_regenerate, begin_turn, title_from};
pub use branches::{select, tip, versions};
pub use limits::{CONTENT_MAX, MESSAGES_MAX, MESSAGES_PAGE, PAGE_DEFAULT, PAGE_MAX, TITLE_MAX};
pub use list::{list, Filter};
pub use read::{bound_agent, get, get_around, get_with, owned, share_token, Branches, Window};
pub use turn::{resolve_model, target, Turn, TurnProvider, EXCERPTS_BUDGET};
pub use write::{create, delete, update};
