//! The royalty ledger: balances carried between periods, open suspense, the report hashes
//! already accounted, and each run's facts and statements. Kept in the catalogue's git
//! repository under `refs/sleeve/ledger/<path>`, beside the delivery state; one commit per run.
//!
//! Tree: `balances.json` (after the last run), `before.json` (before it, for `--replace`),
//! and `periods/<period>/` with `run.json`, `facts.csv`, `statements.json`, `suspense.json`.

use super::facts::Fact;
use super::statement::Balances;
use crate::state::git::{StateError, StateRepo};
use git2::Oid;
use std::path::Path;

/// Why the ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the ledger's `{file}` is not readable: {why}")]
    Corrupt { file: String, why: String },
}

impl LedgerError {
    pub fn help(&self) -> String {
        match self {
            LedgerError::State(e) => e.help(),
            LedgerError::Corrupt { .. } => "inspect the ledger with `git log refs/sleeve/ledger/...`; restore a good commit with `git update-ref`".into(),
        }
    }
}

pub struct Ledger {
    pub repo: StateRepo,
}

/// The ledger as of its last commit.
pub struct Head {
    pub commit: Option<Oid>,
    pub balances: Balances,
    /// Balances before the last run (for `--replace`).
    pub before: Option<Balances>,
}

impl Ledger {
    pub fn open(catalogue: &Path) -> Result<Ledger, LedgerError> {
        Ok(Ledger {
            repo: StateRepo::open(catalogue)?,
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        commit: Oid,
        file: &str,
    ) -> Result<Option<T>, LedgerError> {
        match self.repo.file_at(commit, file)? {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| LedgerError::Corrupt {
                        file: file.to_string(),
                        why: e.to_string(),
                    })
            }
        }
    }

    pub fn head(&self) -> Result<Head, LedgerError> {
        let Some(commit) = self.repo.head_of(&self.repo.ledger_ref)? else {
            return Ok(Head {
                commit: None,
                balances: Balances {
                    version: 1,
                    ..Default::default()
                },
                before: None,
            });
        };
        let balances: Balances =
            self.json(commit, "balances.json")?
                .ok_or_else(|| LedgerError::Corrupt {
                    file: "balances.json".into(),
                    why: "missing".into(),
                })?;
        if balances.version != 1 {
            return Err(LedgerError::Corrupt {
                file: "balances.json".into(),
                why: format!("version {} is not 1", balances.version),
            });
        }
        let before = self.json(commit, "before.json")?;
        Ok(Head {
            commit: Some(commit),
            balances,
            before,
        })
    }

    /// A file of the last run of `period`.
    pub fn period_file(&self, period: &str, file: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        let Some(commit) = self.repo.head_of(&self.repo.ledger_ref)? else {
            return Ok(None);
        };
        Ok(self
            .repo
            .file_at(commit, &format!("periods/{period}/{file}"))?)
    }

    /// Record a run: one commit, moved from `parent` by compare-and-swap.
    pub fn record(
        &self,
        parent: Option<Oid>,
        before: &Balances,
        after: &Balances,
        period: &str,
        files: Vec<(String, Vec<u8>)>,
        message: &str,
    ) -> Result<Oid, LedgerError> {
        let mut all = vec![
            ("balances.json".to_string(), pretty(after)),
            ("before.json".to_string(), pretty(before)),
        ];
        for (name, bytes) in files {
            all.push((format!("periods/{period}/{name}"), bytes));
        }
        Ok(self
            .repo
            .commit_files(&self.repo.ledger_ref, parent, &all, message)?)
    }
}

fn pretty<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

/// Facts as CSV, header first.
pub fn facts_csv(facts: &[Fact]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for f in facts {
        let _ = w.serialize(f);
    }
    w.into_inner().unwrap_or_default()
}

/// The facts of every period in the ledger from `from` to `to` (inclusive, statement period
/// names such as `2025-Q1`; `None` for open ends), in period order.
pub fn read_facts(
    catalogue: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<Fact>, LedgerError> {
    let ledger = Ledger::open(catalogue)?;
    let head = ledger.head()?;
    let mut out = Vec::new();
    let key = |p: &str| crate::model::period::Period::parse(p);
    for period in &head.balances.periods {
        let k = key(period);
        if from.is_some_and(|f| key(f) > k) || to.is_some_and(|t| key(t) < k) {
            continue;
        }
        let Some(bytes) = ledger.period_file(period, "facts.csv")? else {
            continue;
        };
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        for row in r.deserialize::<Fact>() {
            out.push(row.map_err(|e| LedgerError::Corrupt {
                file: format!("periods/{period}/facts.csv"),
                why: e.to_string(),
            })?);
        }
    }
    Ok(out)
}
