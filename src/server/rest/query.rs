//! `ApiQuery<T>`: the query-string extractor for the REST API. A value that
//! does not parse (`offset=abc`, `archived=maybe`, a number too large)
//! answers our JSON 400 naming the field, instead of axum's plain text.
//! serde_path_to_error tells which field failed, as axum's own `Query` does
//! internally.

use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse(parts.uri.query().unwrap_or("")).map(ApiQuery)
    }
}

/// `T` from a raw query string, or a 400 naming the first bad field.
pub fn parse<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let why = e.into_inner().to_string();
        if field.is_empty() || field == "." {
            // A missing field has no path: serde names it in the message.
            let named = why
                .split('`')
                .nth(1)
                .filter(|_| why.starts_with("missing field"));
            match named {
                Some(name) => {
                    AppError::invalid(name, format!("The query parameter {name} is required."))
                }
                None => AppError::bad_request(format!("The query string does not parse: {why}.")),
            }
        } else {
            AppError::invalid(
                &field,
                format!("The query parameter {field} is not valid: {why}."),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[expect(dead_code)]
    struct P {
        q: String,
        #[serde(default)]
        offset: i64,
        archived: Option<bool>,
    }

    #[test]
    fn bad_values_name_their_field() {
        for (query, field) in [
            ("q=x&offset=abc", "offset"),
            ("q=x&offset=99999999999999999999", "offset"),
            ("q=x&archived=maybe", "archived"),
            ("offset=1", "q"),
        ] {
            let err = parse::<P>(query).unwrap_err();
            assert_eq!(err.status_code(), 400, "{query}");
            assert_eq!(err.field(), Some(field), "{query}: {err}");
        }
        assert!(parse::<P>("q=hello%20there&offset=20&archived=true").is_ok());
    }
}
