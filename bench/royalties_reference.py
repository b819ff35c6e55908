#!/usr/bin/env python3
"""The royalties benchmark job in plain Python, line by line: the reference the Polars and
DuckDB scripts are checked against (on small files; it is far too slow for the benchmark).

Usage: royalties_reference.py RATES_CSV REPORT_TSV     → JSON totals on stdout

The job (docs/benchmarks.md, "Royalties"; what `sleeve royalties` implements):
1. Summaries (SY01.01): pool P = NetRevenue in minor units. Usage lines (SU02): weight
   w = NumberOfStreams, summary by SummaryRecordId, ISRC by the AS02.02 record of the line's
   block with that ResourceReference.
2. Pool → lines by largest remainder over w (ties to the earlier line in the file).
3. Rates (rates.csv from `sleeve build`): rows for (isrc, territory) if there are any, else
   (isrc, "*"); channel `stream` for OnDemandStream. No row, or a row with an empty contract:
   the whole line is suspense.
4. Line gross → [net, fee] by largest remainder over (1 − fee, fee), ties to net; net →
   [payee 1 … payee n, label] over (share 1 … share n, 1 − Σ share), ties to the earlier.
5. Totals per payee, label (its share + fees), suspense; sums per payee × territory × service.
"""
import csv
import json
import sys
from decimal import Decimal

CHANNELS = {"OnDemandStream": "stream"}


def allocate(pool, weights):
    """Largest remainder: parts summing to pool exactly; ties to the earlier weight."""
    if pool < 0:
        return [-p for p in allocate(-pool, weights)]
    total = sum(weights)
    if total == 0:
        if pool != 0:
            raise ValueError(f"{pool} to share over zero weights")
        return [0] * len(weights)
    parts = [pool * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(pool * weights[i] % total), i))
    for i in order[: pool - sum(parts)]:
        parts[i] += 1
    return parts


def units(text, scale):
    """An exact decimal string as an integer of 10^-scale units."""
    d = Decimal(text) * (10**scale)
    if d != d.to_integral_value():
        raise ValueError(f"{text} has more than {scale} decimals")
    return int(d)


def money(minor):
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def main(rates_path, report_path):
    rates = {}  # (isrc, territory) → [row] for channel stream
    with open(rates_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["channel"] == "stream":
                rates.setdefault((row["isrc"], row["territory"]), []).append(row)
    scale = max(
        (len(v.partition(".")[2]) for rows in rates.values() for r in rows for v in (r["share"], r["fee"])),
        default=0,
    )
    one = 10**scale

    summaries, lines, resources = {}, [], {}
    with open(report_path, encoding="utf-8") as f:
        for raw in f:
            c = raw.rstrip("\n").split("\t")
            if c[0] == "SY01.01":
                summaries[c[1]] = dict(
                    use=c[5], territory=c[6], service=c[7], currency=c[10], pool=units(c[11], 2)
                )
            elif c[0] == "AS02.02":
                resources[(c[1], c[2])] = c[4]
            elif c[0] == "SU02":
                lines.append((c[2], resources[(c[1], c[5])], int(c[7])))

    by_summary = {}
    for i, (s, _, w) in enumerate(lines):
        by_summary.setdefault(s, []).append(i)
    gross = [0] * len(lines)
    for s, idx in by_summary.items():
        for i, g in zip(idx, allocate(summaries[s]["pool"], [lines[i][2] for i in idx])):
            gross[i] = g

    payees, cells = {}, {}
    label = fees = suspense = 0
    for (s, isrc, _), g in zip(lines, gross):
        sm = summaries[s]
        channel = CHANNELS.get(sm["use"])
        rows = rates.get((isrc, sm["territory"])) or rates.get((isrc, "*"))
        if channel != "stream" or not rows or any(r["contract"] == "" for r in rows):
            suspense += g
            continue
        fee_w = units(rows[0]["fee"], scale)
        net, fee = allocate(g, [one - fee_w, fee_w])
        shares = [units(r["share"], scale) for r in rows]
        parts = allocate(net, shares + [one - sum(shares)])
        for r, p in zip(rows, parts):
            payees[r["payee"]] = payees.get(r["payee"], 0) + p
            key = (r["payee"], sm["territory"], sm["service"])
            cells[key] = cells.get(key, 0) + p
        label += parts[-1]
        fees += fee
    total = sum(s["pool"] for s in summaries.values())
    assert total == sum(payees.values()) + label + fees + suspense
    return {
        "payees": {p: money(v) for p, v in sorted(payees.items())},
        "label": money(label + fees),
        "label_share": money(label),
        "fees": money(fees),
        "suspense": money(suspense),
        "gross": money(total),
        "aggregate_rows": len(cells),
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, indent=1)
    print()
