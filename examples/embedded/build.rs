//! Generates the Qovery secrets client into `$OUT_DIR/qovery.rs` on every build where the
//! document changed; `src/lib.rs` includes it as `crate::qovery`.

fn main() {
    let path = apigen::embed::Builder::new("../../spec/openapi.yaml")
        .module("crate::qovery")
        .write_to_out_dir()
        .unwrap_or_else(|error| panic!("generating the Qovery client failed: {error}"));
    println!("cargo:rerun-if-changed=build.rs");
    let _ = path;
}
