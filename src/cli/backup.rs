//! `vzconnect backup FILE` and `vzconnect restore FILE`: a consistent online copy of the
//! database, and a restore that checks the copy (integrity, schema version, secret key)
//! before it replaces anything. The secret key is not in the copy: back it up separately.

use std::path::{Path, PathBuf};

use clap::Args;

use super::secret::unopenable;
use super::{Access, CliError, Globals};
use crate::config::database_path;
use crate::crypto::constant_time_eq;
use crate::store::sqlite::backup::{inspect, schema_version};

/// `vzconnect backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    file: PathBuf,
}

/// `vzconnect restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The copy to restore (made by `vzconnect backup`).
    file: PathBuf,
}

pub(super) async fn backup(globals: &Globals, args: BackupArgs) -> Result<(), CliError> {
    let (store, _) = globals.open(Access::Existing).await?;
    if args.file.exists() {
        return Err(CliError::Usage(format!(
            "{} exists already: choose a new file",
            args.file.display()
        )));
    }
    store
        .backup(&args.file)
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let database = database_path(&globals.database).map_err(CliError::Usage)?;
    println!(
        "backup written to {}; the secret key is not in it: keep {} safe as well",
        args.file.display(),
        globals.key_source(&database).describe()
    );
    Ok(())
}

pub(super) async fn restore(globals: &Globals, args: RestoreArgs) -> Result<(), CliError> {
    let database = database_path(&globals.database).map_err(CliError::Usage)?;
    let refuse = |why: String| {
        CliError::Usage(format!(
            "{}: {why}; nothing was changed",
            args.file.display()
        ))
    };
    let info = inspect(&args.file).map_err(|e| refuse(e.to_string()))?;
    if !info.intact {
        return Err(refuse(
            "the copy is damaged (integrity check failed)".into(),
        ));
    }
    if info.schema_version > schema_version() {
        return Err(refuse(format!(
            "the copy has schema version {}, newer than this vzconnect ({})",
            info.schema_version,
            schema_version()
        )));
    }
    let source = globals.key_source(&database);
    let key = source
        .load()
        .map_err(CliError::Usage)?
        .ok_or_else(|| refuse(format!("{} is missing", source.describe())))?;
    let belongs = match &info.key_check {
        Some(check) => constant_time_eq(check.as_bytes(), key.check_value().as_bytes()),
        None => unopenable(&info.sealed, &key).is_empty(),
    };
    if !belongs {
        return Err(refuse(format!(
            "it was sealed with another secret key than {}",
            source.describe()
        )));
    }
    replace(&database, &args.file).map_err(CliError::Runtime)?;
    // Opening applies the migrations an older copy lacks.
    globals.open(Access::Existing).await?;
    println!(
        "restored {} to {}; the database it replaced is kept as {}.before-restore",
        args.file.display(),
        database.display(),
        database.display()
    );
    Ok(())
}

/// Puts a copy of `copy` in place of `database`, moving the old database and its `-wal` and
/// `-shm` files aside (a WAL left behind would be applied to the restored file).
fn replace(database: &Path, copy: &Path) -> Result<(), String> {
    let with = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let staged = with(".restoring");
    std::fs::copy(copy, &staged).map_err(|e| format!("{}: {e}", staged.display()))?;
    crate::private_files::restrict_file(&staged).map_err(|e| e.to_string())?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("{}: {e}", staged.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let current = with(suffix);
        if current.exists() {
            let aside = with(&format!(".before-restore{suffix}"));
            std::fs::rename(&current, &aside).map_err(|e| format!("{}: {e}", current.display()))?;
        }
    }
    std::fs::rename(&staged, database).map_err(|e| format!("{}: {e}", database.display()))
}
