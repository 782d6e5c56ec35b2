//! argon2id hashing, always on a blocking thread: one hash takes tens of
//! milliseconds of pure CPU, which must never stall the async runtime.

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::LazyLock;

fn hash_sync(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!("argon2 hash failed: {e}");
            AppError::Internal
        })
}

/// Verified against when the username does not exist, so an unknown user
/// costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_sync("dummy password for timing").unwrap_or_default());

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_sync(&password)).await?
}

/// `stored = None` means "no such user": do the same work, answer false.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = match PasswordHash::new(&stored) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(e) => {
                tracing::error!("stored password hash unreadable: {e}");
                false
            }
        };
        Ok(real && ok)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_and_verifies() -> Result<(), Box<dyn std::error::Error>> {
        let h = hash("correct horse".into()).await?;
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(h.clone())).await?);
        assert!(!verify("wrong horse".into(), Some(h)).await?);
        assert!(!verify("dummy password for timing".into(), None).await?);
        Ok(())
    }
}
