use crate::model::community::Registration;
use crate::serverfns::account::Register;
use crate::ui::components::auth_card::AuthCard;
use crate::ui::components::flash::{form_error, typed, FlashNotice};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// `/register`: the first account becomes the admin; afterwards it works
/// while an admin keeps registration open, or with an invitation link
/// (`/register?invite=...`) while it is by invitation.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_default();
    let username = typed("register", "username", "");
    let invite = query.get("invite").unwrap_or_default();
    let mode = page_context().registration;
    let open = match mode {
        Registration::Open => true,
        Registration::Invite => !invite.is_empty(),
        Registration::Closed => false,
    };
    let refusal = match mode {
        Registration::Invite => {
            "Registration is by invitation. Ask an admin of this server for an invitation link."
        }
        _ => "Registration is closed. Ask an admin of this server for an account.",
    };
    view! {
        <AuthCard title="Create account">
            <FlashNotice />
            {form_error("register", &[])}
            {if open {
                view! {
                    <form class="stack" method="post" action=Register::url()>
                        <input type="hidden" name="next" value=next />
                        <input type="hidden" name="invite" value=invite />
                        <label class="field">
                            <span>"Username"</span>
                            <input
                                name="username"
                                autocomplete="username"
                                autocapitalize="none"
                                spellcheck="false"
                                required
                                minlength="3"
                                maxlength="32"
                                pattern="[A-Za-z0-9_.\\-]+"
                                value=username
                            />
                            <small class="muted">"3-32 letters, digits, '_', '.' or '-'"</small>
                        </label>
                        <label class="field">
                            <span>"Password"</span>
                            <input
                                type="password"
                                name="password"
                                autocomplete="new-password"
                                required
                                minlength="8"
                                maxlength="256"
                            />
                            <small class="muted">"At least 8 characters"</small>
                        </label>
                        <button type="submit" class="btn btn-primary">"Create account"</button>
                    </form>
                }
                    .into_any()
            } else {
                view! {
                    <p class="notice notice-info">{refusal}</p>
                }
                    .into_any()
            }}
            <p class="auth-alt">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </AuthCard>
    }
}
