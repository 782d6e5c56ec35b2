//! `make bench`, fan-out: one published backroom run watched live by 1 000
//! and then 10 000 signed-out SSE viewers (`/b/{token}/events`), each from
//! its own loopback address (127.1.x.y). Two agents take two turns of
//! `DELTAS` deltas `GAP_MS` apart; each delta carries the time the fake
//! provider sent it, so every viewer measures each delta's delivery
//! latency: to the time the kernel stamped its arrival in the viewer's
//! socket (how long the reader then took is reported apart). Reported:
//! latency median and p99, viewers that got every delta, the server's RSS
//! and CPU while delivering, and its memory per viewer (RSS with everyone
//! connected, less RSS before, over viewers).
//!
//! The viewers share the server's two cores, so they are read as cheaply
//! as can be: one thread polls all their sockets (`mio`) and never sleeps.
//! As tokio tasks on two threads they slept between reads, and on
//! loopback the server's own `send` then paid for waking them (up to a
//! quarter of its time). Four runs of each, in turns, against the same
//! server: p99 at 10 000 was 103-126 ms with tasks, 87-96 ms with this
//! reader.
//!
//! Even so, that thread shares a core with the fake provider and the
//! server's other thread, and in some runs it came round to a viewer's
//! delta 20-44 ms after the delta arrived (p99): timed at the read, that
//! delay of the bench's own counted as the server's. Timed at arrival,
//! 27 runs of one build gave p99 76-110 ms at 10 000. A reader that naps
//! when idle, or sweeps its sockets without `epoll`, changed neither.

mod support;

use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::Server;
use tokio::io::AsyncWriteExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const DELTAS: usize = 100;
const GAP_MS: u64 = 30;
const TURNS: usize = 2;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as u64
}

fn proc_field(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A process's user + system CPU time so far, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime, stime are 14, 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

/// What one viewer saw.
struct Seen {
    latencies_us: Vec<u32>,
    /// How long after its arrival each read of a run's delta returned.
    read_lag_us: Vec<u32>,
    stamps: usize,
}

/// One viewer on the reading thread: its socket, what it has read of a
/// line so far, and its connect slot until its first chunk came.
struct Watcher {
    socket: mio::net::TcpStream,
    carry: Vec<u8>,
    seen: Seen,
    slot: Option<OwnedSemaphorePermit>,
    ok: bool,
}

/// A connected viewer (its request sent) handed to the reading thread, or
/// one that could not connect.
enum Arrival {
    Viewer(usize, std::net::TcpStream, OwnedSemaphorePermit),
    Failed,
}

/// Connects viewer `i` from its own address and sends its request.
async fn connect(i: usize, port: u16, path: &str) -> Option<std::net::TcpStream> {
    let ip = Ipv4Addr::new(127, 1, (i / 250) as u8, (i % 250 + 1) as u8);
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::new(IpAddr::V4(ip), 0)).ok()?;
    let mut s = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .ok()?;
    let req =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.ok()?;
    s.into_std().ok()
}

/// Reads every viewer's stream until it ends, on one thread that polls
/// its sockets without ever sleeping. On loopback the server's `send`
/// wakes a sleeping reader itself (an interrupt to the other core, paid
/// in the server's time); ten thousand remote viewers would never cost
/// it that. Each delta is timed at its arrival in the socket
/// (`read_stamped`), and how long after that it was read is kept apart.
/// `ready` is told as each viewer's catch-up (its first chunk) arrives.
fn read_all(
    n: usize,
    arrivals: std::sync::mpsc::Receiver<Arrival>,
    ready: tokio::sync::mpsc::UnboundedSender<()>,
) -> Vec<Seen> {
    use mio::{Events, Interest, Poll, Token};
    use std::io::ErrorKind;
    let Ok(mut poll) = Poll::new() else {
        return Vec::new();
    };
    let mut events = Events::with_capacity(4096);
    let mut watchers: Vec<Option<Watcher>> = (0..n).map(|_| None).collect();
    let mut done = Vec::with_capacity(n);
    let (mut arrived, mut open) = (0, 0);
    let mut buf = vec![0u8; 8192];
    let deadline = Instant::now() + Duration::from_secs(180);
    while (arrived < n || open > 0) && Instant::now() < deadline {
        while let Ok(a) = arrivals.try_recv() {
            arrived += 1;
            let Arrival::Viewer(i, stream, slot) = a else {
                continue;
            };
            stamp_arrivals(&stream);
            let mut socket = mio::net::TcpStream::from_std(stream);
            if poll
                .registry()
                .register(&mut socket, Token(i), Interest::READABLE)
                .is_ok()
            {
                open += 1;
                watchers[i] = Some(Watcher {
                    socket,
                    carry: Vec::new(),
                    seen: Seen {
                        latencies_us: Vec::with_capacity(DELTAS * TURNS),
                        read_lag_us: Vec::with_capacity(DELTAS * TURNS),
                        stamps: 0,
                    },
                    slot: Some(slot),
                    ok: false,
                });
            }
        }
        if poll.poll(&mut events, Some(Duration::ZERO)).is_err() {
            break;
        }
        for ev in events.iter() {
            let i = ev.token().0;
            let Some(w) = watchers.get_mut(i).and_then(|w| w.as_mut()) else {
                continue;
            };
            // Edge-triggered: read until the socket has nothing more.
            let ended = loop {
                match read_stamped(&w.socket, &mut buf) {
                    Ok((0, _)) => break true,
                    Ok((k, arrived)) => {
                        let read_at = now_us();
                        let at = arrived.unwrap_or(read_at);
                        if w.slot.is_some() {
                            w.ok = buf[..k].starts_with(b"HTTP/1.1 200");
                            w.slot = None;
                            let _ = ready.send(());
                            if !w.ok {
                                break true;
                            }
                        }
                        w.carry.extend_from_slice(&buf[..k]);
                        if scan(&mut w.carry, at, &mut w.seen) {
                            w.seen.read_lag_us.push(read_at.saturating_sub(at) as u32);
                        }
                        // A short read took all there was: a new edge
                        // comes with more, so no read just to hear "none"
                        // (unless the end came too: it must be read).
                        if k < buf.len() && !ev.is_read_closed() {
                            break false;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break false,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => break true,
                }
            };
            if ended {
                if let Some(mut w) = watchers[i].take() {
                    let _ = poll.registry().deregister(&mut w.socket);
                    open -= 1;
                    if w.ok {
                        done.push(w.seen);
                    }
                }
            }
        }
    }
    done
}

/// Has the kernel stamp each arriving segment of the viewer's socket with
/// the time it came (`SO_TIMESTAMPNS`), for `read_stamped`.
fn stamp_arrivals(socket: &std::net::TcpStream) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket, and an option value of the size given.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPNS,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// Reads what the socket has (`recvmsg`, without waiting), with the time
/// the last of it arrived in the socket, in µs since the epoch, if the
/// kernel stamped it. Latency is taken from that time: when the delta was
/// delivered, not when this thread came round to read it. A read of
/// several segments has the last one's time, so it counts the earlier
/// ones late, never early.
fn read_stamped(
    socket: &mio::net::TcpStream,
    buf: &mut [u8],
) -> std::io::Result<(usize, Option<u64>)> {
    use std::os::fd::AsRawFd;
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // Room for a few control messages, aligned as `cmsghdr` needs.
    let mut control = [0u64; 16];
    // SAFETY: a zeroed `msghdr` is valid; its buffers point at `iov` and
    // `control`, which outlive the call; the control messages are walked
    // with the kernel's own macros, within the length it returned, and
    // the timestamp read unaligned.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control);
        let n = libc::recvmsg(socket.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT);
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut arrived = None;
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let t: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                arrived = Some(t.tv_sec as u64 * 1_000_000 + t.tv_nsec as u64 / 1_000);
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
        Ok((n as usize, arrived))
    }
}

/// Times every stamp in the whole lines of `carry` (arrived at `at`), and
/// keeps what follows the last line. A stamp is `"text":"t<digits> `.
/// Whether there was one.
fn scan(carry: &mut Vec<u8>, at: u64, seen: &mut Seen) -> bool {
    let Some(end) = carry.iter().rposition(|&b| b == b'\n') else {
        return false;
    };
    let stamps_before = seen.stamps;
    let lines = &carry[..end];
    let mut from = 0;
    while let Some(p) = find(&lines[from..], b"\"text\":\"t") {
        let start = from + p + 9;
        let digits = digits_at(lines, start);
        if let Ok(t) = std::str::from_utf8(&lines[start..start + digits])
            .unwrap_or("")
            .parse::<u64>()
        {
            seen.latencies_us.push(at.saturating_sub(t) as u32);
            seen.stamps += 1;
            // A viewer skipped ahead gets several stamps in one delta.
            let mut k = start + digits;
            while let Some(q) = find(&lines[k..], b" t") {
                let d0 = k + q + 2;
                let d = digits_at(lines, d0);
                if d == 0 {
                    break;
                }
                seen.stamps += 1;
                k = d0 + d;
                if lines.get(k) != Some(&b' ') {
                    break;
                }
            }
        }
        from = start + digits;
    }
    carry.drain(..=end);
    seen.stamps > stamps_before
}

/// How many ASCII digits `s` has from `at` on.
fn digits_at(s: &[u8], at: usize) -> usize {
    s[at..].iter().take_while(|b| b.is_ascii_digit()).count()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = hay[from..].iter().position(|&b| b == needle[0]) {
        if hay[from + p..].starts_with(needle) {
            return Some(from + p);
        }
        from += p + 1;
    }
    None
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

async fn round(server: &Server, agents: &[i64], n: usize) {
    let port: u16 = server
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let b = server
        .post(
            "/api/backrooms",
            json!({"title": format!("Fan-out {n}"), "participants": agents, "max_turns": TURNS}),
        )
        .await;
    let id = b["id"].as_i64().unwrap_or(0);
    let link = server
        .post(&format!("/api/backrooms/{id}/publish"), json!({}))
        .await;
    let path = Arc::new(format!("{}/events", link["url"].as_str().unwrap_or("/b/x")));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = proc_field(server.pid, "VmRSS");

    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
    let (arrive, arrivals) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || read_all(n, arrivals, ready_tx));
    let connecting = Arc::new(Semaphore::new(256));
    let connect_start = Instant::now();
    for i in 0..n {
        // A connect slot is held until this viewer's catch-up came.
        let Ok(slot) = connecting.clone().acquire_owned().await else {
            break;
        };
        let (path, arrive) = (path.clone(), arrive.clone());
        tokio::spawn(async move {
            let _ = arrive.send(match connect(i, port, &path).await {
                Some(stream) => Arrival::Viewer(i, stream, slot),
                None => Arrival::Failed,
            });
        });
    }
    let mut connected = 0;
    while connected < n {
        match tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await {
            Ok(Some(())) => connected += 1,
            _ => break,
        }
    }
    let connect_took = connect_start.elapsed();
    eprintln!(
        "{connected}/{n} viewers connected in {:.1} s",
        connect_took.as_secs_f64()
    );
    // Let the first viewer-count frames settle.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let rss_connected = proc_field(server.pid, "VmRSS");

    let cpu_before = cpu_ticks(server.pid);
    let own_before = cpu_ticks(std::process::id());
    let started = Instant::now();
    server
        .post(&format!("/api/backrooms/{id}/start"), json!({}))
        .await;
    let mut lat: Vec<u32> = Vec::with_capacity(n * DELTAS * TURNS);
    let mut complete = 0;
    let mut peak_rss = 0;
    while !reader.is_finished() {
        peak_rss = peak_rss.max(proc_field(server.pid, "VmRSS"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let results = reader.join().unwrap_or_default();
    let took = started.elapsed();
    let cpu = cpu_ticks(server.pid).saturating_sub(cpu_before);
    let own = cpu_ticks(std::process::id()).saturating_sub(own_before);
    let mut read_lag: Vec<u32> = Vec::new();
    for seen in results {
        read_lag.extend(&seen.read_lag_us);
        if seen.stamps == DELTAS * TURNS {
            complete += 1;
        }
        lat.extend(seen.latencies_us);
    }
    lat.sort_unstable();
    read_lag.sort_unstable();
    let per_viewer_kb = rss_connected.saturating_sub(rss_before) as f64 / n as f64;
    println!(
        "{n} SSE viewers of one public run ({} deltas, {GAP_MS} ms apart): connected {connected} in {:.1} s; \
delta delivery median {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} deliveries; {complete}/{n} viewers got every delta; \
server RSS {} kB before, {} kB with everyone connected, {} kB at most while delivering = {:.1} kB per viewer; \
server CPU {:.0}% of one core over the {:.1} s run (the viewers themselves, on the same cores: {:.0}%, \
reading each delta {:.1} ms after it arrived at p99)",
        DELTAS * TURNS,
        connect_took.as_secs_f64(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        lat.len(),
        rss_before,
        rss_connected,
        peak_rss,
        per_viewer_kb,
        cpu as f64 / took.as_secs_f64(),
        took.as_secs_f64(),
        own as f64 / took.as_secs_f64(),
        pct(&read_lag, 0.99),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = Server::start().await;
    let model = server.model(&format!("clock-{DELTAS}-{GAP_MS}")).await;
    let agents = server.agents(model, &["Ada", "Bob"]).await;
    // FANOUT_VIEWERS="50,200" runs other sizes.
    let sizes: Vec<usize> = std::env::var("FANOUT_VIEWERS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for n in sizes {
        round(&server, &agents, n).await;
    }
}
