//! Resolve: `Toml*` structs → the [`Catalogue`] model.
//!
//! Parses identifiers, codes, amounts and shares into their types and resolves every reference
//! across files. Every problem is reported and the offending value left out, so one run shows
//! everything; rules that judge the whole catalogue (sums, overlaps, dates) live in `check`.

use crate::diag::{Diagnostic, Diagnostics, codes, suggest};
use crate::model::ident::{Dpid, Grid, IdError, IdErrorKind, IpiName, Isni, Isrc, Iswc, Upc};
use crate::model::iso::{self, TerritorySet};
use crate::model::period::Period;
use crate::model::ratio::Ratio;
use crate::model::{
    Advance, Asset, Catalogue, Channel, Client, Columns, Contract, CopyrightLine, Credit,
    DateFormat, Deal, Disc, Dsp, FxRate, Imprint, Label, Owner, Party, Payee, RateRule, Recording,
    Release, ReportFormat, Reserve, Rights, RoyaltySettings, Scope, SplitRule, Territories,
    Transport, ddex_avs,
};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::decode::{ExactText, OneOrMany, S};
use crate::syntax::dsp::{DeliveryMode, ErnVersion, TransportKind};
use crate::syntax::label::{StatementPeriod, TomlLabelFile};
use crate::syntax::release::TomlDeal;
use crate::syntax::{Item, SyntaxCatalogue, is_valid_id};
use crate::world;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

/// Resolve the loaded files. Always returns a catalogue (with what could be resolved); it is
/// fit for later stages only when no error was reported.
pub fn resolve(syn: SyntaxCatalogue, sources: &SourceMap, diags: &mut Diagnostics) -> Catalogue {
    resolve_indexed(syn, sources, diags).0
}

/// [`resolve`], also returning the index of declared ids, so that entities can be resolved
/// again later against the same declarations ([`resolve_entities`]).
pub fn resolve_indexed(
    syn: SyntaxCatalogue,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> (Catalogue, Arc<Index>) {
    let mut r = Resolver::new(syn, sources);
    r.index();
    let label = r.label();
    let label_currency = label.as_ref().map(|l| l.currency.clone());
    let parties = r.parties();
    let recordings = r.recordings();
    let releases = r.releases();
    let contracts = r.contracts(label_currency.as_deref());
    let dsps = r.dsps();
    let royalties = r.royalties();
    let (imprints, clients, territory_groups) = r.label_parts();
    let incomplete = r.incomplete || r.idx.label_broken;
    diags.extend(std::mem::take(&mut r.diags));
    let catalogue = Catalogue {
        incomplete,
        label,
        imprints,
        clients,
        territory_groups,
        parties,
        recordings,
        releases,
        contracts,
        dsps,
        royalties,
    };
    (catalogue, r.idx)
}

/// Releases and recordings resolved on their own, by [`resolve_entities`].
pub struct Entities {
    pub releases: Vec<(String, Box<Release>)>,
    pub recordings: Vec<(String, Box<Recording>)>,
    pub diagnostics: Diagnostics,
    /// Something was left out (and reported).
    pub incomplete: bool,
}

/// Resolve the releases and recordings of `syn` (one file's, in `sleeve watch`) against the
/// declarations of an earlier full resolve. Only valid when they declare what they declared
/// then (the same ids, ISRCs and UPCs): duplicates across the catalogue are not looked for.
pub fn resolve_entities(idx: &Arc<Index>, sources: &SourceMap, syn: SyntaxCatalogue) -> Entities {
    let mut r = Resolver::new(SyntaxCatalogue::default(), sources);
    r.idx = Arc::clone(idx);
    let releases = syn
        .releases
        .into_iter()
        .filter_map(|i| r.release(i))
        .collect();
    let recordings = syn
        .recordings
        .into_iter()
        .filter_map(|i| r.recording(i))
        .collect();
    Entities {
        releases,
        recordings,
        diagnostics: r.diags,
        incomplete: r.incomplete,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RefSet {
    Imprints,
    Clients,
    Dsps,
    Releases,
    Contracts,
}

/// Everything declared, by kind: built once, then shared (read-only) by the threads that
/// resolve entities.
#[derive(Default)]
pub struct Index {
    /// payee party id → its currency
    payee_currency: HashMap<String, String>,
    /// party id → has a `[payee]` table (true when the file is broken, to avoid cascades).
    /// Hashed: looked up for every artist, credit and split of every recording. Suggestions
    /// sort the keys first.
    parties: FxHashMap<String, bool>,
    recordings: FxHashSet<String>,
    /// compact ISRC → recording id
    isrcs: FxHashMap<String, String>,
    releases: BTreeMap<String, ()>,
    contracts: BTreeMap<String, ()>,
    dsps: BTreeMap<String, ()>,
    imprints: BTreeMap<String, ()>,
    clients: BTreeMap<String, ()>,
    groups: BTreeMap<String, TerritorySet>,
    /// The label file declares imprints/clients/groups, but could not be decoded: don't
    /// report references to them.
    label_broken: bool,
}

struct Resolver<'a> {
    /// Entities are taken out of it as they are resolved, so values move into the model.
    syn: SyntaxCatalogue,
    idx: Arc<Index>,
    sources: &'a SourceMap,
    diags: Diagnostics,
    /// Some entity or value was left out because it could not be resolved.
    incomplete: bool,
}

fn label_file(syn: &SyntaxCatalogue) -> Option<&TomlLabelFile> {
    syn.label.as_ref().and_then(|l| l.value.as_deref())
}

/// Compact ISRC → the id of the first recording declaring it (duplicates are reported when
/// recordings are resolved).
fn isrc_index(
    recordings: &[Item<Box<crate::syntax::recording::TomlRecording>>],
) -> FxHashMap<String, String> {
    let mut isrcs = FxHashMap::default();
    for r in recordings {
        if let Some(v) = &r.value
            && let Ok(isrc) = Isrc::parse(&v.isrc.value)
        {
            isrcs
                .entry(isrc.as_str().to_string())
                .or_insert_with(|| r.id.value.clone());
        }
    }
    isrcs
}

impl<'a> Resolver<'a> {
    fn new(syn: SyntaxCatalogue, sources: &'a SourceMap) -> Self {
        Resolver {
            syn,
            idx: Arc::new(Index::default()),
            sources,
            diags: Diagnostics::default(),
            incomplete: false,
        }
    }

    /// A resolver for a worker thread: same index, its own diagnostics.
    fn worker(&self) -> Resolver<'a> {
        Resolver {
            syn: SyntaxCatalogue::default(),
            idx: Arc::clone(&self.idx),
            sources: self.sources,
            diags: Diagnostics::default(),
            incomplete: false,
        }
    }

    /// Resolve `items` with `f` on all cores, keeping their order (and that of the
    /// diagnostics). Threads take the next chunk of 500 from a shared counter rather than a
    /// fixed share: entities differ in size (a single and an album), so they finish together.
    fn parallel<T: Send, U: Send>(
        &mut self,
        items: Vec<T>,
        f: impl Fn(&mut Resolver<'a>, T) -> Option<U> + Sync,
    ) -> Vec<U> {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        // Small catalogues are not worth a thread.
        let threads = threads.min(items.len().div_ceil(2_000)).max(1);
        let mut chunks: Vec<Mutex<Vec<T>>> = Vec::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            chunks.push(Mutex::new(items.by_ref().take(500).collect()));
        }
        let next = AtomicUsize::new(0);
        let (f, chunks, next) = (&f, &chunks, &next);
        let mut done: Vec<(usize, Vec<U>, Diagnostics, bool)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let mut w = self.worker();
                    scope.spawn(move || {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(chunk) = chunks.get(i) else { break };
                            // Locked once, for the take: never poisoned.
                            let chunk = match chunk.lock() {
                                Ok(mut c) => std::mem::take(&mut *c),
                                Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
                            };
                            let out: Vec<U> =
                                chunk.into_iter().filter_map(|x| f(&mut w, x)).collect();
                            let diags = std::mem::take(&mut w.diags);
                            mine.push((i, out, diags, std::mem::take(&mut w.incomplete)));
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().flat_map(crate::joined).collect()
        });
        done.sort_by_key(|(i, ..)| *i);
        let mut out = Vec::new();
        for (_, results, diags, incomplete) in done {
            out.extend(results);
            self.diags.extend(diags);
            self.incomplete |= incomplete;
        }
        out
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn path(&self, file: FileId) -> String {
        self.sources
            .get(file)
            .map_or_else(String::new, |f| f.path.clone())
    }

    // ----------------------------------------------------------------------------------
    // Indexes of declared ids
    // ----------------------------------------------------------------------------------

    fn index(&mut self) {
        let syn = std::mem::take(&mut self.syn);
        // The ISRC index is built beside the declarations (120,000 recordings on 10,000
        // releases: about 40 ms each).
        let (mut ix, isrcs) =
            crate::beside(|| self.declarations(&syn), || isrc_index(&syn.recordings));
        ix.isrcs = isrcs;
        self.syn = syn;
        self.idx = Arc::new(ix);
    }

    /// The index of declared ids, but the ISRCs.
    fn declarations(&mut self, syn: &SyntaxCatalogue) -> Index {
        let mut ix = Index {
            label_broken: syn.label.as_ref().is_none_or(|l| l.value.is_none()),
            ..Index::default()
        };
        let mut parties = FxHashMap::default();
        for p in &syn.parties {
            if self.declare(&mut parties, p, "party") {
                let payee = p.value.as_ref().is_none_or(|v| v.payee.is_some());
                ix.parties.insert(p.id.value.clone(), payee);
                if let Some(py) = p.value.as_ref().and_then(|v| v.payee.as_ref()) {
                    ix.payee_currency
                        .insert(p.id.value.clone(), py.currency.value.clone());
                }
            }
        }
        let mut recs = FxHashMap::default();
        for r in &syn.recordings {
            if self.declare(&mut recs, r, "recording") {
                ix.recordings.insert(r.id.value.clone());
            }
        }
        let mut rels = FxHashMap::default();
        for r in &syn.releases {
            if self.declare(&mut rels, r, "release") {
                ix.releases.insert(r.id.value.clone(), ());
            }
        }
        let mut cons = FxHashMap::default();
        for c in &syn.contracts {
            if self.declare(&mut cons, c, "contract") {
                ix.contracts.insert(c.id.value.clone(), ());
            }
        }
        let mut dsps = FxHashMap::default();
        for d in &syn.dsps {
            if self.declare(&mut dsps, d, "DSP profile") {
                ix.dsps.insert(d.id.value.clone(), ());
            }
        }
        if let Some(lf) = label_file(syn) {
            for (k, _) in lf.imprints.iter() {
                self.check_key_id(k, "imprint");
                ix.imprints.insert(k.value.clone(), ());
            }
            for (k, _) in lf.clients.iter() {
                self.check_key_id(k, "client");
                ix.clients.insert(k.value.clone(), ());
            }
            for (k, list) in lf.territory_groups.iter() {
                self.check_key_id(k, "territory group");
                let mut set = TerritorySet::new();
                for code in &list.0 {
                    if let Some(i) = self.territory_code(code) {
                        set.insert(i);
                    }
                }
                if list.0.is_empty() {
                    self.push(
                        Diagnostic::new(
                            codes::EMPTY_LIST,
                            k.span,
                            format!("territory group `{}` is empty", k.value),
                        )
                        .help("list the group's ISO 3166-1 codes, or remove the group"),
                    );
                }
                ix.groups.insert(k.value.clone(), set);
            }
        }
        ix
    }

    fn declare<'s, T>(
        &mut self,
        seen: &mut FxHashMap<&'s str, FileId>,
        item: &'s Item<T>,
        kind: &str,
    ) -> bool {
        if let Some(first) = seen.get(item.id.value.as_str()) {
            let first_path = self.path(*first);
            self.push(
                Diagnostic::new(
                    codes::DUPLICATE_ID,
                    item.id.span,
                    format!(
                        "{kind} id `{}` is already used by `{first_path}`",
                        item.id.value
                    ),
                )
                .secondary(Span::new(*first, 0..0), "first declared here")
                .help("rename one of the two files; ids must be unique per kind"),
            );
            return false;
        }
        seen.insert(&item.id.value, item.file);
        true
    }

    fn check_key_id(&mut self, k: &S<String>, kind: &str) {
        if !is_valid_id(&k.value) {
            self.push(
                Diagnostic::new(
                    codes::INVALID_ID,
                    k.span,
                    format!("{kind} id `{}` is not a valid id", k.value),
                )
                .label("not lowercase kebab-case")
                .help("use lowercase letters, digits and hyphens, such as `northern-lights`"),
            );
        }
    }

    // ----------------------------------------------------------------------------------
    // Values
    // ----------------------------------------------------------------------------------

    /// The span of `offset..offset+len` inside a string value's text.
    fn inner(&self, span: Span, offset: usize, len: usize) -> Span {
        // Offsets count characters of the decoded value; after an escape (`\t`) they no
        // longer match the raw text, so underline the whole value.
        let raw = self
            .sources
            .get(span.file)
            .and_then(|f| f.text.get(span.start as usize..span.end as usize))
            .unwrap_or_default();
        if raw.contains('\\') {
            return span;
        }
        let quote = self
            .sources
            .get(span.file)
            .and_then(|f| f.text.get(span.start as usize..))
            .map_or(1, |t| {
                if t.starts_with("\"\"\"") || t.starts_with("'''") {
                    3
                } else {
                    1
                }
            });
        let start = span.start as usize + quote + offset;
        let end = (start + len.max(1)).min(span.end as usize);
        Span::new(span.file, start.min(end)..end)
    }

    fn ident<T>(
        &mut self,
        v: &S<String>,
        parse: fn(&str) -> Result<T, IdError>,
        code: &'static crate::diag::Code,
        what: &str,
    ) -> Option<S<T>> {
        match parse(&v.value) {
            Ok(x) => Some(S::new(x, v.span)),
            Err(e) => {
                let at = self.inner(v.span, e.offset, e.len);
                let label = match e.kind {
                    IdErrorKind::CheckDigit => "check digit",
                    IdErrorKind::Syntax => "here",
                };
                self.push(
                    Diagnostic::new(
                        code,
                        at,
                        format!("invalid {what} `{}`: {}", v.value, e.message),
                    )
                    .label(label)
                    .help(e.help),
                );
                None
            }
        }
    }

    fn territory_code(&mut self, v: &S<String>) -> Option<u8> {
        if let Some(i) = iso::territory_index(&v.value) {
            return Some(i);
        }
        self.unknown_territory(v, false);
        None
    }

    fn unknown_territory(&mut self, v: &S<String>, groups_allowed: bool) {
        let code = v.value.as_str();
        let help = if let Some(alias) = iso::territory_alias(code) {
            Some(format!(
                "write `{alias}`: `{code}` is not an ISO 3166-1 code"
            ))
        } else if let Some(i) = iso::territory_index(&code.to_uppercase()) {
            iso::territory_code(i).map(|c| format!("write the code in capitals: `{c}`"))
        } else if groups_allowed {
            let mut names: Vec<&str> = self.idx.groups.keys().map(String::as_str).collect();
            names.push("Worldwide");
            suggest::did_you_mean(code, names)
        } else {
            None
        };
        let what = if groups_allowed {
            "is not a territory code, `Worldwide` or a territory group"
        } else {
            "is not an ISO 3166-1 alpha-2 territory code"
        };
        self.push(
            Diagnostic::new(codes::UNKNOWN_TERRITORY, v.span, format!("`{code}` {what}"))
                .label("unknown territory")
                .help(help.unwrap_or_else(|| {
                    if groups_allowed {
                        "use an ISO 3166-1 alpha-2 code, `Worldwide`, or a group from `[territory-groups]` in `sleeve.toml`".to_string()
                    } else {
                        "use an ISO 3166-1 alpha-2 code such as `GB` or `US`".to_string()
                    }
                })),
        );
    }

    /// Territories written as codes, groups or `Worldwide`, less `except`.
    fn territories(
        &mut self,
        list: &OneOrMany<S<String>>,
        except: &OneOrMany<S<String>>,
        span: Span,
    ) -> Territories {
        let mut set = TerritorySet::new();
        let mut worldwide = false;
        for t in &list.0 {
            if let Some(s) = self.territory_term(t) {
                if t.value == "Worldwide" {
                    worldwide = true;
                }
                set = set.union(s);
            }
        }
        let mut excluded = TerritorySet::new();
        for t in &except.0 {
            if let Some(s) = self.territory_term(t) {
                excluded = excluded.union(s);
            }
        }
        Territories {
            set: set.difference(excluded),
            worldwide: worldwide && list.0.len() == 1,
            excluded,
            span,
        }
    }

    fn territory_term(&mut self, t: &S<String>) -> Option<TerritorySet> {
        if t.value == "Worldwide" {
            return Some(TerritorySet::all());
        }
        if let Some(i) = iso::territory_index(&t.value) {
            let mut s = TerritorySet::new();
            s.insert(i);
            return Some(s);
        }
        if let Some(g) = self.idx.groups.get(&t.value) {
            return Some(*g);
        }
        if self.idx.label_broken && is_valid_id(&t.value) {
            return None;
        }
        self.unknown_territory(t, true);
        None
    }

    /// A rule key in `[splits]` or `[rates]`: `default`, a territory code or a group.
    fn scope(&mut self, key: &S<String>) -> Option<Scope> {
        if key.value == "default" {
            return Some(Scope::Default);
        }
        if let Some(i) = iso::territory_index(&key.value) {
            return Some(Scope::Territory(i));
        }
        if let Some(g) = self.idx.groups.get(&key.value) {
            return Some(Scope::Group(key.value.clone(), *g));
        }
        if self.idx.label_broken && is_valid_id(&key.value) {
            return None;
        }
        let mut names: Vec<&str> = self.idx.groups.keys().map(String::as_str).collect();
        names.push("default");
        let help = iso::territory_alias(&key.value)
            .map(|a| format!("write `{a}`: `{}` is not an ISO 3166-1 code", key.value))
            .or_else(|| suggest::did_you_mean(&key.value, names))
            .unwrap_or_else(|| {
                "use `default`, an ISO 3166-1 alpha-2 code, or a group from `[territory-groups]`"
                    .to_string()
            });
        self.push(
            Diagnostic::new(
                codes::UNKNOWN_TERRITORY,
                key.span,
                format!(
                    "`{}` is not `default`, a territory code or a territory group",
                    key.value
                ),
            )
            .label("unknown territory")
            .help(help),
        );
        None
    }

    fn share(&mut self, v: &S<ExactText>) -> Option<S<Ratio>> {
        let text = v.value.0.as_str();
        match Ratio::parse_share(text) {
            Ok(r) => {
                if r < Ratio::ZERO || r > Ratio::ONE {
                    self.push(
                        Diagnostic::new(
                            codes::SHARE_OUT_OF_RANGE,
                            v.span,
                            format!("`{text}` is not between 0% and 100%"),
                        )
                        .label("out of range")
                        .help("write a share between `\"0%\"` and `\"100%\"`"),
                    );
                    return None;
                }
                Some(S::new(r, v.span))
            }
            Err(msg) => {
                let help = if Decimal::from_str(text.trim()).is_ok() {
                    format!(
                        "add a percent sign: `\"{}%\"`, or write a fraction such as `\"1/3\"`",
                        text.trim()
                    )
                } else {
                    "write a percentage such as `\"50%\"` or a fraction such as `\"1/3\"`"
                        .to_string()
                };
                self.push(
                    Diagnostic::new(codes::INVALID_DECIMAL, v.span, msg)
                        .label("not a share")
                        .help(help),
                );
                None
            }
        }
    }

    fn amount(&mut self, v: &S<ExactText>, currency: Option<&str>) -> Option<S<Decimal>> {
        let text = v.value.0.trim();
        let Some(d) = crate::model::ratio::exact_decimal(text) else {
            self.push(
                Diagnostic::new(
                    codes::INVALID_DECIMAL,
                    v.span,
                    format!("`{text}` is not an amount"),
                )
                .label("not a decimal number")
                .help("write the amount as a quoted decimal with a point, such as `\"2000.00\"`"),
            );
            return None;
        };
        if let Some(cur) = currency
            && let Some(minor) = iso::currency_minor_units(cur)
            && d.normalize().scale() > u32::from(minor)
        {
            self.push(
                Diagnostic::new(
                    codes::AMOUNT_PRECISION,
                    v.span,
                    format!(
                        "`{text}` has more decimal places than `{cur}` has minor units ({minor})"
                    ),
                )
                .label("too precise")
                .help(format!("round the amount to {minor} decimal places")),
            );
            return None;
        }
        Some(S::new(d, v.span))
    }

    fn currency(&mut self, v: &S<String>) -> Option<String> {
        if iso::currency_minor_units(&v.value).is_some() {
            return Some(v.value.clone());
        }
        let upper = v.value.to_uppercase();
        let help = if iso::currency_minor_units(&upper).is_some() {
            format!("write the code in capitals: `{upper}`")
        } else {
            "use an ISO 4217 code such as `GBP`, `EUR` or `USD`".to_string()
        };
        self.push(
            Diagnostic::new(
                codes::INVALID_CURRENCY,
                v.span,
                format!("`{}` is not an ISO 4217 currency code", v.value),
            )
            .label("unknown currency")
            .help(help),
        );
        None
    }

    fn language(&mut self, v: &S<String>) -> Option<S<String>> {
        match iso::is_language(&v.value) {
            Ok(()) => Some(v.clone()),
            Err(msg) => {
                self.push(
                    Diagnostic::new(codes::INVALID_LANGUAGE, v.span, msg)
                        .label("not a language tag")
                        .help("use an ISO 639 code such as `en`, with an optional script or region (`pt-BR`); `zxx` for instrumentals"),
                );
                None
            }
        }
    }

    fn country(&mut self, v: &Option<S<String>>) -> Option<String> {
        let v = v.as_ref()?;
        self.territory_code(v).map(|_| v.value.clone())
    }

    fn copyright_line(&mut self, v: &Option<S<String>>) -> Option<S<CopyrightLine>> {
        let v = v.as_ref()?;
        match crate::model::text::split_line(&v.value) {
            Some((year, owner)) if !owner.is_empty() => {
                Some(S::new(CopyrightLine { year, owner }, v.span))
            }
            _ => {
                self.push(
                    Diagnostic::new(
                        codes::INVALID_COPYRIGHT_LINE,
                        v.span,
                        format!("`{}` does not start with a year and an owner", v.value),
                    )
                    .label("expected `YYYY Owner`")
                    .help("write the line as `\"2025 Owner Name\"`"),
                );
                None
            }
        }
    }

    fn duration(&mut self, v: &S<String>) -> Option<S<u64>> {
        match parse_duration(&v.value) {
            Some(ms) if ms > 0 => Some(S::new(ms, v.span)),
            _ => {
                self.push(
                    Diagnostic::new(
                        codes::INVALID_DURATION,
                        v.span,
                        format!("`{}` is not a duration", v.value),
                    )
                    .label("expected `m:ss` or `PT#M#S`")
                    .help("write the duration as `\"3:41\"` or `\"PT3M41S\"`"),
                );
                None
            }
        }
    }

    fn asset(&mut self, file: FileId, v: &Option<S<String>>) -> Option<Asset> {
        let v = v.as_ref()?;
        let path = self.path(file);
        Some(Asset {
            path: world::join(world::parent(&path), &v.value),
            written: v.clone(),
        })
    }

    // ----------------------------------------------------------------------------------
    // References
    // ----------------------------------------------------------------------------------

    fn reference(
        &mut self,
        v: &S<String>,
        set: RefSet,
        code: &'static crate::diag::Code,
        kind: &str,
        folder: &str,
    ) -> bool {
        let map = match set {
            RefSet::Imprints => &self.idx.imprints,
            RefSet::Clients => &self.idx.clients,
            RefSet::Dsps => &self.idx.dsps,
            RefSet::Releases => &self.idx.releases,
            RefSet::Contracts => &self.idx.contracts,
        };
        if map.contains_key(&v.value) {
            return true;
        }
        let mut known: Vec<&str> = map.keys().map(String::as_str).collect();
        if set == RefSet::Dsps {
            known.push("all");
        }
        let help = suggest::did_you_mean(&v.value, known)
            .unwrap_or_else(|| format!("correct the {kind} id, or add {folder}"));
        self.push(
            Diagnostic::new(code, v.span, format!("unknown {kind} `{}`", v.value))
                .label(format!("no such {kind}"))
                .help(help),
        );
        false
    }

    fn party_ref(&mut self, v: &S<String>, need_payee: bool) -> bool {
        match self.idx.parties.get(&v.value) {
            Some(&is_payee) => {
                if need_payee && !is_payee {
                    self.push(
                        Diagnostic::new(
                            codes::PARTY_NOT_PAYEE,
                            v.span,
                            format!(
                                "party `{}` has no `[payee]` table, so it cannot be paid",
                                v.value
                            ),
                        )
                        .label("not a payee")
                        .help(format!(
                            "add a `[payee]` table with `currency` to `parties/{}.toml`",
                            v.value
                        )),
                    );
                }
                true
            }
            None => {
                let mut known: Vec<&str> = self.idx.parties.keys().map(String::as_str).collect();
                known.sort_unstable();
                let help = suggest::did_you_mean(&v.value, known).unwrap_or_else(|| {
                    format!("correct the party id, or add `parties/{}.toml`", v.value)
                });
                self.push(
                    Diagnostic::new(
                        codes::UNKNOWN_PARTY,
                        v.span,
                        format!("unknown party `{}`", v.value),
                    )
                    .label("no such party")
                    .help(help),
                );
                false
            }
        }
    }

    fn parties_refs(&mut self, list: &[S<String>], need_payee: bool) -> Vec<S<String>> {
        let mut found = Vec::with_capacity(list.len());
        found.extend(
            list.iter()
                .filter(|p| self.party_ref(p, need_payee))
                .cloned(),
        );
        found
    }

    /// A tracklist entry: a recording id or an ISRC → the recording id.
    fn recording_ref(&mut self, v: &S<String>) -> Option<S<String>> {
        if self.idx.recordings.contains(&v.value) {
            return Some(v.clone());
        }
        if let Ok(isrc) = Isrc::parse(&v.value)
            && let Some(id) = self.idx.isrcs.get(isrc.as_str())
        {
            return Some(S::new(id.clone(), v.span));
        }
        let mut known: Vec<&str> = self.idx.recordings.iter().map(String::as_str).collect();
        known.sort_unstable();
        let help = suggest::did_you_mean(&v.value, known).unwrap_or_else(|| {
            format!(
                "correct the recording id or ISRC, or add `recordings/{}.toml`",
                v.value
            )
        });
        self.push(
            Diagnostic::new(
                codes::UNKNOWN_RECORDING,
                v.span,
                format!("unknown recording `{}`", v.value),
            )
            .label("no recording with this id or ISRC")
            .help(help),
        );
        None
    }

    // ----------------------------------------------------------------------------------
    // Entities
    // ----------------------------------------------------------------------------------

    fn label(&mut self) -> Option<crate::model::Label> {
        let item = self.syn.label.take()?;
        let file = item.file;
        let lf = item.value?;
        let l = &lf.label;
        let party_id = self.ident(
            &l.party_id,
            Dpid::parse,
            codes::INVALID_PARTY_ID,
            "DDEX party id",
        );
        let currency = self.currency(&l.currency);
        let country = self.country(&l.country);
        let language = l.language.as_ref().and_then(|v| self.language(v));
        let label = Some(Label {
            file,
            name: l.name.value.clone(),
            party_id: party_id?.value,
            currency: currency?,
            copyright_owner: l.copyright_owner.as_ref().map(|v| v.value.clone()),
            country,
            statement_period: l
                .statement_period
                .as_ref()
                .map_or(StatementPeriod::Quarterly, |s| s.value),
            language: language.map_or_else(|| "en".to_string(), |s| s.value),
        });
        self.syn.label = Some(Item {
            id: item.id,
            file,
            value: Some(lf),
        });
        label
    }

    #[allow(clippy::type_complexity)]
    fn label_parts(
        &mut self,
    ) -> (
        BTreeMap<String, Imprint>,
        BTreeMap<String, Client>,
        BTreeMap<String, S<TerritorySet>>,
    ) {
        let mut imprints = BTreeMap::new();
        let mut clients = BTreeMap::new();
        let mut groups = BTreeMap::new();
        let Some(lf) = self.syn.label.take().and_then(|l| l.value) else {
            return (imprints, clients, groups);
        };
        for (k, i) in lf.imprints.iter() {
            imprints.insert(
                k.value.clone(),
                Imprint {
                    id: k.clone(),
                    name: i.name.value.clone(),
                    copyright_owner: i.copyright_owner.as_ref().map(|v| v.value.clone()),
                },
            );
        }
        for (k, c) in lf.clients.iter() {
            let fee = self.share(&c.fee);
            self.party_ref(&c.payee, true);
            let party_id = c
                .party_id
                .as_ref()
                .and_then(|p| self.ident(p, Dpid::parse, codes::INVALID_PARTY_ID, "DDEX party id"));
            if let Some(fee) = fee {
                clients.insert(
                    k.value.clone(),
                    Client {
                        id: k.clone(),
                        name: c.name.value.clone(),
                        copyright_owner: c.copyright_owner.value.clone(),
                        fee: fee.value,
                        payee: c.payee.value.clone(),
                        party_id: party_id.map(|p| p.value),
                    },
                );
            }
        }
        for (k, _) in lf.territory_groups.iter() {
            if let Some(set) = self.idx.groups.get(&k.value) {
                groups.insert(k.value.clone(), S::new(*set, k.span));
            }
        }
        (imprints, clients, groups)
    }

    fn parties(&mut self) -> BTreeMap<String, Box<Party>> {
        let items = std::mem::take(&mut self.syn.parties);
        let mut out = Vec::new();
        for item in items {
            let Some(p) = item.value else {
                self.incomplete = true;
                continue;
            };
            let p = *p;
            let isni = p
                .isni
                .as_ref()
                .and_then(|v| self.ident(v, Isni::parse, codes::INVALID_ISNI, "ISNI"));
            let ipi = p.ipi.as_ref().map(|v| {
                self.ident(v, IpiName::parse, codes::INVALID_IPI, "IPI name number");
                v.value.replace([' ', '-', '.'], "")
            });
            let country = self.country(&p.country);
            let payee = p.payee.as_ref().and_then(|py| {
                let currency = self.currency(&py.currency)?;
                let minimum_payout = match &py.minimum_payout {
                    Some(m) => self.amount(m, Some(&currency))?.value,
                    None => Decimal::ZERO,
                };
                Some(Payee {
                    currency,
                    minimum_payout,
                    email: py.email.as_ref().map(|e| e.value.clone()),
                })
            });
            out.push((
                item.id.value.clone(),
                Box::new(Party {
                    id: item.id.clone(),
                    file: item.file,
                    name: p.name.value.clone(),
                    sort_name: p.sort_name.as_ref().map(|v| v.value.clone()),
                    kind: p.kind.as_ref().map(|k| k.value),
                    isni: isni.map(|i| i.value),
                    ipi,
                    country,
                    payee,
                }),
            ));
        }
        // Sorted input builds the map in bulk, without moving entities through node splits.
        out.into_iter().collect()
    }

    fn recordings(&mut self) -> BTreeMap<String, Box<Recording>> {
        let items = std::mem::take(&mut self.syn.recordings);
        let out = self.parallel(items, |r, item| r.recording(item));
        // Duplicates in declaration order, after the parallel part.
        let mut seen_isrc: FxHashMap<&str, (FileId, Span)> = FxHashMap::default();
        let mut dups = Vec::new();
        for (_, rec) in &out {
            match seen_isrc.get(rec.isrc.value.as_str()) {
                Some(&(file, span)) => dups.push((rec.isrc.clone(), file, span)),
                None => {
                    seen_isrc.insert(rec.isrc.value.as_str(), (rec.file, rec.isrc.span));
                }
            }
        }
        for (isrc, file, span) in dups {
            let first = self.path(file);
            self.push(
                Diagnostic::new(
                    codes::DUPLICATE_ISRC,
                    isrc.span,
                    format!("ISRC `{}` is also the ISRC of `{first}`", isrc.value),
                )
                .label("duplicate ISRC")
                .secondary(span, "first used here")
                .help("give each recording its own ISRC; to put one recording on two releases, reference the same recording file from both"),
            );
        }
        out.into_iter().collect()
    }

    fn recording(
        &mut self,
        item: Item<Box<crate::syntax::recording::TomlRecording>>,
    ) -> Option<(String, Box<Recording>)> {
        let Some(r) = item.value else {
            self.incomplete = true;
            return None;
        };
        let r = *r;
        let isrc = self.ident(&r.isrc, Isrc::parse, codes::INVALID_ISRC, "ISRC");
        let artists = self.parties_refs(&r.artist.0, false);
        if r.artist.0.is_empty() {
            self.push(
                Diagnostic::new(
                    codes::EMPTY_LIST,
                    r.title.span,
                    "the recording has no artist",
                )
                .help("set `artist` to the main artist's party id"),
            );
        }
        let featuring = self.parties_refs(&r.featuring.0, false);
        let duration = self.duration(&r.duration);
        let language = r.language.as_ref().and_then(|v| self.language(v));
        let p_line = self.copyright_line(&r.p_line);
        let iswc = r
            .iswc
            .as_ref()
            .and_then(|v| self.ident(v, Iswc::parse, codes::INVALID_ISWC, "ISWC"));
        let audio = self.asset(item.file, &r.audio);
        // Lists are allocated to their written length: 120,000 recordings hold them all.
        let mut credits = Vec::with_capacity(r.credits.len());
        for (party, roles) in r.credits.iter() {
            let ok = self.party_ref(party, false);
            let mut rs = Vec::with_capacity(roles.0.len());
            for role in &roles.0 {
                if ddex_avs::contains(ddex_avs::CONTRIBUTOR_ROLE, &role.value) {
                    rs.push(role.clone());
                } else {
                    // DDEX has no plain `Producer`: the studio producer is the usual meaning.
                    let help = if role.value.eq_ignore_ascii_case("producer") {
                        Some("did you mean `StudioProducer`? DDEX has no plain `Producer` role".to_string())
                    } else {
                        suggest::did_you_mean(&role.value, ddex_avs::CONTRIBUTOR_ROLE.iter().copied())
                    }
                    .unwrap_or_else(|| "use a DDEX ContributorRole such as `Composer`, `Lyricist`, `StudioProducer` or `MixingEngineer`".to_string());
                    self.push(
                        Diagnostic::new(
                            codes::INVALID_VALUE,
                            role.span,
                            format!("`{}` is not a DDEX contributor role", role.value),
                        )
                        .label("unknown role")
                        .help(help),
                    );
                }
            }
            if roles.0.is_empty() {
                self.push(
                    Diagnostic::new(
                        codes::EMPTY_LIST,
                        party.span,
                        format!("credit for `{}` has no role", party.value),
                    )
                    .label("no roles")
                    .help("list the party's roles, such as `[\"StudioProducer\"]`"),
                );
            }
            if ok {
                credits.push(Credit {
                    party: party.clone(),
                    roles: rs,
                });
            }
        }
        let rights = r.rights.as_ref().map(|rt| {
            let span = rt.territories.0.first().map_or(r.isrc.span, |t| t.span);
            Rights {
                territories: self.territories(&rt.territories, &rt.except, span),
                start: rt.start.clone(),
                end: rt.end.clone(),
            }
        });
        let mut splits = Vec::with_capacity(r.splits.len());
        for (key, shares) in r.splits.iter() {
            let scope = self.scope(key);
            let mut list = Vec::with_capacity(shares.len());
            let mut complete = !shares.had_errors;
            for (payee, share) in shares.iter() {
                let ok = self.party_ref(payee, true);
                match self.share(share) {
                    Some(s) if ok => list.push((payee.clone(), s)),
                    _ => complete = false,
                }
            }
            if let Some(scope) = scope {
                splits.push(SplitRule {
                    key: key.clone(),
                    scope,
                    shares: list,
                    complete,
                });
            }
        }
        if r.splits.had_errors {
            self.incomplete = true;
        }
        let (Some(isrc), Some(duration)) = (isrc, duration) else {
            self.incomplete = true;
            return None;
        };
        Some((
            item.id.value.clone(),
            Box::new(Recording {
                id: item.id.clone(),
                file: item.file,
                isrc,
                title: r.title,
                version: r.version,
                artists,
                featuring,
                display_artist: r.display_artist.as_ref().map(|d| d.value.clone()),
                duration_ms: duration,
                genre: r.genre,
                language,
                explicit: r.explicit,
                p_line,
                iswc,
                audio,
                credits,
                rights,
                splits,
                file_start: Span::new(item.file, 0..0),
            }),
        ))
    }

    fn releases(&mut self) -> BTreeMap<String, Box<Release>> {
        let items = std::mem::take(&mut self.syn.releases);
        let out = self.parallel(items, |r, item| r.release(item));
        // Duplicates in declaration order, compared on the 14-digit GTIN.
        let mut seen_upc: HashMap<String, (FileId, Span)> = HashMap::new();
        let mut dups = Vec::new();
        for (_, rel) in &out {
            match seen_upc.get(&rel.upc.value.gtin14()) {
                Some(&(file, span)) => dups.push((rel.upc.clone(), file, span)),
                None => {
                    seen_upc.insert(rel.upc.value.gtin14(), (rel.file, rel.upc.span));
                }
            }
        }
        for (upc, file, span) in dups {
            let first = self.path(file);
            self.push(
                Diagnostic::new(
                    codes::DUPLICATE_UPC,
                    upc.span,
                    format!("UPC `{}` is also the UPC of `{first}`", upc.value),
                )
                .label("duplicate UPC")
                .secondary(span, "first used here")
                .help("give each release its own UPC"),
            );
        }
        out.into_iter().collect()
    }

    fn release(
        &mut self,
        item: Item<Box<crate::syntax::release::TomlRelease>>,
    ) -> Option<(String, Box<Release>)> {
        let Some(r) = item.value else {
            self.incomplete = true;
            return None;
        };
        let r = *r;
        let upc = self.ident(&r.upc, Upc::parse, codes::INVALID_UPC, "UPC/EAN");
        let grid = r
            .grid
            .as_ref()
            .and_then(|v| self.ident(v, Grid::parse, codes::INVALID_GRID, "GRid"));
        let artists = self.parties_refs(&r.artist.0, false);
        let various = r.various_artists.as_ref().is_some_and(|v| v.value);
        if various && !r.artist.0.is_empty() {
            self.conflict(
                r.various_artists.as_ref().map_or(r.title.span, |v| v.span),
                "various-artists",
                "artist",
            );
        } else if !various && r.artist.0.is_empty() {
            self.push(
                Diagnostic::new(codes::MISSING_KEY, r.title.span, "the release has no `artist`")
                    .label("no artist")
                    .help("set `artist` to the main artist's party id, or `various-artists = true` for a compilation"),
            );
        }
        let owner = match (&r.imprint, &r.client) {
            (Some(i), Some(_)) => {
                self.conflict(i.span, "imprint", "client");
                Owner::Label
            }
            (Some(i), None) => {
                if !self.idx.label_broken {
                    self.reference(
                        i,
                        RefSet::Imprints,
                        codes::UNKNOWN_IMPRINT,
                        "imprint",
                        "it under `[imprints]` in `sleeve.toml`",
                    );
                }
                Owner::Imprint(i.value.clone())
            }
            (None, Some(c)) => {
                if !self.idx.label_broken {
                    self.reference(
                        c,
                        RefSet::Clients,
                        codes::UNKNOWN_CLIENT,
                        "client",
                        "it under `[clients]` in `sleeve.toml`",
                    );
                }
                Owner::Client(c.value.clone())
            }
            (None, None) => Owner::Label,
        };
        let p_line = self.copyright_line(&r.p_line);
        let c_line = self.copyright_line(&r.c_line);
        let artwork = self.asset(item.file, &r.artwork);

        let mut discs = Vec::new();
        if r.tracks.is_some() && !r.disc.is_empty() {
            let span = r.disc.first().map_or(r.title.span, |d| d.span);
            self.conflict(span, "disc", "tracks");
        }
        if r.disc.is_empty() {
            let (span, written) = match &r.tracks {
                Some(t) => (t.span, t.value.as_slice()),
                None => (r.title.span, &[][..]),
            };
            let tracks = written
                .iter()
                .filter_map(|t| self.recording_ref(t))
                .collect();
            discs.push(Disc {
                span,
                tracks,
                written: written.len(),
            });
        } else {
            for d in &r.disc {
                let written = &d.value.tracks;
                let tracks = written
                    .value
                    .iter()
                    .filter_map(|t| self.recording_ref(t))
                    .collect();
                discs.push(Disc {
                    span: written.span,
                    tracks,
                    written: written.value.len(),
                });
            }
        }

        let deals = r
            .deal
            .iter()
            .map(|d| self.deal(d, &r.release_date))
            .collect();

        let Some(upc) = upc else {
            self.incomplete = true;
            return None;
        };
        Some((
            item.id.value.clone(),
            Box::new(Release {
                id: item.id.clone(),
                file: item.file,
                upc,
                grid,
                catalog_number: r.catalog_number.as_ref().map(|c| c.value.clone()),
                title: r.title,
                version: r.version,
                kind: r.kind,
                artists,
                various_artists: various,
                display_artist: r.display_artist.as_ref().map(|d| d.value.clone()),
                owner,
                release_date: r.release_date,
                original_release_date: r.original_release_date,
                genre: r.genre,
                subgenre: r.subgenre.as_ref().map(|s| s.value.clone()),
                p_line,
                c_line,
                artwork,
                discs,
                deals,
            }),
        ))
    }

    fn conflict(&mut self, span: Span, a: &str, b: &str) {
        self.push(
            Diagnostic::new(
                codes::CONFLICTING_KEYS,
                span,
                format!("`{a}` and `{b}` cannot both be given"),
            )
            .label("conflicts")
            .help(format!("keep either `{a}` or `{b}`")),
        );
    }

    fn deal(&mut self, d: &S<TomlDeal>, release_date: &S<crate::model::date::Date>) -> Deal {
        let deal = &d.value;
        let mut dsps = Vec::new();
        for name in &deal.dsps.0 {
            if name.value == "all" {
                dsps.extend(self.idx.dsps.keys().map(|k| S::new(k.clone(), name.span)));
            } else {
                if self.reference(
                    name,
                    RefSet::Dsps,
                    codes::UNKNOWN_DSP,
                    "DSP",
                    "a profile in `dsps/`",
                ) {
                    dsps.push(name.clone());
                }
            }
        }
        dsps.sort();
        dsps.dedup_by(|a, b| a.value == b.value);
        for (list, what) in [
            (deal.dsps.0.is_empty(), "dsps"),
            (deal.territories.0.is_empty(), "territories"),
            (deal.models.0.is_empty(), "models"),
        ] {
            if list {
                self.push(
                    Diagnostic::new(
                        codes::EMPTY_LIST,
                        d.span,
                        format!("the deal's `{what}` is empty"),
                    )
                    .label("deal does nothing")
                    .help(format!(
                        "list at least one value in `{what}`, or remove the deal"
                    )),
                );
            }
        }
        let span = deal.territories.0.first().map_or(d.span, |t| t.span);
        let territories = self.territories(&deal.territories, &deal.except, span);
        if territories.set.is_empty() && !deal.territories.0.is_empty() && !deal.except.0.is_empty()
        {
            self.push(
                Diagnostic::new(
                    codes::EMPTY_LIST,
                    span,
                    "`except` removes every territory of the deal",
                )
                .label("no territory left")
                .help("narrow `except`, or remove the deal"),
            );
        }
        let mut uses: Vec<_> = if deal.uses.0.is_empty() {
            deal.models
                .0
                .iter()
                .flat_map(|m| m.value.default_uses().iter().copied())
                .collect()
        } else {
            deal.uses.0.iter().map(|u| u.value).collect()
        };
        uses.sort();
        uses.dedup();
        Deal {
            span: d.span,
            dsps,
            territories,
            models: deal.models.0.clone(),
            uses,
            uses_written: !deal.uses.0.is_empty(),
            start: deal.start.clone().unwrap_or_else(|| release_date.clone()),
            end: deal.end.clone(),
            price_tier: deal.price_tier.as_ref().map(|p| p.value.clone()),
            pre_order: deal.pre_order.clone(),
        }
    }

    fn contracts(&mut self, label_currency: Option<&str>) -> BTreeMap<String, Box<Contract>> {
        let items = std::mem::take(&mut self.syn.contracts);
        let mut out = Vec::new();
        for item in items {
            let Some(c) = item.value else {
                self.incomplete = true;
                continue;
            };
            let c = *c;
            let payee_ok = self.party_ref(&c.payee, true);
            let payee_currency = self
                .idx
                .payee_currency
                .get(&c.payee.value)
                .cloned()
                .or_else(|| label_currency.map(str::to_string));
            let mut releases = Vec::new();
            for r in &c.releases.0 {
                if self.reference(
                    r,
                    RefSet::Releases,
                    codes::UNKNOWN_RELEASE,
                    "release",
                    "its file in `releases/`",
                ) {
                    releases.push(r.clone());
                }
            }
            let recordings = c
                .recordings
                .0
                .iter()
                .filter_map(|r| self.recording_ref(r))
                .collect();
            let mut rates = Vec::new();
            for (key, channels) in c.rates.iter() {
                let scope = self.scope(key);
                let mut map = BTreeMap::new();
                for (ch, v) in [
                    (Channel::Stream, &channels.stream),
                    (Channel::Download, &channels.download),
                    (Channel::Physical, &channels.physical),
                    (Channel::Ugc, &channels.ugc),
                    (Channel::Sync, &channels.sync),
                ] {
                    if let Some(v) = v
                        && let Some(r) = self.share(v)
                    {
                        map.insert(ch, r);
                    }
                }
                if let Some(scope) = scope {
                    rates.push(RateRule {
                        key: key.clone(),
                        scope,
                        rates: map,
                    });
                }
            }
            if c.rates.is_empty() {
                self.push(
                    Diagnostic::new(
                        codes::EMPTY_LIST,
                        c.payee.span,
                        "the contract has no royalty rates",
                    )
                    .help("add a `[rates.default]` table, such as `stream = \"50%\"`"),
                );
            }
            let mut advances = Vec::new();
            for a in &c.advance {
                let currency = match &a.value.currency {
                    Some(cur) => self.currency(cur),
                    None => payee_currency.clone(),
                };
                if let Some(amount) = self.amount(&a.value.amount, currency.as_deref())
                    && let Some(currency) = currency
                {
                    advances.push(Advance {
                        amount,
                        currency,
                        date: a.value.date.value,
                        note: a.value.note.as_ref().map(|n| n.value.clone()),
                    });
                }
            }
            let mut recoup_with = Vec::new();
            for other in &c.recoup_with.0 {
                if self.reference(
                    other,
                    RefSet::Contracts,
                    codes::UNKNOWN_CONTRACT,
                    "contract",
                    "its file in `contracts/`",
                ) {
                    recoup_with.push(other.clone());
                }
            }
            let reserve = c.reserve.as_ref().and_then(|rs| {
                self.share(&rs.rate).map(|rate| Reserve {
                    rate,
                    periods: rs.periods.value,
                })
            });
            if !payee_ok {
                self.incomplete = true;
                continue;
            }
            out.push((
                item.id.value.clone(),
                Box::new(Contract {
                    id: item.id.clone(),
                    file: item.file,
                    payee: c.payee,
                    releases,
                    recordings,
                    basis: c
                        .basis
                        .as_ref()
                        .map_or(crate::syntax::contract::RoyaltyBasis::NetReceipts, |b| {
                            b.value
                        }),
                    start: c.start,
                    end: c.end,
                    rates,
                    advances,
                    recoup_with,
                    reserve,
                }),
            ));
        }
        // Sorted input builds the map in bulk, without moving entities through node splits.
        out.into_iter().collect()
    }

    fn invalid_value(&mut self, span: Span, msg: String, help: String) {
        self.push(
            Diagnostic::new(codes::INVALID_VALUE, span, msg)
                .label("not allowed here")
                .help(help),
        );
    }

    /// `royalties.toml`: exchange rates, report formats, matching.
    fn royalties(&mut self) -> RoyaltySettings {
        let mut out = RoyaltySettings::default();
        let Some(item) = self.syn.royalties.take() else {
            return out;
        };
        let Some(file) = item.value else {
            self.incomplete = true;
            return out;
        };
        let mut seen: HashMap<(String, String, Period), Span> = HashMap::new();
        for fx in &file.fx {
            let v = &fx.value;
            let from = self.currency(&v.from);
            let to = self.currency(&v.to);
            let period = Period::parse(&v.period.value);
            if period.is_none() {
                self.push(
                    Diagnostic::new(
                        codes::INVALID_PERIOD,
                        v.period.span,
                        format!("`{}` is not a statement period", v.period.value),
                    )
                    .label("not a period")
                    .help("write a quarter such as `\"2025-Q2\"` or a half-year such as `\"2025-H1\"`"),
                );
            }
            let rate = self.amount(&v.rate, None);
            if let Some(r) = &rate
                && r.value <= Decimal::ZERO
            {
                self.invalid_value(
                    r.span,
                    format!("an exchange rate must be positive, not `{}`", r.value),
                    "write units of `to` for one unit of `from`, such as `\"0.8575\"`".into(),
                );
                continue;
            }
            let (Some(from), Some(to), Some(period), Some(rate)) = (from, to, period, rate) else {
                continue;
            };
            if from == to {
                self.invalid_value(
                    v.to.span,
                    format!("a rate from `{from}` to itself"),
                    "remove this rate: amounts in the same currency are never converted".into(),
                );
                continue;
            }
            if let Some(first) = seen.insert((from.clone(), to.clone(), period), fx.span) {
                self.push(
                    Diagnostic::new(
                        codes::DUPLICATE_FX_RATE,
                        fx.span,
                        format!("a second `{from}` → `{to}` rate for {period}"),
                    )
                    .label("second rate")
                    .secondary(first, "first rate here")
                    .help("keep one rate per currency pair and period"),
                );
                continue;
            }
            out.fx.push(FxRate {
                from,
                to,
                period,
                rate: rate.value,
                source: v.source.as_ref().map(|s| s.value.clone()),
            });
        }
        for (key, f) in file.formats.iter() {
            self.check_key_id(key, "report format");
            let dsp_ok = self.reference(
                &f.dsp,
                RefSet::Dsps,
                codes::UNKNOWN_DSP,
                "DSP",
                "its profile in `dsps/`",
            );
            let delimiter = match f.delimiter.as_ref().map(|d| d.value.as_str()) {
                None | Some(",") => Some(b','),
                Some(";") => Some(b';'),
                Some("\t") | Some("tab") => Some(b'\t'),
                Some("|") => Some(b'|'),
                Some(other) => {
                    let span = f.delimiter.as_ref().map_or(key.span, |d| d.span);
                    self.invalid_value(
                        span,
                        format!("`{other}` is not a supported delimiter"),
                        "use `\",\"`, `\";\"`, `\"|\"` or `\"\\t\"` (tab)".into(),
                    );
                    None
                }
            };
            let decimal_comma = match f.decimal_separator.as_ref().map(|d| d.value.as_str()) {
                None | Some(".") => Some(false),
                Some(",") => Some(true),
                Some(other) => {
                    let span = f.decimal_separator.as_ref().map_or(key.span, |d| d.span);
                    self.invalid_value(
                        span,
                        format!("`{other}` is not a decimal separator"),
                        "use `\".\"` or `\",\"`".into(),
                    );
                    None
                }
            };
            let date_format = match &f.date_format {
                None => Some(DateFormat::YearMonth),
                Some(d) => {
                    let found = DateFormat::ALL
                        .iter()
                        .find(|(t, _)| *t == d.value)
                        .map(|(_, f)| *f);
                    if found.is_none() {
                        let names: Vec<&str> = DateFormat::ALL.iter().map(|(t, _)| *t).collect();
                        self.invalid_value(
                            d.span,
                            format!("`{}` is not a supported date format", d.value),
                            format!(
                                "use one of {}",
                                names
                                    .iter()
                                    .map(|n| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                    found
                }
            };
            let currency = match &f.currency {
                Some(c) => self.currency(c).map(Some),
                None => Some(None),
            };
            if f.currency.is_none() && f.columns.currency.is_none() {
                self.push(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        key.span,
                        format!("report format `{}` names no currency", key.value),
                    )
                    .help("add `currency = \"GBP\"` for the whole report, or `columns.currency` for a currency column"),
                );
            }
            let mut aliases = BTreeMap::new();
            for (alias, code) in f.territory_aliases.iter() {
                if let Some(i) = self.territory_code(code) {
                    aliases.insert(
                        alias.value.clone(),
                        iso::territory_code(i).unwrap_or_default().to_string(),
                    );
                }
            }
            let channel_of = |this: &mut Self, v: &S<String>| -> Option<Channel> {
                let c = Channel::parse(&v.value);
                if c.is_none() {
                    this.invalid_value(
                        v.span,
                        format!("`{}` is not a sales channel", v.value),
                        "use `stream`, `download`, `physical`, `ugc` or `sync`".into(),
                    );
                }
                c
            };
            let mut channels = BTreeMap::new();
            for (written, ch) in f.channels.iter() {
                if let Some(c) = channel_of(self, ch) {
                    channels.insert(written.value.clone(), c);
                }
            }
            let channel = f.channel.as_ref().and_then(|c| channel_of(self, c));
            if f.channel.is_none() && f.columns.usage.is_none() {
                self.push(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        key.span,
                        format!("report format `{}` names no sales channel", key.value),
                    )
                    .help("add `channel = \"stream\"` for the whole report, or `columns.use` with a `channels` table"),
                );
            }
            let c = &f.columns;
            let name = |v: &Option<S<String>>| v.as_ref().map(|s| s.value.clone());
            let columns = Columns {
                isrc: name(&c.isrc),
                upc: name(&c.upc),
                title: name(&c.title),
                artist: name(&c.artist),
                territory: c.territory.value.clone(),
                service: name(&c.service),
                usage: name(&c.usage),
                units: c.units.value.clone(),
                amount: c.amount.value.clone(),
                currency: name(&c.currency),
                date: c.date.value.clone(),
                transaction: name(&c.transaction),
            };
            if c.isrc.is_none() && c.upc.is_none() {
                self.push(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        key.span,
                        format!(
                            "report format `{}` has neither an ISRC nor a UPC column",
                            key.value
                        ),
                    )
                    .help("add `columns.isrc` (or `columns.upc`): lines are matched by them"),
                );
                continue;
            }
            let (true, Some(delimiter), Some(decimal_comma), Some(date_format), Some(currency)) =
                (dsp_ok, delimiter, decimal_comma, date_format, currency)
            else {
                continue;
            };
            if f.currency.is_none() && f.columns.currency.is_none() {
                continue;
            }
            out.formats.insert(
                key.value.clone(),
                ReportFormat {
                    id: key.value.clone(),
                    dsp: f.dsp.value.clone(),
                    files: f.files.value.clone(),
                    delimiter,
                    decimal_comma,
                    date_format,
                    currency,
                    negated: f
                        .sign
                        .as_ref()
                        .is_some_and(|s| s.value == crate::syntax::royalties::Sign::Negated),
                    territory_aliases: aliases,
                    channels,
                    channel,
                    columns,
                },
            );
        }
        out.fallback_title_artist = file
            .matching
            .as_ref()
            .and_then(|m| m.fallback.as_ref())
            .is_some_and(|f| f.value == crate::syntax::royalties::Fallback::TitleArtist);
        out
    }

    fn dsps(&mut self) -> BTreeMap<String, Box<Dsp>> {
        let items = std::mem::take(&mut self.syn.dsps);
        let mut out = Vec::new();
        for item in items {
            let Some(d) = item.value else {
                self.incomplete = true;
                continue;
            };
            let d = *d;
            let party_id = self.ident(
                &d.party_id,
                Dpid::parse,
                codes::INVALID_PARTY_ID,
                "DDEX party id",
            );
            let t = &d.transport;
            for secret in [&t.password, &t.private_key].into_iter().flatten() {
                self.push(
                    Diagnostic::new(
                        codes::SECRET_IN_CATALOGUE,
                        secret.span,
                        "a secret is written in the catalogue, which is kept in git",
                    )
                    .label("secret")
                    .help("remove it, rotate it, and name an environment variable instead: `password-env = \"SLEEVE_SFTP_PASSWORD\"` or `key-env = \"SLEEVE_SFTP_KEY\"`"),
                );
            }
            let transport = match t.kind.value {
                TransportKind::Folder => {
                    for (present, key) in [
                        (t.host.is_some(), "host"),
                        (t.user.is_some(), "user"),
                        (t.port.is_some(), "port"),
                    ] {
                        if present {
                            self.push(
                                Diagnostic::new(
                                    codes::CONFLICTING_KEYS,
                                    t.kind.span,
                                    format!("`{key}` is only used by the `sftp` transport"),
                                )
                                .label("folder transport")
                                .help(format!("remove `{key}`, or set `type = \"sftp\"`")),
                            );
                        }
                    }
                    Some(Transport::Folder {
                        path: t.path.value.clone(),
                    })
                }
                TransportKind::Sftp => {
                    let mut missing = false;
                    for (present, key) in [(t.host.is_some(), "host"), (t.user.is_some(), "user")] {
                        if !present {
                            missing = true;
                            self.push(
                                Diagnostic::new(
                                    codes::MISSING_KEY,
                                    t.kind.span,
                                    format!(
                                        "missing required key `{key}` for the `sftp` transport"
                                    ),
                                )
                                .help(format!("add `{key} = …` to `[transport]`")),
                            );
                        }
                    }
                    if t.key_env.is_none() && t.password_env.is_none() {
                        // ssh-agent is used; nothing to check.
                    }
                    (!missing).then(|| Transport::Sftp {
                        host: t.host.as_ref().map(|h| h.value.clone()).unwrap_or_default(),
                        port: t.port.as_ref().map_or(22, |p| p.value),
                        user: t.user.as_ref().map(|u| u.value.clone()).unwrap_or_default(),
                        path: t.path.value.clone(),
                        key_env: t.key_env.as_ref().map(|k| k.value.clone()),
                        password_env: t.password_env.as_ref().map(|k| k.value.clone()),
                        known_hosts: t.known_hosts.as_ref().map(|k| k.value.clone()),
                    })
                }
            };
            let mut deny = Vec::new();
            for code in &d.deny.0 {
                match codes::find(&code.value) {
                    Some(c) => deny.push(c),
                    None => {
                        let names = codes::ALL.iter().map(|c| c.name);
                        let help = suggest::did_you_mean(&code.value, names).unwrap_or_else(|| {
                            "use a diagnostic code such as `W0314` or its name".to_string()
                        });
                        self.push(
                            Diagnostic::new(
                                codes::INVALID_VALUE,
                                code.span,
                                format!("`{}` is not a diagnostic code", code.value),
                            )
                            .label("unknown code")
                            .help(help),
                        );
                    }
                }
            }
            let (Some(party_id), Some(transport)) = (party_id, transport) else {
                self.incomplete = true;
                continue;
            };
            out.push((
                item.id.value.clone(),
                Box::new(Dsp {
                    id: item.id.clone(),
                    file: item.file,
                    name: d.name.value.clone(),
                    party_id: party_id.value,
                    ern: d.ern.as_ref().map_or(ErnVersion::Ern43, |e| e.value),
                    delivery: d
                        .delivery
                        .as_ref()
                        .map_or(DeliveryMode::ReleaseByRelease, |e| e.value),
                    test: d.test.as_ref().is_some_and(|t| t.value),
                    transport,
                    deny,
                }),
            ));
        }
        // Sorted input builds the map in bulk, without moving entities through node splits.
        out.into_iter().collect()
    }
}

/// Milliseconds of `"3:41"`, `"1:02:03"`, `"3:41.5"` or ISO 8601 `"PT3M41S"` / `"PT1H2M3.5S"`
/// (with a day count before the time, `"P0DT0H3M41S"`, as some DDEX senders write it).
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some((days, time)) = s.strip_prefix('P').and_then(|r| r.split_once('D')) {
        if days.is_empty() || !days.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let days: u64 = days.parse().ok()?;
        let day_ms = days.checked_mul(86_400_000)?;
        if time.is_empty() {
            return (days > 0).then_some(day_ms);
        }
        // The time part, `T…`, read as `PT…`.
        return day_ms.checked_add(parse_duration(&format!("P{time}"))?);
    }
    if let Some(rest) = s.strip_prefix("PT") {
        let mut ms: u64 = 0;
        let mut num = String::new();
        let mut seen = false;
        for c in rest.chars() {
            match c {
                '0'..='9' | '.' => num.push(c),
                'H' | 'M' | 'S' => {
                    let unit: u64 = match c {
                        'H' => 3_600_000,
                        'M' => 60_000,
                        _ => 1000,
                    };
                    ms = ms.checked_add(part_ms(&num, unit, c == 'S')?)?;
                    num.clear();
                    seen = true;
                }
                _ => return None,
            }
        }
        return (seen && num.is_empty()).then_some(ms);
    }
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut ms: u64 = 0;
    let n = parts.len();
    for (i, p) in parts.iter().enumerate() {
        let last = i == n - 1;
        if p.is_empty() || (i > 0 && p.split('.').next().is_none_or(|w| w.len() != 2)) {
            return None;
        }
        let unit = match n - 1 - i {
            0 => 1000,
            1 => 60_000,
            _ => 3_600_000,
        };
        let v = part_ms(p, unit, last)?;
        if i > 0 && v >= unit * 60 {
            return None;
        }
        ms = ms.checked_add(v)?;
    }
    Some(ms)
}

fn part_ms(text: &str, unit: u64, fraction_allowed: bool) -> Option<u64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.is_empty()
        && (!fraction_allowed || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 3)
    {
        return None;
    }
    let w: u64 = whole.parse().ok()?;
    let f: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    w.checked_mul(unit)?.checked_add(f)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3:41"), Some(221_000));
        assert_eq!(parse_duration("PT3M41S"), Some(221_000));
        assert_eq!(parse_duration("PT1H2M3.5S"), Some(3_723_500));
        assert_eq!(parse_duration("1:02:03"), Some(3_723_000));
        assert_eq!(parse_duration("3:61"), None);
        assert_eq!(parse_duration("3 min"), None);
        assert_eq!(parse_duration("PT"), None);
        assert_eq!(parse_duration("P0DT0H4M2S"), Some(242_000));
        assert_eq!(parse_duration("P1D"), Some(86_400_000));
        assert_eq!(parse_duration("P1DT"), None);
        assert_eq!(parse_duration("PxD"), None);
        assert_eq!(parse_duration("P0D3M"), None);
    }
}
