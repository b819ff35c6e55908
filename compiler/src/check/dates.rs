//! E0311 deal-ends-before-start, E0312 original-release-after-release,
//! E0323 contract-ends-before-start, E0327 pre-order-not-before-start.

use super::Scope;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Catalogue;

pub fn check(cat: &Catalogue, scope: Scope, diags: &mut Diagnostics) {
    for rel in scope.releases(cat) {
        if let Some(orig) = &rel.original_release_date
            && orig.value > rel.release_date.value
        {
            diags.push(
                Diagnostic::new(
                    codes::ORIGINAL_RELEASE_AFTER_RELEASE,
                    orig.span,
                    format!(
                        "`original-release-date` {} is after `release-date` {}",
                        orig.value, rel.release_date.value
                    ),
                )
                .label("after the release date")
                .secondary(rel.release_date.span, "release date")
                .help("correct one of the dates: the original release cannot be later than this release"),
            );
        }
        for deal in &rel.deals {
            if let Some(pre) = &deal.pre_order
                && pre.value >= deal.start.value
            {
                diags.push(
                    Diagnostic::new(
                        codes::PRE_ORDER_NOT_BEFORE_START,
                        pre.span,
                        format!(
                            "the pre-order starts on {} but the deal itself starts on {}",
                            pre.value, deal.start.value
                        ),
                    )
                    .label("not before the start")
                    .help("set `pre-order` before the deal's `start`, or remove it"),
                );
            }
            if let Some(end) = &deal.end
                && end.value < deal.start.value
            {
                diags.push(
                    Diagnostic::new(
                        codes::DEAL_ENDS_BEFORE_START,
                        end.span,
                        format!(
                            "the deal ends on {} but starts on {}",
                            end.value, deal.start.value
                        ),
                    )
                    .label("before the start")
                    .secondary(deal.start.span, "start")
                    .help("set `end` on or after `start`; both dates are inclusive"),
                );
            }
        }
    }
    for con in scope.contracts(cat) {
        if let Some(end) = &con.end
            && end.value < con.start.value
        {
            diags.push(
                Diagnostic::new(
                    codes::CONTRACT_ENDS_BEFORE_START,
                    end.span,
                    format!(
                        "the contract ends on {} but starts on {}",
                        end.value, con.start.value
                    ),
                )
                .label("before the start")
                .secondary(con.start.span, "start")
                .help("correct `start` or `end`"),
            );
        }
    }
}
