//! Test helpers shared by the workspace's crates: real local services, each started by the
//! test that needs it on a free loopback port and stopped when the test ends.

// Test helpers panic with the reason when a service cannot start: that is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod http;
mod management;
mod moto;
pub mod png;
mod proxy;
pub mod resume_reader;
pub mod terraform;

pub use management::ManagementApi;
pub use moto::Moto;
pub use proxy::FailingProxy;

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

/// Runs a Python snippet with boto3 (from `.venv`) pointed at `moto`; returns its stdout.
pub fn boto3(moto: &Moto, script: &str) -> String {
    let python = workspace_root().join(".venv/bin/python");
    let prelude = format!(
        "import boto3, json\nkw = dict(endpoint_url='{}', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n",
        moto.endpoint()
    );
    let output = std::process::Command::new(python)
        .args(["-c", &format!("{prelude}{script}")])
        .output()
        .expect("running .venv/bin/python (run scripts/test once)");
    assert!(
        output.status.success(),
        "boto3 script failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Python for a [`boto3`] script that makes `kw` act for another AWS account than moto's own
/// (123456789012): moto gives credentials of any account through sts assume-role.
pub fn as_account(account: &str) -> String {
    format!(
        "c = boto3.client('sts', **kw).assume_role(RoleArn='arn:aws:iam::{account}:role/other', RoleSessionName='other')['Credentials']\n\
         kw = dict(kw, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])\n"
    )
}
