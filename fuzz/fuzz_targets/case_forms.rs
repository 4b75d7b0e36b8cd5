//! Any bytes as the urlencoded body of every case form: read into a step
//! or refused field by field, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    churnwise_web::pages::cases::fuzz_case_form(data);
});
