//! Plan: what `apply` would deliver, as a pure diff of the build against the delivered state.
//!
//! The JSON form (`schemas/plan.schema.json`, `version` 1) is the contract CI bots read; the
//! human and markdown views are rendered from the same [`Plan`].

use crate::state::{State, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const PLAN_VERSION: u32 = 1;

/// What a change does at the DSP. The symbol is how people read it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// `+` first delivery of the release to this DSP.
    Deliver,
    /// `~` the release restated: metadata or deals changed, or the DSP rejected it.
    Update,
    /// `-` restated with no live deal: the DSP takes it down.
    Takedown,
    /// `!` a `PurgeReleaseMessage`: the release left the catalogue.
    Purge,
}

impl Action {
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Deliver => "+",
            Action::Update => "~",
            Action::Takedown => "-",
            Action::Purge => "!",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    pub action: Action,
    pub dsp: String,
    /// Release id in the catalogue (the last known one for a purge).
    pub release: String,
    pub upc: String,
    /// Hash of the message to send, without its header (empty for a purge).
    pub content_hash: String,
    /// Field-level differences from what the DSP has (updates and takedowns).
    pub fields: Vec<FieldChange>,
    /// Why, when not obvious (a rejection's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Hash of the inputs of the message (recorded with the delivery).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub input: String,
}

/// A saved plan. `apply` refuses it when `lineage`, `serial` or `catalogue` no longer match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Plan {
    pub version: u32,
    /// The state's lineage the plan was made against (absent: no state yet).
    pub lineage: Option<String>,
    /// The state's serial the plan was made against (0: no state yet).
    pub serial: u64,
    /// Hash of every catalogue file the plan was made from.
    pub catalogue: String,
    /// Sorted by DSP, then UPC.
    pub changes: Vec<Change>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One package the build would deliver.
#[derive(Debug, Clone)]
pub struct Intended {
    pub dsp: String,
    pub release: String,
    pub upc: String,
    pub content_hash: String,
    pub summary: Summary,
    /// Every deal has ended.
    pub takedown: bool,
    /// Hash of the message's inputs (see `Delivery::input`).
    pub input: String,
}

fn list_diff(field: &str, before: &[String], after: &[String], out: &mut Vec<FieldChange>) {
    if before == after {
        return;
    }
    let b: BTreeSet<&String> = before.iter().collect();
    let a: BTreeSet<&String> = after.iter().collect();
    let added: Vec<String> = a.difference(&b).map(|s| format!("+{s}")).collect();
    let removed: Vec<String> = b.difference(&a).map(|s| format!("-{s}")).collect();
    let after_text = if added.is_empty() && removed.is_empty() {
        "reordered".to_string()
    } else {
        added
            .into_iter()
            .chain(removed)
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(FieldChange {
        field: field.to_string(),
        before: format!("{} items", before.len()),
        after: after_text,
    });
}

/// Field-level differences between what a DSP has and what it would get.
pub fn field_changes(before: &Summary, after: &Summary) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (field, b, a) in [
        ("title", &before.title, &after.title),
        ("artist", &before.display_artist, &after.display_artist),
        ("release-date", &before.release_date, &after.release_date),
    ] {
        if b != a {
            out.push(FieldChange {
                field: field.to_string(),
                before: b.clone(),
                after: a.clone(),
            });
        }
    }
    list_diff("tracks", &before.tracks, &after.tracks, &mut out);
    list_diff(
        "territories",
        &before.territories,
        &after.territories,
        &mut out,
    );
    list_diff("deals", &before.deals, &after.deals, &mut out);
    out
}

/// Diff the intended packages against the state. `in_catalogue` says whether a release
/// (by id) still exists: a DSP that no deal names any more gets a takedown, a release that
/// left the catalogue gets a purge.
pub fn diff(
    prior: Option<&State>,
    intended: &[Intended],
    in_catalogue: &dyn Fn(&str) -> bool,
    catalogue_hash: &str,
) -> Plan {
    let mut changes = Vec::new();
    let empty = State::new(String::new());
    let state = prior.unwrap_or(&empty);
    let mut seen = BTreeSet::new();
    for p in intended {
        let key = format!("{}/{}", p.dsp, p.upc);
        seen.insert(key.clone());
        let change = |action, fields, reason| Change {
            action,
            dsp: p.dsp.clone(),
            release: p.release.clone(),
            upc: p.upc.clone(),
            content_hash: p.content_hash.clone(),
            fields,
            reason,
            input: p.input.clone(),
        };
        match state.deliveries.get(&key) {
            None => changes.push(change(Action::Deliver, Vec::new(), None)),
            Some(d) if d.purged => changes.push(change(Action::Deliver, Vec::new(), None)),
            Some(d) if d.status == crate::state::Status::Rejected => changes.push(change(
                Action::Update,
                field_changes(&d.summary, &p.summary),
                Some(format!(
                    "rejected by the DSP: {}",
                    d.reason.as_deref().unwrap_or("no reason given")
                )),
            )),
            Some(d) if d.content_hash == p.content_hash => {}
            Some(d) => {
                let action = if p.takedown && !d.taken_down {
                    Action::Takedown
                } else {
                    Action::Update
                };
                changes.push(change(action, field_changes(&d.summary, &p.summary), None));
            }
        }
    }
    for (key, d) in &state.deliveries {
        if seen.contains(key) || d.purged {
            continue;
        }
        if in_catalogue(&d.release) {
            if !d.taken_down {
                changes.push(Change {
                    action: Action::Takedown,
                    dsp: d.dsp.clone(),
                    release: d.release.clone(),
                    upc: d.upc.clone(),
                    content_hash: String::new(),
                    fields: vec![FieldChange {
                        field: "deals".into(),
                        before: format!("{} deals", d.summary.deals.len()),
                        after: "none for this DSP".into(),
                    }],
                    reason: None,
                    input: String::new(),
                });
            }
        } else {
            changes.push(Change {
                action: Action::Purge,
                dsp: d.dsp.clone(),
                release: d.release.clone(),
                upc: d.upc.clone(),
                content_hash: String::new(),
                fields: Vec::new(),
                reason: Some("the release is no longer in the catalogue".into()),
                input: String::new(),
            });
        }
    }
    changes.sort_by(|a, b| (&a.dsp, &a.upc).cmp(&(&b.dsp, &b.upc)));
    Plan {
        version: PLAN_VERSION,
        lineage: prior.map(|s| s.lineage.clone()),
        serial: prior.map_or(0, |s| s.serial),
        catalogue: catalogue_hash.to_string(),
        changes,
    }
}

/// The plan for people.
pub fn render_human(plan: &Plan) -> String {
    if plan.is_empty() {
        return "no changes: every DSP has what the catalogue says\n".to_string();
    }
    let mut out = String::new();
    let mut dsp = "";
    for c in &plan.changes {
        if c.dsp != dsp {
            dsp = &c.dsp;
            out.push_str(&format!("{dsp}:\n"));
        }
        out.push_str(&format!(
            "  {} {} {} ({})\n",
            c.action.symbol(),
            serde_json::to_value(c.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            c.release,
            c.upc
        ));
        for f in &c.fields {
            if f.before.ends_with(" items") || f.before.ends_with(" deals") {
                out.push_str(&format!("      {}: {}\n", f.field, f.after));
            } else {
                out.push_str(&format!(
                    "      {}: {:?} → {:?}\n",
                    f.field, f.before, f.after
                ));
            }
        }
        if let Some(r) = &c.reason {
            out.push_str(&format!("      reason: {r}\n"));
        }
    }
    out.push_str(&summary_line(plan));
    out
}

pub fn summary_line(plan: &Plan) -> String {
    let count = |a: Action| plan.changes.iter().filter(|c| c.action == a).count();
    format!(
        "plan: {} to deliver, {} to update, {} to take down, {} to purge\n",
        count(Action::Deliver),
        count(Action::Update),
        count(Action::Takedown),
        count(Action::Purge)
    )
}

/// The plan as a pull-request comment.
pub fn render_markdown(plan: &Plan) -> String {
    let mut out = String::from("### sleeve plan\n\n");
    if plan.is_empty() {
        out.push_str("No changes: every DSP has what the catalogue says.\n");
        return out;
    }
    out.push_str("| | DSP | Release | UPC | Changes |\n| --- | --- | --- | --- | --- |\n");
    for c in &plan.changes {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| {
                if f.before.ends_with(" items") || f.before.ends_with(" deals") {
                    format!("`{}`: {}", f.field, f.after)
                } else {
                    format!("`{}`: {} → {}", f.field, f.before, f.after)
                }
            })
            .chain(c.reason.iter().cloned())
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.action.symbol(),
            c.dsp,
            c.release,
            c.upc,
            fields.join("<br>").replace('|', "\\|")
        ));
    }
    out.push('\n');
    out.push_str(&summary_line(plan));
    out
}
