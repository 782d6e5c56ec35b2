//! `backrooms migrate-data --from sqlite:PATH --to postgres://...`: moves an
//! installation from its SQLite file into an empty PostgreSQL database,
//! every row (uploaded files included: they are rows of `blobs`), in one
//! PostgreSQL transaction, and checks every table's count before it
//! commits.
//!
//! Rows travel as JSON: SQLite writes each batch of a table with
//! `json_object` (binary values as `\x` hex, PostgreSQL's `bytea` text),
//! PostgreSQL reads it with `json_populate_recordset` into the same columns,
//! so no table needs code of its own. Tables go parents first (from the
//! foreign keys), rows in id order; the identity sequences are moved past
//! the copied ids. What only lives while servers run (replicas, leases,
//! holds, sign-in failures) is not moved.

use super::db::{Db, Target};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{PgConnection, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Rows per batch; a table with binary columns goes a few rows at a time.
const BATCH: i64 = 500;
const BINARY_BATCH: i64 = 4;
/// Running state, not data.
const SKIPPED: [&str; 6] = [
    "__diesel_schema_migrations",
    "replicas",
    "reply_owners",
    "run_leases",
    "reply_holds",
    "login_failures",
];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    r#type: String,
}

#[derive(QueryableByName)]
struct Edge {
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    parent: String,
}

#[derive(QueryableByName)]
struct Batch {
    #[diesel(sql_type = Nullable<Text>)]
    rows: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn err(what: &str) -> impl Fn(diesel::result::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// The target's tables, parents before children.
fn tables_in_order(pg: &mut PgConnection) -> Result<Vec<String>, String> {
    let names: Vec<Name> = diesel::sql_query(
        "SELECT c.relname::text AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind = 'r'
          ORDER BY 1",
    )
    .load(pg)
    .map_err(err("cannot list PostgreSQL's tables"))?;
    let edges: Vec<Edge> = diesel::sql_query(
        "SELECT ch.relname::text AS child, pa.relname::text AS parent
           FROM pg_constraint k
           JOIN pg_class ch ON ch.oid = k.conrelid
           JOIN pg_class pa ON pa.oid = k.confrelid
           JOIN pg_namespace n ON n.oid = ch.relnamespace
          WHERE k.contype = 'f' AND n.nspname = current_schema()",
    )
    .load(pg)
    .map_err(err("cannot read PostgreSQL's foreign keys"))?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = names
        .into_iter()
        .filter(|t| !SKIPPED.contains(&t.name.as_str()))
        .map(|t| (t.name, BTreeSet::new()))
        .collect();
    for e in edges.into_iter().filter(|e| e.child != e.parent) {
        if let Some(p) = parents.get_mut(&e.child) {
            p.insert(e.parent);
        }
    }
    let mut order = Vec::new();
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, p)| p.iter().all(|p| !parents.contains_key(p)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err("PostgreSQL's foreign keys go round in a circle".into());
        }
        for t in ready {
            parents.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

/// The columns of `table` a copy fills on both sides (PostgreSQL's
/// generated columns make themselves), and whether any holds bytes.
fn shared_columns(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &str,
) -> Result<(Vec<String>, bool), String> {
    let source: Vec<Column> = diesel::sql_query(format!(
        "SELECT name, type FROM pragma_table_info('{table}')"
    ))
    .load(sqlite)
    .map_err(err("cannot read the SQLite table's columns"))?;
    if source.is_empty() {
        return Err(format!(
            "the SQLite database has no table {table}: is it a Backrooms database?"
        ));
    }
    let target: BTreeSet<String> = diesel::sql_query(
        "SELECT column_name::text AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1
            AND is_generated = 'NEVER' AND COALESCE(identity_generation, '') <> 'ALWAYS'",
    )
    .bind::<Text, _>(table)
    .load::<Name>(pg)
    .map_err(err("cannot read PostgreSQL's columns"))?
    .into_iter()
    .map(|c| c.name)
    .collect();
    let binary = source
        .iter()
        .any(|c| c.r#type.eq_ignore_ascii_case("blob") && target.contains(&c.name));
    Ok((
        source
            .into_iter()
            .map(|c| c.name)
            .filter(|c| target.contains(c))
            .collect(),
        binary,
    ))
}

/// Copies one table in batches: how many rows.
fn copy_table(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &str,
) -> Result<i64, String> {
    let (columns, binary) = shared_columns(sqlite, pg, table)?;
    let object = columns
        .iter()
        .map(|c| {
            let q = quoted(c);
            format!("'{c}', CASE typeof({q}) WHEN 'blob' THEN '\\x' || hex({q}) ELSE {q} END")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let read = format!(
        "SELECT json_group_array(json(obj)) AS rows, max(r) AS last, count(*) AS n
           FROM (SELECT rowid AS r, json_object({object}) AS obj FROM {t}
                  WHERE rowid > ? ORDER BY rowid LIMIT ?)",
        t = quoted(table)
    );
    let list = columns
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    let write = format!(
        "INSERT INTO {t} ({list}) SELECT {list} FROM json_populate_recordset(NULL::{t}, $1::json)",
        t = quoted(table)
    );
    let mut after = i64::MIN;
    let mut copied = 0;
    loop {
        let batch: Batch = diesel::sql_query(&read)
            .bind::<BigInt, _>(after)
            .bind::<BigInt, _>(if binary { BINARY_BATCH } else { BATCH })
            .get_result(sqlite)
            .map_err(err(&format!("cannot read {table}")))?;
        let (Some(rows), Some(last)) = (batch.rows, batch.last) else {
            break;
        };
        if batch.n == 0 {
            break;
        }
        diesel::sql_query(&write)
            .bind::<Text, _>(rows)
            .execute(pg)
            .map_err(err(&format!("cannot write {table}")))?;
        copied += batch.n;
        after = last;
    }
    Ok(copied)
}

/// How many rows `table` has, on either connection.
macro_rules! count {
    ($conn:expr, $table:expr) => {
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {}", quoted($table)))
            .get_result::<Count>($conn)
            .map(|c| c.n)
            .map_err(err(&format!("cannot count {}", $table)))
    };
}

/// Moves everything from the SQLite file `from` into the empty PostgreSQL
/// database `to` (both brought up to this build's schema first): each
/// table and its row count.
pub fn migrate(from: &Path, to: &str) -> Result<Vec<(String, i64)>, String> {
    if !from.is_file() {
        return Err(format!("there is no SQLite database at {}", from.display()));
    }
    let pg_target = Target::Postgres(to.to_string());
    Db::open(&Target::Sqlite(from.to_path_buf())).map_err(|e| e.to_string())?;
    Db::open(&pg_target).map_err(|e| e.to_string())?;
    let mut sqlite = SqliteConnection::establish(&from.to_string_lossy())
        .map_err(|e| format!("cannot open {}: {e}", from.display()))?;
    let mut pg = PgConnection::establish(to)
        .map_err(|e| format!("cannot open {}: {e}", pg_target.describe()))?;
    if count!(&mut pg, "users")? > 0 {
        return Err(format!(
            "{} already has accounts: moving data needs an empty database",
            pg_target.describe()
        ));
    }
    let order = tables_in_order(&mut pg)?;
    // One snapshot of the source, one transaction on the target.
    sqlite
        .batch_execute("BEGIN")
        .map_err(err("cannot read the SQLite database"))?;
    let moved = pg.transaction::<_, diesel::result::Error, _>(|pg| {
        let mut run = || -> Result<Vec<(String, i64)>, String> {
            let mut moved = Vec::new();
            for table in &order {
                let n = copy_table(&mut sqlite, pg, table)?;
                let (source, target) = (count!(&mut sqlite, table)?, count!(pg, table)?);
                if n != source || target != source {
                    return Err(format!(
                        "{table}: {source} rows in SQLite, {target} in PostgreSQL"
                    ));
                }
                moved.push((table.clone(), n));
            }
            let identities: Vec<Edge> = diesel::sql_query(
                "SELECT table_name::text AS child, column_name::text AS parent
                   FROM information_schema.columns
                  WHERE table_schema = current_schema() AND is_identity = 'YES'
                    AND identity_generation = 'BY DEFAULT'",
            )
            .load(pg)
            .map_err(err("cannot read the identity columns"))?;
            for i in identities {
                let (t, c) = (quoted(&i.child), quoted(&i.parent));
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', '{col}'), \
                     GREATEST((SELECT MAX({c}) FROM {t}), 1))",
                    col = i.parent
                ))
                .execute(pg)
                .map_err(err("cannot move the id sequences on"))?;
            }
            Ok(moved)
        };
        run().map_err(|message| diesel::result::Error::QueryBuilderError(message.into()))
    });
    let _ = sqlite.batch_execute("ROLLBACK");
    moved.map_err(|e| match e {
        diesel::result::Error::QueryBuilderError(m) => m.to_string(),
        other => other.to_string(),
    })
}

/// The command line: `--from sqlite:PATH --to postgres://...`.
pub fn parse(args: &[String]) -> Result<(PathBuf, String), String> {
    let mut from = None;
    let mut to = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" => from = it.next().cloned(),
            "--to" => to = it.next().cloned(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let from = from
        .as_deref()
        .and_then(|f| f.strip_prefix("sqlite:"))
        .filter(|p| !p.is_empty())
        .ok_or("--from must be sqlite:PATH, the SQLite file to move")?;
    let to = to
        .filter(|t| t.starts_with("postgres://") || t.starts_with("postgresql://"))
        .ok_or("--to must be a postgres:// URL of an empty database")?;
    Ok((PathBuf::from(from), to))
}

/// `backrooms migrate-data ...`: prints each table's count.
pub fn run(args: &[String]) -> ExitCode {
    let (from, to) = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\nusage: backrooms migrate-data --from sqlite:PATH --to postgres://USER:PASSWORD@HOST:PORT/DB");
            return ExitCode::from(2);
        }
    };
    match migrate(&from, &to) {
        Ok(moved) => {
            for (table, n) in &moved {
                println!("{table:<24} {n:>10}");
            }
            let rows: i64 = moved.iter().map(|(_, n)| n).sum();
            println!(
                "moved {rows} rows of {} tables to {}; every count checked",
                moved.len(),
                Target::Postgres(to).describe()
            );
            let key = from
                .parent()
                .unwrap_or(Path::new("."))
                .join(super::config::SECRET_KEY_FILE);
            println!(
                "Provider keys stay encrypted with this installation's secret key: start the \
                 PostgreSQL servers with BACKROOMS_SECRET_KEY set to the content of {}",
                key.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("backrooms: nothing was moved: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn the_arguments_name_a_sqlite_file_and_a_postgres_url() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (from, to) = parse(&args(&[
            "--from",
            "sqlite:data/backrooms.db",
            "--to",
            "postgres://u@h/db",
        ]))
        .expect("parsed");
        assert_eq!(from, std::path::PathBuf::from("data/backrooms.db"));
        assert_eq!(to, "postgres://u@h/db");
        for bad in [
            &["--from", "data/backrooms.db", "--to", "postgres://u@h/db"][..],
            &["--from", "sqlite:x.db", "--to", "mysql://u@h/db"],
            &["--from", "sqlite:x.db"],
            &[
                "--from",
                "sqlite:x.db",
                "--to",
                "postgres://h/db",
                "--force",
            ],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
