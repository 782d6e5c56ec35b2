//! The sidebar's folder list (a drop target for threads) and its
//! "New folder" form.

use crate::model::folder::FolderView;
use crate::serverfns::organise::ManageFolder;
use crate::ui::components::folder_drop::FolderDrop;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The sidebar's folders: each opens its threads; a small form makes one.
#[component]
pub fn FolderLinks(folders: Vec<FolderView>, current: String) -> impl IntoView {
    view! {
        <FolderDrop>
        <ul class="folder-links">
            {folders
                .into_iter()
                .map(|f| {
                    let href = format!("/threads?folder={}", f.id);
                    let here = (current == href).then_some("page");
                    view! {
                        <li>
                            <a href=href aria-current=here data-folder=f.id>
                                <span class="folder-name">{format!("▸ {}", f.name)}</span>
                                <span class="muted folder-count" title="Threads in this folder">{f.threads}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        </FolderDrop>
        <details class="new-folder">
            <summary class="btn btn-small">"+ New folder"</summary>
            <form method="post" action=ManageFolder::url() class="inline-form">
                <input type="hidden" name="action" value="create" />
                <input name="name" maxlength="60" aria-label="New folder name" placeholder="Folder name" required />
                <button type="submit" class="btn btn-small">"Create"</button>
            </form>
        </details>
    }
}
