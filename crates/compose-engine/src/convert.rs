//! Placeholder: the model → Engine API mapping lands with the engine work.
