//! The photo's unit tests: thumbnails made once and taken when given, and a photo refused
//! from its header when it is too large.

use super::*;
use crate::config::Config;
use crate::diagnostic::SourceFile;
use crate::render::{RenderCache, render};

/// The sources of a site whose resume shows `photo` (as content/photo.png).
fn sources(photo: Vec<u8>) -> Sources {
    let resume = SourceFile {
        name: "content/resume.yaml".into(),
        text: "basics:\n  name: Ada Lovelace\n  image: photo.png\n".into(),
    };
    Sources {
        root: Default::default(),
        translations: Vec::new(),
        config: None,
        loaded: Arc::new(crate::resume::parse(&resume)),
        resume,
        resume_modified: None,
        templates: crate::themes::THEMES[0].files(),
        theme_copies: Default::default(),
        posts: Vec::new(),
        photo: Some(crate::sources::Photo {
            image: "photo.png".into(),
            bytes: Ok(photo),
        }),
    }
}

/// A 300 × 200 PNG of one `shade` of grey.
fn png(shade: u8) -> Vec<u8> {
    let image = image::GrayImage::from_pixel(300, 200, image::Luma([shade]));
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// One-bit grey, and 16-bit RGBA: PNG's narrowest and widest pixels.
const GREY_1: [u8; 2] = [1, 0];
const RGBA_16: [u8; 2] = [16, 6];

/// A PNG's header for `width` × `height` pixels of `pixel` (bit depth, colour type), and
/// no pixels.
fn png_header(width: u32, height: u32, pixel: [u8; 2]) -> Vec<u8> {
    testkit::png::blank(width, height, pixel, false)
}

fn no_pdf() -> Config {
    let mut config = Config::default();
    config.pdf.enabled = false;
    config
}

#[test]
fn a_preview_makes_the_thumbnails_of_a_photo_once() {
    let config = no_pdf();
    let preview = RenderOptions {
        cache: Some(Arc::new(RenderCache::default())),
        ..RenderOptions::default()
    };
    let first = render(&sources(png(90)), &config, &preview).unwrap();
    let again = render(&sources(png(90)), &config, &preview).unwrap();
    let made = first.thumbnails.unwrap();
    // The very thumbnails of the first rebuild: the photo was not decoded again.
    assert!(Arc::ptr_eq(&made, again.thumbnails.as_ref().unwrap()));
    assert_eq!(first.site, again.site);

    // Another photo gets its own.
    let other = render(&sources(png(200)), &config, &preview).unwrap();
    let other = other.thumbnails.unwrap();
    assert!(!Arc::ptr_eq(&made, &other));
    assert_ne!(made.photo, other.photo);

    // A build without a cache makes them each time, the same bytes.
    let built = render(&sources(png(90)), &config, &RenderOptions::default()).unwrap();
    let built_thumbnails = built.thumbnails.unwrap();
    assert!(!Arc::ptr_eq(&made, &built_thumbnails));
    assert_eq!(*made, *built_thumbnails);
    assert_eq!(first.site, built.site);
}

#[test]
fn thumbnails_given_for_the_photo_are_taken_as_they_are() {
    let config = no_pdf();
    let photo = png(90);
    let mut given = render(&sources(photo.clone()), &config, &RenderOptions::default())
        .unwrap()
        .thumbnails
        .unwrap()
        .as_ref()
        .clone();
    // Bytes no decoder would make from this photo: seen on the page only if taken.
    given.files[0].bytes = bytes::Bytes::from_static(b"kept small");
    let options = RenderOptions {
        thumbnails: Some(Arc::new(given.clone())),
        ..RenderOptions::default()
    };
    let built = render(&sources(photo), &config, &options).unwrap();
    assert!(built.site.files.iter().any(|f| f.bytes == "kept small"));

    // Another photo's are not.
    let other = render(&sources(png(200)), &config, &options).unwrap();
    assert!(!other.site.files.iter().any(|f| f.bytes == "kept small"));
    assert_ne!(other.thumbnails.unwrap().photo, given.photo);
}

#[test]
fn a_photo_over_40_megapixels_is_refused_from_its_header() {
    // No pixel data at all: the header alone decides.
    let refused = |width, height| match decode(&png_header(width, height, GREY_1)) {
        Err(Unfit::TooLarge { width, height }) => Some((width, height)),
        _ => None,
    };
    assert_eq!(refused(12_000, 12_000), Some((12_000, 12_000)));
    assert_eq!(refused(8_000, 5_001), Some((8_000, 5_001)));
    assert_eq!(refused(40_000_001, 1), Some((40_000_001, 1)));
    // 40 megapixels is taken (and fails only for want of pixels).
    assert_eq!(refused(8_000, 5_000), None);
    assert_eq!(refused(40_000_000, 1), None);
    let message = Unfit::TooLarge {
        width: 12_000,
        height: 12_000,
    }
    .message("content/x.png");
    assert_eq!(
        message,
        "basics.image: content/x.png is 12000 × 12000 pixels (144 megapixels); gen takes \
         photos up to 40 megapixels: resize it (a phone's photo is about 12)"
    );
    let just_over = Unfit::TooLarge {
        width: 8_000,
        height: 5_001,
    }
    .message("content/x.png");
    assert!(just_over.contains("(41 megapixels)"), "{just_over}");
}

#[test]
fn the_decoder_may_allocate_a_photo_of_40_megapixels_of_the_widest_pixels() {
    // 320 MB decoded: the decoder's limit lets it start, and it stops only for want of pixels.
    let Err(Unfit::Unreadable(e)) = decode(&png_header(8_000, 5_000, RGBA_16)) else {
        panic!("a PNG without pixels decoded");
    };
    assert!(
        !matches!(e.downcast_ref(), Some(ImageError::Limits(_))),
        "refused by the decoder's limit: {e}"
    );
}
