//! Shared test helpers: throwaway sites in temp folders (built in code, or copied from a
//! fixture folder under `tests/fixtures/`), run through the real binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod static_index;

/// The modification time of every file of a fixture: 2025-03-14 12:00 UTC.
pub const FIXTURE_TIME: u64 = 1_741_953_600;

/// The repository root (the sample site lives here).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The source of the built-in theme's file `rel` (`templates/page.html`).
pub fn built_in_theme_file(rel: &str) -> String {
    let path = repo_root().join("src/theme").join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_helpcenter"))
}

/// A site in a temporary folder. Dropped, it is deleted.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A minimal valid site: `site.toml` and a home page (the theme is the built-in one).
    pub fn minimal() -> Site {
        Site::minimal_in(&std::env::temp_dir())
    }

    /// [`Site::minimal`] in a temporary folder under `parent` (`/dev/shm` for tests that
    /// build hundreds of times: no disk waits).
    pub fn minimal_in(parent: &Path) -> Site {
        let site = Site {
            dir: tempfile::tempdir_in(parent).expect("tempdir"),
        };
        site.write(
            "site.toml",
            "title = \"Test Help Center\"\nbase_url = \"https://help.test\"\nlanguage = \"en\"\ntheme = \"default\"\n",
        );
        site.write(
            "content/_index.md",
            "---\ntitle: Welcome\ndescription: The home page.\n---\nHello.\n",
        );
        site
    }

    /// A copy of the fixture site `tests/fixtures/<name>/` (its own `site.toml`, `content/`
    /// and, when it changes the built-in theme, `themes/`).
    pub fn fixture(name: &str) -> Site {
        let from = repo_root().join("tests/fixtures").join(name);
        assert!(
            from.join("site.toml").is_file(),
            "no fixture site at {}",
            from.display()
        );
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        copy_dir(&from, site.path());
        // Outside git a page's date is its file's: one fixed time, so snapshots hold any day.
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(FIXTURE_TIME);
        for entry in walkdir::WalkDir::new(site.path().join("content")) {
            let entry = entry.expect("walk");
            if entry.file_type().is_file() {
                let file = fs::File::options()
                    .write(true)
                    .open(entry.path())
                    .expect("open");
                file.set_modified(time).expect("set mtime");
            }
        }
        site
    }

    /// `text` (output or a page of this site) without what changes from run to run: the
    /// site's temporary folder, timings, and the fingerprints in asset names.
    pub fn normalize(&self, text: &str) -> String {
        let text = text.replace(&self.path().display().to_string(), "[site]");
        let timing = regex::Regex::new(r"\b\d+ ms\b").unwrap();
        let fingerprint = regex::Regex::new(r"\.[0-9a-f]{10}\.(css|js)\b").unwrap();
        let text = timing.replace_all(&text, "[n] ms");
        fingerprint.replace_all(&text, ".[hash].$1").into_owned()
    }

    /// A copy of the repository's sample Help Center (with its few theme overrides).
    pub fn sample() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        fs::copy(repo_root().join("site.toml"), site.path().join("site.toml"))
            .expect("copy site.toml");
        if repo_root().join("themes").is_dir() {
            copy_dir(&repo_root().join("themes"), &site.path().join("themes"));
        }
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

/// The paths whose files are not the same in both.
pub fn differing(a: &[(PathBuf, Vec<u8>)], b: &[(PathBuf, Vec<u8>)]) -> Vec<PathBuf> {
    let a: std::collections::BTreeMap<_, _> = a.iter().cloned().collect();
    let b: std::collections::BTreeMap<_, _> = b.iter().cloned().collect();
    a.keys()
        .chain(b.keys())
        .filter(|path| a.get(*path) != b.get(*path))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A running `helpcenter serve`, killed when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT/`, as printed on start.
    pub url: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Site {
    /// Start `helpcenter serve --root <site> --port 0 <args>` (no `--port 0` when `args` has a
    /// `--port`) and wait for its URL line.
    pub fn serve(&self, args: &[&str]) -> Server {
        self.serve_with(args, None)
    }

    /// Serve without watching or a rate limit, feedback stored in `db` (a SQLite file or a
    /// `postgres://` URL), with `extra` arguments.
    pub fn serve_feedback(&self, db: &str, extra: &[&str]) -> Server {
        let mut args = vec!["--no-watch", "--rate-limit", "0", "--feedback-db", db];
        args.extend_from_slice(extra);
        self.serve(&args)
    }

    /// The stored feedback, from `feedback export --format json --db <db>`.
    pub fn feedback_export(&self, db: &str) -> Vec<serde_json::Value> {
        let out = self.run_ok(&["feedback", "export", "--format", "json", "--db", db]);
        serde_json::from_str(&out).expect("export JSON")
    }

    /// As [`Site::serve`], with the server's open-file limit (soft and hard) set to `nofile`.
    pub fn serve_with(&self, args: &[&str], nofile: Option<u64>) -> Server {
        use std::io::{BufRead, BufReader, Read};
        use std::process::Stdio;
        let mut command = Command::new(binary());
        if let Some(n) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: only setrlimit, which is async-signal-safe, runs in the child.
            unsafe {
                command.pre_exec(move || {
                    let limit = libc::rlimit {
                        rlim_cur: n as libc::rlim_t,
                        rlim_max: n as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let mut child = command
            .arg("serve")
            .arg("--root")
            .arg(self.path())
            .args(if args.contains(&"--port") {
                &[][..]
            } else {
                &["--port", "0"][..]
            })
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn helpcenter serve");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {} // keep draining
        });
        let line = match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(std::time::Duration::from_millis(100));
                panic!(
                    "helpcenter serve printed no URL; stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        let url = line
            .split(" at ")
            .last()
            .filter(|u| line.starts_with("Serving ") && u.starts_with("http://"))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Server { child, url, stderr }
    }
}

impl Server {
    /// `http://127.0.0.1:PORT/<path>` (path without its leading slash).
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// `127.0.0.1:PORT`
    pub fn addr(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Send a request line exactly as written (no client-side path normalization); returns the
    /// status code and the whole response.
    pub fn raw(&self, method: &str, target: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(self.addr()).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr()
        )
        .unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {response:?}"));
        (status, response)
    }

    /// SIGKILL, at once.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client that does not follow redirects.
pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}
