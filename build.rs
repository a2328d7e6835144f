//! The built-in theme and the `init` starter are embedded in the binary (rust-embed): an edited
//! file rebuilds it on its own, and these lines make an added or removed file do so too.
fn main() {
    println!("cargo:rerun-if-changed=src/theme");
    println!("cargo:rerun-if-changed=src/init/starter");
    println!("cargo:rerun-if-changed=build.rs");
}
