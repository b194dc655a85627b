//! `gen publish` against S3 and CloudFront served by moto: first publish, no-op, one-line
//! change, deletes and their cap, keys outside the prefix, an interrupted publish, and buckets
//! that are not the site's.

use std::collections::BTreeMap;
use std::process::Command;

use testkit::{FailingProxy, Moto, as_account, boto3};

use crate::support::{Run, TestSite, run};

const BUCKET: &str = "resume-site";

/// A moto with the bucket (tagged as gen's stack tags it) and a distribution; returns the
/// distribution's id.
pub(crate) fn stack(moto: &Moto) -> String {
    boto3(
        moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             s3.create_bucket(Bucket='{BUCKET}')\n\
             s3.put_bucket_tagging(Bucket='{BUCKET}', Tagging={{'TagSet': [{{'Key': 'Project', 'Value': 'resume'}}, {{'Key': 'ManagedBy', 'Value': 'gen'}}]}})\n\
             cf = boto3.client('cloudfront', **kw)\n\
             d = cf.create_distribution(DistributionConfig={{'CallerReference': 'test', 'Comment': '', 'Enabled': True,\n\
               'Origins': {{'Quantity': 1, 'Items': [{{'Id': 'site', 'DomainName': '{BUCKET}.s3.amazonaws.com', 'S3OriginConfig': {{'OriginAccessIdentity': ''}}}}]}},\n\
               'DefaultCacheBehavior': {{'TargetOriginId': 'site', 'ViewerProtocolPolicy': 'redirect-to-https', 'MinTTL': 0,\n\
                 'ForwardedValues': {{'QueryString': False, 'Cookies': {{'Forward': 'none'}}}}, 'TrustedSigners': {{'Enabled': False, 'Quantity': 0}}}}}})\n\
             print(d['Distribution']['Id'], end='')"
        ),
    )
}

pub(crate) fn publish(site: &TestSite, moto: &Moto, args: &[&str]) -> Run {
    publish_via(site, &moto.endpoint(), moto, args)
}

/// `gen publish` with S3 and CloudFront at `endpoint` (moto, or a proxy in front of it).
fn publish_via(site: &TestSite, endpoint: &str, moto: &Moto, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
    command
        .arg("publish")
        .arg("--root")
        .arg(site.root())
        .args(["--bucket", BUCKET])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .envs(moto.env())
        .env("AWS_ENDPOINT_URL", endpoint);
    run(&mut command)
}

/// Every object under the bucket: key → (md5 metadata, Content-Type, Cache-Control, ETag).
pub(crate) fn objects(moto: &Moto) -> BTreeMap<String, (String, String, String, String)> {
    let out = boto3(
        moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             out = {{}}\n\
             for o in s3.list_objects_v2(Bucket='{BUCKET}').get('Contents', []):\n\
             \x20   h = s3.head_object(Bucket='{BUCKET}', Key=o['Key'])\n\
             \x20   out[o['Key']] = [h['Metadata'].get('md5', ''), h.get('ContentType', ''), h.get('CacheControl', ''), h['ETag'].strip('\"')]\n\
             print(json.dumps(out))"
        ),
    );
    serde_json::from_str(&out).unwrap()
}

/// The invalidations' path lists, oldest first.
pub(crate) fn invalidations(moto: &Moto, distribution: &str) -> Vec<Vec<String>> {
    let out = boto3(
        moto,
        &format!(
            "cf = boto3.client('cloudfront', **kw)\n\
             items = sorted(cf.list_invalidations(DistributionId='{distribution}')['InvalidationList'].get('Items', []), key=lambda i: i['CreateTime'])\n\
             out = [cf.get_invalidation(DistributionId='{distribution}', Id=i['Id'])['Invalidation']['InvalidationBatch']['Paths'].get('Items', []) for i in items]\n\
             print(json.dumps(out))"
        ),
    );
    serde_json::from_str(&out).unwrap()
}

fn built(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    site.output()
}

/// The MD5 S3 reports as the ETag, computed here, not by gen.
fn md5(bytes: &[u8]) -> String {
    use md5::Digest;
    hex::encode(md5::Md5::digest(bytes))
}

/// The Content-Type each kind of file of the site must be served with.
fn expected_content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" => "image/jpeg",
        "pdf" => "application/pdf",
        other => panic!("{path}: no expected Content-Type for .{other} in this test"),
    }
}

fn is_fingerprinted(path: &str) -> bool {
    path.split('.')
        .any(|part| part.len() == 10 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The bucket holds exactly the site, byte for byte, with the right headers.
fn assert_bucket_is(moto: &Moto, files: &BTreeMap<String, Vec<u8>>, prefix: &str) {
    let objects = objects(moto);
    let ours: BTreeMap<&String, _> = objects
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect();
    let expected: Vec<String> = files
        .keys()
        .filter(|k| *k != ".gen-site")
        .map(|k| format!("{prefix}{k}"))
        .collect();
    assert_eq!(
        ours.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        expected
    );
    for (path, bytes) in files.iter().filter(|(k, _)| *k != ".gen-site") {
        let (meta_md5, content_type, cache, etag) = &objects[&format!("{prefix}{path}")];
        assert_eq!((meta_md5, etag), (&md5(bytes), &md5(bytes)), "{path}");
        assert_eq!(content_type, expected_content_type(path), "{path}");
        let immutable = is_fingerprinted(path);
        let expected_cache = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=0, must-revalidate"
        };
        assert_eq!(cache, expected_cache, "{path}");
    }
}

#[test]
fn publishes_then_uploads_only_what_changed() {
    let moto = Moto::start();
    let distribution = stack(&moto);
    let site = TestSite::new();
    let first = built(&site);
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    let count = first.len() - 1; // the .gen-site marker is not published
    assert_contains!(run.stderr, &format!("uploaded {count} ("));
    assert_bucket_is(&moto, &first, "");
    // New pages may have been asked for before (a cached 404): they are invalidated; new
    // fingerprinted files are not.
    let mut pages: Vec<String> = first
        .keys()
        .filter(|k| *k != ".gen-site" && !is_fingerprinted(k))
        .map(|k| format!("/{k}"))
        .chain(["/".to_owned()])
        .collect();
    pages.sort();
    let mut got = invalidations(&moto, &distribution);
    assert_eq!(got.len(), 1, "{got:?}");
    got[0].sort();
    assert_eq!(got[0], pages);

    // A rebuild with no change: nothing sent, nothing invalidated.
    let again = built(&site);
    assert_eq!(again, first);
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        &format!("uploaded 0 (0 B), deleted 0, unchanged {count}; nothing to invalidate")
    );
    assert_eq!(invalidations(&moto, &distribution).len(), 1);

    // One line of the resume changes: only the files whose bytes changed go up.
    let resume = std::fs::read_to_string(site.path("content/resume.yaml")).unwrap();
    let label_line = resume
        .lines()
        .find(|l| l.trim_start().starts_with("label:"))
        .unwrap()
        .to_owned();
    site.write(
        "content/resume.yaml",
        resume
            .replace(&label_line, "  label: Principal Cloud Engineer")
            .as_bytes(),
    );
    let changed_site = built(&site);
    let changed: Vec<&String> = changed_site
        .iter()
        .filter(|(k, v)| first.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(changed.contains(&&"index.html".to_owned()), "{changed:?}");
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("uploaded {} (", changed.len())),
        "{changed:?}\n{}",
        run.stderr
    );
    assert_bucket_is(&moto, &changed_site, "");
    let mut expected_paths: Vec<String> = changed.iter().map(|p| format!("/{p}")).collect();
    // index.html changed (asserted above), so `/` is invalidated with it.
    expected_paths.push("/".into());
    expected_paths.sort();
    let mut got = invalidations(&moto, &distribution);
    assert_eq!(got.len(), 2);
    got[1].sort();
    assert_eq!(got[1], expected_paths);

    // Someone changes a header in the bucket; a machine without gen's publish record (a
    // fresh clone, CI) looks at every object and puts it right.
    boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             s3.copy_object(Bucket='{BUCKET}', Key='404.html', CopySource={{'Bucket': '{BUCKET}', 'Key': '404.html'}}, \
             MetadataDirective='REPLACE', ContentType='text/plain', Metadata={{'md5': '{}'}})",
            md5(&changed_site["404.html"])
        ),
    );
    std::fs::remove_file(site.path("out/.site.published.json")).unwrap();
    let run = publish(&site, &moto, &["--distribution-id", &distribution]);
    assert!(run.success(), "{}", run.stderr);
    assert!(
        run.stderr.contains("uploaded 1 (") && run.stderr.contains("(1 for new headers only)"),
        "{}",
        run.stderr
    );
    assert_bucket_is(&moto, &changed_site, "");
}

#[test]
fn deletes_are_capped_and_stay_inside_the_prefix() {
    let moto = Moto::start();
    stack(&moto);
    boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             s3.put_object(Bucket='{BUCKET}', Key='other/keep.txt', Body=b'not the site')\n\
             s3.put_object(Bucket='{BUCKET}', Key='site-old/keep.txt', Body=b'not the site either')"
        ),
    );
    let site = TestSite::new();
    site.write("templates/extra.txt", b"one more file\n");
    let with_extra = built(&site);
    let run = publish(&site, &moto, &["--prefix", "site"]);
    assert!(run.success(), "{}", run.stderr);
    assert_bucket_is(&moto, &with_extra, "site/");

    site.remove("templates/extra.txt");
    let without = built(&site);
    let dry = publish(&site, &moto, &["--prefix", "site", "--dry-run"]);
    assert!(dry.success(), "{}", dry.stderr);
    assert_contains!(dry.stdout, "delete site/extra.txt\n");
    assert_contains!(dry.stdout, "nothing was sent");
    assert_bucket_is(&moto, &with_extra, "site/");

    let refused = publish(&site, &moto, &["--prefix", "site", "--max-deletes", "0"]);
    assert_eq!(refused.code, Some(1));
    assert_contains!(
        refused.stderr,
        "would delete 1 files from s3://resume-site/site/, more than --max-deletes 0; nothing was changed"
    );
    assert_bucket_is(&moto, &with_extra, "site/");

    // No terminal to ask in (as in CI): deletes need --yes.
    let unasked = publish(&site, &moto, &["--prefix", "site"]);
    assert_eq!(unasked.code, Some(1));
    assert_contains!(
        unasked.stderr,
        "would delete 1 files from s3://resume-site/site/ and there is no terminal to ask in; nothing was changed"
    );
    assert_bucket_is(&moto, &with_extra, "site/");

    let run = publish(&site, &moto, &["--prefix", "site", "--yes"]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "deleted 1");
    assert_bucket_is(&moto, &without, "site/");
    let objects = objects(&moto);
    assert!(
        objects.contains_key("other/keep.txt") && objects.contains_key("site-old/keep.txt"),
        "{objects:?}"
    );
}

#[test]
fn an_interrupted_publish_converges_when_run_again() {
    let moto = Moto::start();
    stack(&moto);
    let site = TestSite::new();
    site.write("templates/a.txt", b"a\n");
    site.write("templates/b.txt", b"b\n");
    let files = built(&site);
    let proxy = FailingProxy::start(moto.port(), 2);
    let run = publish_via(&site, &proxy.endpoint(), &moto, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("uploads failed (run gen publish again to finish; nothing was deleted)"),
        "{}",
        run.stderr
    );
    assert!(proxy.puts() > 2);
    let partial = objects(&moto);
    assert!(
        !partial.is_empty() && partial.len() < files.len() - 1,
        "{partial:?}"
    );
    assert!(
        !partial.contains_key("index.html"),
        "pages go last: {partial:?}"
    );

    let run = publish(&site, &moto, &[]);
    assert!(run.success(), "{}", run.stderr);
    assert_bucket_is(&moto, &files, "");
}

/// Publishing renders the site from its sources: no `gen build` first, nothing written to
/// out/site, and sources that do not build publish nothing, whatever out/site still holds.
#[test]
fn publishes_what_the_sources_say_or_nothing() {
    let moto = Moto::start();
    stack(&moto);
    let site = TestSite::new();
    let first = publish(&site, &moto, &[]);
    assert!(first.success(), "{}", first.stderr);
    assert!(
        !site.path("out/site").exists(),
        "publish writes no site to disk"
    );
    let files = built(&site);
    assert_bucket_is(&moto, &files, "");

    site.write("content/resume.yaml", b"basics: [unclosed\n");
    let failed = publish(&site, &moto, &[]);
    assert_eq!(failed.code, Some(1));
    assert_contains!(failed.stderr, "content/resume.yaml:1:");
    assert_bucket_is(&moto, &files, "");
    assert!(
        site.path("out/site/index.html").is_file(),
        "the last good build is still there"
    );
}

#[test]
fn a_bucket_without_gens_tag_is_refused_unless_forced() {
    let moto = Moto::start();
    boto3(
        &moto,
        "s3 = boto3.client('s3', **kw)\n\
         s3.create_bucket(Bucket='resume-site')\n\
         s3.put_object(Bucket='resume-site', Key='family-photos/1.jpg', Body=b'precious')",
    );
    let site = TestSite::new();
    let files = built(&site);
    let refused = publish(&site, &moto, &[]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("bucket resume-site does not carry the tag ManagedBy = gen"),
        "{}",
        refused.stderr
    );
    assert_contains!(refused.stderr, "nothing was changed");
    assert_eq!(
        objects(&moto).keys().collect::<Vec<_>>(),
        ["family-photos/1.jpg"]
    );

    let forced = publish(&site, &moto, &["--force", "--prefix", "site"]);
    assert!(forced.success(), "{}", forced.stderr);
    assert_contains!(forced.stderr, "publishing to it anyway (--force)");
    assert_bucket_is(&moto, &files, "site/");
}

#[test]
fn every_call_on_the_bucket_expects_it_to_be_the_callers_accounts() {
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("moto.jsonl");
    let moto = Moto::start_recording(&record);
    stack(&moto);
    // A page the site has, with other bytes (read, then uploaded), and one it has not (deleted).
    boto3(
        &moto,
        &format!(
            "s3 = boto3.client('s3', **kw)\n\
             s3.put_object(Bucket='{BUCKET}', Key='index.html', Body=b'old')\n\
             s3.put_object(Bucket='{BUCKET}', Key='gone.html', Body=b'gone')"
        ),
    );
    let site = TestSite::new();
    let run = publish(&site, &moto, &["--yes"]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "deleted 1");
    let calls = crate::support::s3_calls(&record);
    let kinds: std::collections::BTreeSet<(&str, &str)> = calls
        .iter()
        .map(|(method, query, _)| (method.as_str(), query.as_str()))
        .collect();
    // GetBucketTagging, ListObjectsV2, HeadObject, PutObject, DeleteObjects.
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            ("GET", "list-type&prefix"),
            ("GET", "tagging"),
            ("HEAD", ""),
            ("POST", "delete"),
            ("PUT", ""),
        ],
        "{calls:?}"
    );
    for (method, query, owner) in &calls {
        assert_eq!(owner, "123456789012", "{method} ?{query}");
    }
}

#[test]
fn a_bucket_of_another_account_is_refused_even_when_forced() {
    let moto = Moto::start();
    // Account 111111111111 made the bucket under the site's name, tagged it as gen's stack
    // does and lets everyone in (moto lets every account into every bucket).
    boto3(
        &moto,
        &format!(
            "{}s3 = boto3.client('s3', **kw)\n\
             s3.create_bucket(Bucket='{BUCKET}')\n\
             s3.put_bucket_tagging(Bucket='{BUCKET}', Tagging={{'TagSet': [{{'Key': 'ManagedBy', 'Value': 'gen'}}]}})\n\
             s3.put_object(Bucket='{BUCKET}', Key='theirs.html', Body=b'theirs')",
            as_account("111111111111")
        ),
    );
    let site = TestSite::new();
    for args in [&["--yes"][..], &["--yes", "--force"]] {
        let refused = publish(&site, &moto, args);
        assert_eq!(refused.code, Some(1), "{args:?}: {}", refused.stderr);
        assert_contains!(
            refused.stderr,
            "bucket resume-site belongs to another AWS account (not 123456789012, the account of these credentials)"
        );
        assert_contains!(refused.stderr, "nothing was changed. Check --bucket");
        assert!(
            !refused.stderr.contains("publishing anyway"),
            "{}",
            refused.stderr
        );
        assert_eq!(objects(&moto).keys().collect::<Vec<_>>(), ["theirs.html"]);
    }
}
