//! An HTTP proxy on loopback in front of a local service that starts failing uploads after a
//! number of them: a publish interrupted half-way, on demand. One request per connection.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct FailingProxy {
    port: u16,
    puts: Arc<AtomicUsize>,
}

impl FailingProxy {
    /// Forwards everything to `127.0.0.1:upstream`, except that every `PUT` after the first
    /// `allowed_puts` is answered `500` without reaching it.
    pub fn start(upstream: u16, allowed_puts: usize) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding loopback");
        let port = listener.local_addr().unwrap().port();
        let puts = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&puts);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    let _ = forward(client, upstream, allowed_puts, &counter);
                });
            }
        });
        Self { port, puts }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// PUT requests seen so far, refused ones included.
    pub fn puts(&self) -> usize {
        self.puts.load(Ordering::SeqCst)
    }
}

fn forward(
    client: TcpStream,
    upstream: u16,
    allowed_puts: usize,
    puts: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let (head, body, method) = read_message(&mut reader, true)?;
    let mut client = client;
    if method == "PUT" && puts.fetch_add(1, Ordering::SeqCst) >= allowed_puts {
        let body = "<Error><Code>InternalError</Code><Message>injected failure</Message></Error>";
        write!(
            client,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        return Ok(());
    }
    let mut server = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream))?;
    server.write_all(&head)?;
    server.write_all(&body)?;
    let mut response = BufReader::new(server);
    let (head, body, _) = read_message(&mut response, method != "HEAD")?;
    client.write_all(&head)?;
    client.write_all(&body)?;
    Ok(())
}

/// Reads a request or response: its head (with `Connection: close` set) and its body.
fn read_message(
    reader: &mut impl BufRead,
    has_body: bool,
) -> std::io::Result<(Vec<u8>, Vec<u8>, String)> {
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let method = first
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut head = first.into_bytes();
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if line == "\r\n" || line == "\n" {
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
        if lower.starts_with("connection:") {
            continue;
        }
        head.extend_from_slice(line.as_bytes());
    }
    let mut body = Vec::new();
    if !has_body {
        return Ok((head, body, method));
    }
    if chunked {
        // Pass the chunked body through as it is.
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            body.extend_from_slice(size_line.as_bytes());
            let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            if size == 0 {
                break;
            }
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    }
    Ok((head, body, method))
}
