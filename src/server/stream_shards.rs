//! Many viewers' streams driven by a few tasks. Each off-socket viewer
//! (`raw_sse`) is a future that waits for the room's next chunk and writes
//! it; spawned as a task of its own, every frame woke ten thousand tasks
//! on both worker threads at once, contending for the same wait list and
//! waking idle workers. Here a shard (one per two worker threads) holds its
//! viewers in one `FuturesUnordered`: a frame wakes a viewer by putting it
//! on its shard's ready list, and the shard polls those in turn on one
//! thread. A viewer whose socket is full waits on its own, as before,
//! without holding up the others.

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where viewers' streams are handed over to be driven.
#[derive(Clone)]
pub struct Shards {
    senders: Arc<[mpsc::UnboundedSender<BoxFuture<'static, ()>>]>,
    next: Arc<AtomicUsize>,
}

impl Shards {
    /// Starts `n` shards (at least one) on the current runtime. They end
    /// once every `Shards` is dropped and their streams have ended.
    pub fn start(n: usize) -> Shards {
        let senders: Vec<_> = (0..n.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::unbounded_channel();
                // Outside tokio's budget: spent, it would answer every
                // socket of the shard "not now" and wake it again, and the
                // shard would spin through its viewers (measured: p99 over
                // a second). The shard yields after one round anyway.
                tokio::spawn(tokio::task::unconstrained(drive(rx)));
                tx
            })
            .collect();
        Shards {
            senders: senders.into(),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// One per two worker threads of the current runtime (at least one):
    /// the sending is mostly the kernel's, and the other threads keep
    /// serving requests and running the rooms. Measured on two cores with
    /// ten thousand viewers: one shard 95-97 % CPU and p99 104-134 ms, two
    /// shards 113-122 % and p99 194-520 ms.
    pub fn for_sending() -> Shards {
        let workers = tokio::runtime::Handle::current().metrics().num_workers();
        Shards::start(workers.div_ceil(2))
    }

    /// Drives `stream` to its end on the next shard in turn.
    pub fn run(&self, stream: BoxFuture<'static, ()>) {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.senders.len();
        // A shard only stops once every sender is gone: this cannot fail
        // while `self` lives, and a stream it cannot take is dropped.
        let _ = self.senders[i].send(stream);
    }
}

async fn drive(mut rx: mpsc::UnboundedReceiver<BoxFuture<'static, ()>>) {
    let mut running = FuturesUnordered::new();
    loop {
        tokio::select! {
            new = rx.recv() => match new {
                Some(stream) => running.push(stream),
                None => break,
            },
            Some(()) = running.next(), if !running.is_empty() => {}
        }
    }
    while running.next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::Shards;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::sync::oneshot;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_stream_runs_to_its_end_whichever_shard_it_is_on() {
        let shards = Shards::start(2);
        let done = Arc::new(AtomicUsize::new(0));
        let mut gates = Vec::new();
        let (all_tx, all_rx) = oneshot::channel::<()>();
        let all_tx = Arc::new(std::sync::Mutex::new(Some(all_tx)));
        for _ in 0..100 {
            let (tx, rx) = oneshot::channel::<()>();
            gates.push(tx);
            let (done, all_tx) = (done.clone(), all_tx.clone());
            shards.run(Box::pin(async move {
                let _ = rx.await;
                if done.fetch_add(1, Ordering::SeqCst) + 1 == 100 {
                    if let Some(tx) = all_tx.lock().ok().and_then(|mut t| t.take()) {
                        let _ = tx.send(());
                    }
                }
            }));
        }
        // Nothing ends before it is let go, in any order.
        tokio::task::yield_now().await;
        assert_eq!(done.load(Ordering::SeqCst), 0);
        for tx in gates.into_iter().rev() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), all_rx).await;
        assert_eq!(done.load(Ordering::SeqCst), 100);
    }
}
