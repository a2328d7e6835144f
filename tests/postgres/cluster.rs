//! A throwaway PostgreSQL cluster per test (Debian's `postgresql` package: `initdb` in a
//! temporary folder, a free port, `pg_ctl start`), crashed, stopped and restarted at will;
//! and the `SKIP_POSTGRES_TESTS=1` switch.

use std::path::PathBuf;
use std::process::Command;

use crate::common::text;

/// A PostgreSQL cluster in a temporary folder; stopped (only this one) and deleted on drop.
pub struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

pub fn skip() -> bool {
    if std::env::var("SKIP_POSTGRES_TESTS").as_deref() == Ok("1") {
        eprintln!("SKIP_POSTGRES_TESTS=1: PostgreSQL test skipped");
        return true;
    }
    false
}

/// Run `command` through `sh -c` as the `postgres` user when we are root (initdb refuses
/// root), as ourselves otherwise.
fn as_postgres(command: &str) -> std::process::Output {
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = Command::new("su");
        c.args(["postgres", "-s", "/bin/sh", "-c", command]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", command]);
        c
    };
    cmd.output().expect("run a PostgreSQL command")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Pg {
    pub fn start() -> Pg {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").is_file())
            .max_by_key(|b| {
                b.parent()
                    .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .expect(
                "no PostgreSQL server binaries under /usr/lib/postgresql: install Debian's \
                 `postgresql` package (scripts/test does), or set SKIP_POSTGRES_TESTS=1",
            );
        let dir = tempfile::tempdir().expect("tempdir");
        if unsafe { libc::geteuid() } == 0 {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success(), "chown postgres {}", dir.path().display());
        }
        let d = dir.path().display();
        let out = as_postgres(&format!(
            "{}/initdb -D {d}/data -A trust -U postgres --no-sync",
            bin.display()
        ));
        assert!(out.status.success(), "initdb: {}", text(&out));
        let mut pg = Pg { dir, bin, port: 0 };
        for attempt in 0.. {
            pg.port = free_port();
            if pg.try_start() {
                break;
            }
            assert!(attempt < 3, "pg_ctl start failed:\n{}", pg.log());
        }
        pg.psql("postgres", "CREATE DATABASE helpcenter");
        pg
    }

    fn try_start(&self) -> bool {
        let d = self.dir.path().display();
        as_postgres(&format!(
            "{}/pg_ctl -D {d}/data -o '-p {} -k {d} -c listen_addresses=127.0.0.1' -l {d}/log -w -t 60 start",
            self.bin.display(),
            self.port
        ))
        .status
        .success()
    }

    /// Start again (same port) after [`Pg::crash`].
    pub fn restart(&self) {
        assert!(self.try_start(), "pg_ctl start failed:\n{}", self.log());
    }

    /// `pg_ctl stop -m immediate`: no checkpoint, every backend killed, as in a crash.
    pub fn crash(&self) {
        self.stop("immediate");
    }

    pub fn stop(&self, mode: &str) {
        let out = as_postgres(&format!(
            "{}/pg_ctl -D {}/data -m {mode} -w stop",
            self.bin.display(),
            self.dir.path().display()
        ));
        assert!(out.status.success(), "pg_ctl stop: {}", text(&out));
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/helpcenter", self.port)
    }

    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-At",
                "-d",
                db,
                "-c",
                sql,
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .output()
            .expect("psql");
        assert!(out.status.success(), "psql {sql}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = as_postgres(&format!(
            "{}/pg_ctl -D {}/data -m immediate -w stop",
            self.bin.display(),
            self.dir.path().display()
        ));
    }
}
