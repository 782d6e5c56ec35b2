//! Drag a thread from the sidebar onto a folder to file it there (on
//! desktops; phones use "Move" in the thread's menu). The folder links stay
//! server-rendered: this island only listens to drag events around them.

use leptos::prelude::*;

/// The drag payload: the thread's id.
pub const THREAD_TYPE: &str = "application/x-backrooms-thread";

/// A thread link starts a drag carrying its id.
pub fn start_drag(ev: &leptos::ev::DragEvent, thread: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(d) = ev.data_transfer() {
        let _ = d.set_data(THREAD_TYPE, &thread.to_string());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, thread);
}

#[cfg(feature = "hydrate")]
fn folder_at(ev: &leptos::ev::DragEvent) -> Option<(leptos::web_sys::Element, i64)> {
    use leptos::wasm_bindgen::JsCast;
    let el = ev
        .target()?
        .dyn_into::<leptos::web_sys::Element>()
        .ok()?
        .closest("[data-folder]")
        .ok()??;
    let id = el.get_attribute("data-folder")?.parse().ok()?;
    Some((el, id))
}

#[island]
pub fn FolderDrop(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    #[cfg(feature = "hydrate")]
    let (over, leave, drop) = {
        let carries = |ev: &leptos::ev::DragEvent| {
            ev.data_transfer()
                .is_some_and(|d| d.types().includes(&THREAD_TYPE.into(), 0))
        };
        let over = move |ev: leptos::ev::DragEvent| {
            if carries(&ev) {
                if let Some((el, _)) = folder_at(&ev) {
                    ev.prevent_default();
                    let _ = el.set_attribute("data-drop", "true");
                }
            }
        };
        let leave = move |ev: leptos::ev::DragEvent| {
            if let Some((el, _)) = folder_at(&ev) {
                let _ = el.remove_attribute("data-drop");
            }
        };
        let drop = move |ev: leptos::ev::DragEvent| {
            let Some((el, folder)) = folder_at(&ev) else {
                return;
            };
            ev.prevent_default();
            let _ = el.remove_attribute("data-drop");
            let thread = ev
                .data_transfer()
                .and_then(|d| d.get_data(THREAD_TYPE).ok())
                .and_then(|v| v.parse::<i64>().ok());
            if let Some(thread) = thread {
                leptos::task::spawn_local(async move {
                    if crate::serverfns::organise::move_thread(thread, folder)
                        .await
                        .is_ok()
                    {
                        // The lists and counts are server-rendered: show them anew.
                        let _ = leptos::prelude::window().location().reload();
                    }
                });
            }
        };
        (over, leave, drop)
    };
    #[cfg(not(feature = "hydrate"))]
    let (over, leave, drop) = (
        |_: leptos::ev::DragEvent| {},
        |_: leptos::ev::DragEvent| {},
        |_: leptos::ev::DragEvent| {},
    );
    view! {
        <div class="folder-drop" node_ref=root on:dragover=over on:dragleave=leave on:drop=drop>
            {children()}
        </div>
    }
}
