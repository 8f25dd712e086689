//! Interpolation of a parsed file's tree, before anything is typed.
//!
//! compose-go substitutes `${VAR}` in every string value of each file right after
//! parsing, then casts the strings at a fixed list of paths (ports' `target`,
//! `privileged`, `deploy.replicas`, ...) to the type the schema wants there. We do
//! the same on the span tree, so an error points inside the scalar that holds the
//! bad `${...}`.

use super::pattern::{self, Live, Trail};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::node::{Node, Resolved, Scalar, Style, Value};
use crate::template::{self, TemplateErrorKind};

#[derive(Clone, Copy)]
enum Cast {
    Int,
    Int64,
    Float,
    Float32,
    Bool,
}

const S: &str = "services";
const A: &str = "*";
const L: &str = "[]";

#[rustfmt::skip]
static CASTS: &pattern::Table<Cast> = &[
    (&[S, A, "cpu_count"], Cast::Int64),
    (&[S, A, "cpu_percent"], Cast::Float),
    (&[S, A, "cpu_period"], Cast::Int64),
    (&[S, A, "cpu_quota"], Cast::Int64),
    (&[S, A, "cpu_rt_period"], Cast::Int64),
    (&[S, A, "cpu_rt_runtime"], Cast::Int64),
    (&[S, A, "cpus"], Cast::Float32),
    (&[S, A, "cpu_shares"], Cast::Int64),
    (&[S, A, "init"], Cast::Bool),
    (&[S, A, "deploy", "replicas"], Cast::Int),
    (&[S, A, "deploy", "update_config", "parallelism"], Cast::Int),
    (&[S, A, "deploy", "update_config", "max_failure_ratio"], Cast::Float),
    (&[S, A, "deploy", "rollback_config", "parallelism"], Cast::Int),
    (&[S, A, "deploy", "rollback_config", "max_failure_ratio"], Cast::Float),
    (&[S, A, "deploy", "restart_policy", "max_attempts"], Cast::Int),
    (&[S, A, "deploy", "placement", "max_replicas_per_node"], Cast::Int),
    (&[S, A, "healthcheck", "retries"], Cast::Int),
    (&[S, A, "healthcheck", "disable"], Cast::Bool),
    (&[S, A, "oom_kill_disable"], Cast::Bool),
    (&[S, A, "oom_score_adj"], Cast::Int64),
    (&[S, A, "pids_limit"], Cast::Int64),
    (&[S, A, "ports", L, "target"], Cast::Int),
    (&[S, A, "privileged"], Cast::Bool),
    (&[S, A, "read_only"], Cast::Bool),
    (&[S, A, "scale"], Cast::Int),
    (&[S, A, "stdin_open"], Cast::Bool),
    (&[S, A, "tty"], Cast::Bool),
    (&[S, A, "ulimits", A], Cast::Int),
    (&[S, A, "ulimits", A, "hard"], Cast::Int),
    (&[S, A, "ulimits", A, "soft"], Cast::Int),
    (&[S, A, "volumes", L, "read_only"], Cast::Bool),
    (&[S, A, "volumes", L, "volume", "nocopy"], Cast::Bool),
    (&["networks", A, "external"], Cast::Bool),
    (&["networks", A, "internal"], Cast::Bool),
    (&["networks", A, "attachable"], Cast::Bool),
    (&["networks", A, "enable_ipv4"], Cast::Bool),
    (&["networks", A, "enable_ipv6"], Cast::Bool),
    (&["volumes", A, "external"], Cast::Bool),
    (&["secrets", A, "external"], Cast::Bool),
    (&["configs", A, "external"], Cast::Bool),
];

/// Interpolation settings for one tree.
pub struct Interpolator<'a> {
    /// Variable lookup.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// Names already warned about (compose warns once per variable).
    pub warned: &'a mut std::collections::BTreeSet<String>,
}

impl Interpolator<'_> {
    /// Interpolates every string scalar of `node` in place.
    pub fn run(&mut self, node: &mut Node, diags: &mut Diagnostics) {
        let mut path = Trail::new();
        self.walk(node, &mut path, Live::all(CASTS), diags);
    }

    fn walk(&mut self, node: &mut Node, path: &mut Trail, live: Live, diags: &mut Diagnostics) {
        let depth = path.len();
        match &mut node.value {
            Value::Map(m) => {
                for (k, v) in m.iter_mut() {
                    let live = live.key(CASTS, depth, k);
                    path.push_key(k);
                    self.walk(v, path, live, diags);
                    path.pop();
                }
            }
            Value::Seq(items) => {
                let live = live.index(CASTS, depth);
                for (i, v) in items.iter_mut().enumerate() {
                    path.push_index(i);
                    self.walk(v, path, live, diags);
                    path.pop();
                }
            }
            Value::Scalar(s) => {
                let Resolved::Str(text) = s.resolve() else {
                    return;
                };
                let cast = live.found(CASTS, depth);
                if cast.is_none() && !text.contains('$') {
                    // Nothing to substitute (only `$` starts an expression) and no cast.
                    return;
                }
                let text = text.to_string();
                // quoted scalars without escapes: the text starts one byte after the span
                let quoted = matches!(s.style, Style::SingleQuoted | Style::DoubleQuoted)
                    && node.span.len() == s.text.len() + 2;
                let value = match template::substitute(&text, self.lookup) {
                    Ok(sub) => {
                        for u in sub.unset {
                            if self.warned.insert(u.name.clone()) {
                                diags.push(
                                    Diagnostic::warning(
                                        Code::InterpolationUnset,
                                        format!("The \"{}\" variable is not set. Defaulting to a blank string.", u.name),
                                    )
                                    .with_path(path.to_string())
                                    .with_span(sub_span(node.span, quoted, u.offset, u.len))
                                    .with_help(format!("set {} in the environment or in .env, or give a default with ${{{}:-default}}", u.name, u.name)),
                                );
                            }
                        }
                        sub.value
                    }
                    Err(e) => {
                        let span = sub_span(node.span, quoted, e.offset, e.len);
                        let d = match &e.kind {
                            TemplateErrorKind::Required { name, message } => Diagnostic::error(
                                Code::InterpolationRequired,
                                if message.is_empty() {
                                    format!("required variable {name} is missing a value")
                                } else {
                                    format!(
                                        "required variable {name} is missing a value: {message}"
                                    )
                                },
                            )
                            .with_help(format!(
                                "set {name} in the environment, in .env or with --env-file"
                            )),
                            TemplateErrorKind::Invalid { message } => Diagnostic::error(
                                Code::InterpolationSyntax,
                                format!("invalid interpolation format for {path}: {message}"),
                            )
                            .with_help("you may need to escape any $ with another $ ($$)"),
                        };
                        diags.push(d.with_path(path.to_string()).with_span(span));
                        return;
                    }
                };
                let changed = value != text;
                if let Some(cast) = cast {
                    match cast_value(*cast, &value) {
                        Ok(v) => {
                            if let Some(w) = v.1 {
                                diags.push(
                                    Diagnostic::warning(Code::WrongType, w)
                                        .with_path(path.to_string())
                                        .with_span(node.span)
                                        .with_help("use `true` or `false`"),
                                );
                            }
                            node.value = v.0;
                        }
                        Err(msg) => diags.push(
                            Diagnostic::error(
                                Code::WrongType,
                                format!("error while interpolating {path}: failed to cast to expected type: {msg}"),
                            )
                            .with_path(path.to_string())
                            .with_span(node.span)
                            .with_help("this field needs a number or a boolean after interpolation"),
                        ),
                    }
                } else if changed {
                    node.value = Value::Scalar(Scalar {
                        text: value.into(),
                        style: Style::Synthetic,
                    });
                }
            }
            Value::Null => {}
        }
    }
}

/// Span of `offset..offset+len` inside a scalar's text (shifted past an opening quote).
fn sub_span(span: crate::span::Span, quoted: bool, offset: usize, len: usize) -> crate::span::Span {
    if span.is_synthetic() {
        return span;
    }
    let shift = usize::from(quoted);
    let s = span.sub(offset + shift, len.max(1));
    if s.end > span.end {
        span
    } else {
        s
    }
}

fn plain(s: String) -> Value {
    Value::Scalar(Scalar {
        text: s.into(),
        style: Style::Plain,
    })
}

/// Casts like compose-go's interpolation casts; returns the value and an optional warning.
fn cast_value(cast: Cast, v: &str) -> Result<(Value, Option<String>), String> {
    match cast {
        Cast::Int | Cast::Int64 => crate::gocompat::strconv::atoi(v)
            .map(|i| (plain(i.to_string()), None))
            .ok_or_else(|| format!("strconv.Atoi: parsing {v:?}: invalid syntax")),
        Cast::Float | Cast::Float32 => parse_go_float(v)
            .map(|f| (plain(format_float(f)), None))
            .ok_or_else(|| format!("strconv.ParseFloat: parsing {v:?}: invalid syntax")),
        Cast::Bool => match v.to_ascii_lowercase().as_str() {
            "true" => Ok((plain("true".into()), None)),
            "false" => Ok((plain("false".into()), None)),
            "y" | "yes" | "on" => Ok((
                plain("true".into()),
                Some(format!(
                    "{v:?} for boolean is not supported by YAML 1.2, please use `true`"
                )),
            )),
            "n" | "no" | "off" => Ok((
                plain("false".into()),
                Some(format!(
                    "{v:?} for boolean is not supported by YAML 1.2, please use `false`"
                )),
            )),
            _ => Err(format!("invalid boolean: {v}")),
        },
    }
}

/// Go's `strconv.ParseFloat`: decimal floats, `inf`, `nan` (not hex floats here).
fn parse_go_float(v: &str) -> Option<f64> {
    let lower = v.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return lower.parse().ok();
    }
    if body.is_empty()
        || !body.bytes().all(|b| {
            b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'+' || b == b'-' || b == b'_'
        })
    {
        return None;
    }
    v.replace('_', "").parse().ok()
}

/// A float as YAML text that `resolve_plain` reads back as the same number.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        let s = format!("{f}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}
