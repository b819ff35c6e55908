#!/usr/bin/env python3
"""The royalties benchmark job in DuckDB (2 threads, exact): see royalties_reference.py for
the job, line by line. Money is read as DECIMAL and computed in integer minor units (pence);
shares and fees as DECIMAL at the table's own scale, then integers of 10^-scale.

Usage: royalties_duckdb.py RATES_CSV REPORT_TSV     → JSON totals on stdout
"""
import json
import sys

import duckdb


def money(minor):
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def lit(text):
    return "'" + text.replace("'", "''") + "'"


def main(rates_path, report_path):
    db = duckdb.connect()
    db.execute("SET threads = 2")
    db.execute("SET preserve_insertion_order = true")  # file order: the tie-break of step 2

    # --- the report: every line, the cells the job needs ----------------------------------
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(12))
    db.execute(
        f"""
        CREATE TEMP TABLE raw AS
        SELECT c0, c1, c2, c4, c5, c6, c7, c10, c11
        FROM read_csv({lit(report_path)}, delim = '\t', header = false, quote = '', escape = '',
                      columns = {{{cols}}}, null_padding = true, ignore_errors = false,
                      auto_detect = false, strict_mode = false)
        """
    )
    # rowid of `lines` = order in the file (insertion order is preserved)
    db.execute(
        """
        CREATE TEMP TABLE lines AS
        SELECT c1 AS block, c2 AS summary, c5 AS res, CAST(c7 AS BIGINT) AS w
        FROM raw WHERE c0 = 'SU02'
        """
    )
    db.execute(
        "CREATE TEMP TABLE res AS SELECT c1 AS block, c2 AS res, c4 AS isrc FROM raw WHERE c0 = 'AS02.02'"
    )
    db.execute(
        """
        CREATE TEMP TABLE sy AS
        SELECT c1 AS summary, c6 AS territory, c7 AS service, c10 AS currency,
               CASE WHEN c5 = 'OnDemandStream' THEN 'stream' END AS channel,
               c11 AS revenue,
               CAST(CAST(c11 AS DECIMAL(18, 2)) * 100 AS BIGINT) AS pool
        FROM raw WHERE c0 = 'SY01.01'
        """
    )
    db.execute("DROP TABLE raw")
    if db.execute("SELECT count(DISTINCT currency) FROM sy").fetchone()[0] != 1:
        raise SystemExit("one currency per report expected")
    bad = db.execute(
        r"SELECT revenue FROM sy WHERE NOT regexp_full_match(revenue, '-?[0-9]+(\.[0-9]{1,2})?')"
    ).fetchall()
    if bad:
        raise SystemExit(f"NetRevenue not a 2-decimal amount: {bad}")

    # --- rates: stream rows, shares and fee as integers of 10^-scale ----------------------
    db.execute(
        f"""
        CREATE TEMP TABLE rates_raw AS
        SELECT * FROM read_csv({lit(rates_path)}, header = true, all_varchar = true)
        WHERE channel = 'stream'
        """
    )
    scale = db.execute(
        """SELECT coalesce(max(greatest(length(split_part(share, '.', 2)),
                                       length(split_part(fee, '.', 2)))), 0)
           FROM rates_raw"""
    ).fetchone()[0]
    one = 10**scale
    db.execute(
        f"""
        CREATE TEMP TABLE rates AS
        SELECT isrc, territory, payee, rowid AS pos, coalesce(contract, '') = '' AS no_contract,
               CAST(CAST(share AS DECIMAL(18, {scale})) * {one} AS BIGINT) AS share,
               CAST(CAST(fee AS DECIMAL(18, {scale})) * {one} AS BIGINT) AS fee
        FROM rates_raw
        """
    )
    db.execute(
        """
        CREATE TEMP TABLE sets AS
        SELECT isrc, territory, first(fee ORDER BY pos) AS fee, bool_or(no_contract) AS no_contract,
               sum(share) AS shares
        FROM rates GROUP BY isrc, territory
        """
    )
    if db.execute(f"SELECT count(*) FROM sets WHERE shares > {one}").fetchone()[0]:
        raise SystemExit("shares over 100 %")

    # --- pool → lines (largest remainder, ties to the earlier line), rate lookup -----------
    db.execute(
        """
        CREATE TEMP TABLE gross AS
        WITH l AS (
            SELECT l.rowid AS line, l.summary, l.w, r.isrc, s.territory, s.service, s.channel,
                   abs(s.pool) AS a, sign(s.pool) AS sg,
                   sum(l.w) OVER (PARTITION BY l.summary) AS total
            FROM lines l JOIN sy s USING (summary)
            LEFT JOIN res r ON r.block = l.block AND r.res = l.res
        ), q AS (
            SELECT *, a * w // total AS q, a * w % total AS r FROM l
        ), k AS (
            SELECT *, a - sum(q) OVER (PARTITION BY summary) AS leftover,
                   row_number() OVER (PARTITION BY summary ORDER BY r DESC, line) AS rank
            FROM q
        )
        SELECT k.line, k.isrc, k.territory, k.service,
               sg * (q + CASE WHEN rank <= leftover THEN 1 ELSE 0 END) AS gross,
               CASE WHEN x.isrc IS NOT NULL THEN k.territory ELSE '*' END AS key,
               coalesce(k.channel, '') <> 'stream' AS not_stream
        FROM k LEFT JOIN sets x ON x.isrc = k.isrc AND x.territory = k.territory
        """
    )
    db.execute(
        """
        CREATE TEMP TABLE paid AS
        SELECT g.line, g.isrc, g.key, g.territory, g.service, g.gross, x.fee,
               x.fee IS NULL OR x.no_contract OR g.not_stream AS suspense
        FROM gross g LEFT JOIN sets x ON x.isrc = g.isrc AND x.territory = g.key
        """
    )
    suspense = db.execute("SELECT coalesce(sum(gross), 0) FROM paid WHERE suspense").fetchone()[0]

    # --- gross → [net, fee] (ties to net: two parts, no ranking), net → payees + label ------
    db.execute(
        f"""
        CREATE TEMP TABLE nets AS
        WITH f AS (
            SELECT *, abs(gross) AS a, sign(gross) AS sg,
                   abs(gross) * fee // {one} AS fq, abs(gross) * fee % {one} AS fr,
                   abs(gross) * ({one} - fee) // {one} AS nq, abs(gross) * ({one} - fee) % {one} AS nr
            FROM paid WHERE NOT suspense
        )
        SELECT line, isrc, key, territory, service,
               sg * (fq + CASE WHEN a - fq - nq = 1 AND fr > nr THEN 1 ELSE 0 END) AS fee_amt,
               gross - sg * (fq + CASE WHEN a - fq - nq = 1 AND fr > nr THEN 1 ELSE 0 END) AS net
        FROM f
        """
    )
    fees = db.execute("SELECT coalesce(sum(fee_amt), 0) FROM nets").fetchone()[0]
    db.execute(
        f"""
        CREATE TEMP TABLE parts AS
        WITH p AS (
            SELECT n.line, n.territory, n.service, n.net, r.payee, r.pos, r.share
            FROM nets n JOIN rates r ON r.isrc = n.isrc AND r.territory = n.key
            UNION ALL
            SELECT n.line, n.territory, n.service, n.net, NULL, 9223372036854775807, {one} - x.shares
            FROM nets n JOIN sets x ON x.isrc = n.isrc AND x.territory = n.key
        ), q AS (
            SELECT *, abs(net) AS a, sign(net) AS sg,
                   abs(net) * share // {one} AS q, abs(net) * share % {one} AS r
            FROM p
        ), k AS (
            SELECT *, a - sum(q) OVER (PARTITION BY line) AS leftover,
                   row_number() OVER (PARTITION BY line ORDER BY r DESC, pos) AS rank
            FROM q
        )
        SELECT payee, territory, service,
               sg * (q + CASE WHEN rank <= leftover THEN 1 ELSE 0 END) AS part
        FROM k
        """
    )
    label = db.execute("SELECT coalesce(sum(part), 0) FROM parts WHERE payee IS NULL").fetchone()[0]
    totals = db.execute(
        "SELECT payee, sum(part) FROM parts WHERE payee IS NOT NULL GROUP BY payee ORDER BY payee"
    ).fetchall()
    cells = db.execute(
        """SELECT count(*) FROM (SELECT payee, territory, service, sum(part)
                                 FROM parts WHERE payee IS NOT NULL
                                 GROUP BY payee, territory, service)"""
    ).fetchone()[0]
    gross = db.execute("SELECT sum(pool) FROM sy").fetchone()[0]
    label, fees, suspense = int(label), int(fees), int(suspense)
    assert gross == sum(int(v) for _, v in totals) + label + fees + suspense, "units created or lost"
    return {
        "payees": {p: money(int(v)) for p, v in sorted(totals)},
        "label": money(label + fees),
        "label_share": money(label),
        "fees": money(fees),
        "suspense": money(suspense),
        "gross": money(int(gross)),
        "aggregate_rows": cells,
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, indent=1)
    print()
