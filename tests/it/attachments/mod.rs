//! Attachments: uploads checked by content, pictures scaled and stripped,
//! documents read (PDF included), sent in each wire format's own shape,
//! refused for a model that does not see pictures, and nobody else's.

use crate::common::fake_provider::FakeProvider;
use crate::common::pdf::pdf;
use crate::common::{add_model, add_provider, json_of, Api, TestServer};
use base64::Engine;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Cursor;

mod forms;
mod travel;

pub(super) async fn upload(api: &Api, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    api.http
        .post(api.url("/api/attachments"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub(super) async fn uploaded(api: &Api, name: &str, bytes: Vec<u8>) -> Value {
    json_of(upload(api, name, bytes).await, StatusCode::CREATED).await
}

/// A JPEG of `w` x `h` with an EXIF segment holding a made-up location.
fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    let plain = out.into_inner();
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0\0\0\0\0".to_vec();
    payload.extend_from_slice(b"GPS 48.8584N 2.2945E secret-location");
    let len = (payload.len() + 2) as u16;
    let mut jpeg = plain[..2].to_vec(); // SOI
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&len.to_be_bytes());
    jpeg.extend_from_slice(&payload);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

pub(super) fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::new_rgb8(w, h)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

pub(super) struct Setup {
    server: TestServer,
    admin: Api,
    user: Api,
    fake: FakeProvider,
    /// OpenAI-format model that sees pictures, and one that does not.
    seeing: i64,
    blind: i64,
    /// Anthropic-format model that sees pictures.
    claude: i64,
}

pub(super) async fn setup() -> Setup {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let openai = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let seeing = add_model(&admin, openai, "chunks-2-0").await;
    let blind = add_model(&admin, openai, "chunks-3-0").await;
    let anthropic = add_provider(&admin, "fa", "anthropic", &fake.anthropic_base()).await;
    let claude = add_model(&admin, anthropic, "claude-fake").await;
    for id in [seeing, claude] {
        let m = json_of(
            admin
                .put_json(&format!("/api/config/models/{id}"), json!({"vision": true}))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(m["vision"], true);
    }
    Setup {
        server,
        admin,
        user,
        fake,
        seeing,
        blind,
        claude,
    }
}

pub(super) use crate::common::new_thread as thread;

pub(super) async fn send(api: &Api, thread: i64, text: &str, files: &[i64]) -> reqwest::Response {
    api.post_json(
        "/api/chat/complete",
        json!({"conversation_id": thread, "content": text, "attachments": files}),
    )
    .await
}

/// A new agent of `api`'s made from `body`; answers its id.
pub(super) async fn new_agent(api: &Api, body: Value) -> i64 {
    json_of(
        api.post_json("/api/agents", body).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// A new thread of `api`'s with `agent`; answers its id.
pub(super) async fn agent_thread(api: &Api, agent: i64) -> i64 {
    let body = json!({"agent_id": agent});
    json_of(
        api.post_json("/api/conversations", body).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// The chat page of `thread`, as the server renders it.
pub(super) async fn chat_page(api: &Api, thread: i64) -> String {
    let res = api.get(&format!("/c/{thread}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

pub(super) fn last_user_content(request: &Value) -> Value {
    let messages = request["messages"].as_array().unwrap();
    messages.iter().rev().find(|m| m["role"] == "user").unwrap()["content"].clone()
}

#[tokio::test]
async fn a_picture_is_scaled_stripped_and_sent_in_each_wire_formats_shape() {
    let s = setup().await;
    let original = jpeg_with_exif(3000, 1000);
    assert!(String::from_utf8_lossy(&original).contains("secret-location"));
    let a = uploaded(&s.user, "../../holiday photo.jpg", original).await;
    assert_eq!(a["kind"], "image");
    assert_eq!(a["mime"], "image/jpeg");
    assert_eq!(a["name"], "holiday photo.jpg");
    assert_eq!(a["width"], 2048);
    assert!((682..=683).contains(&a["height"].as_i64().unwrap()), "{a}");
    let id = a["id"].as_i64().unwrap();

    // What is stored (and sent) has no EXIF left.
    let res = s.user.get(&format!("/api/attachments/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let stored = res.bytes().await.unwrap().to_vec();
    assert_eq!(stored.len() as i64, a["bytes"].as_i64().unwrap());
    assert!(!String::from_utf8_lossy(&stored).contains("secret-location"));
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 2048);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&stored);

    // OpenAI: the text part, then an image_url part with a data URL.
    let chat = thread(&s.user, s.seeing).await;
    let reply = json_of(
        send(&s.user, chat, "What is this?", &[id]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reply["assistant_message"]["status"], "complete", "{reply}");
    assert_eq!(reply["user_message"]["attachments"][0]["id"], id, "{reply}");
    let content = last_user_content(&s.fake.last_request());
    assert_eq!(
        content,
        json!([
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": format!("data:image/jpeg;base64,{b64}")}}
        ])
    );

    // Anthropic: an image block with a base64 source, then the text.
    let chat = thread(&s.user, s.claude).await;
    json_of(
        send(&s.user, chat, "And this?", &[id]).await,
        StatusCode::OK,
    )
    .await;
    let content = last_user_content(&s.fake.last_request());
    assert_eq!(
        content,
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": b64}},
            {"type": "text", "text": "And this?"}
        ])
    );

    // The thread lists the picture on its message, after a reload too;
    // the next turn sends it again with the history.
    let view = json_of(
        s.user.get(&format!("/api/conversations/{chat}")).await,
        StatusCode::OK,
    )
    .await;
    let first = &view["messages"][0];
    assert_eq!(first["attachments"][0]["id"], id);
    assert_eq!(first["attachments"][0]["kind"], "image");
    // The chat page shows it as a thumbnail that opens the full size.
    let page = chat_page(&s.user, chat).await;
    let thumb = "target=\"_blank\" rel=\"noopener\" class=\"attachment-thumb\"";
    assert!(page.contains(thumb), "no thumbnail in the page");
    assert!(page.contains(&format!(
        "<img src=\"/api/attachments/{id}\" alt=\"holiday photo.jpg\""
    )));
    json_of(send(&s.user, chat, "Thanks", &[]).await, StatusCode::OK).await;
    let request = s.fake.last_request();
    let carried = request["messages"][0]["content"].as_array().unwrap();
    assert_eq!(carried[0]["type"], "image");
}

#[tokio::test]
async fn a_picture_to_a_model_that_does_not_see_answers_400_naming_it() {
    let s = setup().await;
    let id = uploaded(&s.user, "p.png", png(40, 30)).await["id"]
        .as_i64()
        .unwrap();
    let chat = thread(&s.user, s.blind).await;
    let before = s.fake.requests.lock().unwrap().len();
    let res = send(&s.user, chat, "See?", &[id]).await;
    let e = json_of(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(e["field"], "attachments");
    assert!(
        e["error"].as_str().unwrap().contains("fo:chunks-3-0"),
        "{e}"
    );
    // Nothing stored, nothing sent.
    let view = json_of(
        s.user.get(&format!("/api/conversations/{chat}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["messages"].as_array().unwrap().len(), 0);
    assert_eq!(s.fake.requests.lock().unwrap().len(), before);
    // The picker marks which models see pictures.
    let registry = json_of(s.user.get("/api/model-registry").await, StatusCode::OK).await;
    let models: Vec<(String, bool)> = registry["providers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["models"].as_array().unwrap().clone())
        .map(|m| {
            (
                m["model_sdk_id"].as_str().unwrap().to_string(),
                m["vision"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(models.contains(&("fo:chunks-3-0".into(), false)));
    assert!(models.contains(&("fo:chunks-2-0".into(), true)));
    let _ = &s.admin;
}

#[tokio::test]
async fn documents_go_into_the_prompt_with_their_name_pdf_text_included() {
    let s = setup().await;
    let report = pdf(&[
        "Quarterly report, first page.",
        "The launch code is forty-two.",
        "Appendix.",
    ]);
    let a = uploaded(&s.user, "report.pdf", report).await;
    assert_eq!(a["kind"], "document");
    assert_eq!(a["mime"], "application/pdf");
    assert_eq!(a["pages"], 3);
    let csv = uploaded(&s.user, "prices.csv", b"item,price\ntea,3\n".to_vec()).await;
    assert_eq!(csv["mime"], "text/csv");
    let ids = [a["id"].as_i64().unwrap(), csv["id"].as_i64().unwrap()];

    // A model that does not see pictures reads documents fine.
    let chat = thread(&s.user, s.blind).await;
    json_of(
        send(&s.user, chat, "What is the code?", &ids).await,
        StatusCode::OK,
    )
    .await;
    let content = last_user_content(&s.fake.last_request());
    let text = content.as_str().unwrap();
    assert!(text.starts_with("What is the code?"), "{text}");
    let pdf_at = text.find("<file name=\"report.pdf\">").expect("the PDF");
    assert!(text[pdf_at..].contains("forty-two"), "{text}");
    assert!(text.contains("<file name=\"prices.csv\">\nitem,price\ntea,3\n"));
}

#[tokio::test]
async fn uploads_are_checked_by_content_size_and_count() {
    let s = setup().await;
    let e = json_of(
        upload(&s.user, "a.txt", Vec::new()).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], "file");
    // Named a picture, but it is a program: refused by its bytes.
    let e = json_of(
        upload(
            &s.user,
            "cat.png",
            b"\x7fELF\x02\x01\x01\x00\x00\x00binary".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(e["error"].as_str().unwrap().contains("PDF"), "{e}");
    // A damaged picture is a clear 400, not a 500.
    let mut broken = png(10, 10);
    broken.truncate(40);
    json_of(
        upload(&s.user, "b.png", broken).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Over 10 MB for a picture, over 20 MB for anything.
    let mut big = png(10, 10);
    big.resize(11 * 1024 * 1024, 0);
    let e = json_of(
        upload(&s.user, "big.png", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(e["error"].as_str().unwrap().contains("10 MB"), "{e}");
    let huge = vec![b'a'; 21 * 1024 * 1024];
    let res = upload(&s.user, "huge.txt", huge).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // None of those was stored.
    let id = uploaded(&s.user, "ok.txt", b"fine".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(stored_count(&s.server), 1);

    // At most 10 a message, none twice.
    let mut many = Vec::new();
    for i in 0..11 {
        many.push(
            uploaded(
                &s.user,
                &format!("{i}.txt"),
                format!("note {i}").into_bytes(),
            )
            .await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let chat = thread(&s.user, s.blind).await;
    let e = json_of(
        send(&s.user, chat, "All", &many).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(e["error"].as_str().unwrap().contains("10"), "{e}");
    let e = json_of(
        send(&s.user, chat, "Twice", &[id, id]).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], "attachments");
    // Not multipart: 415.
    let res = s.user.post_json("/api/attachments", json!({})).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// Attachments stored in the test server's database.
pub(super) fn stored_count(server: &TestServer) -> i64 {
    use diesel::prelude::*;
    let mut conn = server.db();
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM attachments)",
    ))
    .get_result(&mut conn)
    .unwrap()
}

#[tokio::test]
async fn an_attachment_is_its_owners_alone_and_goes_with_its_thread() {
    let s = setup().await;
    let id = uploaded(&s.user, "mine.md", b"# Secret plans".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    let other = s.server.client();
    assert_eq!(
        other.register("mallory", "mallory password").await.status(),
        StatusCode::CREATED
    );
    let path = format!("/api/attachments/{id}");
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.delete(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.admin.get(&path).await.status(), StatusCode::NOT_FOUND);
    // Nor can it go out with someone else's message.
    let theirs = thread(&other, s.blind).await;
    let res = send(&other, theirs, "Steal", &[id]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Signed out: 401.
    let res = reqwest::get(s.server.url(&path)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A Markdown file is served as text, never as a page of this site.
    let res = s.user.get(&path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(res.text().await.unwrap(), "# Secret plans");

    // Sent, then its thread deleted: the file goes too.
    let chat = thread(&s.user, s.blind).await;
    json_of(send(&s.user, chat, "Read", &[id]).await, StatusCode::OK).await;
    assert_eq!(
        s.user
            .delete(&format!("/api/conversations/{chat}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.user.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stored_count(&s.server), 0);

    // Deleting an upload: 204, then 404.
    let id = uploaded(&s.user, "x.txt", b"x".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/attachments/{id}");
    assert_eq!(s.user.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.user.get(&path).await.status(), StatusCode::NOT_FOUND);
}

/// 300 pages of a maintenance log; page 217 holds the one fact asked for.
pub(super) fn long_log() -> Vec<u8> {
    let pages: Vec<String> = (1..=300)
        .map(|i| {
            if i == 217 {
                "Sector 217. The vault combination is seven three nine, kept beneath the \
                 lighthouse."
                    .to_string()
            } else {
                format!(
                    "Sector {i}. {}",
                    "Routine checks of pumps, valves and filters found nothing unusual; \
                     the crew logged pressure readings and replaced worn gaskets. "
                        .repeat(12)
                )
            }
        })
        .collect();
    let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    pdf(&refs)
}

#[tokio::test]
async fn a_long_document_is_searched_and_the_reply_cites_its_sources() {
    let s = setup().await;
    let a = uploaded(&s.user, "log.pdf", long_log()).await;
    assert_eq!(a["pages"], 300);
    let chat = thread(&s.user, s.blind).await;
    let reply = json_of(
        send(
            &s.user,
            chat,
            "What is the vault combination beneath the lighthouse?",
            &[a["id"].as_i64().unwrap()],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let text = last_user_content(&s.fake.last_request());
    let text = text.as_str().unwrap();
    // Not the whole file: its excerpts, the answer's first.
    assert!(text.len() < 40_000, "{} characters sent", text.len());
    assert!(text.contains("too long to send whole"), "{text}");
    let first = text
        .find("[1] log.pdf, page 217:\n")
        .expect("page 217 first");
    assert!(text[first..].contains("seven three nine"));
    // The reply lists its sources, after a reload too.
    let sources = &reply["assistant_message"]["sources"];
    assert_eq!(sources[0]["n"], 1);
    assert_eq!(sources[0]["name"], "log.pdf");
    assert_eq!(sources[0]["page"], 217);
    let view = json_of(
        s.user.get(&format!("/api/conversations/{chat}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["messages"][1]["sources"], *sources);
    // The page lists them under the reply, and the file by name.
    let page = chat_page(&s.user, chat).await;
    assert!(
        page.contains("[1] log.pdf, page 217"),
        "no sources in the page"
    );
    assert!(page.contains("<span class=\"attachment-name\">log.pdf"));
}

#[tokio::test]
async fn an_agents_shelf_is_searched_in_its_threads_and_is_its_owners() {
    let s = setup().await;
    let manual = uploaded(&s.user, "manual.pdf", long_log()).await["id"]
        .as_i64()
        .unwrap();
    let picture = uploaded(&s.user, "p.png", png(8, 8)).await["id"]
        .as_i64()
        .unwrap();
    let agent = new_agent(&s.user, json!({"name": "Keeper", "model_id": s.blind})).await;
    let shelf = format!("/api/agents/{agent}/knowledge");
    let listed = json_of(
        s.user
            .post_json(&shelf, json!({"attachment_id": manual}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(listed[0]["id"], manual);
    let e = json_of(
        s.user
            .post_json(&shelf, json!({"attachment_id": picture}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["field"], "attachment_id");

    // A thread with the agent gets the matching excerpt without attaching.
    let chat = agent_thread(&s.user, agent).await;
    let reply = json_of(
        send(&s.user, chat, "Where is the vault combination kept?", &[]).await,
        StatusCode::OK,
    )
    .await;
    let text = last_user_content(&s.fake.last_request());
    assert!(text.as_str().unwrap().contains("lighthouse"), "{text}");
    assert_eq!(reply["assistant_message"]["sources"][0]["page"], 217);

    // Someone else neither sees nor changes the shelf, nor shelves
    // someone else's file.
    let other = s.server.client();
    assert_eq!(
        other.register("mallory", "mallory password").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(other.get(&shelf).await.status(), StatusCode::NOT_FOUND);
    let res = other
        .post_json(&shelf, json!({"attachment_id": manual}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let own = uploaded(&other, "mine.txt", b"mine".to_vec()).await["id"]
        .as_i64()
        .unwrap();
    let res = s
        .user
        .post_json(&shelf, json!({"attachment_id": own}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Off the shelf: 204, then 404; the file stays while a message has it.
    let off = format!("{shelf}/{manual}");
    assert_eq!(s.user.delete(&off).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.user.delete(&off).await.status(), StatusCode::NOT_FOUND);
    let listed = json_of(s.user.get(&shelf).await, StatusCode::OK).await;
    assert_eq!(listed, json!([]));
}
