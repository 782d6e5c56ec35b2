//! `Id`: a numeric path id. Anything else answers 404 like an unknown id
//! (never axum's plain-text 400).

use crate::error::AppError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::not_found("Not found."))?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| AppError::not_found("Not found."))
    }
}

/// Two numeric path ids (`/{id}/…/{other}`), each answering 404 like
/// [`Id`] when it is not a number.
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::not_found("Not found."))?;
        let number = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| AppError::not_found("Not found."))
        };
        Ok(Ids(number(&a)?, number(&b)?))
    }
}
