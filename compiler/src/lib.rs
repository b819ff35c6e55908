//! Sleeve: catalogue-as-code for record labels.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `world → syntax (load) → resolve → model → check → …`. Only `cli` touches the disk, the
//! environment and the clock; everything else reaches them through [`world::World`].

pub mod check;
pub mod cli;
pub mod diag;
pub mod model;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod syntax;
pub mod world;

use diag::Diagnostics;
use source::SourceMap;
use world::World;

/// The result of loading, resolving and checking a catalogue.
pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Diagnostics,
    pub catalogue: model::Catalogue,
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
    check::check(&catalogue, world, &mut diagnostics);
    stage("check");
    Checked {
        sources,
        diagnostics,
        catalogue,
    }
}
