//! `ci.tf.json`, with `[ci] github = "owner/repo"`: GitHub Actions signs in to AWS through
//! OIDC, without stored keys. A **deploy role** that only a job in the repository's
//! `production` environment may assume (the workflow's deploy job, on pushes to `main`), and a
//! **plan role**, read-only, for its pull requests.
//!
//! The deploy role trusts the environment, not the branch: any job on `main` that names no
//! environment (of any workflow: a `workflow_dispatch`, a schedule, a `workflow_run`) has the
//! branch's subject, while the environment's subject goes only to a job that names the
//! environment, once the environment's protection rules (the branches it accepts, its
//! reviewers) let it start. The plan role keeps the pull requests' subject: a pull request runs
//! its own copy of the workflow, so an environment or the workflow's path (a claim of GitHub's
//! tokens that AWS cannot check: it reads their subject, not their custom claims) would bind
//! nothing more, and the role only reads.
//!
//! The roles' permissions are written from the API calls `gen deploy` makes (Terraform's and
//! gen publish's), grouped by resource: each group names the stack's own resources (the
//! project prefix, the state key) wherever the service allows it. The deploy role reads IAM
//! but changes no role or policy (only the counter role's tags): the CI roles live under their
//! own path, outside the prefix, so a workflow cannot widen its own rights, and a change to a
//! role is applied by a `gen deploy` from an administrator's machine.

mod grant;
mod permissions;

use serde_json::{Value, json};

use super::Names;
use super::tf::{Document, Ref, lit};
use crate::config::StackSettings;
use crate::config::stack::Ci;
use permissions::grants;

/// GitHub's token issuer.
pub const GITHUB_OIDC_URL: &str = "https://token.actions.githubusercontent.com";
/// The audience of the token `aws-actions/configure-aws-credentials` asks for.
pub const AUDIENCE: &str = "sts.amazonaws.com";
/// The IAM path of the CI roles: outside `role/<project>-*`, which the deploy role may tag.
pub const ROLE_PATH: &str = "/gen-ci/";

/// The GitHub environment of the workflow's deploy job: the deploy role trusts its jobs only.
/// GitHub creates it when a job first names it; its rules are set in the repository's settings.
pub const DEPLOY_ENVIRONMENT: &str = "production";

/// The OIDC subject of a job in the deploy environment, whatever its branch or event (GitHub
/// gives a job that names an environment this subject instead of its branch's).
pub fn deploy_subject(repo: &str) -> String {
    format!("repo:{repo}:environment:{DEPLOY_ENVIRONMENT}")
}

/// The OIDC subject of a workflow run for a pull request into the repository (forks' runs
/// get no token unless the repository allows it; their subject is the same).
pub fn plan_subject(repo: &str) -> String {
    format!("repo:{repo}:pull_request")
}

/// Adds the OIDC provider (or looks up the account's), both roles and their policies; returns
/// the roles, for the outputs.
pub(crate) fn roles(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    ci: &Ci,
    bucket: &Ref,
) -> CiRoles {
    let provider = if ci.use_existing_oidc_provider {
        doc.data(
            "aws_iam_openid_connect_provider",
            "github",
            json!({ "url": GITHUB_OIDC_URL }),
        )
    } else {
        doc.resource(
            "aws_iam_openid_connect_provider",
            "github",
            json!({
                "//": "One per account: with another stack's already there, set [ci] use_existing_oidc_provider = true.",
                "url": GITHUB_OIDC_URL,
                "client_id_list": [AUDIENCE]
            }),
        )
    };
    let account = doc.data("aws_caller_identity", "ci", json!({}));
    let grants = grants(settings, names, &account, &provider, bucket);

    let mut role = |name: &str, subject: String, deploy: bool, what: &str| {
        let trust = doc.data(
            "aws_iam_policy_document",
            &format!("ci_{name}_trust"),
            json!({
                "statement": [{
                    "sid": "GitHubActions",
                    "effect": "Allow",
                    "actions": ["sts:AssumeRoleWithWebIdentity"],
                    "principals": [{ "type": "Federated", "identifiers": [provider.get("arn")] }],
                    "condition": [
                        {
                            "test": "StringEquals",
                            "variable": "token.actions.githubusercontent.com:aud",
                            "values": [AUDIENCE]
                        },
                        {
                            "test": "StringEquals",
                            "variable": "token.actions.githubusercontent.com:sub",
                            "values": [lit(&subject)]
                        }
                    ]
                }]
            }),
        );
        let role = doc.resource(
            "aws_iam_role",
            &format!("ci_{name}"),
            json!({
                "name": lit(&names.of(&format!("ci-{name}"))),
                "path": ROLE_PATH,
                "description": format!("{what} (gen)"),
                "assume_role_policy": trust.get("json"),
                "max_session_duration": 3600
            }),
        );
        let statements: Vec<Value> = grants
            .iter()
            .filter_map(|grant| grant.statement(deploy))
            .collect();
        let permissions = doc.data(
            "aws_iam_policy_document",
            &format!("ci_{name}"),
            json!({ "statement": statements }),
        );
        doc.resource(
            "aws_iam_role_policy",
            &format!("ci_{name}"),
            json!({
                "name": name,
                "role": role.get("id"),
                "policy": permissions.get("json")
            }),
        );
        role
    };
    let deploy = role(
        "deploy",
        deploy_subject(&ci.github),
        true,
        &format!("GitHub Actions in the {DEPLOY_ENVIRONMENT} environment: gen deploy"),
    );
    let plan = role(
        "plan",
        plan_subject(&ci.github),
        false,
        "GitHub Actions on pull requests: gen deploy --plan-only",
    );
    CiRoles { deploy, plan }
}

/// The two roles.
pub struct CiRoles {
    pub deploy: Ref,
    pub plan: Ref,
}
