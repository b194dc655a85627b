//! `gen state init`: an S3 bucket for the Terraform state, made with the SDK (versioning,
//! encryption, every kind of public access blocked, TLS only), and `[backend]` in gen.toml
//! pointing at it. Running it again changes nothing that is already right. Every call on the
//! bucket expects it to be the caller's account's: a bucket of the name made by another account
//! is refused, never configured or used.

mod bucket;

use anyhow::{Result, anyhow, bail};

use crate::aws::account;
use crate::cli::{StateArgs, StateCommand, StateInitArgs};
use crate::config::{self, Backend, Config};
use crate::sources::CONFIG_FILE;
use crate::term;
use bucket::ensure_bucket;

pub fn run(args: &StateArgs) -> Result<()> {
    match &args.command {
        StateCommand::Init(init_args) => init(init_args),
    }
}

fn init(args: &StateInitArgs) -> Result<()> {
    let config_path = args.root.join(CONFIG_FILE);
    let text = crate::sources::read_config_file(&args.root)?
        .ok_or_else(|| {
            anyhow!(
                "cannot read {}: run gen state init in a site's folder (or pass --root)",
                config_path.display()
            )
        })?
        .text;
    let config = parse(&text)?;
    let settings = &config.stack;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let sdk = crate::aws::sdk_config().await;
        let account = account::caller_account(&sdk).await?;
        let (bucket, region, configured) = match &settings.backend {
            Backend::S3 { bucket, region, .. } => {
                if let Some(asked) = args.bucket.as_deref().filter(|b| b != bucket) {
                    bail!(
                        "gen.toml's [backend] already keeps the state in {bucket}; to move it to {asked}, change [backend] bucket yourself and run terraform init -migrate-state"
                    );
                }
                (bucket.clone(), region.clone(), true)
            }
            Backend::Local => {
                let bucket = match &args.bucket {
                    Some(bucket) => bucket.clone(),
                    None => default_bucket(&settings.project, &account),
                };
                (bucket, settings.region.clone(), false)
            }
        };
        let s3 = crate::aws::s3_client(&sdk, Some(&region));
        let fix = match configured {
            true => "Change bucket under [backend] in gen.toml to a bucket of your own",
            false => "Pass --bucket with another name",
        };
        let changes = ensure_bucket(&s3, &bucket, &region, &account, fix).await?;
        for change in &changes {
            term::status("set", &format!("s3://{bucket}: {change}"));
        }
        if configured {
            if changes.is_empty() {
                term::status(
                    "unchanged",
                    &format!("s3://{bucket} is set up and gen.toml's [backend] uses it: nothing to do"),
                );
            }
            return Ok(());
        }
        let updated = with_backend(&text, &bucket, &region)?;
        crate::files::write(&config_path, updated.as_bytes())?;
        term::status(
            "wrote",
            &format!(
                "{}: [backend] type = \"s3\", bucket = \"{bucket}\", region = \"{region}\"",
                config_path.display()
            ),
        );
        if args.root.join(crate::infra::STATE_FILE).exists() {
            term::note(&format!(
                "{} holds the state so far: move it into the bucket with gen infra, then terraform -chdir=out/infra init -migrate-state",
                crate::infra::STATE_FILE
            ));
        }
        Ok(())
    })
}

fn parse(text: &str) -> Result<Config> {
    let file = crate::diagnostic::SourceFile {
        name: CONFIG_FILE.to_owned(),
        text: text.to_owned(),
    };
    config::parse_or_default(Some(&file)).map_err(anyhow::Error::new)
}

/// `<project>-tfstate-<account id>`: the same on every run. Anyone can guess it, so the bucket
/// is checked to be the account's like any other.
fn default_bucket(project: &str, account: &str) -> String {
    format!("{project}-tfstate-{account}")
}

/// gen.toml's text with `[backend]` keeping the state in `bucket`, edited with toml_edit so
/// that comments, spacing and every other table stay as written: the table's `type`, `bucket`
/// and `region` set, or the table added at the end. Checked by parsing the result.
fn with_backend(text: &str, bucket: &str, region: &str) -> Result<String> {
    let keys = format!("type = \"s3\"\nbucket = \"{bucket}\"\nregion = \"{region}\"\n");
    let by_hand = || {
        anyhow!(
            "could not add [backend] to {CONFIG_FILE} by itself; add it yourself:\n[backend]\n{keys}"
        )
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|_| by_hand())?;
    if !doc.contains_key("backend") {
        // What ends the file (comments, blank lines) stays above the new table, where it was.
        let trailing = doc.trailing().as_str().unwrap_or("").trim_end().to_owned();
        doc.set_trailing("");
        let mut table = toml_edit::Table::new();
        let above = match doc.is_empty() && trailing.is_empty() {
            true => String::new(),
            false if trailing.is_empty() => "\n".to_owned(),
            false => format!("{trailing}\n\n"),
        };
        table.decor_mut().set_prefix(format!(
            "{above}# Where Terraform keeps the stack's state (gen state init).\n"
        ));
        doc.insert("backend", toml_edit::Item::Table(table));
    }
    let table = doc
        .get_mut("backend")
        .and_then(toml_edit::Item::as_table_like_mut)
        .ok_or_else(by_hand)?;
    table.insert("type", toml_edit::value("s3"));
    table.insert("bucket", toml_edit::value(bucket));
    table.insert("region", toml_edit::value(region));
    let updated = doc.to_string();
    match parse(&updated).map(|c| c.stack.backend) {
        Ok(Backend::S3 { bucket: b, .. }) if b == bucket => Ok(updated),
        _ => Err(by_hand()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_table_is_added_or_its_type_replaced_keeping_everything_else() {
        let added = with_backend("language = \"en\"\n# a comment\n", "b-1", "eu-west-1").unwrap();
        assert!(
            added.starts_with("language = \"en\"\n# a comment\n"),
            "{added}"
        );
        assert!(
            added.ends_with("[backend]\ntype = \"s3\"\nbucket = \"b-1\"\nregion = \"eu-west-1\"\n"),
            "{added}"
        );

        assert_eq!(
            added,
            "language = \"en\"\n# a comment\n\n# Where Terraform keeps the stack's state (gen state init).\n[backend]\ntype = \"s3\"\nbucket = \"b-1\"\nregion = \"eu-west-1\"\n"
        );
        let empty = with_backend("", "b-1", "eu-west-1").unwrap();
        assert!(empty.starts_with("# Where Terraform"), "{empty}");
        let inline = with_backend(
            "backend = { type = \"local\" } # here\n",
            "b-1",
            "eu-west-1",
        )
        .unwrap();
        assert_eq!(
            inline,
            "backend = { type = \"s3\", bucket = \"b-1\", region = \"eu-west-1\" } # here\n"
        );

        let local = "language = \"en\"\n\n[backend]  # state\ntype = \"local\"\n# keep me\n\n[alerts]\nemail = \"a@b.example\"\n";
        let replaced = with_backend(local, "b-1", "us-east-1").unwrap();
        assert_eq!(
            replaced,
            "language = \"en\"\n\n[backend]  # state\ntype = \"s3\"\nbucket = \"b-1\"\nregion = \"us-east-1\"\n# keep me\n\n[alerts]\nemail = \"a@b.example\"\n"
        );
    }
}
