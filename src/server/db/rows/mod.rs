//! Diesel row types: `NewX` to insert, `X` as read. They stay on the server;
//! the UI sees `crate::model` types. One module per table group; every type
//! is re-exported here, so `db::rows::X` names each of them.

mod accounts;
mod agents;
mod attachments;
mod backrooms;
mod messages;
mod providers;
mod threads;

pub use accounts::{NewUser, SessionRow, User};
pub use agents::{Agent, AgentFields, NewAvatar};
pub use attachments::{Attachment, NewAttachment};
pub use backrooms::{Backroom, NewBackroomRow, NewParticipant, Participant};
pub use messages::{FullMessage, Message, MessageEnd, NewMessage, NewTurn};
pub use providers::{
    ModelChanges, NewProvider, NewProviderModel, Provider, ProviderChanges, ProviderModel,
};
pub use threads::{NewThreadRow, Thread, ThreadChanges};
