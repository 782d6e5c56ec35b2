//! A reply being written, cut into markdown blocks that more text can no
//! longer change, so the page shows them rendered while the rest streams
//! in as plain text. A block ends at a blank line outside a code fence,
//! once the next line has arrived and does not continue it (an indented
//! line, or another item of the same list). The finished reply is still
//! rendered whole when it ends; the blocks only stand in until then.

use super::markdown;

#[derive(Debug, Default)]
pub struct Blocks {
    text: String,
    /// Bytes of `text` already rendered into blocks.
    settled: usize,
    /// Where the latest complete block ends (rendered at the end of `push`).
    ready: usize,
    /// Where the first line not yet looked at starts.
    scanned: usize,
    /// Inside a fenced code block: its fence character and length.
    fence: Option<(char, usize)>,
    /// Just after a blank line outside a fence: where a block could end.
    gap: Option<usize>,
    /// A block has begun since the last cut (blank lines alone are none).
    open: bool,
}

/// `- `, `* `, `+ `, `1. ` or `1) `: the line starts a list item.
fn list_item(line: &str) -> bool {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.starts_with([' ', '\t']);
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && t[digits..].starts_with(['.', ')'])
        && t[digits + 1..].starts_with([' ', '\t'])
}

/// A fence line: up to three spaces, then three or more ` or ~.
fn fence_of(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

impl Blocks {
    /// Adds the next piece of the reply. When it completed blocks, answers
    /// the bytes they span and their HTML.
    pub fn push(&mut self, delta: &str) -> Option<(std::ops::Range<usize>, String)> {
        self.text.push_str(delta);
        while let Some(len) = self.text[self.scanned..].find('\n') {
            let start = self.scanned;
            let end = start + len + 1;
            self.scanned = end;
            let line = self.text[start..end].trim_end_matches(['\n', '\r']);
            if let Some((c, n)) = self.fence {
                let closes = fence_of(line).is_some_and(|(fc, fl)| fc == c && fl >= n)
                    && line.trim_start().trim_start_matches(c).trim().is_empty();
                if closes {
                    self.fence = None;
                }
                continue;
            }
            if line.trim().is_empty() {
                if self.open {
                    self.gap = Some(end);
                }
                continue;
            }
            if let Some(gap) = self.gap.take() {
                if !self.continues(gap, line) {
                    self.ready = gap;
                }
            }
            self.open = true;
            self.fence = fence_of(line);
        }
        // The next line has begun: its first characters tell whether it
        // continues the block before the gap.
        if let Some(gap) = self.gap {
            let tail = &self.text[self.scanned..];
            let judged = match tail.chars().next() {
                None => false,
                Some(c) if c.is_whitespace() => false,
                Some(c) if "-*+0123456789".contains(c) => tail.len() >= 4,
                Some(_) => true,
            };
            if judged {
                self.gap = None;
                if !self.continues(gap, tail) {
                    self.ready = gap;
                }
            }
        }
        if self.ready <= self.settled {
            return None;
        }
        let span = self.settled..self.ready;
        let html = markdown::to_html(&self.text[span.clone()]);
        self.settled = self.ready;
        Some((span, html))
    }

    /// `line`, after a blank line at `gap`, still belongs to the block
    /// before: it is indented, or the next item of the same list.
    fn continues(&self, gap: usize, line: &str) -> bool {
        line.starts_with([' ', '\t']) || (list_item(line) && self.ends_in_list(gap))
    }

    /// The unsettled text up to `gap` ends in a list: its last line that is
    /// not blank or indented (a continuation) is an item.
    fn ends_in_list(&self, gap: usize) -> bool {
        self.text[self.ready..gap]
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t']))
            .is_some_and(list_item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` a few bytes at a time; answers each block's end and
    /// HTML.
    fn blocks(text: &str, step: usize) -> Vec<(usize, String)> {
        let mut from = 0;
        let mut b = Blocks::default();
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let mut j = (i + step).min(text.len());
            while !text.is_char_boundary(j) {
                j += 1;
            }
            if let Some((span, html)) = b.push(&text[i..j]) {
                assert_eq!(span.start, from, "blocks follow each other");
                from = span.end;
                out.push((span.end, html));
            }
            i = j;
        }
        out
    }

    #[test]
    fn paragraphs_settle_once_the_next_one_begins() {
        let text = "# Title\n\nSome *bold* words.\n\nStill being writ";
        let got = blocks(text, 3);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], (9, "<h1>Title</h1>\n".to_string()));
        assert_eq!(got[1].0, 29);
        assert!(got[1].1.contains("<em>bold</em>"), "{}", got[1].1);
        // The blocks put together are the text up to the last cut.
        assert_eq!(&text[..got[1].0], "# Title\n\nSome *bold* words.\n\n");
    }

    #[test]
    fn a_code_fence_with_blank_lines_stays_whole() {
        let text = "Look:\n\n```rust\nfn a() {}\n\nfn b() {}\n```\n\nDone.\n";
        let got = blocks(text, 2);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[1].1.contains("fn") && got[1].1.contains("<pre"),
            "{}",
            got[1].1
        );
        assert_eq!(got[1].0, text.len() - "Done.\n".len());
    }

    #[test]
    fn a_loose_list_and_indented_lines_are_not_cut() {
        let text = "- one\n\n- two\n\n  more of two\n\nAfter the list.\n";
        let got = blocks(text, 4);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.matches("<li>").count(), 2, "{}", got[0].1);
        assert!(blocks("1. a\n\n2. b\n", 1).is_empty());
        assert!(
            blocks("Intro:\n- a\n\n- b\n", 2).is_empty(),
            "a list after a line"
        );
    }

    #[test]
    fn nothing_settles_without_a_blank_line() {
        assert!(blocks("one line\nanother line\nand more\n", 5).is_empty());
        assert!(blocks("", 1).is_empty());
        assert!(
            blocks("\n\n\nText\n", 1).is_empty(),
            "leading blank lines are no block"
        );
    }

    #[test]
    fn wide_characters_are_cut_on_their_boundaries() {
        let text = "Grüße 🌍\n\nnächster Absatz\n";
        let got = blocks(text, 1);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("Grüße 🌍"));
    }
}
