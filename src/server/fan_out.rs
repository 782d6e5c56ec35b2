//! Writing a stage's frames to thousands of off-socket viewers
//! (`raw_sse`). A writer task per stage (one per two worker threads of the
//! runtime, viewers dealt out in turn) owns its viewers' sockets. When the
//! stage changes, it goes through them once, takes each viewer's new
//! chunk from its feed and writes it with a non-blocking `try_write`: no
//! task is woken or polled per viewer and frame.
//!
//! A viewer whose socket is full keeps the rest of its chunk and waits on
//! its own until the socket takes more, so it never holds up the others;
//! meanwhile its feed may skip it ahead, and one that takes nothing for
//! [`STALL`] is let go. Each socket is also watched for its viewer hanging
//! up, so the viewer stops counting at once when the room is quiet, and
//! by the end of the next pass while it streams: a writer acts on these
//! waits, and closes the viewers it let go, between two passes.

use crate::server::engine::rooms::ViewerFeed;
use axum::body::Bytes;
use futures::future::{AbortHandle, Abortable, BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::Shutdown;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// How long a viewer's full socket may take nothing before it is let go.
pub const STALL: Duration = Duration::from_secs(60);
/// Viewers written between two chances for the thread's other tasks.
const BATCH: usize = 1024;

/// A stage (its feeds' key) and which of its writers.
type Key = (usize, usize);
type Incoming = (TcpStream, ViewerFeed);

/// Where off-socket viewers are handed over to be written to.
#[derive(Clone)]
pub struct Writers {
    inner: Arc<Inner>,
}

struct Inner {
    /// The writer tasks alive, by stage and number. A writer with no
    /// viewers left removes itself under this lock, so a viewer sent while
    /// the entry is there always reaches a writer.
    writers: Mutex<HashMap<Key, mpsc::UnboundedSender<Incoming>>>,
    per_stage: usize,
    next: AtomicUsize,
    stop: CancellationToken,
}

impl Writers {
    /// `per_stage` writers (at least one) for each stage with viewers;
    /// every stream ends when `stop` is cancelled.
    pub fn start(per_stage: usize, stop: CancellationToken) -> Writers {
        Writers {
            inner: Arc::new(Inner {
                writers: Mutex::new(HashMap::new()),
                per_stage: per_stage.max(1),
                next: AtomicUsize::new(0),
                stop,
            }),
        }
    }

    /// One writer per stage for every two worker threads of the current
    /// runtime (at least one): the sending is mostly the kernel's, and the
    /// other threads keep serving requests and running the rooms.
    /// Measured on two cores with ten thousand viewers (the bench's viewers
    /// on the same cores): one writer p99 88-112 ms, two 155-166 ms.
    pub fn for_sending(stop: CancellationToken) -> Writers {
        let workers = tokio::runtime::Handle::current().metrics().num_workers();
        Writers::start(workers.div_ceil(2), stop)
    }

    /// Writes `feed` to `socket` (its response head already sent) until
    /// the feed ends, the viewer hangs up or stalls, or the server stops.
    pub fn add(&self, socket: TcpStream, feed: ViewerFeed) {
        let inner = &self.inner;
        let n = inner.next.fetch_add(1, Ordering::Relaxed) % inner.per_stage;
        let key = (feed.stage_key(), n);
        let mut writers = inner.writers.lock().unwrap_or_else(|e| e.into_inner());
        let viewer = match writers.get(&key) {
            Some(tx) => match tx.send((socket, feed)) {
                Ok(()) => return,
                Err(back) => back.0,
            },
            None => (socket, feed),
        };
        let changes = viewer.1.changes();
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(viewer);
        writers.insert(key, tx);
        // Outside tokio's budget: its waits (new viewers, the stage, the
        // sockets' readiness) would spend it and be answered "not now"
        // (measured when viewers were futures: p99 over a second). A
        // writer gives way every `BATCH` viewers instead.
        tokio::spawn(tokio::task::unconstrained(write(
            inner.clone(),
            key,
            rx,
            changes,
        )));
    }
}

struct Viewer {
    socket: Arc<TcpStream>,
    feed: ViewerFeed,
    /// What the socket has not taken yet of the last chunk.
    rest: Option<Bytes>,
    /// Stops watching for the viewer hanging up.
    watch: AbortHandle,
}

/// What a viewer's own wait came to.
enum Wake {
    /// The socket takes more again.
    Writable(u64),
    /// The viewer hung up, or took nothing for `STALL`.
    Gone(u64),
    /// A watch stopped because its viewer was let go.
    Forgotten,
}

/// What writing to a viewer came to.
enum Served {
    /// Everything it has is written.
    Idle,
    /// Its socket is full: it waits on its own.
    Blocked,
    /// Its feed ended and everything was written.
    Done,
    /// Its socket failed.
    Gone,
}

/// One writer's viewers, and what each waits on of its own.
#[derive(Default)]
struct Group {
    viewers: HashMap<u64, Viewer>,
    /// Viewers let go whose sockets are yet to be closed. A close is a
    /// send of its own, so no more than `BATCH` are closed between two
    /// passes (the rest when no pass is due): when a run ends, the viewers
    /// still waiting for its last words are not held up by closing all
    /// those the end has reached.
    closing: Vec<Viewer>,
    waits: FuturesUnordered<BoxFuture<'static, Wake>>,
    ids: u64,
}

/// One writer: the viewers of one stage given to it, until none is left.
async fn write(
    inner: Arc<Inner>,
    key: Key,
    mut incoming: mpsc::UnboundedReceiver<Incoming>,
    mut changes: watch::Receiver<u64>,
) {
    let mut group = Group::default();
    let stop = inner.stop.clone();
    let stopped = stop.cancelled();
    tokio::pin!(stopped);
    let mut stage_open = true;
    loop {
        tokio::select! {
            biased;
            () = &mut stopped => break,
            new = incoming.recv() => match new {
                Some((socket, feed)) => group.admit(socket, feed),
                None => break,
            },
            changed = changes.changed(), if stage_open => {
                // Every feed holds its stage, so this stays open while
                // there are viewers; closed, it must not be waited on again.
                stage_open = changed.is_ok();
                changes.borrow_and_update();
                group.pass().await;
                // Under load the stage has changed again by the end of a
                // pass, and this branch would come first every time: what
                // else is due gets a turn between two passes.
                group.close_some();
                group.wake_ready();
            }
            () = std::future::ready(()), if !group.closing.is_empty() => {
                group.close_some();
                tokio::task::yield_now().await;
            }
            Some(wake) = group.waits.next(), if !group.waits.is_empty() => group.wake(wake),
        }
        if group.viewers.is_empty() && group.closing.is_empty() {
            let mut writers = inner.writers.lock().unwrap_or_else(|e| e.into_inner());
            match incoming.try_recv() {
                Ok((socket, feed)) => {
                    drop(writers);
                    group.admit(socket, feed);
                }
                Err(_) => {
                    writers.remove(&key);
                    return;
                }
            }
        }
    }
    // The server stops: every stream ends.
    {
        let mut writers = inner.writers.lock().unwrap_or_else(|e| e.into_inner());
        writers.remove(&key);
    }
    incoming.close();
    while let Ok((socket, _)) = incoming.try_recv() {
        let _ = socket2::SockRef::from(&socket).shutdown(Shutdown::Write);
    }
    for v in group.viewers.into_values().chain(group.closing) {
        close(v);
    }
}

impl Group {
    /// Takes a new viewer in: its catch-up goes out at once.
    fn admit(&mut self, socket: TcpStream, feed: ViewerFeed) {
        self.ids += 1;
        let id = self.ids;
        let socket = Arc::new(socket);
        let (watch, registration) = AbortHandle::new_pair();
        self.waits.push(
            Abortable::new(hang_up(socket.clone()), registration)
                .map(move |r| match r {
                    Ok(()) => Wake::Gone(id),
                    Err(_) => Wake::Forgotten,
                })
                .boxed(),
        );
        let mut v = Viewer {
            socket,
            feed,
            rest: None,
            watch,
        };
        // Its catch-up was made as it joined: what came since (or the end,
        // which the stage may have reached before this writer's `changes`
        // began) is read afresh after it.
        let served = match serve(&mut v) {
            Served::Idle => serve(&mut v),
            other => other,
        };
        self.viewers.insert(id, v);
        self.settle(id, served);
    }

    /// Every viewer not waiting on its socket gets what is new for it.
    async fn pass(&mut self) {
        let mut ended = Vec::new();
        for (i, (id, v)) in self.viewers.iter_mut().enumerate() {
            if i % BATCH == BATCH - 1 {
                tokio::task::yield_now().await;
            }
            if v.rest.is_some() {
                continue;
            }
            match serve(v) {
                Served::Idle => {}
                Served::Blocked => self.waits.push(writable(*id, v.socket.clone())),
                Served::Done | Served::Gone => ended.push(*id),
            }
        }
        for id in ended {
            self.let_go(id);
        }
    }

    /// Acts on what a viewer's own wait came to.
    fn wake(&mut self, wake: Wake) {
        match wake {
            Wake::Writable(id) => {
                if let Some(v) = self.viewers.get_mut(&id) {
                    let served = serve(v);
                    self.settle(id, served);
                }
            }
            Wake::Gone(id) => self.let_go(id),
            Wake::Forgotten => {}
        }
    }

    /// Acts on up to `BATCH` waits that have come to something, without
    /// waiting for any.
    fn wake_ready(&mut self) {
        for _ in 0..BATCH {
            match self.waits.next().now_or_never() {
                Some(Some(wake)) => self.wake(wake),
                _ => return,
            }
        }
    }

    fn settle(&mut self, id: u64, served: Served) {
        match served {
            Served::Idle => {}
            Served::Blocked => {
                if let Some(v) = self.viewers.get(&id) {
                    self.waits.push(writable(id, v.socket.clone()));
                }
            }
            Served::Done | Served::Gone => self.let_go(id),
        }
    }

    fn let_go(&mut self, id: u64) {
        if let Some(v) = self.viewers.remove(&id) {
            self.closing.push(v);
        }
    }

    /// Closes up to `BATCH` of the viewers let go.
    fn close_some(&mut self) {
        let from = self.closing.len().saturating_sub(BATCH);
        for v in self.closing.drain(from..) {
            close(v);
        }
    }
}

/// Writes what the viewer has waiting, without blocking.
fn serve(v: &mut Viewer) -> Served {
    loop {
        let (chunk, was_rest) = match v.rest.take() {
            Some(rest) => (rest, true),
            None => match v.feed.take() {
                Some(chunk) => (chunk, false),
                None if v.feed.is_done() => return Served::Done,
                None => return Served::Idle,
            },
        };
        match v.socket.try_write(&chunk) {
            // The rest of an earlier chunk went: there may be more since.
            Ok(n) if n == chunk.len() && was_rest => {}
            Ok(n) if n == chunk.len() && v.feed.is_done() => return Served::Done,
            Ok(n) if n == chunk.len() => return Served::Idle,
            Ok(n) => {
                v.rest = Some(chunk.slice(n..));
                return Served::Blocked;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                v.rest = Some(chunk);
                return Served::Blocked;
            }
            Err(_) => return Served::Gone,
        }
    }
}

/// Ends the viewer's stream: the response ends with the connection.
fn close(v: Viewer) {
    v.watch.abort();
    let _ = socket2::SockRef::from(&*v.socket).shutdown(Shutdown::Write);
}

/// Waits until the socket takes more (or the viewer stalled too long).
fn writable(id: u64, socket: Arc<TcpStream>) -> BoxFuture<'static, Wake> {
    async move {
        match tokio::time::timeout(STALL, socket.writable()).await {
            Ok(Ok(())) => Wake::Writable(id),
            _ => Wake::Gone(id),
        }
    }
    .boxed()
}

/// Ends when the viewer hangs up. What it sends after its request is
/// dropped.
async fn hang_up(socket: Arc<TcpStream>) {
    let mut ignored = [0u8; 64];
    loop {
        if socket.readable().await.is_err() {
            return;
        }
        match socket.try_read(&mut ignored) {
            Ok(1..) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Writers;
    use crate::model::backroom::RoomLine;
    use crate::server::engine::stage::testing::{delta, end, feed, push, stage, turn_start};
    use crate::server::engine::stage::Wire;
    use std::time::Duration;
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpSocket, TcpStream};
    use tokio_util::sync::CancellationToken;

    /// A viewer's end of a connection, with small buffers both ways so a
    /// viewer that does not read fills them quickly; and the server's end.
    async fn connection(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let addr = listener.local_addr().unwrap();
        let (viewer, accepted) = tokio::join!(socket.connect(addr), listener.accept());
        let (server, _) = accepted.unwrap();
        socket2::SockRef::from(&server)
            .set_send_buffer_size(4096)
            .unwrap();
        (viewer.unwrap(), server)
    }

    /// Everything a viewer reads until its stream ends: the turn's text.
    async fn read_text(mut viewer: TcpStream) -> String {
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), viewer.read_to_end(&mut got))
            .await
            .expect("the stream ends")
            .unwrap();
        String::from_utf8(got)
            .unwrap()
            .lines()
            .filter_map(|l| match serde_json::from_str(l) {
                Ok(RoomLine::Delta(_, 3, text)) => Some(text),
                _ => None,
            })
            .collect()
    }

    async fn until(what: &str, mut ok: impl FnMut() -> bool) {
        for _ in 0..500 {
            if ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{what} never happened");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_viewer_that_stops_reading_holds_up_nobody_and_is_brought_up_to_date() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stage, count) = stage();
        let writers = Writers::start(1, CancellationToken::new());
        let (stuck, stuck_end) = connection(&listener).await;
        let (reader, reader_end) = connection(&listener).await;
        writers.add(stuck_end, feed(&stage, &count, Wire::Lines).await);
        writers.add(reader_end, feed(&stage, &count, Wire::Lines).await);
        let reading = tokio::spawn(read_text(reader));

        // 3 MB, far more than the stuck viewer's buffers (and over three
        // rings' worth of frames), while the other reads as it comes.
        push(&stage, [turn_start(3)]);
        let mut sent = String::new();
        for i in 0..3000 {
            let text = format!("{i:06}").repeat(170);
            sent.push_str(&text);
            push(&stage, [delta(3, sent.len() as u64, &text)]);
            if i % 50 == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        end(&stage);
        assert_eq!(reading.await.unwrap(), sent, "every word, in order");
        // The stuck viewer reads at last: what it missed comes in one
        // piece from the transcript, then the end.
        assert_eq!(read_text(stuck).await, sent);
        until("both viewers counted out", || count.here() == 0).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_viewer_whose_run_ended_as_it_joined_gets_everything_and_the_end() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stage, count) = stage();
        let writers = Writers::start(1, CancellationToken::new());
        push(&stage, [turn_start(3), delta(3, 5, "Hello")]);
        let (viewer, viewer_end) = connection(&listener).await;
        let joined = feed(&stage, &count, Wire::Lines).await;
        // The run ends before the writer has this viewer.
        end(&stage);
        writers.add(viewer_end, joined);
        assert_eq!(read_text(viewer).await, "Hello");
        until("the viewer counted out", || count.here() == 0).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_viewer_hanging_up_stops_counting_at_once_and_stopping_ends_every_stream() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stage, count) = stage();
        let stop = CancellationToken::new();
        let writers = Writers::start(1, stop.clone());
        let (leaving, leaving_end) = connection(&listener).await;
        let (staying, staying_end) = connection(&listener).await;
        writers.add(leaving_end, feed(&stage, &count, Wire::Sse).await);
        writers.add(staying_end, feed(&stage, &count, Wire::Sse).await);
        assert_eq!(count.here(), 2);
        // No frame goes out meanwhile: the hang-up alone is noticed.
        drop(leaving);
        until("the viewer who left counted out", || count.here() == 1).await;
        push(&stage, [turn_start(3), delta(3, 2, "hi")]);
        stop.cancel();
        let mut got = Vec::new();
        let mut staying = staying;
        tokio::time::timeout(Duration::from_secs(5), staying.read_to_end(&mut got))
            .await
            .expect("the stream ends when the server stops")
            .unwrap();
        let got = String::from_utf8(got).unwrap();
        assert!(got.starts_with("id: 0\nevent: state\n"), "{got}");
        until("everyone counted out", || count.here() == 0).await;
    }
}
