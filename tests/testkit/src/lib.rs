//! Test helpers shared by the workspace's crates: real local services, each started by the
//! test that needs it on a free loopback port and stopped when the test ends.

mod moto;
pub mod terraform;

pub use moto::Moto;

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding a loopback port")
}

/// The workspace root (where `Cargo.lock` and `.venv/` are).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
