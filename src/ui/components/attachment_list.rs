//! A message's files and a reply's sources, as the chat page, a shared
//! thread and a backroom's transcript show them.

use crate::model::attachment::{AttachmentKind, AttachmentView, SourceView};
use leptos::prelude::*;

/// Where a file is read: its owner's link, or through the share link of
/// the thread it went out with.
pub fn file_url(id: i64, share: Option<&str>) -> String {
    match share {
        Some(token) => format!("/api/attachments/{id}?share={token}"),
        None => format!("/api/attachments/{id}"),
    }
}

/// A message's files: pictures as thumbnails (full size on tap), documents
/// by name. `share`: read through that share link.
#[component]
pub fn Files(files: Vec<AttachmentView>, share: Option<String>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .into_iter()
            .map(|f| {
                let href = file_url(f.id, share.as_deref());
                match f.kind {
                    AttachmentKind::Image => view! {
                        <li>
                            <a class="attachment-thumb" href=href.clone() target="_blank" rel="noopener">
                                <img src=href.clone() alt=f.name.clone() title=f.name loading="lazy" width=f.width height=f.height />
                            </a>
                        </li>
                    }
                    .into_any(),
                    AttachmentKind::Document => {
                        let pages = f.pages.map(|p| format!(" · {p} pages")).unwrap_or_default();
                        view! {
                            <li>
                                <a class="attachment-doc" href=href>
                                    <span class="attachment-name">{f.name}</span>
                                    <span class="muted">{pages}</span>
                                </a>
                            </li>
                        }
                        .into_any()
                    }
                }
            })
            .collect_view();
        view! { <ul class="bubble-files" aria-label="Attached files">{items}</ul> }
    })
}

/// A reply's sources: "[1] report.pdf, page 12", each a link to its file
/// when `linked` (the file's owner reads it; others see the names).
#[component]
pub fn Sources(sources: Vec<SourceView>, linked: bool) -> impl IntoView {
    (!sources.is_empty()).then(|| {
        let items = sources
            .into_iter()
            .map(|s| {
                let page = s.page.map(|p| format!(", page {p}")).unwrap_or_default();
                let label = format!("[{}] {}{page}", s.n, s.name);
                let item = if linked {
                    view! { <a href=file_url(s.attachment_id, None)>{label}</a> }.into_any()
                } else {
                    view! { <span>{label}</span> }.into_any()
                };
                view! { <li>{item}</li> }
            })
            .collect_view();
        view! {
            <details class="bubble-sources">
                <summary>"Sources"</summary>
                <ol>{items}</ol>
            </details>
        }
    })
}
