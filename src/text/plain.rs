//! Markdown as plain text, for a search snippet: the words stay, the
//! syntax goes (`**bold**` reads "bold", `[a link](url)` reads "a link",
//! headings, quotes, list markers and code fences lose their marks). A
//! snippet is a cut out piece, so half-open syntax is handled too.

/// `text` without its markdown syntax, on one line.
pub fn from_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            // A fence: its language name is no word of the text.
            continue;
        }
        if line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            // A table's rule.
            continue;
        }
        let line = strip_block_marks(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        inline(line, &mut out);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Headings, quotes and list markers at the start of a line.
fn strip_block_marks(mut line: &str) -> &str {
    loop {
        let before = line;
        line = line.trim_start_matches('>').trim_start();
        let hashes = line.len() - line.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            line = line[hashes..].trim_start();
        }
        for marker in ["- [ ] ", "- [x] ", "- ", "* ", "+ "] {
            if let Some(rest) = line.strip_prefix(marker) {
                line = rest;
            }
        }
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if (1..=9).contains(&digits) && line[digits..].starts_with(". ") {
            line = &line[digits + 2..];
        }
        if line == before {
            return line;
        }
    }
}

/// Emphasis, code and link syntax inside a line.
fn inline(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    // A search hit's marks sit inside words (`snake_\u{E000}case\u{E001}`).
    let word = |i: Option<usize>| {
        i.and_then(|i| chars.get(i)).is_some_and(|c| {
            c.is_alphanumeric()
                || *c == crate::model::search::HIT_START
                || *c == crate::model::search::HIT_END
        })
    };
    let spaced = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_none_or(|c| c.is_whitespace())
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            // `2 * 3` keeps its star; `**bold**` loses them.
            '*' | '~' if spaced(i.checked_sub(1)) && spaced(Some(i + 1)) => out.push(c),
            '*' | '`' | '~' => {}
            // `snake_case` keeps its underscore; `_emphasis_` loses them.
            '_' if !(word(i.checked_sub(1)) && word(Some(i + 1))) => {}
            '!' if chars.get(i + 1) == Some(&'[') => {}
            '[' => {}
            ']' if chars.get(i + 1) == Some(&'(') => {
                // Skip the link's address.
                match chars[i..].iter().position(|&x| x == ')') {
                    Some(end) => i += end,
                    None => break,
                }
            }
            '|' => out.push(' '),
            _ => out.push(c),
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::from_markdown;

    #[test]
    fn markdown_syntax_goes_the_words_stay() {
        assert_eq!(
            from_markdown("## The **plan**, in `code`"),
            "The plan, in code"
        );
        assert_eq!(
            from_markdown("> quoted\n- one\n- two\n1. first"),
            "quoted one two first"
        );
        assert_eq!(
            from_markdown("See [the docs](https://example.com/a_b) and ![a cat](c.png)."),
            "See the docs and a cat."
        );
        assert_eq!(
            from_markdown("```rust\nfn snake_case() {}\n```"),
            "fn snake_case() {}"
        );
        assert_eq!(from_markdown("_really_ ~~not~~ __so__"), "really not so");
        assert_eq!(from_markdown("| a | b |\n|---|:--|\n| c | d |"), "a b c d");
    }

    #[test]
    fn a_cut_out_piece_and_hit_marks_survive() {
        let hit = format!("**bo{}ld{} wo", '\u{E000}', '\u{E001}');
        assert_eq!(
            from_markdown(&hit),
            format!("bo{}ld{} wo", '\u{E000}', '\u{E001}')
        );
        assert_eq!(from_markdown("…end of a [link](http://x"), "…end of a link");
        assert_eq!(
            from_markdown("#hashtag and 2024. A year"),
            "#hashtag and 2024. A year"
        );
        assert_eq!(from_markdown(""), "");
        let snake = format!("snake_{}case{}", '\u{E000}', '\u{E001}');
        assert_eq!(from_markdown(&snake), snake);
        assert_eq!(from_markdown("2 * 3 ~ 4"), "2 * 3 ~ 4");
    }
}
