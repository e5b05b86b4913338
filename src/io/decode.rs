//! Turns the bytes of a CSV file into text. Ward data comes from Excel, which writes
//! UTF-8 with a BOM, UTF-16 ("Unicode text") or, by default in Japan, Shift_JIS/CP932.
//! Order: a BOM decides; else valid UTF-8 is UTF-8; else the bytes are CP932
//! (encoding_rs's Shift_JIS is the WHATWG one, i.e. Windows-31J/CP932 with NEC and
//! IBM extensions). Never fails: undecodable bytes become U+FFFD and are reported.

use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};

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
    fn garbage_is_replaced_not_panicking() {
        let d = decode(&[0xff, 0xfe, 0x00, 0xd8, 0x80, 0x81, 0xa0]);
        assert!(!d.text.is_empty());
    }
}
