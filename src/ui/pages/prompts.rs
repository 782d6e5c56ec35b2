use crate::model::prompt::PromptView;
use crate::serverfns::prompts::{load_prompts, ManagePrompt};
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{field_error, form_error, typed, FlashNotice};
use crate::ui::raw_text::raw_text;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/prompts`: the user's saved prompts. In a chat, typing `/` in the
/// composer offers them.
#[component]
pub fn PromptsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_prompts());
    view! {
        <AppShell title="Prompts">
            <FlashNotice />
            <p class="muted">"Saved prompts. In a chat, type / in the message box to insert one."</p>
            <section class="card prompt-new">
                <h2>"New prompt"</h2>
                <PromptForm form="prompt-new".to_string() prompt=None />
            </section>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted empty">"No prompts yet."</p> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="prompt-list">
                                    {list
                                        .into_iter()
                                        .map(|p| {
                                            let form = format!("prompt-{}", p.id);
                                            let open = page_has_error(&form);
                                            view! {
                                                <li>
                                                    <details class="prompt-item" open=open>
                                                        <summary>
                                                            <span class="prompt-title">{p.title.clone()}</span>
                                                            <span class="muted prompt-peek">{p.body.chars().take(80).collect::<String>()}</span>
                                                        </summary>
                                                        <PromptForm form=form prompt=Some(p) />
                                                    </details>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{crate::text::format::server_error(e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
}

fn page_has_error(form: &str) -> bool {
    crate::ui::page_context().flash.form.as_deref() == Some(form)
}

/// Title and text, with Save (and Delete for an existing prompt).
#[component]
fn PromptForm(form: String, prompt: Option<PromptView>) -> impl IntoView {
    let id = prompt.as_ref().map(|p| p.id);
    let title = typed(
        &form,
        "title",
        prompt.as_ref().map_or("", |p| p.title.as_str()),
    );
    let body = typed(
        &form,
        "body",
        prompt.as_ref().map_or("", |p| p.body.as_str()),
    );
    view! {
        {form_error(&form, &["title", "body"])}
        <form method="post" action=ManagePrompt::url() class="stack prompt-form">
            <input type="hidden" name="action" value=if id.is_some() { "save" } else { "create" } />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <label>
                "Title"
                <input name="title" value=title maxlength="100" required />
            </label>
            {field_error(&form, "title")}
            <label>
                "Prompt"
                <textarea name="body" rows="5" maxlength="20480" required inner_html=raw_text(&body)></textarea>
            </label>
            {field_error(&form, "body")}
            <div class="row">
                <button type="submit" class="btn btn-primary">{if id.is_some() { "Save" } else { "Add prompt" }}</button>
            </div>
        </form>
        {id.map(|id| {
            view! {
                <form method="post" action=ManagePrompt::url()>
                    <input type="hidden" name="action" value="delete" />
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="btn btn-small btn-danger">"Delete"</button>
                </form>
            }
        })}
    }
}
