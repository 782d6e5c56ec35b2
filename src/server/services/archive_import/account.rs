//! What the account already has: its models by name, its folder names, and
//! the limits it must still keep after the import.

use super::fields::bad;
use crate::error::AppError;
use crate::model::archive::{Archive, ModelRef};
use crate::server::db::schema::{
    folders as folders_t, prompts as prompts_t, provider_models, providers,
};
use crate::server::db::Conn;
use crate::server::services::{folders, prompts};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// Models by provider name and model id; the ones not found go to the summary.
pub(super) struct Models {
    known: HashMap<(String, String), i64>,
    pub(super) unknown: Vec<String>,
}

impl Models {
    pub(super) fn load(conn: &mut Conn) -> QueryResult<Models> {
        let known = provider_models::table
            .inner_join(providers::table)
            .select((
                providers::name,
                provider_models::model_sdk_id,
                provider_models::id,
            ))
            .load::<(String, String, i64)>(conn)?
            .into_iter()
            .map(|(p, m, id)| ((p, m), id))
            .collect();
        Ok(Models {
            known,
            unknown: Vec::new(),
        })
    }

    pub(super) fn id(&mut self, m: &Option<ModelRef>) -> Option<i64> {
        let m = m.as_ref()?;
        let found = self
            .known
            .get(&(m.provider.clone(), m.model.clone()))
            .copied();
        let name = format!("{} / {}", m.provider, m.model);
        if found.is_none() && !self.unknown.contains(&name) {
            self.unknown.push(name);
        }
        found
    }
}

/// A folder name not in `taken` (which then holds it): the name, else
/// the name with ` (2)`, ` (3)`… Answers whether it was renamed.
pub(super) fn free_name(taken: &mut HashSet<String>, name: &str) -> (String, bool) {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        let suffix = format!(" ({n})");
        let stem: String = name
            .chars()
            .take(folders::NAME_MAX - suffix.chars().count())
            .collect();
        candidate = format!("{stem}{suffix}");
    }
    taken.insert(candidate.clone());
    (candidate, n > 1)
}

/// The account's own limits hold after the import.
pub(super) fn check_room(conn: &mut Conn, user_id: i64, a: &Archive) -> Result<(), AppError> {
    let folders_now: i64 = folders_t::table
        .filter(folders_t::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if folders_now + a.folders.len() as i64 > folders::COUNT_MAX {
        return Err(bad(
            "folders".into(),
            format!(
                "the account would have more than {} folders ({folders_now} now, {} in the file).",
                folders::COUNT_MAX,
                a.folders.len()
            ),
        ));
    }
    let prompts_now: i64 = prompts_t::table
        .filter(prompts_t::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if prompts_now + a.prompts.len() as i64 > prompts::COUNT_MAX {
        return Err(bad(
            "prompts".into(),
            format!(
                "the account would have more than {} prompts ({prompts_now} now, {} in the file).",
                prompts::COUNT_MAX,
                a.prompts.len()
            ),
        ));
    }
    Ok(())
}
