//! The text of an uploaded document: PDF (extracted page by page with
//! pdf-extract) or text of a known kind (Markdown, code, CSV, JSON, HTML
//! kept as its source). Anything else is refused by its content.

use crate::error::AppError;

/// A document's text, ready for the prompt.
pub struct Document {
    pub mime: &'static str,
    pub text: String,
    /// A PDF's pages.
    pub pages: Option<i32>,
}

/// Pages are joined with a form feed, so a position in the text tells its page.
pub const PAGE_BREAK: char = '\u{c}';

pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// A text file's type, by its name's extension (its content is checked to
/// be text separately).
fn text_mime(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown") => "text/markdown",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        Some("html" | "htm") => "text/html",
        _ => "text/plain",
    }
}

/// Reads the text out of `bytes`; `None` when they are neither a PDF nor text.
pub fn read(name: &str, bytes: &[u8]) -> Result<Option<Document>, AppError> {
    if is_pdf(bytes) {
        return pdf(bytes).map(Some);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(Some(Document {
            mime: text_mime(name),
            text: text.replace("\r\n", "\n"),
            pages: None,
        })),
        _ => Ok(None),
    }
}

fn pdf(bytes: &[u8]) -> Result<Document, AppError> {
    // The extractor is a parser of untrusted input: a panic in it is a
    // refused file, never a dead worker.
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    let pages = match pages {
        Ok(Ok(pages)) => pages,
        Ok(Err(e)) => {
            tracing::debug!("PDF refused: {e}");
            return Err(AppError::invalid(
                "file",
                "The PDF could not be read; is it damaged or encrypted?",
            ));
        }
        Err(_) => {
            tracing::warn!("the PDF reader panicked on an upload");
            return Err(AppError::invalid("file", "The PDF could not be read."));
        }
    };
    let count = pages.len() as i32;
    let text = pages
        .iter()
        .map(|p| p.trim())
        .collect::<Vec<_>>()
        .join(&PAGE_BREAK.to_string());
    if text.chars().all(|c| c.is_whitespace() || c == PAGE_BREAK) {
        return Err(AppError::invalid(
            "file",
            "The PDF has no text to read (a scan?); attach its pages as pictures instead.",
        ));
    }
    Ok(Document {
        mime: "application/pdf",
        text,
        pages: Some(count),
    })
}
