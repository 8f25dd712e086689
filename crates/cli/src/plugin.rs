//! hoist as a docker CLI plugin: installed as `~/.docker/cli-plugins/docker-compose`
//! (or `docker-hoist`), `docker compose ...` runs it as
//! `docker-compose [docker's global flags] compose ...`. It answers the
//! plugin metadata request, turns the docker CLI's own global flags into the
//! environment that selects the same engine (`--context` → `DOCKER_CONTEXT`,
//! `-H` → `DOCKER_HOST`, `--config` → `DOCKER_CONFIG`, the TLS flags), and
//! drops the plugin's name, so the rest parses as a plain hoist command line.

/// What this invocation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// `docker-cli-plugin-metadata`: describe the plugin.
    Metadata,
    /// Run this command line (argv, program name first), with these
    /// environment variables set first.
    Run {
        /// The command line for hoist's parser.
        args: Vec<String>,
        /// `(name, value)` pairs the docker flags stand for.
        env: Vec<(String, String)>,
    },
}

/// The metadata the docker CLI asks plugins for.
pub fn metadata() -> String {
    format!(
        "{{\n     \"SchemaVersion\": \"0.1.0\",\n     \"Vendor\": \"hoist\",\n     \"Version\": \"v{}\",\n     \"ShortDescription\": \"Docker Compose\"\n}}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The docker CLI's global flags that take a value, and the variable each
/// stands for (`None`: accepted and ignored).
const DOCKER_FLAGS_WITH_VALUE: &[(&str, Option<&str>)] = &[
    ("--config", Some("DOCKER_CONFIG")),
    ("-c", Some("DOCKER_CONTEXT")),
    ("--context", Some("DOCKER_CONTEXT")),
    ("-H", Some("DOCKER_HOST")),
    ("--host", Some("DOCKER_HOST")),
    ("-l", None),
    ("--log-level", None),
    ("--tlscacert", None),
    ("--tlscert", None),
    ("--tlskey", None),
];

/// Reads argv as the docker CLI hands it to a plugin (see the module docs);
/// a plain `hoist ...` is returned as it is.
pub fn invocation(argv: Vec<String>) -> Invocation {
    let program = argv
        .first()
        .map(|p| {
            std::path::Path::new(p)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let Some(name) = program.strip_prefix("docker-").map(str::to_string) else {
        return Invocation::Run {
            args: argv,
            env: Vec::new(),
        };
    };
    if argv.get(1).map(String::as_str) == Some("docker-cli-plugin-metadata") {
        return Invocation::Metadata;
    }
    let mut env = Vec::new();
    let mut tls_dir: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if *a == name {
            let mut args = vec![argv[0].clone()];
            args.extend(argv[i + 1..].iter().cloned());
            if let Some(dir) = tls_dir {
                env.push(("DOCKER_CERT_PATH".into(), dir));
            }
            return Invocation::Run { args, env };
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") || (f.len() == 2 && f.starts_with('-')) => {
                (f.to_string(), Some(v.to_string()))
            }
            _ => (a.clone(), None),
        };
        if let Some((_, var)) = DOCKER_FLAGS_WITH_VALUE.iter().find(|(f, _)| *f == flag) {
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    argv.get(i).cloned().unwrap_or_default()
                }
            };
            if let Some(var) = var {
                env.push(((*var).to_string(), value.clone()));
            }
            if matches!(flag.as_str(), "--tlscacert" | "--tlscert" | "--tlskey") {
                if let Some(parent) = std::path::Path::new(&value).parent() {
                    tls_dir = Some(parent.to_string_lossy().into_owned());
                }
            }
        } else if flag == "--tlsverify" || flag == "--tls" {
            env.push(("DOCKER_TLS_VERIFY".into(), "1".into()));
        } else if !a.starts_with('-') {
            // Not a docker flag and not the plugin's name: not a plugin call.
            break;
        }
        i += 1;
    }
    Invocation::Run {
        args: argv,
        env: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn plugin_invocations() {
        assert_eq!(
            invocation(args("/x/hoist up -d")),
            Invocation::Run {
                args: args("/x/hoist up -d"),
                env: vec![]
            }
        );
        assert_eq!(
            invocation(args("/p/docker-compose docker-cli-plugin-metadata")),
            Invocation::Metadata
        );
        assert_eq!(
            invocation(args("/p/docker-compose compose -p x up -d")),
            Invocation::Run {
                args: args("/p/docker-compose -p x up -d"),
                env: vec![]
            }
        );
        assert_eq!(
            invocation(args(
                "/p/docker-hoist --context remote -H=tcp://h:1 --config /c -D hoist ps"
            )),
            Invocation::Run {
                args: args("/p/docker-hoist ps"),
                env: vec![
                    ("DOCKER_CONTEXT".into(), "remote".into()),
                    ("DOCKER_HOST".into(), "tcp://h:1".into()),
                    ("DOCKER_CONFIG".into(), "/c".into()),
                ]
            }
        );
    }

    #[test]
    fn metadata_is_json_docker_reads() {
        let v: serde_json::Value = serde_json::from_str(&metadata()).unwrap();
        assert_eq!(v["SchemaVersion"], "0.1.0");
        assert!(v["Version"].as_str().unwrap().starts_with('v'));
    }
}
