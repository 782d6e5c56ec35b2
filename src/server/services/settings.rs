//! Instance-wide settings stored as key/value rows.

use crate::error::AppError;
use crate::model::AdminSettings;
use crate::server::db::{now, schema::settings, schema::users};
use diesel::prelude::*;

const REGISTRATION_OPEN: &str = "registration_open";

fn get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>, AppError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first::<String>(conn)
        .optional()?)
}

fn put(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<(), AppError> {
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
/// chosen explicitly since.
pub fn registration_open(conn: &mut SqliteConnection) -> Result<bool, AppError> {
    match get(conn, REGISTRATION_OPEN)?.as_deref() {
        Some(v) => Ok(v == "true"),
        None => {
            let any_user = diesel::select(diesel::dsl::exists(users::table.select(users::id)))
                .get_result::<bool>(conn)?;
            Ok(!any_user)
        }
    }
}

pub fn admin_settings(conn: &mut SqliteConnection) -> Result<AdminSettings, AppError> {
    Ok(AdminSettings {
        registration_open: registration_open(conn)?,
    })
}

pub fn update_admin_settings(
    conn: &mut SqliteConnection,
    new: &AdminSettings,
) -> Result<AdminSettings, AppError> {
    put(
        conn,
        REGISTRATION_OPEN,
        if new.registration_open {
            "true"
        } else {
            "false"
        },
    )?;
    admin_settings(conn)
}
