//! E0313 empty-tracklist, W0314 duplicate-track, W0324 track-count-for-type.

use super::Scope;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Catalogue;
use crate::syntax::release::ReleaseKind;
use std::collections::HashMap;

pub fn check(cat: &Catalogue, scope: Scope, diags: &mut Diagnostics) {
    for rel in scope.releases(cat) {
        for (i, disc) in rel.discs.iter().enumerate() {
            if disc.written == 0 {
                let what = if rel.discs.len() > 1 {
                    format!("disc {} has no tracks", i + 1)
                } else {
                    "the release has no tracks".to_string()
                };
                diags.push(
                    Diagnostic::new(codes::EMPTY_TRACKLIST, disc.span, what)
                        .label("empty")
                        .help("list recording ids or ISRCs in `tracks`"),
                );
            }
        }
        let mut seen: HashMap<&str, (usize, usize, crate::source::Span)> = HashMap::new();
        for (d, n, t) in rel.tracks() {
            if let Some(&(fd, fnum, span)) = seen.get(t.value.as_str()) {
                diags.push(
                    Diagnostic::new(
                        codes::DUPLICATE_TRACK,
                        t.span,
                        if rel.discs.len() > 1 {
                            format!(
                                "recording `{}` is both track {fd}-{fnum} and track {d}-{n}",
                                t.value
                            )
                        } else {
                            format!("recording `{}` is both track {fnum} and track {n}", t.value)
                        },
                    )
                    .label("repeated")
                    .secondary(span, "first here")
                    .help("remove the repeated entry, or reference the recording you meant"),
                );
            } else {
                seen.insert(t.value.as_str(), (d, n, t.span));
            }
        }
        let count = rel.track_count();
        if count == 0 {
            continue;
        }
        let total_ms: u64 = rel
            .tracks()
            .filter_map(|(_, _, t)| cat.recordings.get(&t.value))
            .map(|r| r.duration_ms.value)
            .fold(0u64, u64::saturating_add);
        let fits = match rel.kind.value {
            ReleaseKind::Single => (1..=3).contains(&count),
            ReleaseKind::Ep => (2..=6).contains(&count),
            ReleaseKind::Album => count >= 5 || total_ms >= 30 * 60_000,
            ReleaseKind::Compilation => count >= 2,
        };
        if !fits {
            let expected = match rel.kind.value {
                ReleaseKind::Single => "1–3 tracks",
                ReleaseKind::Ep => "2–6 tracks",
                ReleaseKind::Album => "5 or more tracks, or 30 minutes or more",
                ReleaseKind::Compilation => "2 or more tracks",
            };
            diags.push(
                Diagnostic::new(
                    codes::TRACK_COUNT_FOR_TYPE,
                    rel.kind.span,
                    format!(
                        "a release of type `{}` usually has {expected}, this one has {count}",
                        rel.kind.value.as_str()
                    ),
                )
                .label("type")
                .help("change the release `type`, or check the tracklist"),
            );
        }
    }
}
