//! Files that hold secrets (the database and its WAL, the outbox with live reset links):
//! readable by their owner only, whatever the umask.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of private files: read and write for the owner.
const FILE_MODE: u32 = 0o600;
/// Mode of private folders: the owner only.
const DIR_MODE: u32 = 0o700;

/// Creates `path` empty if it does not exist, and leaves it (new or old) mode 0600.
pub fn ensure_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)?;
    // The mode given at creation is filtered by the umask; set it exactly.
    restrict_file(path)
}

/// Sets an existing file to mode 0600.
pub fn restrict_file(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, Permissions::from_mode(FILE_MODE))
}

/// Creates the folder `path` (and its parents) if needed, and leaves it mode 0700.
pub fn ensure_dir(path: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)?;
    fs::set_permissions(path, Permissions::from_mode(DIR_MODE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_and_folders_end_up_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("db");
        fs::write(&file, b"").unwrap();
        fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        ensure_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        let new = dir.path().join("new");
        ensure_file(&new).unwrap();
        assert_eq!(mode(&new), 0o600);
        let folder = dir.path().join("a/b");
        ensure_dir(&folder).unwrap();
        assert_eq!(mode(&folder), 0o700);
    }
}
