//! A small Server-Sent Events reader for provider streams read over
//! reqwest: comments and keep-alives skipped, `\n` or `\r\n` line ends,
//! multi-line `data:` joined.

use super::chat::LlmError;
use futures::stream::{BoxStream, Stream, StreamExt};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

/// Incremental parser: feed bytes, take whole events.
#[derive(Default)]
pub struct SseParser {
    buf: String,
    pending: Vec<u8>,
}

impl SseParser {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.pending.extend_from_slice(bytes);
        // Keep an incomplete UTF-8 sequence for the next chunk.
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]).to_string();
        self.pending.drain(..valid);
        self.buf.push_str(&text.replace("\r\n", "\n"));
        let mut out = Vec::new();
        while let Some(end) = self.buf.find("\n\n") {
            let block: String = self.buf.drain(..end + 2).collect();
            if let Some(ev) = parse_block(&block) {
                out.push(ev);
            }
        }
        out
    }

    /// True when bytes are left that never formed a whole event.
    pub fn has_partial(&self) -> bool {
        !self.buf.trim().is_empty()
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut ev = SseEvent::default();
    let mut data_lines = Vec::new();
    for line in block.lines() {
        if line.is_empty() || line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => ev.event = Some(value.to_string()),
            "data" => data_lines.push(value),
            _ => {}
        }
    }
    if data_lines.is_empty() && ev.event.is_none() {
        return None;
    }
    ev.data = data_lines.join("\n");
    Some(ev)
}

/// Turns a response body into SSE events; a transport error mid-stream is
/// reported as the stream being cut.
pub fn events<S, B, E>(body: S) -> BoxStream<'static, Result<SseEvent, LlmError>>
where
    S: Stream<Item = Result<B, E>> + Send + 'static,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let parser = SseParser::default();
    futures::stream::unfold(
        (
            Box::pin(body),
            parser,
            std::collections::VecDeque::new(),
            false,
        ),
        |(mut body, mut parser, mut queue, done)| async move {
            loop {
                if let Some(ev) = queue.pop_front() {
                    return Some((Ok(ev), (body, parser, queue, done)));
                }
                if done {
                    return None;
                }
                match body.next().await {
                    Some(Ok(bytes)) => queue.extend(parser.feed(bytes.as_ref())),
                    Some(Err(_)) => return Some((Err(LlmError::Cut), (body, parser, queue, true))),
                    None => {
                        if parser.has_partial() {
                            return Some((Err(LlmError::Cut), (body, parser, queue, true)));
                        }
                        return None;
                    }
                }
            }
        },
    )
    .fuse()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_split_events_comments_and_crlf() {
        let mut p = SseParser::default();
        assert!(
            p.feed(b": keep-alive\n\nevent: ping\r\ndata: {}\r\n\r\nda")
                .len()
                == 1
        );
        let evs = p.feed("ta: {\"t\":\"h\u{e9}\"}\n\n".as_bytes());
        assert_eq!(
            evs,
            vec![SseEvent {
                event: None,
                data: "{\"t\":\"hé\"}".into()
            }]
        );
        // A multi-byte character split across chunks.
        let bytes = "data: é\n\n".as_bytes();
        assert!(p.feed(&bytes[..7]).is_empty());
        assert_eq!(p.feed(&bytes[7..])[0].data, "é");
        assert!(!p.has_partial());
    }
}
