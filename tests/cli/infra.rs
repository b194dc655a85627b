//! `gen infra`: the Terraform JSON of every stack variant, checked by Terraform itself (init
//! from the provider mirror, validate, apply against moto, plan again) and by checkov; and the
//! promise that gen never touches Terraform's state.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::Moto;
use testkit::terraform::{init, moto_override, terraform, terraform_ok};

use crate::support::{TestSite, run};

/// The stack variants and the gen.toml lines that select them.
const VARIANTS: [(&str, &str); 7] = [
    ("default", ""),
    (
        "custom_domain",
        "base_url = \"https://ada.example.com/\"\n[infra]\nproject = \"ada-resume\"\nregion = \"eu-west-1\"\ntags = { Owner = \"ada\", Note = \"${not an expression}\" }\n[domain]\nname = \"ada.example.com\"\nzone = \"example.com\"\n[headers]\nhsts_include_subdomains = true\nhsts_preload = true\n",
    ),
    (
        "function_url",
        "[counter]\nmode = \"function-url\"\nshards = 4\nconcurrency = 5\n[alerts]\nemail = \"ada@example.com\"\nmonthly_budget = 20\n",
    ),
    (
        "s3_backend",
        "[infra]\nregion = \"eu-central-1\"\n[backend]\ntype = \"s3\"\nbucket = \"ada-terraform-state\"\n",
    ),
    ("counter_off", "[counter]\nmode = \"off\"\n"),
    (
        "ci",
        "[backend]\ntype = \"s3\"\nbucket = \"ada-terraform-state\"\n[ci]\ngithub = \"ada/resume\"\nuse_existing_oidc_provider = true\n[alerts]\nemail = \"ada@example.com\"\n",
    ),
    ("websocket", "[counter]\nmode = \"websocket\"\n"),
];

pub(crate) fn fixture_zip() -> String {
    format!("{}/tests/fixtures/counter.zip", env!("CARGO_MANIFEST_DIR"))
}

/// A site configured as `variant`, with `gen infra` run on it.
fn stack(settings: &str) -> TestSite {
    let site = TestSite::new();
    let base = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write("gen.toml", format!("{base}\n{settings}").as_bytes());
    let run = site.infra(&["--counter-zip", &fixture_zip()]);
    assert!(run.success(), "gen infra failed:\n{}", run.stderr);
    site
}

fn infra_dir(site: &TestSite) -> PathBuf {
    site.path("out/infra")
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_file() {
            files.insert(
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    files
}

#[test]
fn snapshots_of_every_variant() {
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let mut text = String::new();
        for (file, bytes) in files(&infra_dir(&site)) {
            if file.ends_with(".tf.json") {
                text.push_str(&format!(
                    "==> {file}\n{}",
                    String::from_utf8(bytes).unwrap()
                ));
            }
        }
        insta::assert_snapshot!(format!("infra_{name}"), text);
    }
}

#[test]
fn every_variant_has_its_files_and_the_same_bytes_twice() {
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let first = files(&infra_dir(&site));
        let mut expected = vec![
            "backend.tf.json",
            "outputs.tf.json",
            "providers.tf.json",
            "site.tf.json",
        ];
        if name != "counter_off" {
            expected.extend(["counter.tf.json", "counter.zip"]);
        }
        if name == "custom_domain" {
            expected.push("dns.tf.json");
        }
        if name == "function_url" {
            expected.push("alerts.tf.json");
        }
        if name == "ci" {
            expected.extend(["alerts.tf.json", "ci.tf.json"]);
        }
        expected.sort_unstable();
        assert_eq!(first.keys().collect::<Vec<_>>(), expected, "{name}");
        assert!(site.infra(&["--counter-zip", &fixture_zip()]).success());
        assert_eq!(
            files(&infra_dir(&site)),
            first,
            "{name}: a second run changed the files"
        );
    }
}

/// Every resource of a variant's files, as (type, name, body).
fn resources(dir: &Path) -> Vec<(String, String, serde_json::Value)> {
    let mut all = Vec::new();
    for (file, bytes) in files(dir) {
        if !file.ends_with(".tf.json") {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for (kind, named) in doc["resource"].as_object().into_iter().flatten() {
            for (name, body) in named.as_object().unwrap() {
                all.push((kind.clone(), name.clone(), body.clone()));
            }
        }
    }
    all
}

fn of_type<'a>(
    resources: &'a [(String, String, serde_json::Value)],
    kind: &str,
) -> Vec<&'a serde_json::Value> {
    resources
        .iter()
        .filter(|(k, _, _)| k == kind)
        .map(|(_, _, body)| body)
        .collect()
}

/// Who may invoke the counter, in every variant: one service, one source, never "*".
#[test]
fn the_counter_can_be_invoked_only_by_its_own_front_door() {
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let all = resources(&infra_dir(&site));
        let permissions = of_type(&all, "aws_lambda_permission");
        for permission in &permissions {
            assert_ne!(permission["principal"], "*", "{name}: {permission}");
            assert!(
                permission["source_arn"]
                    .as_str()
                    .is_some_and(|arn| arn.starts_with("${aws_")),
                "{name}: every permission names this stack's caller: {permission}"
            );
        }
        let urls = of_type(&all, "aws_lambda_function_url");
        match name {
            "counter_off" => assert!(permissions.is_empty() && urls.is_empty()),
            "function_url" => {
                // Both permissions a function URL needs, for this distribution only; the URL
                // itself takes only signed requests.
                let granted: Vec<(&str, &str, &str, Option<&str>)> = permissions
                    .iter()
                    .map(|p| {
                        (
                            p["action"].as_str().unwrap(),
                            p["principal"].as_str().unwrap(),
                            p["source_arn"].as_str().unwrap(),
                            p["function_url_auth_type"].as_str(),
                        )
                    })
                    .collect();
                let distribution = "${aws_cloudfront_distribution.site.arn}";
                assert_eq!(
                    granted,
                    [
                        (
                            "lambda:InvokeFunctionUrl",
                            "cloudfront.amazonaws.com",
                            distribution,
                            Some("AWS_IAM")
                        ),
                        (
                            "lambda:InvokeFunction",
                            "cloudfront.amazonaws.com",
                            distribution,
                            None
                        ),
                    ]
                );
                assert_eq!(urls.len(), 1);
                assert_eq!(urls[0]["authorization_type"], "AWS_IAM");
                assert!(urls[0].get("cors").is_none(), "same origin: no CORS");
                let oac = of_type(&all, "aws_cloudfront_origin_access_control");
                assert!(
                    oac.iter()
                        .any(|o| o["origin_access_control_origin_type"] == "lambda"
                            && o["signing_behavior"] == "always"),
                    "{oac:?}"
                );
                let distribution = &of_type(&all, "aws_cloudfront_distribution")[0];
                let behavior = &distribution["ordered_cache_behavior"][0];
                assert_eq!(behavior["path_pattern"], "/visits");
                assert_eq!(behavior["target_origin_id"], "counter");
                let function = &of_type(&all, "aws_lambda_function")[0];
                assert_eq!(function["reserved_concurrent_executions"], 5);
            }
            "websocket" => {
                // Only this API's stage invokes the counter; the broadcast is invoked by its
                // stream mapping, which needs no permission on the function.
                assert!(urls.is_empty());
                assert_eq!(permissions.len(), 1);
                assert_eq!(permissions[0]["principal"], "apigateway.amazonaws.com");
                assert_eq!(
                    permissions[0]["source_arn"],
                    "${aws_apigatewayv2_api.counter.execution_arn}/live/*"
                );
            }
            _ => {
                assert!(urls.is_empty(), "{name}");
                assert_eq!(permissions.len(), 1, "{name}");
                assert_eq!(permissions[0]["action"], "lambda:InvokeFunction");
                assert_eq!(permissions[0]["principal"], "apigateway.amazonaws.com");
                assert!(
                    permissions[0]["source_arn"]
                        .as_str()
                        .unwrap()
                        .ends_with("/*/*/visits"),
                    "{name}"
                );
            }
        }
    }
}

/// The counter's cost has a ceiling: the table's throughput is capped, and the function
/// counts only the site's pages.
#[test]
fn the_counter_has_a_ceiling_and_counts_only_the_sites_pages() {
    for (name, settings) in VARIANTS {
        if name == "counter_off" {
            continue;
        }
        let site = stack(settings);
        let all = resources(&infra_dir(&site));
        let table = &of_type(&all, "aws_dynamodb_table")[0];
        let shards = if name == "function_url" { 4 } else { 1 };
        assert_eq!(
            table["on_demand_throughput"][0]["max_write_request_units"], 10,
            "{name}"
        );
        assert_eq!(
            table["on_demand_throughput"][0]["max_read_request_units"],
            10 * shards,
            "{name}"
        );
        let function = &of_type(&all, "aws_lambda_function")[0];
        assert_eq!(
            function["environment"][0]["variables"]["COUNTER_PAGES"], "/",
            "{name}"
        );
    }
}

/// What viewers get: S3's own headers removed, the permissions and opener policies added,
/// and HSTS for subdomains and preloading only when gen.toml asks for them.
#[test]
fn response_headers_are_as_configured() {
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let all = resources(&infra_dir(&site));
        let policy = &of_type(&all, "aws_cloudfront_response_headers_policy")[0];
        let removed: Vec<&str> = policy["remove_headers_config"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["header"].as_str().unwrap())
            .collect();
        for header in [
            "x-amz-meta-md5",
            "x-amz-version-id",
            "x-amz-server-side-encryption",
        ] {
            assert!(removed.contains(&header), "{name}: {removed:?}");
        }
        let added: Vec<(&str, &str)> = policy["custom_headers_config"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["header"].as_str().unwrap(), h["value"].as_str().unwrap()))
            .collect();
        assert!(
            added.contains(&("Cross-Origin-Opener-Policy", "same-origin")),
            "{added:?}"
        );
        assert!(
            added
                .iter()
                .any(|(h, v)| *h == "Permissions-Policy" && v.contains("camera=()")),
            "{added:?}"
        );
        let hsts = &policy["security_headers_config"][0]["strict_transport_security"][0];
        let opted_in = name == "custom_domain";
        assert_eq!(hsts["include_subdomains"], opted_in, "{name}");
        assert_eq!(hsts["preload"], opted_in, "{name}");
        assert_eq!(hsts["access_control_max_age_sec"], 63_072_000);
    }
}

#[test]
fn the_budget_alarm_emails_the_address_in_gen_toml() {
    let site = stack(VARIANTS[2].1);
    let all = resources(&infra_dir(&site));
    let budget = &of_type(&all, "aws_budgets_budget")[0];
    assert_eq!(budget["limit_amount"], "20.0");
    assert_eq!(budget["time_unit"], "MONTHLY");
    let notifications = budget["notification"].as_array().unwrap();
    assert_eq!(notifications.len(), 2);
    for n in notifications {
        assert_eq!(n["subscriber_email_addresses"][0], "ada@example.com");
    }
}

#[test]
fn terraform_validates_every_variant() {
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let dir = infra_dir(&site);
        init(&dir, false);
        let output = terraform_ok(&dir, &["validate", "-json"]);
        let report: serde_json::Value = serde_json::from_str(&output).unwrap();
        assert_eq!(report["valid"], true, "{name}: {output}");
        assert_eq!(report["error_count"], 0, "{name}: {output}");
        assert_eq!(report["warning_count"], 0, "{name}: {output}");
    }
}

#[test]
fn checkov_passes_every_variant() {
    let checkov = testkit::workspace_root().join(".venv-checkov/bin/checkov");
    assert!(
        checkov.exists(),
        "{} not found: run scripts/test once (it installs scripts/requirements-checkov.txt)",
        checkov.display()
    );
    let config = testkit::workspace_root().join(".checkov.yaml");
    for (name, settings) in VARIANTS {
        let site = stack(settings);
        let output = Command::new(&checkov)
            .arg("-d")
            .arg(infra_dir(&site))
            .arg("--config-file")
            .arg(&config)
            .args(["-o", "json"])
            .env("BC_SKIP_MAPPING", "TRUE")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: checkov output is not JSON ({e}):\n{stdout}"));
        let summary = &report["summary"];
        assert_eq!(
            summary["failed"],
            0,
            "{name}: {}",
            serde_json::to_string_pretty(&report["results"]).unwrap()
        );
        assert_eq!(summary["parsing_errors"], 0, "{name}: {summary}");
        assert!(
            summary["passed"].as_u64().unwrap() >= 30,
            "{name}: {summary}"
        );
        assert!(output.status.success(), "{name}: {stdout}");
    }
}

#[test]
fn state_lock_file_and_plugins_survive_gen() {
    let site = stack("");
    let dir = infra_dir(&site);
    site.write("terraform.tfstate", b"{\"version\": 4, \"serial\": 7}\n");
    site.write("out/infra/.terraform.lock.hcl", b"# lock\n");
    site.write("out/infra/.terraform/providers/marker", b"plugins\n");
    site.write("out/infra/terraform.tfvars.json", b"{}\n");
    let before = (
        std::fs::read(site.path("terraform.tfstate")).unwrap(),
        files(&dir),
        std::fs::read(dir.join(".terraform/providers/marker")).unwrap(),
    );
    for _ in 0..2 {
        assert!(site.infra(&["--counter-zip", &fixture_zip()]).success());
        assert!(site.build(&[]).success());
    }
    let after = (
        std::fs::read(site.path("terraform.tfstate")).unwrap(),
        files(&dir),
        std::fs::read(dir.join(".terraform/providers/marker")).unwrap(),
    );
    assert!(before == after, "gen changed a file it does not own");

    // Turning the counter off removes gen's own counter files, and only those.
    let base = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        format!("{base}\n[counter]\nmode = \"off\"\n").as_bytes(),
    );
    assert!(site.infra(&[]).success());
    let left: Vec<String> = files(&dir).into_keys().collect();
    assert_eq!(
        left,
        [
            ".terraform.lock.hcl",
            "backend.tf.json",
            "outputs.tf.json",
            "providers.tf.json",
            "site.tf.json",
            "terraform.tfvars.json"
        ]
    );
    assert!(site.path("terraform.tfstate").exists());
}

#[test]
fn the_local_state_lives_at_the_project_root() {
    let site = stack("");
    let backend = std::fs::read_to_string(infra_dir(&site).join("backend.tf.json")).unwrap();
    assert!(
        backend.contains("\"path\": \"../../terraform.tfstate\""),
        "{backend}"
    );
}

#[test]
fn bad_counter_zips_are_refused() {
    let site = TestSite::new();
    site.write("not-a-zip", b"hello");
    let run = site.infra(&["--counter-zip", site.path("not-a-zip").to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert_contains!(run.stderr, "is not a zip file");
    assert!(
        !site.path("out/infra").exists(),
        "nothing is written on failure"
    );

    // A zip without a `bootstrap`, and one whose `bootstrap` cannot be executed.
    for (name, entry, mode, expected) in [
        ("other.zip", "main", 0o755, "has no `bootstrap` file"),
        (
            "plain.zip",
            "bootstrap",
            0o644,
            "`bootstrap` is not executable",
        ),
    ] {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .unix_permissions(mode);
        zip.start_file(entry, options).unwrap();
        std::io::Write::write_all(&mut zip, b"#!/bin/sh\n").unwrap();
        site.write(name, &zip.finish().unwrap().into_inner());
        let run = site.infra(&["--counter-zip", site.path(name).to_str().unwrap()]);
        assert_eq!(run.code, Some(1));
        assert_contains!(run.stderr, expected);
        assert!(!site.path("out/infra").exists());
    }
}

/// A zip with a `.sha256` beside it (as releases ship it) is deployed only if it matches.
#[test]
fn a_counter_zip_must_match_its_checksum_file() {
    use sha2::Digest;
    let site = TestSite::new();
    let zip = std::fs::read(fixture_zip()).unwrap();
    site.write("counter.zip", &zip);
    let path = site.path("counter.zip");
    let path = path.to_str().unwrap();
    site.write(
        "counter.zip.sha256",
        format!("{}  counter.zip\n", "0".repeat(64)).as_bytes(),
    );
    let run = site.infra(&["--counter-zip", path]);
    assert_eq!(run.code, Some(1));
    assert_contains!(
        run.stderr,
        &format!("not the {} expected; it was not deployed", "0".repeat(64))
    );
    assert!(!site.path("out/infra").exists(), "nothing is written");

    let digest: String = sha2::Sha256::digest(&zip)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    site.write(
        "counter.zip.sha256",
        format!("{digest}  counter.zip\n").as_bytes(),
    );
    let run = site.infra(&["--counter-zip", path]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "matching");
}

#[test]
fn without_an_embedded_counter_or_cargo_lambda_infra_names_the_ways_out() {
    // The binary under test is a plain build: no counter zip inside.
    let version = run(Command::new(env!("CARGO_BIN_EXE_gen")).arg("--version"));
    assert_contains!(version.stdout, "counter Lambda: not embedded");
    let site = TestSite::new();
    let run = run(Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["infra", "--root"])
        .arg(site.root())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", site.root())
        .env("NO_COLOR", "1"));
    assert_eq!(run.code, Some(1));
    for words in [
        "no counter Lambda to deploy",
        "needs cargo and cargo-lambda",
        "install a release build of gen",
        "pip install cargo-lambda==1.9.2",
    ] {
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
    assert!(!site.path("out").exists(), "nothing is written");
}

/// Applies a variant to moto, checks the outputs, and plans again: no changes.
fn apply_against_moto(settings: &str, aliases: &[&str]) -> serde_json::Value {
    let moto = Moto::start();
    let site = stack(settings);
    let dir = infra_dir(&site);
    if !aliases.is_empty() {
        create_hosted_zone(&moto, "example.com");
    }
    point_at_moto(&dir, &moto, aliases);
    init(&dir, true);
    let started = std::time::Instant::now();
    terraform_ok(
        &dir,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    eprintln!(
        "terraform apply against moto: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        site.path("terraform.tfstate").exists(),
        "the state is at the project root"
    );

    assert_no_changes(&dir, "after apply");
    // gen infra again, with state in place: still nothing to change.
    assert!(site.infra(&["--counter-zip", &fixture_zip()]).success());
    assert_no_changes(&dir, "after gen infra again");

    let outputs = terraform_ok(&dir, &["output", "-json"]);
    serde_json::from_str(&outputs).unwrap()
}

/// `terraform plan -detailed-exitcode` exits 0: the stack matches the configuration.
fn assert_no_changes(dir: &Path, when: &str) {
    let plan = terraform(
        dir,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{when}, a plan wants changes:\n{}{}",
        String::from_utf8_lossy(&plan.stdout),
        String::from_utf8_lossy(&plan.stderr)
    );
}

/// The test's own override files in the infra folder `dir`: the provider (and its `aliases`)
/// pointed at `moto`, and moto's gaps worked around (see [`without_headers_policy`]).
pub(crate) fn point_at_moto(dir: &Path, moto: &Moto, aliases: &[&str]) {
    std::fs::write(
        dir.join("moto_override.tf.json"),
        moto_override(&moto.endpoint(), aliases),
    )
    .unwrap();
    std::fs::write(
        dir.join("moto_gaps_override.tf.json"),
        without_headers_policy(dir),
    )
    .unwrap();
}

/// What moto 5.2.5 cannot do, and only that:
/// - it answers DescribeSubscribersForNotification with an error page, so the budget of
///   `[alerts]` is dropped (`terraform validate`, checkov and the JSON tests cover it);
/// - it has no CloudFront response headers policies (CreateResponseHeadersPolicy is answered
///   404), so the policy is dropped and the distribution's default cache behaviour repeated
///   without it (`terraform validate`, checkov and the snapshots cover the policy);
/// - it answers a distribution with `forwarded_values` added, `origin_access_control_id`
///   dropped and `cloudfront_default_certificate = true` whatever was sent, a Lambda
///   function without its `logging_config` and a table without its `on_demand_throughput`:
///   those attributes are ignored when planning again, and the connections table's index is
///   declared without its own.
fn without_headers_policy(dir: &Path) -> String {
    let site: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("site.tf.json")).unwrap()).unwrap();
    let mut behavior =
        site["resource"]["aws_cloudfront_distribution"]["site"]["default_cache_behavior"].clone();
    behavior[0]
        .as_object_mut()
        .unwrap()
        .remove("response_headers_policy_id")
        .expect("the policy is attached");
    let mut distribution = serde_json::json!({
        "default_cache_behavior": behavior,
        "lifecycle": [{ "ignore_changes": ["default_cache_behavior", "ordered_cache_behavior", "origin", "viewer_certificate"] }]
    });
    // Function-url mode: the counter's behaviour, without the policy too.
    if let Some(ordered) =
        site["resource"]["aws_cloudfront_distribution"]["site"].get("ordered_cache_behavior")
    {
        let mut ordered = ordered.clone();
        for behavior in ordered.as_array_mut().unwrap() {
            behavior
                .as_object_mut()
                .unwrap()
                .remove("response_headers_policy_id");
        }
        distribution["ordered_cache_behavior"] = ordered;
    }
    let mut gaps = serde_json::json!({
        "resource": {
            "aws_cloudfront_response_headers_policy": { "site": { "count": 0 } },
            "aws_cloudfront_distribution": { "site": distribution },
            "aws_lambda_function": { "counter": {
                "lifecycle": [{ "ignore_changes": ["logging_config"] }]
            } },
            "aws_dynamodb_table": { "visits": {
                "lifecycle": [{ "ignore_changes": ["on_demand_throughput"] }]
            } }
        }
    });
    // The live counter: the connections table and the broadcast function, likewise.
    let counter = std::fs::read_to_string(dir.join("counter.tf.json")).unwrap_or_default();
    if counter.contains("\"connections\"") {
        let counter: serde_json::Value = serde_json::from_str(&counter).unwrap();
        let mut index =
            counter["resource"]["aws_dynamodb_table"]["connections"]["global_secondary_index"]
                .clone();
        for entry in index.as_array_mut().unwrap() {
            entry
                .as_object_mut()
                .unwrap()
                .remove("on_demand_throughput");
        }
        gaps["resource"]["aws_dynamodb_table"]["connections"] = serde_json::json!({
            "global_secondary_index": index,
            "lifecycle": [{ "ignore_changes": ["on_demand_throughput"] }]
        });
        gaps["resource"]["aws_lambda_function"]["broadcast"] =
            serde_json::json!({ "lifecycle": [{ "ignore_changes": ["logging_config"] }] });
    }
    if dir.join("alerts.tf.json").exists() {
        gaps["resource"]["aws_budgets_budget"] = serde_json::json!({ "monthly": { "count": 0 } });
    }
    gaps.to_string()
}

fn create_hosted_zone(moto: &Moto, zone: &str) {
    let python = testkit::workspace_root().join(".venv/bin/python");
    let script = format!(
        "import boto3; boto3.client('route53', endpoint_url='{}', region_name='us-east-1', \
         aws_access_key_id='testing', aws_secret_access_key='testing')\
         .create_hosted_zone(Name='{zone}', CallerReference='gen-test')",
        moto.endpoint()
    );
    let status = Command::new(python).args(["-c", &script]).status().unwrap();
    assert!(status.success(), "creating the hosted zone in moto");
}

fn output(outputs: &serde_json::Value, name: &str) -> String {
    outputs[name]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("output {name} missing: {outputs}"))
        .to_owned()
}

#[test]
fn the_default_stack_applies_to_moto_without_drift() {
    let outputs = apply_against_moto("", &[]);
    assert!(
        output(&outputs, "site_url").starts_with("https://"),
        "{outputs}"
    );
    assert!(
        output(&outputs, "site_url").ends_with(".cloudfront.net/"),
        "{outputs}"
    );
    assert!(
        output(&outputs, "bucket").starts_with("resume-site-"),
        "{outputs}"
    );
    assert!(!output(&outputs, "distribution_id").is_empty());
    let counter = output(&outputs, "counter_url");
    assert!(
        counter.starts_with("https://") && counter.ends_with("/visits"),
        "{counter}"
    );
}

#[test]
fn the_function_url_stack_applies_to_moto_without_drift() {
    let outputs = apply_against_moto(VARIANTS[2].1, &[]);
    let site = output(&outputs, "site_url");
    assert_eq!(
        output(&outputs, "counter_url"),
        format!("{site}visits"),
        "the counter is served at the site's own origin"
    );
}

#[test]
fn the_custom_domain_stack_applies_to_moto_without_drift() {
    let outputs = apply_against_moto(VARIANTS[1].1, &["us_east_1"]);
    assert_eq!(output(&outputs, "site_url"), "https://ada.example.com/");
    assert!(
        output(&outputs, "bucket").starts_with("ada-resume-site-"),
        "{outputs}"
    );
    assert!(
        output(&outputs, "counter_url").ends_with("/visits"),
        "{outputs}"
    );
}

#[test]
fn the_websocket_stack_applies_to_moto_without_drift() {
    let outputs = apply_against_moto(VARIANTS[6].1, &[]);
    let url = output(&outputs, "counter_url");
    assert!(
        url.starts_with("wss://") && url.ends_with(".execute-api.us-east-1.amazonaws.com/live"),
        "the page connects to the stage's wss:// URL: {url}"
    );
}

/// The live counter's stack: the WebSocket routes, a stream of new counts feeding the
/// broadcast with bounded retries and a failure queue, connections that expire, and two roles
/// that each reach only what their function uses.
#[test]
fn the_live_counter_pushes_from_the_stream_with_least_privilege() {
    let site = stack(VARIANTS[6].1);
    let dir = infra_dir(&site);
    let all = resources(&dir);
    let named = |kind: &str, name: &str| {
        all.iter()
            .find(|(k, n, _)| k == kind && n == name)
            .map(|(_, _, body)| body.clone())
            .unwrap_or_else(|| panic!("{kind}.{name} missing"))
    };
    let api = named("aws_apigatewayv2_api", "counter");
    assert_eq!(api["protocol_type"], "WEBSOCKET");
    assert_eq!(api["route_selection_expression"], "$request.body.action");
    let mut routes: Vec<&str> = of_type(&all, "aws_apigatewayv2_route")
        .iter()
        .map(|r| r["route_key"].as_str().unwrap())
        .collect();
    routes.sort_unstable();
    assert_eq!(routes, ["$connect", "$disconnect", "read"]);
    assert_eq!(
        named("aws_apigatewayv2_route_response", "read")["route_response_key"],
        "$default",
        "the answer to read reaches the page"
    );
    let stage = named("aws_apigatewayv2_stage", "live");
    assert_eq!(stage["auto_deploy"], true);
    assert_eq!(
        stage["default_route_settings"][0]["throttling_rate_limit"],
        5
    );
    assert_eq!(
        stage["default_route_settings"][0]["throttling_burst_limit"],
        10
    );
    assert!(
        stage["access_log_settings"][0]["format"]
            .as_str()
            .unwrap()
            .contains("$context.routeKey")
    );

    let visits = named("aws_dynamodb_table", "visits");
    assert_eq!(
        (
            visits["stream_enabled"].clone(),
            visits["stream_view_type"].clone()
        ),
        (serde_json::json!(true), serde_json::json!("NEW_IMAGE"))
    );
    let connections = named("aws_dynamodb_table", "connections");
    assert_eq!(connections["hash_key"], "id");
    assert_eq!(connections["ttl"][0]["attribute_name"], "expires");
    assert_eq!(connections["ttl"][0]["enabled"], true);
    // A broadcast finds a page's connections through the path index.
    let index = &connections["global_secondary_index"][0];
    assert_eq!(index["name"], "path");
    assert_eq!(index["hash_key"], "path");
    assert_eq!(index["non_key_attributes"], serde_json::json!(["expires"]));

    let mapping = named("aws_lambda_event_source_mapping", "broadcast");
    assert_eq!(
        mapping["event_source_arn"],
        "${aws_dynamodb_table.visits.stream_arn}"
    );
    assert_eq!(
        mapping["function_name"],
        "${aws_lambda_function.broadcast.arn}"
    );
    assert_eq!(mapping["batch_size"], 100);
    assert_eq!(mapping["maximum_batching_window_in_seconds"], 1);
    assert_eq!(mapping["bisect_batch_on_function_error"], true);
    assert_eq!(mapping["maximum_retry_attempts"], 2);
    assert_eq!(mapping["maximum_record_age_in_seconds"], 60);
    assert_eq!(
        mapping["destination_config"][0]["on_failure"][0]["destination_arn"],
        "${aws_sqs_queue.broadcast_failures.arn}"
    );
    assert_eq!(
        named("aws_sqs_queue", "broadcast_failures")["sqs_managed_sse_enabled"],
        true
    );

    // Each role's statements as (actions, resources).
    let counter: serde_json::Value =
        serde_json::from_slice(&files(&dir)["counter.tf.json"]).unwrap();
    let statements = |policy: &str| -> Vec<(Vec<String>, Vec<String>)> {
        counter["data"]["aws_iam_policy_document"][policy]["statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let strings = |key: &str| -> Vec<String> {
                    s[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect()
                };
                assert_eq!(s["effect"], "Allow");
                (strings("actions"), strings("resources"))
            })
            .collect()
    };
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        statements("counter"),
        [
            (
                strings(&["dynamodb:GetItem", "dynamodb:UpdateItem"]),
                strings(&["${aws_dynamodb_table.visits.arn}"])
            ),
            (
                strings(&["dynamodb:PutItem", "dynamodb:DeleteItem"]),
                strings(&["${aws_dynamodb_table.connections.arn}"])
            ),
            (
                strings(&["logs:CreateLogStream", "logs:PutLogEvents"]),
                strings(&["${aws_cloudwatch_log_group.counter.arn}:*"])
            ),
        ],
        "the socket function counts, reads and tracks connections, nothing else"
    );
    assert_eq!(
        statements("broadcast"),
        [
            (
                strings(&[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams"
                ]),
                strings(&["${aws_dynamodb_table.visits.arn}/stream/*"])
            ),
            (
                strings(&["dynamodb:Query"]),
                strings(&["${aws_dynamodb_table.connections.arn}/index/path"])
            ),
            (
                strings(&["dynamodb:DeleteItem"]),
                strings(&["${aws_dynamodb_table.connections.arn}"])
            ),
            (
                strings(&["execute-api:ManageConnections"]),
                strings(&[
                    "${aws_apigatewayv2_api.counter.execution_arn}/live/POST/@connections/*"
                ])
            ),
            (
                strings(&["sqs:SendMessage"]),
                strings(&["${aws_sqs_queue.broadcast_failures.arn}"])
            ),
            (
                strings(&["logs:CreateLogStream", "logs:PutLogEvents"]),
                strings(&["${aws_cloudwatch_log_group.broadcast.arn}:*"])
            ),
        ],
        "the broadcast reads the stream, lists a page's connections, forgets connections, and posts to this stage only"
    );
    let outputs: serde_json::Value =
        serde_json::from_slice(&files(&dir)["outputs.tf.json"]).unwrap();
    assert_eq!(
        outputs["output"]["counter_url"]["value"],
        "${aws_apigatewayv2_stage.live.invoke_url}"
    );
}
