//! The `com.docker.compose.*` labels, shared with Docker Compose v2 so each tool
//! recognises (and can tear down) the other's resources.

/// Project name.
pub const PROJECT: &str = "com.docker.compose.project";
/// Service name.
pub const SERVICE: &str = "com.docker.compose.service";
/// Configuration hash of the service.
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
/// Replica number.
pub const CONTAINER_NUMBER: &str = "com.docker.compose.container-number";
/// Volume key.
pub const VOLUME: &str = "com.docker.compose.volume";
/// Network key.
pub const NETWORK: &str = "com.docker.compose.network";
/// Project working directory.
pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
/// Compose files, comma separated.
pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
/// `--env-file` files, comma separated.
pub const ENVIRONMENT_FILE: &str = "com.docker.compose.project.environment_file";
/// `True` for `run` containers.
pub const ONEOFF: &str = "com.docker.compose.oneoff";
/// Unique slug of a one-off container.
pub const SLUG: &str = "com.docker.compose.slug";
/// Image digest used to run the service.
pub const IMAGE_DIGEST: &str = "com.docker.compose.image";
/// Dependencies: `svc:condition:restart,...`.
pub const DEPENDS_ON: &str = "com.docker.compose.depends_on";
/// Compose version.
pub const VERSION: &str = "com.docker.compose.version";
/// Builder that produced the image.
pub const IMAGE_BUILDER: &str = "com.docker.compose.image.builder";
/// Set on a container created to replace another one.
pub const REPLACE: &str = "com.docker.compose.replace";

/// The compose version hoist writes into [`VERSION`]: the Docker Compose release whose
/// behaviour it reproduces, so containers look the same whichever tool made them.
pub const COMPOSE_VERSION: &str = "2.40.3";
