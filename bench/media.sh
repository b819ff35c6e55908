#!/usr/bin/env bash
# Benchmark what media files cost `sleeve check`: a synthetic catalogue of 1,000 releases whose
# 12,000 recordings each name their own audio file (hard links to one 0.88 MB WAV of
# catalog-example: 10.6 GB to read and hash, served from the page cache), checked three times.
# The first run reads every file; later runs take what `.sleeve-cache/media.json` kept.
#
# Usage: bench/media.sh [WORKDIR]     (default /tmp/sleeve-bench)
# Needs: cargo, python3, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/sleeve-bench}
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

cargo build --release --quiet
bin=$PWD/target/release/sleeve
cat=$work/catalogue-media
if [ ! -d "$cat" ]; then
  "$bin" generate "$cat" --releases 1000 --parties 200 \
    --audio catalog-example/assets/audio/low-tide-sessions-intro.wav \
    --artwork catalog-example/assets/artwork/harbour-lights.jpg
  # One audio file per recording: hard links (ext4 allows 65,000 to one file).
  python3 - "$cat" <<'EOF'
import glob, os, re, sys
root = sys.argv[1]
os.makedirs(f"{root}/assets/audio", exist_ok=True)
n = 0
for f in sorted(glob.glob(f"{root}/releases/*/*.toml")):
    text = open(f).read()
    def own(_):
        global n
        n += 1
        os.link(f"{root}/assets/audio.wav", f"{root}/assets/audio/{n}.wav")
        return f'audio = "../../assets/audio/{n}.wav"'
    open(f, "w").write(re.sub(r'audio = "\.\./\.\./assets/audio\.wav"', own, text))
print(f"{n} recordings, each with its own audio file")
EOF
fi
rm -rf "$cat/.sleeve-cache"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%d)"
for run in 1 2 3; do
  /usr/bin/time -f "%e %U %S %M" "$bin" check "$cat" >/dev/null 2>"$work/media.time" || true
  tail -n1 "$work/media.time" |
    awk -v r="$run" '{printf "sleeve check, run %d: wall %6.2f s  cpu %6.2f s  peak %5.0f MB\n", r, $1, $2+$3, $4/1024}'
done
