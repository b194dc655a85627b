//! CI/CD: the stack's GitHub OIDC roles, applied to moto with the rest of the stack by a real
//! `gen deploy` (S3 state on moto): who may assume each role, read back from IAM, and what each
//! may do, checked against every AWS API call that deploy and a plan made (Terraform's from
//! its debug log, gen publish's from moto's own record). Then `gen ci github`'s workflow:
//! snapshot, both workflow linters and checkov, and its refusals.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use testkit::terraform::terraform_ok;
use testkit::{Moto, boto3};

use crate::deploy::{mirror_config, moto_stand_ins};
use crate::infra::fixture_zip;
use crate::support::{Run, TestSite, run};

const REPO: &str = "ada/resume";
const STATE_BUCKET: &str = "resume-tfstate-123456789012";
const STATE_KEY: &str = "resume/terraform.tfstate";
const SHA: &str = "5f1c0d9e2b7a4c3f8e6d1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";

/// A starter site with `settings` added to its gen.toml.
fn site_with(settings: &str) -> TestSite {
    let site = TestSite::new();
    let base = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write("gen.toml", format!("{base}\n{settings}").as_bytes());
    site
}

/// A site whose state is in S3 and whose CI is `REPO`'s.
fn ci_site() -> TestSite {
    site_with(&format!(
        "[backend]\ntype = \"s3\"\nbucket = \"{STATE_BUCKET}\"\nregion = \"us-east-1\"\n\n[ci]\ngithub = \"{REPO}\"\n"
    ))
}

/// `gen ARGS --root SITE` in a clean environment (PATH and HOME only).
fn gen_command(site: &TestSite, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", site.root())
        .env("NO_COLOR", "1");
    command
}

/// gen with AWS pointed at moto, Terraform from the mirror and its debug log in `tf_log`.
fn run_gen(site: &TestSite, moto: &Moto, tf_log: &Path, args: &[&str]) -> Run {
    let mut command = gen_command(site, args);
    command
        .env("TF_CLI_CONFIG_FILE", mirror_config(site.root()))
        .env("TF_LOG", "DEBUG")
        .env("TF_LOG_PATH", tf_log)
        .envs(moto.env());
    run(&mut command)
}

/// The S3 backend of gen.toml, pointed at moto (an override file of the test's own).
fn backend_at_moto(dir: &Path, moto: &Moto) {
    let endpoint = moto.endpoint();
    let backend = serde_json::json!({ "terraform": { "backend": { "s3": {
        "bucket": STATE_BUCKET, "key": STATE_KEY, "region": "us-east-1",
        "encrypt": true, "use_lockfile": true, "use_path_style": true,
        "endpoints": { "s3": endpoint, "sts": endpoint, "iam": endpoint },
        "access_key": "testing", "secret_key": "testing",
        "skip_credentials_validation": true, "skip_requesting_account_id": true,
        "skip_metadata_api_check": true
    } } } });
    std::fs::write(dir.join("backend_override.tf.json"), backend.to_string()).unwrap();
}

/// IAM's match of an action against a pattern: case-insensitive, `*` any run, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// A string or a list of strings, as IAM writes either.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The Allow statements of a policy document: (sid, actions, resources).
fn statements(policy: &Value) -> Vec<(String, Vec<String>, Vec<String>)> {
    let list = match &policy["Statement"] {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    list.iter()
        .map(|s| {
            assert_eq!(s["Effect"], "Allow", "{s}");
            (
                s["Sid"].as_str().unwrap_or_default().to_owned(),
                strings(&s["Action"]),
                strings(&s["Resource"]),
            )
        })
        .collect()
}

fn allows(policy: &Value, action: &str) -> bool {
    statements(policy)
        .iter()
        .any(|(_, actions, _)| actions.iter().any(|a| glob(a, action)))
}

/// Whether the trust policy lets a GitHub token with `sub` and `aud` assume the role, read as
/// IAM reads it: every condition of an Allow statement for the provider must hold.
fn trusts(trust: &Value, provider: &str, sub: &str, aud: &str) -> bool {
    let list = match &trust["Statement"] {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    list.iter().any(|statement| {
        statement["Effect"] == "Allow"
            && strings(&statement["Action"])
                .iter()
                .any(|a| a == "sts:AssumeRoleWithWebIdentity")
            && strings(&statement["Principal"]["Federated"]) == [provider]
            && statement["Condition"]
                .as_object()
                .expect("a trust policy without conditions trusts every repository")
                .iter()
                .all(|(operator, tests)| {
                    tests.as_object().unwrap().iter().all(|(key, values)| {
                        let actual = match key.as_str() {
                            "token.actions.githubusercontent.com:sub" => sub,
                            "token.actions.githubusercontent.com:aud" => aud,
                            other => panic!("a condition on {other}"),
                        };
                        let values = strings(values);
                        match operator.as_str() {
                            "StringEquals" => values.iter().any(|v| v == actual),
                            "StringLike" => values.iter().any(|v| glob(v, actual)),
                            other => panic!("condition operator {other} is not read here"),
                        }
                    })
                })
    })
}

/// The IAM actions behind one Terraform AWS provider call (`rpc.service`, `rpc.method`,
/// `http.method`); empty for calls that need no permission.
fn terraform_action(service: &str, operation: &str, method: &str) -> Vec<String> {
    let prefix = match service {
        "S3" => "s3",
        "CloudFront" => "cloudfront",
        "DynamoDB" => "dynamodb",
        "Lambda" => "lambda",
        "CloudWatch Logs" => "logs",
        "IAM" => "iam",
        "ACM" => "acm",
        "Route 53" => "route53",
        "Budgets" => "budgets",
        // API Gateway's IAM actions are its HTTP methods.
        "ApiGatewayV2" => return vec![format!("apigateway:{method}")],
        // Everyone may ask who they are.
        "STS" if operation == "GetCallerIdentity" => return Vec::new(),
        "KMS" => "kms",
        // Unknown: the test names every one of them at once.
        other => return vec![format!("unknown {other} {operation}")],
    };
    let renamed = match (prefix, operation) {
        ("s3", "HeadBucket" | "ListObjectsV2" | "ListObjects") => "ListBucket",
        ("s3", "HeadObject") => "GetObject",
        ("s3", "DeleteObjects") => "DeleteObject",
        ("s3", "ListObjectVersions") => "ListBucketVersions",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "PutBucketEncryption") => "PutEncryptionConfiguration",
        ("s3", "GetBucketLifecycleConfiguration") => "GetLifecycleConfiguration",
        ("s3", "PutBucketLifecycleConfiguration") => "PutLifecycleConfiguration",
        ("s3", "GetBucketAccelerateConfiguration") => "GetAccelerateConfiguration",
        ("s3", "GetBucketReplication") => "GetReplicationConfiguration",
        ("s3", "GetObjectLockConfiguration") => "GetBucketObjectLockConfiguration",
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3", "PutPublicAccessBlock") => "PutBucketPublicAccessBlock",
        ("cloudfront", "CreateDistributionWithTags") => {
            return vec![
                "cloudfront:CreateDistribution".into(),
                "cloudfront:TagResource".into(),
            ];
        }
        ("budgets", op) if op.starts_with("Describe") => "ViewBudget",
        ("budgets", op) if op.starts_with("Create") || op.starts_with("Update") => "ModifyBudget",
        (_, op) => op,
    };
    vec![format!("{prefix}:{renamed}")]
}

/// The IAM actions of every AWS call in a Terraform debug log, except the provider's own
/// account lookup (iam:GetUser, which a role is refused, then sts:GetCallerIdentity).
fn terraform_actions(log: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(log).unwrap();
    let field = |line: &str, key: &str| -> Option<String> {
        let start = line.find(&format!(" {key}="))? + key.len() + 2;
        let rest = &line[start..];
        Some(match rest.strip_prefix('"') {
            Some(quoted) => quoted[..quoted.find('"')?].to_owned(),
            None => rest.split_whitespace().next()?.to_owned(),
        })
    };
    // An entry starts with its time; a request body's lines continue it.
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        let starts = line.len() > 11 && line.as_bytes()[4] == b'-' && line.as_bytes()[10] == b'T';
        match entries.last_mut() {
            Some(entry) if !starts => {
                entry.push(' ');
                entry.push_str(line);
            }
            _ => entries.push(line.to_owned()),
        }
    }
    let mut actions = BTreeSet::new();
    let mut calls = 0;
    for line in entries.iter().filter(|l| l.contains("HTTP Request Sent")) {
        let (Some(service), Some(operation)) =
            (field(line, "rpc.service"), field(line, "rpc.method"))
        else {
            panic!("an AWS call without its name in Terraform's log: {line}");
        };
        calls += 1;
        if service == "IAM" && operation == "GetUser" {
            continue;
        }
        let method = field(line, "http.method").unwrap_or_default();
        actions.extend(terraform_action(&service, &operation, &method));
    }
    assert!(calls > 0, "no AWS calls in {}", log.display());
    actions
}

/// The IAM actions of gen's own AWS calls (the Rust SDK's), from moto's record.
fn gen_actions(record: &Path) -> BTreeSet<String> {
    gen_calls(record, "")
        .into_iter()
        .map(|(action, _)| action)
        .collect()
}

/// gen's own AWS calls in moto's record, each as the IAM action and resource it needs. A
/// batch delete names its keys in its body, which the record does not keep: its resource is
/// `deleted`, an object the test knows it deleted.
fn gen_calls(record: &Path, deleted: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(record).unwrap();
    let mut calls = Vec::new();
    for line in text.lines() {
        let call: Value = serde_json::from_str(line).unwrap();
        if !call["agent"].as_str().unwrap().contains("aws-sdk-rust") {
            continue;
        }
        let path = call["path"].as_str().unwrap();
        let resource = match call["service"].as_str().unwrap() {
            "s3" if call["query"].as_str().unwrap().contains("delete") => deleted.to_owned(),
            // `/bucket/key` (a folder's key ends with `/`), or `/bucket` for the bucket.
            "s3" => {
                let named = path.trim_start_matches('/');
                match named.trim_end_matches('/').contains('/') {
                    true => format!("arn:aws:s3:::{named}"),
                    false => format!("arn:aws:s3:::{}", named.trim_end_matches('/')),
                }
            }
            "cloudfront" => {
                let id = path.split('/').skip_while(|p| *p != "distribution").nth(1);
                format!(
                    "arn:aws:cloudfront::123456789012:distribution/{}",
                    id.unwrap_or("?")
                )
            }
            _ => String::new(),
        };
        calls.extend(
            call_actions(&call)
                .into_iter()
                .map(|a| (a, resource.clone())),
        );
    }
    calls
}

/// The IAM actions of one recorded call of gen's.
fn call_actions(call: &Value) -> BTreeSet<String> {
    let (service, method, path, query) = (
        call["service"].as_str().unwrap(),
        call["method"].as_str().unwrap(),
        call["path"].as_str().unwrap(),
        call["query"].as_str().unwrap(),
    );
    let object = path.trim_matches('/').contains('/');
    // The Rust SDK names most S3 operations in the query (`x-id=PutObject`).
    let named = query.split('&').find_map(|pair| pair.strip_prefix("x-id="));
    let action = match (service, method, named) {
        ("sts", ..) => return BTreeSet::new(),
        ("s3", _, Some(operation)) => {
            return terraform_action("S3", operation, method)
                .into_iter()
                .collect();
        }
        ("s3", "GET", None) if query.contains("list-type=2") => "s3:ListBucket",
        ("s3", "GET", None) if query.contains("tagging") && !object => "s3:GetBucketTagging",
        ("s3", "HEAD", None) if object => "s3:GetObject",
        ("s3", "POST", None) if query.contains("delete") => "s3:DeleteObject",
        ("cloudfront", "POST", None) if path.ends_with("/invalidation") => {
            "cloudfront:CreateInvalidation"
        }
        ("cloudfront", "GET", None) if path.contains("/invalidation/") => {
            "cloudfront:GetInvalidation"
        }
        _ => return BTreeSet::from([format!("unknown {call}")]),
    };
    BTreeSet::from([action.to_owned()])
}

/// Whether an Allow statement of `policy` names `action` on `resource`.
fn allows_on(policy: &Value, action: &str, resource: &str) -> bool {
    statements(policy).iter().any(|(_, actions, resources)| {
        actions.iter().any(|a| glob(a, action)) && resources.iter().any(|r| glob(r, resource))
    })
}

/// An IAM change the deploy role must not be able to make (it could widen its own rights).
fn changes_iam(action: &str) -> bool {
    action.starts_with("iam:")
        && ["Get", "List", "PassRole", "TagRole", "UntagRole"]
            .iter()
            .all(|allowed| !action["iam:".len()..].starts_with(allowed))
}

#[test]
fn the_ci_roles_trust_only_their_subjects_and_allow_what_gen_deploy_does() {
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("moto.jsonl");
    let moto = Moto::start_recording(&record);
    boto3(
        &moto,
        &format!("boto3.client('s3', **kw).create_bucket(Bucket='{STATE_BUCKET}')"),
    );
    let site = ci_site();
    assert!(site.infra(&["--counter-zip", &fixture_zip()]).success());
    let dir = site.path("out/infra");
    moto_stand_ins(&dir, &moto);
    backend_at_moto(&dir, &moto);

    // `gen deploy ARGS` with its Terraform log and moto's record of it, both fresh.
    let zip = fixture_zip();
    let deploy = |args: &[&str], log: &str| {
        std::fs::write(&record, "").unwrap();
        let log = scratch.path().join(log);
        let args = [&["deploy", "--counter-zip", &zip], args].concat();
        let run = run_gen(&site, &moto, &log, &args);
        assert!(run.success(), "{args:?}: {}\n{}", run.stdout, run.stderr);
        (run, log)
    };
    // From nothing, as an administrator's first gen deploy.
    let (_, deploy_log) = deploy(&["--auto-approve"], "deploy.log");
    let published = gen_actions(&record);
    // Planning again changes nothing; that plan is a pull request's.
    let (plan, plan_log) = deploy(&["--plan-only"], "plan.log");
    assert_contains!(plan.stdout, "No changes.");

    let outputs: Value = serde_json::from_str(&terraform_ok(&dir, &["output", "-json"])).unwrap();
    let deploy_arn = outputs["ci_deploy_role_arn"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let plan_arn = outputs["ci_plan_role_arn"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        deploy_arn,
        "arn:aws:iam::123456789012:role/gen-ci/resume-ci-deploy"
    );
    assert_eq!(
        plan_arn,
        "arn:aws:iam::123456789012:role/gen-ci/resume-ci-plan"
    );

    // IAM as moto holds it: the provider, both roles' trust and permissions.
    let read = boto3(
        &moto,
        "iam = boto3.client('iam', **kw)\n\
         providers = iam.list_open_id_connect_providers()['OpenIDConnectProviderList']\n\
         arn = providers[0]['Arn']\n\
         provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)\n\
         roles = {}\n\
         for name in ['resume-ci-deploy', 'resume-ci-plan']:\n\
         \x20   role = iam.get_role(RoleName=name)['Role']\n\
         \x20   names = iam.list_role_policies(RoleName=name)['PolicyNames']\n\
         \x20   attached = iam.list_attached_role_policies(RoleName=name)['AttachedPolicies']\n\
         \x20   policies = [iam.get_role_policy(RoleName=name, PolicyName=n)['PolicyDocument'] for n in names]\n\
         \x20   roles[name] = {'trust': role['AssumeRolePolicyDocument'], 'path': role['Path'], 'policies': policies, 'attached': attached}\n\
         print(json.dumps({'providers': len(providers), 'arn': arn, 'url': provider['Url'], 'clients': provider['ClientIDList'], 'roles': roles}, default=str))",
    );
    let iam: Value = serde_json::from_str(&read).unwrap();
    assert_eq!(iam["providers"], 1);
    assert_eq!(iam["url"], "token.actions.githubusercontent.com");
    assert_eq!(iam["clients"], serde_json::json!(["sts.amazonaws.com"]));
    let provider = iam["arn"].as_str().unwrap();
    let role = |name: &str| -> (Value, Value) {
        let role = &iam["roles"][name];
        assert_eq!(role["path"], "/gen-ci/", "{name}");
        assert_eq!(
            role["attached"],
            serde_json::json!([]),
            "{name}: no managed policies"
        );
        let policies = role["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{name}: one inline policy");
        (role["trust"].clone(), policies[0].clone())
    };
    let (deploy_trust, deploy_policy) = role("resume-ci-deploy");
    let (plan_trust, plan_policy) = role("resume-ci-plan");

    // Who may assume which role: exactly one subject each, GitHub's audience only.
    let aud = "sts.amazonaws.com";
    let production = "repo:ada/resume:environment:production";
    let pull_request = "repo:ada/resume:pull_request";
    let main = "repo:ada/resume:ref:refs/heads/main";
    assert!(trusts(&deploy_trust, provider, production, aud));
    assert!(trusts(&plan_trust, provider, pull_request, aud));
    // A job that names no environment gets its branch's subject, whichever workflow and event
    // ran it: on main, none of them may deploy.
    for (run, subject) in [
        ("a push to main, in a job without the environment", main),
        ("a workflow_dispatch on main", main),
        ("a schedule (on the default branch, main)", main),
        ("a workflow_run after a workflow on main", main),
    ] {
        assert!(
            !trusts(&deploy_trust, provider, subject, aud),
            "{run} ({subject}) may assume the deploy role: {deploy_trust}"
        );
    }
    for (trust, allowed) in [(&deploy_trust, production), (&plan_trust, pull_request)] {
        for other in [
            production,
            pull_request,
            main,
            "repo:ada/resume:ref:refs/heads/feature",
            "repo:ada/resume:ref:refs/heads/main-old",
            "repo:ada/resume:ref:refs/tags/v1.0.0",
            "repo:ada/resume:environment:staging",
            "repo:ada/resume:environment:production-old",
            "repo:mallory/resume:environment:production",
            "repo:mallory/resume:pull_request",
            "repo:mallory/resume:ref:refs/heads/main",
            "repo:ada/resume-fork:pull_request",
            "repo:ada/resume-fork:environment:production",
            "repo:Ada/Resume:environment:production",
        ] {
            assert_eq!(
                trusts(trust, provider, other, aud),
                other == allowed,
                "{other} against {trust}"
            );
        }
        assert!(!trusts(trust, provider, allowed, "https://github.com/ada"));
        assert!(!trusts(
            trust,
            "arn:aws:iam::123456789012:oidc-provider/other",
            allowed,
            aud
        ));
    }

    // What each role may do: every call gen deploy made is allowed to the deploy role, except
    // creating roles and policies, which only an administrator's deploy does.
    let deployed: BTreeSet<String> = terraform_actions(&deploy_log)
        .into_iter()
        .chain(published.iter().cloned())
        .collect();
    for expected in [
        "s3:PutObject",
        "cloudfront:CreateInvalidation",
        "lambda:CreateFunction",
        "iam:CreateRole",
    ] {
        assert!(
            deployed.contains(expected),
            "{expected} not among {deployed:?}"
        );
    }
    let planned = terraform_actions(&plan_log);
    let unknown: Vec<_> = deployed
        .iter()
        .chain(&planned)
        .filter(|a| a.starts_with("unknown "))
        .collect();
    assert!(
        unknown.is_empty(),
        "calls whose IAM action this test cannot name: {unknown:#?}"
    );
    let mut refused = Vec::new();
    let mut missing = Vec::new();
    for action in &deployed {
        if changes_iam(action) {
            assert!(
                !allows(&deploy_policy, action),
                "the deploy role may {action}"
            );
            refused.push(action.as_str());
        } else if !allows(&deploy_policy, action) {
            missing.push(action.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "the deploy role may not {missing:?}: {deploy_policy}"
    );
    eprintln!(
        "gen deploy from nothing: {} IAM actions, {} of them for an administrator only: {refused:?}\n{deployed:?}\nplan: {planned:?}",
        deployed.len(),
        refused.len()
    );
    assert!(allows(&deploy_policy, "iam:PassRole"));
    let pass: Vec<_> = statements(&deploy_policy)
        .into_iter()
        .filter(|(_, actions, _)| actions.iter().any(|a| glob(a, "iam:PassRole")))
        .collect();
    assert_eq!(pass.len(), 1, "{pass:?}");
    assert_eq!(
        pass[0].2,
        ["arn:aws:iam::123456789012:role/resume-counter"],
        "PassRole for the counter's role only"
    );

    // The plan role: every call of the plan, and nothing that changes anything but the lock
    // and pull requests' previews.
    let bucket = outputs["bucket"]["value"].as_str().unwrap().to_owned();
    let missing: Vec<_> = planned
        .iter()
        .filter(|a| !allows(&plan_policy, a))
        .collect();
    assert!(
        missing.is_empty(),
        "the plan role may not {missing:?}: {plan_policy}"
    );
    for (sid, actions, resources) in statements(&plan_policy) {
        for action in actions {
            let reads = ["Get", "List", "Describe"]
                .iter()
                .any(|verb| action.split(':').nth(1).unwrap().starts_with(verb))
                || action == "apigateway:GET";
            let lock = resources == [format!("arn:aws:s3:::{STATE_BUCKET}/{STATE_KEY}.tflock")];
            let preview = resources == [format!("arn:aws:s3:::{bucket}/_preview/*")]
                || (action == "cloudfront:CreateInvalidation"
                    && resources == ["arn:aws:cloudfront::123456789012:distribution/*"]);
            assert!(
                reads || lock || preview,
                "the plan role may {action} ({sid}) on {resources:?}"
            );
        }
    }

    // A pull request's preview, published and removed as the workflow does, with the stack
    // found from its outputs: each call allowed to the plan role on what it touched; the
    // site's own files out of its reach.
    let folder = format!("arn:aws:s3:::{bucket}/_preview/pr-7/");
    let mut preview_calls = Vec::new();
    for args in [
        &["publish", "--preview", "7"][..],
        &["publish", "--preview", "7", "--remove"],
    ] {
        std::fs::write(&record, "").unwrap();
        let run = run_gen(&site, &moto, &scratch.path().join("preview.log"), args);
        assert!(run.success(), "{args:?}: {}", run.stderr);
        preview_calls.extend(gen_calls(&record, &format!("{folder}index.html")));
    }
    for (action, resource) in &preview_calls {
        assert!(
            allows_on(&plan_policy, action, resource),
            "the plan role may not {action} on {resource}: {plan_policy}"
        );
    }
    for wanted in [
        "s3:PutObject",
        "s3:DeleteObject",
        "cloudfront:CreateInvalidation",
    ] {
        assert!(
            preview_calls.iter().any(|(a, _)| a == wanted),
            "no {wanted} in {preview_calls:?}"
        );
    }
    let written: BTreeSet<&String> = preview_calls
        .iter()
        .filter(|(a, _)| a == "s3:PutObject")
        .map(|(_, r)| r)
        .collect();
    assert!(
        written.iter().all(|r| r.starts_with(&folder)),
        "{written:?}"
    );
    for key in [
        "index.html",
        "posts/index.html",
        "_preview",
        "_previews/pr-7/index.html",
        "x/_preview/pr-7/a",
    ] {
        let object = format!("arn:aws:s3:::{bucket}/{key}");
        for action in ["s3:PutObject", "s3:DeleteObject"] {
            assert!(
                !allows_on(&plan_policy, action, &object),
                "the plan role may {action} on {object}"
            );
        }
    }
    eprintln!(
        "a preview's publish and removal: {:?}",
        preview_calls
            .iter()
            .map(|(a, r)| format!("{a} {}", r.replace(&bucket, "BUCKET")))
            .collect::<BTreeSet<_>>()
    );
    // Neither role may act on everything: "*" only for the two lookups that take no resource.
    for policy in [&deploy_policy, &plan_policy] {
        for (sid, actions, resources) in statements(policy) {
            if resources.iter().any(|r| r == "*") {
                assert!(
                    actions.iter().all(|a| [
                        "route53:ListHostedZones",
                        "iam:ListOpenIDConnectProviders"
                    ]
                    .contains(&a.as_str())),
                    "{sid}: {actions:?} on *"
                );
            }
        }
    }

    // gen ci github writes the workflow with these very roles, its deploy job in the
    // environment the deploy role trusts.
    let workflow = run_gen(
        &site,
        &moto,
        &scratch.path().join("ci.log"),
        &["ci", "github", "--gen-sha256", SHA],
    );
    assert!(workflow.success(), "{}", workflow.stderr);
    let text = std::fs::read_to_string(site.path(".github/workflows/gen.yml")).unwrap();
    assert_contains!(text, &format!("role-to-assume: \"{deploy_arn}\""));
    assert_contains!(text, &format!("role-to-assume: \"{plan_arn}\""));
    assert_contains!(text, "\n    environment: production\n");
}

/// The outputs of a deployed stack with CI roles, where gen reads them when Terraform has not
/// run in this folder: the state file at the root.
fn deployed(site: &TestSite, region: &str) {
    let output = |value: &str| serde_json::json!({ "value": value, "type": "string" });
    let state = serde_json::json!({
        "version": 4,
        "outputs": {
            "site_url": output("https://d111111abcdef8.cloudfront.net/"),
            "bucket": output("resume-site-20261201"),
            "distribution_id": output("E2EXAMPLE"),
            "counter_url": output(&format!("https://abc123.execute-api.{region}.amazonaws.com/visits")),
            "ci_deploy_role_arn": output("arn:aws:iam::123456789012:role/gen-ci/resume-ci-deploy"),
            "ci_plan_role_arn": output("arn:aws:iam::123456789012:role/gen-ci/resume-ci-plan")
        }
    });
    site.write("terraform.tfstate", state.to_string().as_bytes());
}

/// `gen ci github ARGS --root SITE`, offline.
fn ci_github(site: &TestSite, args: &[&str]) -> Run {
    run(&mut gen_command(site, &[&["ci", "github"], args].concat()))
}

fn venv_tool(venv: &str, tool: &str) -> std::path::PathBuf {
    let path = testkit::workspace_root().join(venv).join("bin").join(tool);
    assert!(
        path.exists(),
        "{} not found: run scripts/test once",
        path.display()
    );
    path
}

/// actionlint and the workflow schema: (passed, output) of each.
fn linters(file: &Path) -> [(bool, String); 2] {
    let lint = |tool: &str, args: &[&str]| {
        let output = Command::new(venv_tool(".venv", tool))
            .args(args)
            .arg(file)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    [
        lint(
            "actionlint",
            &[
                "-no-color",
                "-shellcheck",
                venv_tool(".venv", "shellcheck").to_str().unwrap(),
            ],
        ),
        lint(
            "check-jsonschema",
            &["--builtin-schema", "vendor.github-workflows"],
        ),
    ]
}

/// checkov's GitHub Actions checks on the workflows of `root`: the failed checks' ids.
fn checkov_failures(root: &Path) -> Vec<String> {
    let output = Command::new(venv_tool(".venv-checkov", "checkov"))
        .arg("-d")
        .arg(root)
        .args([
            "--framework",
            "github_actions",
            "-o",
            "json",
            "--skip-download",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("checkov output is not JSON ({e}):\n{stdout}"));
    assert!(
        report["summary"]["passed"].as_u64().unwrap_or(0) > 0,
        "checkov checked nothing: {stdout}"
    );
    report["results"]["failed_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["check_id"].as_str().unwrap(),
                c["check_name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_workflow_is_pinned_least_privileged_and_clean() {
    let site = ci_site();
    deployed(&site, "us-east-1");
    let first = ci_github(&site, &["--gen-sha256", SHA]);
    assert!(first.success(), "{}", first.stderr);
    assert_contains!(first.stderr, "wrote");
    assert_contains!(
        first.stderr,
        "deploys run in the GitHub environment \"production\""
    );
    let path = site.path(".github/workflows/gen.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!("workflow", text);

    // Every action at a full commit, no stored AWS keys, nothing allowed by default.
    for line in text
        .lines()
        .filter(|l| l.trim_start().starts_with("- uses:") || l.trim_start().starts_with("uses:"))
    {
        let pin = line.split('@').nth(1).unwrap_or_default();
        let sha = pin.split_whitespace().next().unwrap_or_default();
        assert!(
            sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{line}"
        );
        assert!(pin.contains("# v"), "{line}: the version beside the commit");
    }
    assert!(!text.contains("secrets."), "{text}");
    let workflow: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(workflow["permissions"], serde_json::json!({}));
    let jobs = &workflow["jobs"];
    assert_eq!(
        jobs["plan"]["permissions"],
        serde_json::json!({ "contents": "read", "id-token": "write", "pull-requests": "write" })
    );
    assert_eq!(
        jobs["deploy"]["permissions"],
        serde_json::json!({ "contents": "read", "id-token": "write" })
    );
    // Removing a closed pull request's preview needs a token and nothing else: no checkout.
    assert_eq!(
        jobs["remove-preview"]["permissions"],
        serde_json::json!({ "id-token": "write" })
    );
    assert_eq!(jobs["remove-preview"]["environment"], Value::Null);
    assert_contains!(
        jobs["remove-preview"]["if"].as_str().unwrap(),
        "github.event.action == 'closed'"
    );
    assert_contains!(
        jobs["plan"]["if"].as_str().unwrap(),
        "github.event.action != 'closed'"
    );
    assert_eq!(jobs["deploy"]["concurrency"]["cancel-in-progress"], false);
    // The deploy job runs in the environment the deploy role trusts; the plan job in none, so
    // its token keeps the pull request's subject, the only one the plan role trusts.
    assert_eq!(jobs["deploy"]["environment"], "production");
    assert_eq!(jobs["plan"]["environment"], Value::Null);
    assert_eq!(workflow["env"]["GEN_SHA256"], SHA);
    let runs: Vec<String> = jobs["deploy"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        runs[1..],
        ["gen deploy --auto-approve --strict", "gen check"]
    );

    for (ok, output) in linters(&path) {
        assert!(ok, "{output}");
    }
    assert_eq!(checkov_failures(site.root()), Vec::<String>::new());

    // A broken workflow fails them: a misspelt step id, a misspelt key, write-all permissions.
    let broken = tempfile::tempdir().unwrap();
    let write = |name: &str, from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        let file = broken.path().join(".github/workflows").join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        file
    };
    let step = write("step.yml", "steps.plan.outcome", "steps.plna.outcome");
    let [(ok, output), _] = linters(&step);
    assert!(
        !ok && output.contains(r#"property "plna" is not defined"#),
        "{output}"
    );
    // A quote inside a parameter expansion, which bash cannot parse (shellcheck, through
    // actionlint).
    let quote = write("quote.yml", "see the job log}", "see the job's log}");
    let [(ok, output), _] = linters(&quote);
    assert!(
        !ok && output.contains("shellcheck reported issue"),
        "{output}"
    );
    std::fs::remove_file(&quote).unwrap();
    let key = write(
        "key.yml",
        "    runs-on: ubuntu-24.04\n",
        "    run-on: ubuntu-24.04\n",
    );
    assert!(linters(&key).iter().all(|(ok, _)| !ok));
    std::fs::remove_file(&step).unwrap();
    std::fs::remove_file(&key).unwrap();
    write("all.yml", "permissions: {}\n", "permissions: write-all\n");
    assert!(!checkov_failures(broken.path()).is_empty());
}

#[test]
fn gen_ci_github_keeps_hand_edits_unless_forced() {
    let site = ci_site();
    deployed(&site, "us-east-1");
    assert!(ci_github(&site, &["--gen-sha256", SHA]).success());
    let path = site.path(".github/workflows/gen.yml");
    let written = std::fs::read_to_string(&path).unwrap();

    let again = ci_github(&site, &["--gen-sha256", SHA]);
    assert!(again.success(), "{}", again.stderr);
    assert_contains!(again.stderr, "unchanged");

    // A new region: the workflow as gen wrote it is replaced, and the change shown.
    let config = std::fs::read_to_string(site.path("gen.toml")).unwrap();
    site.write(
        "gen.toml",
        config
            .replacen(
                "\n[backend]",
                "\n[infra]\nregion = \"eu-west-1\"\n\n[backend]",
                1,
            )
            .as_bytes(),
    );
    let moved = ci_github(&site, &["--gen-sha256", SHA]);
    assert!(moved.success(), "{}", moved.stderr);
    assert_contains!(moved.stdout, "-  AWS_REGION: \"us-east-1\"");
    assert_contains!(moved.stdout, "+  AWS_REGION: \"eu-west-1\"");
    let regional = std::fs::read_to_string(&path).unwrap();
    assert_ne!(regional, written);

    // Edited by hand: shown, refused, kept; --dry-run writes nothing; --force overwrites.
    let edited = regional.replace("timeout-minutes: 45", "timeout-minutes: 50");
    std::fs::write(&path, &edited).unwrap();
    site.write("gen.toml", config.as_bytes());
    let refused = ci_github(&site, &["--gen-sha256", SHA]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert_contains!(refused.stderr, "was changed since gen wrote it");
    assert_contains!(refused.stderr, "--force");
    assert_contains!(refused.stdout, "-    timeout-minutes: 50");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    let dry = ci_github(&site, &["--gen-sha256", SHA, "--dry-run", "--force"]);
    assert!(dry.success(), "{}", dry.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    let forced = ci_github(&site, &["--gen-sha256", SHA, "--force"]);
    assert!(forced.success(), "{}", forced.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

#[test]
fn gen_ci_github_refuses_what_a_workflow_cannot_use_and_writes_nothing() {
    let refuse = |site: &TestSite, args: &[&str], words: &[&str]| {
        let run = ci_github(site, args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        for word in words {
            assert_contains!(run.stderr, *word);
        }
        assert!(!site.path(".github").exists(), "{args:?} wrote something");
    };

    // A local backend: no state for the workflow; gen infra refuses too.
    let local = site_with(&format!("[ci]\ngithub = \"{REPO}\"\n"));
    deployed(&local, "us-east-1");
    refuse(
        &local,
        &["--gen-sha256", SHA],
        &["gen state init", "nothing was written"],
    );
    let infra = local.infra(&["--counter-zip", &fixture_zip()]);
    assert_eq!(infra.code, Some(1));
    assert_contains!(infra.stderr, "gen state init");
    assert!(!local.path("out").exists());

    // No [ci]; no roles deployed yet; a bad checksum; a release that cannot be read.
    let site = site_with(&format!(
        "[backend]\ntype = \"s3\"\nbucket = \"{STATE_BUCKET}\"\n"
    ));
    deployed(&site, "us-east-1");
    refuse(
        &site,
        &["--gen-sha256", SHA],
        &["no [ci]", "github = \"owner/repo\""],
    );

    let site = ci_site();
    refuse(
        &site,
        &["--gen-sha256", SHA],
        &["no deployed stack yet: run gen deploy"],
    );
    let state = serde_json::json!({ "version": 4, "outputs": {
        "site_url": { "value": "https://d1.cloudfront.net/" },
        "bucket": { "value": "b" },
        "distribution_id": { "value": "E1" }
    } });
    site.write("terraform.tfstate", state.to_string().as_bytes());
    refuse(
        &site,
        &["--gen-sha256", SHA],
        &["no roles for ada/resume", "gen deploy"],
    );
    deployed(&site, "us-east-1");
    refuse(&site, &["--gen-sha256", "abc"], &["not a SHA-256"]);

    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .args(["ci", "github", "--root"])
        .arg(site.root())
        .env(
            "GEN_RELEASES_URL",
            format!("https://127.0.0.1:{}/releases", testkit::free_port()),
        )
        .env("NO_COLOR", "1");
    let unreachable = run(&mut command);
    assert_eq!(unreachable.code, Some(1), "{}", unreachable.stderr);
    assert_contains!(unreachable.stderr, "reading https://127.0.0.1:");
    assert_contains!(unreachable.stderr, "pass --gen-sha256");
    assert!(!site.path(".github").exists());

    // A repository that is not owner/repo is located in gen.toml.
    let bad = site_with("[ci]\ngithub = \"https://github.com/ada/resume\"\n");
    let run = ci_github(&bad, &["--gen-sha256", SHA]);
    assert_eq!(run.code, Some(1));
    assert_contains!(run.stderr, "gen.toml:");
    assert_contains!(run.stderr, "ci.github");
}

/// The `run:` script of the step of `job` named `name`.
#[cfg(unix)]
fn step_script(workflow: &Value, job: &str, name: &str) -> String {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["name"] == name)
        .and_then(|step| step["run"].as_str())
        .unwrap_or_else(|| panic!("no step {name:?} in job {job}"))
        .to_owned()
}

/// Runs a step's script as GitHub runs it (`bash --noprofile --norc -eo pipefail`), with
/// stand-ins for gen and gh first on PATH; (exit code, what gh was asked).
#[cfg(unix)]
fn run_step(script: &str, temp: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let bin = temp.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let stand_ins = [
        (
            "gen",
            "#!/bin/sh\necho \"$*\" >> \"$RUNNER_TEMP/gen.log\"\n\
             echo 'Terraform will perform the following actions:'\n\
             echo \"${FAKE_PLAN:-Plan: 1 to add, 0 to change, 0 to destroy.}\"\nexit \"${FAKE_EXIT:-0}\"\n",
        ),
        (
            "gh",
            "#!/bin/sh\necho \"$*\" >> \"$RUNNER_TEMP/gh.log\"\n\
             case \"$*\" in *--paginate*) [ -n \"$FAKE_COMMENT\" ] && echo \"$FAKE_COMMENT\" ;; esac\nexit 0\n",
        ),
    ];
    for (name, text) in stand_ins {
        let path = bin.join(name);
        std::fs::write(&path, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script_file = temp.join("step.sh");
    std::fs::write(&script_file, script).unwrap();
    let status = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script_file)
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env("GITHUB_REPOSITORY", REPO)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let asked = std::fs::read_to_string(temp.join("gh.log")).unwrap_or_default();
    (status.code(), asked)
}

#[cfg(unix)]
#[test]
fn the_pull_request_gets_one_plan_comment_updated_in_place() {
    let site = ci_site();
    deployed(&site, "us-east-1");
    assert!(ci_github(&site, &["--gen-sha256", SHA]).success());
    let text = std::fs::read_to_string(site.path(".github/workflows/gen.yml")).unwrap();
    let workflow: Value = serde_saphyr::from_str(&text).unwrap();
    let plan = step_script(&workflow, "plan", "gen deploy --plan-only");
    let post = step_script(&workflow, "plan", "Post the plan on the pull request");
    let sha = [("HEAD_SHA", "0123456789abcdef0123")];

    // A plan: the comment leads with its verdict and holds Terraform's whole output, and the
    // job summary has the same.
    let temp = tempfile::tempdir().unwrap();
    let (code, _) = run_step(&plan, temp.path(), &sha);
    assert_eq!(code, Some(0));
    let comment = std::fs::read_to_string(temp.path().join("comment.md")).unwrap();
    let mut lines = comment.lines();
    assert_eq!(lines.next(), Some("<!-- gen plan -->"));
    assert_eq!(
        lines.next(),
        Some(
            "**gen deploy --plan-only** at 0123456789ab: Plan: 1 to add, 0 to change, 0 to destroy."
        )
    );
    assert_contains!(
        comment,
        "```text\nTerraform will perform the following actions:\n"
    );
    assert_eq!(
        std::fs::read_to_string(temp.path().join("summary.md")).unwrap(),
        comment
    );

    // No comment yet: one is made. One already there: that one is edited, no new one.
    let (code, asked) = run_step(&post, temp.path(), &[("PR", "7")]);
    assert_eq!(code, Some(0));
    let calls: Vec<&str> = asked.lines().collect();
    assert_eq!(calls.len(), 2, "{asked}");
    assert!(
        calls[0].starts_with("api repos/ada/resume/issues/7/comments --paginate"),
        "{asked}"
    );
    let body = format!("-F body=@{}/comment.md", temp.path().display());
    assert_eq!(
        calls[1],
        format!("api --method POST repos/ada/resume/issues/7/comments {body}")
    );
    std::fs::remove_file(temp.path().join("gh.log")).unwrap();
    let (code, asked) = run_step(&post, temp.path(), &[("PR", "7"), ("FAKE_COMMENT", "4242")]);
    assert_eq!(code, Some(0));
    assert_eq!(
        asked.lines().nth(1),
        Some(format!("api --method PATCH repos/ada/resume/issues/comments/4242 {body}").as_str()),
        "{asked}"
    );

    // The preview, published to the stack's bucket under the pull request's folder: its
    // address leads the comment (the step runs before the comment is posted).
    let preview = step_script(&workflow, "plan", "Publish the preview");
    let stack = [
        ("PR", "7"),
        ("SITE_BUCKET", "resume-site-a1b2"),
        ("DISTRIBUTION_ID", "E2QWRUHAPOMQZL"),
        ("SITE_URL", "https://ada.example"),
    ];
    let (code, _) = run_step(&preview, temp.path(), &stack);
    assert_eq!(code, Some(0));
    let gen_log = std::fs::read_to_string(temp.path().join("gen.log")).unwrap();
    assert_eq!(
        gen_log.lines().last(),
        Some("publish --preview 7 --bucket resume-site-a1b2 --distribution-id E2QWRUHAPOMQZL")
    );
    let comment = std::fs::read_to_string(temp.path().join("comment.md")).unwrap();
    let lines: Vec<&str> = comment.lines().take(4).collect();
    assert_eq!(
        lines,
        [
            "<!-- gen plan -->",
            "**Preview:** https://ada.example/_preview/pr-7/",
            "",
            "**gen deploy --plan-only** at 0123456789ab: Plan: 1 to add, 0 to change, 0 to destroy."
        ]
    );
    assert_contains!(
        std::fs::read_to_string(temp.path().join("summary.md")).unwrap(),
        "**Preview:** https://ada.example/_preview/pr-7/"
    );
    // A preview that could not be published fails the step, and the comment says so.
    let failing = tempfile::tempdir().unwrap();
    std::fs::write(
        failing.path().join("comment.md"),
        "<!-- gen plan -->\nplan\n",
    )
    .unwrap();
    let (code, _) = run_step(
        &preview,
        failing.path(),
        &[&stack[..], &[("FAKE_EXIT", "1")]].concat(),
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        std::fs::read_to_string(failing.path().join("comment.md")).unwrap(),
        "<!-- gen plan -->\n**Preview:** not published (exit 1): see the job log\n\nplan\n"
    );
    // Closing the pull request removes its preview, and only that.
    let remove = step_script(
        &workflow,
        "remove-preview",
        "gen publish --preview --remove",
    );
    let closed = tempfile::tempdir().unwrap();
    let (code, _) = run_step(&remove, closed.path(), &stack);
    assert_eq!(code, Some(0));
    assert_eq!(
        std::fs::read_to_string(closed.path().join("gen.log")).unwrap(),
        "publish --preview 7 --remove --bucket resume-site-a1b2 --distribution-id E2QWRUHAPOMQZL\n"
    );

    // A failed plan fails the step, and the comment says so.
    let failed = tempfile::tempdir().unwrap();
    let (code, _) = run_step(
        &plan,
        failed.path(),
        &[
            sha[0],
            ("FAKE_EXIT", "1"),
            ("FAKE_PLAN", "Error: AccessDenied: not authorized"),
        ],
    );
    assert_eq!(code, Some(1));
    let comment = std::fs::read_to_string(failed.path().join("comment.md")).unwrap();
    assert_contains!(
        comment,
        "at 0123456789ab: The plan failed (exit 1): Error: AccessDenied: not authorized"
    );
}
