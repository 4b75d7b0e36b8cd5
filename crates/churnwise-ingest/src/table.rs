//! An input file as a header and a body of rows: CSV bytes (split into
//! chunks at line boundaries so that both cores can parse them) or rows
//! converted from the first sheet of an `.xlsx` workbook.

use crate::limits::{limit_value, Limit, ReadLimits};
use crate::mapping::HeaderMap;
use crate::problems::Problems;
use crate::rows::FileKind;
use csv::ByteRecord;
use memchr::memchr;
use rayon::prelude::*;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file name as given.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The workbook could not be opened or has no sheet.
    #[error("{file}: cannot read the workbook: {reason}")]
    Workbook {
        /// The file name as given.
        file: String,
        /// What went wrong.
        reason: String,
    },
    /// The file goes past one of the [`ReadLimits`]: nothing was taken.
    #[error(
        "{file}: over the import limit on {limit} ({}, setting {}): {detail}",
        limit_value(*.limit, *.max),
        .limit.setting()
    )]
    TooLarge {
        /// The file name as given.
        file: String,
        /// Which limit.
        limit: Limit,
        /// Its value.
        max: u64,
        /// What in the file went past it.
        detail: String,
    },
}

/// The fields of one row, borrowed either from the file bytes or from a
/// parsed record.
pub(crate) enum Fields<'r> {
    /// A row of a CSV file without quotes: `(start, end)` of each field.
    Split(&'r [u8], &'r [(u32, u32)]),
    /// A row parsed by the csv crate (quoted files, workbooks).
    Record(&'r ByteRecord),
}

impl Fields<'_> {
    /// Field `i` with surrounding spaces and tabs removed, if present.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let raw = match self {
            Fields::Split(row, ranges) => ranges.get(i).map(|&(s, e)| &row[s as usize..e as usize]),
            Fields::Record(r) => r.get(i),
        }?;
        Some(raw.trim_ascii())
    }

    /// All fields, untrimmed.
    #[cfg(test)]
    pub fn all(&self) -> Vec<&[u8]> {
        match self {
            Fields::Split(row, ranges) => ranges
                .iter()
                .map(|&(s, e)| &row[s as usize..e as usize])
                .collect(),
            Fields::Record(r) => r.iter().collect(),
        }
    }
}

/// The rows after the header.
enum Body {
    /// CSV bytes; `start` is the offset of the first byte after the header.
    Csv {
        data: Vec<u8>,
        start: usize,
        /// Line number of the first body line minus one.
        lines_before: u64,
        quoted: bool,
    },
    /// Rows with their line numbers (from a workbook).
    Rows(Vec<(u64, ByteRecord)>),
    /// A large CSV file read block by block while it is parsed, so that it
    /// is never whole in memory; `start` is the byte offset of the body.
    File {
        path: PathBuf,
        start: u64,
        lines_before: u64,
        block: usize,
        limits: ReadLimits,
    },
}

/// Files larger than this are streamed rather than read whole.
const STREAM_FROM: u64 = 64 << 20;
/// Size of one streamed block.
const BLOCK: usize = 16 << 20;

/// An input file ready to be parsed.
pub(crate) struct Table {
    /// The file name as the user gave it.
    pub name: String,
    /// Header names, trimmed and lower-cased, and the header's line.
    pub header: Option<(Vec<String>, u64)>,
    /// Header names as written (trimmed).
    pub raw_header: Option<Vec<String>>,
    body: Body,
}

/// One piece of a body, parsed by one thread.
pub(crate) enum Chunk<'a> {
    /// Quote-free CSV bytes starting on line `first_line`.
    Plain { data: &'a [u8], first_line: u64 },
    /// CSV bytes with quotes, parsed by the csv crate, starting on line `first_line`.
    Quoted { data: &'a [u8], first_line: u64 },
    /// Rows from a workbook.
    Rows(&'a [(u64, ByteRecord)]),
}

impl Chunk<'_> {
    /// An upper bound of the rows in the chunk, to reserve memory with (a
    /// row takes at least a few bytes; memory reserved but never written
    /// costs nothing).
    pub fn rows_at_most(&self) -> usize {
        match self {
            Chunk::Plain { data, .. } | Chunk::Quoted { data, .. } => data.len() / 24 + 16,
            Chunk::Rows(rows) => rows.len(),
        }
    }

    /// True when the chunk is CSV bytes that are valid UTF-8 as a whole, so
    /// that fields need no check of their own.
    pub fn is_utf8(&self) -> bool {
        match self {
            Chunk::Plain { data, .. } | Chunk::Quoted { data, .. } => {
                std::str::from_utf8(data).is_ok()
            }
            Chunk::Rows(_) => true,
        }
    }

    /// Calls `f(line, fields)` for each non-empty row, in order.
    pub fn each(&self, mut f: impl FnMut(u64, &Fields<'_>)) {
        match self {
            Chunk::Plain { data, first_line } => {
                let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(16);
                let mut line = *first_line;
                let mut pos = 0;
                while pos < data.len() {
                    let end = memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
                    let mut row = &data[pos..end];
                    if let [rest @ .., b'\r'] = row {
                        row = rest;
                    }
                    if let Ok(len @ 1..) = u32::try_from(row.len()) {
                        ranges.clear();
                        let mut s = 0u32;
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "`i` < `len`, a u32, so `i` and `i + 1` fit in u32"
                        )]
                        for (i, &b) in row.iter().enumerate() {
                            if b == b',' {
                                ranges.push((s, i as u32));
                                s = i as u32 + 1;
                            }
                        }
                        ranges.push((s, len));
                        f(line, &Fields::Split(row, &ranges));
                    } else if !row.is_empty() {
                        // Field offsets are u32: a row of 4 GiB or more (a
                        // streamed file's line can be that long) is split at
                        // the same commas into a record instead.
                        let record: ByteRecord = row.split(|&b| b == b',').collect();
                        f(line, &Fields::Record(&record));
                    }
                    line += 1;
                    pos = end + 1;
                }
            }
            Chunk::Quoted { data, first_line } => {
                let mut reader = csv_reader(data);
                let mut record = ByteRecord::new();
                // The csv crate's own line count lags after quoted line ends,
                // so lines are counted here from each record's start byte.
                let (mut counted_to, mut line) = (0usize, *first_line);
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {
                            #[expect(
                                clippy::cast_possible_truncation,
                                reason = "the position is a byte offset into `data`, a slice in memory, so it fits usize"
                            )]
                            let mut start = record.position().map_or(0, |p| p.byte() as usize);
                            while start < data.len() && matches!(data[start], b'\r' | b'\n') {
                                start += 1;
                            }
                            let start = start.max(counted_to);
                            line += count_newlines(&data[counted_to..start]);
                            counted_to = start;
                            if record.len() == 1 && record[0].is_empty() {
                                continue;
                            }
                            f(line, &Fields::Record(&record));
                        }
                        Ok(false) => break,
                        Err(e) => {
                            // The csv crate only fails on I/O or UTF-8 with
                            // byte records; neither can happen on a slice.
                            unreachable!("reading CSV bytes from memory failed: {e}")
                        }
                    }
                }
            }
            Chunk::Rows(rows) => {
                for (line, record) in rows.iter() {
                    if record.iter().all(|f| f.trim_ascii().is_empty()) {
                        continue;
                    }
                    f(*line, &Fields::Record(record));
                }
            }
        }
    }
}

fn csv_reader(data: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data)
}

/// A header name as written, trimmed.
fn raw_header_name(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).trim().to_string()
}

/// Normalises a header name: trimmed, lower-cased.
fn header_name(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).trim().to_lowercase()
}

impl Table {
    /// Reads a CSV or (by its `.xlsx` extension) workbook file of the given
    /// kind within `limits`.
    pub fn open(path: &Path, kind: FileKind, limits: &ReadLimits) -> Result<Table, ReadError> {
        Table::open_with(path, kind, limits, STREAM_FROM, BLOCK)
    }

    /// Like [`Table::open`], with the file's headers renamed by `map` to
    /// the columns they feed.
    pub fn open_mapped(
        path: &Path,
        kind: FileKind,
        limits: &ReadLimits,
        map: &HeaderMap,
    ) -> Result<Table, ReadError> {
        let wanted = map.wanted(kind);
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let mut table = Table::open_wanting(path, &wanted, limits, STREAM_FROM, BLOCK)?;
        if let Some((names, _)) = &mut table.header {
            map.rename(names);
        }
        Ok(table)
    }

    /// Reads a file keeping every column of a workbook (for a preview).
    pub fn open_all_columns(path: &Path, limits: &ReadLimits) -> Result<Table, ReadError> {
        Table::open_wanting(path, &[], limits, STREAM_FROM, BLOCK)
    }

    /// Like [`Table::open`], streaming CSV files of `stream_from` bytes or
    /// more in blocks of `block` bytes.
    fn open_with(
        path: &Path,
        kind: FileKind,
        limits: &ReadLimits,
        stream_from: u64,
        block: usize,
    ) -> Result<Table, ReadError> {
        let wanted: Vec<&str> = kind.columns().iter().map(|(c, _)| *c).collect();
        Table::open_wanting(path, &wanted, limits, stream_from, block)
    }

    /// Reads a file; a workbook keeps the columns named in `wanted` (all when empty).
    fn open_wanting(
        path: &Path,
        wanted: &[&str],
        limits: &ReadLimits,
        stream_from: u64,
        block: usize,
    ) -> Result<Table, ReadError> {
        let name = path.to_string_lossy().into_owned();
        let is_xlsx = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if is_xlsx {
            let rows = crate::xlsx::first_sheet_rows(path, &name, wanted, limits)?;
            return Ok(Table::from_rows(name, rows));
        }
        let io = |source| ReadError::Io {
            file: name.clone(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size < stream_from {
            let data = std::fs::read(path).map_err(io)?;
            return Table::from_csv_within(name, data, limits);
        }
        // Only the beginning is read now: enough for the header.
        let mut head = Vec::with_capacity(1 << 20);
        std::fs::File::open(path)
            .map_err(io)?
            .take(1 << 20)
            .read_to_end(&mut head)
            .map_err(io)?;
        let bom = if head.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let table = Table::from_csv(name, head);
        let Body::Csv {
            start,
            lines_before,
            ..
        } = table.body
        else {
            unreachable!("from_csv makes a CSV body")
        };
        Ok(Table {
            name: table.name,
            header: table.header,
            raw_header: table.raw_header,
            body: Body::File {
                path: path.to_path_buf(),
                start: (start + bom) as u64,
                lines_before,
                block,
                limits: *limits,
            },
        })
    }

    /// A table over CSV bytes, refused when its body has more lines than
    /// [`ReadLimits::max_rows`] or a line longer than [`ReadLimits::max_line_bytes`].
    pub fn from_csv_within(
        name: String,
        data: Vec<u8>,
        limits: &ReadLimits,
    ) -> Result<Table, ReadError> {
        let table = Table::from_csv(name, data);
        if let Body::Csv { data, start, .. } = &table.body {
            let mut lines = LineCounter::new(limits);
            lines
                .feed(&data[*start..])
                .map_err(|e| e.into_error(&table.name, limits))?;
        }
        Ok(table)
    }

    /// A table over CSV bytes.
    pub fn from_csv(name: String, mut data: Vec<u8>) -> Table {
        if data.starts_with(b"\xEF\xBB\xBF") {
            data.drain(..3);
        }
        let mut reader = csv_reader(&data);
        let mut record = ByteRecord::new();
        let mut header = None;
        let mut raw_header = None;
        while let Ok(true) = reader.read_byte_record(&mut record) {
            if record.len() == 1 && record[0].is_empty() {
                continue;
            }
            let line = record.position().map_or(1, |p| p.line());
            header = Some((record.iter().map(header_name).collect(), line));
            raw_header = Some(record.iter().map(raw_header_name).collect());
            break;
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the position is a byte offset into `data`, a vector in memory, so it fits usize"
        )]
        let start = (reader.position().byte() as usize).min(data.len());
        let lines_before = count_newlines(&data[..start]);
        // A header without a line end leaves the body empty.
        let quoted = memchr(b'"', &data[start..]).is_some();
        Table {
            name,
            header,
            raw_header,
            body: Body::Csv {
                data,
                start,
                lines_before,
                quoted,
            },
        }
    }

    /// A table over rows whose first non-empty one is the header.
    pub fn from_rows(name: String, mut rows: Vec<(u64, ByteRecord)>) -> Table {
        let first = rows
            .iter()
            .position(|(_, r)| r.iter().any(|f| !f.trim_ascii().is_empty()));
        let header = first.map(|i| {
            let (line, r) = &rows[i];
            (r.iter().map(header_name).collect(), *line)
        });
        let raw_header = first.map(|i| rows[i].1.iter().map(raw_header_name).collect());
        let body = match first {
            Some(i) => rows.split_off(i + 1),
            None => Vec::new(),
        };
        Table {
            name,
            header,
            raw_header,
            body: Body::Rows(body),
        }
    }

    /// Calls `f` with successive batches of chunks covering the body in
    /// order (one batch unless the file is streamed); the chunks of a batch
    /// can be parsed in parallel.
    pub fn for_each_batch<F>(&self, mut f: F) -> Result<(), ReadError>
    where
        F: FnMut(&[Chunk<'_>]) + Send,
    {
        let Body::File {
            path,
            start,
            lines_before,
            block,
            limits,
        } = &self.body
        else {
            f(&self.chunks());
            return Ok(());
        };
        let io = |source| ReadError::Io {
            file: self.name.clone(),
            source,
        };
        let over = |e: OverLimit| e.into_error(&self.name, limits);
        let mut lines = LineCounter::new(limits);
        let mut file = std::fs::File::open(path).map_err(io)?;
        file.seek(SeekFrom::Start(*start)).map_err(io)?;
        let block = *block;
        let mut current: Vec<u8> = Vec::with_capacity(block + (1 << 16));
        let mut next: Vec<u8> = Vec::with_capacity(block + (1 << 16));
        let mut eof = fill(&mut file, &mut current, block).map_err(io)?;
        let mut first_line = lines_before + 1;
        loop {
            let cut = if eof {
                current.len()
            } else {
                match memchr::memrchr(b'\n', &current) {
                    Some(i) => i + 1,
                    None => {
                        // A line longer than a block: read on, up to the
                        // line length limit.
                        lines.feed(&current).map_err(over)?;
                        lines.unfeed(current.len());
                        let target = current.len() + block;
                        eof = fill(&mut file, &mut current, target).map_err(io)?;
                        continue;
                    }
                }
            };
            if memchr(b'"', &current[..cut]).is_some() {
                // A quoted field may span lines: the rest goes to the csv
                // crate in one piece (earlier blocks were quote-free, so
                // this block starts on a record boundary), block by block
                // within the line limits.
                lines.feed(&current).map_err(over)?;
                loop {
                    let from = current.len();
                    let end = fill(&mut file, &mut current, from + block).map_err(io)?;
                    lines.feed(&current[from..]).map_err(over)?;
                    if end {
                        break;
                    }
                }
                f(&[Chunk::Quoted {
                    data: &current,
                    first_line,
                }]);
                return Ok(());
            }
            next.clear();
            next.extend_from_slice(&current[cut..]);
            let body = &current[..cut];
            // The line ends are counted once, chunk by chunk in parallel.
            let (chunks, ends) = plain_chunks(body, first_line);
            lines.feed_counted(body, ends).map_err(over)?;
            let (read, ()) = rayon::join(
                || {
                    if eof {
                        Ok(true)
                    } else {
                        fill(&mut file, &mut next, block)
                    }
                },
                || f(&chunks),
            );
            first_line += ends;
            if eof {
                return Ok(());
            }
            eof = read.map_err(io)?;
            std::mem::swap(&mut current, &mut next);
        }
    }

    /// The body cut into chunks to parse in parallel (one chunk when the
    /// file has quotes, since a quoted field may span lines).
    fn chunks(&self) -> Vec<Chunk<'_>> {
        match &self.body {
            Body::File { .. } => unreachable!("streamed bodies go by for_each_batch"),
            Body::Rows(rows) => rows.chunks(64 * 1024).map(Chunk::Rows).collect(),
            Body::Csv {
                data,
                start,
                lines_before,
                quoted,
            } => {
                let body = &data[*start..];
                if *quoted {
                    return vec![Chunk::Quoted {
                        data: body,
                        first_line: lines_before + 1,
                    }];
                }
                plain_chunks(body, lines_before + 1).0
            }
        }
    }
}

/// Which line limit a CSV body went past, and on which body line.
struct OverLimit {
    limit: Limit,
    line: u64,
}

impl OverLimit {
    fn into_error(self, file: &str, limits: &ReadLimits) -> ReadError {
        let (max, detail) = match self.limit {
            Limit::LineLength => (
                limits.max_line_bytes,
                format!("line {} after the header is longer", self.line),
            ),
            _ => (
                limits.max_rows,
                "the file has more lines after the header".to_string(),
            ),
        };
        ReadError::TooLarge {
            file: file.to_string(),
            limit: self.limit,
            max,
            detail,
        }
    }
}

/// Counts the lines of a CSV body fed in pieces, and the length of the
/// line being read, against the limits.
struct LineCounter {
    max_rows: u64,
    max_line: u64,
    lines: u64,
    current: u64,
}

impl LineCounter {
    fn new(limits: &ReadLimits) -> Self {
        LineCounter {
            max_rows: limits.max_rows,
            max_line: limits.max_line_bytes,
            lines: 0,
            current: 0,
        }
    }

    /// Counts `bytes`, which follow what was fed before, and returns the
    /// number of line ends in them. Most bytes are read at memory speed:
    /// line ends are counted in bulk, and the line length is checked by
    /// jumping from line end to the last line end within the limit; only
    /// when a limit may be passed is each line measured.
    fn feed(&mut self, bytes: &[u8]) -> Result<u64, OverLimit> {
        self.feed_counted(bytes, count_newlines(bytes))
    }

    /// Like [`LineCounter::feed`] for bytes whose line ends were counted.
    fn feed_counted(&mut self, bytes: &[u8], ends: u64) -> Result<u64, OverLimit> {
        if let Some(ends) = self.feed_within_limits(bytes, ends) {
            return Ok(ends);
        }
        let before = self.lines;
        self.feed_line_by_line(bytes)?;
        Ok(self.lines - before)
    }

    /// Counts `bytes`, which hold `ends` line ends, in bulk when no limit
    /// is passed (state updated), or `None` with the state untouched.
    fn feed_within_limits(&mut self, bytes: &[u8], ends: u64) -> Option<u64> {
        let len = bytes.len() as u64;
        // Where the line being read starts, in bytes from the start of
        // `bytes` (before it when it began in an earlier piece).
        let mut line_start = -i128::from(self.current);
        let max = i128::from(self.max_line);
        loop {
            let latest_end = line_start + max;
            if latest_end >= i128::from(len) {
                break; // the rest fits within one line's limit
            }
            let from = usize::try_from(line_start.max(0)).ok()?;
            let to = usize::try_from(latest_end).ok()?;
            let end = memchr::memrchr(b'\n', &bytes[from..=to])?;
            line_start = (from + end + 1) as i128;
        }
        let current = match memchr::memrchr(b'\n', bytes) {
            Some(i) => (bytes.len() - i - 1) as u64,
            None => self.current + len,
        };
        let lines = self.lines.checked_add(ends)?;
        if current > self.max_line
            || lines > self.max_rows
            || (current > 0 && lines >= self.max_rows)
        {
            return None;
        }
        self.lines = lines;
        self.current = current;
        Some(ends)
    }

    /// Counts `bytes` line by line, stopping at the first limit passed.
    fn feed_line_by_line(&mut self, bytes: &[u8]) -> Result<(), OverLimit> {
        let mut from = 0;
        for nl in memchr::memchr_iter(b'\n', bytes) {
            self.end_line(nl - from)?;
            from = nl + 1;
        }
        self.current += (bytes.len() - from) as u64;
        if self.current > self.max_line {
            return Err(OverLimit {
                limit: Limit::LineLength,
                line: self.lines + 1,
            });
        }
        if self.current > 0 && self.lines >= self.max_rows {
            return Err(OverLimit {
                limit: Limit::Rows,
                line: self.lines + 1,
            });
        }
        Ok(())
    }

    fn end_line(&mut self, len: usize) -> Result<(), OverLimit> {
        self.current += len as u64;
        self.lines += 1;
        let over = if self.current > self.max_line {
            Some(Limit::LineLength)
        } else if self.lines > self.max_rows {
            Some(Limit::Rows)
        } else {
            None
        };
        self.current = 0;
        match over {
            Some(limit) => Err(OverLimit {
                limit,
                line: self.lines,
            }),
            None => Ok(()),
        }
    }

    /// Takes back the last `len` bytes of an unfinished line, fed again later.
    fn unfeed(&mut self, len: usize) {
        self.current = self.current.saturating_sub(len as u64);
    }
}

/// Reads until `buf` holds `target` bytes or the file ends; true at the end.
fn fill(file: &mut std::fs::File, buf: &mut Vec<u8>, target: usize) -> std::io::Result<bool> {
    while buf.len() < target {
        let want = (target - buf.len()) as u64;
        let n = file.by_ref().take(want).read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Quote-free CSV bytes cut at line ends into pieces for all cores, and
/// the number of line ends in them.
fn plain_chunks(body: &[u8], first_line: u64) -> (Vec<Chunk<'_>>, u64) {
    let pieces = (rayon::current_num_threads() * 4).max(1);
    let target = (body.len() / pieces).max(1 << 20);
    let mut cuts = vec![0];
    let mut at = 0;
    while at + target < body.len() {
        match memchr(b'\n', &body[at + target..]) {
            Some(i) => {
                at += target + i + 1;
                cuts.push(at);
            }
            None => break,
        }
    }
    cuts.push(body.len());
    let newlines: Vec<u64> = cuts
        .par_windows(2)
        .map(|w| count_newlines(&body[w[0]..w[1]]))
        .collect();
    let mut line = first_line;
    let chunks = cuts
        .windows(2)
        .zip(newlines)
        .map(|(w, n)| {
            let chunk = Chunk::Plain {
                data: &body[w[0]..w[1]],
                first_line: line,
            };
            line += n;
            chunk
        })
        .collect();
    (chunks, line - first_line)
}

/// Number of `\n` bytes (vectorised by the compiler).
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes
        .chunks(1 << 16)
        .map(|c| c.iter().filter(|&&b| b == b'\n').count() as u64)
        .sum()
}

/// The index of each wanted column in a header, with problems for missing
/// required ones and repeated ones.
pub(crate) fn resolve_columns(
    table: &Table,
    wanted: &[(&'static str, bool)],
    rank: u8,
    problems: &mut Problems,
) -> Vec<Option<usize>> {
    let (names, line) = match &table.header {
        Some((names, line)) => (names.as_slice(), *line),
        None => (&[][..], 1),
    };
    wanted
        .iter()
        .map(|&(column, required)| {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == column);
            let first = found.next().map(|(i, _)| i);
            if found.next().is_some() {
                problems.push(
                    rank,
                    &table.name,
                    line,
                    column,
                    "the column appears more than once".into(),
                );
            }
            if first.is_none() && required {
                let reason = if table.header.is_none() {
                    "required column is missing (the file has no header row)"
                } else {
                    "required column is missing"
                };
                problems.push(rank, &table.name, line, column, reason.into());
            }
            first
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(table: &Table) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        table
            .for_each_batch(|chunks| {
                for chunk in chunks {
                    chunk.each(|line, f| {
                        out.push((
                            line,
                            f.all()
                                .iter()
                                .map(|b| String::from_utf8_lossy(b).into_owned())
                                .collect(),
                        ))
                    });
                }
            })
            .unwrap();
        out
    }

    #[test]
    fn a_streamed_file_gives_the_same_rows_and_lines_as_one_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        let mut text = String::from("\u{feff}id,v\r\n");
        for i in 0..2000 {
            text.push_str(&format!("{i},{}\r\n", "x".repeat(i % 7)));
            if i == 500 {
                text.push_str("\r\n"); // an empty line
                text.push_str(&format!("long,{}\r\n", "y".repeat(300)));
            }
        }
        text.push_str("q,\"a\nb\"\r\nlast,1");
        std::fs::write(&path, &text).unwrap();
        let limits = ReadLimits::default();
        let whole = Table::open(&path, FileKind::Customers, &limits).unwrap();
        let streamed = Table::open_with(&path, FileKind::Customers, &limits, 0, 100).unwrap();
        assert!(matches!(streamed.body, Body::File { .. }));
        assert_eq!(streamed.header, whole.header);
        let (a, b) = (rows_of(&whole), rows_of(&streamed));
        assert_eq!(a.len(), 2003);
        assert_eq!(a, b);
        assert_eq!(b[501].0, 504);
        assert_eq!(b[501].1[0], "long");
        assert_eq!(b[2002], (2006, vec!["last".to_string(), "1".to_string()]));
    }

    #[test]
    fn counting_lines_in_bulk_agrees_with_measuring_each_line() {
        // SplitMix64, so that the cases are the same on every run.
        let mut state = 1u64;
        let mut next = move |n: u64| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % n
        };
        let mut bulk_ok = 0;
        for _ in 0..5000 {
            let limits = ReadLimits {
                max_rows: 1 + next(40),
                max_line_bytes: next(12),
                ..ReadLimits::default()
            };
            let (mut bulk, mut each) = (LineCounter::new(&limits), LineCounter::new(&limits));
            for _ in 0..1 + next(4) {
                let piece: Vec<u8> = (0..next(60))
                    .map(|_| if next(5) == 0 { b'\n' } else { b'x' })
                    .collect();
                let before = each.lines;
                let a = match bulk.feed_within_limits(&piece, count_newlines(&piece)) {
                    Some(ends) => {
                        bulk_ok += 1;
                        Ok(ends)
                    }
                    None => bulk.feed(&piece),
                };
                let b = each.feed_line_by_line(&piece).map(|()| each.lines - before);
                match (&a, &b) {
                    (Ok(x), Ok(y)) => assert_eq!(x, y),
                    (Err(x), Err(y)) => {
                        assert_eq!((x.limit, x.line), (y.limit, y.line));
                        break;
                    }
                    _ => panic!("{piece:?} {limits:?}: {:?} / {:?}", a.is_ok(), b.is_ok()),
                }
                assert_eq!((bulk.lines, bulk.current), (each.lines, each.current));
            }
        }
        assert!(bulk_ok > 1000, "the bulk path was taken: {bulk_ok}");
    }

    #[test]
    fn a_bom_crlf_file_gives_trimmed_lower_case_headers_and_physical_line_numbers() {
        let t = Table::from_csv(
            "c.csv".into(),
            b"\xEF\xBB\xBF Customer_ID ,Name\r\n\r\na,Ann\r\nb,Bob\r\n".to_vec(),
        );
        let (names, line) = t.header.clone().unwrap();
        assert_eq!(names, vec!["customer_id", "name"]);
        assert_eq!(line, 1);
        assert_eq!(
            rows_of(&t),
            vec![
                (3, vec!["a".to_string(), "Ann".to_string()]),
                (4, vec!["b".to_string(), "Bob".to_string()])
            ]
        );
    }

    #[test]
    fn quoted_fields_with_commas_and_newlines_keep_physical_line_numbers() {
        let t = Table::from_csv(
            "c.csv".into(),
            b"id,name\n1,\"Acme, \"\"Inc\"\"\nSecond line\"\n2,Bob\n".to_vec(),
        );
        assert_eq!(
            rows_of(&t),
            vec![
                (
                    2,
                    vec!["1".to_string(), "Acme, \"Inc\"\nSecond line".to_string()]
                ),
                (4, vec!["2".to_string(), "Bob".to_string()])
            ]
        );
    }

    #[test]
    fn a_large_quote_free_file_is_cut_into_chunks_with_the_right_line_numbers() {
        let mut data = b"id,v\n".to_vec();
        for i in 0..300_000 {
            data.extend_from_slice(format!("{i},x\n").as_bytes());
        }
        let t = Table::from_csv("big.csv".into(), data);
        assert!(t.chunks().len() > 1);
        assert!(matches!(t.body, Body::Csv { quoted: false, .. }));
        let rows = rows_of(&t);
        assert_eq!(rows.len(), 300_000);
        for (k, (line, fields)) in rows.iter().enumerate() {
            assert_eq!(*line, k as u64 + 2);
            assert_eq!(fields[0], k.to_string());
        }
    }

    #[test]
    fn missing_and_repeated_columns_are_reported_on_the_header_line() {
        let t = Table::from_csv("s.csv".into(), b"mrr,MRR\n".to_vec());
        let mut p = Problems::default();
        let cols = resolve_columns(&t, &[("mrr", true), ("started_on", true)], 0, &mut p);
        assert_eq!(cols, vec![Some(0), None]);
        let report = p.into_result().unwrap_err();
        let lines: Vec<String> = report.shown.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "s.csv:1: mrr: the column appears more than once",
                "s.csv:1: started_on: required column is missing"
            ]
        );
    }
}
