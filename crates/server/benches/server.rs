//! `make bench-server`: starts the server on a temporary database and measures, at 64 concurrent
//! clients over keep-alive HTTP/1.1 connections, create-app and list-apps latency (p50/p99) and
//! throughput next to `GET /healthz` measured in the same run.
//!
//! `DATABASE_URL=postgres://…` measures PostgreSQL instead of a temporary SQLite file.

use appreg_server::{app, db, demo, AppState, Config};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CLIENTS: usize = 64;

struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).await.expect("connect");
        s.set_nodelay(true).unwrap();
        Conn {
            stream: BufReader::new(s),
        }
    }

    /// Sends one request; returns (status, headers, body).
    async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> (u16, Vec<(String, String)>, String) {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.stream
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .expect("write");
        let mut line = String::new();
        self.stream.read_line(&mut line).await.expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let mut hdrs = Vec::new();
        let mut len = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                if k == "content-length" {
                    len = v.parse().unwrap_or(0);
                }
                hdrs.push((k, v));
            }
        }
        let mut buf = vec![0u8; len];
        self.stream.read_exact(&mut buf).await.expect("body");
        (status, hdrs, String::from_utf8_lossy(&buf).into_owned())
    }
}

struct Figures {
    label: &'static str,
    lat: Vec<Duration>,
    wall: Duration,
}

impl Figures {
    fn print(&mut self) {
        self.lat.sort();
        let q = |p: f64| self.lat[((self.lat.len() - 1) as f64 * p).round() as usize];
        println!(
            "{:<34} n={:<6} p50={:>9.2?} p99={:>9.2?} throughput={:>8.0} req/s",
            self.label,
            self.lat.len(),
            q(0.50),
            q(0.99),
            self.lat.len() as f64 / self.wall.as_secs_f64()
        );
    }
}

async fn run<F, Fut>(label: &'static str, addr: SocketAddr, per_client: usize, make: F) -> Figures
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = (String, String, Vec<(&'static str, String)>, String, u16)>
        + Send,
{
    let start = Instant::now();
    let counter = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let make = make.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await;
            let mut lat = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let (method, path, headers, body, want) = make(n).await;
                let t = Instant::now();
                let (status, _, text) = conn.request(&method, &path, &headers, &body).await;
                lat.push(t.elapsed());
                assert_eq!(status, want, "{method} {path}: {text}");
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    Figures {
        label,
        lat,
        wall: start.elapsed(),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("appreg-bench-{}", db::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}", dir.join("bench.db").display()));
        let kind = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite (temporary file)" };
        let pool = db::connect(&url, 16).await.expect("database");
        let state = AppState::new(pool, Config::new(dir.join("static")));
        demo::seed(&state).await.expect("seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let mut c = Conn::open(addr).await;
        let (status, hdrs, body) = c
            .request("POST", "/api/v1/session", &[("Content-Type", "application/json".into())],
                     r#"{"email":"dev@demo.test","password":"demo-password"}"#)
            .await;
        assert_eq!(status, 200, "{body}");
        let cookie = hdrs.iter().find(|(k, _)| k == "set-cookie").unwrap().1.split(';').next().unwrap().to_string();
        let run_id = db::random_hex(4);
        println!("appreg server benchmark — database: {kind}, {CLIENTS} concurrent clients, keep-alive HTTP/1.1");

        let mut health = run("GET /healthz", addr, 200, |_| async {
            ("GET".to_string(), "/healthz".to_string(), vec![], String::new(), 200)
        })
        .await;
        let ck = cookie.clone();
        let rid = run_id.clone();
        let mut create = run("POST create application", addr, 16, move |n| {
            let ck = ck.clone();
            let rid = rid.clone();
            async move {
                let body = format!(
                    r#"{{"template":"web","app_type":"custom","name":"Bench {rid} {n}","redirect_urls":["https://app{n}.example.com/cb","http://127.0.0.1/cb"],"technical_contact":"dev@demo.test"}}"#
                );
                let headers = vec![
                    ("Content-Type", "application/json".to_string()),
                    ("Cookie", ck),
                    ("X-Requested-With", "appreg".to_string()),
                    ("Idempotency-Key", format!("bench-{rid}-{n}")),
                ];
                ("POST".to_string(), "/api/v1/partners/demo/applications".to_string(), headers, body, 201)
            }
        })
        .await;
        let ck = cookie.clone();
        let mut list = run("GET list applications (limit 50)", addr, 32, move |_| {
            let ck = ck.clone();
            async move {
                ("GET".to_string(), "/api/v1/partners/demo/applications?limit=50".to_string(), vec![("Cookie", ck)], String::new(), 200)
            }
        })
        .await;
        let mut health_after = run("GET /healthz (again)", addr, 200, |_| async {
            ("GET".to_string(), "/healthz".to_string(), vec![], String::new(), 200)
        })
        .await;
        health.print();
        create.print();
        list.print();
        health_after.print();
        let _ = std::fs::remove_dir_all(&dir);
    });
}
