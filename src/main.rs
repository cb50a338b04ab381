//! The thin binary trunk builds: everything lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    distsim::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("distsim runs in the browser: see README.md (scripts/serve.sh).");
}
