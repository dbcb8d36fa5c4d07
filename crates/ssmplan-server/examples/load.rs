//! A bounded load test of the map service, on loopback only; it stops by itself.
//!
//! ```sh
//! cargo build --release -p ssmplan-cli
//! cargo run --release -p ssmplan-server --example load            # starts target/release/ssmplan serve
//! cargo run --release -p ssmplan-server --example load -- --bin path/to/ssmplan
//! ```
//!
//! It starts `ssmplan serve --addr 127.0.0.1:0` from the repository root, then measures:
//! `/api/communes` (gzip, as a browser asks) under 50 concurrent clients; a p=5 MCLP
//! recommendation on the default popgrid demand, uncached (distinct radii, one client) and
//! cached; a burst of 200 concurrent requests (layers and distinct recommendations) that must
//! all be answered without error; and the server's resident memory (`VmRSS`, `VmHWM`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type HttpClient = Client<HttpConnector, Empty<Bytes>>;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(bin: &PathBuf, root: &PathBuf) -> (Server, String) {
    use std::io::BufRead as _;
    let mut child = Command::new(bin)
        .current_dir(root)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server prints its URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("URL on the first line")
        .trim_end_matches('/')
        .to_owned();
    (Server(child), url)
}

fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One GET: status and latency; the body is read to the end.
async fn fetch(client: &HttpClient, url: &str) -> (u16, Duration, usize) {
    let start = Instant::now();
    let request = hyper::Request::get(url)
        .header("accept-encoding", "gzip")
        .body(Empty::new())
        .expect("request");
    match client.request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let n = response
                .into_body()
                .collect()
                .await
                .map_or(0, |b| b.to_bytes().len());
            (status, start.elapsed(), n)
        }
        Err(_) => (0, start.elapsed(), 0),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// `clients` tasks each fetching its share of `urls`; latencies sorted, errors counted.
async fn run(
    client: &HttpClient,
    urls: Vec<String>,
    clients: usize,
) -> (Vec<Duration>, usize, f64) {
    let urls = Arc::new(urls);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let client = client.clone();
        let urls = Arc::clone(&urls);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let mut errors = 0;
            for u in urls.iter().skip(c).step_by(clients) {
                let (status, d, _) = fetch(&client, u).await;
                if status != 200 {
                    errors += 1;
                }
                out.push(d);
            }
            (out, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (d, e) = t.await.expect("task");
        all.extend(d);
        errors += e;
    }
    let seconds = start.elapsed().as_secs_f64();
    all.sort();
    (all, errors, seconds)
}

fn report(name: &str, latencies: &[Duration], errors: usize, seconds: f64) {
    println!(
        "{name:<52} {:>6} req  {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {errors}",
        latencies.len(),
        latencies.len() as f64 / seconds,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
    );
}

#[tokio::main]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let args: Vec<String> = std::env::args().collect();
    let bin = args
        .iter()
        .position(|a| a == "--bin")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| root.join("target/release/ssmplan"), PathBuf::from);
    let started = Instant::now();
    let (server, base) = start(&bin, &root);
    let pid = server.0.id();
    println!(
        "server {} pid {pid}, listening after {:.2} s (dataset loaded and layers computed)",
        base,
        started.elapsed().as_secs_f64()
    );
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build_http();
    let (rss0, _) = memory_kib(pid);
    let (status, d, bytes) = fetch(&client, &format!("{base}/api/communes")).await;
    println!(
        "first /api/communes: {status} in {:.2} ms, {bytes} bytes gzip",
        d.as_secs_f64() * 1000.0
    );

    // 1. The communes layer under 50 concurrent clients.
    let urls = vec![format!("{base}/api/communes"); 5_000];
    let (lat, errors, s) = run(&client, urls, 50).await;
    report("/api/communes, 50 clients", &lat, errors, s);

    // 2. p=5 MCLP on the default popgrid demand, uncached: distinct radii, one at a time.
    let urls: Vec<String> = (0..20)
        .map(|i| {
            format!(
                "{base}/api/recommendations?model=mclp&p=5&radius_km={}",
                10.0 + f64::from(i) * 0.001
            )
        })
        .collect();
    let (lat, errors, s) = run(&client, urls, 1).await;
    report(
        "recommendations p=5 MCLP popgrid, uncached, 1 client",
        &lat,
        errors,
        s,
    );
    // Cached: the same request again (outputs are deterministic, so answers are kept).
    let urls = vec![format!("{base}/api/recommendations?model=mclp&p=5&radius_km=10"); 2_000];
    let (lat, errors, s) = run(&client, urls, 50).await;
    report(
        "recommendations p=5 MCLP popgrid, cached, 50 clients",
        &lat,
        errors,
        s,
    );

    // 3. A burst of 200 concurrent requests: layers and distinct computations.
    let urls: Vec<String> = (0..200)
        .map(|i| match i % 4 {
            0 => format!("{base}/api/communes"),
            1 => format!("{base}/api/summary"),
            2 => format!(
                "{base}/api/recommendations?p=5&radius_km={}",
                12.0 + f64::from(i) * 0.001
            ),
            _ => format!(
                "{base}/api/coverage?level=province&detour={}",
                1.0 + f64::from(i) * 0.001
            ),
        })
        .collect();
    let (lat, errors, s) = run(&client, urls, 200).await;
    report(
        "burst: 200 concurrent (layers + 100 computations)",
        &lat,
        errors,
        s,
    );
    let (status, _, _) = fetch(&client, &format!("{base}/api/health")).await;
    let (rss, hwm) = memory_kib(pid);
    println!(
        "server alive after the burst: {}; resident memory {:.1} MB at start, {:.1} MB now, peak {:.1} MB",
        status == 200,
        rss0 as f64 / 1024.0,
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    if errors > 0 || status != 200 {
        eprintln!("FAILED: {errors} errors in the burst, health {status}");
        std::process::exit(1);
    }
}
