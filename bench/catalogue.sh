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
one() { # label, command... : one run, wall / CPU / peak
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$work/one.time" || true
  tail -n1 "$work/one.time" | awk -v l="$label" '{printf "%-44s wall %6.2f s  cpu %6.2f s  peak %5.0f MB\n", l, $1, $2+$3, $4/1024}'
}
# A fresh output folder each run: on ext4 without a journal (this machine's disk), creating
# inodes right after deleting many is much slower (the allocator skips recently deleted
# inodes one by one), so earlier outputs are deleted only at the end.
stamp=$(date +%s)
out=$work/out-$stamp
one "sleeve build (40,000 packages, linked)" "$bin" build "$cat" --out "$out"
echo "files written: $(find "$out" | wc -l)"
one "cp -rP of its 4 DSP folders (no resources)" cp -rP "$out/dsp-a" "$out/dsp-b" "$out/dsp-c" "$out/dsp-d" "$(mkdir -p "$work/cp-$stamp" && echo "$work/cp-$stamp")"
for i in 1 2 3; do one "rebuild, nothing changed" "$bin" build "$cat" --out "$out"; done
release=$cat/releases/05/release-5000.toml
cp "$release" "$work/release-5000.orig"
for i in 1 2 3; do
  sed -i "0,/^title = .*/s//title = \"Retitled $i\"/" "$release"
  one "rebuild after one release retitled" "$bin" build "$cat" --out "$out"
done
cp "$work/release-5000.orig" "$release"
"$bin" build "$cat" --out "$out" --timings 2>&1 | tail -n1

# The same commands answered by the background `sleeve watch --build` that `sleeve build`
# starts at a terminal once it has built (docs/cli.md; SLEEVE_BACKGROUND_WATCH=1 stands for
# the terminal here): it keeps the checked catalogue in memory, and the commands ask it over
# its socket.
log=$cat/.sleeve-cache/watch.log
# The log is appended to across runs: only this watch's lines count.
skip=$( [ -f "$log" ] && wc -l < "$log" || echo 0 )
ours() { tail -n "+$((skip + 1))" "$log" 2>/dev/null || true; }
SLEEVE_BACKGROUND_WATCH=1 "$bin" build "$cat" --out "$out" 2>&1 | tail -n1
for _ in $(seq 1 300); do ours | grep -q '^answering' && break; sleep 0.2; done
ours | grep -q '^answering' || { cat "$log"; exit 1; }
for i in 1 2 3; do one "check, answered by watch" "$bin" check "$cat"; done
for i in 1 2 3; do one "rebuild, nothing changed, answered by watch" "$bin" build "$cat" --out "$out"; done
for i in 1 2 3 4 5; do
  sed -i "0,/^title = .*/s//title = \"Watched $i\"/" "$release"
  one "rebuild after one release retitled, by watch" "$bin" build "$cat" --out "$out"
done
cp "$work/release-5000.orig" "$release"
sleep 1
echo "background watch peak memory: $(grep VmHWM "/proc/$(pgrep -f "watch $cat --build --out $out --background" | head -n1)/status" | awk '{printf "%.0f MB", $2/1024}')"
"$bin" watch --stop "$cat"
echo "answers logged by watch: $(ours | grep -c '^answered' || true)"
rm -rf "$out" "$work/cp-$stamp"
