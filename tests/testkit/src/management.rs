//! A stand-in for API Gateway's WebSocket management API on loopback: it records every
//! `POST /{stage}/@connections/{id}` (the message a connection would receive) signed with
//! SigV4 for `execute-api`, and answers `410 GoneException` for connections said to be closed
//! and `500` for broken ones, as API Gateway does; anything else is a 403 or 404. HTTP/1.1
//! with keep-alive, one thread per connection.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the stand-in saw: `(connection id, message)` in arrival order.
type Posts = Arc<Mutex<Vec<(String, String)>>>;

pub struct ManagementApi {
    port: u16,
    stage: String,
    posts: Posts,
}

impl ManagementApi {
    /// The API of `stage`: answers 410 for the ids in `gone`, 500 for those in `broken`, 200
    /// for the rest.
    pub fn start(stage: &str, gone: &[&str], broken: &[&str]) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding loopback");
        let port = listener.local_addr().unwrap().port();
        let posts: Posts = Arc::default();
        let answers = Arc::new(Answers {
            gone: gone.iter().map(|s| s.to_string()).collect(),
            broken: broken.iter().map(|s| s.to_string()).collect(),
            prefix: format!("/{stage}/@connections/"),
        });
        let seen = Arc::clone(&posts);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                let answers = Arc::clone(&answers);
                std::thread::spawn(move || {
                    let _ = serve(client, &seen, &answers);
                });
            }
        });
        Self {
            port,
            stage: stage.to_owned(),
            posts,
        }
    }

    /// The management endpoint, as the counter's broadcast is given it.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{}", self.port, self.stage)
    }

    /// Every message received so far, `(connection id, body)`, sorted.
    pub fn posts(&self) -> Vec<(String, String)> {
        let mut posts = self.posts.lock().unwrap().clone();
        posts.sort();
        posts
    }

    /// Forgets what was received.
    pub fn clear(&self) {
        self.posts.lock().unwrap().clear();
    }
}

struct Answers {
    gone: BTreeSet<String>,
    broken: BTreeSet<String>,
    /// `/{stage}/@connections/`
    prefix: String,
}

fn serve(client: TcpStream, posts: &Posts, answers: &Answers) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        let mut signed = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            if name.eq_ignore_ascii_case("authorization") {
                let value = value.trim();
                signed = value.starts_with("AWS4-HMAC-SHA256 ")
                    && value.contains("/execute-api/aws4_request");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let id = target
            .strip_prefix(answers.prefix.as_str())
            .map(percent_decode)
            .filter(|_| method == "POST");
        let (status, error) = match &id {
            None => ("404 Not Found", Some("NotFoundException")),
            Some(_) if !signed => ("403 Forbidden", Some("ForbiddenException")),
            Some(id) if answers.gone.contains(id) => ("410 Gone", Some("GoneException")),
            Some(id) if answers.broken.contains(id) => (
                "500 Internal Server Error",
                Some("InternalServerErrorException"),
            ),
            Some(_) => ("200 OK", None),
        };
        if let Some(id) = id.filter(|_| signed) {
            posts
                .lock()
                .unwrap()
                .push((id, String::from_utf8_lossy(&body).into_owned()));
        }
        let reply = match error {
            None => format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n"),
            Some(kind) => {
                let body = format!("{{\"message\":\"{kind}\"}}");
                format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-amzn-errortype: {kind}\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
            }
        };
        client.write_all(reply.as_bytes())?;
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => match u8::from_str_radix(&String::from_utf8_lossy(hex), 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                }
                Err(_) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
