//! `gen infra`'s product: the whole AWS stack as Terraform JSON, built from typed values
//! ([`tf`]) and the checked settings of `gen.toml`. [`generate`] returns the files without
//! I/O; [`disk`] writes them.

mod alerts;
pub mod ci;
pub mod disk;
mod dns;
mod hosting;
mod lambda;
mod live_counter;
mod providers;
pub mod tf;
mod visitor_counter;

use serde_json::{Value, json};

use crate::config::{CounterMode, StackSettings};
use hosting::SiteRefs;
use tf::Document;

/// The counter Lambda's deployment package, next to the `.tf.json` files.
pub const COUNTER_ZIP: &str = "counter.zip";

/// The `Permissions-Policy` of every page: no camera, microphone, location, payment or USB.
pub const PERMISSIONS_POLICY: &str = "camera=(), geolocation=(), microphone=(), payment=(), usb=()";

/// The local backend's state file, at the project root (outside `out/`, which is generated).
pub const STATE_FILE: &str = "terraform.tfstate";

/// The folder `gen infra` writes to by default and Terraform runs in: `ROOT/out/infra`.
pub fn default_dir(root: &std::path::Path) -> std::path::PathBuf {
    root.join("out").join("infra")
}

/// Every file name `gen infra` may write into the infra folder. It writes and removes only
/// these; anything else there (state, `.terraform/`, the lock file) is never touched.
pub const OWN_FILES: [&str; 9] = [
    "backend.tf.json",
    "providers.tf.json",
    "site.tf.json",
    "counter.tf.json",
    "dns.tf.json",
    "alerts.tf.json",
    "ci.tf.json",
    "outputs.tf.json",
    COUNTER_ZIP,
];

/// How the stack is laid out on disk.
#[derive(Debug, Clone)]
pub struct StackOptions {
    /// The local backend's state file, relative to the infra folder (or absolute).
    pub local_state_path: String,
    /// The site's page paths (`/`, `/posts/a/`): the only ones the counter counts.
    pub pages: Vec<String>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfraFile {
    pub name: &'static str,
    pub text: String,
}

/// Names derived from the project name, shared by the files.
pub(crate) struct Names {
    project: String,
}

impl Names {
    fn of(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.project)
    }
}

/// The stack's Terraform files, in a fixed order. `counter.tf.json` is absent when the
/// counter is off, `dns.tf.json` when there is no custom domain, `alerts.tf.json` when
/// gen.toml has no `[alerts]` and `ci.tf.json` when it has no `[ci]`.
pub fn generate(settings: &StackSettings, options: &StackOptions) -> Vec<InfraFile> {
    let names = Names {
        project: settings.project.clone(),
    };
    let backend = providers::backend(settings, options);
    let providers = providers::providers(settings);

    let mut dns = settings
        .domain
        .as_ref()
        .map(|_| Document::new("Custom domain: ACM certificate (us-east-1), DNS validation and alias records in Route 53."));
    let certificate = match (&settings.domain, dns.as_mut()) {
        (Some(domain), Some(doc)) => Some(dns::certificate(doc, settings, domain)),
        _ => None,
    };

    let mut counter_doc = (settings.counter.mode != CounterMode::Off).then(|| {
        Document::new(
            "The visitor counter: DynamoDB table, Rust Lambda (counter.zip) and its public endpoint.",
        )
    });
    let function = counter_doc
        .as_mut()
        .map(|doc| visitor_counter::function(doc, settings, &names, &options.pages));

    let mut site_doc = Document::new(
        "The website: a private S3 bucket served only through CloudFront (origin access control), with security headers.",
    );
    let counter_url = function.as_ref().and_then(|f| f.url.as_ref());
    let site = hosting::document(
        &mut site_doc,
        settings,
        &names,
        certificate.as_ref(),
        counter_url,
    );

    if let (Some(domain), Some(doc)) = (&settings.domain, dns.as_mut()) {
        dns::aliases(doc, domain, &site.distribution);
    }

    let counter = match (counter_doc, function) {
        (Some(mut doc), Some(function)) => {
            let url = visitor_counter::endpoint(&mut doc, settings, &names, &function, &site);
            Some((doc, url))
        }
        _ => None,
    };
    let alerts = settings.alerts.as_ref().map(|alerts| {
        let mut doc = Document::new(
            "A monthly cost budget for the whole account that emails before the bill surprises anyone.",
        );
        alerts::budget(&mut doc, &names, alerts);
        doc
    });

    let ci = settings.ci.as_ref().map(|ci| {
        let mut doc = Document::new(
            "CI/CD: GitHub Actions signs in through OIDC; a deploy role for main, a read-only plan role for pull requests.",
        );
        let roles = ci::roles(&mut doc, settings, &names, ci, &site.bucket);
        (doc, roles)
    });

    let outputs = outputs(
        settings,
        &site,
        counter.as_ref().map(|(_, url)| url),
        ci.as_ref().map(|(_, roles)| roles),
    );

    let optional = [
        ("counter.tf.json", counter.map(|(doc, _)| doc)),
        ("dns.tf.json", dns),
        ("alerts.tf.json", alerts),
        ("ci.tf.json", ci.map(|(doc, _)| doc)),
    ];
    [
        ("backend.tf.json", Some(backend)),
        ("providers.tf.json", Some(providers)),
        ("site.tf.json", Some(site_doc)),
    ]
    .into_iter()
    .chain(optional)
    .chain([("outputs.tf.json", Some(outputs))])
    .filter_map(|(name, doc)| {
        doc.map(|doc| InfraFile {
            name,
            text: doc.to_json(),
        })
    })
    .collect()
}

/// `outputs.tf.json`: what gen reads back after `terraform apply`.
fn outputs(
    settings: &StackSettings,
    site: &SiteRefs,
    counter_url: Option<&Value>,
    ci: Option<&ci::CiRoles>,
) -> Document {
    let mut outputs = Document::new(
        "What gen build, gen publish and gen deploy read back after terraform apply.",
    );
    let site_url = match &settings.domain {
        Some(domain) => json!(format!("https://{}/", domain.name)),
        None => json!(format!(
            "https://${{{}}}/",
            site.distribution.attr("domain_name")
        )),
    };
    outputs.output("site_url", "The site's address", site_url);
    outputs.output(
        "bucket",
        "The S3 bucket that holds the site",
        site.bucket.get("bucket"),
    );
    outputs.output(
        "distribution_id",
        "The CloudFront distribution that serves the site",
        site.distribution.get("id"),
    );
    if let Some(url) = counter_url {
        outputs.output(
            "counter_url",
            "The visitor counter's endpoint, called by the page",
            url.clone(),
        );
    }
    if let Some(roles) = ci {
        outputs.output(
            "ci_deploy_role_arn",
            "The role GitHub Actions assumes on main to deploy",
            roles.deploy.get("arn"),
        );
        outputs.output(
            "ci_plan_role_arn",
            "The read-only role GitHub Actions assumes on pull requests to plan",
            roles.plan.get("arn"),
        );
    }
    outputs
}
