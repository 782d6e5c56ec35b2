//! Instance-wide settings stored as key/value rows.

use crate::error::AppError;
use crate::model::community::{Registration, SettingsInput};
use crate::model::provider::OwnKeysPolicy;
use crate::model::AdminSettings;
use crate::server::db::Conn;
use crate::server::db::{now, schema::settings, schema::users};
use diesel::prelude::*;

const REGISTRATION: &str = "registration";
/// Before the modes: "true" or "false".
const REGISTRATION_OPEN: &str = "registration_open";
const OWN_KEYS: &str = "own_keys";
const OWN_KEYS_PRIVATE: &str = "own_keys_private_addresses";

/// Both off until an admin turns them on.
pub fn own_keys(conn: &mut Conn) -> Result<OwnKeysPolicy, AppError> {
    Ok(OwnKeysPolicy {
        allowed: get(conn, OWN_KEYS)?.as_deref() == Some("true"),
        private_addresses: get(conn, OWN_KEYS_PRIVATE)?.as_deref() == Some("true"),
    })
}

pub fn get(conn: &mut Conn, key: &str) -> Result<Option<String>, AppError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first::<String>(conn)
        .optional()?)
}

pub fn put(conn: &mut Conn, key: &str, value: &str) -> Result<(), AppError> {
    crate::each_backend!(conn, |c| diesel::insert_into(settings::table)
        .values((
            settings::key.eq(key),
            settings::value.eq(value),
            settings::updated_at.eq(now()),
        ))
        .on_conflict(settings::key)
        .do_update()
        .set((settings::value.eq(value), settings::updated_at.eq(now())))
        .execute(c))?;
    Ok(())
}

/// Open until the first account (the admin) exists, unless an admin has
/// chosen since. Reads the boolean of servers from before the modes.
pub fn registration(conn: &mut Conn) -> Result<Registration, AppError> {
    if let Some(mode) = get(conn, REGISTRATION)?
        .as_deref()
        .and_then(Registration::parse)
    {
        return Ok(mode);
    }
    match get(conn, REGISTRATION_OPEN)?.as_deref() {
        Some("true") => Ok(Registration::Open),
        Some(_) => Ok(Registration::Closed),
        None => {
            let any_user = diesel::select(diesel::dsl::exists(users::table.select(users::id)))
                .get_result::<bool>(conn)?;
            Ok(if any_user {
                Registration::Closed
            } else {
                Registration::Open
            })
        }
    }
}

pub fn admin_settings(conn: &mut Conn) -> Result<AdminSettings, AppError> {
    let registration = registration(conn)?;
    let own = own_keys(conn)?;
    Ok(AdminSettings {
        registration,
        registration_open: registration == Registration::Open,
        own_keys: own.allowed,
        own_keys_private_addresses: own.private_addresses,
    })
}

pub fn update_admin_settings(
    conn: &mut Conn,
    new: &SettingsInput,
) -> Result<AdminSettings, AppError> {
    let mode = match (new.registration, new.registration_open) {
        (Some(mode), _) => Some(mode),
        (None, Some(true)) => Some(Registration::Open),
        (None, Some(false)) => Some(Registration::Closed),
        (None, None) => None,
    };
    if let Some(mode) = mode {
        put(conn, REGISTRATION, mode.as_str())?;
    }
    for (key, value) in [
        (OWN_KEYS, new.own_keys),
        (OWN_KEYS_PRIVATE, new.own_keys_private_addresses),
    ] {
        if let Some(on) = value {
            put(conn, key, if on { "true" } else { "false" })?;
        }
    }
    admin_settings(conn)
}
