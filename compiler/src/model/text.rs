//! Text helpers shared by the stages: ids from names, copyright lines.

/// A reference-safe form of a name, as `lower` makes label references: ASCII letters and
/// digits, lowercase, runs of anything else as one hyphen.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let s = out.trim_matches('-');
    s.get(..s.len().min(100))
        .unwrap_or(s)
        .trim_end_matches('-')
        .to_string()
}

/// The ASCII letter of a common accented letter.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => 'A',
        'ç' | 'č' | 'ć' => 'c',
        'Ç' | 'Č' | 'Ć' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' | 'ń' => 'n',
        'Ñ' | 'Ń' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'š' | 'ś' => 's',
        'Š' | 'Ś' => 'S',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        'ł' => 'l',
        'Ł' => 'L',
        'ß' => 's',
        _ => c,
    }
}

/// `(year, owner)` of a P-/C-line text: an optional `℗`, `©`, `(P)`, `(C)`, then a year.
pub fn split_line(text: &str) -> Option<(u16, String)> {
    let t = text.trim();
    let t = ["℗", "©", "(P)", "(p)", "(C)", "(c)"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim_start();
    let (y, rest) = t.split_at_checked(4)?;
    if !y.bytes().all(|b| b.is_ascii_digit()) || !rest.starts_with(' ') {
        return None;
    }
    Some((y.parse().ok()?, rest.trim().to_string()))
}
