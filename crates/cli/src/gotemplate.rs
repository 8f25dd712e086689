//! The part of Go's `text/template` that `--format` templates of the docker
//! CLI and compose use: `{{.Field}}`, methods with string arguments
//! (`{{.Label "key"}}`), the docker CLI's functions (`json`, `upper`,
//! `lower`, `title`, `join`, `split`, `pad`, `truncate`, `println`), pipelines
//! (`{{.Service | upper}}`), and the `table` prefix, which prints a header of
//! the fields' column names and aligns the columns as the docker CLI's
//! tabwriter does (minimum width 10, padding 3).

use serde_json::Value;

/// What a template reads: fields of `.`, and methods (`Label`).
pub trait Data {
    /// `.` as a whole (for `{{json .}}`).
    fn whole(&self) -> Value;
    /// `.Name`.
    fn field(&self, name: &str) -> Option<Value>;
    /// `.Name "arg" ...`.
    fn method(&self, name: &str, args: &[String]) -> Option<Value> {
        let _ = (name, args);
        None
    }
}

impl Data for Value {
    fn whole(&self) -> Value {
        self.clone()
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Dot,
    Field(String),
    Str(String),
    Num(i64),
    Func(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    /// A pipeline: commands separated by `|`, each a list of arguments.
    Action(Vec<Vec<Arg>>),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
    /// `table ...`: print a header and align columns.
    pub table: bool,
}

fn words(action: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = action.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::from('"');
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                s.push(match n {
                                    'n' => '\n',
                                    't' => '\t',
                                    o => o,
                                });
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        o => s.push(o),
                    }
                }
                if !closed {
                    return Err("unterminated quoted string".into());
                }
                out.push(s);
            }
            ' ' | '\t' | '\n' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '|' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push("|".into());
            }
            o => cur.push(o),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn arg(word: &str) -> Result<Arg, String> {
    if let Some(s) = word.strip_prefix('"') {
        return Ok(Arg::Str(s.to_string()));
    }
    if word == "." {
        return Ok(Arg::Dot);
    }
    if let Some(f) = word.strip_prefix('.') {
        return Ok(Arg::Field(f.to_string()));
    }
    if let Ok(n) = word.parse::<i64>() {
        return Ok(Arg::Num(n));
    }
    const FUNCS: &[&str] = &[
        "json", "upper", "lower", "title", "join", "split", "pad", "truncate", "println",
    ];
    if FUNCS.contains(&word) {
        return Ok(Arg::Func(word.to_string()));
    }
    Err(format!("function {word:?} not defined"))
}

impl Template {
    /// Parses `format` (`table` prefix included); `\t` and `\n` written as
    /// two characters become tabs and newlines, as the docker CLI does.
    pub fn parse(format: &str) -> Result<Template, String> {
        let (table, body) = match format.strip_prefix("table") {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                (true, rest.trim_start())
            }
            _ => (false, format),
        };
        let body = body.replace("\\t", "\t").replace("\\n", "\n");
        let mut pieces = Vec::new();
        let mut rest = body.as_str();
        while let Some(start) = rest.find("{{") {
            let mut text = rest[..start].to_string();
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| "template: unclosed action".to_string())?;
            let mut action = &after[..end];
            if let Some(a) = action.strip_prefix('-') {
                text = text.trim_end().to_string();
                action = a;
            }
            let mut trim_after = false;
            if let Some(a) = action.strip_suffix('-') {
                trim_after = true;
                action = a;
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(text));
            }
            let mut commands = vec![Vec::new()];
            for w in words(action)? {
                if w == "|" {
                    commands.push(Vec::new());
                } else {
                    commands.last_mut().expect("one").push(arg(&w)?);
                }
            }
            if commands.iter().any(Vec::is_empty) {
                return Err("template: missing value for command".into());
            }
            pieces.push(Piece::Action(commands));
            rest = &after[end + 2..];
            if trim_after {
                rest = rest.trim_start();
            }
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template { pieces, table })
    }

    /// The header line of a `table` template: each action's column name
    /// from `headers` (`<no value>` when it has none), the text around as is.
    pub fn header(&self, headers: &dyn Fn(&str) -> Option<&'static str>) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Action(cmds) => {
                    let field = cmds.iter().flatten().find_map(|a| match a {
                        Arg::Field(f) => Some(f.as_str()),
                        _ => None,
                    });
                    out.push_str(field.and_then(headers).unwrap_or("<no value>"));
                }
            }
        }
        out
    }

    /// The template applied to `data`.
    pub fn render(&self, data: &dyn Data) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Action(cmds) => {
                    let mut prev: Option<Value> = None;
                    for cmd in cmds {
                        prev = Some(eval(cmd, data, prev)?);
                    }
                    out.push_str(&text_of(&prev.unwrap_or(Value::Null)));
                }
            }
        }
        Ok(out)
    }
}

fn value_of(a: &Arg, data: &dyn Data) -> Value {
    match a {
        Arg::Dot => data.whole(),
        Arg::Field(f) => data.field(f).unwrap_or(Value::Null),
        Arg::Str(s) => Value::String(s.clone()),
        Arg::Num(n) => Value::from(*n),
        Arg::Func(f) => Value::String(f.clone()),
    }
}

fn eval(cmd: &[Arg], data: &dyn Data, piped: Option<Value>) -> Result<Value, String> {
    match &cmd[0] {
        Arg::Func(f) => {
            let mut args: Vec<Value> = cmd[1..].iter().map(|a| value_of(a, data)).collect();
            if let Some(p) = piped {
                args.push(p);
            }
            call(f, &args)
        }
        Arg::Field(name) if cmd.len() > 1 => {
            let args: Vec<String> = cmd[1..]
                .iter()
                .map(|a| text_of(&value_of(a, data)))
                .collect();
            Ok(data
                .method(name, &args)
                .unwrap_or(Value::String(String::new())))
        }
        a => Ok(value_of(a, data)),
    }
}

fn call(f: &str, args: &[Value]) -> Result<Value, String> {
    let s = |i: usize| args.get(i).map(text_of).unwrap_or_default();
    Ok(match f {
        "json" => Value::String(compose_spec::gocompat::json::to_string(
            args.first().unwrap_or(&Value::Null),
        )),
        "upper" => Value::String(s(0).to_uppercase()),
        "lower" => Value::String(s(0).to_lowercase()),
        "title" => {
            let t = s(0);
            let mut c = t.chars();
            Value::String(match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            })
        }
        "join" => {
            let items: Vec<String> = match args.first() {
                Some(Value::Array(a)) => a.iter().map(text_of).collect(),
                Some(v) => vec![text_of(v)],
                None => vec![],
            };
            Value::String(items.join(&s(1)))
        }
        "split" => Value::Array(s(0).split(&s(1)).map(|p| Value::String(p.into())).collect()),
        "pad" => {
            let n = args.get(1).and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
            let p = " ".repeat(n);
            Value::String(format!("{p}{}{p}", s(0)))
        }
        "truncate" => {
            let n = args.get(1).and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
            Value::String(s(0).chars().take(n).collect())
        }
        "println" => Value::String(format!("{}\n", s(0))),
        other => return Err(format!("function {other:?} not defined")),
    })
}

/// How Go prints a value with `{{...}}`: strings as they are, null as `<no
/// value>`, numbers and booleans as `%v`, arrays as `[a b]`.
fn text_of(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(text_of).collect::<Vec<_>>().join(" ")),
        Value::Object(o) => format!(
            "map[{}]",
            o.iter()
                .map(|(k, v)| format!("{k}:{}", text_of(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// The docker CLI's tabwriter (minimum width 10, padding 3, spaces): each
/// tab-separated cell but the last of a line padded to its column's width.
pub fn align(lines: &[String]) -> String {
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
            widths[i] = widths[i].max(c.chars().count() + 3).max(10);
        }
    }
    let mut out = String::new();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct C(Value);
    impl Data for C {
        fn whole(&self) -> Value {
            self.0.clone()
        }
        fn field(&self, n: &str) -> Option<Value> {
            self.0.get(n).cloned()
        }
        fn method(&self, n: &str, args: &[String]) -> Option<Value> {
            (n == "Label").then(|| self.0["L"][&args[0]].clone())
        }
    }

    #[test]
    fn fields_methods_functions_pipelines() {
        let d = C(json!({"Name": "web-1", "N": 3, "P": [], "L": {"k": "v"}}));
        for (t, want) in [
            ("{{.Name}} {{.N}}", "web-1 3"),
            ("{{.Label \"k\"}}|{{.Label \"x\"}}", "v|<no value>"),
            ("{{upper .Name}}", "WEB-1"),
            ("{{.Name | upper}}", "WEB-1"),
            ("{{json .P}}", "[]"),
            ("{{.Missing}}", "<no value>"),
            ("a\\tb", "a\tb"),
            ("{{- .Name -}}  x", "web-1x"),
        ] {
            assert_eq!(Template::parse(t).unwrap().render(&d).unwrap(), want, "{t}");
        }
        assert!(Template::parse("{{nope .Name}}").is_err());
        assert!(Template::parse("{{.Name").is_err());
    }

    #[test]
    fn tables_as_the_docker_cli_aligns_them() {
        let t = Template::parse("table {{.Name}}\\t{{.State}}").unwrap();
        assert!(t.table);
        let headers = |f: &str| match f {
            "Name" => Some("NAME"),
            "State" => Some("STATE"),
            _ => None,
        };
        let lines = vec![t.header(&headers), "dr-db-1\trunning".to_string()];
        assert_eq!(align(&lines), "NAME      STATE\ndr-db-1   running\n");
    }
}
