//! Files beyond their owner's own pages: through a thread's share link,
//! and out and back in with an account export.

use super::{agent_thread, new_agent, png, send, setup, stored_count, thread, uploaded};
use crate::common::json_of;
use crate::common::pdf::pdf;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_share_link_shows_its_threads_files_and_nothing_else() {
    let s = setup().await;
    let picture = uploaded(&s.user, "beach.png", png(40, 30)).await["id"]
        .as_i64()
        .unwrap();
    let doc = uploaded(&s.user, "plan.md", b"# The plan\nMeet at noon.".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    let elsewhere = uploaded(&s.user, "private.md", b"# Not shared".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    let chat = thread(&s.user, s.seeing).await;
    json_of(
        send(&s.user, chat, "Look at these", &[picture, doc]).await,
        StatusCode::OK,
    )
    .await;
    let other = thread(&s.user, s.blind).await;
    json_of(
        send(&s.user, other, "Keep this", &[elsewhere]).await,
        StatusCode::OK,
    )
    .await;
    let link = json_of(
        s.user
            .post_empty(&format!("/api/conversations/{chat}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = link["token"].as_str().unwrap().to_string();

    // Signed out, with the link: the page shows the picture and the
    // document through the link, and both can be read.
    let anon = s.server.client();
    let page = anon.get(&format!("/s/{token}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let picture_url = format!("/api/attachments/{picture}?share={token}");
    assert!(
        page.contains(&picture_url),
        "no thumbnail in the shared page"
    );
    assert!(page.contains("plan.md"));
    let res = anon.get(&picture_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    let res = anon
        .get(&format!("/api/attachments/{doc}?share={token}"))
        .await;
    assert_eq!(res.text().await.unwrap(), "# The plan\nMeet at noon.");

    // A file of another thread, a made-up token, and no token: refused.
    let res = anon
        .get(&format!("/api/attachments/{elsewhere}?share={token}"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let fake = "0".repeat(64);
    let res = anon
        .get(&format!("/api/attachments/{picture}?share={fake}"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = anon.get(&format!("/api/attachments/{picture}")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Another account does not get the file without the link either.
    let res = s.admin.get(&format!("/api/attachments/{picture}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Revoked: the link's files answer 404 at once.
    assert_eq!(
        s.user
            .delete(&format!("/api/conversations/{chat}/share"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(anon.get(&picture_url).await.status(), StatusCode::NOT_FOUND);
    // The owner still reads it.
    let res = s.user.get(&format!("/api/attachments/{picture}")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The bytes of attachment `id` as `api` reads them.
async fn bytes(api: &crate::common::Api, id: &Value) -> Vec<u8> {
    let res = api.get(&format!("/api/attachments/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn an_account_export_carries_files_and_an_import_brings_them_back() {
    let s = setup().await;
    let picture = uploaded(&s.user, "dot.png", png(12, 9)).await["id"]
        .as_i64()
        .unwrap();
    let report = uploaded(&s.user, "report.pdf", pdf(&["Quarterly figures rose."])).await["id"]
        .as_i64()
        .unwrap();
    let manual = uploaded(
        &s.user,
        "manual.txt",
        b"The spare key hangs behind the lighthouse door.".to_vec(),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let chat = thread(&s.user, s.seeing).await;
    json_of(
        send(&s.user, chat, "Both, please", &[picture, report]).await,
        StatusCode::OK,
    )
    .await;
    let agent = new_agent(&s.user, json!({"name": "Keeper", "model_id": s.blind})).await;
    json_of(
        s.user
            .post_json(
                &format!("/api/agents/{agent}/knowledge"),
                json!({"attachment_id": manual}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let with_agent = agent_thread(&s.user, agent).await;
    let reply = json_of(
        send(&s.user, with_agent, "Where does the spare key hang?", &[]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        reply["assistant_message"]["sources"][0]["name"],
        "manual.txt"
    );

    let archive = json_of(s.user.get("/api/export").await, StatusCode::OK).await;
    let files = archive["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "{files:?}");
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let threads = archive["threads"].as_array().unwrap();
    let question = &threads
        .iter()
        .find(|t| t["messages"][0]["content"] == "Both, please")
        .unwrap()["messages"][0];
    let attached: Vec<&str> = question["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| names[i.as_u64().unwrap() as usize])
        .collect();
    assert_eq!(attached, ["dot.png", "report.pdf"]);
    let keeper_at = archive["agents"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["name"] == "Keeper")
        .unwrap();
    let shelf = &archive["agents"][keeper_at]["knowledge"];
    assert_eq!(names[shelf[0].as_u64().unwrap() as usize], "manual.txt");

    // Into a new account: the same files, bytes and links.
    let other = s.server.client();
    assert_eq!(
        other
            .register("newcomer", "newcomer password")
            .await
            .status(),
        StatusCode::CREATED
    );
    let before = stored_count(&s.server);
    let summary = json_of(
        other.post_json("/api/import", archive.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(summary["files"], 3);
    assert_eq!(stored_count(&s.server), before + 3);
    let list = json_of(other.get("/api/conversations").await, StatusCode::OK).await;
    let list = list["items"].as_array().unwrap().clone();
    let mut found = None;
    for t in &list {
        let view = json_of(
            other.get(&format!("/api/conversations/{}", t["id"])).await,
            StatusCode::OK,
        )
        .await;
        if view["messages"][0]["content"] == "Both, please" {
            found = Some(view);
        }
    }
    let view = found.expect("the imported thread");
    let theirs = view["messages"][0]["attachments"].as_array().unwrap();
    assert_eq!(theirs[0]["name"], "dot.png");
    assert_eq!(theirs[1]["name"], "report.pdf");
    assert_eq!(theirs[1]["pages"], 1);
    let mine = json_of(
        s.user.get(&format!("/api/conversations/{chat}")).await,
        StatusCode::OK,
    )
    .await;
    let mine = mine["messages"][0]["attachments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        bytes(&other, &theirs[0]["id"]).await,
        bytes(&s.user, &mine[0]["id"]).await
    );
    assert_eq!(
        bytes(&other, &theirs[1]["id"]).await,
        bytes(&s.user, &mine[1]["id"]).await
    );
    // The imported agent's shelf, and the reply's sources.
    let agents = json_of(other.get("/api/agents").await, StatusCode::OK).await;
    let keeper = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Keeper")
        .unwrap()["id"]
        .clone();
    let shelf = json_of(
        other.get(&format!("/api/agents/{keeper}/knowledge")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shelf[0]["name"], "manual.txt");
    let again = json_of(other.get("/api/export").await, StatusCode::OK).await;
    let cited = again["threads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["messages"].as_array().unwrap().clone())
        .find(|m| m["sources"].is_array())
        .expect("a reply with sources");
    assert_eq!(cited["sources"][0]["n"], 1);
    assert_eq!(again["files"].as_array().unwrap().len(), 3);

    // A bad archive adds nothing: a file index past the end, a picture on
    // a shelf, bytes that are no file it takes.
    let stored = stored_count(&s.server);
    let mut bad = archive.clone();
    bad["threads"][0]["messages"][0]["files"] = json!([7]);
    let e = json_of(
        other.post_json("/api/import", bad).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], "threads[0].messages[0].files[0]");
    let picture_index = names.iter().position(|n| *n == "dot.png").unwrap();
    let mut bad = archive.clone();
    bad["agents"][keeper_at]["knowledge"] = json!([picture_index]);
    let e = json_of(
        other.post_json("/api/import", bad).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], format!("agents[{keeper_at}].knowledge[0]"));
    let mut bad = archive.clone();
    bad["files"][0]["data"] = json!("AAECAwQ=");
    let e = json_of(
        other.post_json("/api/import", bad).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], "files[0]");
    assert_eq!(stored_count(&s.server), stored);
}
