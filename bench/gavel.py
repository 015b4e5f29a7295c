"""Gavel makespan harness (issue #17; run through bench/gavel.sh): the GA and the fcfs heuristic
on Gavel's job sets (problems/gavel/, seeds x N), each plan re-scored by `allocopt evaluate` on
the result file it wrote (a separate path from the solver's own value), beside the LP lower
bound that `solve` reports and Gavel's published FIFO, Gandiva and Gavel makespans. Rewrites
the `gavel` section of bench/RESULTS.md (through bench/put_section.py) and bench/results/gavel.json (not with --no-write)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import gavel_lp_check  # noqa: E402
from benchlib import ROOT, log  # noqa: E402

DATA = os.path.join(ROOT, "problems", "gavel")
HOUR = 3600.0
# Published makespans in hours, mean over seeds 0, 1, 2: problems/gavel/README.md (FIFO,
# Gandiva, Gavel = min_total_duration_perf, preemptive).
PUBLISHED = {100: (182.319, 166.610, 161.164), 300: (295.563, 199.872, 161.164),
             500: (426.585, 263.866, 169.422), 700: (619.518, 347.335, 244.231)}
# Per-seed FIFO makespans in hours (seeds 0, 1, 2), re-run with Gavel's simulator: the data
# README (../shared/data/gavel-makespan/README.md).
PUBLISHED_FIFO_SEED = {100: (187.412573, 179.355145, 180.190651),
                       300: (261.545223, 320.688220, 304.456690),
                       500: (400.744273, 438.020411, 440.989148),
                       700: (620.083227, 569.219015, 669.252625)}


def seeds_of(text):
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode < 0 or r.returncode in (130, 143):
        raise KeyboardInterrupt()
    if r.returncode != 0:
        log(" ".join(cmd))
        log(r.stderr[-4000:])
        sys.exit(1)
    return r.stdout


TYPES = ("v100", "p100", "k80")


def check_plan(csv, result, gpus):
    """Re-checks a written plan from the job file alone, sharing no code with allocopt: every
    job once, on a type where it has a throughput, with its scale_factor GPUs, for
    total_steps / throughput seconds, never before 0; at no instant more GPUs of a type busy
    than the type has. Returns the plan's makespan (the last end), in seconds. The result file
    keeps six decimals: times within 1 ms count as equal (an end then frees its GPUs before a
    start at the same time takes them)."""
    import csv as csvlib
    jobs = {row["job_id"]: row for row in csvlib.DictReader(open(csv, newline=""))}
    seen = set()
    events = {t: [] for t in TYPES}
    makespan = 0.0
    for a in result["assignment"]:
        job = jobs.get(a["task"])
        if job is None or a["task"] in seen:
            raise SystemExit(f"gavel: {csv}: job {a['task']} unknown or placed twice")
        seen.add(a["task"])
        kind, units, start, end = a["resource"], a["units"], a["start"], a["end"]
        thr = float(job["thr_" + kind]) if kind in TYPES else 0.0
        if thr <= 0 or units != int(job["scale_factor"]) or start < -1e-6:
            raise SystemExit(f"gavel: {csv}: job {a['task']} placed where it cannot run: {a}")
        duration = float(job["total_steps"]) / thr
        if abs((end - start) - duration) > 1e-3 + 1e-9 * duration:
            raise SystemExit(f"gavel: {csv}: job {a['task']} runs {end - start} s, not {duration} s")
        events[kind] += [(round(start, 3), units), (round(end, 3), -units)]
        makespan = max(makespan, end)
    if len(seen) != len(jobs):
        raise SystemExit(f"gavel: {csv}: {len(jobs) - len(seen)} jobs not placed")
    for kind, gpu_count in zip(TYPES, gpus):
        busy = 0
        for _, delta in sorted(events[kind]):  # at equal times the ends (negative) go first
            busy += delta
            if busy > gpu_count:
                raise SystemExit(f"gavel: {csv}: more than {gpu_count} {kind} GPUs busy at once")
    return makespan


def solve_and_rescore(binary, csv, order, extra, out, queue="backfill"):
    """Solves with `extra` flags into `out` (JSON), re-scores the written plan with `allocopt
    evaluate` and re-checks it with check_plan(); returns (makespan as solve reported it, as
    evaluate re-scored it, the lower bound solve reported or None), all in seconds."""
    source = ["--from", "gavel", csv, "--order", order, "--queue", queue]
    run([binary, "solve", *source, *extra, "--no-baseline", "-q", "-o", out])
    result = json.load(open(out))
    checked = check_plan(csv, result, (36, 36, 36))
    if abs(checked - result["objective"]["value"]) > 1e-3 + 1e-9 * checked:
        log(f"gavel: {csv}: the plan's last end is {checked} s, solve reported "
            f"{result['objective']['value']} s")
        sys.exit(1)
    solver = result.get("solver", {})
    reported = result["objective"]["value"]
    bound = solver.get("lower_bound")
    check = json.loads(run([binary, "evaluate", *source, "--allocation", out, "--format", "json"]))
    if not check["objective"]["feasible"]:
        log(f"gavel: {csv}: the written plan is infeasible")
        sys.exit(1)
    return reported, check["metrics"]["makespan"], bound


def gavel_lp_hours(csv, tmp):
    """Gavel's makespan LP (the preemptive bound the issue's targets name) solved by GLPK from
    the job file, in hours (bench/gavel_lp_check.py)."""
    jobs = gavel_lp_check.read_jobs(csv)
    lp, sol = os.path.join(tmp, "gavel.lp"), os.path.join(tmp, "gavel.sol")
    gavel_lp_check.write_lp(jobs, [36, 36, 36], lp)
    return 1.0 / gavel_lp_check.glpk_value(lp, sol)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-quality"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--seconds", type=float, default=60.0, help="GA time per set (default 60)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", default="0-2")
    parser.add_argument("--sizes", default="100,300,500,700")
    parser.add_argument("--order", default="ljf", help="the GA's queue order (--order of the importer)")
    parser.add_argument("--queue", default="backfill", choices=["backfill", "strict"],
                        help="the GA's queue layout (--queue of the importer)")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    binary = benchlib.ensure_binary(args.build_dir, args.no_build, "gavel")
    seeds = seeds_of(args.seeds)
    sizes = [int(n) for n in args.sizes.split(",")]

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for seed in seeds:
                csv = os.path.join(DATA, f"jobs_seed{seed}_n{n}.csv")
                ga = solve_and_rescore(binary, csv, args.order,
                                       ["--time-limit", str(args.seconds), "--threads", str(args.threads),
                                        "--seed", "1"], os.path.join(tmp, "ga.json"), queue=args.queue)
                fcfs = solve_and_rescore(binary, csv, "fcfs", ["--solver", "fcfs"],
                                         os.path.join(tmp, "fcfs.json"), queue="strict")
                for name, (reported, rescored, _) in (("ga", ga), ("fcfs", fcfs)):
                    if abs(reported - rescored) > 1e-6 * max(1.0, abs(rescored)):
                        log(f"gavel: N={n} seed {seed}: {name} reported {reported}, evaluate says {rescored}")
                        sys.exit(1)
                bound = ga[2]
                if bound is not None and bound > ga[1] * (1 + 1e-9):
                    log(f"gavel: N={n} seed {seed}: the bound {bound} is above the GA's {ga[1]}")
                    sys.exit(1)
                row = {"n": n, "seed": seed, "bound_h": bound / HOUR if bound else None,
                       "lp_h": gavel_lp_hours(csv, tmp),
                       "ga_h": ga[1] / HOUR, "fcfs_h": fcfs[1] / HOUR,
                       "published_fifo_h": PUBLISHED_FIFO_SEED.get(n, (None,) * 3)[seed] if seed < 3 else None}
                row["gap_pct"] = benchlib.pct(row["ga_h"], row["bound_h"])
                row["lp_gap_pct"] = benchlib.pct(row["ga_h"], row["lp_h"])
                rows.append(row)
                log(f"gavel: N={n} seed {seed}: GA {row['ga_h']:.1f} h, bound "
                    f"{row['bound_h'] or float('nan'):.1f} h, FCFS {row['fcfs_h']:.1f} h")

    def fmt(x, digits=1):
        return "–" if x is None else f"{x:.{digits}f}"

    settings = (f"GA (`solve`, default solver, `--order {args.order} --queue {args.queue}`, "
                f"`--time-limit {args.seconds:g} "
                f"--threads {args.threads} --seed 1`)")
    lines = [f"Regenerate: `{benchlib.command_line('gavel.sh')}` (commit {benchlib.git_commit()}, "
             f"{benchlib.machine()}, load average {benchlib.load_average()} at the end).", "",
             f"{settings} and our FCFS (`--solver fcfs --order fcfs --queue strict`: job order, "
             "no overtaking) on Gavel's job sets (36 V100 + 36 P100 + 36 K80; docs/gavel.md). "
             "Every makespan is the one `allocopt evaluate` gives on the written result, and "
             "every written plan is re-checked from the job file alone by bench/gavel.py "
             "(durations, GPU counts, at most 36 GPUs of a type busy at any time, the last end). "
             "Bound: the lower bound `solve` reports, the largest of the makespan LP's (a "
             "preemptive bound), the midpoint bound and the non-preemptive LP bound (both for "
             "non-preemptive plans only; docs/gavel.md), all re-derived independently in the "
             "section gavel-bounds. Gavel's LP: the makespan LP alone (GLPK, from the job file), "
             "the bound the issue's targets name. "
             "Published: problems/gavel/README.md (means over seeds 0-2; Gavel's is preemptive) and "
             "the per-seed FIFO of the data README. Hours.", "",
             "| N | seed | Gavel's LP | bound | GA | GA over Gavel's LP | GA over bound | our FCFS | "
             "published FIFO |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['seed']} | {fmt(r['lp_h'])} | {fmt(r['bound_h'])} | "
                     f"{fmt(r['ga_h'])} | {fmt(r['lp_gap_pct'], 2)} % | {fmt(r['gap_pct'], 2)} % | "
                     f"{fmt(r['fcfs_h'])} | {fmt(r['published_fifo_h'])} |")
    lines += ["", "Means over the seeds, against the published means (target: GA <= Gavel, "
              ">= 2.4x better than FIFO, >= 1.5x better than Gandiva):", "",
              "| N | Gavel's LP | bound | GA | GA over Gavel's LP | GA over bound | our FCFS | FIFO | "
              "Gandiva | Gavel | FIFO / GA | Gandiva / GA | GA <= Gavel |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|"]
    summary = []
    for n in sizes:
        mine = [r for r in rows if r["n"] == n]
        bounds = [r["bound_h"] for r in mine if r["bound_h"] is not None]
        bound = statistics.mean(bounds) if len(bounds) == len(mine) else None
        ga = statistics.mean(r["ga_h"] for r in mine)
        lp = statistics.mean(r["lp_h"] for r in mine)
        fcfs = statistics.mean(r["fcfs_h"] for r in mine)
        fifo, gandiva, gavel = PUBLISHED.get(n, (None, None, None))
        s = {"n": n, "lp_h": lp, "lp_gap_pct": benchlib.pct(ga, lp), "bound_h": bound, "ga_h": ga, "fcfs_h": fcfs, "gap_pct": benchlib.pct(ga, bound),
             "fifo_over_ga": fifo / ga if fifo else None, "gandiva_over_ga": gandiva / ga if gandiva else None,
             "ga_at_most_gavel": ga <= gavel if gavel else None}
        summary.append(s)
        lines.append(f"| {n} | {fmt(lp)} | {fmt(bound)} | {fmt(ga)} | {fmt(s['lp_gap_pct'], 2)} % | "
                     f"{fmt(s['gap_pct'], 2)} % | {fmt(fcfs)} | "
                     f"{fmt(fifo)} | {fmt(gandiva)} | {fmt(gavel)} | {fmt(s['fifo_over_ga'], 2)} | "
                     f"{fmt(s['gandiva_over_ga'], 2)} | {'yes' if s['ga_at_most_gavel'] else 'no'} |")
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "gavel",
                        "Gavel's makespan experiment (issue #17)", benchlib.RESULTS_MD],
                       input=section, text=True, check=True, cwd=ROOT)
        benchlib.write_atomic(os.path.join(benchlib.RESULTS_DIR, "gavel.json"),
                              json.dumps({"settings": vars(args), "rows": rows, "means": summary}, indent=1) + "\n")


if __name__ == "__main__":
    benchlib.run_main(main, "gavel")
