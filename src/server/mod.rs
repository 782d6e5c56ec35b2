//! Everything that only exists on the server.

pub mod actions;
pub mod auth;
pub mod backup;
pub mod backup_cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod csrf;
pub mod db;
pub mod engine;
pub mod fan_out;
pub mod flash;
pub mod forms;
pub mod headers;
pub mod health;
pub mod listener;
pub mod llm;
pub mod migrate_data;
pub mod pages;
pub mod precompress;
pub mod quotas;
pub mod raw_sse;
pub mod rest;
pub mod router;
pub mod services;
pub mod site;
pub mod state;

use config::Config;
use db::Db;
use leptos::config::LeptosOptions;
use state::AppState;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tower_sessions::ExpiredDeletion;

/// Leptos' build facts (output name, site root) as cargo-leptos baked them
/// in, overridable with the usual `LEPTOS_*` variables.
pub fn leptos_options() -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("backrooms").build());
    if options.output_name.is_empty() {
        options.output_name = "backrooms".into();
    }
    // The build names its pkg/ files by content and lists them in
    // hash.txt beside the binary (where Leptos reads it): run directly
    // (`make run`, no LEPTOS_* variables), the pages still name them right.
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)));
    if beside_binary.is_some_and(|f| f.exists()) {
        options.hash_files = true;
    }
    options
}

/// A server bound and serving in the background.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    pub task: tokio::task::JoinHandle<()>,
}

/// Opens the database, binds `config.addr` (port 0 allowed) and serves until
/// the returned task is dropped or the future `shutdown` resolves.
pub async fn start(
    config: Config,
    mut leptos_options: LeptosOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, String> {
    let db = Db::open(&config.database()).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    leptos_options.site_addr = addr;

    const USER_AGENT: &str = concat!("backrooms/", env!("CARGO_PKG_VERSION"));
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let guarded_http = crate::server::llm::guard::client(USER_AGENT, Duration::from_secs(10))
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let replica = db
        .run(services::replicas::register)
        .await
        .map_err(|e| format!("cannot prepare the database: {e}"))?;
    if config.database_url.is_none() {
        boot_sqlite(&db, replica).await?;
    }
    let (relay, hub) = match &config.database_url {
        Some(_) => {
            let (relay, tap, outbox) = engine::relay::Relay::new(replica, db.clone());
            (Some((relay, outbox)), engine::hub::Hub::relayed(tap))
        }
        None => (None, engine::hub::Hub::default()),
    };
    let target = config.database();
    let state = AppState {
        replica,
        hub: Arc::new(hub),
        relay: relay.as_ref().map(|(r, _)| r.clone()),
        rooms: Default::default(),
        clock: Default::default(),
        db: db.clone(),
        cipher: crypto::Cipher::new(config.secret_key.bytes()),
        config: Arc::new(config),
        leptos_options,
        activity: Default::default(),
        quotas: Arc::new(quotas::Quotas::new(replica)),
        http,
        guarded_http,
    };

    match (state.config.backup_dir.clone(), &state.config.database_url) {
        (Some(dir), None) => backup::start_daily(db.clone(), dir, state.config.backup_keep),
        (Some(_), Some(_)) => {
            tracing::warn!("BACKROOMS_BACKUP_DIR is ignored on PostgreSQL: back it up with pg_dump")
        }
        (None, _) => {}
    }
    if let Some((relay, outbox)) = relay {
        relay.listen(state.clone(), target, outbox);
    }
    // What replicas that died left (PostgreSQL), then every 3 s.
    engine::replicas::sweep(&state).await;
    engine::replicas::start(state.clone());
    engine::scheduler::start(state.clone());
    let store = auth::session_store::SqliteSessionStore::new(db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!("expired session cleanup failed: {e}");
            }
        }
    });

    let app = router::build(state.clone());
    // Once asked to stop, requests in flight get `SHUTDOWN_GRACE` to end;
    // a connection that stays open after that (a viewer's live stream, a
    // client that never sends its request) is closed, so stopping always
    // ends.
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(());
    };
    // Public event streams served off their sockets end with the server.
    let streams = tokio_util::sync::CancellationToken::new();
    let sorted = listener::sort(listener, addr, state.clone(), streams.clone());
    let (leave_db, me) = (state.db.clone(), state.replica);
    let task = tokio::spawn(async move {
        use axum::serve::ListenerExt;
        let _ends_streams = streams.drop_guard();
        let served = std::future::IntoFuture::into_future(
            axum::serve(
                sorted.tap_io(|socket| {
                    let _ = socket.set_nodelay(true);
                }),
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(signal),
        );
        let deadline = async move {
            match stopped.await {
                Ok(()) => tokio::time::sleep(SHUTDOWN_GRACE).await,
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            served = served => {
                if let Err(e) = served {
                    tracing::error!("server stopped: {e}");
                }
            }
            () = deadline => {
                tracing::warn!(
                    "connections still open {} s after the stop signal: closed",
                    SHUTDOWN_GRACE.as_secs()
                );
            }
        }
        // The other replicas need not wait for this one's heartbeat to lapse.
        let _ = leave_db
            .run(move |c| services::replicas::leave(c, me))
            .await;
    });
    Ok(Running { addr, state, task })
}

/// SQLite at boot: no other process uses the file, so what was going lost
/// its process: replies become `interrupted`, runs come back paused.
async fn boot_sqlite(db: &Db, replica: i64) -> Result<(), String> {
    db.run(move |c| services::replicas::forget_others(c, replica))
        .await
        .map_err(|e| format!("cannot prepare the database: {e}"))?;
    match db.run(services::messages::mark_interrupted).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::warn!("{n} reply(ies) were cut off by the last shutdown: marked interrupted")
        }
        Err(e) => return Err(format!("cannot prepare the database: {e}")),
    }
    if let Ok(n @ 1..) = db.run(services::backrooms::mark_interrupted).await {
        tracing::warn!("{n} backroom run(s) were cut off by the last shutdown: paused");
    }
    Ok(())
}

/// How long requests in flight may take to end once the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The binary's whole life: config, logging, serve, stop on Ctrl-C/SIGTERM.
pub async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("backrooms: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let database = config.database().describe();
    precompress::enable();
    let running = match start(config, leptos_options(), shutdown_signal()).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("backrooms: {e}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(
        "Backrooms listening on http://{} (database {})",
        running.addr,
        database
    );
    match running.task.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
