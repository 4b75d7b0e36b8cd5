//! JSON API handlers, one file per resource; the route table is in
//! `router.rs`.

pub mod clients;
pub mod health;
pub mod metrics;
pub mod records;
pub mod session;
