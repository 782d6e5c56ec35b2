//! The only way user text reaches a raw-text element (`<textarea>`,
//! `<title>`).
//!
//! Leptos 0.8 writes the children of these elements into the server's HTML
//! as they are (upstream fixed and then reverted this, leptos-rs/leptos PRs
//! 4730 and 4819), so `</textarea><img onerror=...>` in a note would end the
//! element and run script. On the server the text is escaped here; the
//! browser decodes the entities back into exactly what the user wrote. In
//! the browser (an island rebuilding its view) Leptos sets text through the
//! DOM, which is safe, so the text goes in unchanged.

use leptos::prelude::*;

/// `text` as the child of a `<textarea>` or `<title>`.
pub fn raw_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        escape(text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_string()
    }
}

/// `&`, `<` and `>` as entities: inside RCDATA (`<textarea>`, `<title>`) only
/// `&` and `</` mean anything, and both are then inert.
#[cfg_attr(not(feature = "ssr"), expect(dead_code))]
fn escape(text: &str) -> String {
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
            escape("x</textarea><img src=x onerror=alert(1)> & co"),
            "x&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
        assert_eq!(escape("plain \"quoted\" text"), "plain \"quoted\" text");
    }

    /// Every raw-text element in the views gets its text through this
    /// module: a new `<textarea>` with a bare `{value}` child, or a
    /// `leptos_meta::Title` outside this file, fails here.
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
                    let child = body.rsplit_once('>').map(|(_, c)| c.trim()).unwrap_or("");
                    // Nothing, or exactly one `{raw_text(...)}`.
                    let one_call = child.starts_with("{raw_text(")
                        && child.ends_with(")}")
                        && child.matches('{').count() == 1
                        && child.matches('}').count() == 1;
                    if !child.is_empty() && !one_call {
                        offenders.push(format!("{}: textarea #{i}: {child}", path.display()));
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
