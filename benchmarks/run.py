"""Benchmark: build real and synthetic events twice each and print a table; compare with pretalx's own export.

    python benchmarks/run.py                      # demo, 39C3, 36C3, synthetic 10k (+ the lab's bigcon if it runs)
    python benchmarks/run.py --with-pretalx       # also time pretalx's export_schedule_html bigcon (~10 min), once
    python benchmarks/run.py --only demo,39c3     # a subset

Each build runs in its own process; peak RSS is that process's (or its largest render worker's) maximum.
The second build of each event must write 0 files. pretalx's export time is kept in
benchmarks/pretalx-export.json, so later runs compare against it without waiting again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LAB = os.environ.get("PRETALX_URL", "http://127.0.0.1:8355").rstrip("/")
LAB_DIR = Path(os.environ.get("PRETALX_LAB_DIR", ROOT / ".pretalx-lab"))
PRETALX_RESULT = Path(__file__).resolve().parent / "pretalx-export.json"

# runs one build in a fresh process and prints its numbers as JSON
CHILD = """
import json, resource, sys, time
from pathlib import Path
from generator.config import Settings
from generator.pipeline import build
started = time.perf_counter()
report = build(Settings(source=sys.argv[1], out=Path(sys.argv[2]), cache_dir=Path(sys.argv[3]), quiet=True,
                        cards=sys.argv[4] == "cards"))
wall = time.perf_counter() - started
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"sessions": len(report.conference.talks), "files": report.files, "wall": wall,
                  "fetch": report.fetch_seconds, "render": report.render_seconds, "write": report.write_seconds,
                  "written": report.write.written, "unchanged": report.write.unchanged, "rss_mb": rss / 1024}))
"""


def measure(source: str, out: Path, cache: Path, cards: bool = True) -> dict:
    """One build of `source` into `out` (with social cards unless `cards` is false), in a subprocess, started on
    a settled disk."""
    settle_disk()
    result = subprocess.run([sys.executable, "-c", CHILD, source, str(out), str(cache),
                             "cards" if cards else "no-cards"], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise SystemExit(f"build of {source} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def settle_disk(quiet_for: float = 1.0, timeout: float = 60.0) -> None:
    """Flush written files, then wait until no disk has written anything for `quiet_for` seconds.

    So one build's writeback (and the discards after a big deletion, which stall this machine's virtual disk
    for seconds) is not charged to the next build's write phase.
    """
    os.sync()
    deadline = time.monotonic() + timeout
    last, quiet_since = disk_activity(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < quiet_for:
        time.sleep(0.2)
        now = disk_activity()
        if now != last:
            last, quiet_since = now, time.monotonic()


def disk_activity() -> tuple[int, ...]:
    """Per disk: requests in flight and sectors written, from /proc/diskstats (empty where there is none)."""
    try:
        lines = Path("/proc/diskstats").read_text().splitlines()
    except OSError:
        return ()
    fields = [line.split() for line in lines]
    return tuple(int(f[i]) for f in fields if len(f) > 11 and not f[2].startswith(("loop", "ram")) for i in (9, 11))


def sources(work: Path, only: set[str]) -> list[tuple[str, str]]:
    """(name, source) of every event to build."""
    found = []
    if "demo" in only:
        found.append(("demo event", str(ROOT / "demo" / "democon.snapshot.json")))
    for name, fixture in (("39c3", "ccc-39c3"), ("36c3", "ccc-36c3")):
        if name in only:
            path = work / f"{name}.schedule.json"
            path.write_bytes(gzip.decompress((FIXTURES / fixture / "everything.schedule.json.gz").read_bytes()))
            found.append((name.upper(), str(path)))
    if "synthetic" in only:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from synthetic import schedule
        path = work / "synthetic.schedule.json"
        path.write_text(json.dumps(schedule(), sort_keys=True), encoding="utf-8")
        found.append(("synthetic 10k", str(path)))
    if "bigcon" in only and lab_has("bigcon"):
        found.append(("lab bigcon (HTTP)", f"{LAB}/bigcon/"))
    return found


def lab_has(event: str) -> bool:
    """Whether the pretalx lab runs and serves `event`."""
    import urllib.request
    try:
        with urllib.request.urlopen(f"{LAB}/api/events/{event}/", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def pretalx_export(event: str) -> dict:
    """Time pretalx's `export_schedule_html` of `event` in the lab (wall and peak RSS via /usr/bin/time)."""
    env = {**os.environ, "PRETALX_CONFIG_FILE": str(LAB_DIR / "pretalx.cfg"),
           "PYTHONPATH": str(LAB_DIR / "settings"), "DJANGO_SETTINGS_MODULE": "pretalx_lab_settings",
           "PRETALX_NO_INITIAL_LOG": "1", "PYTHONHASHSEED": "0"}
    for name in ("PRETALX_DATA_DIR", "PRETALX_DEBUG", "PRETALX_SITE_URL", "PRETALX_DB_TYPE", "PRETALX_DB_NAME"):
        env.pop(name, None)
    command = ["/usr/bin/time", "-f", "wall=%e user=%U sys=%S maxrss_kb=%M",
               str(LAB_DIR / "venv" / "bin" / "python"), "-m", "pretalx", "export_schedule_html", event]
    result = subprocess.run(command, cwd=LAB_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"pretalx export failed:\n{result.stderr[-2000:]}")
    numbers = dict(item.split("=") for item in result.stderr.strip().splitlines()[-1].split())
    return {"event": event, "wall": float(numbers["wall"]), "cpu": float(numbers["user"]) + float(numbers["sys"]),
            "rss_mb": int(numbers["maxrss_kb"]) / 1024, "measured": time.strftime("%Y-%m-%d"),
            "load_before": os.getloadavg()[0]}


def main() -> None:
    """Build every event twice, print the table, then the comparison with pretalx."""
    p = argparse.ArgumentParser(description="Benchmark pretalx-static against real and synthetic events.")
    p.add_argument("--only", default="demo,39c3,36c3,synthetic,bigcon")
    p.add_argument("--with-pretalx", action="store_true", help="time pretalx's export of bigcon now (~10 min)")
    args = p.parse_args()
    only = set(args.only.split(","))
    rows, ours = [], []
    with tempfile.TemporaryDirectory(prefix="pretalx-static-bench-") as scratch:
        work = Path(scratch)
        for name, source in sources(work, only):
            out, cache = work / f"out-{len(rows)}", work / f"cache-{len(rows)}"
            for run in ("1st", "2nd"):
                numbers = measure(source, out, cache)
                rows.append((f"{name} ({run})", numbers))
            # what the social cards cost: the same first build without them
            rows.append((f"{name} --no-cards (1st)", measure(source, work / f"out-no-cards-{len(rows)}",
                                                             work / f"cache-no-cards-{len(rows)}", cards=False)))
            if name.startswith("lab"):  # the comparison with pretalx: full builds from nothing, the median of 3
                ours = [rows[-2][1]] + [measure(source, work / f"out-{name}-{n}", work / f"cache-{name}-{n}")
                                        for n in range(2)]
        # outputs are deleted only now, with the scratch folder: a big deletion stalls the disk for a while
    print("| source | sessions | fetch s | render s | write s | total s | files written | files unchanged "
          "| peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n in rows:
        print(f"| {name} | {n['sessions']:,} | {n['fetch']:.2f} | {n['render']:.2f} | {n['write']:.2f} "
              f"| {n['wall']:.2f} | {n['written']:,} | {n['unchanged']:,} | {n['rss_mb']:.0f} MB |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.with_pretalx:
        PRETALX_RESULT.write_text(json.dumps(pretalx_export("bigcon"), indent=1) + "\n", encoding="utf-8")
    if ours and PRETALX_RESULT.exists():
        theirs = json.loads(PRETALX_RESULT.read_text(encoding="utf-8"))
        walls = sorted(n["wall"] for n in ours)
        median = statistics.median(walls)
        print(f"\nbigcon, full build (fetch over HTTP + render + write, from an empty output and cache), "
              f"3 runs: {' / '.join(f'{w:.1f}' for w in walls)} s, median {median:.1f} s, "
              f"{max(n['rss_mb'] for n in ours):.0f} MB\n"
              f"pretalx export_schedule_html of the same event: {theirs['wall']:.0f} s "
              f"({theirs['rss_mb']:.0f} MB, measured {theirs['measured']})\n"
              f"ratio: {theirs['wall'] / median:.0f}x faster (median; slowest run {theirs['wall'] / walls[-1]:.0f}x)")


if __name__ == "__main__":
    main()
