//! Shared test helpers: throwaway sites in temp folders, run through the real binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the sample site lives here).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_helpcenter"))
}

/// A site in a temporary folder. Dropped, it is deleted.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A minimal valid site: `site.toml`, the default theme (copied), a home page.
    pub fn minimal() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        site.write(
            "site.toml",
            "title = \"Test Help Center\"\nbase_url = \"https://help.test\"\nlanguage = \"en\"\ntheme = \"default\"\n",
        );
        copy_dir(
            &repo_root().join("themes/default"),
            &site.path().join("themes/default"),
        );
        site.write(
            "content/_index.md",
            "---\ntitle: Welcome\ndescription: The home page.\n---\nHello.\n",
        );
        site
    }

    /// A copy of the repository's sample Help Center.
    pub fn sample() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        fs::copy(repo_root().join("site.toml"), site.path().join("site.toml"))
            .expect("copy site.toml");
        copy_dir(&repo_root().join("themes"), &site.path().join("themes"));
        copy_dir(&repo_root().join("content"), &site.path().join("content"));
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    /// Write `text` to `rel`, creating folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    pub fn read_output(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Run `helpcenter <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(binary())
            .args(args)
            .arg("--root")
            .arg(self.path())
            .output()
            .expect("run helpcenter")
    }

    /// Run and insist on success; returns stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "helpcenter {args:?} failed:\n{}",
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// stdout and stderr together, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes, for comparing whole outputs.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
