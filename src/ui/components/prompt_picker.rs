//! Typing `/` in the composer offers the user's saved prompts: the words
//! after the slash filter them by title; ↑/↓ choose, Enter or Tab (or a
//! click) insert, Escape closes. The prompts load on the first slash.

use crate::model::prompt::PromptView;
use crate::serverfns::prompts::load_prompts;
use crate::ui::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// At most this many suggestions show at once.
const SHOWN: usize = 8;

/// The `/word` being typed just before the caret: where its slash is (a
/// byte index) and the word. The slash starts the text or follows a space.
pub fn slash_query(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let token = &before[start..];
    let word = token.strip_prefix('/')?;
    (!word.contains('/')).then_some((start, word))
}

/// Prompts whose title has the word, those starting with it first.
pub fn matching<'a>(prompts: &'a [PromptView], word: &str) -> Vec<&'a PromptView> {
    let word = word.to_lowercase();
    let mut found: Vec<(bool, &PromptView)> = prompts
        .iter()
        .filter_map(|p| {
            let t = p.title.to_lowercase();
            t.contains(&word).then(|| (!t.starts_with(&word), p))
        })
        .collect();
    found.sort_by_key(|(later, _)| *later);
    found.into_iter().take(SHOWN).map(|(_, p)| p).collect()
}

/// The text with `/word` (from `start` to `caret`) replaced by `body`, and
/// the caret after it; `None` when the positions no longer fit the text.
pub fn insert(text: &str, start: usize, caret: usize, body: &str) -> Option<(String, usize)> {
    let (before, after) = (text.get(..start)?, text.get(caret..)?);
    if start > caret {
        return None;
    }
    let mut out = String::with_capacity(text.len() + body.len());
    out.push_str(before);
    out.push_str(body);
    let at = out.len();
    out.push_str(after);
    Some((out, at))
}

/// The picker's state, shared by the composer's key handler and the menu.
#[derive(Clone, Copy)]
pub struct Picker {
    prompts: RwSignal<Option<Vec<PromptView>>>,
    /// The slash's byte index and the caret's, while a `/word` is typed.
    typing: RwSignal<Option<(usize, usize)>>,
    active: RwSignal<usize>,
    draft: RwSignal<String>,
    area: NodeRef<leptos::html::Textarea>,
}

impl Picker {
    pub fn new(draft: RwSignal<String>, area: NodeRef<leptos::html::Textarea>) -> Self {
        Picker {
            prompts: RwSignal::new(None),
            typing: RwSignal::new(None),
            active: RwSignal::new(0),
            draft,
            area,
        }
    }

    /// After each input: is a `/word` being typed? Loads the prompts once.
    pub fn update(&self) {
        let caret =
            browser::caret(self.area).unwrap_or_else(|| self.draft.with_untracked(String::len));
        let found = self
            .draft
            .with_untracked(|d| slash_query(d, caret).map(|(start, _)| (start, caret)));
        if found.is_some() && self.prompts.with_untracked(Option::is_none) {
            let prompts = self.prompts;
            prompts.set(Some(Vec::new()));
            spawn_local(async move {
                prompts.set(Some(load_prompts().await.unwrap_or_default()));
            });
        }
        if found != self.typing.get_untracked() {
            self.active.set(0);
        }
        self.typing.set(found);
    }

    pub fn close(&self) {
        self.typing.set(None);
    }

    fn shown(&self) -> Vec<PromptView> {
        let Some((start, caret)) = self.typing.get() else {
            return Vec::new();
        };
        let word = self
            .draft
            .with(|d| d.get(start + 1..caret).unwrap_or("").to_string());
        self.prompts.with(|p| {
            matching(p.as_deref().unwrap_or(&[]), &word)
                .into_iter()
                .cloned()
                .collect()
        })
    }

    fn choose(&self, body: &str) {
        let Some((start, caret)) = self.typing.get_untracked() else {
            return;
        };
        self.typing.set(None);
        let Some((text, at)) = self.draft.with_untracked(|d| insert(d, start, caret, body)) else {
            return;
        };
        // The element first, so the caret lands in the new text at once.
        browser::set_text(self.area, &text, at);
        self.draft.set(text);
        browser::grow(self.area);
    }

    /// Arrow keys, Enter, Tab and Escape while the menu is open; `true`
    /// when the key was the picker's.
    pub fn on_key(&self, ev: &leptos::ev::KeyboardEvent) -> bool {
        if ev.is_composing() {
            return false;
        }
        let shown = self.shown();
        if shown.is_empty() {
            return false;
        }
        let n = shown.len();
        match ev.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % n),
            "ArrowUp" => self.active.update(|a| *a = (*a + n - 1) % n),
            "Enter" | "Tab" => {
                let i = self.active.get_untracked().min(n - 1);
                self.choose(&shown[i].body);
            }
            "Escape" => self.close(),
            _ => return false,
        }
        ev.prevent_default();
        true
    }
}

/// The suggestions above the composer.
#[component]
pub fn PromptMenu(picker: Picker) -> impl IntoView {
    let loaded = move || {
        picker
            .prompts
            .with(|p| p.as_ref().is_some_and(|l| !l.is_empty()))
    };
    view! {
        <Show when=move || picker.typing.with(Option::is_some)>
            <div class="prompt-menu" role="listbox" aria-label="Saved prompts">
                {move || {
                    let shown = picker.shown();
                    if shown.is_empty() {
                        let text = if loaded() { "No saved prompt matches." } else { "No saved prompts yet." };
                        return view! {
                            <p class="muted prompt-menu-empty">
                                {text}
                                " "
                                <a href="/prompts">"Manage prompts"</a>
                            </p>
                        }
                            .into_any();
                    }
                    shown
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let body = p.body.clone();
                            view! {
                                <button
                                    type="button"
                                    role="option"
                                    class="prompt-option"
                                    aria-selected=move || (picker.active.get() == i).to_string()
                                    on:mousedown=move |ev| {
                                        // Keep the focus (and caret) in the composer.
                                        ev.prevent_default();
                                        picker.choose(&body);
                                    }
                                >
                                    <span class="prompt-option-title">{p.title.clone()}</span>
                                    <span class="muted prompt-option-body">{p.body.chars().take(90).collect::<String>()}</span>
                                </button>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(title: &str) -> PromptView {
        PromptView {
            id: 0,
            title: title.to_string(),
            body: format!("body of {title}"),
            updated_at: 0,
        }
    }

    #[test]
    fn a_slash_word_before_the_caret_is_a_query() {
        assert_eq!(slash_query("/", 1), Some((0, "")));
        assert_eq!(slash_query("/sum", 4), Some((0, "sum")));
        assert_eq!(slash_query("hello /tr", 9), Some((6, "tr")));
        assert_eq!(slash_query("é /x", "é /x".len()), Some(("é ".len(), "x")));
        // A slash inside a word, a path, or text after the caret is not one.
        assert_eq!(slash_query("and/or", 6), None);
        assert_eq!(slash_query("/usr/bin", 8), None);
        assert_eq!(slash_query("/sum more", 9), None);
        assert_eq!(slash_query("/sum", 9), None);
    }

    #[test]
    fn titles_starting_with_the_word_come_first() {
        let list = [prompt("Translate"), prompt("Summarise"), prompt("Sum up")];
        let titles: Vec<_> = matching(&list, "su")
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(titles, ["Summarise", "Sum up"]);
        let titles: Vec<_> = matching(&list, "ARIS")
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(titles, ["Summarise"]);
        assert_eq!(matching(&list, "").len(), 3);
    }

    #[test]
    fn inserting_replaces_only_the_slash_word() {
        let (text, at) = insert("Please /tr this", 7, 10, "Translate to French:").unwrap();
        assert_eq!(text, "Please Translate to French: this");
        assert_eq!(&text[..at], "Please Translate to French:");
        // Positions from an older text (the draft was sent meanwhile).
        assert_eq!(insert("", 0, 4, "x"), None);
        assert_eq!(insert("é", 1, 1, "x"), None);
    }
}
