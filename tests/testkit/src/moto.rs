//! `moto_server`, the local AWS API (PyPI `moto[server]`, installed into `.venv` by
//! `scripts/test`), run on a free loopback port for one test, one request at a time
//! (`moto_serial.py` says why).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{free_port, workspace_root};

/// A running `moto_server`; killed on drop.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    /// Starts a fresh server and waits until it answers. Panics with what to do when moto is
    /// not installed: the tests that need it cannot mean anything without it.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a fresh server that appends every request it answers to `log`, one JSON object
    /// per line (`moto_serial.py` lists the fields).
    pub fn start_recording(log: &std::path::Path) -> Self {
        Self::start_with(Some(log))
    }

    fn start_with(record: Option<&std::path::Path>) -> Self {
        let program = Self::program();
        let mut last_error = String::new();
        // Another process may take the free port between the check and moto's bind: retry.
        for _ in 0..3 {
            let port = free_port();
            let launcher = workspace_root().join("tests/testkit/moto_serial.py");
            let mut child = Command::new(&program)
                .arg(launcher)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                // ACM certificates are issued at once instead of after 60 s.
                .env("MOTO_ACM_VALIDATION_WAIT", "0")
                .envs(record.map(|log| ("MOTO_RECORD", log)))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
            match wait_until_ready(&mut child, port) {
                Ok(()) => return Self { child, port },
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_error = e;
                }
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    /// `.venv/bin/python tests/testkit/moto_serial.py`: moto_server with one request at a time.
    fn program() -> PathBuf {
        let python = workspace_root().join(".venv/bin/python");
        if python.exists() {
            return python;
        }
        panic!(
            "{} not found: run scripts/test once (it installs scripts/requirements.txt into .venv)",
            python.display()
        );
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The endpoint to give the AWS SDK (`AWS_ENDPOINT_URL`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Environment variables that point an AWS SDK or CLI at this server and nothing else.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_SESSION_TOKEN", "testing".to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until_ready(child: &mut Child, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("it exited with {status}"));
        }
        if answers(port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("no answer within 30 s".to_owned())
}

/// Whether moto answers an HTTP request on `port`.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 ")
}
