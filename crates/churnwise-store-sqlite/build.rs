//! Embedded migrations (`sqlx::migrate!`) are read at compile time: a new
//! file in migrations/, or a change to one, must rebuild this crate. Cargo
//! watches a directory only for files added or removed, so each file is
//! named too.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    if let Ok(entries) = std::fs::read_dir("migrations") {
        for entry in entries.flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
}
