//! Configuration hashes, exactly as Docker Compose v2.40.3 computes them
//! (`pkg/compose/hash.go`).
//!
//! Compose stores the hash of a service's configuration in the
//! `com.docker.compose.config-hash` label of each container (and of networks
//! and volumes) and recreates a resource when the hash it computes now differs
//! from the label. Using the very same function means hoist and `docker
//! compose` each see the other's containers as up to date.
//!
//! The hash is the SHA-256 (lowercase hex) of Go's `json.Marshal` of the
//! compose-go type. For services, `build`, `pull_policy`, `scale`,
//! `deploy.replicas`, `depends_on` and `profiles` are cleared first, so
//! changing them does not recreate containers.
//!
//! Which state of the service is hashed matters: compose hashes the service
//! as `up` sees it right before creating a container — environment resolved
//! from `env_file`s and `env_file` dropped (the loader's default), and
//! `network_mode`/`ipc`/`pid: service:x` and `volumes_from: x` already
//! replaced by `container:<id>` / `<id>` of the other service's container
//! (see [`crate::convert::resolve_references`]). Labels compose adds itself
//! (`CustomLabels`) are not part of the JSON, so they never change the hash.

use compose_spec::gocompat::json;
use compose_spec::model::{NetworkConfig, ServiceConfig, VolumeConfig};
use sha2::{Digest, Sha256};

/// The `com.docker.compose.config-hash` of a service (compose's `ServiceHash`).
///
/// ```
/// use compose_engine::hash::service_hash;
/// use compose_engine::model::ServiceConfig;
/// let mut s = ServiceConfig::default();
/// s.image = "nginx".into();
/// let h = service_hash(&s);
/// assert_eq!(h.len(), 64);
/// // fields compose ignores do not change it
/// s.scale = Some(3);
/// s.pull_policy = "always".into();
/// assert_eq!(service_hash(&s), h);
/// ```
pub fn service_hash(service: &ServiceConfig) -> String {
    let mut s = service.clone();
    s.build = None;
    s.pull_policy.clear();
    s.scale = None;
    if let Some(d) = s.deploy.as_mut() {
        d.replicas = None;
    }
    s.depends_on.clear();
    s.profiles.clear();
    sha256_hex(&json::to_string(&s))
}

/// The config hash of a network (compose's `NetworkHash`), written into the
/// network's `com.docker.compose.config-hash` label.
///
/// ```
/// use compose_engine::hash::network_hash;
/// use compose_engine::model::NetworkConfig;
/// let mut n = NetworkConfig::default();
/// n.name = "demo_default".into();
/// assert_eq!(network_hash(&n).len(), 64);
/// ```
pub fn network_hash(network: &NetworkConfig) -> String {
    sha256_hex(&json::to_string(network))
}

/// The config hash of a volume (compose's `VolumeHash`): an unset driver
/// counts as `local`.
///
/// ```
/// use compose_engine::hash::volume_hash;
/// use compose_engine::model::VolumeConfig;
/// let mut v = VolumeConfig::default();
/// v.name = "demo_data".into();
/// let mut local = v.clone();
/// local.driver = "local".into();
/// assert_eq!(volume_hash(&v), volume_hash(&local));
/// ```
pub fn volume_hash(volume: &VolumeConfig) -> String {
    if volume.driver.is_empty() {
        let mut v = volume.clone();
        v.driver = "local".into();
        return sha256_hex(&json::to_string(&v));
    }
    sha256_hex(&json::to_string(volume))
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_of_known_text() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn service_json_is_compact_go_json() {
        let s = ServiceConfig {
            image: "x".into(),
            command: Some(vec!["echo".into(), "<&>".into()]),
            ..Default::default()
        };
        assert_eq!(
            json::to_string(&s),
            r#"{"command":["echo","\u003c\u0026\u003e"],"entrypoint":null,"image":"x"}"#
        );
    }
}
