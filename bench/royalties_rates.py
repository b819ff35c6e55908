#!/usr/bin/env python3
"""A stand-in for `out/rates/rates.csv` of a `sleeve generate` catalogue, for as long as
`sleeve build` does not write the rate table: the rows the build is expected to write, from
the generator's fixed pattern (compiler/src/cli/generate.rs), not by reading the catalogue.

Usage: royalties_rates.py OUT_CSV [RELEASES [TRACKS [PARTIES]]]   (default 10000 12 2000)

Every recording of release r is by artist-(r mod P), with artist-(r+1 mod P) credited; splits
80 % / 20 % by default and 1/3 / 2/3 in the US; each artist's contract (id = payee id,
from 2020-01-01) pays 50 % on streams and downloads, 45 % on US streams. So per recording:
`*` stream shares 0.4 / 0.1, US stream 0.15 / 0.3, `*` download 0.4 / 0.1, US download
1/6 / 1/3 (not a finite decimal: written as a fraction; the benchmark reads stream rows only).
No distribution fee (a label's own catalogue): fee 0.
"""
import sys


def isrc(i):
    return f"ZZSLV{10 + i // 100_000:02d}{i % 100_000:05d}"


def main(out, releases=10_000, tracks=12, parties=2_000):
    parties = max(parties, 2)
    with open(out, "w", encoding="utf-8") as f:
        f.write("isrc,recording,territory,channel,payee,contract,start,end,split,rate,share,fee\n")
        rec = 0
        for r in range(releases):
            a, b = f"artist-{r % parties}", f"artist-{(r + 1) % parties}"
            for _ in range(tracks):
                i, rid = isrc(rec), f"rec-{rec}"
                for terr, chan, rows in (
                    ("*", "stream", ((a, "0.8", "0.5", "0.4"), (b, "0.2", "0.5", "0.1"))),
                    ("*", "download", ((a, "0.8", "0.5", "0.4"), (b, "0.2", "0.5", "0.1"))),
                    ("US", "stream", ((a, "1/3", "0.45", "0.15"), (b, "2/3", "0.45", "0.3"))),
                    ("US", "download", ((a, "1/3", "0.5", "1/6"), (b, "2/3", "0.5", "1/3"))),
                ):
                    for payee, split, rate, share in rows:
                        f.write(f"{i},{rid},{terr},{chan},{payee},{payee},2020-01-01,,{split},{rate},{share},0\n")
                rec += 1


if __name__ == "__main__":
    main(sys.argv[1], *(int(x) for x in sys.argv[2:]))
