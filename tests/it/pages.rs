//! The HTML side: the sign-in gate, and the forms that must work with
//! JavaScript off (plain form posts to server functions, answered with
//! redirects).

use crate::common;

use common::{json_of, location, TestServer};
use reqwest::StatusCode;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn signed_out_visitors_are_sent_to_login_and_come_back() {
    let server = TestServer::start().await;
    let c = server.client();

    let res = c.get("/profile?tab=x").await;
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/login?next=/profile%3Ftab%3Dx");
    let res = c.get("/").await;
    assert_eq!(location(&res), "/login");

    let login = c.get("/login?next=/profile").await;
    assert_eq!(login.status(), StatusCode::OK);
    let html = login.text().await.unwrap();
    assert!(html.contains(r#"action="/fn/login""#));
    assert!(html.contains(r#"name="next" value="/profile""#));
    assert!(html.contains(r#"rel="manifest" href="/manifest.webmanifest""#));

    // No account yet: registration is open and the form is there.
    let reg = c.get("/register").await.text().await.unwrap();
    assert!(reg.contains(r#"action="/fn/register""#));

    let res = c
        .post_form(
            "/fn/register",
            &[
                ("username", "alice"),
                ("password", PW),
                ("next", "/profile"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/profile");
    let profile = c.get("/profile").await;
    assert_eq!(profile.status(), StatusCode::OK);
    let html = profile.text().await.unwrap();
    assert!(html.contains("alice"));
    assert!(html.contains("admin"));

    // Signed in, the auth pages send you home.
    assert_eq!(location(&c.get("/login").await), "/");

    // Logging out by form ends the session.
    let out = c.post_form("/fn/logout", &[]).await;
    assert_eq!(location(&out), "/login");
    assert!(c.get("/profile").await.status().is_redirection());

    // Closed registration: the page says so and has no form.
    let reg = c.get("/register").await.text().await.unwrap();
    assert!(reg.contains("Registration is closed"));
    assert!(!reg.contains(r#"action="/fn/register""#));
}

#[tokio::test]
async fn form_outcomes_come_back_in_the_flash_cookie_not_the_url() {
    let server = TestServer::start().await;
    server.client().register("alice", PW).await;
    let c = server.client();

    let res = c
        .post_form(
            "/fn/login",
            &[
                ("username", "alice"),
                ("password", "wrong"),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let to = location(&res);
    assert_eq!(to, "/login?next=/", "no reason or username in the URL");
    assert!(!to.contains("evil"), "an off-site next is dropped: {to}");
    let page = c.get(&to).await.text().await.unwrap();
    assert!(page.contains("Wrong username or password."));
    assert!(page.contains(r#"value="alice""#), "the username is kept");
    let again = c.get(&to).await.text().await.unwrap();
    assert!(!again.contains("Wrong username"), "shown once");

    let crafted = c
        .get("/login?error=Call%20555-0100")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !crafted.contains("555-0100"),
        "the query string says nothing"
    );

    let res = c
        .post_form(
            "/fn/login",
            &[
                ("username", "alice"),
                ("password", PW),
                ("next", "/profile"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/profile");

    let res = c
        .post_form(
            "/fn/change_password",
            &[
                ("current_password", "wrong one"),
                ("new_password", "a brand new one"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/profile#password");
    let page = c.get("/profile").await.text().await.unwrap();
    assert!(page.contains("The current password is not correct."));
    let res = c
        .post_form(
            "/fn/change_password",
            &[
                ("current_password", PW),
                ("new_password", "a brand new one"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/profile");
    let page = c.get("/profile").await.text().await.unwrap();
    assert!(page.contains("Password changed."));
    assert_eq!(c.get("/api/users/profile").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn admin_page_is_for_admins_and_toggles_registration() {
    let server = TestServer::start().await;
    let admin = server.client();
    admin.register("alice", PW).await;

    let page = admin.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Closed: only existing accounts can sign in."));
    let res = admin
        .post_form("/fn/set_registration", &[("mode", "open")])
        .await;
    assert_eq!(location(&res), "/admin");
    let page = admin.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Settings saved."));
    assert!(page.contains("Open: anyone who can reach this server"));
    let bad = admin
        .post_form("/fn/set_registration", &[("mode", "sometimes")])
        .await;
    assert_eq!(location(&bad), "/admin");
    let page = admin.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Choose closed, invite or open."));

    let bob = server.client();
    assert_eq!(bob.register("bob", PW).await.status(), StatusCode::CREATED);
    let res = bob.get("/admin").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!res.text().await.unwrap().contains("Save registration"));
    let res = bob
        .post_form("/fn/set_registration", &[("mode", "closed")])
        .await;
    assert_eq!(location(&res), "/admin");
    let page = bob.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Only an admin can do that."));
    let page = admin.get("/admin").await.text().await.unwrap();
    assert!(
        page.contains("Open: anyone who can reach this server"),
        "still open"
    );

    let missing = bob.get("/no/such/page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn theme_choice_persists_in_a_cookie_without_javascript() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    let res = c
        .http
        .post(c.url("/fn/set_theme"))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", server.url("/profile"))
        .body("theme=dark")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        location(&res).starts_with(&server.url("/profile")),
        "back where it came from"
    );
    let html = c.get("/profile").await.text().await.unwrap();
    assert!(
        html.contains(r#"data-theme="dark""#),
        "theme rendered server-side"
    );
}

#[tokio::test]
async fn pages_without_islands_load_no_wasm() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let anon = server.client();
    let loads_wasm = |html: &str| html.contains("/pkg/backrooms") && html.contains(".wasm");
    for path in ["/login", "/register"] {
        let html = anon.get(path).await.text().await.unwrap();
        assert!(html.contains("<form"), "{path} is the page: {html}");
        assert!(!loads_wasm(&html), "{path} loads WASM: {html}");
    }
    let thread = json_of(
        user.post_json(
            "/api/conversations",
            serde_json::json!({"title": "Shared one"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let share = json_of(
        user.post_empty(&format!("/api/conversations/{thread}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let html = anon
        .get(share["url"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Shared one") && !loads_wasm(&html), "{html}");
    // A page with islands still wakes them.
    let html = user
        .get(&format!("/c/{thread}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(loads_wasm(&html), "{html}");
}
