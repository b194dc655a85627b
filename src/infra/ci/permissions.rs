//! What the CI roles may do: every API call `gen deploy` makes, grouped by resource, each
//! group naming the stack's own resources wherever the service allows it.

use serde_json::json;

use super::grant::Grant;

use super::ROLE_PATH;
use crate::config::{Backend, CounterMode, StackSettings};
use crate::infra::Names;
use crate::infra::tf::Ref;

/// Everything `gen deploy` touches, grouped by resource.
pub(super) fn grants(
    settings: &StackSettings,
    names: &Names,
    account: &Ref,
    provider: &Ref,
    bucket: &Ref,
) -> Vec<Grant> {
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
    // Pull requests publish their previews under _preview/ and nowhere else: the bucket's
    // own ARN (a name pattern's `*` would match `/` too). CloudFront cannot limit an
    // invalidation's paths.
    grants.push(
        Grant::preview(
            "PreviewFiles",
            &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        )
        .on([format!(
            "${{{}}}/{}*",
            bucket.attr("arn"),
            crate::site::PREVIEWS
        )]),
    );
    grants.push(
        Grant::preview("PreviewInvalidations", &["cloudfront:CreateInvalidation"])
            .on([format!("arn:aws:cloudfront::{id}:distribution/*")]),
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
