use serde::{Deserialize, Serialize};

/// Colour scheme; `System` follows the device. Kept in a cookie so the very
/// first HTML byte already has the right theme (no flash on a phone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    /// The page background (the browser's `theme-color`) when the system
    /// is in dark mode or not; the same as `--bg` in style/main.css.
    pub fn bar_color(self, system_dark: bool) -> &'static str {
        match (self, system_dark) {
            (Theme::Dark, _) | (Theme::System, true) => "#1c1a17",
            (Theme::Light, _) | (Theme::System, false) => "#faf6ec",
        }
    }

    pub const COOKIE: &'static str = "theme";
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Light => "Light",
            Theme::Dark => "Dark",
            Theme::System => "System",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Per-browser presentation choices read from cookies on every page render.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiPrefs {
    pub theme: Theme,
    /// Desktop only: the sidebar was collapsed by the user.
    pub sidebar_collapsed: bool,
}

impl UiPrefs {
    pub const SIDEBAR_COOKIE: &'static str = "sidebar";

    /// Reads the prefs from a raw `Cookie` header; unknown values fall back
    /// to defaults rather than failing the page.
    pub fn from_cookie_header(header: &str) -> UiPrefs {
        let mut prefs = UiPrefs::default();
        for pair in header.split(';') {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            match name {
                Theme::COOKIE => prefs.theme = Theme::parse(value).unwrap_or_default(),
                UiPrefs::SIDEBAR_COOKIE => prefs.sidebar_collapsed = value == "collapsed",
                _ => {}
            }
        }
        prefs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_come_from_cookies_and_ignore_junk() {
        let p = UiPrefs::from_cookie_header("id=abc; theme=dark; sidebar=collapsed");
        assert_eq!(p.theme, Theme::Dark);
        assert!(p.sidebar_collapsed);
        let p = UiPrefs::from_cookie_header("theme=<script>; sidebar=open");
        assert_eq!(p, UiPrefs::default());
    }
}
