"""Pareto fronts (issue 18, docs/pareto.md): our NSGA-II (`allocopt solve --pareto`, solver
`ga`) against pagmo's nsga2 unseeded and seeded (`--solver pagmo-nsga2 [--opt seeded=true]`)
at an equal time limit, on problems/gpu-cluster.yaml with makespan vs cost, several seeds.
Every front is written as CSV; every point of every front is re-scored with `allocopt
evaluate` (an independent path) and must match the values written. The hypervolume of every
front is computed here (a 2-D sweep, independent of the library's) against ONE reference
point for all runs: per metric the worst value over every front's points x 1.1 (both metrics
are minimised and positive). The library's own hypervolume (against its default reference)
is checked against this script's on the same reference. Writes bench/results/pareto.json and
the section `pareto` of bench/RESULTS.md (through bench/put_section.py). Python 3 standard
library only.

Usage: bash bench/pareto.sh [--seconds S,S...] [--seeds N] [--threads N] [--problem FILE]
                            [--metrics a,b] [--build-dir DIR] [--no-build]
Exit: 0 ok; 1 a re-check mismatch or a run error; 130 interrupted (nothing written).
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, RESULTS_DIR, Interrupted, command_line, ensure_binary, log, run_main, write_atomic  # noqa: E402

METHODS = [("ours (nsga2, seeded)", "ga", []),
           ("pagmo-nsga2", "pagmo-nsga2", []),
           ("pagmo-nsga2 seeded", "pagmo-nsga2", ["seeded=true"])]


def hv2(points, ref):
    """2-D hypervolume of minimised points against ref: sort by x, add each strip."""
    area, lowest = 0.0, ref[1]
    for x, y in sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1]):
        if y < lowest:
            area += (ref[0] - x) * (lowest - y)
            lowest = y
    return area


def read_front(path, metrics):
    rows = list(csv.reader(open(path)))
    header, body = rows[0], rows[1:]
    tasks = header[1 + len(metrics):]
    points = []
    for r in body:
        values = [float(v) for v in r[1:1 + len(metrics)]]
        cells = r[1 + len(metrics):]
        points.append((values, list(zip(tasks, cells))))
    return points


def recheck(binary, problem, metrics, points, tmp):
    """Every point's assignment through `allocopt evaluate`; returns the mismatches."""
    bad = []
    alloc = os.path.join(tmp, "point.yaml")
    for k, (values, cells) in enumerate(points):
        with open(alloc, "w") as f:
            f.write("assignment:\n")
            for task, cell in cells:
                if cell:
                    resource, units = cell.rsplit("*", 1)
                    f.write(f"  - {{task: {json.dumps(task)}, resource: {json.dumps(resource)}, units: {units}}}\n")
        p = subprocess.run([binary, "evaluate", problem, "--allocation", alloc, "--format", "json"],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            bad.append(f"point {k}: evaluate exit {p.returncode}: {p.stderr.strip()[-200:]}")
            continue
        got = json.loads(p.stdout)["metrics"]
        for m, v in zip(metrics, values):
            if abs(got[m] - v) > 1e-9 * max(1.0, abs(v)):
                bad.append(f"point {k}: {m} written {v!r}, evaluate says {got[m]!r}")
    return bad


def main():
    ap = argparse.ArgumentParser(prog="bash bench/pareto.sh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", default="0.5,2,10", help="time limits, each a set of runs")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--problem", default=os.path.join("problems", "gpu-cluster.yaml"))
    ap.add_argument("--metrics", default="makespan,cost")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    metrics = a.metrics.split(",")
    if len(metrics) != 2:
        log("pareto.sh: two metrics (the hypervolume here is 2-D)")
        sys.exit(2)
    binary = ensure_binary(a.build_dir, a.no_build, "pareto.sh")
    problem = os.path.join(ROOT, a.problem) if not os.path.isabs(a.problem) else a.problem
    limits = [float(x) for x in a.seconds.split(",")]
    runs, errors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seconds, seed, (label, solver, opts) in (
                (t, s, m) for t in limits for s in range(1, a.seeds + 1) for m in METHODS):
            if True:
                out = os.path.join(tmp, f"front-{solver}-{len(opts)}-{seed}.csv")
                cmd = [binary, "solve", problem, "--pareto", a.metrics, "--solver", solver,
                       "--time-limit", str(seconds), "--seed", str(seed), "--threads", str(a.threads),
                       "-o", out]
                for o in opts:
                    cmd += ["--opt", o]
                log(f"pareto.sh: {label}, {seconds:g} s, seed {seed}")
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds * 10 + 120)
                if p.returncode == 130:
                    raise Interrupted()
                if p.returncode != 0:
                    errors.append(f"{label} seed {seed}: exit {p.returncode}: {p.stderr.strip()[-200:]}")
                    continue
                summary = re.search(r"in ([\d.e+-]+) s, (\d+) evaluations \(([^)]+)\)", p.stdout)
                hv = re.search(r"(\d+) points; hypervolume ([^ ]+) against \(([^)]*)\)", p.stdout)
                points = read_front(out, metrics)
                bad = recheck(binary, problem, metrics, points, tmp)
                errors += [f"{label} seed {seed}: {b}" for b in bad]
                own_ref = [float(x) for x in hv.group(3).split(",")]
                own_hv = float(hv.group(2))
                mine = hv2([v for v, _ in points], own_ref)
                if abs(mine - own_hv) > 1e-6 * max(1.0, abs(own_hv)):
                    errors.append(f"{label} seed {seed}: library hypervolume {own_hv} vs script {mine}")
                runs.append(dict(method=label, limit=seconds, seed=seed, points=[v for v, _ in points],
                                 seconds=float(summary.group(1)), evaluations=int(summary.group(2)),
                                 stop=summary.group(3), rechecked=len(points)))
    if not runs:
        log("\n".join(errors))
        sys.exit(1)
    ref = [1.1 * max(v[m] for r in runs for v in r["points"]) for m in range(2)]
    for r in runs:
        r["hypervolume"] = hv2(r["points"], ref)
    by = {}
    for r in runs:
        by.setdefault((r["limit"], r["method"]), []).append(r)
    lines = [f"`{command_line('pareto.sh')}`: {os.path.relpath(problem, ROOT)}, {metrics[0]} vs {metrics[1]} "
             f"(both minimised), time limits {a.seconds} s, seeds 1-{a.seeds}, {a.threads} thread(s), "
             f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when it ended. "
             f"Reference point for every run: per metric 1.1 x the worst value over all fronts = "
             f"({ref[0]:.6g}, {ref[1]:.6g}). Every front point ({sum(r['rechecked'] for r in runs)} in all) "
             f"re-scored with `allocopt evaluate`: {'all match' if not errors else str(len(errors)) + ' problems'}. "
             f"Evaluations count every metric's scoring (2 per candidate), and for ours also the starts' "
             f"delta-scored local-search moves.",
             "",
             "| time limit | method | median hypervolume | vs ours | per seed | median points | median evaluations |",
             "|---|---|---|---|---|---|---|"]
    for limit in limits:
        ours_runs = by.get((limit, METHODS[0][0]), [])
        ours = statistics.median(r["hypervolume"] for r in ours_runs) if ours_runs else None
        for label, _, _ in METHODS:
            rs = by.get((limit, label), [])
            if not rs:
                lines.append(f"| {limit:g} s | {label} | failed | | | | |")
                continue
            med = statistics.median(r["hypervolume"] for r in rs)
            rel = f"{100 * med / ours:.1f} %" if ours else ""
            seeds = ", ".join(f"{r['hypervolume']:.6g}" for r in rs)
            lines.append(f"| {limit:g} s | {label} | {med:.6g} | {rel} | {seeds} | "
                         f"{statistics.median(len(r['points']) for r in rs):g} "
                         f"| {statistics.median(r['evaluations'] for r in rs):g} |")
    if errors:
        lines += ["", "Problems:", ""] + [f"- {e}" for e in errors]
    text = "\n".join(lines) + "\n"
    write_atomic(os.path.join(RESULTS_DIR, "pareto.json"),
                 json.dumps(dict(reference=ref, runs=runs, errors=errors), indent=1) + "\n")
    print(text)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "pareto",
                    "Pareto fronts: our NSGA-II against pagmo's nsga2, equal time (issue 18)"],
                   input=text, text=True, check=True)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    run_main(main, "pareto.sh")
