//! `gen serve`: preview the site on this machine, updated on every save.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};

use anyhow::{Context, Result, bail};

use crate::cli::ServeArgs;
use crate::serve::{self, Preview, Server, ServerSettings};
use crate::sources::{self, CONFIG_FILE, RESUME_FILE};
use crate::term;

/// The first port tried when none is given; the next few are tried when it is taken.
pub const DEFAULT_PORT: u16 = 8000;
const PORTS_TRIED: u16 = 10;

pub fn run(args: &ServeArgs) -> Result<()> {
    let root = &args.root;
    if !root.join(RESUME_FILE).is_file() && !root.join(CONFIG_FILE).is_file() {
        return Err(sources::not_a_site(root));
    }
    let ip = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let listener = listen(ip, args.port)?;
    let addr = listener
        .local_addr()
        .context("reading the server's address")?;
    let counter_path = root.join(serve::COUNTER_FILE);
    let counter = counter::FileStore::open(&counter_path).map_err(|e| anyhow::anyhow!("{e}"))?;

    let preview = Preview::new(root);
    let state = preview.subscribe();
    serve::watch(root, preview)?;

    let url = serve::browser_url(addr);
    term::status("serving", &format!("{url}  (Ctrl-C to stop)"));
    term::note(&format!(
        "the page updates on every save of gen.toml, content/ and templates/; visits count in {}",
        counter_path.display()
    ));
    if !ip.is_loopback() {
        term::note(&format!(
            "listening on {ip}: anyone who can reach this machine on port {} sees the preview",
            addr.port()
        ));
    }
    if args.open {
        open_browser(&url);
    }
    let server = Server::new(
        state,
        counter,
        ServerSettings {
            allowed_hosts: allowed_hosts(&args.allow_host)?,
        },
    );
    super::runtime()?.block_on(server.run(listener))
}

/// The `--allow-host` names, checked and lowercased.
fn allowed_hosts(names: &[String]) -> Result<Vec<String>> {
    names
        .iter()
        .map(|name| {
            let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
            let ok = !lower.is_empty()
                && lower.len() <= 253
                && lower
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            match ok {
                true => Ok(lower),
                false => bail!(
                    "--allow-host {name:?} is not a host name (e.g. --allow-host my-laptop.local)"
                ),
            }
        })
        .collect()
}

/// Binds `ip:port`; without a port, the first free one from [`DEFAULT_PORT`] on.
fn listen(ip: IpAddr, port: Option<u16>) -> Result<TcpListener> {
    if let Some(port) = port {
        return TcpListener::bind(SocketAddr::new(ip, port)).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
                "port {port} on {ip} is in use: pick another with --port (--port 0 takes any free one)"
            ),
            _ => anyhow::anyhow!("listening on {}: {e}", SocketAddr::new(ip, port)),
        });
    }
    let mut last = None;
    for port in DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED {
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => bail!("listening on {}: {e}", SocketAddr::new(ip, port)),
        }
    }
    TcpListener::bind(SocketAddr::new(ip, 0)).with_context(|| {
        format!(
            "ports {DEFAULT_PORT} to {} are in use ({}) and no free port was found",
            DEFAULT_PORT + PORTS_TRIED - 1,
            last.map(|e| e.to_string()).unwrap_or_default()
        )
    })
}

/// Opens `url` in the default browser (`$BROWSER` when set); a failure is only a note, the
/// server keeps running.
fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        term::note(&format!(
            "could not open a browser ({e}): open {url} yourself"
        ));
    }
}
