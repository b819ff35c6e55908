#!/usr/bin/env bash
# Benchmark `sleeve check` and `sleeve build` on a synthetic 10,000-release catalogue
# (120,000 recordings, 2,000 parties, 2,000 contracts, 4 DSPs), side by side with what a
# label's engineer might script instead: parsing the same files with Python's tomllib
# (parsing only — no references, identifiers or rules checked).
#
# Usage: bench/catalogue.sh [WORKDIR]     (default /tmp/sleeve-bench)
# Needs: cargo, python3 (3.11+), GNU time (/usr/bin/time); hyperfine if present.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/sleeve-bench}
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

cargo build --release --quiet
bin=$PWD/target/release/sleeve
audio=catalog-example/assets/audio/harbour-lights.flac
art=catalog-example/assets/artwork/harbour-lights.jpg

for layout in inline files; do
  cat=$work/catalogue-$layout
  if [ ! -d "$cat" ]; then
    "$bin" generate "$cat" --layout "$layout" --audio "$audio" --artwork "$art"
  fi
done

measure() { # label, command...
  local label=$1; shift
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$work/time.$i" || true
  done
  # median wall of 5 runs, with that run's CPU and peak memory
  sort -n -k1,1 <(for i in 1 2 3 4 5; do tail -n1 "$work/time.$i"; done) | sed -n 3p |
    awk -v l="$label" '{printf "%-44s wall %6.2f s  cpu %6.2f s  peak %5.0f MB\n", l, $1, $2+$3, $4/1024}'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)"
for layout in inline files; do
  cat=$work/catalogue-$layout
  echo "== layout: $layout ($(find "$cat" -name '*.toml' | wc -l) TOML files)"
  measure "sleeve check" "$bin" check "$cat"
  measure "python3 tomllib: parse only" python3 -c '
import sys, tomllib, pathlib
n = 0
for p in pathlib.Path(sys.argv[1]).rglob("*.toml"):
    with open(p, "rb") as f:
        tomllib.load(f); n += 1
' "$cat"
done
cat=$work/catalogue-inline
rm -rf "$work/out"
/usr/bin/time -f "%e %U %S %M" "$bin" build "$cat" --out "$work/out" >/dev/null 2>"$work/build.time" || true
tail -n1 "$work/build.time" | awk '{printf "%-44s wall %6.2f s  cpu %6.2f s  peak %5.0f MB\n", "sleeve build (40,000 packages, linked)", $1, $2+$3, $4/1024}'
echo "files written: $(find "$work/out" | wc -l)"
