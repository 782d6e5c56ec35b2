//! A corpus of hostile text for every user-controlled field, and the check
//! that a page rendered with it has no live markup. Later features reuse
//! both: put the corpus in every new field and `assert_inert` every page.

/// Breaks out of `<title>`, `<textarea>`, a double-quoted attribute and
/// plain text, all at once (76 characters, fits most fields).
pub const HOSTILE: &str =
    "x</title><script>alert(1)</script></textarea><img src=x onerror=alert(1)>\"><svg onload=alert(1)>";

/// For fields of at most `n` characters (tags, folder names).
pub fn hostile(n: usize) -> &'static str {
    [
        HOSTILE,
        "</textarea><img src=x onerror=alert(1)>",
        "</title><img src=x onerror=alert(1)>",
        "<img src=x onerror=alert(1)>",
    ]
    .into_iter()
    .find(|p| p.chars().count() <= n)
    .unwrap_or("<b>x")
}

/// Markup that exists in a page only if a payload got through unescaped
/// (each payload carries one of these after its breakout).
const LIVE: [&str; 3] = ["<script>alert", "<img src=x", "<svg onload"];

/// No payload is live markup in `page`, and no tag carries an inline event
/// handler (`on...=`), which the Content-Security-Policy forbids too.
pub fn assert_inert(page: &str, what: &str) {
    for live in LIVE {
        assert!(
            !page.contains(live),
            "{what}: live markup {live:?} in\n{}",
            around(page, live)
        );
    }
    for (tag, names) in tags(page) {
        let handler = names.iter().find(|n| n.starts_with("on"));
        assert!(
            handler.is_none(),
            "{what}: inline handler {handler:?} in <{tag}>"
        );
    }
}

/// Every start tag's name and attribute names, reading quoted values as
/// a browser does (text between tags is skipped, entities stay inert).
fn tags(page: &str) -> Vec<(String, Vec<String>)> {
    let b = page.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = page[i..].find('<') {
        i += off + 1;
        if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = page[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            attrs.push(page[a..i].to_ascii_lowercase());
            if b.get(i) == Some(&b'=') {
                i += 1;
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        i += 1;
                        while i < b.len() && b[i] != q {
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
            }
        }
        // Raw-text elements: their content is not markup.
        if name == "script" || name == "style" {
            if let Some(end) = page[i..].find("</") {
                i += end;
            }
        }
        out.push((name, attrs));
    }
    out
}

fn around<'a>(page: &'a str, needle: &str) -> &'a str {
    let at = page.find(needle).unwrap_or(0);
    let start = page.floor_char_boundary(at.saturating_sub(200));
    let end = page.ceil_char_boundary((at + 200).min(page.len()));
    &page[start..end]
}
