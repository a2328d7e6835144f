//! nginx (Debian's `nginx` package) running the shipped `deploy/nginx.conf` in front of three
//! replicas: requests spread over them, the reader's address passed through, a killed
//! replica skipped.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::built_site;
use crate::cluster::{Pg, free_port, skip};
use crate::common::{self, Server, text};

fn nginx() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("no nginx: install Debian's `nginx` package (scripts/test does), or set SKIP_POSTGRES_TESTS=1")
}

/// nginx running `deploy/nginx.conf` (its ports rewritten to this test's).
struct Nginx {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    port: u16,
}

impl Nginx {
    fn start(upstreams: &[String]) -> Nginx {
        let shipped =
            std::fs::read_to_string(common::repo_root().join("deploy/nginx.conf")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("logs")).unwrap();
        let port = free_port();
        let mut conf = shipped
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
            .replace("worker_processes auto;", "worker_processes 1;");
        for (i, addr) in upstreams.iter().enumerate() {
            let example = format!("server 127.0.0.1:{} ", 8081 + i);
            assert!(
                conf.contains(&example),
                "deploy/nginx.conf has no `{example}`"
            );
            conf = conf.replace(&example, &format!("server {addr} "));
        }
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let test = Command::new(nginx())
            .arg("-t")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .output()
            .unwrap();
        assert!(test.status.success(), "nginx -t: {}", text(&test));
        let child = Command::new(nginx())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off;"])
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            _dir: dir,
            port,
        }
    }

    fn at(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers (SIGKILL would leave them running).
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client_from(address: &str) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// nginx spreads requests over three replicas and passes the reader's address: each replica
/// limits each reader (so a reader gets N× the limit), a forged X-Forwarded-For changes
/// nothing, and a killed replica's share goes to the others.
#[test]
fn nginx_spreads_requests_and_passes_the_client_address() {
    if skip() {
        return;
    }
    let pg = Pg::start();
    let site = built_site();
    // The replicas must know nginx's authority (Host/Origin check): start nginx first on
    // ports that the replicas then take.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let nginx = Nginx::start(
        &ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect::<Vec<_>>(),
    );
    let allowed = format!("127.0.0.1:{}", nginx.port);
    // Started together on an empty database: they take turns migrating it.
    let url = pg.url();
    let replicas: Vec<Server> = std::thread::scope(|scope| {
        let starting: Vec<_> = ports
            .iter()
            .map(|p| {
                let (port, site, url, allowed) = (p.to_string(), &site, &url, &allowed);
                scope.spawn(move || {
                    site.serve(&[
                        "--no-build",
                        "--no-watch",
                        "--feedback-db",
                        url,
                        "--rate-limit",
                        "3",
                        "--trusted-proxy",
                        "127.0.0.1",
                        "--allowed-host",
                        allowed,
                        "--port",
                        &port,
                    ])
                })
            })
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    assert_eq!(
        pg.psql("helpcenter", "SELECT count(*) FROM schema_migrations"),
        helpcenter::feedback::schema_version().to_string()
    );
    for (r, p) in replicas.iter().zip(&ports) {
        assert!(r.url.ends_with(&format!(":{p}/")), "{}", r.url);
    }

    let reader = client_from("127.0.0.2");
    let send = |client: &reqwest::blocking::Client, forged: Option<&str>| {
        let mut request = client
            .post(nginx.at("api/feedback"))
            .header("Origin", format!("http://{allowed}"))
            .json(&json!({"page": "/billing/", "helpful": true}));
        if let Some(f) = forged {
            request = request.header("X-Forwarded-For", f);
        }
        request.send().unwrap().status().as_u16()
    };
    let statuses: Vec<u16> = (0..12)
        .map(|i| send(&reader, (i % 2 == 0).then_some("203.0.113.9")))
        .collect();
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(accepted, 9, "3 replicas × 3 a minute: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 429),
        "{statuses:?}"
    );
    // Another reader has its own allowance.
    assert_eq!(send(&client_from("127.0.0.3"), None), 201);
    assert_eq!(site.feedback_export(&pg.url()).len(), 10);

    // Pages through the proxy; a killed replica is skipped.
    let mut replicas = replicas;
    replicas.remove(1).kill();
    let client = client_from("127.0.0.4");
    for _ in 0..9 {
        let r = client.get(nginx.at("billing/")).send().unwrap();
        assert_eq!(r.status(), 200);
    }
}
