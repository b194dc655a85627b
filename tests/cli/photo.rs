//! A photo in content/: published fingerprinted, with square thumbnails at 1× and 2×, in the
//! page's `<img>` and `og:image`; a missing file is a located warning (an error under
//! `--strict`, leaving out/site as it was), a photo of more than 40 megapixels a located error;
//! builds keep the thumbnails in gen's cache folder.

use std::io::Cursor;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::support::TestSite;

/// A resume with `image` as its photo.
fn resume(image: &str) -> String {
    format!("basics:\n  name: Ada Lovelace\n  label: Engineer\n  image: {image}\n")
}

fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A landscape JPEG, 640 × 480.
fn jpeg() -> Vec<u8> {
    let image = RgbImage::from_fn(640, 480, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    encoded(DynamicImage::ImageRgb8(image), ImageFormat::Jpeg)
}

/// A portrait PNG with transparency, 300 × 500.
fn png() -> Vec<u8> {
    let image = RgbaImage::from_fn(300, 500, |x, y| {
        Rgba([
            200,
            (x % 256) as u8,
            (y % 256) as u8,
            if x < 10 { 0 } else { 255 },
        ])
    });
    encoded(DynamicImage::ImageRgba8(image), ImageFormat::Png)
}

/// A PNG of `width` × `height` black pixels, one bit each: a few kilobytes, however many
/// pixels it has.
fn black_png(width: u32, height: u32) -> Vec<u8> {
    testkit::png::blank(width, height, [1, 0], true)
}

/// The one published file whose name starts with `prefix`, with its bytes.
fn published(site: &TestSite, prefix: &str) -> (String, Vec<u8>) {
    let found: Vec<_> = site
        .output()
        .into_iter()
        .filter(|(name, _)| name.starts_with(prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{prefix}: {:?}",
        found.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    found.into_iter().next().unwrap()
}

fn dimensions(bytes: &[u8]) -> (u32, u32, ImageFormat) {
    let format = image::guess_format(bytes).unwrap();
    let image = image::load_from_memory(bytes).unwrap();
    (image.width(), image.height(), format)
}

#[test]
fn a_jpeg_in_content_becomes_a_fingerprinted_photo_with_thumbnails_and_og_image() {
    let site = TestSite::new();
    let original = jpeg();
    site.write("content/photo.jpg", &original);
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    site.write("gen.toml", b"base_url = \"https://ada.example.com/\"\n");
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);

    let (full, bytes) = published(&site, "photo.");
    assert_eq!(bytes, original, "the photo is published as it is");
    assert!(
        full.len() == "photo.0123456789.jpg".len() && full.ends_with(".jpg"),
        "{full}"
    );
    let (small, small_bytes) = published(&site, "photo-128.");
    assert_eq!(dimensions(&small_bytes), (128, 128, ImageFormat::Jpeg));
    let (large, large_bytes) = published(&site, "photo-256.");
    assert_eq!(dimensions(&large_bytes), (256, 256, ImageFormat::Jpeg));

    let html = site.html("index.html");
    assert_contains!(
        html,
        format!(
            "src=\"/{small}\" srcset=\"/{small} 1x, /{large} 2x\" alt=\"Photo of Ada Lovelace\" width=\"112\" height=\"112\""
        )
    );
    assert_contains!(
        html,
        format!("<meta property=\"og:image\" content=\"https://ada.example.com/{full}\">")
    );
    assert_contains!(html, "<meta property=\"og:image:width\" content=\"640\">");
    assert_contains!(html, "<meta property=\"og:image:height\" content=\"480\">");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.path("out/site/resume.json")).unwrap()).unwrap();
    assert_eq!(
        json["basics"]["image"],
        format!("https://ada.example.com/{full}")
    );
    assert!(!site.path("out/site/photo.jpg").exists());
}

#[test]
fn a_png_with_transparency_keeps_it_in_png_thumbnails_cropped_square() {
    let site = TestSite::new();
    site.write("content/img/me.png", &png());
    site.write("content/resume.yaml", resume("img/me.png").as_bytes());
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let (full, _) = published(&site, "photo.");
    assert!(full.ends_with(".png"), "{full}");
    let (_, small) = published(&site, "photo-128.");
    assert_eq!(dimensions(&small), (128, 128, ImageFormat::Png));
    let (_, large) = published(&site, "photo-256.");
    assert_eq!(dimensions(&large), (256, 256, ImageFormat::Png));
    // Without base_url there is no absolute address for og:image.
    assert!(!site.html("index.html").contains("og:image"));
}

#[test]
fn a_missing_photo_is_a_located_warning_and_an_error_under_strict() {
    let site = TestSite::new();
    site.write("content/photo.jpg", &jpeg());
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    assert!(site.build(&[]).success());

    // The schema's placeholder, as many public resumes still have it: built without a photo.
    site.write(
        "content/resume.yaml",
        resume("path/to/your/photo.jpg").as_bytes(),
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/resume.yaml:4:10: warning: basics.image: content/path/to/your/photo.jpg not found; \
         the page is built without a photo"
    );
    assert!(!site.html("index.html").contains("<img"), "no photo shown");
    assert!(!site.output().keys().any(|k| k.starts_with("photo")));

    // Under --strict it stops the build, and out/site stays as it was.
    site.build(&[]);
    let without = site.output();
    site.write("content/resume.yaml", resume("potho.jpg").as_bytes());
    let run = site.build(&["--strict"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(run.stderr, "content/resume.yaml:4:10");
    assert_contains!(run.stderr, "basics.image: content/potho.jpg not found");
    assert_eq!(site.output(), without, "out/site changed");

    // A path out of content/ is not followed, even to a file of the site.
    site.write("photo.jpg", &jpeg());
    site.write("content/resume.yaml", resume("../photo.jpg").as_bytes());
    let run = site.build(&["--strict"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "basics.image: content/../photo.jpg leads outside content/"
    );

    // A photo that is not a file gen can read: a named pipe would block the build.
    let made = std::process::Command::new("mkfifo")
        .arg(site.path("content/pipe.jpg"))
        .status()
        .unwrap();
    assert!(made.success());
    site.write("content/resume.yaml", resume("pipe.jpg").as_bytes());
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "basics.image: content/pipe.jpg is a named pipe, not a regular file"
    );
    std::fs::remove_file(site.path("content/pipe.jpg")).unwrap();

    // A file that is there but is no photo is an error: it is the author's mistake to mend.
    site.write("content/photo.jpg", &jpeg());
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    assert!(site.build(&[]).success());
    let before = site.output();
    site.write("content/photo.jpg", b"not a photo at all");
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "basics.image: content/photo.jpg is not a JPEG or PNG image"
    );
    assert_eq!(site.output(), before, "out/site changed");
}

#[test]
fn a_web_address_is_kept_as_it_is() {
    let site = TestSite::new();
    site.write(
        "content/resume.yaml",
        resume("https://images.example.com/ada.jpg").as_bytes(),
    );
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let html = site.html("index.html");
    assert_contains!(html, "src=\"https://images.example.com/ada.jpg\"");
    assert_contains!(
        html,
        "<meta property=\"og:image\" content=\"https://images.example.com/ada.jpg\">"
    );
    assert!(!site.output().keys().any(|k| k.starts_with("photo")));
}

#[test]
fn a_photo_over_40_megapixels_is_a_located_error_before_it_is_decoded() {
    let site = TestSite::new();
    site.write("content/photo.jpg", &jpeg());
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    assert!(site.build(&[]).success());
    let before = site.output();

    // 144 megapixels: decoding it took 10 seconds and almost 1 GB.
    let big = black_png(12_000, 12_000);
    assert!(big.len() < 64 * 1024, "{} bytes", big.len());
    image::load_from_memory(&black_png(12, 12)).expect("a valid PNG");
    site.write("content/big.png", &big);
    site.write("content/resume.yaml", resume("big.png").as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/resume.yaml:4:10: basics.image: content/big.png is 12000 × 12000 pixels \
         (144 megapixels); gen takes photos up to 40 megapixels: resize it (a phone's photo is \
         about 12)"
    );
    assert_eq!(site.output(), before, "out/site changed");

    // 48 megapixels, a camera's, is over too.
    site.write("content/big.png", &black_png(8_000, 6_000));
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        "content/big.png is 8000 × 6000 pixels (48 megapixels)"
    );
}

/// The entries in gen's cache folder for thumbnails, by name, with their bytes.
fn cached(site: &TestSite) -> Vec<(String, PathBuf)> {
    let folder = site.cache().join("gen/photos");
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn builds_keep_the_thumbnails_in_the_cache_folder_and_never_trust_a_damaged_entry() {
    let site = TestSite::new();
    let photo = jpeg();
    site.write("content/photo.jpg", &photo);
    site.write("content/resume.yaml", resume("photo.jpg").as_bytes());
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    let first = site.output();
    let thumbnails = |output: &std::collections::BTreeMap<String, Vec<u8>>| {
        output
            .iter()
            .filter(|(name, _)| name.starts_with("photo-"))
            .map(|(name, bytes)| (name.clone(), bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(thumbnails(&first).len(), 2);

    // One entry, named by the photo's SHA-256.
    let entries = cached(&site);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let (name, entry) = &entries[0];
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&photo));
    assert!(
        name.starts_with(&format!("{sha256}-")) && name.ends_with(".json"),
        "{name}"
    );
    let written = std::fs::read(entry).unwrap();
    let inode = std::fs::metadata(entry).unwrap().ino();

    // The next build takes it as it is (an entry made again would be a new file) and
    // publishes the same bytes.
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_eq!(site.output(), first);
    assert_eq!(std::fs::metadata(entry).unwrap().ino(), inode, "made again");

    // A damaged entry is not taken: the build makes the thumbnails again, the same bytes, and
    // keeps them in its place.
    let mut damaged = written.clone();
    let middle = damaged.len() / 2;
    damaged[middle] = if damaged[middle] == b'A' { b'B' } else { b'A' };
    for bad in [damaged, written[..written.len() / 2].to_vec(), Vec::new()] {
        std::fs::write(entry, &bad).unwrap();
        let run = site.build(&[]);
        assert!(run.success(), "{}", run.stderr);
        assert_eq!(thumbnails(&site.output()), thumbnails(&first));
        assert_eq!(site.output(), first);
        assert_eq!(
            std::fs::read(entry).unwrap(),
            written,
            "the entry is not mended"
        );
    }

    // A cache folder that cannot be written only costs making them again.
    std::fs::remove_dir_all(site.cache().join("gen")).unwrap();
    std::fs::write(
        site.cache().join("gen"),
        b"a file where the folder would be",
    )
    .unwrap();
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_contains!(run.stderr, "could not keep the photo's thumbnails");
    assert_eq!(site.output(), first);

    // Another photo has an entry of its own.
    std::fs::remove_file(site.cache().join("gen")).unwrap();
    site.write("content/me.png", &png());
    site.write("content/resume.yaml", resume("me.png").as_bytes());
    let run = site.build(&[]);
    assert!(run.success(), "{}", run.stderr);
    assert_eq!(cached(&site).len(), 1);
    assert_ne!(cached(&site)[0].0, *name);
}
