//! Following a reply as it is written.

use super::bubble::Bubble;
use crate::model::chat::{MessageStatus, ReplyLine};
use crate::serverfns::chat::follow_reply;
use crate::ui::browser;
use crate::ui::line_stream::{follow_lines, json, End, Retry, Step};
use leptos::prelude::*;

/// Drops in a row before the page stops trying.
const GIVE_UP_AFTER: u32 = 60;

/// Follows a reply until it ends, reconnecting from the last sequence
/// number after a drop (and at once when the page becomes visible again).
pub(super) async fn follow(bubble: Bubble, streaming: RwSignal<Option<i64>>, wake: RwSignal<u32>) {
    let id = bubble.id;
    // Told when it ends while the page is hidden; a tap opens it.
    let notify = move |title: &str, body: &str| {
        browser::notify_if_hidden(title, body, &format!("{}#m-{id}", browser::path()));
    };
    let seen = bubble.content.with_untracked(|c| c.len()) as u64;
    let end = follow_lines(
        seen,
        move |after| async move { follow_reply(id, after).await.map(|s| s.into_inner()) },
        json::<ReplyLine>,
        |event| match event {
            ReplyLine::Delta(seq, text) => {
                bubble.content.update(|c| c.push_str(&text));
                browser::follow_bottom();
                Step::More(Some(seq))
            }
            ReplyLine::Block(from, to, html) => {
                bubble.settled.update(|(at, done)| {
                    // From the start again after a reconnect; otherwise
                    // the next block.
                    if from == 0 {
                        done.clear();
                    } else if from as usize != *at {
                        return;
                    }
                    done.push_str(&html);
                    *at = to as usize;
                });
                Step::More(None)
            }
            ReplyLine::Done(status) => {
                bubble.status.set(status);
                streaming.set(None);
                let title = match status {
                    MessageStatus::Complete => "Reply ready",
                    _ => "Reply stopped",
                };
                notify(title, &bubble.content.get_untracked());
                // How it ended ("Stopped", the buttons) comes into view.
                browser::reveal(&format!("m-{}", bubble.id));
                Step::Stop
            }
            ReplyLine::Error(message) => {
                notify("The reply failed", &message);
                bubble.status.set(MessageStatus::Error);
                bubble.error.set(Some(message));
                streaming.set(None);
                browser::reveal(&format!("m-{}", bubble.id));
                Step::Stop
            }
        },
        Retry {
            wake,
            give_up_after: Some(GIVE_UP_AFTER),
            finished: || false,
        },
    )
    .await;
    match end {
        End::Stopped => bubble.render().await,
        End::GaveUp => {
            bubble.error.set(Some(
                "Lost the connection to the server. Reload to see the reply.".into(),
            ));
            streaming.set(None);
        }
        End::Finished => {}
    }
}
