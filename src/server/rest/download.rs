//! Answers that download as a file with a name made from a title, and
//! stored files (uploads and avatar images) served as their bytes.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// A file name from a title: lowercase letters, digits and dashes.
pub fn file_stem(title: &str, fallback: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        fallback.into()
    } else {
        stem.chars().take(60).collect()
    }
}

/// `body` as a download called `{stem}.{ext}`.
pub fn attachment(body: String, mime: &'static str, stem: &str, ext: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A stored file's bytes as `mime`, cached as `cache` says, never
/// sniffed as another type and sandboxed: whatever it holds never runs as
/// a page of this site.
pub fn stored(data: Vec<u8>, mime: &str, cache: &'static str) -> Response {
    let mut res = data.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn stems() {
        assert_eq!(
            super::file_stem("The Infinite: Backrooms!", "x"),
            "the-infinite-backrooms"
        );
        assert_eq!(super::file_stem("日本", "thread"), "thread");
    }
}
