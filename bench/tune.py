"""Tuning harness (issue #15): does `allocopt tune` find a GA configuration that does better than
the defaults on instances it never saw? Python 3 standard library only.
Entry point: bash bench/tune.sh [options] (see --help).

  1. Instances: `allocopt generate gap --type d --agents 10 --jobs 100`, training seeds 1-10,
     test seeds 101-120 (disjoint), generated into a temporary folder (--keep DIR keeps it).
     Only GAP D is used: the GPU-sharing and Gavel families of the other issues have not landed.
  2. The tuning: `allocopt tune --solver ga --instances train/ --test-instances test/ --budget B
     --max-evals E --seed 1 --parallel 2 --test-replicates 2 --format json --state tune.state
     -o tuned.yaml`, timed (wall time, runs/s).
  3. The re-check, by a separate path: for every test instance and seeds 1 and 2,
     `allocopt solve --config tuned.yaml` and `allocopt solve --max-evals E` (the defaults), both
     re-scored with `allocopt evaluate`; a reported value or feasibility flag that evaluate does
     not reproduce is an error. Reference per instance: the largest Lagrangian lower bound in any
     of its result files (solver.lower_bound), else the best value seen. Per instance, the mean
     over seeds of each configuration; then the mean gaps, wins / losses / ties and the exact
     two-sided sign test (ties dropped). The tuner's own test table is shown beside it.
  4. Cost and scaling: a smaller tune (--scaling-budget, no test set, no state) with --parallel 1
     and --parallel 2, --scaling-pairs alternating pairs: the median wall time of each, their
     ratio, and whether every tuned.yaml is byte-identical whatever --parallel.
  5. What the tuned configuration changed from the defaults (`allocopt solvers`).

Results are kept per (max-evals, budget) in bench/results/tune.json (and tune.csv, one row per
test instance); the `tune` section of bench/RESULTS.md shows every stored design. --quick runs a
small design and only prints its section. Exit: 0 ok, 1 a re-check mismatch, a solver error or a
tuned.yaml that depends on --parallel, 2 bad usage, 130 interrupted (nothing written).
"""
import argparse
import csv
import datetime
import io
import json
import math
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict

from benchlib import (RESULTS_DIR, ROOT, Interrupted, binary_version, command_line, ensure_binary, git_commit, load_average, log, machine, on_sigterm, pct, replace_section, run_main, write_atomic)

STORE = os.path.join(RESULTS_DIR, "tune.json")
STORE_CSV = os.path.join(RESULTS_DIR, "tune.csv")
SECTION = "tune"
TITLE = "Tuning on unseen instances: allocopt tune (issue #15)"
REL_TOL = 1e-9
AGENTS, JOBS = 10, 100
TRAIN_SEEDS = list(range(1, 11))
TEST_SEEDS = list(range(101, 121))


def close(a, b, tol=REL_TOL):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def run(cmd, timeout=3600, **kw):
    """subprocess.run that turns a child's SIGINT exit into Interrupted."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if p.returncode in (130, -2):
        raise Interrupted()
    return p


def sign_test_p(wins, losses):
    """Exact two-sided sign test (binomial, p = 1/2) on wins vs losses, ties dropped."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)


def outcome(tuned, defaults):
    """+1 when tuned is lower (better, minimisation), -1 when higher, 0 within REL_TOL."""
    if tuned is None or defaults is None:
        return None
    return 0 if close(tuned, defaults) else (1 if tuned < defaults else -1)


def summary(rows, t_key, d_key, o_key):
    """Mean gaps (%), wins / losses / ties and the sign test p of rows with both gaps."""
    both = [r for r in rows if r.get(t_key) is not None and r.get(d_key) is not None]
    w = sum(1 for r in rows if r.get(o_key) == 1)
    l_ = sum(1 for r in rows if r.get(o_key) == -1)
    t = sum(1 for r in rows if r.get(o_key) == 0)
    return OrderedDict(
        n=len(both),
        tuned_mean_gap=sum(r[t_key] for r in both) / len(both) if both else None,
        default_mean_gap=sum(r[d_key] for r in both) / len(both) if both else None,
        wins=w, losses=l_, ties=t, sign_test_p=sign_test_p(w, l_))


# ---------------------------------------------------------------- the solver's options

def solver_defaults(binary, solver):
    """{option: default text} of `solver` from `allocopt solvers`."""
    out = run([binary, "solvers"]).stdout
    defaults, current = OrderedDict(), None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            current = line.split()[0]
        elif current == solver:
            m = re.match(r"\s+--opt\s+(\S+)\s+\S+\s+default\s+(.*?),", line)
            if m:
                defaults[m.group(1)] = m.group(2)
    return defaults


def config_options(path):
    """{option: value text} under `options:` of a run configuration written by `allocopt tune`."""
    opts, inside = OrderedDict(), False
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            inside = line.strip() == "options:"
            continue
        if inside:
            key, _, value = line.strip().partition(":")
            opts[key.strip()] = value.strip()
    return opts


def same_value(a, b):
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


# ---------------------------------------------------------------- the steps

def generate(binary, work):
    sets = OrderedDict(train=[], test=[])
    for kind, seeds in (("train", TRAIN_SEEDS), ("test", TEST_SEEDS)):
        os.makedirs(os.path.join(work, kind), exist_ok=True)
        for s in seeds:
            path = os.path.join(work, kind, f"d{s:03d}.yaml")
            g = run([binary, "generate", "gap", "--type", "d", "--agents", str(AGENTS), "--jobs", str(JOBS),
                     "--seed", str(s), "-o", path, "-q"])
            if g.returncode != 0:
                log(f"tune: generate failed for seed {s}: {g.stderr.strip()}")
                sys.exit(3)
            sets[kind].append((f"d{s:03d}.yaml", s, path))
    return sets


def timed_tune(binary, work, args_list):
    """Runs `allocopt tune ARGS` in `work`; (wall seconds, load average before, CPU seconds, parsed
    JSON stdout)."""
    load = load_average()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = run([binary, "tune", *args_list], cwd=work)
    wall = time.monotonic() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if p.returncode != 0:
        log(f"tune: `allocopt tune {' '.join(args_list)}` failed (exit {p.returncode}):\n{p.stderr.strip()}")
        sys.exit(1)
    return wall, load, cpu, json.loads(p.stdout)


def state_runs(path):
    """The finished runs of a tune state file (tune_state.hpp): kind (train / test), instance,
    replicate, the configuration's text, feasibility, value, lower bound and the run's seconds."""
    out = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "run" and len(f) == 15:
            num = lambda x: float(x) if x not in ("", "-", "nan") else None  # noqa: E731
            out.append({"kind": f[1], "slot": (int(f[2]), int(f[3])), "config": f[5], "feasible": f[7] == "1",
                        "value": num(f[8]), "bound": num(f[10]), "seconds": float(f[12])})
    return out


def ranks(xs):
    """Average ranks (1-based) of xs, ties sharing their mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(xs, ys):
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx, syy = sum((a - mx) ** 2 for a in rx), sum((b - my) ** 2 for b in ry)
    return None if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


def parameter_association(runs, min_slots=5):
    """Which options go with a better training score: per training run, its gap to the best bound
    of its instance minus the mean gap of the runs on its slot (instance, replicate); per
    configuration with >= min_slots runs, the mean of that residual; then, per numeric option,
    Spearman's rho between the option's value and that mean over the configurations (negative:
    larger values went with smaller gaps). An association over the tuner's own samples, which
    are not independent (later ones cluster around the elites), not a controlled experiment."""
    train = [r for r in runs if r["kind"] == "train" and r["feasible"] and r["value"] is not None]
    bound = {}
    for r in train:
        if r["bound"] is not None:
            bound[r["slot"][0]] = max(bound.get(r["slot"][0], r["bound"]), r["bound"])
    gaps = [(r, pct(r["value"], bound.get(r["slot"][0]))) for r in train]
    gaps = [(r, g) for r, g in gaps if g is not None]
    by_slot = {}
    for r, g in gaps:
        by_slot.setdefault(r["slot"], []).append(g)
    resid = {}
    for r, g in gaps:
        resid.setdefault(r["config"], []).append(g - sum(by_slot[r["slot"]]) / len(by_slot[r["slot"]]))
    # Rounded: equal runs must give equal residuals, not floating-point noise that ranks them.
    configs = [(c, round(sum(v) / len(v), 9)) for c, v in resid.items() if len(v) >= min_slots]
    out = OrderedDict(configurations=len(configs), min_slots=min_slots, rho=OrderedDict())
    if len(configs) < 3:
        return out
    values = [dict(kv.split("=", 1) for kv in c.split(",")) for c, _ in configs]
    for name in values[0]:
        try:
            xs = [float(v[name]) for v in values]
        except (KeyError, ValueError):
            continue
        out["rho"][name] = spearman(xs, [m for _, m in configs])
    return out


def solve_and_check(binary, inst_path, extra, seed, out_path, errors, label):
    """One solve and its re-check by `allocopt evaluate`: dict of value, feasible, bound, seconds."""
    s = run([binary, "solve", *extra, inst_path, "--seed", str(seed), "--threads", "1", "-q", "-o", out_path])
    if s.returncode != 0:
        errors.append(f"{label}: solve failed (exit {s.returncode}): {s.stderr.strip()[:300]}")
        return None
    res = json.load(open(out_path))
    e = run([binary, "evaluate", inst_path, "--allocation", out_path, "--format", "json"])
    if e.returncode != 0:
        errors.append(f"{label}: evaluate failed (exit {e.returncode}): {e.stderr.strip()[:300]}")
        return None
    ev = json.loads(e.stdout)
    value, feasible = res["objective"]["value"], res["objective"]["feasible"]
    if not close(value, ev["objective"]["value"]) or feasible != ev["objective"]["feasible"]:
        errors.append(f"{label}: the result file says {value} (feasible {feasible}), evaluate "
                      f"{ev['objective']['value']} (feasible {ev['objective']['feasible']})")
    return OrderedDict(value=value, feasible=feasible, bound=res["solver"].get("lower_bound"),
                       seconds=res["solver"].get("seconds"), evaluations=res["solver"].get("evaluations"))


def recheck(binary, work, test_set, max_evals, seeds, errors):
    rows = []
    for k, (name, gen_seed, path) in enumerate(test_set, start=1):
        runs = OrderedDict(tuned=[], defaults=[])
        for s in seeds:
            runs["tuned"].append(solve_and_check(binary, path, ["--config", os.path.join(work, "tuned.yaml")], s,
                                                 os.path.join(work, "r.json"), errors, f"{name} tuned seed {s}"))
            runs["defaults"].append(solve_and_check(binary, path, ["--max-evals", str(max_evals)], s,
                                                    os.path.join(work, "d.json"), errors, f"{name} defaults seed {s}"))
        every = [r for v in runs.values() for r in v if r]
        bounds = [r["bound"] for r in every if r.get("bound") is not None]
        feasible = [r["value"] for r in every if r["feasible"]]
        ref, ref_kind = (max(bounds), "lower bound") if bounds else (min(feasible) if feasible else None, "best value")

        def mean(rs):
            if not rs or any(r is None or not r["feasible"] for r in rs):
                return None
            return sum(r["value"] for r in rs) / len(rs)
        row = OrderedDict(instance=name, gen_seed=gen_seed, seeds=seeds,
                          tuned_values=[r and r["value"] for r in runs["tuned"]],
                          default_values=[r and r["value"] for r in runs["defaults"]],
                          tuned_mean=mean(runs["tuned"]), default_mean=mean(runs["defaults"]),
                          reference=ref, reference_kind=ref_kind)
        row["tuned_gap"] = pct(row["tuned_mean"], ref)
        row["default_gap"] = pct(row["default_mean"], ref)
        row["outcome"] = outcome(row["tuned_mean"], row["default_mean"])
        row["tuned_seconds"] = sum(r["seconds"] or 0 for r in runs["tuned"] if r)
        row["default_seconds"] = sum(r["seconds"] or 0 for r in runs["defaults"] if r)
        rows.append(row)
        log(f"  [{k}/{len(test_set)}] {name}: tuned {row['tuned_values']} defaults {row['default_values']} "
            f"ref {ref} ({ref_kind})")
    return rows


def scaling(binary, work, budget, max_evals, pairs):
    """Alternating --parallel 1 / 2 tunes; the wall times, loads and whether every file is the same."""
    out = OrderedDict(budget=budget, pairs=pairs, runs=[])
    for k in range(pairs):
        order = (1, 2) if k % 2 == 0 else (2, 1)
        for p in order:
            name = f"scale-p{p}-{k + 1}.yaml"
            cmd = ["--solver", "ga", "--instances", "train/", "--budget", str(budget), "--max-evals", str(max_evals),
                   "--seed", "1", "--parallel", str(p), "--format", "json", "-o", name]
            wall, load, cpu, j = timed_tune(binary, work, cmd)
            text = open(os.path.join(work, name)).read()
            out["runs"].append(OrderedDict(pair=k + 1, parallel=p, wall_seconds=wall, cpu_seconds=cpu, load_average=load,
                                           runs=j["runs"], tuner_seconds=j["seconds"], text=text))
            log(f"  pair {k + 1} --parallel {p}: {wall:.2f} s wall, {j['runs']} runs, load before {load}")
    out["command"] = (f"allocopt tune --solver ga --instances train/ --budget {budget} --max-evals {max_evals} "
                      "--seed 1 --parallel P --format json -o scale-pP-K.yaml")
    med = {p: statistics.median(r["wall_seconds"] for r in out["runs"] if r["parallel"] == p) for p in (1, 2)}
    out["median_p1"], out["median_p2"] = med[1], med[2]
    out["speedup"] = med[1] / med[2] if med[2] > 0 else None
    texts = {r["text"] for r in out["runs"]}
    out["identical"] = len(texts) == 1
    for r in out["runs"]:
        del r["text"]
    return out


# ---------------------------------------------------------------- rendering

def fmt(v, digits=2):
    if v is None:
        return "–"
    if isinstance(v, float) and v.is_integer() and digits == 0:
        return f"{int(v)}"
    return f"{v:.{digits}f}"


def word(o):
    return {1: "win", -1: "loss", 0: "tie"}.get(o, "–")


def render_run(d):
    m = d["meta"]
    t = d["tuning"]
    s_re, s_tu = d["recheck_summary"], d["tuner_summary"]
    L = [f"### --max-evals {d['max_evals']:,}, budget {d['budget']}", "",
         f"Run `{m['command']}` on {m['date']}, commit {m['commit']}, {m['machine']}, `{m['version']}`.", "",
         "The tuning (run in the folder of the generated instances; `train/` holds seeds "
         f"{TRAIN_SEEDS[0]}-{TRAIN_SEEDS[-1]}, `{d.get('test_dir', 'test/')}` seeds {d['test_seeds'][0]}-{d['test_seeds'][-1]}, "
         f"`allocopt generate gap --type d --agents {AGENTS} --jobs {JOBS} --seed S`):", "",
         "```sh", t["command"], "```", "",
         f"- wall time {t['wall_seconds']:.1f} s (load average before: {', '.join(f'{x:.2f}' for x in t['load_average'])}); "
         f"{t['runs']} training runs + {t['test_runs']} test runs = {t['runs'] + t['test_runs']} solver runs, "
         f"**{(t['runs'] + t['test_runs']) / t['wall_seconds']:.2f} runs/s** at --parallel {t['workers']} "
         f"(the tuner prints {t['tuner_runs_per_second']:.2f} training runs/s: its {t['runs']} training runs "
         f"over the {t.get('tuner_race_seconds', 0):.1f} s of its races);",
         *(["- **the tuner warned that every configuration tied on every instance**: at this per-run budget the "
            "GA's options change nothing (its heuristic starts use the budget up), so the tuned configuration "
            "is the defaults by a tie;"] if t.get("all_tied") else []),
         *([f"- CPU time of the tune process {t['cpu_seconds']:.1f} s ({t['cpu_seconds'] / t['wall_seconds']:.2f} "
            f"cores on average); the runs' own seconds (state file) add up to {t['run_seconds']:.1f} s, "
            f"{t['run_seconds'] / (t['runs'] + t['test_runs']):.3f} s per run: the workers were busy "
            f"{100 * t['run_seconds'] / (t['wall_seconds'] * t['workers']):.0f} % of the wall time;"]
           if t.get("cpu_seconds") is not None else []),
         f"- {t['races']} races, {t['candidates']} configurations; score: {t['score']}; "
         f"final best: #{t['best']['id']} (mean score {100 * t['best']['mean_score']:.3f} % over "
         f"{t['best']['runs']} runs).", ""]
    L += ["Elites (the tuner's table):", "", "| id | race | runs | instances | mean rank | mean score | options |",
          "|---:|---:|---:|---:|---:|---:|---|"]
    for e in t["elites"]:
        L.append(f"| {e['id']}{' (best)' if e['id'] == t['best']['id'] else ''} | {e['race']} | {e['runs']} | "
                 f"{e['instances']} | {fmt(e['mean_rank'])} | {100 * e['mean_score']:.3f} % | "
                 + " ".join(f"{k}={v}" for k, v in e["options"].items()) + " |")
    scores = {round(e["mean_score"], 12) for e in t["elites"]}
    L.append("")
    changed = d["changed"]
    L += ["Options the tuned configuration changed from the defaults (`allocopt solvers`): "
          + (", ".join(f"`{k}` {v[0]} → {v[1]}" for k, v in changed.items()) if changed else "**none** (the tuned "
             "configuration is the defaults)") + ".", ""]
    a = t.get("association")
    if a is not None:
        rho = OrderedDict((k, v) for k, v in a["rho"].items() if v is not None)
        if rho:
            L += [f"Which options went with a better training score: Spearman's rho between each option's value and "
                  f"the configuration's mean gap residual (its gap minus the mean gap of every run on the same "
                  f"slot), over the {a['configurations']} configurations with >= {a['min_slots']} training runs, "
                  "from the state file. Negative: larger values went with smaller gaps. The tuner's samples "
                  "cluster around its elites, so this is an association, not a controlled experiment.", "",
                  "| option | " + " | ".join(rho) + " |", "|---|" + "---:|" * len(rho),
                  "| rho | " + " | ".join(f"{v:+.2f}" for v in rho.values()) + " |", ""]
        else:
            L += [f"Which options went with a better training score: no association can be computed: over the "
                  f"{a['configurations']} configurations with >= {a['min_slots']} training runs the score residuals "
                  "do not vary (or no option does).", ""]
    L += [f"Re-check on the {len(d['rows'])} unseen instances: `allocopt solve --config tuned.yaml INSTANCE --seed S "
          f"--threads 1 -q -o r.json` and `allocopt solve INSTANCE --max-evals {d['max_evals']} --seed S --threads 1 -q "
          f"-o d.json`, S in {{{', '.join(map(str, d['seeds']))}}}, each re-scored by `allocopt evaluate INSTANCE "
          f"--allocation R --format json` ({d['recheck_errors_count']} mismatches or errors). Gap = % above the "
          "reference: the largest Lagrangian lower bound in the instance's result files, else the best value. "
          "Tuned and defaults are means over the seeds. Beside them, the tuner's own test table "
          f"({d['test_replicates']} runs each on its own seeds, gap to the best bound it proved).", "",
          "| instance | reference | tuned (re-check) | defaults (re-check) | tuned gap % | default gap % | outcome "
          "| tuner: tuned | tuner: defaults | tuner: tuned gap % | tuner: default gap % | tuner: outcome |",
          "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in d["rows"]:
        L.append(f"| {r['instance']} | {fmt(r['reference'])} | {fmt(r['tuned_mean'], 1)} | {fmt(r['default_mean'], 1)} | "
                 f"{fmt(r['tuned_gap'], 3)} | {fmt(r['default_gap'], 3)} | {word(r['outcome'])} | "
                 f"{fmt(r.get('tuner_tuned'), 1)} | {fmt(r.get('tuner_defaults'), 1)} | {fmt(r.get('tuner_tuned_gap'), 3)} | "
                 f"{fmt(r.get('tuner_default_gap'), 3)} | {word(r.get('tuner_outcome'))} |")
    for label, s in (("**re-check**", s_re), ("**tuner**", s_tu)):
        L.append(f"| {label}: mean gap tuned / defaults | | | | **{fmt(s['tuned_mean_gap'], 3)}** | "
                 f"**{fmt(s['default_mean_gap'], 3)}** | W/L/T {s['wins']}/{s['losses']}/{s['ties']}, "
                 f"p = {s['sign_test_p']:.3g} | | | | | |")
    L.append("")
    sc = d.get("scaling")
    if sc:
        L += [f"Scaling: `{sc['command']}` (no test set, no state), {sc['pairs']} alternating pairs:", "",
              "| pair | --parallel | wall s | CPU s | CPU / wall | runs | load average before |",
              "|---:|---:|---:|---:|---:|---:|---|"]
        for r in sc["runs"]:
            c = r.get("cpu_seconds")
            L.append(f"| {r['pair']} | {r['parallel']} | {r['wall_seconds']:.2f} | {fmt(c)} | "
                     f"{fmt(c / r['wall_seconds'] if c is not None else None)} | {r['runs']} | "
                     f"{', '.join(f'{x:.2f}' for x in r['load_average'])} |")
        L += ["", f"Median wall time: {sc['median_p1']:.2f} s with 1 worker, {sc['median_p2']:.2f} s with 2: "
              f"**speed-up {sc['speedup']:.2f}x** (target >= 1.8x: {'met' if sc['speedup'] >= 1.8 else 'not met'}). "
              f"The {len(sc['runs'])} tuned.yaml files are "
              + ("**byte-identical** whatever --parallel." if sc["identical"] else "**not identical** (a bug: the "
                 "tuning must not depend on --parallel under --max-evals)."), ""]
    # The conclusion: every statement from the numbers above.
    better = s_re["tuned_mean_gap"] is not None and s_re["tuned_mean_gap"] < s_re["default_mean_gap"]
    signif = s_re["sign_test_p"] < 0.05
    concl = []
    if signif and better:
        concl.append(f"the tuned configuration is significantly better on the unseen instances (re-check: mean gap "
                     f"{fmt(s_re['tuned_mean_gap'], 3)} % vs {fmt(s_re['default_mean_gap'], 3)} %, "
                     f"{s_re['wins']} wins / {s_re['losses']} losses, p = {s_re['sign_test_p']:.3g})")
    elif signif:
        concl.append(f"the tuned configuration is significantly **worse** on the unseen instances (p = "
                     f"{s_re['sign_test_p']:.3g})")
    else:
        concl.append(f"**no significant gain** on the unseen instances (re-check: mean gap "
                     f"{fmt(s_re['tuned_mean_gap'], 3)} % tuned vs {fmt(s_re['default_mean_gap'], 3)} % defaults, "
                     f"W/L/T {s_re['wins']}/{s_re['losses']}/{s_re['ties']}, p = {s_re['sign_test_p']:.3g})")
    if len(scores) == 1 and len(t["elites"]) > 1:
        concl.append(f"all {len(t['elites'])} elites have the same mean score although their options differ: at "
                     f"--max-evals {d['max_evals']:,} the tuned options did not change any training result")
    a = t.get("association") or {}
    rho = sorted(((k, v) for k, v in a.get("rho", {}).items() if v is not None), key=lambda kv: -abs(kv[1]))
    if rho:
        concl.append("the options most associated with the training score (|rho|) were "
                     + ", ".join(f"`{k}` ({v:+.2f})" for k, v in rho[:3]))
    same_seed = sum(1 for r in d["rows"] if len(set(r["default_values"])) == 1)
    if len(d["seeds"]) > 1:
        concl.append(f"the defaults gave the same value with every seed on {same_seed} of {len(d['rows'])} test "
                     "instances")
    L += ["Conclusion (generated from the numbers above): " + "; ".join(concl) + ".", ""]
    return L


def render_section(store):
    designs = sorted(store["designs"].values(), key=lambda d: (d["max_evals"], d["budget"]))
    L = [f"<!-- begin {SECTION} -->", f"## {TITLE}", "",
         "Regenerate: `bash bench/tune.sh` (`--max-evals E --budget N` adds or replaces that design; every stored "
         "design is shown). Does `allocopt tune` find a GA configuration that beats the defaults on instances it "
         f"never saw? Instances: GAP type D, {AGENTS} agents x {JOBS} jobs (`allocopt generate gap --type d`), "
         f"training seeds {TRAIN_SEEDS[0]}-{TRAIN_SEEDS[-1]}, test seeds {TEST_SEEDS[0]}-{TEST_SEEDS[-1]}. "
         "Only GAP D: the GPU-sharing and Gavel families (other issues) have not landed yet. Every figure of the "
         "re-check comes from result files re-scored by `allocopt evaluate`. Raw data: `bench/results/tune.json` / "
         "`.csv`.", ""]
    for d in designs:
        L += render_run(d)
    L.append(f"<!-- end {SECTION} -->")
    return "\n".join(L)


def csv_text(store):
    buf = io.StringIO()
    cols = ["max_evals", "budget", "instance", "gen_seed", "reference", "reference_kind", "tuned_values",
            "default_values", "tuned_mean", "default_mean", "tuned_gap", "default_gap", "outcome", "tuner_tuned",
            "tuner_defaults", "tuner_tuned_gap", "tuner_default_gap", "tuner_outcome"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for d in sorted(store["designs"].values(), key=lambda d: (d["max_evals"], d["budget"])):
        for r in d["rows"]:
            vals = dict(r, max_evals=d["max_evals"], budget=d["budget"])
            w.writerow([" ".join(map(str, vals[c])) if isinstance(vals.get(c), list) else
                        ("" if vals.get(c) is None else vals[c]) for c in cols])
    return buf.getvalue()


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        prog="bash bench/tune.sh",
        description="Tunes the GA with `allocopt tune` on generated GAP D instances, re-checks the tuned "
                    "configuration against the defaults on unseen instances with `allocopt solve` + "
                    "`allocopt evaluate`, times the tuning at --parallel 1 and 2, and rewrites the tune "
                    "section of bench/RESULTS.md.",
        epilog="Example: bash bench/tune.sh --budget 400 --max-evals 1000000")
    ap.add_argument("--budget", type=int, default=400, help="training runs of the tuning (default 400)")
    ap.add_argument("--max-evals", type=int, default=10000000, help="evaluations per GA run (default 10000000)")
    ap.add_argument("--parallel", type=int, default=2, help="workers of the main tuning (default 2)")
    ap.add_argument("--test-replicates", type=int, default=2, help="the tuner's runs per test instance (default 2)")
    ap.add_argument("--check-seeds", default="1,2", help="seeds of the re-check solves (default 1,2)")
    ap.add_argument("--scaling-budget", type=int, default=60, help="budget of the scaling tunes (default 60)")
    ap.add_argument("--scaling-pairs", type=int, default=2, help="alternating --parallel 1/2 pairs (default 2; 0 skips)")
    ap.add_argument("--quick", action="store_true",
                    help="a small design (budget 40, 5 test instances, one scaling pair of budget 20); prints "
                         "the section, writes nothing")
    ap.add_argument("--keep", metavar="DIR", help="generate the instances and results into DIR and keep them")
    ap.add_argument("--build-dir", default="build-quality", help="CMake build dir of the CLI (default build-quality)")
    ap.add_argument("--no-build", action="store_true", help="use the existing binary in --build-dir as it is")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite the section from bench/results/tune.json, run nothing")
    args = ap.parse_args()
    if args.render_only:
        store = json.load(open(STORE), object_pairs_hook=OrderedDict)
        write_atomic(STORE_CSV, csv_text(store))
        replace_section(SECTION, render_section(store))
        log(f"tune: bench/RESULTS.md section {SECTION} rewritten from the stored results")
        return
    test_seeds = TEST_SEEDS
    if args.quick:
        args.budget, args.scaling_budget, args.scaling_pairs = 40, 20, 1
        test_seeds = TEST_SEEDS[:5]
    seeds = [int(s) for s in args.check_seeds.split(",") if s.strip()]
    if args.budget < len(TRAIN_SEEDS) or args.max_evals < 1 or not seeds or args.parallel < 1:
        ap.error(f"--budget must be >= {len(TRAIN_SEEDS)}, --max-evals and --parallel >= 1, --check-seeds non-empty")

    build_dir = args.build_dir if os.path.isabs(args.build_dir) else os.path.join(ROOT, args.build_dir)
    binary = ensure_binary(build_dir, args.no_build, "tune")
    now = datetime.datetime.now(datetime.timezone.utc).astimezone()
    meta = OrderedDict(date=now.isoformat(timespec="seconds"), commit=git_commit(), machine=machine(),
                       load_average=load_average(), command=command_line("tune.sh"), version=binary_version(binary))
    signal.signal(signal.SIGTERM, on_sigterm)
    errors = []
    keep = os.path.abspath(args.keep) if args.keep else None
    try:
        with tempfile.TemporaryDirectory(prefix="allocopt-tune-") as scratch:
            work = keep or scratch
            os.makedirs(work, exist_ok=True)
            sets = generate(binary, work)
            if args.quick:
                sets["test"] = [t for t in sets["test"] if t[1] in test_seeds]
                os.makedirs(os.path.join(work, "test-quick"), exist_ok=True)
                for name, _, path in sets["test"]:
                    os.replace(path, os.path.join(work, "test-quick", name))
                sets["test"] = [(n, s, os.path.join(work, "test-quick", n)) for n, s, _ in sets["test"]]
            test_dir = "test-quick/" if args.quick else "test/"
            state = os.path.join(work, "tune.state")
            if os.path.exists(state):
                os.remove(state)  # a fresh tuning: a kept state would serve every run and time nothing
            cmd = ["--solver", "ga", "--instances", "train/", "--test-instances", test_dir, "--budget", str(args.budget),
                   "--max-evals", str(args.max_evals), "--seed", "1", "--parallel", str(args.parallel),
                   "--test-replicates", str(args.test_replicates), "--format", "json", "--state", "tune.state",
                   "-o", "tuned.yaml"]
            log(f"tune: allocopt tune {' '.join(cmd)}")
            wall, load, cpu, j = timed_tune(binary, work, cmd)
            ran = state_runs(state)
            test_runs = sum(1 for r in ran if r["kind"] == "test")
            tuning = OrderedDict(command="allocopt tune " + " ".join(cmd), wall_seconds=wall, load_average=load,
                                 runs=j["runs"], test_runs=test_runs, tuner_seconds=j["seconds"],
                                 tuner_runs_per_second=(j["runs"] - j["replayed"]) / j["race_seconds"] if j.get("race_seconds") else 0,
                                 tuner_race_seconds=j.get("race_seconds", 0.0),
                                 all_tied=j.get("all_tied", False),
                                 cpu_seconds=cpu, run_seconds=sum(r["seconds"] for r in ran),
                                 association=parameter_association(ran),
                                 workers=j["workers"], races=j["races"], candidates=j["candidates"], score=j["score"],
                                 best=j["best"], elites=j["elites"])
            log(f"tune: {wall:.1f} s wall, {j['runs']} runs + {test_runs} test runs, best #{j['best']['id']}")
            defaults = solver_defaults(binary, "ga")
            tuned = config_options(os.path.join(work, "tuned.yaml"))
            changed = OrderedDict((k, [defaults.get(k), v]) for k, v in tuned.items()
                                  if k not in defaults or not same_value(defaults[k], v))
            log(f"tune: re-check on {len(sets['test'])} test instances, seeds {seeds}, load {load_average()}")
            rows = recheck(binary, work, sets["test"], args.max_evals, seeds, errors)
            by_name = {t["instance"]: t for t in j["test"]}
            for r in rows:
                t = by_name.get(r["instance"], {})
                r["tuner_tuned"], r["tuner_defaults"] = t.get("tuned"), t.get("defaults")
                r["tuner_tuned_gap"] = None if t.get("tuned_gap") is None else 100 * t["tuned_gap"]
                r["tuner_default_gap"] = None if t.get("default_gap") is None else 100 * t["default_gap"]
                r["tuner_outcome"] = t.get("outcome")
            sc = None
            if args.scaling_pairs > 0:
                log(f"tune: scaling, budget {args.scaling_budget}, {args.scaling_pairs} pairs")
                sc = scaling(binary, work, args.scaling_budget, args.max_evals, args.scaling_pairs)
                if not sc["identical"]:
                    errors.append("the scaling tunes' tuned.yaml files differ between --parallel 1 and 2")
    except (KeyboardInterrupt, Interrupted):
        log("\ntune: interrupted; nothing was written")
        sys.exit(130)

    design = OrderedDict(max_evals=args.max_evals, budget=args.budget, seeds=seeds, test_seeds=test_seeds, test_dir=test_dir,
                         test_replicates=args.test_replicates, meta=meta, tuning=tuning, changed=changed,
                         defaults=defaults, tuned_options=tuned,
                         recheck_summary=summary(rows, "tuned_gap", "default_gap", "outcome"),
                         tuner_summary=summary(rows, "tuner_tuned_gap", "tuner_default_gap", "tuner_outcome"),
                         recheck_errors_count=len(errors), errors=errors, scaling=sc, rows=rows)
    if args.quick:
        print(render_section(OrderedDict(designs={"quick": design})))
    else:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            try:
                store = json.load(open(STORE), object_pairs_hook=OrderedDict)
            except (OSError, ValueError):
                store = OrderedDict(designs=OrderedDict())
            store["designs"][f"evals{args.max_evals}-budget{args.budget}"] = design
            write_atomic(STORE, json.dumps(store, indent=1) + "\n")
            write_atomic(STORE_CSV, csv_text(store))
            section = render_section(store)
            replace_section(SECTION, section)
        finally:
            signal.signal(signal.SIGINT, old)
        print(section)
        log(f"tune: bench/RESULTS.md section {SECTION} written")
    if errors:
        log(f"tune: {len(errors)} FAILURE(S):")
        for e in errors:
            log(f"  {e}")
        sys.exit(1)


if __name__ == "__main__":
    run_main(main, "tune")
