//! Formula-injection neutralisation (OWASP "CSV injection"): a text cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
//! `'`, so no spreadsheet runs it as a formula.

use std::borrow::Cow;

/// True when a spreadsheet could read `text` as a formula.
pub fn needs_neutralising(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text with a leading `'` when a spreadsheet could run it, else as is.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if needs_neutralising(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dangerous_first_character_gets_a_leading_quote() {
        for text in ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(text), format!("'{text}"));
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in ["Acme", "", "a=b", " =x", "'quoted", "Más caro"] {
            assert!(matches!(neutralise(text), Cow::Borrowed(t) if t == text));
        }
    }
}
