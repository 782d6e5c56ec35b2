//! `vocabulary!`: an enum of words stored and sent as text (`snake_case` on
//! the wire, the same word in SQLite), with its one list of variants
//! (`ALL`), `as_str` and `parse`. On the server it is also a Diesel `Text`
//! expression (the `ToSql`/`FromSql` impls are in `server/db/vocab.rs`).

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(
            feature = "ssr",
            derive(
                diesel::expression::AsExpression,
                diesel::deserialize::FromSqlRow,
                utoipa::ToSchema
            ),
            diesel(sql_type = diesel::sql_types::Text)
        )]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($word => Some($name::$variant),)+ _ => None }
            }

            /// Every word, for an error message: `a, b or c`.
            pub fn words() -> String {
                let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                match all.split_last() {
                    Some((last, [])) => last.to_string(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => String::new(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use crate::model::backroom::{BackroomState, Control, TurnKind, TurnOrder};
    use crate::model::chat::{MessageStatus, Role};

    /// The word on the wire (serde) is the word stored and parsed, for
    /// every variant of every vocabulary, and no two variants share one.
    macro_rules! same_words {
        ($($t:ty),*) => {$(
            let mut seen = std::collections::HashSet::new();
            for v in <$t>::ALL {
                let wire = serde_json::to_string(v).unwrap();
                assert_eq!(wire, format!("\"{}\"", v.as_str()), "{v:?}");
                assert_eq!(<$t>::parse(v.as_str()), Some(*v));
                assert_eq!(serde_json::from_str::<$t>(&wire).unwrap(), *v);
                assert!(seen.insert(v.as_str()), "{v:?} repeats a word");
                assert!(<$t>::words().contains(v.as_str()));
            }
            assert_eq!(<$t>::parse("nonsense"), None);
        )*};
    }

    #[test]
    fn serde_storage_and_parse_agree() {
        same_words!(
            Role,
            MessageStatus,
            BackroomState,
            Control,
            TurnOrder,
            TurnKind
        );
        assert_eq!(Role::words(), "system, user or assistant");
    }
}
