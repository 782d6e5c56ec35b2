//! AES-256-GCM for secrets at rest (provider API keys). Stored form:
//! 12-byte random nonce || ciphertext (with its 16-byte tag).

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("encryption failed")]
    Encrypt,
    /// Wrong secret key, or the stored bytes were altered.
    #[error("a stored secret cannot be decrypted: the server's secret key changed or the data was altered")]
    Decrypt,
}

#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(<redacted>)")
    }
}

impl Cipher {
    pub fn new(key: &[u8; 32]) -> Cipher {
        Cipher {
            aead: Aes256Gcm::new(key.into()),
        }
    }

    pub fn encrypt(&self, plaintext: &str) -> Result<Vec<u8>, CryptoError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .aead
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| CryptoError::Encrypt)?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    pub fn decrypt(&self, stored: &[u8]) -> Result<String, CryptoError> {
        if stored.len() <= NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_random_nonce_and_tamper_detection() -> Result<(), Box<dyn std::error::Error>> {
        let c = Cipher::new(&[7; 32]);
        let a = c.encrypt("sk-secret-1234")?;
        let b = c.encrypt("sk-secret-1234")?;
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(6).any(|w| w == b"secret"));
        assert_eq!(c.decrypt(&a)?, "sk-secret-1234");

        let mut tampered = a.clone();
        *tampered.last_mut().ok_or("empty ciphertext")? ^= 1;
        assert_eq!(c.decrypt(&tampered), Err(CryptoError::Decrypt));
        assert_eq!(Cipher::new(&[8; 32]).decrypt(&a), Err(CryptoError::Decrypt));
        assert_eq!(c.decrypt(&a[..5]), Err(CryptoError::Decrypt));
        Ok(())
    }
}
