//! `recordings/<id>.toml`: one sound recording (master), its credits, rights and splits.

use super::decode::{ExactText, KeyMap, OneOrMany, S};
use crate::model::date::Date;
use crate::toml_table;

toml_table! {
    /// A sound recording. It may appear on several releases.
    pub struct TomlRecording {
        /// Id of a recording declared inside a release file (`[[recording]]`); a recording
        /// file's id is its file name, so a recording file has no `id`.
        id: Option<S<String>> = "id",
        /// ISRC (`GB-NLR-25-00001` or `GBNLR2500001`).
        isrc: S<String> = "isrc",
        /// Title, without version or featured artists.
        title: S<String> = "title",
        /// Version (`Radio Edit`, `2024 Remaster`).
        version: Option<S<String>> = "version",
        /// Main artist party id(s).
        #[serde(default)]
        artist: OneOrMany<S<String>> = "artist",
        /// Featured artist party id(s); never write "feat." into the title.
        #[serde(default)]
        featuring: OneOrMany<S<String>> = "featuring",
        /// Display artist text, when joining the artists' names is not right.
        display_artist: Option<S<String>> = "display-artist",
        /// Duration: `"3:41"` or `"PT3M41S"`.
        duration: S<String> = "duration",
        /// Genre; the release's when not given.
        genre: Option<S<String>> = "genre",
        /// Language of the performance (BCP 47); `zxx` for instrumentals.
        language: Option<S<String>> = "language",
        /// Whether the recording has explicit content.
        explicit: Option<S<bool>> = "explicit",
        /// P-line (`"2025 Nightjar Records Ltd"`); derived from the first release when not given.
        p_line: Option<S<String>> = "p-line",
        /// ISWC of the musical work.
        iswc: Option<S<String>> = "iswc",
        /// Audio file, relative to this file.
        audio: Option<S<String>> = "audio",
        /// Contributors: party id → DDEX contributor roles (`Composer`, `Lyricist`, `StudioProducer`, `MixingEngineer` …).
        #[serde(default)]
        credits: KeyMap<OneOrMany<S<String>>> = "credits",
        /// Where and when the label holds the master rights; worldwide and forever when not given.
        rights: Option<TomlRights> = "rights",
        /// Who shares the artist royalty: `default` and per-territory or per-group rules, each payee → share.
        #[serde(default)]
        splits: KeyMap<KeyMap<S<ExactText>>> = "splits",
    }
}

toml_table! {
    /// The label's master rights in a recording.
    pub struct TomlRights {
        /// Territory codes or groups, or `Worldwide`.
        territories: OneOrMany<S<String>> = "territories",
        /// Territories excluded from the above.
        #[serde(default)]
        except: OneOrMany<S<String>> = "except",
        /// First day of the rights.
        start: Option<S<Date>> = "start",
        /// Last day of the rights (inclusive).
        end: Option<S<Date>> = "end",
    }
}
