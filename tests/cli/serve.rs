//! `gen serve`: the site from memory, rebuilds on save with events for the page, the last good
//! site kept through errors, the local counter, and what the server refuses. Each test runs
//! the real binary on a free loopback port and talks HTTP to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use testkit::http::{self, Events, Reply};

use crate::support::{Run, TestSite};

/// A running `gen serve`, stopped on drop.
pub(crate) struct Serve {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Serve {
    pub(crate) fn start(site: &TestSite, args: &[&str]) -> Serve {
        Serve::start_with(site, args, &[])
    }

    fn start_with(site: &TestSite, args: &[&str], env: &[(&str, String)]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
            .args(["serve", "--root"])
            .arg(site.root())
            .args(args)
            .env("NO_COLOR", "1")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gen serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let started = Instant::now();
        let mut serve = Serve {
            child,
            port: 0,
            log,
        };
        loop {
            let log = serve.log();
            if let Some(at) = log.find("serving http://") {
                let rest = &log[at + "serving http://".len()..];
                let port = rest.split(['/', ' ']).next().unwrap().rsplit(':').next();
                serve.port = port.unwrap().parse().expect("port in the serving line");
                return serve;
            }
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("gen serve exited with {status}:\n{log}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no address in 20 s:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        http::request(self.port, method, path, headers, body)
    }

    /// Waits until the terminal output contains `text` (it is read on another thread).
    fn wait_for_log(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "gen serve never printed {text:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `/` contains `text` (each rebuild is milliseconds; 10 s is for slow machines).
    fn wait_for_page(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let page = self.get("/").body;
            if page.contains(text) {
                return page;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the page never showed {text:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn events(&self) -> Events {
        Events::open(self.port, "/_gen/events")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            return;
        }
        assert!(
            !self.log().contains("panicked"),
            "gen serve panicked:\n{}",
            self.log()
        );
    }
}

/// `gen serve --root ROOT ARGS` that has to stop by itself; killed (and the test failed)
/// if it is still serving after 20 s.
fn refused(root: &str, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["serve", "--root", root])
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gen serve");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for gen serve") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("gen serve {args:?} kept running instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    Run {
        code: status.code(),
        stdout: String::new(),
        stderr,
    }
}

fn resume_named(name: &str) -> String {
    format!("basics:\n  name: {name}\n  label: Analyst\n")
}

#[test]
fn serves_the_site_from_memory_with_the_live_script_and_local_counter() {
    let site = TestSite::new();
    let serve = Serve::start(&site, &["--port", "0"]);

    let page = serve.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(page.header("cache-control"), "no-store");
    assert_contains!(page.body, "<h1>Ada Lovelace</h1>");
    assert!(
        page.body
            .contains("<script src=\"/_gen/live.js\" data-build=\""),
        "{}",
        page.body
    );
    assert_contains!(page.body, "data-endpoint=\"/visits\"");
    assert!(
        crate::support::unescape(&page.body).contains("connect-src 'self'; script-src 'self'"),
        "{}",
        page.body
    );
    assert!(
        !site.path("out/site").exists(),
        "serve writes no site to disk"
    );

    for (path, content_type) in [
        ("/resume.json", "application/json"),
        ("/favicon.svg", "image/svg+xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/_gen/live.js", "text/javascript; charset=utf-8"),
    ] {
        let reply = serve.get(path);
        assert_eq!(
            (reply.status, reply.header("content-type")),
            (200, content_type),
            "{path}"
        );
    }
    assert!(serve.get("/_gen/live.js").body.contains("EventSource"));

    let missing = serve.get("/no/such/page");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("/_gen/live.js"));
    let built_404 = {
        let other = TestSite::new();
        assert!(other.build(&[]).success());
        other.html("404.html")
    };
    let title = |html: &str| {
        html.split("<title>")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(title(&missing.body), title(&built_404));
    assert_eq!(serve.get("/..%2F..%2Fetc%2Fpasswd").status, 404);

    let post = serve.request("POST", "/", &[], b"");
    assert_eq!((post.status, post.header("allow")), (405, "GET, HEAD"));
    let head = serve.request("HEAD", "/", &[], b"");
    assert_eq!((head.status, head.body.as_str()), (200, ""));

    // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) gets nothing.
    let rebound = serve.request("GET", "/", &[("Host", "evil.example:8000")], b"");
    assert_eq!(rebound.status, 403);
    let rebound = serve.request("POST", "/visits", &[("Host", "evil.example")], b"{}");
    assert_eq!(rebound.status, 403);

    // The counter answers as the deployed one does.
    let count = |method: &str, path: &str, body: &str| {
        let reply = serve.request(method, path, &[], body.as_bytes());
        (reply.status, reply.body)
    };
    assert_eq!(
        count("POST", "/visits", r#"{"path":"/"}"#),
        (200, r#"{"path":"/","count":1}"#.to_owned())
    );
    assert_eq!(
        count("GET", "/visits?path=/", ""),
        (200, r#"{"path":"/","count":1}"#.to_owned())
    );
    assert_eq!(count("POST", "/visits", "{").0, 400);
    assert_eq!(count("POST", "/visits", &"x".repeat(2000)).0, 413);
    assert_eq!(count("POST", "/visits", &"x".repeat(100_000)).0, 413);
    assert_eq!(count("DELETE", "/visits", "").0, 405);
    assert_eq!(
        count("GET", "/visits?path=/", "").1,
        r#"{"path":"/","count":1}"#,
        "rejected requests count nothing"
    );

    // `gen build` output never has the preview's script.
    assert!(site.build(&[]).success());
    let built = site.html("index.html");
    assert!(!built.contains("_gen"), "{built}");
    assert!(!built.contains("data-endpoint=\"/visits\""), "{built}");
}

/// The first build after `after` that replaces resume.pdf: an edit of the resume shows the
/// page first and typesets resume.pdf in a build of its own.
fn until_typeset(events: &mut Events, after: &Value) -> Value {
    events.until("resume.pdf typeset", |s| {
        s["build"] != after["build"]
            && s["replaced"]
                .as_array()
                .is_some_and(|r| r.contains(&Value::from("resume.pdf")))
    })
}

#[test]
fn rebuilds_on_save_and_keeps_the_last_good_site_through_errors() {
    let site = TestSite::new();
    // A site with a file of the theme to edit, as `gen theme eject` leaves it.
    let index = site.eject("index.html");
    let serve = Serve::start(&site, &["--port", "0"]);
    let mut events = serve.events();
    let first = events.expect();
    assert_eq!(first["problems"], serde_json::json!([]));

    site.write("content/resume.yaml", resume_named("Ada King").as_bytes());
    let second = events.until("a new build", |s| s["build"] != first["build"]);
    assert_eq!(second["problems"], serde_json::json!([]));
    let replaced = second["replaced"].as_array().unwrap();
    for file in ["index.html", "resume.json"] {
        assert!(replaced.contains(&Value::from(file)), "{second}");
    }
    assert!(!replaced.contains(&Value::from("robots.txt")), "{second}");
    // The page comes first; resume.pdf, typeset after, in a build of its own.
    assert!(!replaced.contains(&Value::from("resume.pdf")), "{second}");
    let typeset = until_typeset(&mut events, &second);
    assert_eq!(typeset["problems"], serde_json::json!([]));
    let page = serve.get("/").body;
    assert!(page.contains("<h1>Ada King</h1>"), "{page}");
    assert!(
        page.contains(&format!(
            "data-build=\"{}\"",
            typeset["build"].as_str().unwrap()
        )),
        "the page names the build it comes from"
    );
    let second = typeset;

    site.write(
        "content/resume.yaml",
        b"basics:\n  name: Ada\n    label: [unclosed\n",
    );
    let broken = events.until("a problem", |s| s["problems"] != serde_json::json!([]));
    assert_eq!(broken["build"], second["build"], "no new build on failure");
    let problem = &broken["problems"][0];
    let location = problem["location"].as_str().expect("a located problem");
    assert!(location.starts_with("content/resume.yaml:3:"), "{broken}");
    assert!(
        problem["snippet"]
            .as_str()
            .unwrap()
            .contains("label: [unclosed")
    );
    assert!(
        serve.get("/").body.contains("<h1>Ada King</h1>"),
        "the last good site stays"
    );

    site.write("content/resume.yaml", resume_named("Ada Byron").as_bytes());
    let fixed = until_typeset(&mut events, &second);
    assert_eq!(fixed["problems"], serde_json::json!([]));
    assert!(serve.get("/").body.contains("<h1>Ada Byron</h1>"));

    // Saving by writing a scratch file and renaming it over the resume, as many editors do.
    site.write(
        "content/.resume.yaml.swp",
        resume_named("Ada Renamed").as_bytes(),
    );
    std::fs::rename(
        site.path("content/.resume.yaml.swp"),
        site.path("content/resume.yaml"),
    )
    .unwrap();
    let renamed = until_typeset(&mut events, &fixed);
    assert!(serve.get("/").body.contains("<h1>Ada Renamed</h1>"));

    // Editors' scratch files and unrelated files cause no rebuild.
    site.write("content/resume.yaml~", b"basics: [\n");
    site.write("content/4913", b"");
    site.write("templates/.index.html.swp", b"{% broken");
    site.write("notes.txt", b"todo");
    // A rebuild whose output did not change sends no event, so the terminal is what shows
    // whether one ran.
    assert_eq!(events.next(Duration::from_millis(400)), None);
    assert!(
        !serve.log().contains("unchanged"),
        "scratch files started a rebuild:\n{}",
        serve.log()
    );

    // A template edit and a gen.toml edit are picked up too.
    site.write(
        "templates/index.html",
        index
            .replace(
                "<h1>{{ b.name or t.resume }}</h1>",
                "<h1 class=\"edited\">{{ b.name }}</h1>",
            )
            .as_bytes(),
    );
    let edited = events.until("a new build", |s| s["build"] != renamed["build"]);
    assert!(serve.get("/").body.contains("<h1 class=\"edited\">"));
    site.write("gen.toml", b"title = \"Edited title\"\n");
    events.until("a new build", |s| s["build"] != edited["build"]);
    assert!(serve.get("/").body.contains("<title>Edited title</title>"));

    let log = serve.log();
    assert!(
        log.contains("rebuilt ") && log.contains(" files in "),
        "{log}"
    );
    assert!(log.contains("(content/resume.yaml)"), "{log}");
    assert!(log.contains("content/resume.yaml:3:"), "{log}");
    assert!(log.contains("still serving the last good build"), "{log}");
}

#[test]
fn a_hundred_rapid_saves_leave_the_server_up_with_the_last_one() {
    let site = TestSite::new();
    let mut serve = Serve::start(&site, &["--port", "0"]);
    for i in 0..100 {
        site.write(
            "content/resume.yaml",
            resume_named(&format!("Ada Save{i}")).as_bytes(),
        );
    }
    serve.wait_for_page("<h1>Ada Save99</h1>");
    assert!(serve.alive(), "{}", serve.log());
    assert_eq!(serve.get("/resume.json").status, 200);
    let log = serve.wait_for_log("rebuilt ");
    let rebuilds = log.matches("rebuilt ").count();
    assert!((1..=100).contains(&rebuilds), "{log}");
}

#[test]
fn counts_survive_a_restart() {
    let site = TestSite::new();
    {
        let serve = Serve::start(&site, &["--port", "0"]);
        for expected in 1..=2 {
            let reply = serve.request("POST", "/visits", &[], br#"{"path":"/"}"#);
            assert_eq!(reply.body, format!(r#"{{"path":"/","count":{expected}}}"#));
        }
    }
    let stored: Value =
        serde_json::from_slice(&std::fs::read(site.path("out/visits.json")).unwrap()).unwrap();
    assert_eq!(stored, serde_json::json!({"/": 2}));
    let serve = Serve::start(&site, &["--port", "0"]);
    let reply = serve.request("POST", "/visits", &[], br#"{"path":"/"}"#);
    assert_eq!(reply.body, r#"{"path":"/","count":3}"#);
}

#[test]
fn a_site_that_does_not_build_yet_is_served_with_its_error() {
    let site = TestSite::new();
    site.write("content/resume.yaml", b"basics: [\n");
    let serve = Serve::start(&site, &["--port", "0"]);
    let page = serve.get("/");
    assert_eq!(page.status, 404);
    assert!(page.body.contains("/_gen/live.js"));
    let mut events = serve.events();
    let state = events.expect();
    assert!(
        state["problems"][0]["location"]
            .as_str()
            .is_some_and(|l| l.starts_with("content/resume.yaml:")),
        "{state}"
    );
    site.write("content/resume.yaml", resume_named("Ada Fixed").as_bytes());
    events.until("the fix", |s| s["problems"] == serde_json::json!([]));
    assert!(serve.get("/").body.contains("<h1>Ada Fixed</h1>"));
}

#[test]
fn counter_off_means_no_counter_in_the_preview_either() {
    let site = TestSite::new();
    site.write("gen.toml", b"[counter]\nmode = \"off\"\n");
    let serve = Serve::start(&site, &["--port", "0"]);
    let page = serve.get("/").body;
    assert!(!page.contains("data-endpoint"), "{page}");
    assert!(page.contains("/_gen/live.js"));
    assert!(crate::support::unescape(&page).contains("script-src 'self'"));
}

#[test]
fn listening_refusals_and_explicit_bind() {
    let site = TestSite::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let busy = refused(&site.root().to_string_lossy(), &["--port", &port]);
    assert_eq!(busy.code, Some(1));
    assert_contains!(
        busy.stderr,
        &format!("port {port} on 127.0.0.1 is in use: pick another with --port")
    );

    let empty = tempfile::tempdir().unwrap();
    let not_a_site = refused(&empty.path().to_string_lossy(), &["--port", "0"]);
    assert_eq!(not_a_site.code, Some(1));
    assert!(
        not_a_site
            .stderr
            .contains("content/resume.yaml not found in")
            && not_a_site.stderr.contains("gen init"),
        "{}",
        not_a_site.stderr
    );

    // Other addresses only when asked for, and the terminal says so. Listening everywhere
    // does not turn the Host check off: IP addresses and loopback names are answered, other
    // names only when allowed (a DNS-rebinding page always sends its own name).
    let serve = Serve::start(
        &site,
        &[
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
            "--allow-host",
            "laptop.lan",
        ],
    );
    serve.wait_for_log("anyone who can reach this machine");
    for (host, status) in [
        ("laptop.lan:8000", 200),
        ("192.168.1.20:8000", 200),
        ("127.0.0.1", 200),
        ("evil.example:8000", 403),
        ("laptop.lan.evil.example", 403),
    ] {
        let reply = serve.request("GET", "/", &[("Host", host)], b"");
        assert_eq!(reply.status, status, "{host}");
    }
    let bad = refused(
        &site.root().to_string_lossy(),
        &["--port", "0", "--allow-host", "not a host"],
    );
    assert_eq!(bad.code, Some(1));
    assert!(
        bad.stderr
            .contains("--allow-host \"not a host\" is not a host name"),
        "{}",
        bad.stderr
    );
}

/// Another site's page cannot count visits in the preview (a cross-site POST is a "simple
/// request" browsers send without asking), nor can anyone add paths the site does not have.
#[test]
fn the_preview_counter_counts_only_its_own_pages_for_its_own_pages() {
    let site = TestSite::new();
    let serve = Serve::start(&site, &["--port", "0"]);
    let own = format!("http://127.0.0.1:{}", serve.port);
    let counts_file = site.path("out/visits.json");
    let counts = || std::fs::read_to_string(&counts_file).unwrap_or_default();

    for headers in [
        vec![
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        vec![("Origin", "https://evil.example")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![
            ("Sec-Fetch-Site", "same-site"),
            ("Origin", "http://127.0.0.1:1"),
        ],
    ] {
        let reply = serve.request("POST", "/visits?path=/", &headers, b"");
        assert_eq!(reply.status, 403, "{headers:?}: {}", reply.body);
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
    }
    assert_eq!(counts(), "", "nothing was counted or written");

    let same = serve.request(
        "POST",
        "/visits?path=/",
        &[("Origin", own.as_str()), ("Sec-Fetch-Site", "same-origin")],
        b"",
    );
    assert_eq!(
        (same.status, same.body.as_str()),
        (200, r#"{"path":"/","count":1}"#)
    );

    for path in ["/made-up", "/404.html", "/resume.json", "/%3Cscript%3E"] {
        let reply = serve.request("POST", &format!("/visits?path={path}"), &[], b"");
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            !reply.body.contains("script") && !reply.body.contains("made-up"),
            "{}",
            reply.body
        );
    }
    let stored: Value = serde_json::from_str(&counts()).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({ "/": 1 }),
        "only the site's page has a count"
    );
}

/// The live counter's preview socket: pages get `data-live`; another site's page, a page the
/// site does not have and a handshake that is not one are refused before anything is counted;
/// a handshake from the preview's own page opens the socket (RFC 6455's accept key) and counts.
#[test]
fn the_live_preview_counter_takes_only_its_own_pages_handshakes() {
    let site = TestSite::new();
    site.write("gen.toml", b"[counter]\nmode = \"websocket\"\n");
    let serve = Serve::start(&site, &["--port", "0"]);
    let page = serve.get("/").body;
    assert!(
        page.contains(r#"data-endpoint="/visits" data-live"#),
        "{page}"
    );
    let counts_file = site.path("out/visits.json");
    let counts = || std::fs::read_to_string(&counts_file).unwrap_or_default();
    let handshake = [
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut headers = handshake.to_vec();
        headers.extend_from_slice(extra);
        headers
    };
    for (path, headers, status) in [
        (
            "/visits?path=/&visit=1",
            with(&[("Origin", "https://evil.example")]),
            403,
        ),
        (
            "/visits?path=/&visit=1",
            with(&[("Sec-Fetch-Site", "cross-site")]),
            403,
        ),
        ("/visits?path=/made-up&visit=1", with(&[]), 404),
        ("/visits?path=/&visit=yes", with(&[]), 400),
        ("/visits?path=/&visit=1", handshake[..3].to_vec(), 400),
    ] {
        let reply = serve.request("GET", path, &headers, b"");
        assert_eq!(reply.status, status, "{path} {headers:?}: {}", reply.body);
        assert!(reply.body.starts_with(r#"{"error":"#), "{}", reply.body);
    }
    assert_eq!(counts(), "", "nothing was counted or written");

    // The handshake of the preview's own page: 101, and the visit is counted.
    let mut stream = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "GET /visits?path=/&visit=1 HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: http://127.0.0.1:{0}\r\n",
        serve.port
    );
    for (name, value) in handshake {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(
        head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="),
        "{head}"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while counts().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stored: Value = serde_json::from_str(&counts()).unwrap();
    assert_eq!(stored, serde_json::json!({ "/": 1 }));
}

/// A client that sends half a request and stops (slowloris) loses its connection within the
/// header timeout instead of holding it open.
#[test]
fn a_half_sent_request_is_closed_within_the_header_timeout() {
    let site = TestSite::new();
    let serve = Serve::start(&site, &["--port", "0"]);
    let mut stream = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    stream
        .write_all(
            format!(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Slow: ",
                serve.port
            )
            .as_bytes(),
        )
        .unwrap();
    let mut rest = Vec::new();
    let closed = stream.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        closed.is_ok(),
        "the server closed the connection: {closed:?}"
    );
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(8),
        "closed after {waited:?}, expected the 5 s header timeout"
    );
    // The server still answers everyone else.
    assert_eq!(serve.get("/").status, 200);
}

#[cfg(unix)]
#[test]
fn open_starts_the_browser_on_the_page() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new();
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened");
    let opener = bin.path().join(if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    });
    // Written aside and renamed, so the test never reads a half-written file.
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let serve = Serve::start_with(&site, &["--port", "0", "--open"], &[("PATH", path)]);
    let started = Instant::now();
    while !opened.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = std::fs::read_to_string(&opened).expect("the browser opener ran");
    assert_eq!(url.trim(), format!("http://127.0.0.1:{}/", serve.port));
}

#[test]
fn the_preview_shows_drafts_and_a_post_edit_replaces_only_that_posts_files() {
    let site = crate::posts::posts_site();
    let serve = Serve::start(&site, &["--port", "0"]);
    let mut events = serve.events();
    let first = events.expect();
    assert_eq!(first["problems"], serde_json::json!([]));
    let draft = serve.get("/posts/draft-notes/");
    assert_eq!(draft.status, 200);
    assert!(
        draft
            .body
            .contains("<strong class=\"draft\">Draft</strong>"),
        "{}",
        draft.body
    );
    assert!(
        draft
            .body
            .contains("<meta name=\"robots\" content=\"noindex\">")
    );
    assert!(serve.get("/posts/").body.contains("Notes for a later post"));

    // A line deep in one post: its page and the feed (which carries the full text) change,
    // nothing else, so no other open page reloads.
    let post = std::fs::read_to_string(site.path("content/posts/ci-cd.md")).unwrap();
    site.write(
        "content/posts/ci-cd.md",
        post.replace("smoke test the live counter", "smoke test the live site")
            .as_bytes(),
    );
    let second = events.until("a new build", |s| s["build"] != first["build"]);
    let mut replaced: Vec<&str> = second["replaced"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    replaced.sort();
    assert_eq!(replaced, ["atom.xml", "posts/ci-cd/index.html"], "{second}");
    assert!(
        serve
            .get("/posts/ci-cd/")
            .body
            .contains("smoke test the live site")
    );

    // Broken front matter: the overlay names the post's line.
    site.write(
        "content/posts/ci-cd.md",
        b"---\ntitle: CI\ndate: soon\n---\n",
    );
    let broken = events.until("a problem", |s| s["problems"] != serde_json::json!([]));
    assert_eq!(
        broken["problems"][0]["location"], "content/posts/ci-cd.md:3:7",
        "{broken}"
    );
    site.write("content/posts/ci-cd.md", post.as_bytes());
    let fixed = events.until("the fix", |s| s["problems"] == serde_json::json!([]));

    // A new post gets its page and a place in the list; a title edit changes the list; a
    // deleted post is gone from both.
    site.write(
        "content/posts/new-one.md",
        b"---\ntitle: A new one\ndate: 2026-01-02\n---\nHello.\n",
    );
    let added = events.until("the new post", |s| s["build"] != fixed["build"]);
    assert_eq!(serve.get("/posts/new-one/").status, 200);
    assert!(serve.get("/posts/").body.contains("A new one"));
    site.write(
        "content/posts/new-one.md",
        b"---\ntitle: A renamed one\ndate: 2026-01-02\n---\nHello.\n",
    );
    let renamed = events.until("the new title", |s| s["build"] != added["build"]);
    assert!(serve.get("/posts/").body.contains("A renamed one"));
    site.remove("content/posts/new-one.md");
    events.until("the deletion", |s| s["build"] != renamed["build"]);
    assert_eq!(serve.get("/posts/new-one/").status, 404);
    assert!(!serve.get("/posts/").body.contains("A renamed one"));
}
