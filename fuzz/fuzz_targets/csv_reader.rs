//! Any bytes as each kind of input CSV file: every row is checked and the
//! file is taken or refused with problems, never a panic.
#![no_main]

use churnwise_ingest::{parse_csv_bytes, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [
        FileKind::Customers,
        FileKind::Subscriptions,
        FileKind::Invoices,
    ] {
        let _ = parse_csv_bytes(kind, "fuzz.csv", data.to_vec());
    }
});
