//! Malformed HTTP requests, generated from a seed: each is something a browser, a script or
//! an attacker could send to the counter's API, and each must be refused with a 4xx.

/// One generated request, as API Gateway would hand it to the function.
#[derive(Debug, Clone)]
pub struct Malformed {
    pub method: String,
    pub raw_path: String,
    pub raw_query: String,
    pub body: Vec<u8>,
}

/// A small deterministic generator (xorshift64*): the same seed gives the same requests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page path that the counter must refuse.
fn bad_path(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => String::new(),
        1 => rng
            .pick(&["visits", "index.html", "https://evil.example/", " /", "\\"])
            .to_owned(),
        2 => format!("/{}", "x".repeat(256 + rng.below(400))),
        3 => {
            let control = char::from_u32(rng.below(0x20) as u32).unwrap();
            format!("/a{control}b")
        }
        4 => format!("/{}", rng.pick(&["\u{7f}", "\u{85}", "\u{9f}"])),
        5 => format!("/page#{}", rng.below(100)),
        _ => format!("/{}\u{0}", "é".repeat(rng.below(10))),
    }
}

/// A request body that is not an acceptable `{"path": ...}` object.
fn bad_body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0 => {
            let valid = br#"{"path":"/"}"#;
            valid[..1 + rng.below(valid.len() - 1)].to_vec()
        }
        1 => {
            let len = 1 + rng.below(64);
            rng.bytes(len)
        }
        2 => rng
            .pick(&[
                "null",
                "true",
                "0",
                "-1.5e300",
                "\"/\"",
                "[]",
                "[\"/\"]",
                "{\"path\":{}}",
            ])
            .into(),
        3 => format!(
            r#"{{"path": {}}}"#,
            rng.pick(&["1", "null", "false", "[]", "{}", "2e9"])
        )
        .into(),
        4 => format!(
            r#"{{"path":"/","{}":1}}"#,
            rng.pick(&["count", "pth", "", "PATH"])
        )
        .into(),
        5 => "[".repeat(200 + rng.below(800)).into(),
        6 => vec![b'{'; 1025 + rng.below(4000)],
        7 => format!(r#"{{"path":"{}"}}"#, "\\ud800".repeat(1 + rng.below(3))).into(),
        8 => serde_json::to_vec(&serde_json::json!({ "path": bad_path(rng) })).unwrap(),
        _ => format!("path={}", percent_encode("/")).into(),
    }
}

/// `count` malformed requests; none of them may count a visit or get a 5xx.
pub fn requests(seed: u64, count: usize) -> Vec<Malformed> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let mut request = Malformed {
                method: "POST".to_owned(),
                raw_path: "/visits".to_owned(),
                raw_query: String::new(),
                body: Vec::new(),
            };
            match rng.below(6) {
                0 => {
                    request.method = rng
                        .pick(&[
                            "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "CONNECT", "TRACE", "get",
                            "PROPFIND",
                        ])
                        .to_owned();
                    request.body = br#"{"path":"/"}"#.to_vec();
                }
                1 => {
                    request.raw_path = rng
                        .pick(&[
                            "/",
                            "/visit",
                            "/visits/",
                            "/Visits",
                            "/visits/x",
                            "/visits%2F",
                            "//visits",
                            "/api/visits",
                        ])
                        .to_owned();
                }
                2 => {
                    request.method = rng.pick(&["GET", "POST"]).to_owned();
                    request.raw_query = format!("path={}", percent_encode(&bad_path(&mut rng)));
                }
                3 => {
                    request.method = rng.pick(&["GET", "POST"]).to_owned();
                    request.raw_query = rng
                        .pick(&[
                            "path=%",
                            "path=%4",
                            "path=%zz",
                            "path=/%FF",
                            "path=/a&path=/b",
                            "path=%C3%28",
                        ])
                        .to_owned();
                }
                4 => request.body = bad_body(&mut rng),
                _ => {
                    request.raw_query = "path=/".to_owned();
                    request.body = br#"{"path":"/"}"#.to_vec();
                }
            }
            request
        })
        .collect()
}
