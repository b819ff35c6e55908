#!/usr/bin/env bash
# Benchmark `sleeve royalties` against Polars and DuckDB (their Python packages, 2 threads,
# exact decimals) on the same DSR files and the same job: read the report, match usage lines
# to recordings by ISRC, allocate each summary's revenue to its lines, apply splits, rates
# and fees, aggregate per payee × territory × service (docs/benchmarks.md, "Royalties").
#
# Usage: bench/royalties.sh [WORKDIR [LINES...]]   (default /tmp/sleeve-bench 1000000 10000000)
# Needs: cargo, python3 (3.11+), pip; installs GNU time, polars and duckdb when missing.
# Takes about 15 minutes on 2 cores for the default sizes (most of it Polars and DuckDB on
# 10M lines); the generated catalogue, rate table and reports are kept in WORKDIR for reruns.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/sleeve-bench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
mkdir -p "$work"
work=$(cd "$work" && pwd)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c 'import polars, duckdb' 2>/dev/null || python3 -m pip install --quiet polars duckdb

cargo build --release --quiet
bin=$PWD/target/release/sleeve
py=$PWD/bench

# The two scripts must do the job exactly: check them on the hand-computed fixture first.
for tool in polars duckdb; do
  python3 "$py/royalties_$tool.py" bench/royalties-fixture/rates.csv bench/royalties-fixture/report.tsv |
    python3 -c 'import json,sys; a=json.load(sys.stdin); b=json.load(open(sys.argv[1])); sys.exit(a!=b)' \
      bench/royalties-fixture/expected.json ||
    { echo "royalties_$tool.py gives wrong totals on bench/royalties-fixture" >&2; exit 1; }
done

# The synthetic catalogue (as bench/catalogue.sh makes it, without media: 10,000 releases,
# 120,000 recordings, 2,000 payees with contracts) and its compiled rate table.
cat=$work/catalogue-royalties
if [ ! -d "$cat/.git" ]; then # the ledger lives in the catalogue's git repository
  rm -rf "$cat"
  "$bin" generate "$cat" >/dev/null 2>&1
  git -C "$cat" init -q && git -C "$cat" add -A &&
    git -C "$cat" -c user.name=bench -c user.email=bench@localhost commit -qm "synthetic catalogue"
fi
rates=$work/rates.csv
if [ ! -s "$rates" ]; then
  rm -rf "$work/build-royalties"
  "$bin" build "$cat" --out "$work/build-royalties" >/dev/null 2>"$work/build-royalties.err" || true
  if [ -s "$work/build-royalties/rates/rates.csv" ]; then
    cp "$work/build-royalties/rates/rates.csv" "$rates"
    echo "rate table: out/rates/rates.csv from \`sleeve build\` ($(($(wc -l <"$rates") - 1)) rows)"
  else
    python3 "$py/royalties_rates.py" "$rates.standin"
    mv "$rates.standin" "$rates"
    echo "rate table: \`sleeve build\` wrote no out/rates/rates.csv (engine pending):"
    echo "            using the stand-in from bench/royalties_rates.py ($(($(wc -l <"$rates") - 1)) rows)"
  fi
  rm -rf "$work/build-royalties" # 1.5 GB of packages, not needed here
fi

# measure NAME OUTFILE command...: one run; wall, CPU (user + system), peak RSS from GNU time.
measure() {
  local name=$1 out=$2
  shift 2
  local rc=0
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$out" 2>"$out.err" || rc=$?
  python3 - "$work/time.txt" "$name" "$rc" <<'EOF'
import sys
t = open(sys.argv[1]).read()
def get(label):
    line = next(l for l in t.splitlines() if l.strip().startswith(label))
    return line.rsplit(": ", 1)[1].strip()
wall = 0.0
for part in get("Elapsed (wall clock) time").split(":"):
    wall = wall * 60 + float(part)
cpu = float(get("User time")) + float(get("System time"))
rss = int(get("Maximum resident set size")) / 1024
print(f"{sys.argv[2]}\t{wall:.2f}\t{cpu:.2f}\t{rss:.0f}\t{sys.argv[3]}")
EOF
}

# Totals of each tool in one shape: payee → pence, label (its share + fees), suspense.
normalise() { # tool json-file
  python3 - "$1" "$2" <<'EOF'
import json, sys
from decimal import Decimal
tool, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
if tool == "sleeve":
    payees = {p["payee"]: str(Decimal(p["royalties"])) for p in d["payees"] if Decimal(p["royalties"])}
    rec = d["reconciliation"]
    if len(rec) != 1:
        sys.exit(f"expected one currency, got {len(rec)}")
    r = rec[0]
    label = Decimal(r["label"]) + Decimal(r["fees"])
    out = {"payees": payees, "label": str(label), "suspense": str(Decimal(r["suspense"]))}
else:
    out = {"payees": {k: str(Decimal(v)) for k, v in d["payees"].items() if Decimal(v)},
           "label": str(Decimal(d["label"])), "suspense": str(Decimal(d["suspense"]))}
json.dump(out, sys.stdout, sort_keys=True)
EOF
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d);" \
  "polars $(python3 -c 'import polars; print(polars.__version__)')," \
  "duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)'); load $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/royalties-results.tsv
: >"$results"
for n in "${sizes[@]}"; do
  dsr=$work/dsr-$n.tsv
  [ -s "$dsr" ] || "$bin" generate dsr --catalogue "$cat" --lines "$n" --out "$dsr" 2>/dev/null
  echo "== $n usage lines ($(du -m "$dsr" | cut -f1) MB, $(wc -l <"$dsr") lines in the file)"
  rm -rf "$work/royalties-sleeve-$n"
  s=$(measure "sleeve royalties" "$work/sleeve-$n.json" "$bin" royalties "$cat" --period 2025-Q2 \
    --reports "$dsr" --format json --out "$work/royalties-sleeve-$n" --dry-run)
  sleeve_ok=0
  if [ "$(cut -f5 <<<"$s")" = 0 ] && normalise sleeve "$work/sleeve-$n.json" >"$work/sleeve-$n.norm" 2>/dev/null; then
    sleeve_ok=1
  fi
  p=$(POLARS_MAX_THREADS=2 measure "polars" "$work/polars-$n.json" python3 "$py/royalties_polars.py" "$rates" "$dsr")
  d=$(measure "duckdb" "$work/duckdb-$n.json" python3 "$py/royalties_duckdb.py" "$rates" "$dsr")
  normalise polars "$work/polars-$n.json" >"$work/polars-$n.norm" 2>/dev/null || true
  normalise duckdb "$work/duckdb-$n.json" >"$work/duckdb-$n.norm" 2>/dev/null || true
  printf '%-18s %9s %9s %10s   %s\n' tool wall cpu peak "totals to the cent"
  for row in "$s" "$p" "$d"; do
    IFS=$'\t' read -r name wall cpu rss rc <<<"$row"
    tool=${name%% *}
    if [ "$rc" != 0 ]; then
      if [ "$tool" = sleeve ]; then
        verdict="FAILED (exit $rc): $(head -c 200 "$work/sleeve-$n.json.err" | tr '\n' ' ') — not built yet?"
      else
        verdict="FAILED (exit $rc): $(tail -n1 "$work/$tool-$n.json.err")"
      fi
      printf '%-18s %9s %9s %10s   %s\n' "$name" - - - "$verdict"
      continue
    fi
    if [ "$tool" = sleeve ]; then
      [ $sleeve_ok = 1 ] && verdict="(reference)" || verdict="output not readable (payees / reconciliation)"
    elif [ $sleeve_ok = 1 ]; then
      cmp -s "$work/$tool-$n.norm" "$work/sleeve-$n.norm" && verdict="equal to sleeve" || verdict="DIFFERENT from sleeve"
    else
      cmp -s "$work/polars-$n.norm" "$work/duckdb-$n.norm" && verdict="sleeve n/a; polars = duckdb" ||
        verdict="sleeve n/a; polars ≠ duckdb"
    fi
    printf '%-18s %7.2f s %7.2f s %7.0f MB   %s\n' "$name" "$wall" "$cpu" "$rss" "$verdict"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$wall" "$cpu" "$rss" "$verdict" >>"$results"
  done
  if [ $sleeve_ok = 1 ]; then
    # the goal: at least 2× faster than the faster of the two, under 1 GB
    awk -F'\t' -v n="$n" '$1 == n { w[$2] = $3; m[$2] = $5 }
      END { best = (w["polars"] < w["duckdb"]) ? w["polars"] : w["duckdb"];
            if (w["sleeve"] > 0) printf "sleeve: %.1f× the faster of Polars and DuckDB (goal ≥ 2×), peak %.0f MB (goal < 1024)\n", best / w["sleeve"], m["sleeve"] }' "$results"
  fi
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg); results in $results"
