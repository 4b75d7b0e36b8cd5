//! Any bytes as an .xlsx workbook of each kind, within small limits: read
//! or refused (not a zip, not a workbook, over a limit), never a panic, and
//! never more memory than the limits allow.
#![no_main]

use churnwise_ingest::{read_customers, read_invoices, read_subscriptions, ReadLimits};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("churnwise-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir.join("input.xlsx")
    })
}

fuzz_target!(
    init: {
        // The reader catches a panic of calamine's and refuses the file;
        // libfuzzer-sys's hook would abort even on a caught panic, so the
        // default hook comes back (a panic that escapes still aborts).
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
    let path = path();
    std::fs::write(path, data).expect("write the input");
    let limits = ReadLimits {
        max_uncompressed_bytes: 8 << 20,
        max_rows: 10_000,
        max_line_bytes: 64 << 10,
    };
    let _ = read_customers(path, &limits);
    let _ = read_subscriptions(path, &limits);
    let _ = read_invoices(path, &limits);
    }
);
