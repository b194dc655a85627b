//! `gen check` against stand-ins started here: a site served over HTTPS (a certificate made
//! for the test, trusted through SSL_CERT_FILE) that also answers plain HTTP on the same port,
//! as CloudFront answers both, and a visitor counter on another origin. A correct site passes
//! every line; each fault, provoked on its own, fails its line and the exit code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::support::{Run, TestSite, run};

/// What the stand-ins do, and what they saw.
#[derive(Clone)]
struct Behaviour {
    page: Vec<u8>,
    /// The resume's page in German, at `/de/`.
    german: Vec<u8>,
    not_found: Vec<u8>,
    hsts: bool,
    redirect: bool,
    cors_any: bool,
    /// What one POST adds to the count.
    step: u64,
}

#[derive(Default)]
struct Seen {
    count: u64,
    posts: usize,
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

type Handler = Arc<dyn Fn(&Request, bool) -> Answer + Send + Sync>;

/// A server on a free loopback port, TLS or plain by the first byte of each connection.
fn serve(tls: Arc<rustls::ServerConfig>, handler: Handler) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (tls, handler) = (Arc::clone(&tls), Arc::clone(&handler));
            std::thread::spawn(move || connection(stream, tls, handler));
        }
    });
    port
}

fn connection(stream: TcpStream, tls: Arc<rustls::ServerConfig>, handler: Handler) {
    let mut first = [0u8; 1];
    if stream.peek(&mut first).is_err() {
        return;
    }
    if first[0] == 0x16 {
        // A TLS handshake record.
        let Ok(session) = rustls::ServerConnection::new(tls) else {
            return;
        };
        let mut tls = rustls::StreamOwned::new(session, stream);
        if let Some(request) = read_request(&mut tls) {
            let reply = handler(&request, true);
            write_answer(&mut tls, &reply);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    } else {
        let mut plain = stream;
        if let Some(request) = read_request(&mut plain) {
            let reply = handler(&request, false);
            write_answer(&mut plain, &reply);
        }
    }
}

fn read_request(stream: &mut impl Read) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let request = Request {
        method,
        target,
        headers,
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(request)
}

fn write_answer(stream: &mut impl Write, answer: &Answer) {
    let mut head = format!("HTTP/1.1 {} X\r\n", answer.status);
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        answer.body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&answer.body);
    let _ = stream.flush();
}

/// A certificate for 127.0.0.1, the TLS setup that serves it, and a PEM file that trusts it.
fn certificate(dir: &std::path::Path) -> (Arc<rustls::ServerConfig>, PathBuf) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let pem = dir.join("test-ca.pem");
    std::fs::write(&pem, made.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![made.cert.der().clone()], key)
    .unwrap();
    (Arc::new(config), pem)
}

/// The site and its counter, served as `behaviour` says.
struct StandIns {
    site: TestSite,
    site_port: u16,
    seen: Arc<Mutex<Seen>>,
    behaviour: Arc<Mutex<Behaviour>>,
    trust: PathBuf,
    counter: String,
}

impl StandIns {
    /// A built site whose counter is a stand-in on another origin, served correctly.
    fn start() -> StandIns {
        let site = TestSite::new();
        let (tls, trust) = certificate(site.root());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let behaviour = Arc::new(Mutex::new(Behaviour {
            page: Vec::new(),
            german: Vec::new(),
            not_found: Vec::new(),
            hsts: true,
            redirect: true,
            cors_any: false,
            step: 1,
        }));
        let site_origin = Arc::new(Mutex::new(String::new()));

        let (b, s, origin) = (
            Arc::clone(&behaviour),
            Arc::clone(&seen),
            Arc::clone(&site_origin),
        );
        let counter_port = serve(
            Arc::clone(&tls),
            Arc::new(move |request, _tls| {
                let behaviour = b.lock().unwrap().clone();
                let origin = origin.lock().unwrap().clone();
                if !request.target.starts_with("/visits") {
                    return answer(404, &[], b"{\"error\":\"no such route\"}");
                }
                let mut seen = s.lock().unwrap();
                match request.method.as_str() {
                    "OPTIONS" => {
                        let from = request.header("origin").unwrap_or("");
                        if behaviour.cors_any {
                            answer(204, &[("access-control-allow-origin", "*")], b"")
                        } else if from == origin {
                            answer(204, &[("access-control-allow-origin", from)], b"")
                        } else {
                            answer(204, &[], b"") // API Gateway: no CORS headers
                        }
                    }
                    method => {
                        if method == "POST" {
                            seen.count += behaviour.step;
                            seen.posts += 1;
                        }
                        let body = format!("{{\"path\":\"/\",\"count\":{}}}", seen.count);
                        answer(
                            200,
                            &[("content-type", "application/json")],
                            body.as_bytes(),
                        )
                    }
                }
            }),
        );

        let (b, port_cell) = (Arc::clone(&behaviour), Arc::new(Mutex::new(0u16)));
        let own_port = Arc::clone(&port_cell);
        let site_port = serve(
            tls,
            Arc::new(move |request, tls| {
                let behaviour = b.lock().unwrap().clone();
                let port = *own_port.lock().unwrap();
                if !tls {
                    if behaviour.redirect {
                        let to = format!("https://127.0.0.1:{port}/");
                        return answer(301, &[("location", &to)], b"");
                    }
                    return answer(200, &[], &behaviour.page);
                }
                let mut headers = vec![
                    ("content-security-policy", "default-src 'self'"),
                    ("x-content-type-options", "nosniff"),
                    ("referrer-policy", "strict-origin-when-cross-origin"),
                    ("content-type", "text/html; charset=utf-8"),
                ];
                if behaviour.hsts {
                    headers.push(("strict-transport-security", "max-age=63072000"));
                }
                if request.target == "/" {
                    answer(200, &headers, &behaviour.page)
                } else if request.target == "/de/" {
                    answer(200, &headers, &behaviour.german)
                } else {
                    answer(404, &headers, &behaviour.not_found)
                }
            }),
        );
        *port_cell.lock().unwrap() = site_port;
        *site_origin.lock().unwrap() = format!("https://127.0.0.1:{site_port}");

        let counter = format!("https://127.0.0.1:{counter_port}/visits");
        site.write("content/resume.de.yaml", b"basics:\n  label: Ingenieurin\n");
        let built = site.build(&["--counter-url", &counter]);
        assert!(built.success(), "{}", built.stderr);
        {
            let mut b = behaviour.lock().unwrap();
            b.page = std::fs::read(site.path("out/site/index.html")).unwrap();
            b.german = std::fs::read(site.path("out/site/de/index.html")).unwrap();
            b.not_found = std::fs::read(site.path("out/site/404.html")).unwrap();
        }
        StandIns {
            site,
            site_port,
            seen,
            behaviour,
            trust,
            counter,
        }
    }

    fn check(&self, args: &[&str]) -> Run {
        run(Command::new(env!("CARGO_BIN_EXE_gen"))
            .arg("check")
            .arg(format!("https://127.0.0.1:{}/", self.site_port))
            .arg("--root")
            .arg(self.site.root())
            .arg("--counter-url")
            .arg(&self.counter)
            .args(args)
            .env("SSL_CERT_FILE", &self.trust)
            .env_remove("SSL_CERT_DIR")
            .env("NO_COLOR", "1"))
    }

    fn change(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.behaviour.lock().unwrap());
    }
}

/// The line of `check`'s output that starts with `start`.
fn line<'a>(run: &'a Run, start: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| {
            panic!(
                "no line starting {start:?} in:\n{}{}",
                run.stdout, run.stderr
            )
        })
}

#[test]
fn a_correct_site_passes_every_check_and_counts_exactly_one_visit() {
    let stand_ins = StandIns::start();
    let checked = stand_ins.check(&[]);
    assert!(checked.success(), "{}{}", checked.stdout, checked.stderr);
    let id = resume_gen::build_id::read(
        &std::fs::read(stand_ins.site.path("out/site/index.html")).unwrap(),
    )
    .unwrap()
    .id;
    assert_contains!(
        line(&checked, "PASS page:"),
        format!("with this build's page (build {id})")
    );
    for start in [
        "PASS HSTS: max-age=63072000",
        "PASS CSP: default-src 'self'",
        "PASS X-Content-Type-Options: nosniff",
        "PASS Referrer-Policy: strict-origin-when-cross-origin",
        "PASS language: https://127.0.0.1:",
        "PASS redirect: http://127.0.0.1:",
        "PASS 404:",
        "PASS counter CORS: a preflight from https://127.0.0.1:",
        "PASS counter CORS: a preflight from another origin (https://gen-check.invalid) is refused",
        "PASS counter: https://127.0.0.1:",
    ] {
        line(&checked, start);
    }
    assert_contains!(line(&checked, "PASS 404:"), "with the site's 404 page");
    assert_contains!(line(&checked, "PASS counter:"), "POST 0 -> 1, then GET 1");
    assert!(!checked.stdout.contains("FAIL"), "{}", checked.stdout);
    assert_contains!(line(&checked, "PASS language:"), "/de/ answered 200");
    assert_contains!(checked.stdout, "all 11 checks passed");
    assert_eq!(stand_ins.seen.lock().unwrap().posts, 1);

    // --no-count reads and adds nothing.
    let read_only = stand_ins.check(&["--no-count"]);
    assert!(read_only.success(), "{}", read_only.stdout);
    assert_contains!(line(&read_only, "SKIP counter:"), "reads 1 at");
    assert_eq!(stand_ins.seen.lock().unwrap().posts, 1);

    // The comparison is with what the sources build, not with out/site: without out/site the
    // page still passes, and an edit not yet published fails it, naming the new build.
    std::fs::remove_dir_all(stand_ins.site.path("out/site")).unwrap();
    let without_out = stand_ins.check(&["--no-count"]);
    assert!(without_out.success(), "{}", without_out.stdout);
    assert!(
        !stand_ins.site.path("out/site").exists(),
        "gen check writes nothing"
    );
    let resume = std::fs::read_to_string(stand_ins.site.path("content/resume.yaml")).unwrap();
    let edited = resume.replacen("  name: ", "  name: Dr. ", 1);
    assert_ne!(edited, resume);
    stand_ins
        .site
        .write("content/resume.yaml", edited.as_bytes());
    let edited = stand_ins.check(&["--no-count"]);
    assert_eq!(edited.code, Some(1), "{}{}", edited.stdout, edited.stderr);
    assert_contains!(
        line(&edited, "FAIL page:"),
        format!("serves build {id}, but this site's sources build ")
    );
    assert_contains!(line(&edited, "FAIL page:"), "publish this build");
}

#[test]
fn each_fault_fails_its_own_line_and_the_exit_code() {
    let stand_ins = StandIns::start();
    let good = stand_ins.behaviour.lock().unwrap().clone();
    let other_build = {
        let other = TestSite::new();
        other.write("content/resume.yaml", b"basics:\n  name: Someone Else\n");
        assert!(
            other
                .build(&["--counter-url", &stand_ins.counter])
                .success()
        );
        std::fs::read(other.path("out/site/index.html")).unwrap()
    };
    let tampered = String::from_utf8(good.page.clone())
        .unwrap()
        .replacen(
            "</body>",
            "<script src=\"https://ads.example/x.js\"></script></body>",
            1,
        )
        .into_bytes();
    type Fault = (&'static str, Box<dyn Fn(&mut Behaviour)>, &'static str);
    let faults: Vec<Fault> = vec![
        (
            "no HSTS",
            Box::new(|b| b.hsts = false),
            "FAIL HSTS: no strict-transport-security header",
        ),
        (
            "no redirect",
            Box::new(|b| b.redirect = false),
            "FAIL redirect:",
        ),
        (
            "CORS open to all",
            Box::new(|b| b.cors_any = true),
            "FAIL counter CORS: a preflight from another origin",
        ),
        ("counts two", Box::new(|b| b.step = 2), "FAIL counter:"),
        (
            "another build",
            Box::new(move |b| b.page = other_build.clone()),
            "FAIL page:",
        ),
        (
            "changed on the way",
            Box::new(move |b| b.page = tampered.clone()),
            "FAIL page:",
        ),
        (
            "a German page of an earlier build",
            Box::new(|b| b.german = b"<!doctype html><p>Alt</p>".to_vec()),
            "FAIL language:",
        ),
        (
            "a 404 page that is not the site's",
            Box::new(|b| b.not_found = b"Not Found".to_vec()),
            "FAIL 404:",
        ),
    ];
    for (what, fault, expected) in faults {
        stand_ins.change(|b| *b = good.clone());
        stand_ins.change(|b| fault(b));
        let checked = stand_ins.check(&[]);
        assert_eq!(
            checked.code,
            Some(1),
            "{what}: {}{}",
            checked.stdout,
            checked.stderr
        );
        line(&checked, expected);
        let failures = checked
            .stdout
            .lines()
            .filter(|l| l.starts_with("FAIL"))
            .count();
        assert_eq!(
            failures, 1,
            "{what}: only its own line fails:\n{}",
            checked.stdout
        );
        assert_contains!(checked.stderr, "1 of 11 checks failed");
    }
    stand_ins.change(|b| *b = good.clone());
    let checked = stand_ins.check(&[]);
    assert!(checked.success(), "{}", checked.stdout);
}

#[test]
fn an_address_that_is_not_https_is_refused_before_any_request() {
    let site = TestSite::new();
    let checked = run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["check", "http://127.0.0.1:9/", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1"));
    assert_eq!(checked.code, Some(1));
    assert_contains!(checked.stderr, "use https://");
    assert!(checked.stdout.is_empty(), "{}", checked.stdout);
    // No address and no deployed stack: what to do instead.
    let checked = run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["check", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1"));
    assert_eq!(checked.code, Some(1));
    assert_contains!(checked.stderr, "gen check needs the site's address");
}
