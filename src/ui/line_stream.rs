//! Following a streaming server function that answers newline-framed lines
//! (a chat reply, a backroom run): the lines are split out of the chunks
//! (a line may arrive in pieces), the resume point is remembered, and a
//! dropped connection is opened again from it after a pause that grows
//! with each failure in a row (and ends at once when the page is visible
//! again), until a line says it was the last or the caller gives up.

use crate::ui::browser;
use futures::{Stream, StreamExt};
use leptos::prelude::*;
use std::future::Future;

/// What the handler of a line asks for next.
pub enum Step {
    /// Keep reading; with `Some(point)` a reconnect resumes after `point`
    /// (or later, if it had already got further).
    More(Option<u64>),
    /// The stream said its last word: stop following.
    Stop,
}

/// Why following ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// A line's handler answered [`Step::Stop`].
    Stopped,
    /// The connection closed and [`Retry::finished`] said nothing more comes.
    Finished,
    /// More drops in a row than [`Retry::give_up_after`].
    GaveUp,
}

/// How a dropped connection is opened again.
pub struct Retry<F> {
    /// Bumped when the page becomes visible again: cuts a pause short.
    pub wake: RwSignal<u32>,
    /// Drops in a row before giving up; `None` retries for ever.
    pub give_up_after: Option<u32>,
    /// Asked after each drop: true when there is nothing more to follow.
    pub finished: F,
}

/// A pause is this many ticks of [`TICK_MS`]: one second more for each
/// failure in a row, up to ten.
pub fn pause_ticks(failures: u32) -> u32 {
    failures.min(10) * 4
}

pub const TICK_MS: i32 = 250;

/// The text of a stream, cut into lines: a line that arrives in pieces
/// waits here until its newline does.
#[derive(Default)]
pub struct Lines {
    buf: String,
}

impl Lines {
    pub fn push(&mut self, chunk: &str) {
        self.buf.push_str(chunk);
    }

    /// The next complete line, without its newline and surrounding blanks.
    pub fn next_line(&mut self) -> Option<String> {
        // One copy per line (this runs for every delta of a reply).
        let end = self.buf.find('\n')?;
        let line = self.buf[..end].trim().to_string();
        self.buf.drain(..=end);
        Some(line)
    }
}

/// A JSON line as `T`; lines that are not one are skipped.
pub fn json<T: serde::de::DeserializeOwned>(line: &str) -> Option<T> {
    serde_json::from_str(line).ok()
}

/// Follows the stream `open(after)` answers, handing each line `parse`
/// understood to `on_line`, until a handler stops it, `retry.finished`
/// says the stream is over after a drop, or it gives up.
pub async fn follow_lines<T, S, E, OpenError, Opened>(
    mut after: u64,
    mut open: impl FnMut(u64) -> Opened,
    parse: impl Fn(&str) -> Option<T>,
    mut on_line: impl FnMut(T) -> Step,
    retry: Retry<impl Fn() -> bool>,
) -> End
where
    Opened: Future<Output = Result<S, OpenError>>,
    S: Stream<Item = Result<String, E>>,
{
    let mut failures = 0u32;
    loop {
        if let Ok(stream) = open(after).await {
            let mut stream = std::pin::pin!(stream);
            let mut lines = Lines::default();
            while let Some(Ok(chunk)) = stream.next().await {
                failures = 0;
                lines.push(&chunk);
                while let Some(line) = lines.next_line() {
                    let Some(event) = parse(&line) else {
                        continue;
                    };
                    match on_line(event) {
                        Step::More(Some(point)) => after = after.max(point),
                        Step::More(None) => {}
                        Step::Stop => return End::Stopped,
                    }
                }
            }
        }
        if (retry.finished)() {
            return End::Finished;
        }
        failures += 1;
        if retry.give_up_after.is_some_and(|most| failures > most) {
            return End::GaveUp;
        }
        // Wait a little, or less if the page just came back into view.
        let before = retry.wake.get_untracked();
        for _ in 0..pause_ticks(failures) {
            browser::sleep_ms(TICK_MS).await;
            if retry.wake.get_untracked() != before {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn lines_split_across_chunks_wait_for_their_newline() {
        let mut lines = Lines::default();
        lines.push("[\"a\"]\n[\"b");
        assert_eq!(lines.next_line().as_deref(), Some("[\"a\"]"));
        assert_eq!(lines.next_line(), None);
        lines.push("\"]\r\n\n[");
        assert_eq!(lines.next_line().as_deref(), Some("[\"b\"]"));
        assert_eq!(lines.next_line().as_deref(), Some(""));
        assert_eq!(lines.next_line(), None);
    }

    #[test]
    fn pauses_grow_a_second_a_failure_up_to_ten() {
        let secs: Vec<u32> = [1, 2, 9, 10, 11, 60]
            .iter()
            .map(|f| pause_ticks(*f) * TICK_MS as u32 / 1000)
            .collect();
        assert_eq!(secs, [1, 2, 9, 10, 10, 10]);
    }

    type Chunks = futures::stream::Iter<std::vec::IntoIter<Result<String, ()>>>;

    /// Each connection answers the next list of chunks (an empty list: the
    /// stream closes at once; none left: the call fails).
    fn server(
        connections: Vec<Vec<&'static str>>,
        asked: Rc<RefCell<Vec<u64>>>,
    ) -> impl FnMut(u64) -> std::future::Ready<Result<Chunks, ()>> {
        let mut connections = connections.into_iter();
        move |after| {
            asked.borrow_mut().push(after);
            std::future::ready(connections.next().ok_or(()).map(|chunks| {
                futures::stream::iter(
                    chunks
                        .into_iter()
                        .map(|c| Ok(c.to_string()))
                        .collect::<Vec<_>>(),
                )
            }))
        }
    }

    fn retry(give_up_after: Option<u32>) -> Retry<impl Fn() -> bool> {
        Retry {
            wake: RwSignal::new(0),
            give_up_after,
            finished: || false,
        }
    }

    #[test]
    fn resumes_after_the_last_point_and_stops_on_the_last_word() {
        Owner::new().with(resumes_after_the_last_point_and_stops_on_the_last_word_here);
    }

    fn resumes_after_the_last_point_and_stops_on_the_last_word_here() {
        let asked = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let got = seen.clone();
        let open = server(
            vec![
                vec!["[1,\"he\"]\n[2,", "\"llo\"]\nnot json\n[3,\"cut"],
                vec![],
                vec!["[3,\" there\"]\n[0,\"end\"]\n[4,\"never\"]\n"],
            ],
            asked.clone(),
        );
        let end = futures::executor::block_on(follow_lines(
            0,
            open,
            json::<(u64, String)>,
            move |(point, text)| {
                got.borrow_mut().push(text);
                if point == 0 {
                    Step::Stop
                } else {
                    Step::More(Some(point))
                }
            },
            retry(None),
        ));
        assert_eq!(end, End::Stopped);
        assert_eq!(*asked.borrow(), [0, 2, 2]);
        assert_eq!(*seen.borrow(), ["he", "llo", " there", "end"]);
    }

    #[test]
    fn gives_up_after_so_many_drops_in_a_row() {
        Owner::new().with(gives_up_after_so_many_drops_in_a_row_here);
    }

    fn gives_up_after_so_many_drops_in_a_row_here() {
        let asked = Rc::new(RefCell::new(Vec::new()));
        let open = server(vec![vec!["[5,\"x\"]\n"]], asked.clone());
        let end = futures::executor::block_on(follow_lines(
            0,
            open,
            json::<(u64, String)>,
            |(point, _)| Step::More(Some(point)),
            retry(Some(3)),
        ));
        assert_eq!(end, End::GaveUp);
        // The first connection closed (one), then the calls failed (two,
        // three, and four: one too many).
        assert_eq!(*asked.borrow(), [0, 5, 5, 5]);
    }

    #[test]
    fn a_finished_stream_is_not_opened_again() {
        Owner::new().with(a_finished_stream_is_not_opened_again_here);
    }

    fn a_finished_stream_is_not_opened_again_here() {
        let asked = Rc::new(RefCell::new(Vec::new()));
        let open = server(vec![vec!["[7,\"x\"]\n"], vec![]], asked.clone());
        let done = Rc::new(RefCell::new(false));
        let mark = done.clone();
        let end = futures::executor::block_on(follow_lines(
            3,
            open,
            json::<(u64, String)>,
            move |(point, _)| {
                *mark.borrow_mut() = true;
                Step::More(Some(point))
            },
            Retry {
                wake: RwSignal::new(0),
                give_up_after: None,
                finished: move || *done.borrow(),
            },
        ));
        assert_eq!(end, End::Finished);
        assert_eq!(*asked.borrow(), [3]);
    }
}
