//! go-shellwords' `Parse`, which compose-go uses to split a `command`,
//! `entrypoint` or hook `command` written as one string.

/// go-shellwords `Parse` with its defaults (no env expansion, no backticks):
/// splits on blanks, honours quotes and backslashes, stops at an unquoted
/// `;`, `&`, `|`, `<` or `>`.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    const INVALID: &str = "invalid command line string";
    #[derive(PartialEq)]
    enum Got {
        No,
        Single,
        Quoted,
    }
    let mut args = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut double_quoted, mut single_quoted, mut back_quote, mut dollar_quote) =
        (false, false, false, false, false);
    let mut got = Got::No;
    for r in line.chars() {
        if escaped {
            buf.push(r);
            escaped = false;
            got = Got::Single;
            continue;
        }
        if r == '\\' {
            if single_quoted {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if single_quoted || double_quoted || back_quote || dollar_quote {
                buf.push(r);
            } else if got != Got::No {
                args.push(std::mem::take(&mut buf));
                got = Got::No;
            }
            continue;
        }
        match r {
            '`' if !single_quoted && !double_quoted && !dollar_quote => {
                back_quote = !back_quote;
            }
            ')' if !single_quoted && !double_quoted && !back_quote => {
                dollar_quote = !dollar_quote;
            }
            '(' if !single_quoted && !double_quoted && !back_quote => {
                if !dollar_quote && buf.ends_with('$') {
                    dollar_quote = true;
                    buf.push('(');
                    continue;
                }
                return Err(INVALID.to_string());
            }
            '"' if !single_quoted && !dollar_quote => {
                if double_quoted {
                    got = Got::Quoted;
                }
                double_quoted = !double_quoted;
                continue;
            }
            '\'' if !double_quoted && !dollar_quote => {
                if single_quoted {
                    got = Got::Quoted;
                }
                single_quoted = !single_quoted;
                continue;
            }
            ';' | '&' | '|' | '<' | '>'
                if !(single_quoted || double_quoted || back_quote || dollar_quote) =>
            {
                if r == '>' && buf.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    got = Got::No;
                }
                break;
            }
            _ => {}
        }
        got = Got::Single;
        buf.push(r);
    }
    if got != Got::No {
        args.push(buf);
    }
    if escaped || single_quoted || double_quoted || back_quote || dollar_quote {
        return Err(INVALID.to_string());
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shellwords_like_go() {
        assert_eq!(
            split(r#"echo "a b" 'c d' x\ y; echo b"#).unwrap(),
            vec!["echo", "a b", "c d", "x y"]
        );
        assert_eq!(split("").unwrap(), Vec::<String>::new());
        assert_eq!(split("a ''").unwrap(), vec!["a", ""]);
        assert!(split("echo 'a").is_err());
        assert!(split("echo (a)").is_err());
        assert_eq!(split("echo $(date)").unwrap(), vec!["echo", "$(date)"]);
    }
}
