//! A Lambda Runtime API on loopback (`/2018-06-01/runtime/...`), enough to run a real
//! bootstrap binary as Lambda does: it long-polls `invocation/next` for events and posts each
//! result to `invocation/{id}/response` (or `/error`).

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PREFIX: &str = "/2018-06-01/runtime";

/// What the function answered for one invocation.
#[derive(Debug)]
pub enum Outcome {
    Response(serde_json::Value),
    Error(String),
}

#[derive(Default)]
struct State {
    queue: VecDeque<(String, Vec<u8>)>,
    outcomes: HashMap<String, Outcome>,
    init_error: Option<String>,
    polls: usize,
}

pub struct RuntimeApi {
    address: String,
    state: Arc<(Mutex<State>, Condvar)>,
    next_id: usize,
}

impl RuntimeApi {
    pub fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding loopback");
        let address = listener.local_addr().unwrap().to_string();
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self {
            address,
            state,
            next_id: 0,
        }
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API` for the function's process.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Sends one event and waits for the function's answer.
    pub fn invoke(&mut self, event: &serde_json::Value) -> Outcome {
        self.next_id += 1;
        let id = format!("request-{}", self.next_id);
        let (lock, ready) = &*self.state;
        let mut state = lock.lock().unwrap();
        state
            .queue
            .push_back((id.clone(), serde_json::to_vec(event).unwrap()));
        ready.notify_all();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(outcome) = state.outcomes.remove(&id) {
                return outcome;
            }
            if let Some(e) = &state.init_error {
                panic!("the function failed to start: {e}");
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| panic!("no answer to {id} within 20 s"));
            state = ready.wait_timeout(state, left).unwrap().0;
        }
    }

    /// Waits for the function to report an init error, or to poll for its first event.
    pub fn wait_for_init(&self) -> Result<(), String> {
        let (lock, ready) = &*self.state;
        let mut state = lock.lock().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = &state.init_error {
                return Err(e.clone());
            }
            if state.polls > 0 {
                return Ok(());
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or("the function neither polled nor reported an error within 20 s")?;
            state = ready.wait_timeout(state, left).unwrap().0;
        }
    }
}

/// Answers the requests of one connection, which the runtime keeps alive.
fn serve(stream: TcpStream, shared: &(Mutex<State>, Condvar)) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some((method, target, body)) = read_request(&mut reader) {
        let (lock, ready) = shared;
        let reply = if method == "GET" && target == format!("{PREFIX}/invocation/next") {
            let mut state = lock.lock().unwrap();
            state.polls += 1;
            ready.notify_all();
            let (id, event) = loop {
                if let Some(next) = state.queue.pop_front() {
                    break next;
                }
                state = ready.wait(state).unwrap();
            };
            drop(state);
            let deadline =
                SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(30);
            let headers = format!(
                "Lambda-Runtime-Aws-Request-Id: {id}\r\n\
                 Lambda-Runtime-Deadline-Ms: {}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:counter\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1\r\n",
                deadline.as_millis()
            );
            (200, headers, event)
        } else if let Some(rest) = target.strip_prefix(&format!("{PREFIX}/invocation/")) {
            let (id, kind) = rest.split_once('/').unwrap_or((rest, ""));
            let outcome = match kind {
                "response" => {
                    Outcome::Response(serde_json::from_slice(&body).expect("the response is JSON"))
                }
                _ => Outcome::Error(String::from_utf8_lossy(&body).into_owned()),
            };
            let mut state = lock.lock().unwrap();
            state.outcomes.insert(id.to_owned(), outcome);
            ready.notify_all();
            (202, String::new(), br#"{"status":"OK"}"#.to_vec())
        } else if target == format!("{PREFIX}/init/error") {
            let mut state = lock.lock().unwrap();
            state.init_error = Some(String::from_utf8_lossy(&body).into_owned());
            ready.notify_all();
            (202, String::new(), br#"{"status":"OK"}"#.to_vec())
        } else {
            (404, String::new(), b"{}".to_vec())
        };
        let (status, headers, body) = reply;
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n",
            body.len()
        );
        if writer
            .write_all(head.as_bytes())
            .and_then(|()| writer.write_all(&body))
            .is_err()
        {
            return;
        }
    }
}

/// Reads one HTTP/1.1 request: method, target and body (by length or chunked).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|n| *n > 0)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some((method, target, body))
}
