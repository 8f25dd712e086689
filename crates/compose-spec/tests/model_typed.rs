//! Typed details checked against the reference implementation.
//!
//! The input trees are written as YAML would type them: in [`yaml`] every
//! JSON string is a plain (unquoted) YAML scalar, so `"90"` is an integer and
//! `"1e3"` a float, unless it starts with `'`, which marks a quoted string.
//! The expected JSON is what `docker compose config --format json` (v2.40.3)
//! printed for the same content.

#![recursion_limit = "512"]

use compose_spec::diag::Code;
use compose_spec::model::Project;
use compose_spec::node::{Map, Node};
use compose_spec::span::Span;
use serde_json::{json, Value};

/// A node tree typed like YAML: strings are plain scalars unless they start with `'`.
fn yaml(v: &Value) -> Node {
    let s = Span::synthetic();
    match v {
        Value::Null => Node::null(s),
        Value::Bool(b) => Node::bool(*b, s),
        Value::Number(n) => Node::plain(n.to_string(), s),
        Value::String(t) => match t.strip_prefix('\'') {
            Some(quoted) => Node::string(quoted, s),
            None => Node::plain(t.clone(), s),
        },
        Value::Array(items) => Node::seq(items.iter().map(yaml).collect(), s),
        Value::Object(m) => {
            let mut map = Map::new();
            for (k, v) in m {
                map.insert_node(k.clone(), yaml(v));
            }
            Node::map(map, s)
        }
    }
}

fn decode(v: &Value) -> Project {
    match Project::from_node(&yaml(v)) {
        Ok(p) => p,
        Err(diags) => panic!("decode failed: {diags:#?}"),
    }
}

fn decode_err(v: &Value) -> Vec<compose_spec::Diagnostic> {
    match Project::from_node(&yaml(v)) {
        Ok(p) => panic!("expected an error, got {:#?}", p.to_json()),
        Err(diags) => diags,
    }
}

/// The reference's output for the project in [`typed_input`].
const TYPED_EXPECTED: &str = r##"{
  "configs": {
    "c": {
      "name": "typed_c",
      "content": "hello"
    }
  },
  "name": "typed",
  "networks": {
    "default": {
      "name": "typed_default",
      "ipam": {
        "driver": "default",
        "config": [
          {
            "subnet": "10.0.0.0/24",
            "gateway": "10.0.0.1",
            "aux_addresses": {
              "host1": "10.0.0.2"
            }
          }
        ]
      },
      "labels": {
        "x": "y"
      },
      "enable_ipv6": false
    }
  },
  "secrets": {
    "s": {
      "name": "typed_s",
      "file": "/tmp/t3/s.txt"
    }
  },
  "services": {
    "db": {
      "command": null,
      "depends_on": {
        "web": {
          "condition": "service_healthy",
          "restart": true,
          "required": false
        }
      },
      "entrypoint": [],
      "provider": {
        "type": "model",
        "options": {
          "flag": [
            "a",
            "1"
          ],
          "model": [
            "ai/x"
          ]
        }
      },
      "image": "postgres",
      "models": {
        "m": {
          "endpoint_var": "URL",
          "model_var": "NAME"
        }
      },
      "networks": {
        "default": null
      }
    },
    "web": {
      "build": {
        "context": "/tmp/t3",
        "dockerfile": "Dockerfile",
        "args": {
          "X": "1"
        },
        "ssh": [
          "default"
        ],
        "cache_from": [
          "a"
        ],
        "no_cache": true,
        "extra_hosts": [
          "h=1.2.3.4"
        ],
        "shm_size": "2147483648",
        "tags": [
          "t:1"
        ],
        "ulimits": {
          "nofile": 100
        },
        "platforms": [
          "linux/amd64"
        ]
      },
      "develop": {
        "watch": [
          {
            "path": "/tmp/t3/src",
            "action": "sync+exec",
            "target": "/app",
            "exec": {
              "command": [
                "kill",
                "-HUP",
                "1"
              ]
            },
            "initial_sync": true
          }
        ]
      },
      "blkio_config": {
        "weight": 300,
        "weight_device": [
          {
            "Path": "/dev/sda",
            "Weight": 400
          }
        ],
        "device_read_bps": [
          {
            "Path": "/dev/sda",
            "Rate": "12582912"
          }
        ],
        "device_write_iops": [
          {
            "Path": "/dev/sda",
            "Rate": "1000"
          }
        ]
      },
      "cap_add": [
        "ALL"
      ],
      "cpu_percent": 50,
      "cpus": 1.5,
      "command": [
        "echo",
        "a b",
        "c d",
        "x y"
      ],
      "configs": [
        {
          "source": "c",
          "target": "/c",
          "mode": "0644"
        }
      ],
      "deploy": {
        "mode": "replicated",
        "replicas": 2,
        "labels": {
          "a": "b"
        },
        "update_config": {
          "parallelism": 2,
          "delay": "10s",
          "monitor": "1m0s",
          "max_failure_ratio": 0.3,
          "order": "start-first"
        },
        "rollback_config": {
          "parallelism": 0
        },
        "resources": {
          "limits": {
            "cpus": 1.5,
            "memory": "1073741824",
            "pids": 10
          },
          "reservations": {
            "cpus": 0.25,
            "memory": "536870912",
            "devices": [
              {
                "capabilities": [
                  "gpu"
                ],
                "driver": "nvidia",
                "device_ids": [
                  "0",
                  "1"
                ],
                "options": {
                  "a": "1"
                }
              }
            ],
            "generic_resources": [
              {
                "discrete_resource_spec": {
                  "kind": "SSD",
                  "value": 3
                }
              }
            ]
          }
        },
        "restart_policy": {
          "condition": "on-failure",
          "delay": "5s",
          "max_attempts": 3,
          "window": "2m0s"
        },
        "placement": {
          "constraints": [
            "node.role==manager"
          ],
          "preferences": [
            {
              "spread": "node.labels.zone"
            }
          ],
          "max_replicas_per_node": 4
        },
        "endpoint_mode": "vip"
      },
      "dns": [
        "8.8.8.8"
      ],
      "entrypoint": null,
      "environment": {
        "A": "1",
        "B": null,
        "C": "1e+06"
      },
      "expose": [
        "80",
        "8080-8081"
      ],
      "extra_hosts": [
        "other=1.2.3.4",
        "other=::1",
        "somehost=162.242.195.82"
      ],
      "gpus": [
        {
          "driver": "nvidia",
          "count": -1
        }
      ],
      "healthcheck": {
        "test": [
          "CMD-SHELL",
          "curl -f http://x || exit 1"
        ],
        "timeout": "10s",
        "interval": "1m30s",
        "retries": 3,
        "start_period": "24h0m0s",
        "start_interval": "1.5ms"
      },
      "image": "nginx",
      "init": true,
      "labels": {
        "#extensions": "map[x-foo:bar]",
        "b": "1.5",
        "c": "true"
      },
      "logging": {
        "driver": "json-file",
        "options": {
          "max-file": "3",
          "max-size": "10m"
        }
      },
      "mem_limit": "1073741824",
      "memswap_limit": "-1",
      "mem_swappiness": "60",
      "networks": {
        "default": {
          "aliases": [
            "w"
          ],
          "gw_priority": 1,
          "ipv4_address": "10.0.0.5",
          "priority": 10
        }
      },
      "oom_score_adj": -500,
      "pids_limit": 10,
      "ports": [
        {
          "name": "web",
          "mode": "ingress",
          "host_ip": "127.0.0.1",
          "target": 80,
          "published": "8080",
          "protocol": "tcp",
          "app_protocol": "http"
        }
      ],
      "privileged": true,
      "read_only": true,
      "scale": 2,
      "secrets": [
        {
          "source": "s",
          "target": "/run/secrets/s",
          "uid": "1000",
          "mode": "0440"
        }
      ],
      "shm_size": "1024",
      "stdin_open": true,
      "stop_grace_period": "1h0m0s",
      "sysctls": {
        "a": "1000",
        "net.core.somaxconn": "1024"
      },
      "tmpfs": [
        "/run"
      ],
      "tty": true,
      "ulimits": {
        "nofile": {
          "soft": 1024,
          "hard": 2048
        },
        "nproc": 65535
      },
      "volumes": [
        {
          "type": "tmpfs",
          "target": "/tmp",
          "tmpfs": {
            "size": "67108864",
            "mode": 1777
          }
        },
        {
          "type": "volume",
          "source": "data",
          "target": "/data",
          "read_only": true,
          "volume": {
            "nocopy": true,
            "subpath": "sub"
          }
        }
      ],
      "post_start": [
        {
          "command": [
            "./hook.sh"
          ],
          "user": "root",
          "privileged": true,
          "environment": {
            "A": "1",
            "B": null
          }
        }
      ],
      "pre_stop": [
        {
          "command": [
            "stop",
            "now"
          ]
        }
      ]
    }
  },
  "volumes": {
    "data": {
      "name": "typed_data",
      "driver_opts": {
        "o": "bind",
        "size": "100"
      },
      "labels": {
        "a": "b"
      }
    }
  },
  "x-top": {
    "a": [
      1,
      2.5
    ],
    "b": 1
  }
}"##;

fn typed_input() -> Value {
    json!({
        "name": "typed",
        "services": {
            "web": {
                "image": "nginx",
                "command": "echo \"a b\" 'c d' x\\ y; echo b",
                "healthcheck": {
                    "test": "curl -f http://x || exit 1",
                    "interval": "1m30s",
                    "timeout": "10s",
                    "start_period": "1d",
                    "start_interval": "1.5ms",
                    "retries": "3"
                },
                "stop_grace_period": "1h",
                "cpus": "1.5",
                "cpu_percent": "50",
                "mem_limit": "1g",
                "memswap_limit": "-1",
                "shm_size": "1024",
                "mem_swappiness": "60",
                "pids_limit": "10",
                "oom_score_adj": "-500",
                "ulimits": {
                    "nofile": {"soft": "1024", "hard": "2048"},
                    "nproc": "65535"
                },
                "deploy": {
                    "mode": "replicated",
                    "replicas": "2",
                    "resources": {
                        "limits": {"cpus": "'1.5", "memory": "1g", "pids": "10"},
                        "reservations": {
                            "cpus": "0.25",
                            "memory": "512m",
                            "devices": [{
                                "capabilities": ["gpu"],
                                "device_ids": ["'0", "'1"],
                                "driver": "nvidia",
                                "options": {"a": "1"}
                            }],
                            "generic_resources": [
                                {"discrete_resource_spec": {"kind": "SSD", "value": "3"}}
                            ]
                        }
                    },
                    "update_config": {
                        "delay": "10s", "parallelism": "2", "max_failure_ratio": "0.3",
                        "monitor": "1m", "order": "start-first"
                    },
                    "rollback_config": {"parallelism": "0"},
                    "restart_policy": {
                        "condition": "on-failure", "delay": "5s", "max_attempts": "3", "window": "120s"
                    },
                    "placement": {
                        "constraints": ["node.role==manager"],
                        "preferences": [{"spread": "node.labels.zone"}],
                        "max_replicas_per_node": "4"
                    },
                    "labels": {"a": "b"},
                    "endpoint_mode": "vip"
                },
                "gpus": [{"driver": "nvidia", "count": "-1"}],
                "blkio_config": {
                    "weight": "300",
                    "weight_device": [{"path": "/dev/sda", "weight": "400"}],
                    "device_read_bps": [{"path": "/dev/sda", "rate": "12mb"}],
                    "device_write_iops": [{"path": "/dev/sda", "rate": "1000"}]
                },
                "secrets": [{"source": "s", "target": "/run/secrets/s", "mode": "0440", "uid": "'1000"}],
                "configs": [{"source": "c", "target": "/c", "mode": "'0644"}],
                "sysctls": {"net.core.somaxconn": "1024", "a": "1e3"},
                "labels": {"x-foo": "bar", "b": "1.5", "c": "true"},
                "environment": {"A": "1", "B": null, "C": "1000000.0"},
                "expose": ["80", "'8080-8081"],
                "extra_hosts": {"somehost": "162.242.195.82", "other": ["'1.2.3.4", "'[::1]"]},
                "tmpfs": "/run",
                "dns": "8.8.8.8",
                "cap_add": ["ALL"],
                "init": "true",
                "privileged": "true",
                "read_only": "true",
                "stdin_open": "true",
                "tty": "true",
                "scale": "2",
                "post_start": [{
                    "command": "./hook.sh", "user": "root", "privileged": "true",
                    "environment": ["A=1", "B"]
                }],
                "pre_stop": [{"command": ["stop", "now"]}],
                "logging": {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
                "x-nested": "1",
                "develop": {
                    "watch": [{
                        "path": "/tmp/t3/src",
                        "action": "sync+exec",
                        "target": "/app",
                        "exec": {"command": "kill -HUP 1"},
                        "initial_sync": "true"
                    }]
                },
                "networks": {
                    "default": {
                        "aliases": ["w"], "ipv4_address": "10.0.0.5", "priority": "10", "gw_priority": "1"
                    }
                },
                "ports": [{
                    "target": "80", "published": "8080", "protocol": "tcp", "mode": "ingress",
                    "host_ip": "127.0.0.1", "app_protocol": "http", "name": "web"
                }],
                "volumes": [
                    {"type": "tmpfs", "target": "/tmp", "tmpfs": {"size": "64m", "mode": "1777"}},
                    {
                        "type": "volume", "source": "data", "target": "/data", "read_only": "true",
                        "volume": {"nocopy": "true", "subpath": "sub"}
                    }
                ],
                "build": {
                    "context": "/tmp/t3",
                    "dockerfile": "Dockerfile",
                    "ssh": {"default": null},
                    "args": {"X": "1"},
                    "shm_size": "2g",
                    "ulimits": {"nofile": "100"},
                    "no_cache": "true",
                    "cache_from": ["a"],
                    "tags": ["t:1"],
                    "extra_hosts": ["h=1.2.3.4"],
                    "platforms": ["linux/amd64"]
                }
            },
            "db": {
                "image": "postgres",
                "networks": {"default": null},
                "depends_on": {"web": {"condition": "service_healthy", "restart": "true", "required": "false"}},
                "provider": {"type": "model", "options": {"model": "ai/x", "flag": ["a", "1"]}},
                "models": {"m": {"endpoint_var": "URL", "model_var": "NAME"}},
                "entrypoint": []
            }
        },
        "secrets": {"s": {"name": "typed_s", "file": "/tmp/t3/s.txt"}},
        "configs": {"c": {"name": "typed_c", "content": "'hello"}},
        "volumes": {
            "data": {"name": "typed_data", "driver_opts": {"o": "bind", "size": "100"}, "labels": ["a=b"]}
        },
        "networks": {
            "default": {
                "name": "typed_default",
                "ipam": {
                    "driver": "default",
                    "config": [{
                        "subnet": "10.0.0.0/24", "gateway": "10.0.0.1",
                        "aux_addresses": {"host1": "10.0.0.2"}
                    }]
                },
                "enable_ipv6": "false",
                "labels": {"x": "y"}
            }
        },
        "models": {"m": {"model": "ai/x", "context_size": "4096"}},
        "x-top": {"b": "1", "a": ["1.0", "2.5"]}
    })
}

#[test]
fn typed_values_print_like_the_reference() {
    let expected: Value = serde_json::from_str(TYPED_EXPECTED).unwrap();
    let project = decode(&typed_input());
    assert_eq!(project.to_json(), expected);
    // Field order follows Go's struct order, as the reference prints it.
    assert_eq!(project.to_json_string(), TYPED_EXPECTED);
}

#[test]
fn typed_values_are_typed() {
    let p = decode(&typed_input());
    let web = &p.services["web"];
    assert_eq!(web.name, "web");
    assert_eq!(web.mem_limit.0, 1 << 30);
    assert_eq!(web.memswap_limit.0, -1);
    assert_eq!(web.cpus, 1.5);
    let hc = web.healthcheck.as_ref().unwrap();
    assert_eq!(hc.interval.unwrap().nanos(), 90_000_000_000);
    assert_eq!(hc.retries, Some(3));
    assert_eq!(web.ulimits["nproc"].as_ref().unwrap().single, 65535);
    assert_eq!(web.secrets[0].mode.unwrap().0, 0o440);
    assert_eq!(web.extensions["x-nested"], json!(1));
    assert_eq!(p.models["m"].context_size, 4096);
    assert_eq!(p.extensions["x-top"], json!({"b": 1, "a": [1.0, 2.5]}));
    assert_eq!(p.services["db"].entrypoint, Some(vec![]));
    assert_eq!(p.services["db"].command, None);
}

#[test]
fn weak_typing_follows_compose_go_casts() {
    // Same content as the reference run: quoted booleans (YAML 1.1 words too),
    // numbers in strings, a float byte size (ignored by compose-go), "0".
    let p = decode(&json!({
        "services": {"web": {
            "image": "nginx",
            "privileged": "'yes", "init": "'on", "read_only": "'off",
            "scale": "'2", "cpu_count": "'3", "mem_limit": "1.5", "shm_size": "'1.5k",
            "stop_grace_period": "'0",
            "healthcheck": {"retries": "'3"},
            "ports": [{"target": "'80", "published": "'8080", "mode": "ingress", "protocol": "tcp"}]
        }}
    }));
    let want = json!({
        "cpu_count": 3, "command": null, "entrypoint": null,
        "healthcheck": {"retries": 3}, "image": "nginx", "init": true,
        "ports": [{"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"}],
        "privileged": true, "scale": 2, "shm_size": "1536", "stop_grace_period": "0s"
    });
    assert_eq!(p.to_json()["services"]["web"], want);
}

#[test]
fn extension_keys_inside_maps_keep_compose_go_quirk() {
    // compose-go moves `x-*` keys of any non-name mapping aside, so a label or
    // variable named `x-...` turns into a `#extensions` entry (reference output).
    let p = decode(&json!({
        "services": {
            "web": {
                "image": "nginx",
                "labels": {"x-foo": "bar", "a": "b"},
                "environment": {"x-env": "1", "w": "true", "y": "1.5", "z": "1000000.0"},
                "depends_on": {"x-dep": {"condition": "service_started", "required": "true"}}
            },
            "x-dep": {"image": "busybox"}
        },
        "x-top": "'v"
    }));
    let web = p.to_json()["services"]["web"].clone();
    assert_eq!(
        web["labels"],
        json!({"#extensions": "map[x-foo:bar]", "a": "b"})
    );
    assert_eq!(
        web["environment"],
        json!({"#extensions": "map[x-env:1]", "w": "true", "y": "1.5", "z": "1e+06"})
    );
    assert_eq!(
        web["depends_on"],
        json!({"x-dep": {"condition": "service_started", "required": true}})
    );
    assert!(p.services.contains_key("x-dep"));
    assert_eq!(p.extensions["x-top"], json!("v"));
}

#[test]
fn strings_from_json_stay_strings() {
    let p = Project::from_json(&json!({
        "services": {"web": {"image": "nginx", "environment": {"A": "123", "B": null}, "labels": ["k=v"]}}
    }))
    .unwrap();
    let web = &p.services["web"];
    assert_eq!(web.environment["A"].as_deref(), Some("123"));
    assert_eq!(web.environment["B"], None);
    assert_eq!(web.labels["k"], "v");
}

#[test]
fn ssh_with_a_path_prints_valid_json() {
    let p = decode(&json!({
        "services": {"web": {"build": {"context": "/x", "ssh": {"default": null, "key": "/k"}}}}
    }));
    assert_eq!(
        p.to_json()["services"]["web"]["build"]["ssh"],
        json!(["default", "key=/k"])
    );
    // ...and that form loads back.
    let again = Project::from_json(&p.to_json()).unwrap();
    assert_eq!(again.services["web"].build, p.services["web"].build);
}

#[test]
fn secrets_hide_content_configs_show_it_unless_from_environment() {
    let p = decode(&json!({
        "services": {},
        "secrets": {"s": {"environment": "TOKEN", "x-#value": "'hunter2"}},
        "configs": {
            "inline": {"content": "'hello"},
            "env": {"environment": "CFG", "content": "'from env"}
        }
    }));
    assert_eq!(p.secrets["s"].content, "hunter2");
    assert!(p.secrets["s"].extensions.is_empty());
    let out = p.to_json();
    assert_eq!(out["secrets"]["s"], json!({"environment": "TOKEN"}));
    assert_eq!(out["configs"]["inline"], json!({"content": "hello"}));
    assert_eq!(out["configs"]["env"], json!({"environment": "CFG"}));
}

#[test]
fn env_files_print_short_when_required() {
    let p = decode(&json!({
        "services": {"web": {"image": "x", "env_file": [
            "a.env",
            {"path": "b.env", "required": "false"},
            {"path": "c.env", "required": "true", "format": "raw"}
        ]}}
    }));
    assert_eq!(
        p.to_json()["services"]["web"]["env_file"],
        json!(["a.env", {"path": "b.env", "required": false}, "c.env"])
    );
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let diags = decode_err(&json!({
        "services": {"web": {
            "image": ["not", "a", "string"],
            "mem_limit": "1x",
            "healthcheck": {"interval": "10", "retries": "-1"},
            "privileged": "'maybe",
            "ports": [{"target": "'http"}],
            "extra_hosts": ["nohost"],
            "environment": ["A =1"],
            "command": "'echo 'unbalanced",
            "ulimits": {"nofile": {"soft": "'abc"}},
            "secrets": [{"source": "s", "mode": "'9"}],
            "deploy": {"resources": {"limits": {"cpus": "'lots"}}}
        }}
    }));
    let got: Vec<(Code, String)> = diags
        .iter()
        .map(|d| (d.code, d.path.clone().unwrap_or_default()))
        .collect();
    let want = [
        (Code::WrongType, "services.web.image"),
        (Code::ByteSize, "services.web.mem_limit"),
        (Code::Duration, "services.web.healthcheck.interval"),
        (Code::WrongType, "services.web.healthcheck.retries"),
        (Code::WrongType, "services.web.privileged"),
        (Code::WrongType, "services.web.ports[0].target"),
        (Code::ShortSyntax, "services.web.extra_hosts[0]"),
        (Code::Schema, "services.web.environment[0]"),
        (Code::Schema, "services.web.command"),
        (Code::WrongType, "services.web.ulimits.nofile.soft"),
        (Code::Schema, "services.web.secrets[0].mode"),
        (Code::WrongType, "services.web.deploy.resources.limits.cpus"),
    ];
    for (code, path) in want {
        assert!(
            got.iter().any(|(c, p)| *c == code && p == path),
            "missing {code} at {path}; got {got:#?}"
        );
    }
    assert_eq!(got.len(), want.len(), "{got:#?}");
    assert!(diags.iter().all(|d| d.help.is_some() && d.is_error()));
}

#[test]
fn diagnostics_carry_the_node_span() {
    let span = Span::new(compose_spec::span::FileId(0), 10, 14);
    let mut svc = Map::new();
    svc.insert_node("mem_limit", Node::plain("lots", span));
    let mut services = Map::new();
    services.insert_node("web", Node::map(svc, Span::synthetic()));
    let mut root = Map::new();
    root.insert_node("services", Node::map(services, Span::synthetic()));
    let diags = Project::from_node(&Node::map(root, Span::synthetic())).unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::ByteSize);
    assert_eq!(diags[0].span, Some(span));
}

#[test]
fn a_root_that_is_not_a_mapping_is_an_error() {
    let diags = Project::from_node(&Node::plain("hello", Span::synthetic())).unwrap_err();
    assert_eq!(diags[0].code, Code::NotAMapping);
}

#[test]
fn keys_match_case_insensitively_when_not_exact() {
    let p = decode(&json!({"services": {"web": {"Image": "nginx", "HOSTNAME": "h"}}}));
    assert_eq!(p.services["web"].image, "nginx");
    assert_eq!(p.services["web"].hostname, "h");
}

#[test]
fn json_text_is_byte_identical_to_the_reference() {
    // `docker compose config --format json` output, verbatim: Go escapes
    // `<`, `>`, `&`, U+2028; prints 1e21 as `1e+21`, 1e20 in full.
    let reference = "{
  \"name\": \"t5\",
  \"networks\": {
    \"default\": {
      \"name\": \"t5_default\",
      \"ipam\": {}
    }
  },
  \"services\": {
    \"web\": {
      \"cpus\": 0.1,
      \"command\": null,
      \"entrypoint\": null,
      \"image\": \"nginx\",
      \"labels\": {
        \"a\": \"x\\by\\fz\\u003c\\u003e\\u0026\\u2028\u{7f}\\u0001\\t\"
      },
      \"networks\": {
        \"default\": null
      }
    }
  },
  \"x-f\": [
    1e-7,
    1e+21,
    100000000000000000000,
    0.1,
    123456789.5
  ]
}";
    let p = Project::from_json(&serde_json::from_str(reference).unwrap()).unwrap();
    assert_eq!(p.to_json_string(), reference);
}
