//! The denominator of the file-mode benchmark: a bare parse of the three
//! input files with the csv crate, one `ByteRecord` reused per file, every
//! field of every row touched (its length and first byte summed), nothing
//! validated, kept or computed, on one thread.
//!
//! ```text
//! cargo run --release -p churnwise-ingest --example bare_parse -- \
//!     customers.csv subscriptions.csv invoices.csv
//! ```
//!
//! Prints `bare_parse_seconds=<s> rows=<n> fields=<n> checksum=<n>`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let (mut rows, mut fields, mut checksum) = (0u64, 0u64, 0u64);
    for path in std::env::args().skip(1) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_path(&path)?;
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            rows += 1;
            for field in record.iter() {
                fields += 1;
                checksum = checksum
                    .wrapping_add(field.len() as u64)
                    .wrapping_add(u64::from(field.first().copied().unwrap_or(0)));
            }
        }
    }
    println!(
        "bare_parse_seconds={:.3} rows={rows} fields={fields} checksum={checksum}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
