//! The photo a resume names by a path in content/ (`basics.image: photo.jpg`): published
//! fingerprinted as it is (for `og:image`), with square thumbnails at 1× and 2× for the page.

use std::io::Cursor;

use anyhow::Result;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::Serialize;

use super::fingerprinted;
use crate::diagnostic::Diagnostic;
use crate::resume::lenient::Kind;
use crate::resume::path::{Part, ValuePath, locate};
use crate::resume::{Resume, Warning};
use crate::site::{CachePolicy, Site};
use crate::sources::{CONTENT_DIR, Sources};

/// The thumbnail's side at 1×, in CSS pixels; the 2× one has twice as many.
pub const THUMBNAIL: u32 = 128;

/// The largest photo gen decodes, on either side: a phone's is about 4,000 pixels.
const MAX_SIDE: u32 = 12_000;

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

/// The photo's files added to `site`, and what the page needs to show it. None when the
/// resume names no file in content/, or names a file of the theme (an older site's
/// `templates/photo.jpg`, published as it is).
///
/// A photo that is missing or cannot be read is a warning (an error under `--strict`), and the
/// page is built without it: public resumes keep the schema's `path/to/your/photo.jpg`.
pub fn add(
    sources: &Sources,
    base_url: Option<&str>,
    site: &mut Site,
    resume: &mut Resume,
    warnings: &mut Vec<Warning>,
) -> Result<Option<PhotoContext>> {
    let Some(photo) = &sources.photo else {
        return Ok(None);
    };
    let path = ValuePath::default().key("basics").key("image");
    let diagnostic = |message: String| -> Diagnostic {
        let (line, column) = locate(&sources.resume.text, &path, Part::Value).unwrap_or((1, 1));
        Diagnostic::at(&sources.resume, line, column, message)
    };
    let located = |message: String| -> anyhow::Error { diagnostic(message).into() };
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
    let (format, image) = decode(bytes).map_err(|e| {
        located(format!(
            "basics.image: {shown} is not a JPEG or PNG image gen can read ({e})"
        ))
    })?;
    let extension = match format {
        ImageFormat::Png => "png",
        _ => "jpg",
    };
    let full = fingerprinted(&format!("photo.{extension}"), bytes);
    site.add(full.clone(), bytes.clone(), CachePolicy::Immutable);

    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let mut thumbnails = Vec::new();
    for scale in [1, 2] {
        let size = (THUMBNAIL * scale).min(side);
        let thumbnail = square.resize_exact(size, size, FilterType::Lanczos3);
        let (bytes, extension) = encode(&thumbnail).map_err(|e| {
            located(format!(
                "basics.image: {shown}: making its thumbnail failed ({e})"
            ))
        })?;
        let path = fingerprinted(&format!("photo-{size}.{extension}"), &bytes);
        site.add(path.clone(), bytes, CachePolicy::Immutable);
        thumbnails.push(format!("/{path}"));
    }
    let (width, height) = (image.width(), image.height());
    // resume.json and the page's schema.org Person name the photo as published.
    let og = base_url.map(|base| format!("{base}{full}"));
    set_image(
        resume,
        Some(og.clone().unwrap_or_else(|| format!("/{full}"))),
    );
    Ok(Some(PhotoContext {
        srcset: format!("{} 1x, {} 2x", thumbnails[0], thumbnails[1]),
        src: thumbnails.swap_remove(0),
        width: THUMBNAIL,
        height: THUMBNAIL,
        og,
        full: format!("/{full}"),
        full_width: width,
        full_height: height,
    }))
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

/// The image, upright (as its EXIF orientation says), and its format: JPEG or PNG only.
fn decode(bytes: &[u8]) -> Result<(ImageFormat, DynamicImage)> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => f,
        Some(other) => anyhow::bail!("it is {other:?}"),
        None => anyhow::bail!("its first bytes are no image format gen knows"),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = reader;
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok((format, image))
}

/// A thumbnail as JPEG (quality 85), or as PNG when it has transparency.
fn encode(image: &DynamicImage) -> Result<(Vec<u8>, &'static str)> {
    let mut out = Vec::new();
    if image.color().has_alpha() {
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
        return Ok((out, "png"));
    }
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    image.to_rgb8().write_with_encoder(encoder)?;
    Ok((out, "jpg"))
}
