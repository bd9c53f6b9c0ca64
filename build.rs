//! Rebuilds when the embedded assets change (they are included with `include_dir!`).

fn main() {
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed=docs");
}
