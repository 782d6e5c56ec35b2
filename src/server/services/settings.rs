//! Instance-wide settings stored as key/value rows.

use crate::error::AppError;
use crate::model::community::{Registration, SettingsInput};
use crate::model::AdminSettings;
use crate::server::db::{now, schema::settings, schema::users};
use diesel::prelude::*;

const REGISTRATION: &str = "registration";
/// Before the modes: "true" or "false".
const REGISTRATION_OPEN: &str = "registration_open";

pub fn get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>, AppError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first::<String>(conn)
        .optional()?)
}

pub fn put(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<(), AppError> {
    diesel::insert_into(settings::table)
        .values((
            settings::key.eq(key),
            settings::value.eq(value),
            settings::updated_at.eq(now()),
        ))
        .on_conflict(settings::key)
        .do_update()
        .set((settings::value.eq(value), settings::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Open until the first account (the admin) exists, unless an admin has
/// chosen since. Reads the boolean of servers from before the modes.
pub fn registration(conn: &mut SqliteConnection) -> Result<Registration, AppError> {
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

pub fn admin_settings(conn: &mut SqliteConnection) -> Result<AdminSettings, AppError> {
    let registration = registration(conn)?;
    Ok(AdminSettings {
        registration,
        registration_open: registration == Registration::Open,
    })
}

pub fn update_admin_settings(
    conn: &mut SqliteConnection,
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
    admin_settings(conn)
}
