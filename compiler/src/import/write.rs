//! The imported catalogue as TOML text, one file per entity, in the shape of
//! `catalog-example/`.

use super::{Catalogue, Content, DealOut, Owner, Terr};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A TOML basic string.
pub fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key: bare when it can be.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.to_string()
    } else {
        q(s)
    }
}

/// One value or an array: `"a"` or `["a", "b"]`; long arrays wrapped, 12 items a line.
fn one_or_many(items: &[String]) -> String {
    match items {
        [one] => q(one),
        _ if items.len() > 12 => {
            let mut s = String::from("[\n");
            for chunk in items.chunks(12) {
                let line: Vec<String> = chunk.iter().map(|i| q(i)).collect();
                let _ = writeln!(s, "  {},", line.join(", "));
            }
            s.push(']');
            s
        }
        _ => format!(
            "[{}]",
            items.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A list one item per line, as catalog-example writes tracklists.
fn long_list(items: &[String]) -> String {
    let mut s = String::from("[\n");
    for i in items {
        let _ = writeln!(s, "  {},", q(i));
    }
    s.push(']');
    s
}

fn schema(kind: &str) -> String {
    format!("#:schema https://sleeve.example/schemas/{kind}.schema.json\n")
}

/// `m:ss`, `h:mm:ss`, with `.mmm` when not whole seconds.
pub fn duration(ms: u64) -> String {
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    let frac = ms % 1000;
    let mut out = if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    };
    if frac > 0 {
        let _ = write!(out, ".{frac:03}");
    }
    out
}

fn line(l: &(u16, String)) -> String {
    q(&format!("{} {}", l.0, l.1))
}

pub fn files(cat: &Catalogue) -> BTreeMap<String, Content> {
    let mut files = BTreeMap::new();
    if let Some(label) = &cat.label {
        let mut s = schema("label");
        s.push_str("# Imported from DDEX ERN messages by `sleeve import ddex`.\n[label]\n");
        let _ = writeln!(s, "name = {}", q(&label.name));
        let _ = writeln!(s, "party-id = {}", q(&label.party_id));
        let _ = writeln!(
            s,
            "currency = {}  # not in ERN: check it",
            q(&label.currency)
        );
        if let Some(o) = &label.copyright_owner {
            let _ = writeln!(s, "copyright-owner = {}", q(o));
        }
        if let Some(l) = &label.language {
            let _ = writeln!(s, "language = {}", q(l));
        }
        for i in &cat.imprints {
            let _ = write!(s, "\n[imprints.{}]\nname = {}\n", key(&i.id), q(&i.name));
            if let Some(o) = &i.copyright_owner {
                let _ = writeln!(s, "copyright-owner = {}", q(o));
            }
        }
        for c in &cat.clients {
            let _ = write!(
                s,
                "\n[clients.{}]\nname = {}\ncopyright-owner = {}\nfee = \"0%\"  # not in ERN: set the client's fee\npayee = {}\n",
                key(&c.id),
                q(&c.name),
                q(&c.copyright_owner),
                q(&c.payee)
            );
            if let Some(p) = &c.party_id {
                let _ = writeln!(s, "party-id = {}", q(p));
            }
        }
        files.insert("sleeve.toml".to_string(), Content::Text(s));
    }
    let currency = cat
        .label
        .as_ref()
        .map_or_else(|| "GBP".to_string(), |l| l.currency.clone());

    for d in &cat.dsps {
        let mut s = schema("dsp");
        let _ = writeln!(s, "name = {}", q(&d.name));
        let _ = writeln!(s, "party-id = {}", q(&d.party_id));
        let _ = writeln!(s, "ern = {}", q(d.ern));
        let _ = writeln!(
            s,
            "delivery = {}",
            q(if d.batch {
                "batch"
            } else {
                "release-by-release"
            })
        );
        if d.test {
            s.push_str("test = true\n");
        }
        let _ = write!(
            s,
            "\n[transport]\ntype = \"folder\"\npath = {}\n",
            q(&format!("out/deliveries/{}", d.id))
        );
        files.insert(format!("dsps/{}.toml", d.id), Content::Text(s));
    }

    for p in cat.parties.iter().filter(|p| p.used || p.payee) {
        let mut s = schema("party");
        let _ = writeln!(s, "name = {}", q(&p.name));
        if let Some(x) = &p.sort_name {
            let _ = writeln!(s, "sort-name = {}", q(x));
        }
        if let Some(x) = &p.isni {
            let _ = writeln!(s, "isni = {}", q(x));
        }
        if let Some(x) = &p.ipi {
            let _ = writeln!(s, "ipi = {}", q(x));
        }
        if p.payee {
            let _ = write!(s, "\n[payee]\ncurrency = {}\n", q(&currency));
        }
        files.insert(format!("parties/{}.toml", p.id), Content::Text(s));
    }

    for r in &cat.recordings {
        let mut s = schema("recording");
        let _ = writeln!(s, "isrc = {}", q(&r.isrc));
        let _ = writeln!(s, "title = {}", q(&r.title));
        if let Some(v) = &r.version {
            let _ = writeln!(s, "version = {}", q(v));
        }
        if !r.artists.is_empty() {
            let _ = writeln!(s, "artist = {}", one_or_many(&r.artists));
        }
        if !r.featuring.is_empty() {
            let _ = writeln!(s, "featuring = {}", one_or_many(&r.featuring));
        }
        if let Some(d) = &r.display_artist {
            let _ = writeln!(s, "display-artist = {}", q(d));
        }
        if let Some(ms) = r.duration_ms {
            let _ = writeln!(s, "duration = {}", q(&duration(ms)));
        }
        if let Some(g) = &r.genre {
            let _ = writeln!(s, "genre = {}", q(g));
        }
        if let Some(l) = &r.language {
            let _ = writeln!(s, "language = {}", q(l));
        }
        if let Some(e) = r.explicit {
            let _ = writeln!(s, "explicit = {e}");
        }
        if let Some(l) = &r.p_line {
            let _ = writeln!(s, "p-line = {}", line(l));
        }
        if let Some(i) = &r.iswc {
            let _ = writeln!(s, "iswc = {}", q(i));
        }
        if let Some(a) = &r.audio {
            let _ = writeln!(s, "audio = {}", q(&format!("../assets/{a}")));
        }
        if !r.credits.is_empty() {
            s.push_str("\n[credits]\n");
            for (p, roles) in &r.credits {
                let _ = writeln!(s, "{} = {}", key(p), one_or_many(roles));
            }
        }
        if let Some(a) = r.artists.first() {
            s.push_str("\n# Splits are not in ERN: review them (and add contracts).\n[splits]\n");
            let _ = writeln!(s, "default = {{ {} = \"100%\" }}", key(a));
        }
        files.insert(format!("recordings/{}.toml", r.id), Content::Text(s));
    }

    for r in &cat.releases {
        let mut s = schema("release");
        match &r.upc {
            Some(u) => {
                let _ = writeln!(s, "upc = {}", q(u));
            }
            None => s.push_str("# upc = \"\"  # no ICPN in the message: add the UPC\n"),
        }
        if let Some(g) = &r.grid {
            let _ = writeln!(s, "grid = {}", q(g));
        }
        if let Some(c) = &r.catalog_number {
            let _ = writeln!(s, "catalog-number = {}", q(c));
        }
        let _ = writeln!(s, "title = {}", q(&r.title));
        if let Some(v) = &r.version {
            let _ = writeln!(s, "version = {}", q(v));
        }
        let _ = writeln!(s, "type = {}", q(r.kind));
        if r.various_artists {
            s.push_str("various-artists = true\n");
        } else if !r.artists.is_empty() {
            let _ = writeln!(s, "artist = {}", one_or_many(&r.artists));
        }
        if let Some(d) = &r.display_artist {
            let _ = writeln!(s, "display-artist = {}", q(d));
        }
        match &r.owner {
            Owner::Label => {}
            Owner::Imprint(i) => {
                let _ = writeln!(s, "imprint = {}", q(i));
            }
            Owner::Client(c) => {
                let _ = writeln!(s, "client = {}", q(c));
            }
        }
        date(&mut s, "release-date", r.release_date.as_deref());
        date(
            &mut s,
            "original-release-date",
            r.original_release_date.as_deref(),
        );
        if let Some(g) = &r.genre {
            let _ = writeln!(s, "genre = {}", q(g));
        }
        if let Some(g) = &r.subgenre {
            let _ = writeln!(s, "subgenre = {}", q(g));
        }
        if let Some(l) = &r.p_line {
            let _ = writeln!(s, "p-line = {}", line(l));
        }
        if let Some(l) = &r.c_line {
            let _ = writeln!(s, "c-line = {}", line(l));
        }
        if let Some(a) = &r.artwork {
            let _ = writeln!(s, "artwork = {}", q(&format!("../assets/{a}")));
        }
        match r.discs.as_slice() {
            [one] => {
                let _ = writeln!(s, "tracks = {}", long_list(one));
            }
            discs => {
                for d in discs {
                    let _ = write!(s, "\n[[disc]]\ntracks = {}\n", long_list(d));
                }
            }
        }
        for d in &r.deals {
            deal(&mut s, d);
        }
        files.insert(format!("releases/{}.toml", r.id), Content::Text(s));
    }

    for (dest, source) in &cat.copies {
        files.insert(dest.clone(), Content::Copy(source.clone()));
    }
    files
}

fn deal(s: &mut String, d: &DealOut) {
    s.push_str("\n[[deal]]\n");
    let _ = writeln!(s, "dsps = {}", one_or_many(&d.dsps));
    match &d.territories {
        Terr::Worldwide => s.push_str("territories = \"Worldwide\"\n"),
        Terr::Included(c) => {
            let _ = writeln!(s, "territories = {}", one_or_many(c));
        }
        Terr::Excluded(c) => {
            let _ = writeln!(
                s,
                "territories = \"Worldwide\"\nexcept = {}",
                one_or_many(c)
            );
        }
    }
    let models: Vec<String> = d.models.iter().map(|m| m.as_str().to_string()).collect();
    let _ = writeln!(s, "models = {}", one_or_many(&models));
    if let Some(u) = &d.uses {
        let uses: Vec<String> = u.iter().map(|u| u.as_str().to_string()).collect();
        let _ = writeln!(s, "uses = {}", one_or_many(&uses));
    }
    date(s, "start", d.start.as_deref());
    date(s, "end", d.end.as_deref());
    if let Some(x) = &d.price_tier {
        let _ = writeln!(s, "price-tier = {}", q(x));
    }
    date(s, "pre-order", d.pre_order.as_deref());
}

/// `key = 2025-04-04`, unquoted; a value that is not a date is written as a comment.
fn date(s: &mut String, k: &str, v: Option<&str>) {
    match v {
        Some(d) if crate::model::date::Date::parse(d).is_some() => {
            let _ = writeln!(s, "{k} = {d}");
        }
        Some(d) => {
            let _ = writeln!(s, "# {k} = {}  (not a date in the message: fix it)", q(d));
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_and_strings() {
        assert_eq!(super::duration(225_000), "3:45");
        assert_eq!(super::duration(263_583), "4:23.583");
        assert_eq!(super::duration(3_723_000), "1:02:03");
        assert_eq!(super::q("a \"b\" \\"), "\"a \\\"b\\\" \\\\\"");
    }
}
