//! Any file content gives diagnostics, never a panic: arbitrary bytes, arbitrary TOML-like
//! text, and the classic hostile inputs.

use proptest::prelude::*;
use sleeve::world::MemoryWorld;

const LABEL: &str =
    "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n";
const PATHS: &[&str] = &[
    "sleeve.toml",
    "parties/p.toml",
    "recordings/r.toml",
    "releases/x.toml",
    "contracts/c.toml",
    "dsps/d.toml",
];

fn run(world: &MemoryWorld) -> usize {
    let checked = sleeve::check_catalogue(world);
    // Render everything too: rendering must not panic on odd spans either.
    let paths = sleeve::diag::render::PathStyle::new(".");
    for d in checked.diagnostics.sorted() {
        let _ = sleeve::diag::render::human(&d, &checked.sources, &paths, false, 80);
        let _ = sleeve::diag::render::json(&d, &checked.sources, &paths);
    }
    checked.sources.len()
}

/// TOML-ish text built from the language's own keys and values, so the decoder is exercised
/// beyond the parser.
fn tomlish() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "isrc",
        "upc",
        "title",
        "artist",
        "type",
        "duration",
        "splits",
        "default",
        "US",
        "deal",
        "dsps",
        "territories",
        "models",
        "start",
        "end",
        "payee",
        "rates",
        "stream",
        "name",
        "party-id",
        "currency",
        "transport",
        "tracks",
        "disc",
        "label",
        "imprints",
        "x",
    ]);
    let value = prop::sample::select(vec![
        "\"ZZSLV2500001\"",
        "\"0840000000019\"",
        "\"50%\"",
        "\"1/3\"",
        "50.5",
        "12",
        "true",
        "2025-03-14",
        "2025-03-14T10:00:00Z",
        "[]",
        "[\"a\", 1]",
        "{ a = \"100%\" }",
        "\"\"",
        "\"Worldwide\"",
        "\"UK\"",
        "\"all\"",
        "\"folder\"",
        "\"album\"",
        "-1",
        "\"3:41\"",
    ]);
    let line = prop_oneof![
        (key.clone(), value).prop_map(|(k, v)| format!("{k} = {v}")),
        key.clone().prop_map(|k| format!("[{k}]")),
        key.prop_map(|k| format!("[[{k}]]")),
    ];
    prop::collection::vec(line, 0..20).prop_map(|l| l.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), which in 0..PATHS.len()) {
        let mut w = MemoryWorld::new().file("sleeve.toml", LABEL);
        w.insert(PATHS[which], bytes);
        run(&w);
    }

    #[test]
    fn arbitrary_tomlish_never_panics(texts in prop::collection::vec(tomlish(), PATHS.len())) {
        let mut w = MemoryWorld::new();
        for (p, t) in PATHS.iter().zip(texts) {
            w.insert(p, t);
        }
        run(&w);
    }
}

#[test]
fn hostile_inputs_give_diagnostics() {
    let huge = format!("name = \"{}\"\n", "x".repeat(10 * 1024 * 1024));
    let deep = format!("a = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let deep_tables = format!("a = {}1{}\n", "{ b = ".repeat(50_000), " }".repeat(50_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("parties/huge.toml", huge.into_bytes()),
        ("parties/deep.toml", deep.into_bytes()),
        ("parties/deep-tables.toml", deep_tables.into_bytes()),
        ("parties/empty.toml", Vec::new()),
        (
            "parties/binary.toml",
            vec![0, 159, 146, 150, 0xff, 0xfe, 0, 1, 2],
        ),
        ("parties/nul.toml", b"name = \"a\0b\"\n".to_vec()),
        ("parties/bom.toml", b"\xef\xbb\xbfname = \"A\"\n".to_vec()),
    ];
    for (path, bytes) in cases {
        let w = MemoryWorld::new()
            .file("sleeve.toml", LABEL)
            .file(path, bytes);
        let checked = sleeve::check_catalogue(&w);
        // Valid-but-odd files (a 10 MB name, a BOM) may only warn (W0213 unused-party).
        assert!(
            !checked.diagnostics.is_empty(),
            "{path}: expected a diagnostic"
        );
    }
    // A folder where a file was expected.
    let w = MemoryWorld::new()
        .file("sleeve.toml", LABEL)
        .dir("parties/x.toml");
    let checked = sleeve::check_catalogue(&w);
    assert!(checked.diagnostics.iter().any(|d| d.code.code == "E0100"));
}
