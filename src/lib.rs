//! `gen`: a resume in YAML becomes a fast, secure personal website.

pub mod build;
pub mod build_id;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod counter_zip;
pub mod diagnostic;
pub mod files;
pub mod infra;
pub mod links;
pub mod output;
pub mod parallel;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod posts;
pub mod publish;
pub mod render;
pub mod resume;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod sources;
pub mod stack;
pub mod term;
pub mod themes;
