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

use serde_json::{Value, json};

use super::Names;
use super::tf::{Document, Ref, lit};
use crate::config::stack::Ci;
use crate::config::{Backend, CounterMode, StackSettings};

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

/// What the CI roles may do to one kind of resource: `read` is for both roles, `write` for
/// the deploy role only.
struct Grant {
    sid: &'static str,
    read: &'static [&'static str],
    write: &'static [&'static str],
    resources: Vec<Value>,
    conditions: Value,
}

impl Grant {
    fn new(
        sid: &'static str,
        read: &'static [&'static str],
        write: &'static [&'static str],
    ) -> Self {
        Grant {
            sid,
            read,
            write,
            resources: Vec::new(),
            conditions: Value::Null,
        }
    }

    fn on(mut self, resources: impl IntoIterator<Item = String>) -> Self {
        self.resources
            .extend(resources.into_iter().map(Value::String));
        self
    }

    fn statement(&self, deploy: bool) -> Option<Value> {
        let mut actions: Vec<&str> = self.read.to_vec();
        if deploy {
            actions.extend(self.write);
        }
        (!actions.is_empty()).then(|| {
            let mut statement = json!({
                "sid": self.sid,
                "effect": "Allow",
                "actions": actions,
                "resources": self.resources
            });
            if !self.conditions.is_null() {
                statement["condition"] = self.conditions.clone();
            }
            statement
        })
    }
}

/// Adds the OIDC provider (or looks up the account's), both roles and their policies; returns
/// the roles, for the outputs.
pub(crate) fn roles(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    ci: &Ci,
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
    let grants = grants(settings, names, &account, &provider);

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

/// Everything `gen deploy` touches, grouped by resource.
fn grants(settings: &StackSettings, names: &Names, account: &Ref, provider: &Ref) -> Vec<Grant> {
    let id = format!("${{{}}}", account.attr("account_id"));
    let region = &settings.region;
    let project = &settings.project;
    let mut grants = Vec::new();

    if let Backend::S3 { bucket, key, .. } = &settings.backend {
        grants.push(
            Grant::new(
                "State",
                &["s3:ListBucket", "s3:GetObject"],
                &["s3:PutObject"],
            )
            .on([
                format!("arn:aws:s3:::{bucket}"),
                format!("arn:aws:s3:::{bucket}/{key}"),
            ]),
        );
        grants.push(
            Grant::new(
                "StateLock",
                &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                &[],
            )
            .on([format!("arn:aws:s3:::{bucket}/{key}.tflock")]),
        );
    }

    let site_bucket = format!("arn:aws:s3:::{}", names.of("site-*"));
    grants.push(
        Grant::new(
            "SiteBucket",
            &[
                "s3:ListBucket",
                "s3:GetBucket*",
                "s3:GetAccelerateConfiguration",
                "s3:GetEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
            ],
            &[
                "s3:CreateBucket",
                "s3:PutBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketVersioning",
                "s3:PutBucketTagging",
                "s3:PutEncryptionConfiguration",
                "s3:PutLifecycleConfiguration",
            ],
        )
        .on([site_bucket.clone()]),
    );
    grants.push(
        Grant::new(
            "SiteFiles",
            &[],
            &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        )
        .on([format!("{site_bucket}/*")]),
    );
    grants.push(
        Grant::new(
            "Distribution",
            &["cloudfront:Get*", "cloudfront:ListTagsForResource"],
            &[
                "cloudfront:CreateDistribution",
                "cloudfront:UpdateDistribution",
                "cloudfront:TagResource",
                "cloudfront:UntagResource",
                "cloudfront:CreateInvalidation",
                "cloudfront:CreateOriginAccessControl",
                "cloudfront:UpdateOriginAccessControl",
                "cloudfront:CreateResponseHeadersPolicy",
                "cloudfront:UpdateResponseHeadersPolicy",
            ],
        )
        .on([
            "distribution",
            "origin-access-control",
            "response-headers-policy",
        ]
        .map(|kind| format!("arn:aws:cloudfront::{id}:{kind}/*"))),
    );

    if settings.counter.mode != CounterMode::Off {
        let function_name = names.of("counter");
        grants.push(
            Grant::new(
                "CounterTable",
                &[
                    "dynamodb:DescribeTable",
                    "dynamodb:DescribeContinuousBackups",
                    "dynamodb:DescribeTimeToLive",
                    "dynamodb:ListTagsOfResource",
                ],
                &[
                    "dynamodb:CreateTable",
                    "dynamodb:UpdateTable",
                    "dynamodb:UpdateContinuousBackups",
                    "dynamodb:TagResource",
                    "dynamodb:UntagResource",
                ],
            )
            .on([format!("arn:aws:dynamodb:{region}:{id}:table/{project}-*")]),
        );
        grants.push(
            Grant::new("TableKey", &["kms:DescribeKey"], &[])
                .on([format!("arn:aws:kms:{region}:{id}:key/*")]),
        );
        grants.push(
            Grant::new(
                "CounterFunction",
                &[
                    "lambda:GetFunction*",
                    "lambda:GetPolicy",
                    "lambda:ListVersionsByFunction",
                ],
                &[
                    "lambda:CreateFunction",
                    "lambda:UpdateFunctionCode",
                    "lambda:UpdateFunctionConfiguration",
                    "lambda:PutFunctionConcurrency",
                    "lambda:DeleteFunctionConcurrency",
                    "lambda:AddPermission",
                    "lambda:RemovePermission",
                    "lambda:CreateFunctionUrlConfig",
                    "lambda:UpdateFunctionUrlConfig",
                    "lambda:TagResource",
                    "lambda:UntagResource",
                ],
            )
            .on([format!("arn:aws:lambda:{region}:{id}:function:{project}-*")]),
        );
        grants.push(
            Grant::new(
                "CounterLogs",
                &["logs:ListTagsForResource", "logs:ListTagsLogGroup"],
                &[
                    "logs:CreateLogGroup",
                    "logs:PutRetentionPolicy",
                    "logs:TagResource",
                    "logs:UntagResource",
                    "logs:TagLogGroup",
                ],
            )
            .on(["lambda", "apigateway"].map(|service| {
                format!("arn:aws:logs:{region}:{id}:log-group:/aws/{service}/{project}-*")
            })),
        );
        grants.push(
            Grant::new("FindLogGroups", &["logs:DescribeLogGroups"], &[])
                .on([format!("arn:aws:logs:{region}:{id}:log-group:*")]),
        );
        let mut passed = vec![format!("arn:aws:iam::{id}:role/{function_name}")];
        if settings.counter.mode == CounterMode::Websocket {
            passed.push(format!(
                "arn:aws:iam::{id}:role/{}",
                names.of("counter-broadcast")
            ));
        }
        let mut pass = Grant::new("PassCounterRole", &[], &["iam:PassRole"]).on(passed);
        pass.conditions = json!([{
            "test": "StringEquals",
            "variable": "iam:PassedToService",
            "values": ["lambda.amazonaws.com"]
        }]);
        grants.push(pass);
        if settings.counter.mode == CounterMode::Websocket {
            grants.push(
                Grant::new("ConnectionsExpire", &[], &["dynamodb:UpdateTimeToLive"]).on([format!(
                    "arn:aws:dynamodb:{region}:{id}:table/{}",
                    names.of("connections")
                )]),
            );
            grants.push(
                Grant::new(
                    "BroadcastFailures",
                    &["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
                    &[
                        "sqs:CreateQueue",
                        "sqs:SetQueueAttributes",
                        "sqs:TagQueue",
                        "sqs:UntagQueue",
                    ],
                )
                .on([format!("arn:aws:sqs:{region}:{id}:{project}-*")]),
            );
            grants.push(
                Grant::new(
                    "ReadStreamMappings",
                    &[
                        "lambda:GetEventSourceMapping",
                        "lambda:ListEventSourceMappings",
                    ],
                    &[],
                )
                .on(["*".to_owned()]),
            );
            let mut mapping = Grant::new(
                "BroadcastStreamMapping",
                &[],
                &[
                    "lambda:CreateEventSourceMapping",
                    "lambda:UpdateEventSourceMapping",
                ],
            )
            .on(["*".to_owned()]);
            mapping.conditions = json!([{
                "test": "StringEquals",
                "variable": "lambda:FunctionArn",
                "values": [format!("arn:aws:lambda:{region}:{id}:function:{}", names.of("counter-broadcast"))]
            }]);
            grants.push(mapping);
        }
        if matches!(
            settings.counter.mode,
            CounterMode::Http | CounterMode::Websocket
        ) {
            grants.push(
                Grant::new(
                    "CounterApi",
                    &["apigateway:GET"],
                    &[
                        "apigateway:POST",
                        "apigateway:PATCH",
                        "apigateway:PUT",
                        "apigateway:DELETE",
                    ],
                )
                .on(["/apis", "/apis/*", "/tags/*"]
                    .map(|path| format!("arn:aws:apigateway:{region}::{path}"))),
            );
        }
    }

    grants.push(
        Grant::new(
            "StackRoles",
            &[
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
            ],
            &["iam:TagRole", "iam:UntagRole"],
        )
        .on([format!("arn:aws:iam::{id}:role/{project}-*")]),
    );
    grants.push(
        Grant::new(
            "ReadCiRoles",
            &[
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
            ],
            &[],
        )
        .on([format!("arn:aws:iam::{id}:role{ROLE_PATH}{project}-ci-*")]),
    );
    grants.push(
        Grant::new("ReadOidcProvider", &["iam:GetOpenIDConnectProvider"], &[])
            .on([format!("${{{}}}", provider.attr("arn"))]),
    );
    if provider.address().starts_with("data.") {
        grants.push(
            Grant::new("FindOidcProvider", &["iam:ListOpenIDConnectProviders"], &[])
                .on(["*".to_owned()]),
        );
    }

    if settings.domain.is_some() {
        grants.push(
            Grant::new(
                "Certificate",
                &["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
                &[
                    "acm:RequestCertificate",
                    "acm:AddTagsToCertificate",
                    "acm:RemoveTagsFromCertificate",
                ],
            )
            .on([format!("arn:aws:acm:us-east-1:{id}:certificate/*")]),
        );
        grants.push(Grant::new("FindZone", &["route53:ListHostedZones"], &[]).on(["*".to_owned()]));
        grants.push(
            Grant::new(
                "Zone",
                &[
                    "route53:GetHostedZone",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResource",
                    "route53:GetChange",
                ],
                &["route53:ChangeResourceRecordSets"],
            )
            .on([
                "arn:aws:route53:::hostedzone/${data.aws_route53_zone.site.zone_id}".to_owned(),
                "arn:aws:route53:::change/*".to_owned(),
            ]),
        );
    }
    if settings.alerts.is_some() {
        grants.push(
            Grant::new(
                "Budget",
                &["budgets:ViewBudget", "budgets:ListTagsForResource"],
                &[
                    "budgets:ModifyBudget",
                    "budgets:TagResource",
                    "budgets:UntagResource",
                ],
            )
            .on([format!(
                "arn:aws:budgets::{id}:budget/{}",
                names.of("monthly-cost")
            )]),
        );
    }
    grants
}
