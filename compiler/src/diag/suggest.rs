//! Did-you-mean suggestions.
//!
//! After Nickel: a case-insensitive exact match wins; otherwise the most similar candidate by
//! normalised Damerau–Levenshtein, if at least [`MIN_SIMILARITY`].

/// Below this similarity a suggestion is more noise than help.
#[expect(
    clippy::disallowed_types,
    reason = "a similarity score is not money; strsim returns f64"
)]
const MIN_SIMILARITY: f64 = 0.6;

/// The best candidate for a misspelt `word`, if any is close enough.
#[expect(
    clippy::disallowed_types,
    reason = "a similarity score is not money; strsim returns f64"
)]
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        if cl == lower {
            return Some(c);
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &cl);
        if score >= MIN_SIMILARITY && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" help text, if there is a suggestion.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_and_case_insensitive() {
        assert_eq!(suggest("titel", ["title", "upc"]), Some("title"));
        assert_eq!(suggest("UPC", ["title", "upc"]), Some("upc"));
        assert_eq!(suggest("zzzzzz", ["title", "upc"]), None);
    }
}
