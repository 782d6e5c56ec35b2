//! Server functions for organising threads: folders, tags, archive, and
//! the filtered thread list at `/threads`. Forms post here with JavaScript
//! off and get a redirect back.

use crate::error::AppError;
use crate::model::chat::ThreadPage;
use crate::model::folder::FolderView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::server::actions::{folders, threads};
    pub use crate::serverfns::support::caller;
}

/// The `/threads` page holds this many a page.
pub const THREADS_PAGE: i64 = 50;

#[server(prefix = "/fn", endpoint = "organise/folders")]
pub async fn load_folders() -> Result<Vec<FolderView>, AppError> {
    let (state, caller) = support::caller().await?;
    support::folders::list(&state, &caller).await
}

#[server(prefix = "/fn", endpoint = "organise/tags")]
pub async fn load_tags() -> Result<Vec<(String, i64)>, AppError> {
    let (state, caller) = support::caller().await?;
    support::threads::tags(&state, &caller).await
}

/// Threads in a folder (absent: any folder), with a tag, archived or not.
#[server(prefix = "/fn", endpoint = "organise/threads")]
pub async fn load_threads(
    folder: Option<i64>,
    tag: Option<String>,
    archived: bool,
    before: Option<String>,
) -> Result<ThreadPage, AppError> {
    use crate::server::services::threads::Filter;
    let (state, caller) = support::caller().await?;
    let filter = Filter {
        folder: folder.map(Some),
        tag: tag.filter(|t| !t.trim().is_empty()),
        archived,
    };
    support::threads::list(&state, &caller, Some(THREADS_PAGE), before, filter).await
}

/// New folder, rename or delete (its threads move out), as plain forms.
#[server(prefix = "/fn", endpoint = "organise/folder")]
pub async fn manage_folder(
    action: String,
    id: Option<i64>,
    name: Option<String>,
) -> Result<(), AppError> {
    use crate::error::AppError;
    use crate::model::folder::FolderInput;
    use crate::model::Flash;
    use support::folders;
    let (state, caller) = support::caller().await?;
    let input = FolderInput {
        name: name.clone().unwrap_or_default(),
    };
    let back = id.map_or("/threads".to_string(), |id| format!("/threads?folder={id}"));
    let result = match (action.as_str(), id) {
        ("create", _) => folders::create(&state, &caller, input)
            .await
            .map(|f| (format!("/threads?folder={}", f.id), "Folder created.")),
        ("rename", Some(id)) => folders::rename(&state, &caller, id, input)
            .await
            .map(|f| (format!("/threads?folder={}", f.id), "Folder renamed.")),
        ("delete", Some(id)) => folders::delete(&state, &caller, id).await.map(|()| {
            (
                "/threads".to_string(),
                "Folder deleted; its threads are back in the main list.",
            )
        }),
        _ => Err(AppError::bad_request("Unknown action.")),
    };
    let (to, flash) = match result {
        Ok((to, notice)) => (to, Flash::notice(notice)),
        Err(e) => (
            back,
            Flash::error("folder", e.field(), e.message())
                .with_values(&[("name", name.as_deref().unwrap_or(""))]),
        ),
    };
    crate::server::flash::redirect(&to, flash);
    Ok(())
}

/// Drag and drop in the sidebar: files a thread in a folder.
#[server(prefix = "/fn", endpoint = "organise/move")]
pub async fn move_thread(id: i64, folder_id: i64) -> Result<(), AppError> {
    use crate::model::chat::ThreadPatch;
    let (state, caller) = support::caller().await?;
    let patch = ThreadPatch {
        folder_id: Some(Some(folder_id)),
        ..Default::default()
    };
    support::threads::update(&state, &caller, id, patch)
        .await
        .map(|_| ())
}
