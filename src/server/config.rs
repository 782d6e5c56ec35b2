//! Typed configuration from the environment. Everything is checked at boot so
//! a typo fails loudly before the first request, and every value has a default
//! that makes `make run` work with no configuration at all.

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DB_FILE: &str = "backrooms.db";
pub const SECRET_KEY_FILE: &str = "secret.key";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("BACKROOMS_DATABASE_URL (or DATABASE_URL) must start with postgres:// or postgresql://; leave it unset for SQLite under the data dir")]
    DatabaseUrl,
    #[error("BACKROOMS_ADDR must be host:port such as 127.0.0.1:3000 (got {0:?})")]
    Addr(String),
    #[error("BACKROOMS_SECRET_KEY must be exactly 64 hexadecimal characters (32 bytes)")]
    SecretKeyFormat,
    #[error("the secret key file {0} is not 64 hexadecimal characters; fix or delete it (deleting it makes stored provider keys unreadable)")]
    SecretKeyFile(PathBuf),
    #[error("BACKROOMS_PUBLIC_URL must look like https://chat.example.com (scheme and host, no path), got {0:?}")]
    PublicUrl(String),
    #[error("BACKROOMS_ALLOWED_HOSTS must be host names separated by commas, such as nas.local,chat.lan (got {0:?})")]
    AllowedHosts(String),
    #[error("BACKROOMS_PROVIDER_TIMEOUT_SECS must be a whole number of seconds from 1 to 300")]
    ProviderTimeout,
    #[error(
        "BACKROOMS_PROVIDER_IDLE_TIMEOUT_SECS must be a whole number of seconds from 1 to 3600"
    )]
    ProviderIdleTimeout,
    #[error("BACKROOMS_TRUSTED_PROXIES must be addresses or CIDR ranges separated by commas, such as 10.0.0.0/8,::1 (got {0:?})")]
    TrustedProxies(String),
    #[error("BACKROOMS_BACKUP_KEEP must be a whole number from 1 to 365")]
    BackupKeep,
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// 32 bytes used to encrypt secrets at rest. `Debug` never prints it.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn from_hex(s: &str) -> Option<SecretKey> {
        let s = s.trim();
        if s.len() != 64 {
            return None;
        }
        let bytes = hex::decode(s).ok()?;
        bytes.try_into().ok().map(SecretKey)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the HTTP server listens (`BACKROOMS_ADDR`).
    pub addr: SocketAddr,
    /// Holds the SQLite file and the generated secret key (`BACKROOMS_DATA_DIR`).
    pub data_dir: PathBuf,
    pub secret_key: SecretKey,
    /// The address people type (`BACKROOMS_PUBLIC_URL`), e.g. behind a TLS
    /// proxy. `https` turns on `Secure` cookies; its host is also an accepted
    /// `Origin` for writes.
    pub public_url: Option<String>,
    /// More names this server answers to (`BACKROOMS_ALLOWED_HOSTS`, comma
    /// separated, lower case, no port), besides the public URL's host, IP
    /// addresses and `localhost`. A request for any other `Host` is refused:
    /// that is what a DNS-rebinding page sends.
    pub allowed_hosts: Vec<String>,
    /// Limit for admin calls to a provider such as "Test connection"
    /// (`BACKROOMS_PROVIDER_TIMEOUT_SECS`, 1-300, default 10).
    pub provider_timeout: Duration,
    /// A streaming reply with no data for this long fails
    /// (`BACKROOMS_PROVIDER_IDLE_TIMEOUT_SECS`, 1-3600, default 120).
    pub provider_idle_timeout: Duration,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address
    /// (`BACKROOMS_TRUSTED_PROXIES`); from anyone else the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where a daily backup is written (`BACKROOMS_BACKUP_DIR`); none when
    /// unset.
    pub backup_dir: Option<PathBuf>,
    /// How many daily backups stay (`BACKROOMS_BACKUP_KEEP`, 1-365,
    /// default 7); older ones are deleted.
    pub backup_keep: usize,
    /// PostgreSQL (`BACKROOMS_DATABASE_URL`, else `DATABASE_URL`): several
    /// replicas may share it. Unset: SQLite under the data dir.
    pub database_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Same as [`Config::from_env`] with an explicit source, for tests.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let addr_raw = get("BACKROOMS_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_raw
            .trim()
            .parse()
            .map_err(|_| ConfigError::Addr(addr_raw.clone()))?;

        let data_dir = PathBuf::from(get("BACKROOMS_DATA_DIR").unwrap_or_else(|| "./data".into()));
        std::fs::create_dir_all(&data_dir).map_err(|source| ConfigError::DataDir {
            path: data_dir.clone(),
            source,
        })?;

        let secret_key = match get("BACKROOMS_SECRET_KEY") {
            Some(hex) => SecretKey::from_hex(&hex).ok_or(ConfigError::SecretKeyFormat)?,
            None => load_or_create_key(&data_dir)?,
        };

        let public_url = get("BACKROOMS_PUBLIC_URL")
            .map(|u| parse_public_url(&u).ok_or(ConfigError::PublicUrl(u)))
            .transpose()?;

        let allowed_hosts = match get("BACKROOMS_ALLOWED_HOSTS") {
            None => Vec::new(),
            Some(raw) => parse_host_list(&raw).ok_or(ConfigError::AllowedHosts(raw))?,
        };

        let provider_timeout = match get("BACKROOMS_PROVIDER_TIMEOUT_SECS") {
            None => Duration::from_secs(10),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=300).contains(&n) => Duration::from_secs(n),
                _ => return Err(ConfigError::ProviderTimeout),
            },
        };

        let provider_idle_timeout = match get("BACKROOMS_PROVIDER_IDLE_TIMEOUT_SECS") {
            None => Duration::from_secs(120),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => Duration::from_secs(n),
                _ => return Err(ConfigError::ProviderIdleTimeout),
            },
        };

        let trusted_proxies = match get("BACKROOMS_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(raw) => parse_networks(&raw).ok_or(ConfigError::TrustedProxies(raw))?,
        };
        let backup_dir = get("BACKROOMS_BACKUP_DIR").map(PathBuf::from);
        let backup_keep = match get("BACKROOMS_BACKUP_KEEP") {
            None => 7,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=365).contains(&n) => n,
                _ => return Err(ConfigError::BackupKeep),
            },
        };

        let database_url = match get("BACKROOMS_DATABASE_URL").or_else(|| get("DATABASE_URL")) {
            None => None,
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(url.trim().to_string())
            }
            // Not echoed: a URL may hold a password.
            Some(_) => return Err(ConfigError::DatabaseUrl),
        };

        Ok(Config {
            database_url,
            trusted_proxies,
            backup_dir,
            backup_keep,
            provider_idle_timeout,
            addr,
            data_dir,
            secret_key,
            public_url,
            allowed_hosts,
            provider_timeout,
        })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    /// The database this server keeps its data in.
    pub fn database(&self) -> crate::server::db::Target {
        match &self.database_url {
            Some(url) => crate::server::db::Target::Postgres(url.clone()),
            None => crate::server::db::Target::Sqlite(self.db_path()),
        }
    }

    /// Cookies get `Secure` when people reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// `host[:port]` of the public URL, compared with request `Origin`s.
    pub fn public_host(&self) -> Option<&str> {
        self.public_url
            .as_deref()
            .and_then(|u| u.split_once("://").map(|(_, host)| host))
    }
}

/// `a.example, B.lan` as `["a.example", "b.lan"]`; `None` if any entry is
/// not a bare host name.
fn parse_host_list(raw: &str) -> Option<Vec<String>> {
    raw.split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| h.trim_end_matches('.'))
        .map(|h| {
            let valid = h.len() <= 253
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                && !h.starts_with(['.', '-']);
            valid.then(|| h.to_ascii_lowercase())
        })
        .collect()
}

fn parse_public_url(raw: &str) -> Option<String> {
    let url = raw.trim().trim_end_matches('/');
    let (scheme, host) = url.split_once("://")?;
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    // Browsers leave the default port out of `Origin`: so do we.
    let host = match scheme {
        "https" => host.strip_suffix(":443").unwrap_or(host),
        _ => host.strip_suffix(":80").unwrap_or(host),
    };
    ((scheme == "http" || scheme == "https") && valid_host)
        .then(|| format!("{scheme}://{host}").to_ascii_lowercase())
}

/// Reads `secret.key` from the data dir, or creates it once (mode 0600) so a
/// restart can still decrypt what was encrypted before.
fn load_or_create_key(dir: &Path) -> Result<SecretKey, ConfigError> {
    let path = dir.join(SECRET_KEY_FILE);
    let io_err = |source| ConfigError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            SecretKey::from_hex(&text).ok_or_else(|| ConfigError::SecretKeyFile(path.clone()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&path).map_err(io_err)?;
            file.write_all(hex::encode(bytes).as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(io_err)?;
            Ok(SecretKey(bytes))
        }
        Err(e) => Err(io_err(e)),
    }
}

/// `10.0.0.0/8, 192.168.1.2, ::1`: ranges, or single addresses.
fn parse_networks(raw: &str) -> Option<Vec<ipnet::IpNet>> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .ok()
                .or_else(|| s.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn generated_key_is_private_and_reused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let d = dir.path().join("nested");
        let d = d.to_str().ok_or("path")?;
        let first = config(&[("BACKROOMS_DATA_DIR", d)])?;
        let second = config(&[("BACKROOMS_DATA_DIR", d)])?;
        assert_eq!(first.secret_key.bytes(), second.secret_key.bytes());
        let meta = std::fs::metadata(first.data_dir.join(SECRET_KEY_FILE))?;
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
            0o600
        );
        assert_eq!(first.addr.to_string(), "127.0.0.1:3000");
        assert!(!format!("{first:?}").contains(&hex::encode(first.secret_key.bytes())));
        Ok(())
    }

    #[test]
    fn bad_values_fail_with_the_variable_name() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let d = dir.path().to_str().ok_or("path")?;
        let err = config(&[("BACKROOMS_DATA_DIR", d), ("BACKROOMS_ADDR", "nope")]).unwrap_err();
        assert!(err.to_string().contains("BACKROOMS_ADDR"));
        let err =
            config(&[("BACKROOMS_DATA_DIR", d), ("BACKROOMS_SECRET_KEY", "abc")]).unwrap_err();
        assert!(err.to_string().contains("BACKROOMS_SECRET_KEY"));
        let err = config(&[
            ("BACKROOMS_DATA_DIR", d),
            ("BACKROOMS_PUBLIC_URL", "ftp://x/y"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("BACKROOMS_PUBLIC_URL"));
        let err = config(&[
            ("BACKROOMS_DATA_DIR", d),
            ("BACKROOMS_ALLOWED_HOSTS", "nas.local, http://x/"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("BACKROOMS_ALLOWED_HOSTS"));
        let hosts = config(&[
            ("BACKROOMS_DATA_DIR", d),
            ("BACKROOMS_ALLOWED_HOSTS", "NAS.local, chat.lan.,"),
            ("BACKROOMS_PUBLIC_URL", "https://Chat.Example.com:443"),
        ])?;
        assert_eq!(hosts.allowed_hosts, ["nas.local", "chat.lan"]);
        assert_eq!(hosts.public_host(), Some("chat.example.com"));
        let ok = config(&[
            ("BACKROOMS_DATA_DIR", d),
            ("BACKROOMS_SECRET_KEY", &"ab".repeat(32)),
            ("BACKROOMS_PUBLIC_URL", "https://Chat.Example.com/"),
        ])?;
        assert!(ok.secure_cookies());
        assert_eq!(ok.public_host(), Some("chat.example.com"));
        assert_eq!(ok.secret_key.bytes(), &[0xab; 32]);
        Ok(())
    }
}
