//! Turning flags and environment into validated settings: the database path, the issuer
//! URL and the server's secret key.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::crypto::SecretKey;

/// The SQLite file a `sqlite://PATH` URL names.
pub fn database_path(url: &str) -> Result<PathBuf, String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(
                "--database: sqlite:// needs a file path, e.g. sqlite://vzconnect.db".into(),
            );
        }
        return Ok(PathBuf::from(path));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err("--database: PostgreSQL is not supported yet; use sqlite://PATH".into());
    }
    Err(format!(
        "--database: '{url}' is not a database URL (expected sqlite://PATH)"
    ))
}

/// The issuer as used in every URL: absolute http(s), no query or fragment, no trailing `/`.
pub fn normalize_issuer(issuer: &str) -> Result<String, String> {
    let url =
        url::Url::parse(issuer).map_err(|e| format!("--issuer: '{issuer}' is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("--issuer: '{issuer}' must be an http or https URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "--issuer: '{issuer}' must not have a query or fragment"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Where the secret key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `VZCONNECT_SECRET_KEY`.
    Env(String),
    /// `--secret-key-file`: must exist.
    File(PathBuf),
    /// `<database file>.key`, created with mode 0600 on first start.
    BesideDatabase(PathBuf),
}

impl KeySource {
    /// Chooses the source: the environment first, then an explicit file, then the default.
    pub fn choose(env: Option<String>, file: Option<PathBuf>, database: &Path) -> Self {
        match (env.filter(|k| !k.is_empty()), file) {
            (Some(key), _) => Self::Env(key),
            (None, Some(file)) => Self::File(file),
            (None, None) => {
                let mut name = database.as_os_str().to_owned();
                name.push(".key");
                Self::BesideDatabase(PathBuf::from(name))
            }
        }
    }

    /// Loads the key; `None` when the default key file does not exist (yet). A key named by
    /// the environment or `--secret-key-file` must be there.
    pub fn load(&self) -> Result<Option<SecretKey>, String> {
        match self {
            Self::Env(text) => SecretKey::parse(text)
                .map(Some)
                .map_err(|e| format!("VZCONNECT_SECRET_KEY: {e}")),
            Self::File(path) => read_key_file(path).map(Some),
            Self::BesideDatabase(path) if path.exists() => read_key_file(path).map(Some),
            Self::BesideDatabase(_) => Ok(None),
        }
    }

    /// Creates the default key file (mode 0600) with a new key.
    pub fn create(&self) -> Result<SecretKey, String> {
        match self {
            Self::BesideDatabase(path) => {
                let key = SecretKey::generate();
                write_key_file(path, &key)?;
                Ok(key)
            }
            other => Err(format!("{} is missing", other.describe())),
        }
    }

    /// Where the key comes from, in words for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Env(_) => "the key in VZCONNECT_SECRET_KEY".into(),
            Self::File(path) | Self::BesideDatabase(path) => {
                format!("the key file {}", path.display())
            }
        }
    }

    /// The file a rotated key is written to: `<key file>.new`, or `<database>.key.new` when
    /// the key came from the environment.
    pub fn rotated_path(&self, database: &Path) -> PathBuf {
        let base = match self {
            Self::File(path) | Self::BesideDatabase(path) => path.clone(),
            Self::Env(_) => {
                let mut name = database.as_os_str().to_owned();
                name.push(".key");
                PathBuf::from(name)
            }
        };
        let mut name = base.into_os_string();
        name.push(".new");
        PathBuf::from(name)
    }
}

fn read_key_file(path: &Path) -> Result<SecretKey, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("cannot read the secret key file {}: {e}", path.display()))?;
    SecretKey::parse(&text).map_err(|e| format!("secret key file {}: {e}", path.display()))
}

/// Writes `key` to a new file (never over an existing one), mode 0600.
pub fn write_key_file(path: &Path, key: &SecretKey) -> Result<(), String> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create the secret key file {}: {e}", path.display()))?;
    writeln!(file, "{}", key.to_base64url())
        .map_err(|e| format!("cannot write the secret key file {}: {e}", path.display()))?;
    // The mode above is filtered by the umask; make sure it is exactly 0600.
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
    file.sync_all()
        .map_err(|e| format!("cannot write the secret key file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            database_path("sqlite://a/b.db").unwrap(),
            PathBuf::from("a/b.db")
        );
        assert!(database_path("postgres://x")
            .unwrap_err()
            .contains("not supported"));
        assert!(database_path("b.db").is_err());
        assert!(database_path("sqlite://").is_err());
    }

    #[test]
    fn issuers_lose_trailing_slash_and_refuse_queries() {
        assert_eq!(
            normalize_issuer("https://id.example/").unwrap(),
            "https://id.example"
        );
        assert_eq!(
            normalize_issuer("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(normalize_issuer("https://id.example/?a=1").is_err());
        assert!(normalize_issuer("ftp://id.example").is_err());
        assert!(normalize_issuer("nonsense").is_err());
    }

    #[test]
    fn default_key_file_is_created_0600_and_read_back() {
        let dir = std::env::temp_dir().join(format!("vzkey-{}", crate::crypto::random_token(6)));
        fs::create_dir_all(&dir).unwrap();
        let source = KeySource::choose(None, None, &dir.join("db.sqlite"));
        assert!(source.load().unwrap().is_none(), "loading never creates");
        let first = source.create().unwrap();
        let path = dir.join("db.sqlite.key");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = source.load().unwrap().unwrap();
        assert_eq!(first.to_base64url(), again.to_base64url());
        let missing = KeySource::choose(None, Some(dir.join("nope")), &dir.join("db.sqlite"));
        assert!(missing.load().is_err());
        fs::remove_dir_all(dir).unwrap();
    }
}
