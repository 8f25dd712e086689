//! docker/go-units' `RAMInBytes`, which compose-go uses for every byte size
//! of the model (`mem_limit`, `shm_size`, `tmpfs.size`, ...): `512m`, `1.5g`,
//! `1024`, `10 KiB`, binary units whatever the suffix says.

use super::strconv::parse_float;

/// docker/go-units `RAMInBytes`: `512m`, `1.5g`, `1024`, `10 KiB`...
pub fn ram_in_bytes(size: &str) -> Result<i64, String> {
    let invalid = || format!("invalid size: '{size}'");
    let sep = size
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(invalid)?;
    let (num, sfx) = if size.as_bytes()[sep] != b' ' {
        (&size[..=sep], &size[sep + 1..])
    } else {
        (&size[..sep], &size[sep + 1..])
    };
    let mut value = parse_float(num).ok_or_else(|| format!("invalid size: '{size}'"))?;
    if value < 0.0 {
        return Err(invalid());
    }
    if sfx.is_empty() {
        return Ok(value as i64);
    }
    let bad = || format!("invalid suffix: '{}'", sfx.to_lowercase());
    if sfx.len() > 3 {
        return Err(bad());
    }
    let lower = sfx.to_ascii_lowercase();
    let b = lower.as_bytes();
    if b[0] == b'b' {
        if b.len() > 1 {
            return Err(bad());
        }
        return Ok(value as i64);
    }
    let mul: i64 = match b[0] {
        b'k' => 1 << 10,
        b'm' => 1 << 20,
        b'g' => 1 << 30,
        b't' => 1 << 40,
        b'p' => 1 << 50,
        _ => return Err(bad()),
    };
    value *= mul as f64;
    match b.len() {
        2 if b[1] != b'b' => return Err(bad()),
        3 if &b[1..] != b"ib" => return Err(bad()),
        _ => {}
    }
    Ok(value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_go_units() {
        assert_eq!(ram_in_bytes("1g"), Ok(1 << 30));
        assert_eq!(ram_in_bytes("512m"), Ok(512 << 20));
        assert_eq!(ram_in_bytes("1.5k"), Ok(1536));
        assert_eq!(ram_in_bytes("12mb"), Ok(12 << 20));
        assert_eq!(ram_in_bytes("10 KiB"), Ok(10 << 10));
        assert_eq!(ram_in_bytes("1024"), Ok(1024));
        assert_eq!(ram_in_bytes("1b"), Ok(1));
        assert!(ram_in_bytes("1x").is_err());
        assert!(ram_in_bytes("abc").is_err());
        assert!(ram_in_bytes("-1").is_err());
        assert!(ram_in_bytes("").is_err());
        assert!(ram_in_bytes("1kbb").is_err());
    }
}
