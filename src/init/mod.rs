//! `helpcenter init`: write a small working Help Center (the files of `src/init/starter/`,
//! inside the binary) into a folder, to start from.

use std::io::Write;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;

/// The starter site, embedded as the built-in theme is (see `render::theme_files`).
#[derive(RustEmbed)]
#[folder = "src/init/starter/"]
struct Starter;

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "the folder {0} is not empty: pass --force to add the starter's files to it (files already there are kept), or name a new folder"
    )]
    NotEmpty(PathBuf),
    #[error("{0} is not a folder: name a new or empty folder")]
    NotAFolder(PathBuf),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// What `init` did, by path in the folder.
#[derive(Debug)]
pub struct Created {
    pub dir: PathBuf,
    pub written: Vec<String>,
    /// Files that were there already (with `--force`) and were left as they were.
    pub kept: Vec<String>,
}

/// Write the starter into `dir`, creating it when missing. A folder with anything in it is
/// refused unless `force`; then only the starter's files are written, and any of them that
/// already exists is kept as it is: nothing is overwritten or deleted.
pub fn init(dir: &Path, force: bool) -> Result<Created, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| InitError::Io(path, e)
    };
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(InitError::NotAFolder(dir.to_path_buf())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
            if !force && entries.next().is_some() {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(_) => std::fs::create_dir_all(dir).map_err(io(dir))?,
    }
    let mut names: Vec<_> = Starter::iter().collect();
    names.sort();
    let mut created = Created {
        dir: dir.to_path_buf(),
        written: Vec::new(),
        kept: Vec::new(),
    };
    for name in names {
        let Some(file) = Starter::get(&name) else {
            continue;
        };
        let path = dir.join(name.as_ref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        // `create_new`: an existing file, or a link (even a dangling one), is never written
        // through.
        match std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut out) => {
                out.write_all(&file.data).map_err(io(&path))?;
                created.written.push(name.into_owned());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                created.kept.push(name.into_owned());
            }
            Err(e) => return Err(io(&path)(e)),
        }
    }
    Ok(created)
}

impl Created {
    /// What to tell the editor: what was written, what was kept, and what to run next.
    pub fn summary(&self) -> String {
        let dir = self.dir.display();
        let mut text = format!(
            "Created a Help Center in {dir}: {}.\n",
            crate::diagnostics::plural(self.written.len(), "file")
        );
        if !self.kept.is_empty() {
            text.push_str(&format!(
                "Kept {} already there: {}.\n",
                crate::diagnostics::plural(self.kept.len(), "file"),
                self.kept.join(", ")
            ));
        }
        let cd = if self.dir == Path::new(".") {
            String::new()
        } else {
            format!("cd {dir} && ")
        };
        text.push_str(&format!(
            "Next: {cd}helpcenter serve   (then edit content/ and site.toml; `helpcenter check` before you publish)\n"
        ));
        text
    }
}
