//! A server function's error in an island's form. It shows under the input
//! it names, with the markup a plain form's flash uses there
//! ([`super::flash::field_error`]), else at the form's general spot.

use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FormErrors {
    /// The input the current error shows under (`None`: the general
    /// spot), and its message.
    error: RwSignal<Option<(Option<&'static str>, String)>>,
    /// The inputs (by `name`) that show their own error.
    fields: &'static [&'static str],
}

impl FormErrors {
    pub fn new(fields: &'static [&'static str]) -> FormErrors {
        FormErrors {
            error: RwSignal::new(None),
            fields,
        }
    }

    /// Shows `e` under the input it names, if it is one of ours. Returns
    /// its message when it belongs at the general spot instead.
    pub fn set(self, e: AppError) -> Option<String> {
        let field = e
            .field()
            .and_then(|f| self.fields.iter().copied().find(|ours| *ours == f));
        let message = e.message().to_string();
        self.error.set(Some((field, message.clone())));
        field.is_none().then_some(message)
    }

    /// Shows `e` at the general spot (it came from an input elsewhere).
    pub fn set_general(self, e: AppError) {
        self.error.set(Some((None, e.message().to_string())));
    }

    pub fn clear(self) {
        self.error.set(None);
    }

    /// The current error (tracked).
    fn placed(self) -> Option<(Option<&'static str>, String)> {
        self.error.get()
    }

    /// The current error when it belongs at the form's general spot.
    pub fn general(self) -> Option<String> {
        self.placed()
            .filter(|(field, _)| field.is_none())
            .map(|(_, m)| m)
    }

    /// Goes right after the input named `field`.
    pub fn at(self, field: &'static str) -> impl IntoView {
        move || {
            self.placed()
                .filter(|(shown, _)| *shown == Some(field))
                .map(|(_, m)| view! { <small class="field-error" role="alert">{m}</small> })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_shows_under_its_field_else_in_general() {
        Owner::new().with(shown_under_its_field_else_in_general);
    }

    fn shown_under_its_field_else_in_general() {
        let errors = FormErrors::new(&["title", "body"]);
        assert_eq!(errors.general(), None);
        assert_eq!(errors.set(AppError::invalid("title", "Too long.")), None);
        assert_eq!(errors.general(), None);
        assert_eq!(
            errors
                .set(AppError::invalid("folder", "No such folder."))
                .as_deref(),
            Some("No such folder.")
        );
        assert_eq!(errors.general().as_deref(), Some("No such folder."));
        errors.set(AppError::conflict("Taken."));
        assert_eq!(errors.general().as_deref(), Some("Taken."));
        errors.set_general(AppError::invalid("title", "Too long."));
        assert_eq!(errors.general().as_deref(), Some("Too long."));
        errors.clear();
        assert_eq!(errors.general(), None);
    }
}
