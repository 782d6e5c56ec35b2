//! A small, language-agnostic code highlighter for message code blocks:
//! comments, strings, numbers and common keywords become spans. Every byte
//! of code is HTML-escaped; only our own `<span class>` tags are added.

const KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "def",
    "default",
    "do",
    "elif",
    "else",
    "enum",
    "except",
    "export",
    "extends",
    "false",
    "finally",
    "fn",
    "for",
    "from",
    "func",
    "function",
    "go",
    "if",
    "impl",
    "import",
    "in",
    "interface",
    "is",
    "lambda",
    "let",
    "loop",
    "match",
    "mod",
    "mut",
    "new",
    "nil",
    "None",
    "not",
    "null",
    "package",
    "pass",
    "pub",
    "raise",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "switch",
    "this",
    "throw",
    "trait",
    "true",
    "True",
    "False",
    "try",
    "type",
    "typeof",
    "undefined",
    "use",
    "var",
    "void",
    "where",
    "while",
    "with",
    "yield",
];

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn span(out: &mut String, class: &str, text: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(out, text);
    out.push_str("</span>");
}

/// `lang` only decides whether `#` starts a comment.
pub fn highlight(code: &str, lang: &str) -> String {
    let hash_comments = matches!(
        lang,
        "py" | "python"
            | "sh"
            | "bash"
            | "shell"
            | "zsh"
            | "rb"
            | "ruby"
            | "yaml"
            | "yml"
            | "toml"
            | "r"
            | "perl"
    );
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len() * 2);
    let mut i = 0;
    let take = |from: usize, to: usize| -> String { chars[from..to].iter().collect() };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if (c == '/' && next == Some('/'))
            || (c == '#' && hash_comments)
            || (c == '-' && next == Some('-') && lang == "sql")
        {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            span(&mut out, "tok-com", &take(i, end));
            i = end;
        } else if c == '/' && next == Some('*') {
            let mut end = i + 2;
            while end < chars.len() && !(chars[end - 1] == '*' && chars[end] == '/' && end > i + 2)
            {
                end += 1;
            }
            let end = (end + 1).min(chars.len());
            span(&mut out, "tok-com", &take(i, end));
            i = end;
        } else if c == '"' || c == '\'' || c == '`' {
            let mut end = i + 1;
            while end < chars.len() && chars[end] != c && chars[end] != '\n' {
                if chars[end] == '\\' {
                    end += 1;
                }
                end += 1;
            }
            let end = (end + 1).min(chars.len());
            span(&mut out, "tok-str", &take(i, end));
            i = end;
        } else if c.is_ascii_digit() {
            let end = chars[i..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_'))
                .map_or(chars.len(), |p| i + p);
            span(&mut out, "tok-num", &take(i, end));
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = chars[i..]
                .iter()
                .position(|c| !(c.is_alphanumeric() || *c == '_'))
                .map_or(chars.len(), |p| i + p);
            let word = take(i, end);
            if KEYWORDS.contains(&word.as_str()) {
                span(&mut out, "tok-kw", &word);
            } else {
                escape(&mut out, &word);
            }
            i = end;
        } else {
            escape(&mut out, &c.to_string());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn marks_tokens_and_escapes_everything() {
        let h = highlight("let x = \"<b>\"; // hi <i>\nfn f() { 42 }", "rust");
        assert!(h.contains("<span class=\"tok-kw\">let</span>"));
        assert!(h.contains("<span class=\"tok-str\">&quot;&lt;b&gt;&quot;</span>"));
        assert!(h.contains("<span class=\"tok-com\">// hi &lt;i&gt;</span>"));
        assert!(h.contains("<span class=\"tok-num\">42</span>"));
        assert!(!h.contains("<b>") && !h.contains("<i>"));
        let py = highlight("# note\ndef f(): return None", "python");
        assert!(py.contains("<span class=\"tok-com\"># note</span>"));
        assert!(py.contains("<span class=\"tok-kw\">def</span>"));
        // Unterminated strings and comments end at the text's end.
        assert_eq!(
            highlight("'abc", "js"),
            "<span class=\"tok-str\">&#39;abc</span>"
        );
        assert!(highlight("/* open", "c").contains("tok-com"));
    }
}
