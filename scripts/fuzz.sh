#!/usr/bin/env bash
# Fuzzes the input readers and the form parsers with libFuzzer, a few
# minutes per target (not run in CI). The fuzz crate (fuzz/) has its own
# workspace; it is built on the stable toolchain with libFuzzer's coverage
# instrumentation passed as ordinary codegen flags (what cargo-fuzz passes
# with `--sanitizer none`), so no nightly is needed.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   targets: csv_reader xlsx_reader case_forms (default: all three)
# Seeds are in fuzz/seeds/TARGET (committed: the hand-made seeds plus the
# corpus of the runs in docs/security.md, minimised with -merge=1); the
# growing corpus goes to
# fuzz/corpus/TARGET (ignored) and crashes to fuzz/artifacts/TARGET. A crash
# found here becomes a regular test beside the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-180}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv_reader xlsx_reader case_forms)

export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# An explicit --target keeps the flags off build scripts and proc macros
# (they would not link without libFuzzer), as cargo-fuzz does.
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --locked --bins --target "$triple"

for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds}s"
  "$CARGO_TARGET_DIR/$triple/release/$target" \
    -max_total_time="$seconds" \
    -rss_limit_mb=1024 \
    -max_len=65536 \
    -timeout=10 \
    -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/" \
    "corpus/$target" "seeds/$target" 2>&1 | tee "artifacts/$target.log" | grep -E "^#[0-9]+ +(DONE|INITED)|stat::|SUMMARY|ERROR|panicked" || true
done
