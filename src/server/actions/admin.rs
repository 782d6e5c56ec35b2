//! Instance-wide switches, invitations and the audit log (admins only,
//! checked here). Every change is written to the audit log.

use crate::error::AppError;
use crate::model::community::{AuditAction, AuditPage, Invite, NewInvite, SettingsInput};
use crate::model::AdminSettings;
use crate::server::auth::caller::Caller;
use crate::server::services::{audit, invites, settings};
use crate::server::state::AppState;

pub async fn settings(state: &AppState, caller: &Caller) -> Result<AdminSettings, AppError> {
    caller.ensure_admin()?;
    state.db.run(settings::admin_settings).await
}

pub async fn save_settings(
    state: &AppState,
    caller: &Caller,
    input: SettingsInput,
) -> Result<AdminSettings, AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            let before = settings::admin_settings(c)?;
            let after = settings::update_admin_settings(c, &input)?;
            if after != before {
                let on = |b: bool| if b { "on" } else { "off" };
                let detail = format!(
                    "registration: {}, own keys: {}, own keys to private addresses: {}",
                    after.registration.as_str(),
                    on(after.own_keys),
                    on(after.own_keys_private_addresses)
                );
                audit::write(c, record(&who, AuditAction::Settings, &detail))?;
            }
            Ok(after)
        })
        .await
}

fn record<'a>(who: &'a Caller, action: AuditAction, detail: &'a str) -> audit::Record<'a> {
    audit::Record {
        actor: (who.id, &who.name),
        action,
        target: None,
        detail,
    }
}

/// Each with its full link (`origin` is the server's public address).
pub async fn invites(
    state: &AppState,
    caller: &Caller,
    origin: String,
) -> Result<Vec<Invite>, AppError> {
    caller.ensure_admin()?;
    let mut list = state.db.run(invites::list).await?;
    for i in &mut list {
        i.link = format!("{origin}{}", i.link);
    }
    Ok(list)
}

pub async fn create_invite(
    state: &AppState,
    caller: &Caller,
    input: NewInvite,
    origin: String,
) -> Result<Invite, AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    let mut invite = state
        .db
        .run(move |c| {
            let invite = invites::create(c, who.id, &input)?;
            let detail = format!(
                "{} uses{}",
                invite.max_uses,
                if invite.expires_at.is_some() {
                    ", expires"
                } else {
                    ""
                }
            );
            audit::write(c, record(&who, AuditAction::CreateInvite, &detail))?;
            Ok(invite)
        })
        .await?;
    invite.link = format!("{origin}{}", invite.link);
    Ok(invite)
}

pub async fn revoke_invite(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            invites::revoke(c, id)?;
            audit::write(
                c,
                record(&who, AuditAction::RevokeInvite, &format!("invitation {id}")),
            )
        })
        .await
}

pub async fn audit(
    state: &AppState,
    caller: &Caller,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    caller.ensure_admin()?;
    state.db.run(move |c| audit::page(c, before)).await
}

/// A snapshot of the whole database to download, as an open file whose
/// name is already gone from the data directory (nothing is left behind),
/// and its size.
pub async fn backup(state: &AppState, caller: &Caller) -> Result<(tokio::fs::File, u64), AppError> {
    caller.ensure_admin()?;
    let temp = state.config.data_dir.join(format!(
        ".backup-{}.db",
        hex::encode(rand::random::<[u8; 8]>())
    ));
    crate::server::backup::snapshot_to(&state.db, temp.clone()).await?;
    let opened = tokio::fs::File::open(&temp).await;
    let _ = tokio::fs::remove_file(&temp).await;
    let file = opened.map_err(|e| {
        tracing::error!("cannot read the backup just written: {e}");
        AppError::Internal
    })?;
    let size = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            audit::write(
                c,
                record(&who, AuditAction::Backup, &format!("{size} bytes")),
            )
        })
        .await?;
    Ok((file, size))
}
