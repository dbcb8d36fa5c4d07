//! `ssmplan serve` as a process: it prints its address, answers on loopback, warns when bound
//! to every interface, and stops cleanly on SIGTERM.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Starts the service on `addr`; returns it and the URL it printed.
fn start(addr: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssmplan"))
        .current_dir(repo())
        .args(["serve", "--addr", addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    (child, url)
}

/// A plain HTTP/1.1 GET; returns the whole answer.
fn get(host_port: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(host_port).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

fn stop(child: &mut Child) -> (std::process::ExitStatus, String) {
    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    (status, stderr)
}

#[test]
fn serves_on_loopback_and_stops_on_sigterm() {
    let (mut child, url) = start("127.0.0.1:0");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let host_port = url.trim_start_matches("http://").trim_end_matches('/');
    let health = get(host_port, "/api/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let page = get(host_port, "/");
    assert!(page.contains("lang=\"fr\""), "the page is served");
    let (status, stderr) = stop(&mut child);
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
    assert!(!stderr.contains("open to the network"), "{stderr}");
}

#[test]
fn binding_every_interface_prints_a_warning() {
    let (mut child, url) = start("0.0.0.0:0");
    let port = url.rsplit(':').next().expect("port").trim_end_matches('/');
    let health = get(&format!("127.0.0.1:{port}"), "/api/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let (status, stderr) = stop(&mut child);
    assert!(status.success());
    assert!(stderr.contains("open to the network"), "{stderr}");
}

#[test]
fn an_address_in_use_is_a_clear_error() {
    let (mut child, url) = start("127.0.0.1:0");
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_ssmplan"))
        .current_dir(repo())
        .args(["serve", "--addr", &addr])
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen on") && err.contains(&addr),
        "{err}"
    );
    let _ = stop(&mut child);
}

#[test]
fn a_sigterm_sent_as_soon_as_the_address_is_printed_stops_cleanly() {
    // The handlers must be in place before the address is printed: a client (or a script)
    // that stops the service right away must not meet the default disposition, which kills it.
    for _ in 0..5 {
        let (mut child, _) = start("127.0.0.1:0");
        let (status, stderr) = stop(&mut child);
        assert!(status.success(), "{status}: {stderr}");
        assert!(stderr.contains("shutting down"), "{stderr}");
    }
}
