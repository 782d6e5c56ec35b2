//! An uploaded picture made fit to send: decoded (PNG, JPEG, WebP or GIF,
//! told by the bytes), turned upright by its EXIF orientation, scaled down
//! to at most [`MAX_SIDE`] pixels on its longer side, and encoded again,
//! which drops EXIF and every other piece of metadata (location included).

use crate::error::AppError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// What providers take without scaling again (OpenAI and Anthropic both
/// work within 2048 px).
pub const MAX_SIDE: u32 = 2048;

/// The picture as stored.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The format the bytes really are, if it is one taken.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(bytes).ok()? {
        f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif) => {
            Some(f)
        }
        _ => None,
    }
}

fn unreadable(e: impl std::fmt::Display) -> AppError {
    tracing::debug!("picture refused: {e}");
    AppError::invalid(
        "file",
        "The picture could not be read; is the file damaged?",
    )
}

/// Decodes, scales and re-encodes: a JPEG stays a JPEG (quality 85), any
/// other picture becomes a PNG (a GIF keeps its first frame).
pub fn normalize(bytes: &[u8], format: ImageFormat) -> Result<Picture, AppError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // A 10 MB file may claim huge dimensions: refuse before allocating.
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let (out_format, mime) = match format {
        ImageFormat::Jpeg => (ImageFormat::Jpeg, "image/jpeg"),
        _ => (ImageFormat::Png, "image/png"),
    };
    let mut out = Cursor::new(Vec::new());
    match out_format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            img.to_rgb8()
                .write_with_encoder(encoder)
                .map_err(unreadable)?;
        }
        _ => img
            .write_to(&mut out, ImageFormat::Png)
            .map_err(unreadable)?,
    }
    Ok(Picture {
        width: img.width(),
        height: img.height(),
        bytes: out.into_inner(),
        mime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn big_pictures_are_scaled_to_2048_keeping_their_shape() {
        let bytes = png(4096, 1024);
        let p = normalize(&bytes, sniff(&bytes).unwrap()).unwrap();
        assert_eq!((p.width, p.height), (2048, 512));
        assert_eq!(p.mime, "image/png");
        let small = png(300, 200);
        let p = normalize(&small, ImageFormat::Png).unwrap();
        assert_eq!((p.width, p.height), (300, 200));
    }

    #[test]
    fn only_the_four_formats_are_taken() {
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b"BM\x00\x00"), None);
        assert_eq!(sniff(&png(2, 2)), Some(ImageFormat::Png));
        assert!(normalize(b"\x89PNG\r\n\x1a\nbroken", ImageFormat::Png).is_err());
    }
}
