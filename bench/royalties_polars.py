#!/usr/bin/env python3
"""The royalties benchmark job in Polars (2 threads, exact): see royalties_reference.py for
the job, line by line. Money is read as Decimal columns and computed in integer minor units
(pence); shares and fees as Decimal at the table's own scale, then integers of 10^-scale.

Usage: royalties_polars.py RATES_CSV REPORT_TSV     → JSON totals on stdout
"""
import os

os.environ.setdefault("POLARS_MAX_THREADS", "2")

import json  # noqa: E402
import sys  # noqa: E402

import polars as pl  # noqa: E402

I64 = pl.Int64


def money(minor):
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def largest_remainder(df, pool, weight, group, order):
    """Add `part`: `pool` (one value per group) split over `weight` in each `group`; the
    leftover units go to the largest remainders, ties to the smaller `order`. Negative pools
    are the negated split of their absolute value.

    Vectorised over one sort (group, remainder descending, order) instead of window
    expressions: `over` with a million small groups (one per line) is slow in Polars. Sums and
    ranks within a group come from running sums and the index of the group's first row."""
    df = df.with_columns(_a=pl.col(pool).abs(), _s=pl.col(pool).sign())
    df = (
        df.join(df.group_by(group).agg(_w=pl.col(weight).sum()), on=group, how="left")
        .with_columns(
            _q=pl.col("_a") * pl.col(weight) // pl.col("_w"),
            _r=pl.col("_a") * pl.col(weight) % pl.col("_w"),
        )
        .sort([group, "_r", *([order] if isinstance(order, str) else order)],
              descending=[False, True] + [False] * (1 if isinstance(order, str) else len(order)))
        .with_row_index("_i")
    )
    first = pl.col(group) != pl.col(group).shift(1)
    last = pl.col(group) != pl.col(group).shift(-1)
    cq = pl.col("_q").cum_sum()
    df = df.with_columns(
        _start=pl.when(first.fill_null(True)).then(pl.col("_i")).forward_fill(),
        _given=pl.when(last.fill_null(True)).then(cq).backward_fill()
        - pl.when(first.fill_null(True)).then(cq - pl.col("_q")).forward_fill(),
    )
    return df.with_columns(
        part=pl.col("_s")
        * (pl.col("_q") + ((pl.col("_i") - pl.col("_start")) < (pl.col("_a") - pl.col("_given"))).cast(I64)),
    ).drop("_a", "_s", "_w", "_q", "_r", "_i", "_start", "_given")


def main(rates_path, report_path):
    # --- the report: one scan, three record kinds -------------------------------------
    src = pl.scan_csv(
        report_path,
        separator="\t",
        has_header=False,
        quote_char=None,
        schema={f"c{i}": pl.String for i in range(12)},
        truncate_ragged_lines=True,
        extra_columns="ignore",
        empty_string_is_null=False,
        row_index_name="row",
    )
    kind = pl.col("c0")
    lines_q = src.filter(kind == "SU02").select(
        "row", block="c1", summary="c2", res="c5", w=pl.col("c7").cast(I64)
    )
    res_q = src.filter(kind == "AS02.02").select(block="c1", res="c2", isrc="c4")
    sy_q = src.filter(kind == "SY01.01").select(
        summary="c1",
        use="c5",
        territory="c6",
        service="c7",
        currency="c10",
        revenue=pl.col("c11"),
    )
    lines, res, sy = pl.collect_all([lines_q, res_q, sy_q])

    if sy["currency"].n_unique() != 1:
        raise SystemExit("one currency per report expected")
    bad = sy.filter(~pl.col("revenue").str.contains(r"^-?[0-9]+(\.[0-9]{1,2})?$"))
    if bad.height:
        raise SystemExit(f"NetRevenue not a 2-decimal amount: {bad['revenue'].to_list()}")
    sy = sy.with_columns(
        pool=(pl.col("revenue").str.to_decimal(scale=2) * 100).cast(I64),
        channel=pl.when(pl.col("use") == "OnDemandStream").then(pl.lit("stream")),
    ).drop("revenue", "use", "currency")

    # --- rates: stream rows, shares and fee as integers of 10^-scale ----------------------
    rates = pl.read_csv(
        rates_path, infer_schema=False, empty_string_is_null=False
    ).filter(pl.col("channel") == "stream")
    frac = lambda c: pl.col(c).str.split_exact(".", 1).struct.field("field_1").str.len_chars()  # noqa: E731
    scale = int(rates.select(pl.max_horizontal(frac("share").max(), frac("fee").max())).item() or 0)
    one = 10**scale
    rates = rates.with_row_index("pos").select(
        "isrc",
        "territory",
        "payee",
        "pos",
        no_contract=pl.col("contract") == "",
        share=(pl.col("share").str.to_decimal(scale=scale) * one).cast(I64),
        fee=(pl.col("fee").str.to_decimal(scale=scale) * one).cast(I64),
    )
    sets = rates.group_by("isrc", "territory").agg(
        fee=pl.col("fee").first(),
        no_contract=pl.col("no_contract").any(),
        shares=pl.col("share").sum(),
    )
    if sets.filter(pl.col("shares") > one).height:
        raise SystemExit("shares over 100 %")

    # --- pool → lines ----------------------------------------------------------------------
    lines = lines.join(res, on=["block", "res"], how="left").join(sy, on="summary", how="left")
    lines = largest_remainder(lines, "pool", "w", "summary", "row").rename({"part": "gross"})

    # --- rate lookup: (isrc, territory) rows, else (isrc, "*") -------------------------------
    exact = sets.select("isrc", "territory", _exact=pl.lit(True))
    lines = (
        lines.join(exact, on=["isrc", "territory"], how="left")
        .with_columns(key=pl.when(pl.col("_exact")).then(pl.col("territory")).otherwise(pl.lit("*")))
        .join(
            sets.rename({"territory": "key"}), on=["isrc", "key"], how="left"
        )
        .with_columns(
            suspense=(pl.col("channel") != "stream").fill_null(True)
            | pl.col("fee").is_null()
            | pl.col("no_contract").fill_null(False)
        )
    )
    suspense = int(lines.filter("suspense")["gross"].sum())
    paid = lines.filter(~pl.col("suspense")).select(
        "row", "isrc", "key", "territory", "service", "gross", "fee"
    )

    # --- gross → [net, fee], ties to net: two parts, so no ranking needed ---------------------
    a, s = pl.col("gross").abs(), pl.col("gross").sign()
    fq, fr = a * pl.col("fee") // one, a * pl.col("fee") % one
    nq, nr = a * (one - pl.col("fee")) // one, a * (one - pl.col("fee")) % one
    paid = paid.with_columns(
        fee_amt=s * (fq + ((a - fq - nq == 1) & (fr > nr)).cast(I64)),
    ).with_columns(net=pl.col("gross") - pl.col("fee_amt"))
    fees = int(paid["fee_amt"].sum())

    # --- net → payees (row order) + label (last) -------------------------------------------
    parts = paid.select("row", "isrc", "key", "territory", "service", "net").join(
        rates.rename({"territory": "key"}).select("isrc", "key", "payee", "pos", "share"),
        on=["isrc", "key"],
        how="inner",
    )
    label_rows = (
        paid.select("row", "territory", "service", "net", "isrc", "key")
        .join(sets.rename({"territory": "key"}).select("isrc", "key", "shares"), on=["isrc", "key"])
        .select(
            "row",
            "territory",
            "service",
            "net",
            payee=pl.lit(None, pl.String),
            pos=pl.lit(2**32 - 1, pl.UInt32),
            share=one - pl.col("shares"),
        )
    )
    parts = pl.concat(
        [parts.select("row", "territory", "service", "net", "payee", pl.col("pos").cast(pl.UInt32), "share"), label_rows]
    )
    parts = largest_remainder(parts, "net", "share", "row", ["row", "pos"])

    label = int(parts.filter(pl.col("payee").is_null())["part"].sum())
    payee_parts = parts.filter(pl.col("payee").is_not_null())
    totals = payee_parts.group_by("payee").agg(pl.col("part").sum()).sort("payee")
    cells = payee_parts.group_by("payee", "territory", "service").agg(pl.col("part").sum())
    gross = int(sy["pool"].sum())
    paid_total = int(totals["part"].sum())
    assert gross == paid_total + label + fees + suspense, "units created or lost"
    return {
        "payees": {p: money(int(v)) for p, v in totals.iter_rows()},
        "label": money(label + fees),
        "label_share": money(label),
        "fees": money(fees),
        "suspense": money(suspense),
        "gross": money(gross),
        "aggregate_rows": cells.height,
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, indent=1)
    print()
