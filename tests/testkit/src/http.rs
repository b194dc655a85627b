//! A small HTTP/1.1 client for tests, over plain TCP on loopback: one request per connection
//! (`Connection: close`), read whole; and a Server-Sent Events reader.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Sends one request to `127.0.0.1:port` (with `Host: 127.0.0.1:port` unless `headers` name
/// one) and reads the whole response.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the reply");
    Reply::parse(&raw)
}

/// A whole HTTP response: status, headers (names lowercase) and body as text.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a full HTTP reply");
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    /// A header's value, or "" when the response has none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// How long a test waits for the preview's next state event: a build that typesets resume.pdf
/// in a debug build, while other tests use both cores, can take several seconds.
const EVENT_WAIT: Duration = Duration::from_secs(30);

/// A Server-Sent Events stream, read as a browser's EventSource would.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream at `path` on `127.0.0.1:port`; the response must be a 200
    /// `text/event-stream`.
    pub fn open(port: u16, path: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut content_type = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-type:") {
                content_type = v.trim().to_owned();
            }
        }
        assert_eq!(content_type, "text/event-stream");
        Events { reader }
    }

    /// The next `state` event's data. Chunked transfer framing lines are skipped.
    pub fn next(&mut self, timeout: Duration) -> Option<Value> {
        self.reader
            .get_ref()
            .set_read_timeout(Some(timeout))
            .unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                return Some(serde_json::from_str(data).expect("event data is JSON"));
            }
        }
    }

    pub fn expect(&mut self) -> Value {
        let wait = EVENT_WAIT.as_secs();
        self.next(EVENT_WAIT)
            .unwrap_or_else(|| panic!("no state event within {wait} s"))
    }

    /// The first state event (within [`EVENT_WAIT`]) for which `done` holds; earlier ones are
    /// skipped.
    pub fn until(&mut self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let left = EVENT_WAIT.saturating_sub(started.elapsed());
            let state = self
                .next(left.max(Duration::from_millis(1)))
                .unwrap_or_else(|| {
                    panic!(
                        "no state event with {what} within {} s",
                        EVENT_WAIT.as_secs()
                    )
                });
            if done(&state) {
                return state;
            }
        }
    }
}
