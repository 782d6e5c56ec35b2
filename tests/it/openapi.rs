//! The OpenAPI document at `/api/openapi.json`: OpenAPI 3.1, every handler
//! of the REST API and `/v1` in it (a handler added without its
//! `#[utoipa::path]`, or a route added beside the documented routers, fails
//! here), and every schema it refers to defined.

use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Routes that are deliberately not operations of the document: the
/// document itself, its viewer, and the JSON 404 for unknown API paths.
const NOT_OPERATIONS: &[&str] = &["/api/openapi.json", "/api/docs", "/api/{*rest}"];

async fn document(server: &TestServer) -> Value {
    let res = server.client().get("/api/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    res.json().await.unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// `(method, path, handler)` of every `pub async fn` in the REST modules,
/// read from the `#[utoipa::path(method, path = "...")]` right above it.
/// A handler without one fails the test that calls this.
fn handlers() -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (file, text) in sources("src/server/rest") {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("pub async fn ") else {
                continue;
            };
            let name = rest.split('(').next().unwrap_or_default().to_string();
            // The attributes and doc comments right above the fn.
            let mut j = i;
            let mut attrs = String::new();
            while j > 0 {
                let above = lines[j - 1].trim();
                if above.is_empty() || above.starts_with('}') || above.ends_with(';') {
                    break;
                }
                attrs = format!("{above} {attrs}");
                j -= 1;
            }
            let Some(at) = attrs.find("#[utoipa::path(") else {
                missing.push(format!("{}: {name}", file.display()));
                continue;
            };
            let args = &attrs[at + "#[utoipa::path(".len()..];
            let method = args
                .split(',')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let path = args
                .split("path = \"")
                .nth(1)
                .and_then(|p| p.split('"').next())
                .unwrap_or_default()
                .to_string();
            found.push((method, path, name));
        }
    }
    assert!(
        missing.is_empty(),
        "handlers without #[utoipa::path], so missing from /api/openapi.json: {missing:#?}"
    );
    found
}

#[tokio::test]
async fn every_handler_is_an_operation_of_the_openapi_3_1_document() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Backrooms API");
    let paths = doc["paths"].as_object().unwrap();

    let handlers = handlers();
    assert!(
        handlers.len() > 100,
        "only {} handlers found",
        handlers.len()
    );
    for (method, path, name) in &handlers {
        let op = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{name}: {path} is not in the document"))[method];
        assert!(op.is_object(), "{name}: {method} {path} is not documented");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path} has no tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path} has no summary"
        );
        let answers = op["responses"].as_object().unwrap();
        assert!(
            answers.keys().any(|s| s.starts_with('2')),
            "{method} {path} documents no success"
        );
    }
    // Generated clients name a method per operation: each name once.
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "operationIds repeat");
    assert_eq!(
        paths["/api/notes/{id}"]["get"]["operationId"],
        "get_notes_by_id"
    );

    // Nothing documented that no handler serves.
    let documented: usize = paths
        .values()
        .map(|item| {
            ["get", "post", "put", "delete", "patch"]
                .iter()
                .filter(|m| item.get(**m).is_some())
                .count()
        })
        .sum();
    assert_eq!(documented, handlers.len());

    // What a client needs most, spelled out.
    let create_token = &paths["/api/tokens"]["post"];
    assert!(create_token["responses"]["201"].is_object());
    assert!(create_token["requestBody"]["content"]["application/json"].is_object());
    assert!(paths["/v1/chat/completions"]["post"]["requestBody"].is_object());
    assert!(paths["/v1/messages"]["post"]["requestBody"].is_object());
    let login = &paths["/api/auth/login"]["post"];
    assert_eq!(
        login["security"],
        serde_json::json!([{}]),
        "login needs no sign-in"
    );
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["token"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["name"], "backrooms_session");
}

#[test]
fn no_route_bypasses_the_documented_routers() {
    let mut stray = Vec::new();
    for (file, text) in sources("src/server") {
        for line in text.lines() {
            let Some(at) = line.find(".route(\"") else {
                continue;
            };
            let path = line[at + 8..].split('"').next().unwrap_or_default();
            let api = path.starts_with("/api") || path.starts_with("/v1");
            if api && !NOT_OPERATIONS.contains(&path) {
                stray.push(format!("{}: {path}", file.display()));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "API routes added with .route(), so missing from the document (use routes!): {stray:#?}"
    );
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_schema_the_document_refers_to_is_defined() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "$ref {r} is not defined");
    }
    // The error every /api route answers is described once.
    assert!(schemas["ErrorBody"]["properties"]["error"].is_object());
}

#[tokio::test]
async fn the_docs_page_loads_its_viewer_from_this_server_only() {
    let server = TestServer::start().await;
    let res = server.client().get("/api/docs").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("/api-docs/swagger-ui-bundle.js"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    // The viewer's files are in public/, which the build copies to the site.
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("public/api-docs");
    for file in ["swagger-ui-bundle.js", "swagger-ui.css", "init.js"] {
        assert!(public.join(file).is_file(), "public/api-docs/{file}");
    }
    let init = std::fs::read_to_string(public.join("init.js")).unwrap();
    assert!(init.contains("\"/api/openapi.json\""));
}
