//! The account archive: everything of one user (folders, agents, threads,
//! notes, prompts, backrooms) as one JSON document. It holds no database
//! ids: things refer to each other by their index in the archive's lists,
//! so an archive imports into any account and exporting that account again
//! gives the same document. Models are named by provider and model id.

use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "backrooms-account";
pub const VERSION: u32 = 1;

/// A whole account as one JSON document (`GET /api/export`,
/// `POST /api/import`). Times are Unix seconds; things refer to each other
/// by their index in these lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Archive {
    /// Always `backrooms-account`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    pub exported_at: i64,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub folders: Vec<Folder>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub threads: Vec<Thread>,
    #[serde(default)]
    pub notes: Vec<Text>,
    #[serde(default)]
    pub prompts: Vec<Text>,
    #[serde(default)]
    pub backrooms: Vec<Backroom>,
    /// Uploaded pictures and documents, referred to by messages and agents'
    /// knowledge shelves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<File>,
}

/// An uploaded picture or document, base64: its kind, type, size and
/// text are read again from the bytes on import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveFile))]
pub struct File {
    pub name: String,
    pub data: String,
    pub created_at: i64,
}

/// An excerpt a reply was given, as it cites it (`[n]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveSource))]
pub struct Source {
    pub n: i32,
    /// Index into `files`.
    pub file: usize,
    /// Where the excerpt starts in the file's text (characters).
    pub position: i32,
    pub page: Option<i32>,
}

/// An uploaded avatar image, base64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveImage))]
pub struct Image {
    pub data: String,
}

/// A model by its provider's name and the model's id at that provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveModelRef))]
pub struct ModelRef {
    pub provider: String,
    pub model: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveFolder))]
pub struct Folder {
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveAgent))]
pub struct Agent {
    pub name: String,
    pub description: String,
    pub avatar: String,
    /// Index into `images`.
    pub image: Option<usize>,
    pub color: String,
    pub system_prompt: String,
    pub model: Option<ModelRef>,
    pub model_lost: bool,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
    pub created_at: i64,
    pub updated_at: i64,
    /// The knowledge shelf: indexes into `files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knowledge: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveThread))]
pub struct Thread {
    pub title: String,
    pub model: Option<ModelRef>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
    pub pinned: bool,
    pub archived: bool,
    /// Index into `folders`.
    pub folder: Option<usize>,
    /// Index into `agents` (only the user's own agents are in an archive).
    pub agent: Option<usize>,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub messages: Vec<Message>,
}

/// A message of a thread or a turn of a backroom, with all that is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveMessage))]
pub struct Message {
    /// `user`, `assistant` or `system`.
    pub role: String,
    pub content: String,
    /// A message status word (`complete`, `error`, ...).
    pub status: String,
    pub model_sdk_id: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub ttft_ms: Option<i32>,
    pub total_ms: Option<i32>,
    pub finish_reason: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Backroom turns: the speaking seat (its position), name and kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// `message`, `action` or `thought`.
    pub kind: String,
    /// A thread with versions (regenerated or edited messages): the index
    /// of the message this one follows. When no message of a thread has
    /// one, each follows the one before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// An older version, not on the branch the thread shows.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// The files it went out with, in order: indexes into `files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<usize>,
    /// The excerpts a reply was given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// A note or a prompt template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveText))]
pub struct Text {
    pub title: String,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveBackroom))]
pub struct Backroom {
    pub title: String,
    pub scenario: String,
    /// A turn order word (`round_robin`, `shuffled`, `natural`, `manual`).
    pub turn_order: String,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: Vec<String>,
    pub token_budget: Option<i64>,
    /// Its guards' settings (absent in older archives: the defaults).
    #[serde(default)]
    pub guards: Option<crate::model::backroom::GuardsInput>,
    /// A backroom state word (`draft`, `running`, ...).
    pub state: String,
    pub state_reason: Option<String>,
    pub tokens_used: i64,
    /// Manual order: the seat (position) picked to speak next.
    pub next_seat: Option<i32>,
    /// Index into `backrooms`, when forked from one in the archive.
    pub forked_from: Option<usize>,
    pub created_at: i64,
    pub updated_at: i64,
    pub participants: Vec<Participant>,
    pub turns: Vec<Message>,
}

/// A backroom's seat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ArchiveParticipant))]
pub struct Participant {
    pub position: i32,
    /// Index into `agents`, while the agent it was taken from exists.
    pub agent: Option<usize>,
    pub name: String,
    pub avatar: String,
    /// Index into `images`.
    pub image: Option<usize>,
    pub color: String,
    pub system_prompt: String,
    pub model: Option<ModelRef>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
}

/// What an import added.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub folders: usize,
    pub agents: usize,
    pub threads: usize,
    pub messages: usize,
    pub notes: usize,
    pub prompts: usize,
    pub backrooms: usize,
    pub images: usize,
    /// Pictures and documents.
    #[serde(default)]
    pub files: usize,
    /// Models named in the archive that this server does not have; those
    /// threads and agents use the default model.
    pub unknown_models: Vec<String>,
    /// Folders renamed because the account already had one of that name.
    pub renamed_folders: usize,
}

impl ImportSummary {
    /// "Imported 3 threads (41 messages), 2 agents, …".
    pub fn sentence(&self) -> String {
        let mut parts = vec![format!(
            "{} thread(s) ({} message(s))",
            self.threads, self.messages
        )];
        for (n, what) in [
            (self.agents, "agent(s)"),
            (self.backrooms, "backroom(s)"),
            (self.notes, "note(s)"),
            (self.prompts, "prompt(s)"),
            (self.folders, "folder(s)"),
            (self.files, "file(s)"),
        ] {
            parts.push(format!("{n} {what}"));
        }
        let mut s = format!("Imported {}.", parts.join(", "));
        if self.renamed_folders > 0 {
            s.push_str(&format!(
                " {} folder(s) got a number after the name: you already had one so named.",
                self.renamed_folders
            ));
        }
        if !self.unknown_models.is_empty() {
            s.push_str(&format!(
                " Not on this server, so the default model is used instead: {}.",
                self.unknown_models.join(", ")
            ));
        }
        s
    }
}
