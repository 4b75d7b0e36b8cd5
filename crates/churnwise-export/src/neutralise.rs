//! Formula-injection neutralisation (OWASP "CSV injection"): a text cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
//! `'`, so no spreadsheet runs it as a formula.
//!
//! CSV adds a twist: a reader may split a line on another separator than
//! the writer used (Spanish, French or German Excel split on `;`), and a
//! careless one may ignore quotes. A cell `y;=3+4;` written for a `,` reader
//! then yields a cell `=3+4` for a `;` reader. So CSV text cells are
//! written quoted (a reader that honours quotes sees the whole cell,
//! whatever its separator), and [`neutralise_csv`] also puts a `'` before a
//! formula character that follows a `,`, `;`, tab or line end inside the
//! cell, so that even a reader splitting on any of those without honouring
//! quotes never meets a cell starting with a formula character.

use std::borrow::Cow;

/// The characters a formula can start with.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// The characters some CSV reader starts a new cell after.
const CELL_BREAKS: [char; 5] = [',', ';', '\t', '\n', '\r'];

/// True when a spreadsheet could read `text` as a formula.
pub fn needs_neutralising(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// The text with a leading `'` when a spreadsheet could run it, else as is.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if needs_neutralising(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Like [`neutralise`], and a `'` also after every `,`, `;`, tab or line
/// end that a formula character follows, for CSV text cells (see the module
/// documentation).
pub fn neutralise_csv(text: &str) -> Cow<'_, str> {
    let inner_risk = text.char_indices().any(|(i, c)| {
        CELL_BREAKS.contains(&c) && text[i + c.len_utf8()..].starts_with(FORMULA_STARTS)
    });
    if !inner_risk {
        return neutralise(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    if needs_neutralising(text) {
        out.push('\'');
    }
    let mut after_break = false;
    for c in text.chars() {
        if after_break && FORMULA_STARTS.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        // A break followed by a break (`;\t=`) still protects the last one.
        after_break = CELL_BREAKS.contains(&c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dangerous_first_character_gets_a_leading_quote() {
        for text in ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(text), format!("'{text}"));
            assert_eq!(neutralise_csv(text), format!("'{text}"));
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "Acme",
            "",
            "a=b",
            " =x",
            "'quoted",
            "Más caro",
            "Acme, Inc; Madrid",
        ] {
            assert!(matches!(neutralise(text), Cow::Borrowed(t) if t == text));
            assert!(matches!(neutralise_csv(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn a_formula_character_after_a_separator_or_line_end_is_neutralised_for_csv() {
        assert_eq!(neutralise_csv("y;=3+4;"), "y;'=3+4;");
        assert_eq!(neutralise_csv("a,+1"), "a,'+1");
        assert_eq!(neutralise_csv("=a;@b\n-c"), "'=a;'@b\n'-c");
        assert_eq!(neutralise_csv("x;\t=1"), "x;'\t'=1");
        // Cells of an .xlsx are cells: only the start matters there.
        assert_eq!(neutralise("y;=3+4;"), "y;=3+4;");
    }
}
