//! Files without JavaScript: the composer as a plain multipart form, an
//! agent's knowledge shelf from its editor page, and a backroom seat that
//! searches its agent's shelf.

use super::{last_user_content, long_log, new_agent, png, setup, stored_count, thread, uploaded};
use crate::common::{json_of, location, run_to_end, Api};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The page at `path` as `api` gets it.
async fn html(api: &Api, path: &str) -> String {
    let res = api.get(path).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

/// A thread's link, as the server redirects to it.
fn link(thread: i64) -> String {
    format!("/c/{thread}#latest")
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_string())
}

/// The composer's fields as the page's form sends them.
fn composer(thread: Option<i64>, model: i64, content: &str) -> Form {
    let mut form = Form::new()
        .text("content", content.to_string())
        .text("model_id", model.to_string())
        .text("temperature", "1")
        .text("max_tokens", "0")
        .text("attachments", "");
    if let Some(t) = thread {
        form = form.text("thread_id", t.to_string());
    }
    form
}

async fn thread_view(api: &Api, id: i64) -> Value {
    json_of(
        api.get(&format!("/api/conversations/{id}")).await,
        StatusCode::OK,
    )
    .await
}

/// The thread's reply is finished (the form answers before it is).
async fn wait_reply(api: &Api, id: i64) -> Value {
    for _ in 0..200 {
        let v = thread_view(api, id).await;
        if v["messages"][1]["status"] == "complete" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no finished reply in thread {id}");
}

#[tokio::test]
async fn the_composer_form_sends_files_and_keeps_them_when_refused() {
    let s = setup().await;
    let chat = thread(&s.user, s.seeing).await;
    // An empty file input sends an unnamed, empty part: ignored.
    let form = composer(Some(chat), s.seeing, "What is in these?")
        .part("file", file("dot.png", png(4, 4)))
        .part(
            "file",
            file("notes.txt", b"Bring the blue folder.".to_vec()),
        )
        .part("file", file("", Vec::new()));
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), link(chat));
    let view = wait_reply(&s.user, chat).await;
    let files = view["messages"][0]["attachments"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dot.png", "notes.txt"]);
    let parts = last_user_content(&s.fake.last_request());
    assert!(parts[0]["text"]
        .as_str()
        .unwrap()
        .contains("Bring the blue folder."));
    assert!(parts[1]["image_url"]["url"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));

    // A new thread from the home page's form.
    let form = composer(None, s.blind, "Read this").part("file", file("a.md", b"# A".to_vec()));
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let new_id: i64 = location(&res)
        .trim_start_matches("/c/")
        .trim_end_matches("#latest")
        .parse()
        .expect("a thread link");
    let view = wait_reply(&s.user, new_id).await;
    assert_eq!(view["messages"][0]["attachments"][0]["name"], "a.md");

    // A picture to a model that does not see: nothing is sent, the text and
    // the uploaded file are kept for the next try.
    let blind = thread(&s.user, s.blind).await;
    let form = composer(Some(blind), s.blind, "Describe it").part("file", file("p.png", png(5, 5)));
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), link(blind));
    assert_eq!(thread_view(&s.user, blind).await["messages"], json!([]));
    let page = html(&s.user, &format!("/c/{blind}")).await;
    assert!(
        page.contains("cannot see pictures") || page.contains("does not see"),
        "no error shown"
    );
    assert!(page.contains("Describe it"), "the typed text is lost");
    assert!(
        page.contains("1 file(s) from your last try"),
        "the file is not kept"
    );
    let kept = page
        .split("name=\"attachments\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the kept ids")
        .to_string();
    assert!(!kept.is_empty());
    // Sent again with a model that sees pictures: the kept file goes out.
    let form = Form::new()
        .text("thread_id", blind.to_string())
        .text("content", "Describe it")
        .text("model_id", s.seeing.to_string())
        .text("attachments", kept.clone());
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(location(&res), link(blind));
    let view = wait_reply(&s.user, blind).await;
    assert_eq!(
        view["messages"][0]["attachments"][0]["id"].to_string(),
        kept
    );

    // A file it does not take: the error names it, nothing is sent.
    let before = stored_count(&s.server);
    let form = composer(Some(chat), s.seeing, "And this?").part(
        "file",
        file(
            "tool.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff".to_vec(),
        ),
    );
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(location(&res), link(chat));
    let page = html(&s.user, &format!("/c/{chat}")).await;
    assert!(
        page.contains("tool.exe: Attach a picture"),
        "no error naming the file"
    );
    assert_eq!(stored_count(&s.server), before);
    assert_eq!(
        thread_view(&s.user, chat).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Eleven files: refused with the limit, the first ten kept.
    let mut form = composer(Some(chat), s.seeing, "Many");
    for i in 0..11 {
        form = form.part(
            "file",
            file(&format!("n{i}.txt"), format!("note {i}").into_bytes()),
        );
    }
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(location(&res), link(chat));
    let page = html(&s.user, &format!("/c/{chat}")).await;
    assert!(page.contains("at most 10 files"));
    assert!(page.contains("10 file(s) from your last try"));

    // A field the composer does not have is refused; nothing is sent.
    let form = composer(Some(chat), s.seeing, "Sneaky").text("extra", "x".repeat(1000));
    let res = s.user.post_multipart("/chat/send", form).await;
    assert_eq!(location(&res), link(chat));
    let page = html(&s.user, &format!("/c/{chat}")).await;
    assert!(page.contains("The message form has no field"));
    assert_eq!(
        thread_view(&s.user, chat).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Someone else's kept id is not theirs to send.
    let other = s.server.client();
    assert_eq!(
        other.register("mallory", "mallory password").await.status(),
        StatusCode::CREATED
    );
    let theirs = thread(&other, s.seeing).await;
    let form = Form::new()
        .text("thread_id", theirs.to_string())
        .text("content", "Steal")
        .text("attachments", kept);
    let res = other.post_multipart("/chat/send", form).await;
    assert_eq!(location(&res), link(theirs));
    assert_eq!(thread_view(&other, theirs).await["messages"], json!([]));
}

#[tokio::test]
async fn an_agents_shelf_is_kept_from_its_editor_page() {
    let s = setup().await;
    let agent = new_agent(&s.user, json!({"name": "Keeper", "model_id": s.blind})).await;
    let add = format!("/agents/{agent}/knowledge");
    let res = s
        .user
        .post_multipart(
            &add,
            Form::new().part("file", file("guide.pdf", long_log())),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/agents/{agent}#knowledge"));
    let page = html(&s.user, &format!("/agents/{agent}")).await;
    assert!(page.contains("guide.pdf is on the shelf."));
    assert!(page.contains("<span class=\"attachment-name\">guide.pdf"));
    assert!(page.contains("300 pages"));
    let shelf = json_of(
        s.user.get(&format!("/api/agents/{agent}/knowledge")).await,
        StatusCode::OK,
    )
    .await;
    let guide = shelf[0]["id"].as_i64().unwrap();
    assert!(page.contains(&format!("/agents/{agent}/knowledge/{guide}/remove")));

    // A picture is refused and not kept.
    let before = stored_count(&s.server);
    let res = s
        .user
        .post_multipart(&add, Form::new().part("file", file("p.png", png(3, 3))))
        .await;
    assert_eq!(location(&res), format!("/agents/{agent}#knowledge"));
    let page = html(&s.user, &format!("/agents/{agent}")).await;
    assert!(page.contains("Only documents go on an agent"));
    assert_eq!(stored_count(&s.server), before);

    // Someone else can neither add to it nor take from it.
    let other = s.server.client();
    assert_eq!(
        other.register("mallory", "mallory password").await.status(),
        StatusCode::CREATED
    );
    let res = other
        .post_multipart(&add, Form::new().part("file", file("x.txt", b"x".to_vec())))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_count(&s.server), before);
    let remove = format!("/agents/{agent}/knowledge/{guide}/remove");
    other.post_form(&remove, &[]).await;
    let shelf = json_of(
        s.user.get(&format!("/api/agents/{agent}/knowledge")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shelf.as_array().unwrap().len(), 1);

    // Its owner takes it off.
    let res = s.user.post_form(&remove, &[]).await;
    assert_eq!(location(&res), format!("/agents/{agent}#knowledge"));
    let shelf = json_of(
        s.user.get(&format!("/api/agents/{agent}/knowledge")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shelf, json!([]));
}

#[tokio::test]
async fn a_backroom_seat_searches_its_agents_shelf() {
    let s = setup().await;
    let guide = uploaded(&s.user, "guide.pdf", long_log()).await["id"]
        .as_i64()
        .unwrap();
    let mut agents = Vec::new();
    for name in ["Keeper", "Visitor"] {
        let prompt = format!("You are {name}.");
        let body = json!({"name": name, "model_id": s.blind, "system_prompt": prompt});
        agents.push(new_agent(&s.user, body).await);
    }
    json_of(
        s.user
            .post_json(
                &format!("/api/agents/{}/knowledge", agents[0]),
                json!({"attachment_id": guide}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let room = json_of(
        s.user
            .post_json(
                "/api/backrooms",
                json!({"title": "Vault", "scenario": "Where is the vault combination kept?",
                       "participants": agents, "max_turns": 2}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    run_to_end(&s.user, room).await;

    // What each seat's model was sent: the Keeper's prompt holds the
    // excerpt from page 217, the Visitor's holds none.
    let requests = s.fake.requests.lock().unwrap().clone();
    let prompt_of = |name: &str| -> String {
        requests
            .iter()
            .find(|r| r["messages"][0]["content"] == format!("You are {name}."))
            .map(|r| r["messages"].to_string())
            .unwrap_or_else(|| panic!("no request for {name}"))
    };
    let keeper = prompt_of("Keeper");
    assert!(keeper.contains("[1] guide.pdf, page 217:"), "{keeper}");
    assert!(keeper.contains("seven three nine"));
    assert!(!prompt_of("Visitor").contains("guide.pdf"));
    // The turn records its sources, as a chat reply does.
    let view = json_of(
        s.user.get(&format!("/api/backrooms/{room}")).await,
        StatusCode::OK,
    )
    .await;
    let turn = view["turns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["speaker"] == "Keeper")
        .unwrap()
        .clone();
    assert_eq!(turn["sources"][0]["page"], 217);
    assert_eq!(turn["sources"][0]["name"], "guide.pdf");
    let page = html(&s.user, &format!("/backrooms/{room}")).await;
    assert!(page.contains("[1] guide.pdf, page 217"));
}
