//! `dns.tf.json`: the custom domain. An ACM certificate in us-east-1 (where CloudFront reads
//! certificates), validated through DNS records in the Route 53 zone, and A/AAAA alias
//! records that point the name at the distribution.

use serde_json::json;

use super::tf::{Document, Ref, lit};
use crate::config::{Domain, StackSettings};

/// Adds the certificate and its validation; returns the validation, which the distribution
/// waits for.
pub fn certificate(doc: &mut Document, settings: &StackSettings, domain: &Domain) -> Ref {
    doc.provider(
        "aws",
        json!({
            "//": "CloudFront accepts certificates from us-east-1 only.",
            "alias": "us_east_1",
            "region": "us-east-1",
            "default_tags": super::providers::default_tags(settings)
        }),
    );
    let zone = doc.data(
        "aws_route53_zone",
        "site",
        json!({ "name": lit(&domain.zone), "private_zone": false }),
    );
    let certificate = doc.resource(
        "aws_acm_certificate",
        "site",
        json!({
            "provider": "aws.us_east_1",
            "domain_name": lit(&domain.name),
            "validation_method": "DNS",
            "lifecycle": [{ "create_before_destroy": true }]
        }),
    );
    doc.resource(
        "aws_route53_record",
        "validation",
        json!({
            "for_each": format!(
                "${{{{for option in {} : option.domain_name => option}}}}",
                certificate.attr("domain_validation_options")
            ),
            "zone_id": zone.get("zone_id"),
            "name": "${each.value.resource_record_name}",
            "type": "${each.value.resource_record_type}",
            "records": ["${each.value.resource_record_value}"],
            "ttl": 300,
            "allow_overwrite": true
        }),
    );
    doc.resource(
        "aws_acm_certificate_validation",
        "site",
        json!({
            "provider": "aws.us_east_1",
            "certificate_arn": certificate.get("arn"),
            "validation_record_fqdns": "${[for record in aws_route53_record.validation : record.fqdn]}"
        }),
    )
}

/// Points the domain at the distribution, over IPv4 and IPv6.
pub fn aliases(doc: &mut Document, domain: &Domain, distribution: &Ref) {
    let zone = "data.aws_route53_zone.site.zone_id";
    for (name, kind) in [("site_a", "A"), ("site_aaaa", "AAAA")] {
        doc.resource(
            "aws_route53_record",
            name,
            json!({
                "zone_id": format!("${{{zone}}}"),
                "name": lit(&domain.name),
                "type": kind,
                "alias": [{
                    "name": distribution.get("domain_name"),
                    "zone_id": distribution.get("hosted_zone_id"),
                    "evaluate_target_health": false
                }]
            }),
        );
    }
}
