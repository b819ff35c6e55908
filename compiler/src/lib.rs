//! Sleeve: catalogue-as-code for record labels.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `world → syntax (load) → resolve → model → check → …`. Only `cli` touches the disk, the
//! environment and the clock; everything else reaches them through [`world::World`].

pub mod ack;
pub mod build;
pub mod check;
pub mod cli;
pub mod ddex;
pub mod deliver;
pub mod diag;
pub mod import;
pub mod incremental;
pub mod lower;
pub mod media;
pub mod message;
pub mod model;
pub mod placeholder;
pub mod plan;
pub mod report;
pub mod resolve;
pub mod royalties;
pub mod scaffold;
pub mod schema;
pub mod source;
pub mod state;
pub mod syntax;
pub mod world;

use diag::Diagnostics;

/// `f` over `items` on up to `max_threads` cores (one contiguous share each), in order.
pub(crate) fn par_map<T: Sync, U: Send>(
    items: &[T],
    max_threads: usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, max_threads.max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        parts.into_iter().flat_map(joined).collect()
    })
}

/// Run `a` here and `b` on another core, side by side.
pub(crate) fn beside<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|s| {
        let b = s.spawn(b);
        let a = a();
        (a, joined(b))
    })
}

/// The result of a scoped thread, its panic passed on.
pub(crate) fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
use source::SourceMap;
use world::World;

/// The result of loading, resolving and checking a catalogue.
pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    pub catalogue: model::Catalogue,
    /// What was read from the audio and artwork files.
    pub media: lower::MediaTable,
}

/// Load → resolve → check. The catalogue is fit for later stages only when
/// `diagnostics.has_errors()` is false.
pub fn check_catalogue(world: &dyn World) -> Checked {
    check_catalogue_timed(world, &mut |_| {})
}

/// [`check_catalogue`], calling `stage` after each stage with its name (for `--timings`).
pub fn check_catalogue_timed(world: &dyn World, stage: &mut dyn FnMut(&str)) -> Checked {
    let mut sources = SourceMap::default();
    let mut diagnostics = Diagnostics::default();
    let syn = syntax::load(world, &mut sources, &mut diagnostics);
    stage("load");
    let catalogue = resolve::resolve(syn, &sources, &mut diagnostics);
    stage("resolve");
    let media = check::check(&catalogue, world, &mut diagnostics);
    stage("check");
    Checked {
        sources,
        diagnostics,
        catalogue,
        media,
    }
}
