//! The contributor roles and languages of ERN 3.8.2's allowed-value sets (AVS of 2016-10-06),
//! which differ from ERN 4.3's: what Sleeve's catalogue names (4.3 values, BCP 47 language
//! tags) is mapped onto them.
//!
//! Extracted from `/work/shared/ddex/xsd/ern-3.8.2/avs_20161006.xsd` (SHA-256
//! `500519b691dd0b97ae1e912c7aa2773d4f4e77412126672b372234b25c67ef34`) with the awk script of
//! [`crate::model::ddex_avs`]; byte-sorted for binary search.

/// simpleType `ResourceContributorRole`: roles in the making of a recording.
pub const RESOURCE_CONTRIBUTOR_ROLE: &[&str] = &[
    "Actor",
    "Architect",
    "Artist",
    "AssociatedPerformer",
    "Band",
    "BookPublisher",
    "Cartoonist",
    "Choir",
    "Choreographer",
    "ComputerGraphicCreator",
    "Conductor",
    "Contributor",
    "CostumeDesigner",
    "Designer",
    "Dubber",
    "Encoder",
    "Ensemble",
    "FeaturedArtist",
    "FilmDirector",
    "FilmDistributor",
    "FilmEditor",
    "FilmProducer",
    "FilmSoundEngineer",
    "GraphicArtist",
    "GraphicDesigner",
    "Journalist",
    "MainArtist",
    "Member",
    "MusicDirector",
    "Narrator",
    "NewspaperPublisher",
    "Orchestra",
    "Painter",
    "PeriodicalPublisher",
    "Photographer",
    "PhotographyDirector",
    "PlaybackSinger",
    "PrimaryMusician",
    "Producer",
    "Programmer",
    "RightsControllerOnProduct",
    "ScreenplayAuthor",
    "SetDesigner",
    "Soloist",
    "StageDirector",
    "StudioPersonnel",
    "SubtitlesEditor",
    "SubtitlesTranslator",
    "Unknown",
    "UserDefined",
    "VoiceActor",
];

/// simpleType `MusicalWorkContributorRole`: the union of `CreativeContributorRole` and
/// `BusinessContributorRole`, roles in the musical work (written as
/// `IndirectResourceContributor`).
pub const MUSICAL_WORK_CONTRIBUTOR_ROLE: &[&str] = &[
    "Adapter",
    "Arranger",
    "AssociatedPerformer",
    "Author",
    "Composer",
    "ComposerLyricist",
    "Contributor",
    "Librettist",
    "Lyricist",
    "MusicPublisher",
    "NonLyricAuthor",
    "OriginalPublisher",
    "SubArranger",
    "SubLyricist",
    "SubPublisher",
    "SubstitutedPublisher",
    "Translator",
    "Unknown",
    "UserDefined",
];

/// simpleType `IsoLanguageCode`: the languages `LanguageOfPerformance` takes (ISO 639-1
/// codes, and `bho` and `raj`), without region or script subtags.
pub const ISO_LANGUAGE_CODE: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bho", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv",
    "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj",
    "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu",
    "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg",
    "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg",
    "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mo", "mr", "ms", "mt",
    "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or",
    "os", "pa", "pi", "pl", "ps", "pt", "qu", "raj", "rm", "rn", "ro", "ru", "rw", "sa", "sc",
    "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw",
    "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk",
    "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// The 2016 code for a BCP 47 tag (`pt-BR` → `pt`), when the 2016 set has its language.
pub fn language(tag: &str) -> Option<&str> {
    let primary = tag.split('-').next().unwrap_or(tag);
    listed(ISO_LANGUAGE_CODE, primary).then_some(primary)
}

/// How a catalogue (ERN 4.3) contributor role is written in ERN 3.8.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role<'a> {
    /// A value of the 2016 set.
    Listed(&'a str),
    /// `UserDefined`, with this `UserDefinedValue`.
    UserDefined(&'a str),
}

fn listed(list: &[&str], role: &str) -> bool {
    list.binary_search(&role).is_ok()
}

/// A role of the musical work rather than of the recording (`Composer`, `Lyricist` …): one
/// the 2016 recording roles lack and the work roles have.
pub fn is_work_role(role: &str) -> bool {
    !listed(RESOURCE_CONTRIBUTOR_ROLE, role) && listed(MUSICAL_WORK_CONTRIBUTOR_ROLE, role)
}

/// The 2016 value for `role`: the same name when the 2016 sets have it, `Producer` for
/// `StudioProducer`, else `UserDefined` carrying the role.
pub fn role(role: &str) -> Role<'_> {
    if listed(RESOURCE_CONTRIBUTOR_ROLE, role) || listed(MUSICAL_WORK_CONTRIBUTOR_ROLE, role) {
        Role::Listed(role)
    } else if role == "StudioProducer" {
        Role::Listed("Producer")
    } else {
        Role::UserDefined(role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_mapped() {
        for list in [RESOURCE_CONTRIBUTOR_ROLE, MUSICAL_WORK_CONTRIBUTOR_ROLE] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(RESOURCE_CONTRIBUTOR_ROLE.len(), 51);
        assert_eq!(MUSICAL_WORK_CONTRIBUTOR_ROLE.len(), 19);
        assert!(is_work_role("Composer") && is_work_role("Lyricist"));
        assert!(!is_work_role("Producer") && !is_work_role("MixingEngineer"));
        assert_eq!(role("Composer"), Role::Listed("Composer"));
        assert_eq!(role("StudioProducer"), Role::Listed("Producer"));
        assert_eq!(role("MixingEngineer"), Role::UserDefined("MixingEngineer"));
    }
}
