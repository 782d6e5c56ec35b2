//! The outcome of a plain form post, carried to the next page in a
//! short-lived HttpOnly cookie (never in the URL, so a crafted link cannot
//! put words on our pages). Keeps what the user typed when the form failed.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form on the page the message belongs to.
    pub form: Option<String>,
    /// The input at fault, shown under that input.
    pub field: Option<String>,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// What was typed (never secrets), to refill the form.
    pub values: Vec<(String, String)>,
}

impl Flash {
    pub const COOKIE: &'static str = "flash";

    pub fn notice(message: impl Into<String>) -> Flash {
        Flash {
            notice: Some(message.into()),
            ..Flash::default()
        }
    }

    pub fn error(form: &str, field: Option<&str>, message: impl Into<String>) -> Flash {
        Flash {
            form: Some(form.to_string()),
            field: field.map(str::to_string),
            error: Some(message.into()),
            ..Flash::default()
        }
    }

    pub fn with_values(mut self, values: &[(&str, &str)]) -> Flash {
        self.values = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.chars().take(512).collect()))
            .collect();
        self
    }

    fn is_form(&self, form: &str) -> bool {
        self.form.as_deref() == Some(form)
    }

    /// What the user typed into `name` of `form`, if that form just failed.
    pub fn value(&self, form: &str, name: &str) -> Option<String> {
        self.is_form(form)
            .then(|| {
                self.values
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
            .flatten()
    }

    pub fn field_error(&self, form: &str, field: &str) -> Option<String> {
        (self.is_form(form) && self.field.as_deref() == Some(field))
            .then(|| self.error.clone())
            .flatten()
    }

    /// An error of `form` not tied to one of `shown_fields`.
    pub fn form_error(&self, form: &str, shown_fields: &[&str]) -> Option<String> {
        let tied = self
            .field
            .as_deref()
            .is_some_and(|f| shown_fields.contains(&f));
        (self.is_form(form) && !tied)
            .then(|| self.error.clone())
            .flatten()
    }

    /// Hex of JSON: cookie-safe without another dependency.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        json.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn decode(raw: &str) -> Option<Flash> {
        if !raw.len().is_multiple_of(2) || raw.len() > 8192 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..raw.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
            .collect();
        serde_json::from_slice(&bytes?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lookup() {
        let f =
            Flash::error("add", Some("base_url"), "bad URL").with_values(&[("name", "My; \"AI\"")]);
        let back = Flash::decode(&f.encode()).unwrap();
        assert_eq!(back, f);
        assert_eq!(back.value("add", "name").as_deref(), Some("My; \"AI\""));
        assert_eq!(back.value("edit-1", "name"), None);
        assert_eq!(
            back.field_error("add", "base_url").as_deref(),
            Some("bad URL")
        );
        assert_eq!(back.form_error("add", &["base_url"]), None);
        assert_eq!(
            back.form_error("add", &["name"]).as_deref(),
            Some("bad URL")
        );
        assert_eq!(Flash::decode("zz"), None);
    }
}
