//! Rows of `providers` and `provider_models`: upstream APIs and their models.

use crate::server::db::schema::{provider_models, providers};
use diesel::prelude::*;

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = providers)]
pub struct Provider {
    pub id: i64,
    /// The account whose own key this is; `None` for the server's shared
    /// providers.
    pub owner_id: Option<i64>,
    pub name: String,
    pub provider_sdk_id: String,
    pub api_format: String,
    pub base_url: Option<String>,
    /// nonce || ciphertext; see `server::crypto`. Redacted from `Debug`.
    pub api_key: Option<Vec<u8>>,
    pub image_url: Option<String>,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("owner_id", &self.owner_id)
            .field("provider_sdk_id", &self.provider_sdk_id)
            .field("has_api_key", &self.api_key.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = providers)]
pub struct NewProvider {
    pub owner_id: Option<i64>,
    pub name: String,
    pub provider_sdk_id: String,
    pub api_format: String,
    pub base_url: Option<String>,
    pub api_key: Option<Vec<u8>>,
    pub image_url: Option<String>,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `None` leaves a column alone; `Some(None)` sets it to NULL.
#[derive(AsChangeset, Default)]
#[diesel(table_name = providers)]
pub struct ProviderChanges {
    pub name: Option<String>,
    pub provider_sdk_id: Option<String>,
    pub api_format: Option<String>,
    pub base_url: Option<Option<String>>,
    pub api_key: Option<Option<Vec<u8>>>,
    pub image_url: Option<Option<String>>,
    pub is_enabled: Option<bool>,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = provider_models)]
pub struct ProviderModel {
    pub id: i64,
    pub provider_id: i64,
    pub name: String,
    pub model_sdk_id: String,
    pub is_default: bool,
    pub is_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub input_price: Option<f64>,
    pub output_price: Option<f64>,
    pub vision: bool,
}

impl ProviderModel {
    pub fn view(&self) -> crate::model::provider::ModelView {
        crate::model::provider::ModelView {
            id: self.id,
            provider_id: self.provider_id,
            name: self.name.clone(),
            model_sdk_id: self.model_sdk_id.clone(),
            is_default: self.is_default,
            is_enabled: self.is_enabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
            input_price: self.input_price,
            output_price: self.output_price,
            vision: self.vision,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = provider_models)]
pub struct NewProviderModel {
    pub provider_id: i64,
    pub name: String,
    pub model_sdk_id: String,
    pub is_enabled: bool,
    pub vision: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = provider_models)]
pub struct ModelChanges {
    pub name: Option<String>,
    pub model_sdk_id: Option<String>,
    pub is_enabled: Option<bool>,
    pub is_default: Option<bool>,
    pub input_price: Option<Option<f64>>,
    pub output_price: Option<Option<f64>>,
    pub vision: Option<bool>,
    pub updated_at: i64,
}
