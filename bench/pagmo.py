"""pagmo2's algorithms against ours (issue 18, docs/pagmo.md): `ga`, `pso` and every pagmo-*
solver, unseeded and seeded (`--opt seeded=true`), on the 12 Braun ETC instances and gapa-gapd,
at an equal budget of evaluations (`--evals`, section `pagmo`) or of wall time (`--seconds`,
section `pagmo-time`), one seed. Every written assignment is re-scored with
`allocopt evaluate` (an independent path). Writes bench/results/pagmo.json and the section
`pagmo` of bench/RESULTS.md (through bench/put_section.py). Python 3 standard library only.

With --throughput: runs allocopt-bench-pagmo (bench/pagmo_bench.cpp: pagmo's problem::fitness
path against our batch evaluation on one core, 5 repetitions, medians of CPU time), reads the
candidates per second of the equal-time table (bench/results/pagmo-time.json) and writes the
section `pagmo-throughput`.

Usage: bash bench/pagmo.sh [--evals N | --seconds S | --throughput] [--seed N] [--threads N] [--sets braun,gapabcd]
                           [--instances GLOBS] [--solvers LIST] [--build-dir DIR] [--no-build]
                           [--dry-run]
Exit: 0 ok; 1 a re-check mismatch or a solver error; 130 interrupted (nothing written).
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, RESULTS_DIR, Interrupted, command_line, ensure_binary, log, pct, run_main, write_atomic  # noqa: E402
import quality  # noqa: E402  (instances_of, load_references, SETS: the instance lists)

PAGMO = ["pagmo-sga", "pagmo-gaco", "pagmo-pso_gen", "pagmo-de", "pagmo-sade", "pagmo-ihs", "pagmo-nsga2"]
OURS = ["ga", "pso"]


def specs(solvers):
    """(label, solver, options) per run: ours as they are, each pagmo solver unseeded and seeded."""
    out = []
    for s in solvers:
        if s.startswith("pagmo-"):
            out.append((s, s, []))
            out.append((s + " seeded", s, ["seeded=true"]))
        else:
            out.append((s, s, []))
    return out


def run(binary, cfg, inst, solver, opts, evals, seconds, seed, threads, tmp):
    name, path, k, ref = inst
    source = ["--from", cfg["format"], path] + (["--instance", str(k)] if k is not None else [])
    out = os.path.join(tmp, "result.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [binary, "solve", *source, "--solver", solver]
    for o in opts:
        cmd += ["--opt", o]
    limit = ["--time-limit", str(seconds)] if seconds else ["--max-evals", str(evals)]
    cmd += [*limit, "--seed", str(seed), "--threads", str(threads), "-o", out, "--quiet"]
    row = dict(instance=name, solver=solver, options=" ".join(opts), value=None, feasible=None,
               evaluations=None, seconds=None, stop=None, recheck="", error="")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode == 130:
        raise Interrupted()
    if p.returncode not in (0, 1) or not os.path.exists(out):
        row["error"] = f"exit {p.returncode}: " + (p.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return row
    result = json.load(open(out))
    s, obj = result["solver"], result["objective"]
    row.update(value=obj["value"], feasible=bool(obj["feasible"]), evaluations=s.get("evaluations"),
               seconds=s.get("seconds"), stop=s.get("stop"))
    ev = subprocess.run([binary, "evaluate", *source, "--allocation", out, "--format", "json"],
                        capture_output=True, text=True, timeout=600)
    if ev.returncode == 130:
        raise Interrupted()
    try:
        check = json.loads(ev.stdout)["objective"]
        same = quality.close(row["value"], check["value"]) and bool(check["feasible"]) == row["feasible"]
        row["recheck"] = "ok" if same else f"MISMATCH: reported {row['value']!r}, recomputed {check['value']!r}"
    except (ValueError, KeyError, TypeError):
        if ev.returncode == 2 and row["feasible"] is False:
            row["recheck"] = "unchecked (evaluate refuses an over-capacity allocation)"
        else:
            row["recheck"] = f"MISMATCH: evaluate failed (exit {ev.returncode})"
    if not seconds and row["evaluations"] is not None and row["evaluations"] > evals:
        row["error"] = f"{row['evaluations']} evaluations, above the budget {evals}"
    return row


def fmt_gap(v):
    return "—" if v is None else f"{v:.1f}"


def section(rows, sets, labels, meta, refs_by_inst):
    budget = (f"{meta['seconds']:g} s of wall time" if meta.get("seconds")
              else f"{meta['evals']:,} evaluations")
    lines = [f"`{meta['command']}`: {budget} per run, seed {meta['seed']}, "
             f"{meta['threads']} thread(s), {meta['started']}, load average {meta['load']} on this "
             "shared machine (the rates move with it). Gap: % above the best known value (an "
             "infeasible result shows `inf.`). Every assignment was re-scored by `allocopt "
             "evaluate`. candidates/s = evaluations / solver seconds; an evaluation of `ga`, `pso` "
             "and of the seeded starts also counts a delta-scored move or a priced task x resource "
             "pair of the Lagrangian starts (docs/design.md §Solvers), so only the unseeded pagmo "
             "rows are full scorings per second.", ""]
    by = {(r["instance"], r["label"]): r for r in rows}
    for set_name, insts in sets:
        lines += [f"### {quality.SETS[set_name]['title']}", ""]
        lines.append("| solver | " + " | ".join(i[0] for i in insts) + " | mean gap % | candidates/s |")
        lines.append("|---" * (len(insts) + 3) + "|")
        for label in labels:
            cells, gaps, rate_e, rate_s = [], [], 0, 0.0
            for inst in insts:
                r = by.get((inst[0], label))
                if r is None or r["value"] is None:
                    cells.append("err" if r else "")
                    continue
                ref = refs_by_inst[inst[0]]
                g = pct(r["value"], ref) if r["feasible"] else None
                cells.append(fmt_gap(g) if r["feasible"] else "inf.")
                if g is not None:
                    gaps.append(g)
                rate_e += r["evaluations"] or 0
                rate_s += r["seconds"] or 0.0
            mean = fmt_gap(sum(gaps) / len(gaps)) if gaps and len(gaps) == len(insts) else "—"
            rate = f"{rate_e / rate_s:,.0f}" if rate_s > 0 else "—"
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {mean} | {rate} |")
        lines.append("")
    bad = [r for r in rows if r["error"] or r["recheck"].startswith("MISMATCH")]
    lines.append(f"Re-checks: {sum(r['recheck'] == 'ok' for r in rows)} of {len(rows)} ok; "
                 f"{len(bad)} errors or mismatches.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(prog="bash bench/pagmo.sh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--evals", type=int, default=50000)
    ap.add_argument("--seconds", type=float, default=0,
                    help="a time limit per run instead of --evals (section pagmo-time)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sets", default="braun,gapabcd")
    ap.add_argument("--instances", default="*", help="comma list of glob patterns on instance names")
    ap.add_argument("--solvers", default=",".join(OURS + PAGMO))
    ap.add_argument("--build-dir", default="build-quality")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--throughput", action="store_true",
                    help="the throughput comparison (section pagmo-throughput), run nothing else")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite the section from bench/results/pagmo.json, run nothing")
    a = ap.parse_args()
    if a.throughput:
        throughput()
        return
    refs = quality.load_references()
    globs = a.instances.split(",")
    sets = []
    refs_by_inst = {}
    for set_name in a.sets.split(","):
        insts = [i for i in quality.instances_of(set_name, refs) if any(fnmatch.fnmatch(i[0], g) for g in globs)]
        key = quality.SETS[set_name]["primary"][0]
        for i in insts:
            refs_by_inst[i[0]] = i[3][key]
        sets.append((set_name, insts))
    runs = specs(a.solvers.split(","))
    key = "pagmo-time" if a.seconds else "pagmo"
    store = os.path.join(RESULTS_DIR, key + ".json")
    if a.render_only:
        saved = json.load(open(store))
        write_section(saved["rows"], sets, runs, saved["meta"], refs_by_inst, key)
        return
    binary = ensure_binary(a.build_dir, a.no_build, "pagmo")
    meta = dict(command=command_line("pagmo.sh"), evals=a.evals, seconds=a.seconds, seed=a.seed, threads=a.threads,
                started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load=None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for set_name, insts in sets:
            cfg = quality.SETS[set_name]
            for inst in insts:
                for label, solver, opts in runs:
                    if a.dry_run:
                        log(set_name, inst[0], label)
                        continue
                    r = run(binary, cfg, inst, solver, opts, a.evals, a.seconds, a.seed, a.threads, tmp)
                    r["label"] = label
                    rows.append(r)
                    log(f"pagmo: {inst[0]:12} {label:22} {r['value']!s:>14} {r['evaluations']!s:>7} "
                        f"{(r['seconds'] or 0):7.2f} s {r['recheck']} {r['error']}")
    if a.dry_run:
        return
    meta["load"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    write_atomic(store, json.dumps(dict(meta=meta, rows=rows), indent=1) + "\n")
    write_section(rows, sets, runs, meta, refs_by_inst, key)
    if any(r["error"] or r["recheck"].startswith("MISMATCH") for r in rows):
        sys.exit(1)


def throughput():
    """Issue 18's two throughput ratios, each from one run."""
    build = os.path.join(ROOT, "build-bench")
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "deps.sh")], cwd=ROOT, check=True, stdout=sys.stderr)
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DALLOCOPT_BUILD_BENCH=ON",
                    "-DALLOCOPT_BUILD_TESTS=OFF", "-DALLOCOPT_BUILD_CLI=OFF", "-DALLOCOPT_WITH_PAGMO=ON"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "-j", str(os.cpu_count() or 1), "--target", "allocopt-bench-pagmo"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        subprocess.run([os.path.join(build, "bench", "allocopt-bench-pagmo"), "--benchmark_repetitions=5",
                        "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.5",
                        f"--benchmark_out={out}", "--benchmark_out_format=json"], check=True, stdout=sys.stderr)
        data = json.load(open(out))
    med = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
    rate = {k: b["items_per_second"] for k, b in med.items()}
    batch = rate["BM_Batch/threads:1"]
    lines = [f"`{command_line('pagmo.sh')}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
             f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}: bench/pagmo_bench.cpp on Braun u_c_hihi.0 "
             "(512 x 16), 256 random candidates scored in turn on one core; medians of 5 repetitions, "
             "items per second of CPU time (the batch runs on the calling thread).", "",
             "| path | candidates/s | our batch / this |", "|---|---:|---:|"]
    for name, label in [("BM_PagmoFitness/user-udp", "pagmo `problem::fitness`, a makespan UDP as a user writes it"),
                        ("BM_PagmoFitness/allocopt-udp", "pagmo `problem::fitness`, our Evaluator inside the UDP"),
                        ("BM_Evaluate", "our `Evaluator::evaluate`, one at a time"),
                        ("BM_Batch/threads:1", "our `Evaluator::evaluate_batch`, 256 per batch, 1 thread")]:
        lines.append(f"| {label} | {rate[name]:,.0f} | {batch / rate[name]:.2f}x |")
    lines += ["", "Target (issue 18): our batch at least 1.5x pagmo's fitness path per core.", ""]
    store = os.path.join(RESULTS_DIR, "pagmo-time.json")
    if os.path.exists(store):
        saved = json.load(open(store))
        sums = {}
        for r in saved["rows"]:
            if r["evaluations"] and r["seconds"]:
                e, s = sums.get(r["label"], (0, 0.0))
                sums[r["label"]] = (e + r["evaluations"], s + r["seconds"])
        rates = {k: e / s for k, (e, s) in sums.items() if s > 0}
        pagmo_rates = {k: v for k, v in rates.items() if k.startswith("pagmo-") and not k.endswith("seeded")}
        if "ga" in rates and pagmo_rates:
            fastest = max(pagmo_rates, key=pagmo_rates.get)
            lines.append(f"Candidates scored per second over the equal-time table ({saved['meta']['command']}, "
                         f"{saved['meta']['started']}, every instance): `ga` {rates['ga']:,.0f}/s (delta-scored "
                         f"moves count, docs/design.md §Solvers), pagmo's fastest loop `{fastest}` "
                         f"{pagmo_rates[fastest]:,.0f}/s (full scorings): {rates['ga'] / pagmo_rates[fastest]:.0f}x "
                         "(target: at least 50x).")
    else:
        lines.append("(No equal-time table yet: run `bash bench/pagmo.sh --seconds 10` for the GA's rate.)")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "pagmo-throughput",
                    "pagmo2's fitness path against our evaluation: throughput (issue 18)"],
                   input="\n".join(lines), text=True, check=True)


def write_section(rows, sets, runs, meta, refs_by_inst, key):
    text = section(rows, sets, [label for label, _, _ in runs], meta, refs_by_inst)
    title = ("pagmo2's algorithms against ga and pso, equal time (issue 18)" if key == "pagmo-time"
             else "pagmo2's algorithms against ga and pso, equal evaluations (issue 18)")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), key, title],
                   input=text, text=True, check=True)


if __name__ == "__main__":
    run_main(main, "pagmo")
