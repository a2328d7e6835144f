//! What a build clears before it writes: staging folders left by builds that crashed, and
//! links planted in an output it writes over.

use std::fs;
use std::io;
use std::path::Path;

use walkdir::WalkDir;

/// Remove the staging folders (`.NAME.staging-PID-N`, and `…old`) of builds whose process is
/// gone: a build that crashed or was killed leaves one behind.
pub(super) fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.staging-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            tracing::info!(
                "removing {}, left by a build that ended",
                entry.path().display()
            );
            if let Err(e) = fs::remove_dir_all(entry.path())
                && e.kind() != io::ErrorKind::NotFound
            {
                tracing::warn!("cannot remove {}: {e}", entry.path().display());
            }
        }
    }
}

/// Whether process `pid` still runs. Where that cannot be known, it is taken to run.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Remove every symbolic link (and anything else that is neither a file nor a folder) under
/// `dir`, without following any. Costs one directory walk; no file is stat'ed.
pub(super) fn remove_links(dir: &Path) -> io::Result<()> {
    for entry in WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
