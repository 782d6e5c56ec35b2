//! Markdown for messages, safe by construction: raw HTML in the source is
//! shown as text, only http(s)/mailto/relative links survive, images become
//! links (no request to a third party just by reading), and code blocks get
//! a copy button. Server only: while a reply streams the server sends its
//! completed blocks rendered ([`super::markdown_blocks`]) and the island
//! swaps in the whole reply's HTML when it ends, which keeps the markdown
//! parser out of the browser's WASM.

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
        || !lower.contains(':')
}

pub fn to_html(src: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut events = Vec::new();
    // Inside a code block: its language, and its text gathered to highlight.
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(src, options) {
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => {
                    text.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    events.push(Event::Html(CowStr::from(super::highlight::highlight(
                        &text, &lang,
                    ))));
                    events.push(Event::End(TagEnd::CodeBlock));
                    events.push(Event::Html(CowStr::Borrowed("</div>")));
                    continue;
                }
                _ => {}
            }
        }
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if safe_url(&dest_url) {
                    dest_url
                } else {
                    CowStr::Borrowed("#")
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                dest_url,
                title,
                id,
                ..
            }) => {
                let dest_url = if safe_url(&dest_url) {
                    dest_url
                } else {
                    CowStr::Borrowed("#")
                };
                events.push(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => events.push(Event::End(TagEnd::Link)),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let label: String = lang
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-'))
                    .take(20)
                    .collect();
                events.push(Event::Html(CowStr::from(format!(
                    "<div class=\"code-block\"><div class=\"code-head\"><span>{label}</span><button type=\"button\" class=\"copy-code\">Copy</button></div>"
                ))));
                events.push(Event::Start(Tag::CodeBlock(kind)));
                code = Some((label.to_ascii_lowercase(), String::new()));
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn injected_markup_stays_text() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "hi <b onmouseover=alert(1)>x</b>",
            "<iframe src=javascript:alert(1)></iframe>",
        ] {
            let html = to_html(payload);
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<img"), "{html}");
            assert!(!html.contains("<b "), "{html}");
            assert!(!html.contains("<iframe"), "{html}");
        }
        let html = to_html("[x](javascript:alert(1)) ![y](https://tracker.example/p.png)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("href=\"https://tracker.example/p.png\""));
    }

    #[test]
    fn code_blocks_keep_their_text_and_get_a_copy_button() {
        let html = to_html("```rust\nlet a = \"<b>\";\n```");
        assert!(html.contains("class=\"copy-code\""));
        assert!(html.contains("language-rust"));
        assert!(html.contains("&lt;b&gt;"));
        let html = to_html("```\"><script>x</script>\ncode\n```");
        assert!(!html.contains("<script"), "{html}");
    }
}
