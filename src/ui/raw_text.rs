//! The only way user text reaches a raw-text element (`<textarea>`,
//! `<title>`).
//!
//! Leptos 0.8 writes the children of these elements into the server's HTML
//! as they are (upstream fixed and then reverted this, leptos-rs/leptos PRs
//! 4730 and 4819), so `</textarea><img onerror=...>` in a note would end the
//! element and run script. So such elements never get text children: a
//! `<textarea>` gets `inner_html=raw_text(..)`, the page title `<PageTitle>`.
//! The text is escaped here in both builds; the browser decodes the entities
//! back (the HTML parser on the server's page, the `innerHTML` setter in an
//! island), so it reads exactly what the user wrote.

use leptos::prelude::*;

/// `text` escaped for `inner_html` of a `<textarea>` (or a `<title>`):
/// `&`, `<` and `>` as entities. Inside RCDATA only `&` and `</` mean
/// anything, and both are then inert.
pub fn raw_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's `<title>` (the app adds " · Backrooms"). Pages name
/// themselves through this, never through `leptos_meta::Title` directly.
/// Server-rendered pages only: the title is never set from an island.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=raw_text(&text) /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaking_out_is_impossible() {
        assert_eq!(
            raw_text("x</textarea><img src=x onerror=alert(1)> & co"),
            "x&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
        assert_eq!(raw_text("plain \"quoted\" text"), "plain \"quoted\" text");
    }

    /// Every raw-text element in the views gets its text through this
    /// module: a `<textarea>` with any child, or an `inner_html` that is not
    /// `raw_text(..)`, or a `leptos_meta::Title` outside this file, fails.
    #[test]
    fn views_use_the_helper() {
        let mut offenders = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("raw_text.rs") {
                    continue;
                }
                let src = std::fs::read_to_string(&path).unwrap_or_default();
                // `app.rs` holds the one formatter (" · Backrooms"), no user text.
                let names_title = src.contains("leptos_meta::Title")
                    || (src.contains("use leptos_meta::") && src.contains("Title"));
                if names_title && !path.ends_with("src/app.rs") {
                    offenders.push(format!("{}: Title", path.display()));
                }
                for (i, piece) in src.split("<textarea").enumerate().skip(1) {
                    // The element's child: what follows its opening tag.
                    let Some(end) = piece.find("</textarea>") else {
                        continue;
                    };
                    let body = &piece[..end];
                    let (open, child) = body.rsplit_once('>').unwrap_or((body, ""));
                    let bad_html = open
                        .split("inner_html=")
                        .skip(1)
                        .any(|v| !v.trim_start().starts_with("raw_text("));
                    if !child.trim().is_empty() || bad_html {
                        offenders.push(format!("{}: textarea #{i}: {body}", path.display()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "raw text without the helper: {offenders:?}"
        );
    }
}
