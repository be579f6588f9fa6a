//! Whole-file text decoding for console exports: UTF-8 (with or without a byte-order
//! mark), UTF-16 (with a mark, or recognised by its NUL bytes) and Shift_JIS / CP932, as
//! Excel and the Japanese consoles write them.
//!
//! The provisioning-log readers stream (`source.rs`); this one takes the whole file,
//! because "valid UTF-8, else Shift_JIS" can only be decided once every byte has been
//! seen, and console exports are small (thousands of rows, not gigabytes).

use std::borrow::Cow;

use encoding_rs::{DecoderResult, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// What the user asked for with `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Utf8,
    Utf16,
    ShiftJis,
}

/// The encoding the text was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    ShiftJis,
}

impl TextEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::ShiftJis => "shift_jis",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: TextEncoding,
    /// The file began with a byte-order mark (dropped from `text`).
    pub bom: bool,
    /// Bytes that were not valid in the encoding were replaced with U+FFFD (only when the
    /// encoding was forced; detection refuses such input instead).
    pub replaced: bool,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decodes a whole file. Detection: a byte-order mark decides; then UTF-16 recognised by
/// its NULs; then valid UTF-8; else Shift_JIS (CP932: encoding_rs's Shift_JIS includes the
/// NEC and IBM extensions Windows uses). Input valid in none of them is refused with the
/// offset of the first bad byte, so that the user can name the encoding.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<Decoded, String> {
    match choice {
        EncodingChoice::Auto => detect(bytes),
        EncodingChoice::Utf8 => {
            let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
                Some(rest) => (true, rest),
                None => (false, bytes),
            };
            let text = String::from_utf8_lossy(body);
            let replaced = matches!(text, Cow::Owned(_));
            Ok(Decoded {
                text: text.into_owned(),
                encoding: TextEncoding::Utf8,
                bom,
                replaced,
            })
        }
        EncodingChoice::Utf16 => Ok(utf16(bytes, utf16_order(bytes).unwrap_or(false))),
        EncodingChoice::ShiftJis => {
            let (text, replaced) = SHIFT_JIS.decode_without_bom_handling(bytes);
            Ok(Decoded {
                text: text.into_owned(),
                encoding: TextEncoding::ShiftJis,
                bom: false,
                replaced,
            })
        }
    }
}

fn detect(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some(body) = bytes.strip_prefix(UTF8_BOM) {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok(Decoded {
                text: s.to_owned(),
                encoding: TextEncoding::Utf8,
                bom: true,
                replaced: false,
            }),
            Err(e) => Err(format!(
                "byte {}: the file starts with a UTF-8 byte-order mark but is not valid UTF-8 (give --encoding to read it anyway)",
                e.valid_up_to() + UTF8_BOM.len()
            )),
        };
    }
    if let Some(big_endian) = utf16_order(bytes) {
        return Ok(utf16(bytes, big_endian));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => {
            return Ok(Decoded {
                text: s.to_owned(),
                encoding: TextEncoding::Utf8,
                bom: false,
                replaced: false,
            });
        }
        Err(e) => e,
    };
    match strict_shift_jis(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding: TextEncoding::ShiftJis,
            bom: false,
            replaced: false,
        }),
        Err(at) => Err(format!(
            "byte {}: the file is neither UTF-8 (first bad byte at {}) nor Shift_JIS; save it as UTF-8 or name its encoding with --encoding",
            at,
            utf8_error.valid_up_to()
        )),
    }
}

/// Big-endian or not, when the input is UTF-16: from its byte-order mark, else from the
/// NULs that ASCII characters leave in every other byte.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(false);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(true);
    }
    // UTF-8 and Shift_JIS text never holds NUL bytes; UTF-16 has one in every ASCII
    // character (the high byte), on the odd positions in little-endian order.
    let head = &bytes[..bytes.len().min(1024)];
    let even_nuls = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nuls = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if even_nuls + odd_nuls == 0 {
        None
    } else {
        Some(even_nuls > odd_nuls)
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> Decoded {
    let (enc, bom_bytes, which) = if big_endian {
        (UTF_16BE, [0xFE, 0xFF], TextEncoding::Utf16Be)
    } else {
        (UTF_16LE, [0xFF, 0xFE], TextEncoding::Utf16Le)
    };
    let (bom, body) = match bytes.strip_prefix(&bom_bytes) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    // Lone surrogates and an odd trailing byte become U+FFFD rather than a refusal:
    // UTF-16 has been positively recognised, and the rest of the file is still good.
    let (text, replaced) = enc.decode_without_bom_handling(body);
    Decoded {
        text: text.into_owned(),
        encoding: which,
        bom,
        replaced,
    }
}

/// Shift_JIS without replacement, or the offset of the first byte that is not valid.
fn strict_shift_jis(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => {
                out.reserve(bytes.len() - read_total + 16);
            }
            DecoderResult::Malformed(bad, after) => {
                return Err(read_total.saturating_sub(bad as usize + after as usize));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "種別,操作,メッセージ\r\nvalidate.user,csv_validation,\"髙橋 ㈱, ①\"\r\n";

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        v
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut v = vec![0xFE, 0xFF];
        v.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
        v
    }

    fn sjis(s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = SHIFT_JIS.encode(s);
        assert!(!unmappable, "test text must be encodable");
        bytes.into_owned()
    }

    #[test]
    fn every_encoding_is_detected_and_decodes_to_the_same_text() {
        let mut bom8 = UTF8_BOM.to_vec();
        bom8.extend(TEXT.as_bytes());
        let cases: Vec<(Vec<u8>, TextEncoding, bool)> = vec![
            (TEXT.as_bytes().to_vec(), TextEncoding::Utf8, false),
            (bom8, TextEncoding::Utf8, true),
            (utf16le(TEXT, true), TextEncoding::Utf16Le, true),
            (utf16le(TEXT, false), TextEncoding::Utf16Le, false),
            (utf16be(TEXT), TextEncoding::Utf16Be, true),
            (sjis(TEXT), TextEncoding::ShiftJis, false),
        ];
        for (bytes, enc, bom) in cases {
            let d = decode(&bytes, EncodingChoice::Auto).expect("decodes");
            assert_eq!(d.text, TEXT, "{enc:?}");
            assert_eq!(d.encoding, enc);
            assert_eq!(d.bom, bom, "{enc:?}");
            assert!(!d.replaced);
        }
    }

    #[test]
    fn forced_encodings_win_over_detection() {
        // Shift_JIS bytes that also happen to be valid UTF-8 would be read as UTF-8; the
        // user's choice decides.
        let d = decode(&sjis(TEXT), EncodingChoice::ShiftJis).expect("decodes");
        assert_eq!(d.text, TEXT);
        let d = decode(&utf16le(TEXT, false), EncodingChoice::Utf16).expect("decodes");
        assert_eq!(d.text, TEXT);
        let d = decode(&sjis(TEXT), EncodingChoice::Utf8).expect("lossy");
        assert!(d.replaced);
        assert!(d.text.contains('\u{fffd}'));
    }

    #[test]
    fn input_valid_in_no_encoding_is_refused_with_an_offset() {
        // 0x81 0x20 is an invalid Shift_JIS pair and invalid UTF-8.
        let bytes = b"Message\r\nabc\x81\x20def\r\n";
        let e = decode(bytes, EncodingChoice::Auto).expect_err("refused");
        assert!(e.starts_with("byte 12:"), "{e}");
        assert!(e.contains("--encoding"), "{e}");
        let e = decode(b"\xEF\xBB\xBFok\xFF", EncodingChoice::Auto).expect_err("refused");
        assert!(e.starts_with("byte 5:"), "{e}");
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        let d = decode(b"", EncodingChoice::Auto).expect("decodes");
        assert_eq!(d.text, "");
        assert_eq!(d.encoding, TextEncoding::Utf8);
    }
}
