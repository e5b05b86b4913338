//! Turns the bytes of a CSV file into text. Ward data comes from Excel, which writes
//! UTF-8 with a BOM, UTF-16 ("Unicode text") or, by default in Japan, Shift_JIS/CP932.
//! Order: a BOM decides; else valid UTF-8 is UTF-8; else the bytes are CP932
//! (encoding_rs's Shift_JIS is the WHATWG one, i.e. Windows-31J/CP932 with NEC and
//! IBM extensions). Never fails: undecodable bytes become U+FFFD and are reported.

use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

/// Decoded text and how it was decoded.
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding that was used, for messages.
    pub encoding: &'static str,
    /// Some bytes could not be decoded and were replaced by U+FFFD.
    pub replaced: bool,
}

/// Decodes a file's bytes (see the module doc for the order of guesses).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, replaced) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            replaced,
        };
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, replaced) = enc.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            replaced,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            replaced: false,
        };
    }
    let (text, replaced) = SHIFT_JIS.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: "Shift_JIS/CP932",
        replaced,
    }
}

/// UTF-16 saved without its BOM: text of a CSV is mostly ASCII, so one byte of every
/// pair is zero. (Such bytes are valid UTF-8, full of NULs, and would otherwise be read
/// as one garbled column.) Judged on the first 4 KiB.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |k: usize| (0..pairs).filter(|i| head[2 * i + k] == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 4 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFa,b\n");
        assert_eq!(d.text, "a,b\n");
        assert!(!d.replaced);
    }

    #[test]
    fn cp932_is_decoded() {
        let (bytes, _, _) = SHIFT_JIS.encode("世田谷区立髙井戸小学校,①");
        let d = decode(&bytes);
        assert_eq!(d.text, "世田谷区立髙井戸小学校,①");
        assert_eq!(d.encoding, "Shift_JIS/CP932");
    }

    #[test]
    fn utf16_is_read_with_or_without_its_bom() {
        let text = "facility_id,name\nF01,代沢小学校\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [
            ([&[0xFF, 0xFE][..], &le].concat(), "UTF-16LE"),
            (le.clone(), "UTF-16LE"),
            ([&[0xFE, 0xFF][..], &be].concat(), "UTF-16BE"),
            (be.clone(), "UTF-16BE"),
        ] {
            let d = decode(&bytes);
            assert_eq!((d.text.as_str(), d.encoding), (text, name));
        }
    }

    #[test]
    fn garbage_is_replaced_not_panicking() {
        let d = decode(&[0xff, 0xfe, 0x00, 0xd8, 0x80, 0x81, 0xa0]);
        assert!(!d.text.is_empty());
    }
}
