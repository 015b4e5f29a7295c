"""Gavel efficiency vs makespan cap (issue #17; run through bench/gavel_efficiency.sh): on one of
Gavel's job sets with a real choice of GPU count per job (`--units variable`), the GA maximizing
the seed's efficiency (V100-hours of work per busy GPU-hour) under a hard horizon of K x the LP
makespan bound, for K = 1.0, 1.1, ..., 2.0; beside the GA minimizing makespan with variable
counts and the two naive rules (`--units one`: every job on 1 GPU; `--units max`: every
data-parallel job on 8). Every written plan is re-scored by `allocopt evaluate` and recomputed
here from its start/end times and GPU counts with the throughputs of
problems/data/gavel-throughputs.csv, capacity (36 GPUs per type) checked at every start.
Rewrites the `gavel-efficiency` section of bench/RESULTS.md (through bench/put_section.py) and
bench/results/gavel_efficiency.json (not with --no-write)."""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import ROOT, log  # noqa: E402

DATA = os.path.join(ROOT, "problems", "gavel")
THROUGHPUTS = os.path.join(ROOT, "problems", "data", "gavel-throughputs.csv")
GPUS = ("v100", "p100", "k80")
CAPACITY = 36  # GPUs per type in the experiment's cluster
REL = 1e-6     # agreement asked of every re-check


def run(cmd):
    """Runs `cmd`; exit 1 (no feasible plan found, or an infeasible plan scored) is a result."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode < 0 or r.returncode in (130, 143):
        raise KeyboardInterrupt()
    if r.returncode not in (0, 1):
        log(" ".join(cmd))
        log(r.stderr[-4000:])
        sys.exit(1)
    return r.stdout


def throughput_table():
    """(job_type as the jobs file names it, GPU count) -> steps/s per GPU type (consolidated)."""
    table = {}
    with open(THROUGHPUTS) as f:
        for row in csv.DictReader(f):
            name = row["job_type"] + (f" (batch size {row['batch_size']})" if row["batch_size"] else "")
            table[(name, int(row["scale_factor"]))] = {g: float(row[g] or 0) for g in GPUS}
    return table


def read_jobs(path):
    with open(path) as f:
        return {row["job_id"]: (row["job_type"], float(row["total_steps"])) for row in csv.DictReader(f)}


def recompute(plan, jobs, table):
    """Efficiency (V100-hours of work per GPU-hour) and makespan (hours) of a written plan,
    from its own start/end/units and the throughput CSV; fails on a wrong duration, an
    unplaced job or more than CAPACITY GPUs of a type in use at once."""
    work = busy = makespan = 0.0
    events = {g: [] for g in GPUS}
    for row in plan["assignment"]:
        job_type, steps = jobs[row["task"]]
        gpu, units = row.get("resource"), row.get("units")
        if gpu is None:
            raise ValueError(f"job {row['task']} is unplaced")
        thr = table[(job_type, units)][gpu]
        duration = steps / thr / 3600
        if abs((row["end"] - row["start"]) - duration) > REL * max(1.0, duration):
            raise ValueError(f"job {row['task']}: end - start = {row['end'] - row['start']} h, "
                             f"the throughput table says {duration} h")
        work += steps / table[(job_type, 1)]["v100"] / 3600
        busy += units * duration
        makespan = max(makespan, row["end"])
        events[gpu].append((row["start"], units))
        events[gpu].append((row["end"], -units))
    for gpu, ev in events.items():
        in_use = 0
        for _, delta in sorted(ev, key=lambda e: (e[0], e[1])):  # ends before starts at a tie
            in_use += delta
            if in_use > CAPACITY:
                raise ValueError(f"{in_use} {gpu} GPUs in use at once (capacity {CAPACITY})")
    return work / busy, makespan


def solve_and_check(binary, csv_path, flags, out, jobs, table):
    """Solves with the import `flags` plus the GA settings into `out`, re-scores the plan with
    `allocopt evaluate` and recomputes it here; returns a dict of the numbers."""
    source = ["--from", "gavel", csv_path, *flags["import"]]
    run([binary, "solve", *source, *flags["solve"], "--no-baseline", "-q", "-o", out])
    result = json.load(open(out))
    check = json.loads(run([binary, "evaluate", *source, "--allocation", out, "--format", "json"]))
    metrics = check["metrics"]
    efficiency, makespan = recompute(result, jobs, table)
    feasible = check["objective"]["feasible"]
    checks = [("makespan", makespan, metrics["makespan"])]
    # A plan that misses the horizon counts only the work done by then (pro rata): compare
    # the efficiency of feasible plans, where every job ends within it.
    if feasible:
        checks.append(("efficiency", efficiency, metrics["efficiency"]))
    for name, mine, theirs in checks:
        if abs(mine - theirs) > REL * max(1.0, abs(theirs)):
            raise ValueError(f"{name}: evaluate says {theirs}, recomputed {mine}")
    reported = result["objective"]["value"]
    evaluated = check["objective"]["value"]
    if abs(reported - evaluated) > REL * max(1.0, abs(evaluated)):
        raise ValueError(f"solve reported {reported}, evaluate says {evaluated}")
    return {"feasible": feasible, "efficiency": metrics["efficiency"],
            "efficiency_whole_plan": efficiency, "makespan_h": makespan,
            "bound_h": result.get("solver", {}).get("lower_bound")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-quality"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--seconds", type=float, default=20.0, help="GA time per run (default 20)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="the job set's seed (default 0)")
    parser.add_argument("--size", type=int, default=500, help="the job set's N (default 500)")
    parser.add_argument("--caps", default="1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8,1.9,2.0",
                        help="horizons as multiples of the LP bound")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    binary = benchlib.ensure_binary(args.build_dir, args.no_build, "gavel_efficiency")
    csv_path = os.path.join(DATA, f"jobs_seed{args.seed}_n{args.size}.csv")
    jobs, table = read_jobs(csv_path), throughput_table()
    ga = ["--time-limit", f"{args.seconds:g}", "--threads", str(args.threads), "--seed", "1"]
    runs = [("variable, min makespan", {"import": ["--units", "variable"], "solve": ga}, None),
            ("one GPU each, min makespan", {"import": ["--units", "one"], "solve": ga}, None),
            ("8 GPUs per data-parallel job, min makespan", {"import": ["--units", "max"], "solve": ga}, None)]
    for cap in args.caps.split(","):
        runs.append((f"variable, max efficiency, horizon {cap}x",
                     {"import": ["--units", "variable", "--objective", "efficiency", "--horizon", f"{cap}x"],
                      "solve": ga}, float(cap)))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, flags, cap in runs:
            try:
                row = solve_and_check(binary, csv_path, flags, os.path.join(tmp, "plan.json"), jobs, table)
            except ValueError as e:
                log(f"gavel_efficiency: {name}: {e}")
                sys.exit(1)
            row.update({"run": name, "cap": cap, "flags": " ".join(flags["import"])})
            rows.append(row)
            log(f"gavel_efficiency: {name}: efficiency {row['efficiency']:.4f}, makespan "
                f"{row['makespan_h']:.1f} h{'' if row['feasible'] else ' (misses the horizon)'}")
    bound = rows[0]["bound_h"]

    def fmt(x, digits=1):
        return "–" if x is None else f"{x:.{digits}f}"

    lines = [f"Regenerate: `{benchlib.command_line('gavel_efficiency.sh')}` (commit {benchlib.git_commit()}, "
             f"{benchlib.machine()}, load average {benchlib.load_average()} at the end).", "",
             f"Settings: job set seed {args.seed}, N = {args.size} (36 V100 + 36 P100 + 36 K80); every run "
             f"`allocopt solve --from gavel ... {' '.join(ga)}` (the default solver, the GA). "
             "`--units variable`: a data-parallel job may take 1, 2, 4 or 8 GPUs at Gavel's measured "
             "throughput for that count; `one`: every job 1 GPU; `max`: every data-parallel job 8. "
             "Efficiency: V100-hours of work per busy GPU-hour (the seed's `efficiency` metric). "
             f"LP makespan bound with variable counts: {fmt(bound, 2)} h. Every plan was re-scored by "
             "`allocopt evaluate` and recomputed by the script from its start/end times, GPU counts "
             "and problems/data/gavel-throughputs.csv, capacity checked (at most 36 GPUs per type at "
             "once). A plan that misses its horizon is marked infeasible; its efficiency counts "
             "only the work done by the horizon (pro rata), as the metric does.", "",
             "| run | horizon | efficiency | makespan (h) | makespan / LP bound | feasible |",
             "|:--|---:|---:|---:|---:|:-:|"]
    for r in rows:
        horizon = "–" if r["cap"] is None else f"{r['cap']:.1f} x LP = {r['cap'] * bound:.1f} h"
        ratio = r["makespan_h"] / bound if bound else None
        lines.append(f"| {r['run']} | {horizon} | {r['efficiency']:.4f} | {fmt(r['makespan_h'])} | "
                     f"{fmt(ratio, 3)} | {'yes' if r['feasible'] else 'no'} |")
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "gavel-efficiency",
                        "Gavel: efficiency vs makespan cap", benchlib.RESULTS_MD],
                       input=section, text=True, check=True, cwd=ROOT)
        benchlib.write_atomic(os.path.join(benchlib.RESULTS_DIR, "gavel_efficiency.json"),
                              json.dumps({"settings": vars(args), "lp_bound_h": bound, "rows": rows},
                                         indent=1) + "\n")


if __name__ == "__main__":
    benchlib.run_main(main, "gavel_efficiency")
