//! PNG files of any size made cheaply: a few kilobytes for millions of pixels, for tests of
//! limits that must hold before a decoder reads the pixels.

use std::io::Write;

/// A PNG of `width` × `height` pixels of `pixel` (bit depth, colour type), all 0. With
/// `rows` false its image data is empty: only its header is valid, which is all a size check
/// reads.
pub fn blank(width: u32, height: u32, pixel: [u8; 2], rows: bool) -> Vec<u8> {
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&pixel);
    // The standard compression and filters, no interlacing.
    header.extend_from_slice(&[0, 0, 0]);
    let mut data = Vec::new();
    if rows {
        let channels: u64 = match pixel[1] {
            2 => 3,
            4 => 2,
            6 => 4,
            _ => 1,
        };
        let bits = u64::from(width) * channels * u64::from(pixel[0]);
        // Each row: filter type 0, then its bits.
        let row = vec![0u8; 1 + bits.div_ceil(8) as usize];
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..height {
            zlib.write_all(&row).expect("writing to memory");
        }
        data = zlib.finish().expect("writing to memory");
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", b"");
    png
}
