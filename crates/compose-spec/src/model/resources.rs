//! The project-level resources next to services: networks, volumes, secrets,
//! configs and models (compose-go's `NetworkConfig`, `VolumeConfig`,
//! `SecretConfig`, `ConfigObjConfig`, `ModelConfig`).

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

use super::decode::{De, Decode, Path};
use super::fields::model_struct;
use super::to_yaml::ToYaml;
use super::values::{Extensions, Labels, Mapping, Options};
use crate::node::Node;

model_struct! {
    /// A network (compose-go's `NetworkConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct NetworkConfig {
        /// Engine-side name.
        pub name: String = "name",
        /// Driver.
        pub driver: String = "driver",
        /// Driver options.
        pub driver_opts: Options = "driver_opts" decode(De::options),
        /// IP address management (always printed, `{}` when empty).
        pub ipam: IpamConfig = "ipam",
        /// Managed outside the project.
        pub external: bool = "external",
        /// No external connectivity.
        pub internal: bool = "internal",
        /// Standalone containers may attach.
        pub attachable: bool = "attachable",
        /// Labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Labels added by the tool (never printed).
        pub custom_labels: Labels = _,
        /// Enable IPv4.
        pub enable_ipv4: Option<bool> = "enable_ipv4",
        /// Enable IPv6.
        pub enable_ipv6: Option<bool> = "enable_ipv6",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A network's IP address management (compose-go's `IPAMConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct IpamConfig {
        /// IPAM driver.
        pub driver: String = "driver",
        /// Address pools (`None`: written as null).
        pub config: Vec<Option<IpamPool>> = "config",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// An address pool (compose-go's `IPAMPool`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct IpamPool {
        /// Subnet.
        pub subnet: String = "subnet",
        /// Gateway.
        pub gateway: String = "gateway",
        /// Range to allocate from.
        pub ip_range: String = "ip_range",
        /// Reserved addresses.
        pub auxiliary_addresses: Mapping = "aux_addresses" decode(De::mapping),
        /// Extensions (compose-go reads them from a key named `extensions`, not
        /// from `x-*` keys, which it drops here).
        pub extensions: Extensions = "Extensions" json(skip) yaml(inline),
    }
}

model_struct! {
    /// A volume (compose-go's `VolumeConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct VolumeConfig {
        /// Engine-side name.
        pub name: String = "name",
        /// Driver.
        pub driver: String = "driver",
        /// Driver options.
        pub driver_opts: Options = "driver_opts" decode(De::options),
        /// Managed outside the project.
        pub external: bool = "external",
        /// Labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Labels added by the tool (never printed).
        pub custom_labels: Labels = _,
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// The common shape of secrets and configs (compose-go's `FileObjectConfig`).
    ///
    /// Printed as is, with `content` when set; [`SecretConfig`] and
    /// [`ConfigObjConfig`] decide whether the content shows.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct FileObjectConfig {
        /// Engine-side name.
        pub name: String = "name",
        /// File holding the value.
        pub file: String = "file",
        /// Environment variable holding the value.
        pub environment: String = "environment",
        /// Inline value (or the value read from `environment`).
        pub content: String = "content",
        /// Managed outside the project.
        pub external: bool = "external",
        /// Labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Driver.
        pub driver: String = "driver",
        /// Driver options.
        pub driver_opts: BTreeMap<String, String> = "driver_opts",
        /// Template driver.
        pub template_driver: String = "template_driver",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

/// A secret (compose-go's `SecretConfig`). Its content is never printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecretConfig(pub FileObjectConfig);

impl std::ops::Deref for SecretConfig {
    type Target = FileObjectConfig;
    fn deref(&self) -> &FileObjectConfig {
        &self.0
    }
}

impl std::ops::DerefMut for SecretConfig {
    fn deref_mut(&mut self) -> &mut FileObjectConfig {
        &mut self.0
    }
}

impl Serialize for SecretConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.content.is_empty() {
            return self.0.serialize(s);
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.serialize(s)
    }
}

/// A config (compose-go's `ConfigObjConfig`). Its content is printed unless
/// it came from an environment variable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigObjConfig(pub FileObjectConfig);

impl std::ops::Deref for ConfigObjConfig {
    type Target = FileObjectConfig;
    fn deref(&self) -> &FileObjectConfig {
        &self.0
    }
}

impl std::ops::DerefMut for ConfigObjConfig {
    fn deref_mut(&mut self) -> &mut FileObjectConfig {
        &mut self.0
    }
}

impl Serialize for ConfigObjConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.environment.is_empty() || self.0.content.is_empty() {
            return self.0.serialize(s);
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.serialize(s)
    }
}

impl Decode for SecretConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let mut v = FileObjectConfig::decode(de, n, p)?;
        // The loader hands a secret's value read from the environment over
        // as the extension `x-#value`.
        if let Some(serde_json::Value::String(s)) = v.extensions.get(super::SECRET_VALUE_KEY) {
            v.content = s.clone();
            v.extensions.shift_remove(super::SECRET_VALUE_KEY);
        }
        Some(SecretConfig(v))
    }
}

impl Decode for ConfigObjConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        FileObjectConfig::decode(de, n, p).map(ConfigObjConfig)
    }
}

impl ToYaml for SecretConfig {
    fn yaml(&self) -> serde_json::Value {
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.yaml()
    }
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

impl ToYaml for ConfigObjConfig {
    fn yaml(&self) -> serde_json::Value {
        if self.0.environment.is_empty() {
            return self.0.yaml();
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.yaml()
    }
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

model_struct! {
    /// An AI model (compose-go's `ModelConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ModelConfig {
        /// Engine-side name.
        pub name: String = "name",
        /// Model reference.
        pub model: String = "model",
        /// Context size.
        pub context_size: i64 = "context_size",
        /// Runtime flags.
        pub runtime_flags: Vec<String> = "runtime_flags",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}
