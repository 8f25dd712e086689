//! Go's text conversions, reproduced byte for byte, each written once.
//!
//! Docker Compose is a Go program, and much of what it accepts and prints is
//! decided by Go's libraries rather than by compose itself: how a duration is
//! read (`time.ParseDuration`, go-str2duration) and printed
//! (`time.Duration.String`), how a number becomes text (`fmt`'s `%v`) or is
//! parsed (`strconv`), how JSON escapes strings and writes floats
//! (`encoding/json`), how a path is cleaned (`path.Clean`), how sizes
//! (docker/go-units) and command lines (go-shellwords) are read. hoist has to
//! agree with each of them to the byte, in the loader, in `config`'s output
//! and in the config hashes `compose-engine` computes. So each conversion
//! lives here, once, with unit tests taken from Go's documented behaviour, and
//! every other module — of this crate and of `compose-engine` — calls it.

pub mod duration;
pub(crate) mod fmt;
pub mod json;
pub mod path;
pub mod shellwords;
pub mod strconv;
pub mod units;
