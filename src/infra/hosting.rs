//! `site.tf.json`: the bucket that holds the site, private and encrypted, readable only by
//! the CloudFront distribution in front of it, which adds the security headers and strips
//! S3's own. In function-url mode the distribution also serves the counter at `/visits`.

use serde_json::{Value, json};

use super::Names;
use super::tf::{Document, Ref, lit};
use crate::config::{CounterMode, StackSettings};

/// AWS's managed cache policy "Managed-CachingOptimized".
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// AWS's managed cache policy "Managed-CachingDisabled".
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/// AWS's managed origin request policy "Managed-AllViewerExceptHostHeader": the query string
/// and the viewer's headers reach the function URL, whose own host name CloudFront sends.
pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
/// Headers S3 adds that say nothing a viewer needs: removed before they leave CloudFront.
pub const REMOVED_HEADERS: [&str; 4] = [
    "x-amz-meta-md5",
    "x-amz-version-id",
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-bucket-key-enabled",
];
/// HSTS max-age: two years, as the preload list asks for at least one.
pub const HSTS_MAX_AGE: u32 = 63_072_000;

/// What the other files refer to.
pub struct SiteRefs {
    pub bucket: Ref,
    pub distribution: Ref,
    /// The origins the site is served from (`https://...`), as Terraform values.
    pub origins: Vec<Value>,
}

/// The site's resources. `counter_url` is the counter's function URL in function-url mode:
/// the distribution serves it at `/visits`, signing each request with its own OAC.
pub fn document(
    doc: &mut Document,
    settings: &StackSettings,
    names: &Names,
    certificate: Option<&Ref>,
    counter_url: Option<&Ref>,
) -> SiteRefs {
    let bucket = doc.resource(
        "aws_s3_bucket",
        "site",
        json!({ "bucket_prefix": lit(&names.of("site-")), "force_destroy": false }),
    );
    doc.resource(
        "aws_s3_bucket_public_access_block",
        "site",
        json!({
            "bucket": bucket.get("id"),
            "block_public_acls": true,
            "block_public_policy": true,
            "ignore_public_acls": true,
            "restrict_public_buckets": true
        }),
    );
    doc.resource(
        "aws_s3_bucket_ownership_controls",
        "site",
        json!({
            "bucket": bucket.get("id"),
            "rule": [{ "object_ownership": "BucketOwnerEnforced" }]
        }),
    );
    doc.resource(
        "aws_s3_bucket_server_side_encryption_configuration",
        "site",
        json!({
            "bucket": bucket.get("id"),
            "rule": [{
                "apply_server_side_encryption_by_default": [{ "sse_algorithm": "AES256" }],
                "bucket_key_enabled": true
            }]
        }),
    );
    doc.resource(
        "aws_s3_bucket_versioning",
        "site",
        json!({
            "//": "A published file that is overwritten or deleted can be restored for 30 days.",
            "bucket": bucket.get("id"),
            "versioning_configuration": [{ "status": "Enabled" }]
        }),
    );
    doc.resource(
        "aws_s3_bucket_lifecycle_configuration",
        "site",
        json!({
            "bucket": bucket.get("id"),
            "rule": [{
                "id": "expire-old-versions",
                "status": "Enabled",
                "filter": [{ "prefix": "" }],
                "noncurrent_version_expiration": [{ "noncurrent_days": 30 }],
                "abort_incomplete_multipart_upload": [{ "days_after_initiation": 7 }]
            }, {
                "//": "Pull requests' previews: each goes when its pull request closes (gen publish --preview N --remove); one left behind goes after [ci] preview_days.",
                "id": "expire-previews",
                "status": "Enabled",
                "filter": [{ "prefix": crate::site::PREVIEWS }],
                "expiration": [{ "days": settings.preview_days }],
                "noncurrent_version_expiration": [{ "noncurrent_days": 1 }]
            }]
        }),
    );

    let oac = origin_access_control(doc, names, "site", "s3", "the site bucket");
    let headers = doc.resource(
        "aws_cloudfront_response_headers_policy",
        "site",
        json!({
            "name": lit(&names.of("security-headers")),
            "comment": "HSTS, CSP, nosniff, no framing, referrer, permissions and opener policies",
            "security_headers_config": [{
                "strict_transport_security": [{
                    "//": "For the site's host only, unless [headers] in gen.toml says otherwise: a resume on the zone apex must not force HTTPS on every sibling subdomain.",
                    "access_control_max_age_sec": HSTS_MAX_AGE,
                    "include_subdomains": settings.headers.hsts_include_subdomains,
                    "preload": settings.headers.hsts_preload,
                    "override": true
                }],
                "content_security_policy": [{
                    "//": "The page adds its own CSP meta with the hash of its inline style and the exact counter origin; browsers enforce both. This header cannot name the counter's exact address: the counter's CORS names the distribution, so the distribution cannot depend on the counter.",
                    "content_security_policy": content_security_policy(settings),
                    "override": true
                }],
                "content_type_options": [{ "override": true }],
                "frame_options": [{ "frame_option": "DENY", "override": true }],
                "referrer_policy": [{
                    "referrer_policy": "strict-origin-when-cross-origin",
                    "override": true
                }]
            }],
            "custom_headers_config": [{
                "items": [
                    {
                        "header": "Permissions-Policy",
                        "value": super::PERMISSIONS_POLICY,
                        "override": true
                    },
                    {
                        "header": "Cross-Origin-Opener-Policy",
                        "value": "same-origin",
                        "override": true
                    }
                ]
            }],
            "remove_headers_config": [{
                "items": REMOVED_HEADERS.iter().map(|h| json!({ "header": h })).collect::<Vec<_>>()
            }]
        }),
    );

    let error_page = |code: u16| {
        json!({
            "error_code": code,
            "response_code": 404,
            "response_page_path": "/404.html",
            "error_caching_min_ttl": 60
        })
    };
    let viewer_certificate = match certificate {
        Some(validation) => json!([{
            "acm_certificate_arn": validation.get("certificate_arn"),
            "ssl_support_method": "sni-only",
            "minimum_protocol_version": "TLSv1.2_2021"
        }]),
        None => json!([{ "cloudfront_default_certificate": true }]),
    };
    let mut distribution = json!({
        "comment": lit(&format!("{}: resume site", settings.project)),
        "enabled": true,
        "is_ipv6_enabled": true,
        "http_version": "http2and3",
        "price_class": "PriceClass_100",
        "default_root_object": "index.html",
        "origin": [{
            "origin_id": "site",
            "domain_name": bucket.get("bucket_regional_domain_name"),
            "origin_access_control_id": oac.get("id")
        }],
        "default_cache_behavior": [{
            "target_origin_id": "site",
            "viewer_protocol_policy": "redirect-to-https",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "compress": true,
            "cache_policy_id": CACHING_OPTIMIZED,
            "response_headers_policy_id": headers.get("id")
        }],
        "//": "S3 answers 403 for a missing key when the reader may not list the bucket: both become the site's 404 page.",
        "custom_error_response": [error_page(403), error_page(404)],
        "restrictions": [{ "geo_restriction": [{ "restriction_type": "none", "locations": [] }] }],
        "viewer_certificate": viewer_certificate
    });
    if let Some(domain) = &settings.domain {
        distribution["aliases"] = json!([lit(&domain.name)]);
    }
    if let Some(url) = counter_url {
        let oac = origin_access_control(
            doc,
            names,
            "counter",
            "lambda",
            "the counter's function URL",
        );
        let site_origin = distribution["origin"][0].take();
        distribution["origin"] = json!([site_origin, {
            "origin_id": "counter",
            "domain_name": format!("${{split(\"/\", {})[2]}}", url.attr("function_url")),
            "origin_access_control_id": oac.get("id"),
            "custom_origin_config": [{
                "http_port": 80,
                "https_port": 443,
                "origin_protocol_policy": "https-only",
                "origin_ssl_protocols": ["TLSv1.2"]
            }]
        }]);
        distribution["ordered_cache_behavior"] = json!([{
            "path_pattern": counter::api::ROUTE,
            "target_origin_id": "counter",
            "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            "cached_methods": ["GET", "HEAD"],
            "compress": false,
            "cache_policy_id": CACHING_DISABLED,
            "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST_HEADER,
            "response_headers_policy_id": headers.get("id")
        }]);
    }
    let distribution = doc.resource("aws_cloudfront_distribution", "site", distribution);

    let policy = doc.data(
        "aws_iam_policy_document",
        "site_bucket",
        json!({
            "statement": [
                {
                    "sid": "CloudFrontReadsThroughOAC",
                    "effect": "Allow",
                    "actions": ["s3:GetObject"],
                    "resources": [format!("${{{}}}/*", bucket.attr("arn"))],
                    "principals": [{ "type": "Service", "identifiers": ["cloudfront.amazonaws.com"] }],
                    "condition": [{
                        "test": "StringEquals",
                        "variable": "AWS:SourceArn",
                        "values": [distribution.get("arn")]
                    }]
                },
                {
                    "sid": "DenyInsecureTransport",
                    "effect": "Deny",
                    "actions": ["s3:*"],
                    "resources": [bucket.get("arn"), format!("${{{}}}/*", bucket.attr("arn"))],
                    "principals": [{ "type": "*", "identifiers": ["*"] }],
                    "condition": [{
                        "test": "Bool",
                        "variable": "aws:SecureTransport",
                        "values": ["false"]
                    }]
                }
            ]
        }),
    );
    doc.resource(
        "aws_s3_bucket_policy",
        "site",
        json!({
            "bucket": bucket.get("id"),
            "policy": policy.get("json"),
            "depends_on": ["aws_s3_bucket_public_access_block.site"]
        }),
    );

    let mut origins = vec![json!(format!(
        "https://${{{}}}",
        distribution.attr("domain_name")
    ))];
    if let Some(domain) = &settings.domain {
        origins.push(lit(&format!("https://{}", domain.name)));
    }
    SiteRefs {
        bucket,
        distribution,
        origins,
    }
}

/// The policy every response carries. Inline styles are pinned by hash in the page's own
/// CSP meta; the counter's origin is named exactly there too.
fn content_security_policy(settings: &StackSettings) -> String {
    let counter = match settings.counter.mode {
        CounterMode::Http => Some(format!(
            "https://*.execute-api.{}.amazonaws.com",
            settings.region
        )),
        CounterMode::Websocket => Some(format!(
            "wss://*.execute-api.{}.amazonaws.com",
            settings.region
        )),
        // Served by the site's own distribution at /visits.
        CounterMode::FunctionUrl => Some("'self'".to_owned()),
        CounterMode::Off => None,
    };
    let mut policy = String::from(
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
         img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; script-src 'self'",
    );
    if let Some(origin) = counter {
        policy.push_str(&format!("; connect-src {origin}"));
    }
    policy.push_str("; upgrade-insecure-requests");
    policy
}

/// An Origin Access Control with which CloudFront signs (SigV4) every request it sends to an
/// origin of `origin_type`, so that the origin can refuse everyone else.
fn origin_access_control(
    doc: &mut Document,
    names: &Names,
    label: &str,
    origin_type: &str,
    origin: &str,
) -> Ref {
    doc.resource(
        "aws_cloudfront_origin_access_control",
        label,
        json!({
            "name": lit(&names.of(label)),
            "description": format!("CloudFront signs every request to {origin}"),
            "origin_access_control_origin_type": origin_type,
            "signing_behavior": "always",
            "signing_protocol": "sigv4"
        }),
    )
}
