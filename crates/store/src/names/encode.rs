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

/// Which look-alikes an encoding uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    /// Windows' rules: the refused characters, control characters, a
    /// trailing space or dot, device names.
    pub windows: bool,
    /// A leading dot too (the local store's own files start with one).
    pub leading_dot: bool,
}

/// Where a character sits in its segment.
#[derive(Clone, Copy)]
struct At {
    first: bool,
    last: bool,
}

/// The look-alike `c` is written as `at` its place, if any.
fn look_alike(c: char, at: At, style: Style) -> Option<char> {
    let windows = style.windows;
    match c {
        '\0' => Some(shifted(c, SYMBOLS)),
        c if windows && WINDOWS_REFUSED.contains(&c) => Some(shifted(c, FULLWIDTH)),
        '\u{1}'..='\u{1f}' if windows => Some(shifted(c, SYMBOLS)),
        ' ' if windows && at.last => Some(SPACE_SYMBOL),
        '.' if (windows && at.last) || (style.leading_dot && at.first) => Some(FULLWIDTH_DOT),
        _ => None,
    }
}

/// The character look-alike `c` stands for `at` its place, if it is one.
fn original(c: char, at: At, style: Style) -> Option<char> {
    let windows = style.windows;
    let from = |by| unshifted(c, by);
    match c {
        '␀' => Some('\0'),
        _ if windows && WINDOWS_REFUSED.contains(&from(FULLWIDTH)) => Some(from(FULLWIDTH)),
        '␁'..='␟' if windows => Some(from(SYMBOLS)),
        SPACE_SYMBOL if windows && at.last => Some(' '),
        FULLWIDTH_DOT if (windows && at.last) || (style.leading_dot && at.first) => Some('.'),
        _ => None,
    }
}

/// Whether `‛` before `c` (standing `at` its place) is read as a quote.
fn quotable(c: char, at: At, style: Style) -> bool {
    c == QUOTE || original(c, at, style).is_some()
}

/// Whole names that stand for `.` and `..`, which no disk holds as a name.
const DOTS: [&str; 2] = ["．", "．．"];

/// Whether `text` is the same as a key and as a name, as most are: then
/// neither encoding nor decoding has anything to do (the fast path of a
/// scan of a million names).
fn as_is(text: &str, style: Style) -> bool {
    let windows = style.windows;
    let special = |c: char| {
        matches!(c, '\0' | '␀' | QUOTE | FULLWIDTH_DOT)
            || (windows
                && ((c as u32) < 0x20
                    || WINDOWS_REFUSED.contains(&c)
                    || WINDOWS_REFUSED.contains(&unshifted(c, FULLWIDTH))
                    || ('␁'..='␟').contains(&c)))
    };
    let ends_odd = windows && text.ends_with([' ', '.', SPACE_SYMBOL]);
    let starts_odd = (windows && (text.starts_with(is_fullwidth_letter) || is_device(text)))
        || (style.leading_dot && text.starts_with('.'));
    !(text.is_empty() || text == "." || text == ".." || text.contains(special) || ends_odd || starts_odd)
}

pub(super) fn encode(segment: &str, style: Style) -> String {
    if as_is(segment, style) {
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
            let at = At { first: i == 0, last: i + 1 == n };
            match look_alike(c, at, style) {
                Some(alike) => alike.to_string(),
                None if c != QUOTE && quotable(c, at, style) => format!("{QUOTE}{c}"),
                None => c.to_string(),
            }
        })
        .collect();
    for i in (0..n).rev() {
        if chars[i] != QUOTE {
            continue;
        }
        // Read back, what follows a `‛` stands where the `‛` does.
        let next = tokens.get(i + 1).and_then(|t| t.chars().next());
        let at = At { first: i == 0, last: i + 2 == n && tokens[i + 1].chars().count() == 1 };
        let reads_as_quote = next.is_some_and(|c| quotable(c, at, style))
            || (style.windows && i == 0 && next.is_some_and(|c| device_letter(c, &chars[2..])))
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
    } else if style.windows {
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

pub(super) fn decode(name: &str, style: Style) -> String {
    if as_is(name, style) {
        return name.to_owned();
    }
    if let Some(i) = DOTS.iter().position(|d| *d == name) {
        return [".", ".."][i].to_owned();
    }
    let chars: Vec<char> = name.chars().collect();
    // A dot name that was quoted (`‛．` is `．`; on Windows' rules that reads so anyway).
    if chars.first() == Some(&QUOTE)
        && DOTS.contains(&&name[QUOTE.len_utf8()..])
        && !(style.windows && chars.len() == 2)
    {
        return decode_chars(&chars[1..], style, 1);
    }
    if style.windows {
        if let Some(&first) = chars.first() {
            // `ＣON.txt`: a device name, its first letter made FULLWIDTH.
            if is_fullwidth_letter(first) {
                let device = format!("{}{}", unshifted(first, FULLWIDTH), decode_chars(&chars[1..], style, 1));
                if is_device(&device) {
                    return device;
                }
            }
            // `‛ＣON.txt`: a name that only looks like one.
            if first == QUOTE
                && chars.get(1).is_some_and(|&c| device_letter(c, &decode_chars_vec(&chars[2..], style, 1)))
            {
                return format!("{}{}", chars[1], decode_chars(&chars[2..], style, 1));
            }
        }
    }
    decode_chars(&chars, style, 0)
}

/// Decodes `chars`, which follow `before` characters of the segment.
fn decode_chars(chars: &[char], style: Style, before: usize) -> String {
    decode_chars_vec(chars, style, before).into_iter().collect()
}

fn decode_chars_vec(chars: &[char], style: Style, before: usize) -> Vec<char> {
    let n = chars.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let (c, first) = (chars[i], before + out.len() == 0);
        if c == QUOTE && i + 1 < n && quotable(chars[i + 1], At { first, last: i + 2 == n }, style) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(original(c, At { first, last: i + 1 == n }, style).unwrap_or(c));
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

    const WIN: Style = Style { windows: true, leading_dot: false };
    const PLAIN: Style = Style { windows: false, leading_dot: false };
    /// The local store's: Windows' rules and no leading dot.
    const STORE: Style = Style { windows: true, leading_dot: true };

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
            assert_eq!(encode(key, WIN), name, "{key:?}");
            assert_eq!(decode(name, WIN), key, "{name:?}");
        }
    }

    #[test]
    fn other_disks_keep_every_name_but_the_impossible_ones() {
        for key in ["ckpt:3.pt", "report.", "CON", "tab\there", "wide：colon", "‛x", ".hidden"] {
            assert_eq!(encode(key, PLAIN), key);
            assert_eq!(decode(key, PLAIN), key);
        }
        assert_eq!(encode("nul\0byte", PLAIN), "nul␀byte");
        assert_eq!(encode("‛␀", PLAIN), "‛‛‛␀");
        assert_eq!(decode("‛‛‛␀", PLAIN), "‛␀");
    }

    #[test]
    fn the_local_store_never_names_a_file_with_a_leading_dot() {
        for (key, name) in [(".hidden", "．hidden"), ("．wide", "‛．wide"), (".x.", "．x．"), ("‛．a", "‛‛．a")]
        {
            assert_eq!(encode(key, STORE), name, "{key:?}");
            assert_eq!(decode(name, STORE), key, "{name:?}");
        }
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
            for style in [WIN, PLAIN, STORE] {
                let name = encode(&key, style);
                prop_assert_eq!(decode(&name, style), key.clone(), "{:?}: {:?}", style, name);
            }
            prop_assert!(!encode(&key, STORE).starts_with('.'));
        }

        #[test]
        fn a_windows_name_holds_nothing_windows_refuses(key in awkward_key()) {
            let name = encode(&key, WIN);
            prop_assert!(!name.contains(WINDOWS_REFUSED) && !name.contains(|c: char| (c as u32) < 0x20), "{:?}", name);
            prop_assert!(!name.ends_with([' ', '.']), "{:?}", name);
            prop_assert!(!is_device(&name), "{:?}", name);
            prop_assert!(name != "." && name != "..");
        }

        #[test]
        fn any_string_comes_back(key in "\\PC{1,12}") {
            let key = key.replace('/', "");
            prop_assume!(!key.is_empty());
            for style in [WIN, PLAIN, STORE] {
                prop_assert_eq!(decode(&encode(&key, style), style), key.clone());
            }
        }
    }
}
