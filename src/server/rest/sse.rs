//! The REST API's one Server-Sent Events encoder: each item becomes an
//! event with its resume id (what `Last-Event-ID` sends back), an optional
//! event name and its JSON, with a keep-alive comment every 15 s.

use axum::http::header::{HeaderName, CACHE_CONTROL, CONTENT_TYPE};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;

/// What one item of a stream says on the wire.
pub struct Item<'a, T: Serialize> {
    pub id: u64,
    pub name: Option<&'static str>,
    pub data: &'a T,
}

pub fn events<F, T>(
    frames: BoxStream<'static, F>,
    encode: fn(&F) -> Item<'_, T>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>>
where
    F: Send + 'static,
    T: Serialize + 'static,
{
    let events = frames.map(move |f| {
        let item = encode(&f);
        let data = serde_json::to_string(item.data).unwrap_or_else(|_| "{}".into());
        let event = Event::default().id(item.id.to_string()).data(data);
        Ok(match item.name {
            Some(name) => event.event(name),
            None => event,
        })
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The headers of a stream already in Server-Sent Events form.
pub const STREAM_HEADERS: [(HeaderName, &str); 2] = [
    (CONTENT_TYPE, "text/event-stream"),
    (CACHE_CONTROL, "no-cache"),
];

/// A stream already in Server-Sent Events form (a backroom's shared
/// stage writes its own, with its keep-alives).
pub fn stream(body: BoxStream<'static, axum::body::Bytes>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        STREAM_HEADERS,
        axum::body::Body::from_stream(body.map(Ok::<_, Infallible>)),
    )
        .into_response()
}
