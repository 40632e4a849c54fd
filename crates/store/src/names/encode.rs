//! The encoding of a key segment as a name, after rclone's `lib/encoder`
//! (its local backend's Windows set): each character a disk refuses becomes
//! a look-alike, and a look-alike already in the key is quoted with `‛`
//! (SINGLE HIGH-REVERSED-9 QUOTATION MARK) so that decoding gives back
//! exactly the key.
//!
//! | in the key | on a disk with Windows' rules |
//! |---|---|
//! | `\ : * ? " < > \|` | `＼ ： ＊ ？ ＂ ＜ ＞ ｜` (FULLWIDTH, +0xFEE0) |
//! | control characters U+0001 to U+001F | `␁` to `␟` (SYMBOL FOR) |
//! | a trailing space, a trailing dot | `␠`, `．` |
//! | a device name (`CON`, `nul.txt`, `LPT1`...) | its first letter FULLWIDTH (`ＣON`) |
//!
//! On every disk: NUL is `␀`, and the names `.` and `..` are `．` and `．．`.
//! A `‛` is quoted only where it would otherwise quote what follows it, so a
//! name a person wrote with one reads back as they wrote it.

/// Quotes a look-alike that is in the key itself.
const QUOTE: char = '‛';
/// Adding this to printable ASCII gives its FULLWIDTH form.
const FULLWIDTH: u32 = 0xFEE0;
/// `␀`: the control characters' SYMBOL FOR block starts here.
const SYMBOLS: u32 = 0x2400;
const SPACE_SYMBOL: char = '␠';
const FULLWIDTH_DOT: char = '．';

/// Refused on Windows' rules anywhere in a name.
const WINDOWS_REFUSED: [char; 8] = ['\\', ':', '*', '?', '"', '<', '>', '|'];

fn shifted(c: char, by: u32) -> char {
    char::from_u32(c as u32 + by).unwrap_or(c)
}

fn unshifted(c: char, by: u32) -> char {
    char::from_u32((c as u32).wrapping_sub(by)).unwrap_or(c)
}

/// The look-alike `c` is written as at `last` (the segment's end), if any.
fn look_alike(c: char, last: bool, windows: bool) -> Option<char> {
    match c {
        '\0' => Some(shifted(c, SYMBOLS)),
        c if windows && WINDOWS_REFUSED.contains(&c) => Some(shifted(c, FULLWIDTH)),
        '\u{1}'..='\u{1f}' if windows => Some(shifted(c, SYMBOLS)),
        ' ' if windows && last => Some(SPACE_SYMBOL),
        '.' if windows && last => Some(FULLWIDTH_DOT),
        _ => None,
    }
}

/// The character look-alike `c` stands for at `last`, if it is one.
fn original(c: char, last: bool, windows: bool) -> Option<char> {
    let from = |by| unshifted(c, by);
    match c {
        '␀' => Some('\0'),
        _ if windows && WINDOWS_REFUSED.contains(&from(FULLWIDTH)) => Some(from(FULLWIDTH)),
        '␁'..='␟' if windows => Some(from(SYMBOLS)),
        SPACE_SYMBOL if windows && last => Some(' '),
        FULLWIDTH_DOT if windows && last => Some('.'),
        _ => None,
    }
}

/// Whether `‛` before `c` (at `last`) is read as a quote.
fn quotable(c: char, last: bool, windows: bool) -> bool {
    c == QUOTE || original(c, last, windows).is_some()
}

/// Whole names that stand for `.` and `..`, which no disk holds as a name.
const DOTS: [&str; 2] = ["．", "．．"];

/// Whether `text` is the same as a key and as a name, as most are: then
/// neither encoding nor decoding has anything to do (the fast path of a
/// scan of a million names).
fn as_is(text: &str, windows: bool) -> bool {
    let special = |c: char| {
        matches!(c, '\0' | '␀' | QUOTE | FULLWIDTH_DOT)
            || (windows
                && ((c as u32) < 0x20
                    || WINDOWS_REFUSED.contains(&c)
                    || WINDOWS_REFUSED.contains(&unshifted(c, FULLWIDTH))
                    || ('␁'..='␟').contains(&c)))
    };
    let ends_odd = windows && text.ends_with([' ', '.', SPACE_SYMBOL]);
    let starts_odd = windows && (text.starts_with(is_fullwidth_letter) || is_device(text));
    !(text.is_empty() || text == "." || text == ".." || text.contains(special) || ends_odd || starts_odd)
}

pub(super) fn encode(segment: &str, windows: bool) -> String {
    if as_is(segment, windows) {
        return segment.to_owned();
    }
    match segment {
        "." => return DOTS[0].to_owned(),
        ".." => return DOTS[1].to_owned(),
        _ => {}
    }
    let chars: Vec<char> = segment.chars().collect();
    let n = chars.len();
    // Each character's text in the name: the look-alike, a quoted
    // look-alike, or itself (a `‛` is decided once what follows it is).
    let mut tokens: Vec<String> = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let last = i + 1 == n;
            match look_alike(c, last, windows) {
                Some(alike) => alike.to_string(),
                None if c != QUOTE && quotable(c, last, windows) => format!("{QUOTE}{c}"),
                None => c.to_string(),
            }
        })
        .collect();
    for i in (0..n).rev() {
        if chars[i] != QUOTE {
            continue;
        }
        let next = tokens.get(i + 1).and_then(|t| t.chars().next());
        let next_last = i + 2 == n && tokens[i + 1].chars().count() == 1;
        let reads_as_quote = next.is_some_and(|c| quotable(c, next_last, windows))
            || (windows && i == 0 && next.is_some_and(|c| device_letter(c, &chars[2..])))
            // `‛` then what reads as a dot name: `‛．` must not read as `．`.
            || (i == 0 && DOTS.contains(&tokens[1..].concat().as_str()));
        if reads_as_quote {
            tokens[i] = format!("{QUOTE}{QUOTE}");
        }
    }
    let mut name: String = tokens.concat();
    if DOTS.contains(&name.as_str()) {
        // `．` itself, or (Windows) `．.`: not to be read as `.` or `..`.
        name.insert(0, QUOTE);
    } else if windows {
        if is_device(segment) {
            // Device names start with an ASCII letter, kept as it is above.
            let first = chars[0];
            name.replace_range(..first.len_utf8(), &shifted(first, FULLWIDTH).to_string());
        } else if device_letter(chars[0], &chars[1..]) {
            name.insert(0, QUOTE);
        }
    }
    name
}

pub(super) fn decode(name: &str, windows: bool) -> String {
    if as_is(name, windows) {
        return name.to_owned();
    }
    if let Some(i) = DOTS.iter().position(|d| *d == name) {
        return [".", ".."][i].to_owned();
    }
    let chars: Vec<char> = name.chars().collect();
    // A dot name that was quoted (`‛．` is `．`; on Windows' rules that reads so anyway).
    if chars.first() == Some(&QUOTE) && DOTS.contains(&&name[QUOTE.len_utf8()..]) && !(windows && chars.len() == 2) {
        return decode_chars(&chars[1..], windows);
    }
    if windows {
        if let Some(&first) = chars.first() {
            // `ＣON.txt`: a device name, its first letter made FULLWIDTH.
            if is_fullwidth_letter(first) {
                let device = format!("{}{}", unshifted(first, FULLWIDTH), decode_chars(&chars[1..], windows));
                if is_device(&device) {
                    return device;
                }
            }
            // `‛ＣON.txt`: a name that only looks like one.
            if first == QUOTE
                && chars.get(1).is_some_and(|&c| device_letter(c, &decode_chars_vec(&chars[2..], windows)))
            {
                return format!("{}{}", chars[1], decode_chars(&chars[2..], windows));
            }
        }
    }
    decode_chars(&chars, windows)
}

fn decode_chars(chars: &[char], windows: bool) -> String {
    decode_chars_vec(chars, windows).into_iter().collect()
}

fn decode_chars_vec(chars: &[char], windows: bool) -> Vec<char> {
    let n = chars.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c == QUOTE && i + 1 < n && quotable(chars[i + 1], i + 2 == n, windows) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(original(c, i + 1 == n, windows).unwrap_or(c));
        i += 1;
    }
    out
}

fn is_fullwidth_letter(c: char) -> bool {
    matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// Whether a FULLWIDTH first letter `c` followed by `rest` would read as
/// an encoded device name.
fn device_letter(c: char, rest: &[char]) -> bool {
    is_fullwidth_letter(c) && is_device(&format!("{}{}", unshifted(c, FULLWIDTH), rest.iter().collect::<String>()))
}

/// Windows' reserved device names, with any extension (`NUL.tar.gz` is
/// `NUL`) and trailing spaces, in any case.
fn is_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ').to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let (head, digit) = (stem.get(..3), stem.get(3..));
            matches!(head, Some("COM" | "LPT"))
                && matches!(digit, Some("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"))
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn windows_names_as_rclone_writes_them() {
        for (key, name) in [
            ("ckpt:3.pt", "ckpt：3.pt"),
            ("a<b>c|d\"e\\f*g?h", "a＜b＞c｜d＂e＼f＊g？h"),
            ("tab\there", "tab␉here"),
            ("report.", "report．"),
            ("trailing ", "trailing␠"),
            ("a . b.", "a . b．"),
            ("CON", "ＣON"),
            ("nul.tar.gz", "ｎul.tar.gz"),
            ("LPT1.txt", "ＬPT1.txt"),
            ("COM0", "COM0"),
            ("CONSOLE", "CONSOLE"),
            // Look-alikes already in the key are quoted.
            ("wide：colon", "wide‛：colon"),
            ("ends in ．", "ends in ‛．"),
            ("mid．dot", "mid．dot"),
            ("ＣON", "‛ＣON"),
            ("‛quoted", "‛quoted"),
            ("‛：", "‛‛‛："),
            ("‛:", "‛‛："),
        ] {
            assert_eq!(encode(key, true), name, "{key:?}");
            assert_eq!(decode(name, true), key, "{name:?}");
        }
    }

    #[test]
    fn other_disks_keep_every_name_but_the_impossible_ones() {
        for key in ["ckpt:3.pt", "report.", "CON", "tab\there", "wide：colon", "‛x"] {
            assert_eq!(encode(key, false), key);
            assert_eq!(decode(key, false), key);
        }
        assert_eq!(encode("nul\0byte", false), "nul␀byte");
        assert_eq!(encode("‛␀", false), "‛‛‛␀");
        assert_eq!(decode("‛‛‛␀", false), "‛␀");
    }

    /// Keys made of the characters the encoding treats, plain letters, and
    /// device names, so the odd cases come up often.
    fn awkward_key() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", ".", " ", ":", "*", "?", "\"", "<", ">", "|", "\\", "\t", "\0", "‛", "：", "＊", "．", "␠", "␀",
            "␉", "CON", "nul", "Lpt1", "Ｃ", "ＣON", "é", "e\u{301}",
        ]);
        prop::collection::vec(pieces, 1..8).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn every_key_comes_back(key in awkward_key()) {
            for windows in [true, false] {
                let name = encode(&key, windows);
                prop_assert_eq!(decode(&name, windows), key.clone(), "windows {}: {:?}", windows, name);
            }
        }

        #[test]
        fn a_windows_name_holds_nothing_windows_refuses(key in awkward_key()) {
            let name = encode(&key, true);
            prop_assert!(!name.contains(WINDOWS_REFUSED) && !name.contains(|c: char| (c as u32) < 0x20), "{:?}", name);
            prop_assert!(!name.ends_with([' ', '.']), "{:?}", name);
            prop_assert!(!is_device(&name), "{:?}", name);
            prop_assert!(name != "." && name != "..");
        }

        #[test]
        fn any_string_comes_back(key in "\\PC{1,12}") {
            let key = key.replace('/', "");
            prop_assume!(!key.is_empty());
            for windows in [true, false] {
                prop_assert_eq!(decode(&encode(&key, windows), windows), key.clone());
            }
        }
    }
}
