#!/usr/bin/env bash
# Benchmark `sleeve watch`: how long the re-check takes after one file of the synthetic
# 10,000-release catalogue changes (the catalogues of bench/catalogue.sh, generated when
# missing). Each save is an atomic save by rename (`sed -i`), a second apart; the time is the
# one `watch` reports for the re-check (after its 50 ms debounce), with its stages.
#
# Usage: bench/watch.sh [WORKDIR]     (default /tmp/sleeve-bench; RUNS=5 saves per layout)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/sleeve-bench}
runs=${RUNS:-5}
mkdir -p "$work"

cargo build --release --quiet
bin=$PWD/target/release/sleeve
audio=catalog-example/assets/audio/harbour-lights.flac
art=catalog-example/assets/artwork/harbour-lights.jpg

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)"
for layout in inline files; do
  cat=$work/catalogue-$layout
  if [ ! -d "$cat" ]; then
    "$bin" generate "$cat" --layout "$layout" --audio "$audio" --artwork "$art"
  fi
  if [ "$layout" = inline ]; then
    file=$cat/releases/05/release-5000.toml
    edit() { sed -i "s/^title = \"Release 5000.*\"/title = \"Release 5000 take $1\"/" "$file"; }
  else
    file=$cat/recordings/060/rec-60000.toml
    edit() { sed -i "s/^title = \"Harbour Song 60000.*\"/title = \"Harbour Song 60000 take $1\"/" "$file"; }
  fi
  cp "$file" "$work/edited.orig"
  log=$work/watch-$layout.log
  "$bin" watch "$cat" --exit-after "$runs" --timings >"$log" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; cp "$work/edited.orig" "$file"' EXIT
  summaries() { grep -c '^checked ' "$log" || true; }
  wait_for() { while [ "$(summaries)" -lt "$1" ]; do sleep 0.02; done; }
  echo "== layout: $layout ($(find "$cat" -name '*.toml' | wc -l) TOML files), editing ${file#"$cat"/}"
  wait_for 1
  echo "first check:  $(grep '^checked ' "$log" | sed -n 1p)"
  for i in $(seq 1 "$runs"); do
    sleep 1
    start=$(date +%s%N)
    edit "$i"
    wait_for $((i + 1))
    end=$(date +%s%N)
    printf 'save %d: %5d ms save→summary; %s\n' "$i" $(((end - start) / 1000000)) \
      "$(grep '^checked ' "$log" | sed -n "$((i + 1))p")"
  done
  wait "$pid" || true
  cp "$work/edited.orig" "$file"
  trap - EXIT
done
