use crate::serverfns::admin::SetRegistration;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/admin`: instance-wide settings. Other users get a 403 page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let ctx = page_context();
    let is_admin = ctx.user.as_ref().is_some_and(|u| u.is_admin());
    if !is_admin {
        crate::ui::set_status(403);
    }
    let open = ctx.registration_open;
    view! {
        <AppShell title="Admin">
            <FlashNotice />
            {form_error("settings", &[])}
            {if is_admin {
                view! {
                    <section class="panel">
                        <h2>"Registration"</h2>
                        <p class="registration-state">
                            {if open {
                                "Open: anyone who can reach this server can create an account."
                            } else {
                                "Closed: only existing accounts can sign in."
                            }}
                        </p>
                        <form method="post" action=SetRegistration::url()>
                            <input type="hidden" name="open" value=if open { "false" } else { "true" } />
                            <button type="submit" class="btn">
                                {if open { "Close registration" } else { "Open registration" }}
                            </button>
                        </form>
                    </section>
                }
                    .into_any()
            } else {
                view! { <p class="notice notice-error">"Only admins can see this page."</p> }
                    .into_any()
            }}
        </AppShell>
    }
}
