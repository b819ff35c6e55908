//! JSON Schemas of the catalogue file kinds, generated from the `Toml*` types. The committed
//! copies in `schemas/` are compared with these by a test, so they cannot drift.

use crate::syntax::{contract, dsp, label, party, recording, release, royalties};
use schemars::{JsonSchema, generate::SchemaSettings};

/// `(file name, pretty JSON)` for every schema, in a fixed order.
pub fn all() -> Vec<(String, String)> {
    vec![
        one::<label::TomlLabelFile>(
            "label",
            "`sleeve.toml`: the label, imprints, white-label clients, territory groups",
        ),
        one::<party::TomlParty>(
            "party",
            "`parties/<id>.toml`: an artist, writer, publisher or payee",
        ),
        one::<recording::TomlRecording>(
            "recording",
            "`recordings/<id>.toml`: a sound recording, its credits, rights and splits",
        ),
        one::<release::TomlRelease>(
            "release",
            "`releases/<id>.toml`: a release, its tracklist and deals",
        ),
        one::<contract::TomlContract>(
            "contract",
            "`contracts/<id>.toml`: a payee's royalty contract",
        ),
        one::<dsp::TomlDsp>(
            "dsp",
            "`dsps/<id>.toml`: a DSP profile and its delivery transport",
        ),
        one::<royalties::TomlRoyaltiesFile>(
            "royalties",
            "`royalties.toml`: exchange rates, CSV report formats, matching",
        ),
        one::<crate::diag::render::JsonDiagnosticSchema>(
            "diagnostic",
            "One line of `sleeve check --format json`",
        ),
        one::<crate::plan::Plan>(
            "plan",
            "`sleeve plan --format json` and `--out plan.json`: the delivery plan (version 1)",
        ),
    ]
}

fn one<T: JsonSchema>(name: &str, title: &str) -> (String, String) {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert(
        "$id".into(),
        format!("https://sleeve.example/schemas/{name}.schema.json").into(),
    );
    let mut value = schema.to_value();
    drop_null(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    (format!("{name}.schema.json"), text)
}

/// TOML has no null: an absent key is how a value is left out. Remove the `null` that
/// schemars adds for `Option` fields.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, val) in inner {
                            map.entry(k).or_insert(val);
                        }
                    }
                }
            }
            for val in map.values_mut() {
                drop_null(val);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
