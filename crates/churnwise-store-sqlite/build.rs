//! Embedded migrations (`sqlx::migrate!`) are read at compile time: a new
//! file in migrations/ must rebuild this crate.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
