//! The photo a resume names by a path in content/ (`basics.image: photo.jpg`): published
//! fingerprinted as it is (for `og:image`), with square thumbnails at 1× and 2× for the page.
//!
//! Making the thumbnails (decoding, cropping, resizing) is most of a build's time with a phone's
//! photo, and the same photo always makes the same bytes, so they are [`Thumbnails`] kept under
//! the photo's SHA-256: by a preview between rebuilds (`RenderCache::photo`), and by builds in
//! gen's cache folder (`crate::photo_cache`, handed in as `RenderOptions::thumbnails`).

#[cfg(test)]
mod tests;

use std::io::Cursor;
use std::sync::Arc;

use anyhow::Result;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::RenderOptions;
use crate::diagnostic::Diagnostic;
use crate::resume::lenient::Kind;
use crate::resume::path::{Part, ValuePath, locate};
use crate::resume::{Resume, Warning};
use crate::site::{CachePolicy, Site};
use crate::site::{fingerprinted, with_fingerprint};
use crate::sources::{CONTENT_DIR, Sources};

/// The thumbnail's side at 1×, in CSS pixels; the 2× one has twice as many.
pub const THUMBNAIL: u32 = 128;

/// The largest photo gen takes, in pixels, read from its header before it is decoded: a
/// phone's photo is about 12 million.
pub const MAX_PIXELS: u64 = 40_000_000;

/// What the decoder may allocate: the largest photo at 8 bytes a pixel (16-bit RGBA, the widest
/// pixel a JPEG or PNG decodes to).
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 8;

/// Changes whenever the thumbnails a photo makes change (their sides, the crop, the filter, the
/// encoders or their settings), so that none kept by an earlier gen is taken for a new one.
pub const THUMBNAILS_VERSION: u32 = 1;

/// What templates see as `site.photo`.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoContext {
    /// The 1× thumbnail's path: `/photo-128.1a2b3c4d5e.jpg`.
    pub src: String,
    /// `<1×> 1x, <2×> 2x`.
    pub srcset: String,
    /// The thumbnail's width and height in CSS pixels.
    pub width: u32,
    pub height: u32,
    /// The photo as published: its path, and its size in pixels.
    pub full: String,
    pub full_width: u32,
    pub full_height: u32,
    /// The photo's absolute address for `og:image`, when the site has a `base_url`.
    pub og: Option<String>,
}

/// What gen makes of one photo: its thumbnails, and what the page says of the photo itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnails {
    /// The photo's SHA-256, in hex ([`key`]).
    pub photo: String,
    /// The photo's format.
    pub format: Format,
    /// The photo's width and height upright (as its EXIF orientation says).
    pub width: u32,
    pub height: u32,
    /// At 1×, then at 2×.
    pub files: [Thumbnail; 2],
}

/// One square thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// Its side in pixels: the photo's shorter side when that is smaller.
    pub side: u32,
    pub format: Format,
    pub bytes: bytes::Bytes,
}

/// The formats gen reads photos in and writes thumbnails in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    /// The file name's extension: `jpg`, `png`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// The key thumbnails are kept under: the photo's SHA-256, in hex.
pub fn key(photo: &[u8]) -> String {
    hex::encode(Sha256::digest(photo))
}

/// What [`add`] gives the page, and the thumbnails it made or took.
#[derive(Debug)]
pub struct Added {
    pub context: PhotoContext,
    pub thumbnails: Arc<Thumbnails>,
}

/// The photo's files added to `site`, and what the page needs to show it. None when the
/// resume names no file in content/, or names a file of the theme (an older site's
/// `templates/photo.jpg`, published as it is).
///
/// A photo that is missing or cannot be read is a warning (an error under `--strict`), and the
/// page is built without it: public resumes keep the schema's `path/to/your/photo.jpg`. A file
/// that is no photo gen can read, or one of more than [`MAX_PIXELS`], is an error.
pub fn add(
    sources: &Sources,
    base_url: Option<&str>,
    options: &RenderOptions,
    site: &mut Site,
    resume: &mut Resume,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Added>> {
    let Some(photo) = &sources.photo else {
        return Ok(None);
    };
    let path = ValuePath::default().key("basics").key("image");
    let diagnostic = |message: String| -> Diagnostic {
        let (line, column) = locate(&sources.resume.text, &path, Part::Value).unwrap_or((1, 1));
        Diagnostic::at(&sources.resume, line, column, message)
    };
    let shown = format!("{CONTENT_DIR}/{}", photo.image.trim_start_matches('/'));
    let bytes = match &photo.bytes {
        Ok(bytes) => bytes,
        Err(_)
            if sources
                .templates
                .contains_key(photo.image.trim_start_matches('/')) =>
        {
            return Ok(None);
        }
        Err(reason) => {
            let why = match reason {
                None => format!("{shown} not found"),
                Some(reason) => reason.clone(),
            };
            warnings.push(Warning {
                kind: Kind::Photo,
                path: path.to_string(),
                diagnostic: diagnostic(format!(
                    "basics.image: {why}; the page is built without a photo (put the photo in \
                     content/, beside the resume, or give a web address: https://…)"
                )),
            });
            // Nothing names a file that is not there: not the page, not resume.json.
            set_image(resume, None);
            return Ok(None);
        }
    };
    let key = key(bytes);
    let thumbnails = match kept(options, &key) {
        Some(kept) => kept,
        None => {
            let made = Arc::new(
                make(bytes, key.clone())
                    .map_err(|unfit| anyhow::Error::from(diagnostic(unfit.message(&shown))))?,
            );
            if let Some(cache) = &options.cache {
                *cache.photo.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&made));
            }
            made
        }
    };
    // The same name `fingerprinted` gives: the photo's hash is its key.
    let full = with_fingerprint(
        &format!("photo.{}", thumbnails.format.extension()),
        &key[..10],
    );
    site.add(full.clone(), bytes.clone(), CachePolicy::Immutable);
    let paths = thumbnails.files.clone().map(|thumbnail| {
        let path = fingerprinted(
            &format!("photo-{}.{}", thumbnail.side, thumbnail.format.extension()),
            &thumbnail.bytes,
        );
        site.add(path.clone(), thumbnail.bytes, CachePolicy::Immutable);
        format!("{}{path}", options.root())
    });
    // resume.json and the page's schema.org Person name the photo as published.
    let og = base_url.map(|base| format!("{base}{full}"));
    set_image(
        resume,
        Some(
            og.clone()
                .unwrap_or_else(|| format!("{}{full}", options.root())),
        ),
    );
    let [small, large] = paths;
    Ok(Some(Added {
        context: PhotoContext {
            srcset: format!("{small} 1x, {large} 2x"),
            src: small,
            width: THUMBNAIL,
            height: THUMBNAIL,
            og,
            full: format!("{}{full}", options.root()),
            full_width: thumbnails.width,
            full_height: thumbnails.height,
        },
        thumbnails,
    }))
}

/// Thumbnails made before from the photo whose key is `photo`: the ones the build was given
/// (from gen's cache folder), or the ones a preview kept from its last rebuild.
fn kept(options: &RenderOptions, photo: &str) -> Option<Arc<Thumbnails>> {
    let given = options.thumbnails.as_ref().filter(|t| t.photo == photo);
    given.cloned().or_else(|| {
        let cache = options.cache.as_deref()?;
        let kept = cache.photo.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref().filter(|t| t.photo == photo).cloned()
    })
}

/// Why a photo makes no thumbnails.
#[derive(Debug)]
enum Unfit {
    Unreadable(anyhow::Error),
    TooLarge { width: u32, height: u32 },
    Thumbnail(anyhow::Error),
}

impl Unfit {
    /// What the author reads, about the photo shown as `shown`.
    fn message(&self, shown: &str) -> String {
        match self {
            Unfit::Unreadable(e) => {
                format!("basics.image: {shown} is not a JPEG or PNG image gen can read ({e})")
            }
            Unfit::TooLarge { width, height } => format!(
                "basics.image: {shown} is {width} × {height} pixels ({} megapixels); gen takes \
                 photos up to {} megapixels: resize it (a phone's photo is about 12)",
                (u64::from(*width) * u64::from(*height)).div_ceil(1_000_000),
                MAX_PIXELS / 1_000_000
            ),
            Unfit::Thumbnail(e) => {
                format!("basics.image: {shown}: making its thumbnail failed ({e})")
            }
        }
    }
}

impl From<ImageError> for Unfit {
    fn from(e: ImageError) -> Unfit {
        Unfit::Unreadable(e.into())
    }
}

/// The photo's thumbnails: decoded, cropped square around its middle, resized.
fn make(bytes: &[u8], photo: String) -> Result<Thumbnails, Unfit> {
    let (format, image) = decode(bytes)?;
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let thumbnail = |scale: u32| -> Result<Thumbnail, Unfit> {
        let side = (THUMBNAIL * scale).min(side);
        let resized = square.resize_exact(side, side, FilterType::Lanczos3);
        let (bytes, format) = encode(&resized).map_err(Unfit::Thumbnail)?;
        Ok(Thumbnail {
            side,
            format,
            bytes: bytes.into(),
        })
    };
    Ok(Thumbnails {
        photo,
        format,
        width: image.width(),
        height: image.height(),
        files: [thumbnail(1)?, thumbnail(2)?],
    })
}

/// `basics.image` in the typed resume and in its document: `None` removes it.
fn set_image(resume: &mut Resume, image: Option<String>) {
    let Some(basics) = resume.data.basics.as_mut() else {
        return;
    };
    match &image {
        Some(image) => {
            resume.document["basics"]["image"] = serde_json::Value::String(image.clone())
        }
        None => {
            if let Some(basics) = resume.document["basics"].as_object_mut() {
                basics.remove("image");
            }
        }
    }
    basics.image = image;
}

/// The image, upright (as its EXIF orientation says), and its format: JPEG or PNG only, of
/// at most [`MAX_PIXELS`] as its header says, refused before anything is decoded.
fn decode(bytes: &[u8]) -> Result<(Format, DynamicImage), Unfit> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Unfit::Unreadable(e.into()))?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => Format::Jpeg,
        Some(ImageFormat::Png) => Format::Png,
        Some(other) => return Err(Unfit::Unreadable(anyhow::anyhow!("it is {other:?}"))),
        None => {
            return Err(Unfit::Unreadable(anyhow::anyhow!(
                "its first bytes are no image format gen knows"
            )));
        }
    };
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits.clone());
    // The header, not the image.
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Unfit::TooLarge { width, height });
    }
    // The decoder counts only its own buffers against the limit, not the image it fills.
    limits.reserve(decoder.total_bytes())?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok((format, image))
}

/// A thumbnail as JPEG (quality 85), or as PNG when it has transparency.
fn encode(image: &DynamicImage) -> Result<(Vec<u8>, Format)> {
    let mut out = Vec::new();
    if image.color().has_alpha() {
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
        return Ok((out, Format::Png));
    }
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    image.to_rgb8().write_with_encoder(encoder)?;
    Ok((out, Format::Jpeg))
}
