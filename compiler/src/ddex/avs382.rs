//! The contributor roles of ERN 3.8.2's allowed-value sets (AVS of 2016-10-06), which differ
//! from ERN 4.3's: the roles Sleeve's catalogue names (4.3 values) are mapped onto them.
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
