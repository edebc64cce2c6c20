//! Users: the table (role, disabled, created, last sign-in), Add user with the server's field
//! errors beside the fields, and per row: change role, disable/enable, reset password, delete.

use crate::api::{self, Loaded};
use crate::components::field::error_id;
use crate::components::{ConfirmDialog, Field, Modal, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use crate::session::{Auth, SessionState, role_text};
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{FieldErrors, Role, User, UserIn, UserUpdate, validate_user};

#[component]
pub fn UsersSection() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
    let me = move || {
        auth.state.with_untracked(|s| match s {
            SessionState::SignedIn(s) => s.user.id.clone(),
            _ => String::new(),
        })
    };
    let changes = RwSignal::new(0u32);
    let users = Loaded::<Vec<User>>::new(move || {
        changes.track();
        api::USERS_PATH.to_string()
    });
    let working = Task::new();
    // One change of one user; the table is fetched again either way (a refused role change puts
    // the select back).
    let update = move |user: User, body: UserUpdate, done: T| {
        working.run(async move {
            match api::update_user(&user.id, &body).await {
                Ok(u) => {
                    let role = i18n.t(role_text(u.role));
                    toasts.success(i18n.fmt(done, &[("name", &u.username), ("role", role)]));
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            changes.update(|n| *n += 1);
        });
    };
    let to_delete = RwSignal::new(None::<User>);
    let deleting = Task::new();
    let delete = move |user: User| {
        deleting.run(async move {
            match api::delete_user(&user.id).await {
                Ok(()) => toasts.success(i18n.fmt(T::UserDeleted, &[("name", &user.username)])),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            to_delete.set(None);
            changes.update(|n| *n += 1);
        });
    };
    let to_reset = RwSignal::new(None::<User>);
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };

    view! {
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">{tr(T::Users)}</h2>
            <AddUser on_added=Callback::new(move |_| changes.update(|n| *n += 1)) />
            {move || match users.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(list)) => {
                    let me = me();
                    view! {
                        <div class="table-wrap">
                            <table class="table" aria-label=tr(T::Users)>
                                <thead><tr>
                                    {th(T::Username)}{th(T::DisplayName)}{th(T::Role)}{th(T::Status)}{th(T::CreatedAt)}{th(T::LastSignIn)}{th(T::Actions)}
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let is_me = u.id == me;
                                        view! { <UserRow user=u is_me=is_me on_update=Callback::new(move |(u, b, t)| update(u, b, t)) on_reset=Callback::new(move |u| to_reset.set(Some(u))) on_delete=Callback::new(move |u| to_delete.set(Some(u))) /> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
        </section>
        <ResetPassword user=to_reset />
        <ConfirmDialog
            open=Signal::derive(move || to_delete.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmDeleteUserTitle))
            message=Signal::derive(move || {
                let name = to_delete.with(|u| u.as_ref().map(|u| u.username.clone()).unwrap_or_default());
                i18n.fmt(T::ConfirmDeleteUserText, &[("name", &name)])
            })
            confirm_label=Signal::derive(move || i18n.t(if deleting.pending() { T::Working } else { T::Delete }))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            pending=Signal::derive(move || deleting.pending())
            on_confirm=move || {
                if let Some(u) = to_delete.get_untracked() {
                    delete(u);
                }
            }
            on_cancel=move || to_delete.set(None)
        />
    }
}

/// One user and the actions on them.
#[component]
fn UserRow(
    user: User,
    /// The signed-in user's own row.
    is_me: bool,
    /// A change of the user, with the text of the toast on success.
    on_update: Callback<(User, UserUpdate, T)>,
    /// Ask for a new password.
    on_reset: Callback<User>,
    /// Ask to delete.
    on_delete: Callback<User>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let u = StoredValue::new(user);
    let get = move |f: fn(&User) -> String| u.with_value(f);
    let (role, disabled) = u.with_value(|u| (u.role, u.disabled));
    let username = get(|u| u.username.clone());
    let select_id = format!("role-{}", get(|u| u.id.clone()));
    let select_label = username.clone();
    view! {
        <tr>
            <th scope="row" class="cell-name">
                {username.clone()}
                {is_me.then(|| view! { <span class="muted">" "{tr(T::You)}</span> })}
            </th>
            <td>{get(|u| u.display_name.clone())}</td>
            <td>
                <label for=select_id.clone() class="visually-hidden">{move || i18n.fmt(T::RoleOf, &[("name", &select_label)])}</label>
                <select
                    id=select_id
                    class="input input-compact"
                    on:change=move |ev| {
                        if let Some(r) = Role::parse(&event_target_value(&ev)) {
                            on_update.run((u.get_value(), UserUpdate { role: Some(r), ..Default::default() }, T::RoleChanged));
                        }
                    }
                >
                    {Role::USER_ROLES.map(|r| view! { <option value=r.as_str() selected=r == role>{move || i18n.t(role_text(r))}</option> }).collect_view()}
                </select>
            </td>
            <td>
                <span class="badge" class:badge-active=!disabled class:badge-disabled=disabled>
                    {move || i18n.t(if disabled { T::Disabled } else { T::Enabled })}
                </span>
            </td>
            <td>{get(|u| local_time(&u.created_at))}</td>
            <td>{get(|u| u.last_sign_in_at.as_deref().map_or_else(String::new, local_time))}</td>
            <td class="cell-actions"><div class="row-actions">
                <button
                    type="button"
                    class="btn btn-small"
                    on:click=move |_| on_update.run((
                        u.get_value(),
                        UserUpdate { disabled: Some(!disabled), ..Default::default() },
                        if disabled { T::UserEnabled } else { T::UserDisabled },
                    ))
                >
                    {move || i18n.t(if disabled { T::Enable } else { T::Disable })}
                </button>
                <button type="button" class="btn btn-small" on:click=move |_| on_reset.run(u.get_value())>
                    {tr(T::ResetPassword)}
                </button>
                <button type="button" class="btn btn-small btn-danger-quiet" on:click=move |_| on_delete.run(u.get_value())>
                    {tr(T::Delete)}
                </button>
            </div></td>
        </tr>
    }
}

/// The form that adds a user: errors beside the fields (the contract's rules first, then the
/// server's), nothing typed lost on a failure.
#[component]
fn AddUser(on_added: Callback<()>) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let error = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let adding = Task::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UserIn {
            username: username.get_untracked().trim().to_string(),
            display_name: display_name.get_untracked().trim().to_string(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        let lang = i18n.lang.get_untracked();
        let invalid: FieldErrors = validate_user(&body)
            .into_iter()
            .map(|(field, e)| (field.to_string(), e.message(lang)))
            .collect();
        if !invalid.is_empty() {
            errors.set(invalid);
            toasts.error(i18n.t(T::FixErrors));
            return;
        }
        adding.run(async move {
            match api::create_user(&body).await {
                Ok(u) => {
                    toasts.success(i18n.fmt(T::UserAdded, &[("name", &u.username)]));
                    errors.set(FieldErrors::new());
                    username.set(String::new());
                    display_name.set(String::new());
                    password.set(String::new());
                    on_added.run(());
                }
                Err(e) => {
                    let fields = e.fields();
                    toasts.error(if fields.is_empty() {
                        e.message(i18n.lang.get_untracked())
                    } else {
                        i18n.t(T::FixErrors).to_string()
                    });
                    errors.set(fields);
                }
            }
        });
    };
    let input = move |id: &'static str,
                      field: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      autocomplete: &'static str| {
        view! {
            <input
                id=id
                type=kind
                class="input"
                autocomplete=autocomplete
                prop:value=value
                aria-invalid=move || error(field).with(Option::is_some).to_string()
                aria-describedby=error_id(id)
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    errors.update(|e| { e.remove(field); });
                }
            />
        }
    };
    view! {
        <form class="inline-form" novalidate aria-label=tr(T::AddUser) on:submit=submit>
            <Field id="user-username" label=Signal::derive(tr(T::Username)) error=error("username") required=true>
                {input("user-username", "username", username, "text", "off")}
            </Field>
            <Field id="user-display-name" label=Signal::derive(tr(T::DisplayName)) error=error("display_name")>
                {input("user-display-name", "display_name", display_name, "text", "off")}
            </Field>
            <Field id="user-role" label=Signal::derive(tr(T::Role)) error=error("role")>
                <select
                    id="user-role"
                    class="input"
                    on:change=move |ev| {
                        if let Some(r) = Role::parse(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }
                >
                    {Role::USER_ROLES.map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t(role_text(r))}</option> }).collect_view()}
                </select>
            </Field>
            <Field id="user-password" label=Signal::derive(tr(T::Password)) error=error("password") required=true hint=Signal::derive(tr(T::PasswordRule))>
                {input("user-password", "password", password, "password", "new-password")}
            </Field>
            <div class="inline-form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || adding.pending() aria-busy=move || adding.pending().to_string()>
                    {move || i18n.t(if adding.pending() { T::Saving } else { T::AddUser })}
                </button>
            </div>
        </form>
    }
}

/// The dialog in which an admin types a user's new password.
#[component]
fn ResetPassword(
    /// The user whose password is reset; `None`: closed.
    user: RwSignal<Option<User>>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let close = move || {
        user.set(None);
        password.set(String::new());
        error.set(None);
    };
    let saving = Task::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(u) = user.get_untracked() else {
            return;
        };
        let pw = password.get_untracked();
        if let Err(e) = webhook_api::check_password(&pw, &u.username) {
            error.set(Some(e.message(i18n.lang.get_untracked())));
            return;
        }
        saving.run(async move {
            match api::update_user(
                &u.id,
                &UserUpdate {
                    password: Some(pw),
                    ..Default::default()
                },
            )
            .await
            {
                Ok(_) => {
                    toasts.success(i18n.fmt(T::PasswordReset, &[("name", &u.username)]));
                    close();
                }
                Err(e) => {
                    let fields = e.fields();
                    error.set(Some(
                        fields
                            .get("password")
                            .cloned()
                            .unwrap_or_else(|| e.message(i18n.lang.get_untracked())),
                    ));
                }
            }
        });
    };
    let title = Signal::derive(move || {
        let name = user.with(|u| u.as_ref().map(|u| u.username.clone()).unwrap_or_default());
        i18n.fmt(T::ResetPasswordOf, &[("name", &name)])
    });
    view! {
        <Modal open=Signal::derive(move || user.with(Option::is_some)) title=title on_close=move || close()>
            <form class="form" novalidate on:submit=submit>
                <Field id="reset-password" label=Signal::derive(tr(T::NewPassword)) error=error hint=Signal::derive(tr(T::PasswordRule))>
                    <input
                        id="reset-password"
                        type="password"
                        class="input"
                        autocomplete="new-password"
                        prop:value=password
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=error_id("reset-password")
                        on:input=move |ev| {
                            password.set(event_target_value(&ev));
                            error.set(None);
                        }
                    />
                </Field>
                <p class="field-hint">{tr(T::ResetEndsSessions)}</p>
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| close()>{tr(T::Cancel)}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || saving.pending()>
                        {move || i18n.t(if saving.pending() { T::Saving } else { T::ResetPassword })}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
