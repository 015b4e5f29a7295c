"""GPU-cluster schedules with unit choices (issue #12): the GA against the exact optimum on small
generated clusters, against every constructive policy on medium and large ones, and the tool at
100,000 jobs. Run through bench/cluster.sh, which documents the options; prints one Markdown
section on stdout, progress on stderr. Exit 1 when a re-scored value or feasibility flag
disagrees with the one reported (or an optimum is beaten), 2 on bad usage."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import log

POLICIES = ["fcfs", "sjf", "priority", "first-fit", "best-fit", "first-fit-decreasing", "mct",
            "min-min"]
TOLERANCE = 1e-9


def parse_args():
    a = argparse.ArgumentParser(prog="cluster.sh", add_help=True)
    a.add_argument("--bin", default="build/allocopt")
    a.add_argument("--enumerate", default="build/bench/enumerate")
    a.add_argument("--parts", default="small,medium,scale")
    a.add_argument("--seeds", type=int, default=20, help="small: seeds 1..N")
    a.add_argument("--small", default="8x3", help="small: JOBSxNODES")
    a.add_argument("--small-seconds", type=float, default=2)
    a.add_argument("--enumerate-timeout", type=float, default=1800)
    a.add_argument("--sizes", default="300x16,2000x64,10000x256,20000x256")
    a.add_argument("--policies", default=",".join(POLICIES))
    a.add_argument("--ga-seconds", type=float, default=20)
    a.add_argument("--policy-timeout", type=float, default=600)
    a.add_argument("--scale-size", default="100000x1000")
    a.add_argument("--scale-seconds", type=float, default=60)
    a.add_argument("--generate-timeout", type=float, default=900)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--keep", help="keep the generated problems and results in this folder")
    return a.parse_args()


def size(text):
    jobs, nodes = text.lower().split("x")
    return int(jobs), int(nodes)


class Run:
    """One measured process: wall seconds (the whole process, parsing included), peak RSS (MiB,
    /usr/bin/time -f %M), exit code; timed_out when `timeout` killed it."""

    def __init__(self, cmd, limit, work):
        stats = os.path.join(work, "time.txt")
        full = ["/usr/bin/time", "-f", "%e %M", "-o", stats,
                "timeout", "-k", "10", str(limit)] + cmd
        r = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode in (130, -2):
            raise KeyboardInterrupt()
        self.rc = r.returncode
        self.stdout, self.stderr = r.stdout, r.stderr
        self.timed_out = self.rc in (124, 137)
        self.wall = self.rss = None
        try:
            last = open(stats).read().strip().splitlines()[-1].split()
            self.wall, self.rss = float(last[0]), int(last[1]) / 1024
        except (OSError, IndexError, ValueError):
            pass

    def cell_time(self):
        return "-" if self.wall is None else f"{self.wall:.2f}"

    def cell_rss(self):
        return "-" if self.rss is None else f"{self.rss:.0f}"

    def failure(self, limit):
        if self.timed_out:
            return f"**killed after {limit:g} s**"
        err = self.stderr.strip().splitlines()
        return f"**exit {self.rc}**" + (f" ({err[-1][:80]})" if err else "")


class Bench:
    def __init__(self, o, work):
        self.o, self.work = o, work
        self.failed = False

    def path(self, name):
        return os.path.join(self.work, name)

    def generate(self, jobs, nodes, seed, limit):
        out = self.path(f"cluster-{jobs}x{nodes}-s{seed}.yaml")
        run = Run([self.o.bin, "generate", "cluster", "--jobs", str(jobs), "--nodes", str(nodes),
                   "--seed", str(seed), "-o", out], limit, self.work)
        return out if run.rc == 0 else None, run

    def solve(self, problem, solver, out, limit, extra=()):
        return Run([self.o.bin, "solve", problem, "--solver", solver, "--threads",
                    str(self.o.threads), "-q", "-o", out, *extra], limit, self.work)

    def rescore(self, problem, allocation, limit):
        """(value, feasible) by `allocopt evaluate`, or None."""
        r = Run([self.o.bin, "evaluate", problem, "--allocation", allocation, "--format", "json"],
                limit, self.work)
        if r.rc not in (0, 1):
            return None
        try:
            obj = json.loads(r.stdout)["objective"]
            return float(obj["value"]), bool(obj["feasible"])
        except (ValueError, KeyError):
            return None

    def check(self, reported, rescored, what):
        """Marks a disagreement between what a run reported and what evaluate recomputed."""
        if rescored is None or reported is None:
            self.failed = True
            log(f"cluster: {what}: no re-score")
            return False
        (v, f), (rv, rf) = reported, rescored
        ok = f == rf and abs(v - rv) <= TOLERANCE * max(1.0, abs(v), abs(rv))
        if not ok:
            self.failed = True
            log(f"cluster: {what}: reported {v!r} feasible={f}, re-scored {rv!r} feasible={rf}")
        return ok


def result_value(path):
    try:
        obj = json.load(open(path))["objective"]
        return float(obj["value"]), bool(obj["feasible"])
    except (OSError, ValueError, KeyError):
        return None


def fmt(value, feasible=True):
    if value is None:
        return "-"
    return f"{value:.8g}" + ("" if feasible else " (infeasible)")


def reached(value, optimum):
    return abs(value - optimum) <= TOLERANCE * max(1.0, abs(optimum))


def small(b):
    o = b.o
    jobs, nodes = size(o.small)
    print(f"### Small: {jobs} jobs x {nodes} nodes, seeds 1..{o.seeds}: the GA against the "
          "exact optimum\n")
    print("| seed | space | canonical | enumerate s | optimum | re-scored | GA | GA re-scored "
          "| gap % | optimum reached |")
    print("|---:|---:|---:|---:|---:|:-:|---:|:-:|---:|:-:|")
    hits = counted = 0
    total_seconds = 0.0
    for seed in range(1, o.seeds + 1):
        problem, gen = b.generate(jobs, nodes, seed, o.generate_timeout)
        if problem is None:
            print(f"| {seed} | generate: {gen.failure(o.generate_timeout)} | | | | | | | | |")
            b.failed = True
            continue
        optimum_file = b.path(f"opt-{seed}.yaml")
        e = Run([o.enumerate, problem, "--json", "--threads", str(o.threads), "-o", optimum_file],
                o.enumerate_timeout, b.work)
        log(f"  small seed {seed}: enumerate exit {e.rc}, {e.cell_time()} s")
        optimum = None
        if e.rc == 0:
            summary = json.loads(e.stdout)
            optimum = (float(summary["value"]), bool(summary["feasible"]))
            total_seconds += summary["seconds"]
            ok = b.check(optimum, b.rescore(problem, optimum_file, 600), f"optimum of seed {seed}")
            row = [str(seed), str(summary["space"]), str(summary["enumerated"]),
                   f"{summary['seconds']:.2f}", fmt(*optimum), "ok" if ok else "**NO**"]
        elif e.rc == 3:
            refusal = e.stderr.strip().splitlines()[-1].replace("enumerate: ", "")
            row = [str(seed), refusal, "-", "-", "-", "-"]
        else:
            row = [str(seed), e.failure(o.enumerate_timeout), "-", e.cell_time(), "-", "-"]
            b.failed = True
        out = b.path(f"ga-{seed}.json")
        g = b.solve(problem, "ga", out, 3 * o.small_seconds + 60,
                    ["--time-limit", str(o.small_seconds), "--seed", "1"])
        ga = result_value(out) if g.rc in (0, 1) else None
        if ga is None:
            row += [g.failure(3 * o.small_seconds + 60), "-", "-", "-"]
            b.failed = True
        else:
            ok = b.check(ga, b.rescore(problem, out, 600), f"GA on seed {seed}")
            row += [fmt(*ga), "ok" if ok else "**NO**"]
            if optimum is not None and optimum[1]:
                counted += 1
                gap = 100 * (ga[0] - optimum[0]) / abs(optimum[0]) if optimum[0] else 0.0
                if summary["sense"] == "maximize":
                    gap = -gap
                hit = ga[1] and reached(ga[0], optimum[0])
                gap = 0.0 if hit else gap  # no "-0.000" for a value within rounding
                hits += hit
                if ga[1] and gap < -100 * TOLERANCE:
                    b.failed = True  # better than the exact optimum: one of them is wrong
                    log(f"cluster: seed {seed}: the GA beats the enumerated optimum")
                row += [f"{gap:.3f}", "yes" if hit else "no"]
            else:
                row += ["-", "-"]
        print("| " + " | ".join(row) + " |")
    print(f"\nOptimum reached on {hits} of {o.seeds} (relative tolerance {TOLERANCE:g}; "
          f"{counted} with a feasible enumerated optimum). GA: `solve --time-limit "
          f"{o.small_seconds:g} --threads {o.threads} --seed 1`. Enumeration: `bench/enumerate "
          f"PROBLEM --threads {o.threads}`, {total_seconds:.1f} s in all; 'space' counts every "
          "allocation, 'canonical' the ones scored (one per class of allocations that identical "
          "nodes make equal). Every optimum and every GA result is re-scored by `allocopt "
          "evaluate`.\n")


def medium(b, sizes, ga_seconds, title):
    o = b.o
    policies = [p for p in o.policies.split(",") if p]
    print(f"### {title}\n")
    print("| problem | run | wall s | peak RSS MiB | value | re-scored | feasible |")
    print("|---|---|---:|---:|---:|:-:|:-:|")
    margins = []
    for jobs, nodes in sizes:
        name = f"{jobs}x{nodes}"
        problem, gen = b.generate(jobs, nodes, 1, o.generate_timeout)
        print(f"| {name} | generate | {gen.cell_time()} | {gen.cell_rss()} | "
              f"{'-' if problem else gen.failure(o.generate_timeout)} | | |")
        log(f"  {name}: generate exit {gen.rc}, {gen.cell_time()} s")
        if problem is None:
            margins.append(f"{name}: not generated")
            continue
        runs = [(p, [], o.policy_timeout) for p in policies]
        runs.append(("ga", ["--time-limit", str(ga_seconds), "--seed", "1"],
                     3 * ga_seconds + 120))
        values = {}
        for solver, extra, limit in runs:
            out = b.path(f"{name}-{solver}.json")
            r = b.solve(problem, solver, out, limit, extra)
            log(f"  {name} {solver}: exit {r.rc}, {r.cell_time()} s")
            label = solver if solver != "ga" else f"ga {ga_seconds:g} s"
            value = result_value(out) if r.rc in (0, 1) else None
            if value is None:
                print(f"| {name} | {label} | {r.cell_time()} | {r.cell_rss()} | "
                      f"{r.failure(limit)} | | |")
                continue
            rescored = b.rescore(problem, out, max(600, limit))
            ok = b.check(value, rescored, f"{name} {solver}")
            if ok and value[1]:
                values[solver] = value[0]
            print(f"| {name} | {label} | {r.cell_time()} | {r.cell_rss()} | {fmt(value[0])} | "
                  f"{'ok' if ok else '**NO**'} | {'yes' if value[1] else '**no**'} |")
        best = min((v, p) for p, v in values.items() if p != "ga") if len(values) > 1 else None
        if best and "ga" in values:
            margin = 100 * (best[0] - values["ga"]) / abs(best[0]) if best[0] else 0.0
            margins.append(f"{name}: GA {margin:+.2f} % against {best[1]}")
        else:
            margins.append(f"{name}: no margin (a run missing)")
    print("\nMargin of the GA over the best policy (positive: the GA is better; feasible, "
          "re-scored runs only): " + "; ".join(margins) + ".")
    print(f"Wall time and peak RSS of the whole process (parsing included, `/usr/bin/time -f "
          f"%M`); policies killed after {o.policy_timeout:g} s; every result re-scored by "
          f"`allocopt evaluate`.\n")


def main():
    o = parse_args()
    parts = set(o.parts.split(","))
    if not parts <= {"small", "medium", "scale"}:
        log(f"cluster: unknown part in --parts {o.parts}")
        return 2
    for tool in [o.bin] + ([o.enumerate] if "small" in parts else []):
        if not os.access(tool, os.X_OK):
            log(f"cluster: {tool} is missing: build it first (see bench/README.md)")
            return 2
    work = o.keep or tempfile.mkdtemp(prefix="allocopt-cluster-")
    os.makedirs(work, exist_ok=True)
    b = Bench(o, work)
    load = open("/proc/loadavg").read().split()[:3]
    print("Regenerate: `bash bench/cluster.sh --write` (about 8 minutes; `bash bench/cluster.sh "
          "--help` for the options).\n")
    print(f"Load average before: {' '.join(load)}; {o.threads} threads.\n")
    try:
        if "small" in parts:
            small(b)
        if "medium" in parts:
            medium(b, [size(s) for s in o.sizes.split(",") if s], o.ga_seconds,
                   f"Medium and large (seed 1): every policy and the GA at {o.ga_seconds:g} s")
        if "scale" in parts:
            scale(b)
    finally:
        if not o.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if b.failed else 0


def scale(b):
    o = b.o
    b.o = argparse.Namespace(**{**vars(o), "policies": "fcfs"})
    try:
        medium(b, [size(o.scale_size)], o.scale_seconds,
               f"Scale: {o.scale_size}, generate, fcfs and the GA at {o.scale_seconds:g} s")
    finally:
        b.o = o


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
