//! The typed vocabulary as text (on either database): each enum is stored as its
//! `as_str()` (the schema's CHECK constraints list the same words), and a
//! word the enum does not know fails the read instead of passing as text.

use crate::model::attachment::AttachmentKind;
use crate::model::backroom::{BackroomState, TurnKind, TurnOrder};
use crate::model::chat::{MessageStatus, Role};
use crate::server::db::MultiBackend;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl ToSql<Text, Sqlite> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                <str as ToSql<Text, MultiBackend>>::to_sql(self.as_str(), out)
            }
        }

        impl FromSql<Text, MultiBackend> for $t {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, MultiBackend>>::from_sql(value)?;
                <$t>::parse(&text).ok_or_else(|| {
                    format!("unknown {} {text:?}", stringify!($t)).into()
                })
            }
        }
    )*};
}

stored_as_text!(
    MessageStatus,
    BackroomState,
    Role,
    TurnKind,
    TurnOrder,
    AttachmentKind
);
