//! The typed vocabulary as SQLite text: each enum is stored as its
//! `as_str()` (the schema's CHECK constraints list the same words), and a
//! word the enum does not know fails the read instead of passing as text.

use crate::model::attachment::AttachmentKind;
use crate::model::backroom::{BackroomState, TurnKind, TurnOrder};
use crate::model::chat::{MessageStatus, Role};
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};

macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl ToSql<Text, Sqlite> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Sqlite> for $t {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
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
