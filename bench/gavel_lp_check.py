"""Independent check of allocopt's lower bounds on Gavel's job sets (issue #17): writes Gavel's
makespan LP straight from the CSV, in the form of the data README (maximise y subject to
sum_type thr * X >= total_steps * y, sum_type X <= 1 per job, sum_job scale_factor * X <= GPUs
per type, X >= 0; the bound is T = 1 / y), solves it with GLPK's glpsol (Debian glpk-utils) and
compares T with the bound that `allocopt solve --from gavel` reports (solver.lower_bound of its
JSON result). allocopt solves another form of the same LP (min T over work fractions, with
CLP) and certifies its value from the dual prices, so the two paths share nothing but the CSV.
It also computes the midpoint bound (bounds.hpp: a job whose every way to end by T takes more
than T/2 runs at T/2, so for every set S of GPU types the GPUs of the jobs that can only run
in S must fit S) by its own bisection, and the non-preemptive LP bound (bounds.hpp: a schedule
that ends by T only uses the (job, type) pairs whose run time is at most T, so the LP over those
pairs alone must give at most T; the smallest such T), by a bisection on T in hours that solves
the README's LP restricted to those pairs with glpsol at each step, and checks that allocopt
reports the largest of the three.

    python3 bench/gavel_lp_check.py [--allocopt build/allocopt] [--cluster 36:36:36]
                                    [--tolerance 1e-6] [--write] [JOBS.csv ...]

--write also puts the table in bench/RESULTS.md (section `gavel-bounds`).

Without files, every problems/gavel/jobs_*.csv. Prints one row per file and exits 1 when a
relative difference between the reported bound and max(LP, midpoint, non-preemptive LP) is
above the tolerance
(or a tool fails). Each job's row is divided by its
total_steps (a positive constant: the same LP), and time is in hours, so that every
coefficient is a rate per hour and glpsol needs no extreme scaling."""
import argparse
import csv
import glob
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = ["v100", "p100", "k80"]


def read_jobs(path):
    jobs = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            jobs.append((int(row["scale_factor"]), float(row["total_steps"]),
                         [float(row["thr_" + t]) for t in TYPES]))
    return jobs


def usable_types(job, gpus, limit):
    """The types where the job has a throughput, enough GPUs, and a run time of at most `limit`
    hours."""
    sf, steps, thr = job
    return [t for t in range(3)
            if thr[t] > 0 and gpus[t] >= sf and steps / thr[t] / 3600.0 <= limit]


def write_lp(jobs, gpus, path, limit=math.inf):
    """The README's LP in CPLEX LP format; rates in job-fractions per hour. With `limit`, each
    job only on the types where it runs at most `limit` hours (False when a job has none)."""
    lines = ["Maximize", " obj: y", "Subject To"]
    for i, (sf, steps, thr) in enumerate(jobs):
        # A type is usable when the job has a throughput there and the type has enough GPUs.
        usable = usable_types((sf, steps, thr), gpus, limit)
        if not usable:
            return False
        work = " + ".join(f"{thr[t] * 3600.0 / steps:.17g} x_{i}_{t}" for t in usable)
        lines.append(f" work_{i}: {work} - y >= 0")
        lines.append(f" time_{i}: " + " + ".join(f"x_{i}_{t}" for t in usable) + " <= 1")
    for t in range(3):
        terms = [f"{job[0]} x_{i}_{t}" for i, job in enumerate(jobs)
                 if t in usable_types(job, gpus, limit)]
        if terms:
            lines.append(f" gpus_{TYPES[t]}: " + " + ".join(terms) + f" <= {gpus[t]}")
    lines += ["End", ""]
    # CPLEX LP lines must stay under 255 characters: break long sums.
    out = []
    for line in lines:
        while len(line) > 200:
            cut = line.rfind(" + ", 0, 200)
            out.append(line[:cut])
            line = "   " + line[cut:]
        out.append(line)
    with open(path, "w") as f:
        f.write("\n".join(out))
    return True


def nonpreemptive_bound(jobs, gpus, tmp, steps=40):
    """The smallest T (hours) with LP_T <= T, LP_T the README's LP over the pairs that run at
    most T hours: a bisection on T (LP_T only falls as T grows), from the longest of the jobs'
    shortest run times to the LP over every pair."""
    lp, sol = os.path.join(tmp, "np.lp"), os.path.join(tmp, "np.sol")

    def passes(T):
        return write_lp(jobs, gpus, lp, T) and 1.0 / glpk_value(lp, sol) <= T

    lo = max(min(steps_ / thr[t] / 3600.0 for t in range(3) if thr[t] > 0 and gpus[t] >= sf)
             for sf, steps_, thr in jobs)
    if passes(lo):
        return lo
    write_lp(jobs, gpus, lp)
    hi = max(lo, 1.0 / glpk_value(lp, sol))
    longest = max(steps_ / thr[t] / 3600.0 for sf, steps_, thr in jobs for t in range(3)
                  if thr[t] > 0 and gpus[t] >= sf)
    hi = max(hi, longest)  # every pair usable: LP_hi is the full LP's value, at most hi
    return bisect(passes, lo, hi, steps)[1]


def bisect(passes, lo, hi, steps):
    """(lo, hi) after `steps` halvings of [lo, hi], keeping passes(hi) true and passes(lo)
    false (passes is monotone: false below some T, true from it on)."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi


def midpoint_bound(jobs, gpus):
    """The midpoint bound in hours, by bisection on T over the jobs' durations per type."""
    hours = [[steps / thr[t] / 3600.0 if thr[t] > 0 and gpus[t] >= sf else math.inf
              for t in range(3)] for sf, steps, thr in jobs]
    subsets = [S for r in (1, 2, 3) for S in itertools.combinations(range(3), r)]

    def fits(T):
        need = {}
        for (sf, _, _), d in zip(jobs, hours):
            allowed = frozenset(t for t in range(3) if d[t] <= T)
            if not allowed:
                return False
            if all(d[t] > T / 2 for t in allowed):
                need[allowed] = need.get(allowed, 0) + sf
        return all(sum(v for a, v in need.items() if a <= set(S)) <= sum(gpus[t] for t in S)
                   for S in subsets)

    lo = max(min(d) for d in hours)
    if fits(lo):
        return lo
    hi = 2 * max(x for d in hours for x in d if x < math.inf)
    return bisect(fits, lo, hi, 200)[0]


def glpk_value(lp_path, sol_path):
    """y* (per hour) from glpsol's raw solution file (printed with full precision)."""
    run = subprocess.run(["glpsol", "--lp", lp_path, "-w", sol_path], capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise RuntimeError(f"glpsol failed: {run.stdout[-500:]}{run.stderr[-500:]}")
    for line in open(sol_path):
        parts = line.split()
        if parts[:2] == ["s", "bas"]:
            if parts[4:6] != ["f", "f"]:
                raise RuntimeError(f"glpsol: no optimal basic solution ({line.strip()})")
            return float(parts[6])
    raise RuntimeError("glpsol wrote no solution line")


def allocopt_bound(exe, path, cluster, out_path):
    """solver.lower_bound (seconds) of `allocopt solve --from gavel` with the FCFS policy."""
    run = subprocess.run([exe, "solve", "--from", "gavel", path, "--cluster", cluster,
                          "--solver", "fcfs", "--no-baseline", "-q", "-o", out_path],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"allocopt failed ({run.returncode}): {run.stderr[-500:]}")
    with open(out_path) as f:
        result = json.load(f)
    bound = result["solver"].get("lower_bound")
    if bound is None:
        raise RuntimeError("allocopt reported no lower bound (built without CLP?)")
    return float(bound), float(result["objective"]["value"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--allocopt", default=os.path.join(ROOT, "build", "allocopt"))
    ap.add_argument("--cluster", default="36:36:36")
    ap.add_argument("--tolerance", type=float, default=1e-6)
    ap.add_argument("--write", action="store_true", help="put the table in bench/RESULTS.md")
    a = ap.parse_args()
    files = a.files or sorted(glob.glob(os.path.join(ROOT, "problems", "gavel", "jobs_*.csv")))
    gpus = [int(x) for x in a.cluster.split(":")]
    worst = 0.0
    table = ["| file | glpsol LP bound (h) | midpoint bound (h) | non-preemptive LP bound (h) | "
             "allocopt bound (h) | relative difference | glpsol s | allocopt FCFS (h) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    print("\n".join(table))
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            lp, sol, res = (os.path.join(tmp, n) for n in ("gavel.lp", "gavel.sol", "r.json"))
            jobs = read_jobs(path)
            write_lp(jobs, gpus, lp)
            start = time.perf_counter()
            y = glpk_value(lp, sol)
            seconds = time.perf_counter() - start
            lp_hours, mid_hours = 1.0 / y, midpoint_bound(jobs, gpus)
            np_hours = nonpreemptive_bound(jobs, gpus, tmp)
            reference = max(lp_hours, mid_hours, np_hours)
            ours, fcfs = allocopt_bound(a.allocopt, path, a.cluster, res)
            ours /= 3600.0
            diff = abs(ours - reference) / reference
            worst = max(worst, diff)
            table.append(f"| {os.path.basename(path)} | {lp_hours:.9f} | {mid_hours:.9f} | "
                         f"{np_hours:.9f} | {ours:.9f} | "
                         f"{diff:.2e} | {seconds:.2f} | {fcfs / 3600.0:.3f} |")
            print(table[-1])
    summary = f"largest relative difference {worst:.2e} (tolerance {a.tolerance:g})"
    print("\n" + summary)
    if a.write:
        command = "python3 bench/gavel_lp_check.py" + "".join(" " + x for x in sys.argv[1:])
        text = "\n".join([f"`{command}`: Gavel's makespan LP written from the job file and solved by "
                          "GLPK, the midpoint bound (bench/gavel_lp_check.py's own bisection) and the "
                          "non-preemptive LP bound (a bisection on T over the same LP restricted to the "
                          "pairs that run at most T, solved by GLPK at each step), against the bound "
                          "`allocopt solve` reports, which must be the largest of the three. The "
                          "midpoint and non-preemptive bounds hold for non-preemptive schedules only; the "
                          "LP bounds preemptive ones too (Gavel's policy).", "", *table, "",
                          summary + "."])
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "gavel-bounds",
                        "Gavel: the LP, midpoint and non-preemptive LP bounds, checked independently "
                        "(issue #17)"],
                       input=text, text=True, check=True)
    return 0 if worst <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
