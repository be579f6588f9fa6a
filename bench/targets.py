"""The targets of issue #20, met or missed, from the medians bench/run.sh wrote.

Each line of the summary: input kind, size label (MiB), command name, size in MB, median
wall seconds, peak RSS in KiB.
"""
import collections
import sys

rows = [line.split() for line in open(sys.argv[1])]
m = collections.defaultdict(dict)  # (kind, size) -> name -> (MB/s, wall s, peak MiB)
for kind, label, name, mb, wall, rss in rows:
    wall = float(wall)
    m[(kind, int(label))][name] = (float(mb) / wall if wall else float("inf"), wall, int(rss) / 1024)


def line(ok, text):
    print(f"  [{'met' if ok else 'MISSED'}] {text}")


sizes = sorted({s for k, s in m if k == "json"})
if not sizes:
    sys.exit(0)
big = sizes[-1]
j = m[("json", big)]
if "provlog-fail" in j:
    v = j["provlog-fail"][0]
    line(v >= 2000, f"--status failure --format ndjson, {big} MiB portal JSON: {v:,.0f} MB/s (target 2,000)")
for n, what in [("provlog-all", "to /dev/null"), ("provlog-all-wc", "piped into wc -c")]:
    if n in j:
        v = j[n][0]
        line(v >= 800, f"--status all --format ndjson {what}: {v:,.0f} MB/s (target 800)")
if "provlog-all" in j and "provlog-all-table" in j:
    r = j["provlog-all-table"][1] / j["provlog-all"][1]
    line(r <= 1.3, f"table view, every status: {r:.2f}x the NDJSON time (target 1.3x)")


def floor_ratio(kind, name):
    d = m.get((kind, big), {})
    if name in d and "parse-floor" in d:
        return d[name][1] / d["parse-floor"][1]
    return None


for name in ["provlog-fail", "provlog-all"]:
    rj, rn = floor_ratio("json", name), floor_ratio("ndjson", name)
    if rj and rn:
        line(rn <= rj * 1.05, f"{name} on diagnostic NDJSON: {rn:.2f}x its parse floor (portal JSON: {rj:.2f}x)")
    c = m.get(("csv3", big), {})
    if name in c and "cat" in c:
        print(f"  [ n/a  ] {name} on the three-CSV set: {c[name][0]:,.0f} MB/s, {c[name][1] / c['cat'][1]:.1f}x cat (no CSV parse floor)")
peaks = {
    s: max(v[2] for n, v in m[("json", s)].items() if n.startswith("provlog"))
    for s in sizes
}
line(peaks[big] < 64, f"peak memory of provlog at {big} MiB: {peaks[big]:.1f} MiB (target < 64)")
if len(sizes) > 1:
    grow = peaks[big] - peaks[sizes[0]]
    line(grow <= 8, f"peak memory {sizes[0]} MiB -> {big} MiB: {peaks[sizes[0]]:.1f} -> {peaks[big]:.1f} MiB (no growth; 8 MiB slack)")
small = m.get(("small", 0), {})
for n in ["provlog-fail", "provlog-all-table"]:
    if n in small:
        line(small[n][1] < 0.020, f"300-event fixture, {n}: {small[n][1] * 1000:.0f} ms (target < 20)")
