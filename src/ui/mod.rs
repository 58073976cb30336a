//! The web page (wasm only): thin Leptos components over the engine.

/// Mounts the app on the page body.
pub fn mount() {}
