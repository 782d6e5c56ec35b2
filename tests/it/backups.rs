//! Backups: the admin's download taken while replies stream restores with
//! every row it holds; restore refuses a damaged, foreign or newer file
//! and changes nothing then; daily backups keep the newest few.

use crate::common;

use backrooms::server::backup;
use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, TestServer};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;
use std::path::Path;
use std::time::Duration;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(db: &Path, sql: &str) -> i64 {
    let mut c = diesel::SqliteConnection::establish(db.to_str().unwrap()).expect("open");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut c)
        .expect(sql)
        .n
}

#[tokio::test]
async fn a_backup_taken_while_replies_stream_restores_with_every_row() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let done_model = add_model(&admin, provider, "chunks-3-1").await;
    let slow_model = add_model(&admin, provider, "chunks-200-20").await;
    for i in 0..5 {
        let t = json_of(
            user.post_json(
                "/api/conversations",
                json!({"title": format!("kept {i}"), "model_id": done_model}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let res = user
            .post_json(
                "/api/chat/complete",
                json!({"conversation_id": t["id"], "content": "hi"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // Three replies are being written while the backup is taken.
    let mut streams = Vec::new();
    for _ in 0..3 {
        let t = json_of(
            user.post_json("/api/conversations", json!({"model_id": slow_model}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        let res = user
            .post_json(
                "/api/chat/stream",
                json!({"conversation_id": t["id"], "content": "go on"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        streams.push(res);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(
        user.get("/api/admin/backup").await.status(),
        StatusCode::FORBIDDEN
    );
    let res = admin.get("/api/admin/backup").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/vnd.sqlite3");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"backrooms-"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    let leftovers: Vec<_> = std::fs::read_dir(&server.data_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".backup-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the snapshot file is gone from the data dir"
    );

    let file = server.data_dir.join("download.db");
    std::fs::write(&file, &bytes).unwrap();
    let messages = count(&file, "SELECT COUNT(*) AS n FROM messages");
    let threads = count(&file, "SELECT COUNT(*) AS n FROM conversations");
    assert_eq!(threads, 8);
    assert_eq!(messages, 16, "every message, the ones streaming too");
    let streaming = count(
        &file,
        "SELECT COUNT(*) AS n FROM messages WHERE status = 'streaming'",
    );
    assert_eq!(streaming, 3);
    drop(streams);

    // More happens after the backup; restoring goes back to it.
    json_of(
        user.post_json("/api/conversations", json!({"title": "after"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let dir = server.stop().await.expect("the temp dir");
    let db = dir.path().join("backrooms.db");
    let kept = backup::restore(&db, &file)
        .expect("restored")
        .expect("the old one kept");
    assert!(kept.to_string_lossy().contains("before-restore-"));
    assert_eq!(count(&kept, "SELECT COUNT(*) AS n FROM conversations"), 9);

    let server = TestServer::start_in(dir.path()).await;
    let user = server.client();
    assert_eq!(
        user.login("user", "user password").await.status(),
        StatusCode::OK
    );
    let list = json_of(user.get("/api/conversations").await, StatusCode::OK).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 8, "{titles:?}");
    assert!(!titles.contains(&"after"));
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM messages"), 16);
    // The replies cut by the snapshot come back as interrupted, text kept.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM messages WHERE status = 'interrupted'"
        ),
        3
    );
    drop(server.stop().await);
    drop(dir);
}

#[tokio::test]
async fn restore_refuses_a_damaged_foreign_or_newer_file_and_changes_nothing() {
    let server = TestServer::start().await;
    server.admin_and_user().await;
    let admin = server.client();
    admin.login("admin", "admin password").await;
    let good = admin.get("/api/admin/backup").await.bytes().await.unwrap();
    let dir = server.stop().await.expect("the temp dir");
    let db = dir.path().join("backrooms.db");
    let before = std::fs::read(&db).unwrap();

    let not_sqlite = dir.path().join("notes.txt");
    std::fs::write(
        &not_sqlite,
        b"just some text, long enough to not be a header",
    )
    .unwrap();
    let err = backup::restore(&db, &not_sqlite).unwrap_err();
    assert!(
        err.contains("not a SQLite database") || err.contains("cannot be opened"),
        "{err}"
    );

    let damaged = dir.path().join("damaged.db");
    let mut bytes = good.to_vec();
    let half = bytes.len() / 2;
    let end = half + 4096.min(bytes.len() - half);
    for b in &mut bytes[half..end] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let err = backup::restore(&db, &damaged).unwrap_err();
    assert!(
        err.contains("damaged") || err.contains("not a SQLite"),
        "{err}"
    );

    let foreign = dir.path().join("foreign.db");
    {
        let mut c = diesel::SqliteConnection::establish(foreign.to_str().unwrap()).unwrap();
        diesel::sql_query("CREATE TABLE t (x INTEGER)")
            .execute(&mut c)
            .unwrap();
    }
    let err = backup::restore(&db, &foreign).unwrap_err();
    assert!(err.contains("not a Backrooms database"), "{err}");

    let newer = dir.path().join("newer.db");
    std::fs::write(&newer, &good).unwrap();
    {
        let mut c = diesel::SqliteConnection::establish(newer.to_str().unwrap()).unwrap();
        diesel::sql_query(
            "INSERT INTO __diesel_schema_migrations (version, run_on) VALUES ('29990101000000', CURRENT_TIMESTAMP)",
        )
        .execute(&mut c)
        .unwrap();
    }
    let err = backup::restore(&db, &newer).unwrap_err();
    assert!(err.contains("newer Backrooms"), "{err}");

    let missing = backup::restore(&db, &dir.path().join("nope.db")).unwrap_err();
    assert!(missing.contains("is not a file"));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
    assert!(!dir.path().join("backrooms.db.restoring").exists());
}

#[tokio::test]
async fn daily_backups_are_written_and_only_the_newest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    for old in ["20240101-000000", "20240102-000000", "20240103-000000"] {
        std::fs::write(backups.join(format!("backrooms-{old}.db")), b"old").unwrap();
    }
    let data = dir.path().join("data");
    let server = TestServer::start_with(
        &data,
        &[
            ("BACKROOMS_BACKUP_DIR", backups.to_str().unwrap()),
            ("BACKROOMS_BACKUP_KEEP", "2"),
        ],
    )
    .await;
    let mut names = Vec::new();
    for _ in 0..100 {
        names = std::fs::read_dir(&backups)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect::<Vec<_>>();
        names.sort();
        if names.len() == 2 && !names[1].starts_with("backrooms-2024") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "backrooms-20240103-000000.db");
    let fresh = backups.join(&names[1]);
    assert_eq!(
        count(&fresh, "SELECT COUNT(*) AS n FROM users"),
        0,
        "a real database"
    );
    // Not due again within the day.
    let db = backrooms::server::db::Db::open(&backrooms::server::db::Target::Sqlite(
        data.join("backrooms.db"),
    ))
    .unwrap();
    assert_eq!(backup::daily(&db, &backups, 2).await.unwrap(), None);
    drop(server.stop().await);
}
