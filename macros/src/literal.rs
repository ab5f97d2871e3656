//! The value of a string literal token, as rustc reads it.
//!
//! Only `"..."` and `r"..."`/`r#"..."#` literals are accepted (no byte or C
//! strings, no suffix): anything else returns `None`, and the caller falls
//! back to plain `format_args!`, whose error message then tells the user what
//! is wrong.

/// The string a literal token's source text (`Literal::to_string()`) stands
/// for, or `None` if it is not a plain or raw string literal.
pub(crate) fn string_value(source: &str) -> Option<String> {
    if let Some(raw) = source.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let body = body.strip_suffix(&"#".repeat(hashes))?;
        // Raw strings have no escapes; CRLF is normalised to LF by the lexer.
        return Some(body.strip_suffix('"')?.replace("\r\n", "\n"));
    }
    let body = source.strip_prefix('"')?.strip_suffix('"')?;
    unescape(body)
}

/// Resolves the escapes of a (non-raw) string literal's body.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue; // CRLF in the source is LF in the value
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hi = chars.next()?.to_digit(8)?;
                let lo = chars.next()?.to_digit(16)?;
                out.push(char::from_u32(hi * 16 + lo)?);
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut value = 0u32;
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        d => value = value.checked_mul(16)?.checked_add(d.to_digit(16)?)?,
                    }
                }
                out.push(char::from_u32(value)?);
            }
            '\n' | '\r' => {
                // Line continuation: the newline and the whitespace after it
                // are not part of the string.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::string_value;

    #[test]
    fn plain_and_raw_literals() {
        assert_eq!(string_value(r#""a {} b""#).as_deref(), Some("a {} b"));
        assert_eq!(
            string_value(r#""\n\t\\\"\x41\u{1F600}\0""#).as_deref(),
            Some("\n\t\\\"A\u{1F600}\0")
        );
        assert_eq!(
            string_value("\"a\\\n     b\"").as_deref(),
            Some("ab"),
            "line continuation"
        );
        assert_eq!(
            string_value(r###"r#"x "{}" y"#"###).as_deref(),
            Some(r#"x "{}" y"#)
        );
        assert_eq!(string_value(r#"r"\n""#).as_deref(), Some(r"\n"));
        assert_eq!(string_value(r#"b"x""#), None);
        assert_eq!(string_value("42"), None);
        assert_eq!(string_value(r#""\x80""#), None);
    }
}
