//! Text that both the pages and the server produce: dates, query values,
//! the sign-in notices, and (server only) markdown with code highlighting.
//! It imports nothing of `ui/`, so `server/` and `serverfns/` never need to.

pub mod format;
#[cfg(feature = "ssr")]
pub mod highlight;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod markdown_blocks;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod plain;
