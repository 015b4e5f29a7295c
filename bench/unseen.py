"""Unseen-instance check: allocopt's GA on freshly generated instances nobody tuned on.
Python 3 standard library only. Entry point: bash bench/unseen.sh [options] (see --help).

  - ETC (Braun range-based, `allocopt generate etc`), 1024x32 and 2048x64, six classes each:
    the GA runs 20 s; its value is compared with the LP bound of min T s.t. sum_j x_ij = 1,
    sum_i p_ij x_ij <= T, x >= 0, solved by CBC (its LP solver, CLP), and with the Lagrangian
    lower bound the GA reports itself (solver.lower_bound in the result JSON).
    Target: GA within 1.5 % of the LP bound.
  - GAP types D and E (`allocopt generate gap`), 10x200, 20x200, 20x400: the GA runs 10 s;
    CBC runs 60 s on the MIP (2 threads). Target: GA within 1 % of CBC's 60-s value.

The instances are generated into a temporary folder (deleted afterwards; --keep DIR keeps
them). CBC is a measurement tool, not a dependency: when `cbc` is not on PATH (or with
--no-cbc) the CBC values come from bench/unseen-references.json, which --update-references
rewrites from a live CBC run; each stored value carries the SHA-256 of the generated YAML, so
a generator change that alters an instance is caught (the stored value is then not used).

Every GA result is re-scored twice: by `allocopt evaluate` and by this script from the YAML
matrices (makespan = max machine load; cost = sum of costs with the capacities checked).
Every CBC GAP solution is re-scored the same way (this checks the MIP this script writes).
Exit status: 0 ok (targets missed are reported, not errors, unless --strict); 1 a re-check
mismatch, a solver error, a GA value below a proven bound or a GA lower bound above a feasible
value; 2 bad usage; 130 interrupted (nothing written).
"""
import argparse
import csv
import datetime
import fnmatch
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict

from benchlib import (RESULTS_DIR, ROOT, Interrupted, binary_version, command_line, ensure_binary, git_commit, load_average, log, machine, on_sigterm, pct, replace_section, run_main, write_atomic)

STORE = os.path.join(RESULTS_DIR, "unseen.json")
STORE_CSV = os.path.join(RESULTS_DIR, "unseen.csv")
REFERENCES = os.path.join(ROOT, "bench", "unseen-references.json")
SECTION = "quality-unseen"
REL_TOL = 1e-9
ETC_TARGET = 1.5   # % above the LP bound
GAP_TARGET = 1.0   # % above CBC's 60-s value

# The fixed instance set. Generator seeds are chosen away from the generators' documented
# examples (seeds 1, 2, 3, 7) and from anything used while the GA was being built.
ETC_CLASSES = [("c", "hi", "hi"), ("s", "hi", "hi"), ("i", "hi", "hi"),
               ("c", "lo", "lo"), ("s", "lo", "lo"), ("i", "lo", "lo")]
ETC_SIZES = [(1024, 32, 100), (2048, 64, 200)]          # tasks, machines, seed base
GAP_SIZES = [(10, 200), (20, 200), (20, 400)]           # agents, jobs
GAP_SEED_BASE = {"d": 300, "e": 400}


def instance_set():
    out = []
    for n, m, base in ETC_SIZES:
        for k, (cons, th, mh) in enumerate(ETC_CLASSES, start=1):
            seed = base + k
            out.append(OrderedDict(
                name=f"u_{cons}_{th}{mh}-{n}x{m}-s{seed}", family="etc", kind=f"u_{cons}_{th}{mh}",
                size=f"{n}x{m}", seed=seed,
                generate=["etc", "--tasks", str(n), "--machines", str(m), "--consistency", cons,
                          "--task-heterogeneity", th, "--machine-heterogeneity", mh, "--seed", str(seed)]))
    for t in ("d", "e"):
        for k, (a, j) in enumerate(GAP_SIZES, start=1):
            seed = GAP_SEED_BASE[t] + k
            out.append(OrderedDict(
                name=f"gap-{t}{a:02d}{j}-s{seed}", family="gap", kind=t.upper(), size=f"{a}x{j}", seed=seed,
                generate=["gap", "--type", t, "--agents", str(a), "--jobs", str(j), "--seed", str(seed)]))
    return out


def close(a, b, tol=REL_TOL):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def run(cmd, timeout, **kw):
    """subprocess.run that turns a child's SIGINT exit into Interrupted."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if p.returncode in (130, -2):
        raise Interrupted()
    return p


# ---------------------------------------------------------------- environment

def cbc_version(cbc):
    try:
        out = subprocess.run([cbc, "-stop"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    m = re.search(r"Version:\s*(\S+)", out)
    return m.group(1) if m else "unknown"


# ---------------------------------------------------------------- the generated YAML

def read_problem(path):
    """The matrices of a file written by `allocopt generate etc|gap`: resources (id, capacity),
    the task count and the dense matrices ('time', 'cost', 'demand.load'), rows = tasks.
    Only that layout is accepted; anything else raises ValueError."""
    resources, tasks, matrices, objective = [], 0, OrderedDict(), None
    top = sub = None
    for number, line in enumerate(open(path), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        s = line.strip()
        if indent == 0:
            top, sub = s.split(":", 1)[0], None
            if top == "objective":
                objective = s.split(":", 1)[1].strip()
            continue
        if s.startswith("- ["):
            key = top if sub is None else f"{top}.{sub}"
            matrices.setdefault(key, []).append([float(x) for x in s[3:].rstrip("]").split(",")])
        elif s.startswith("- {") and top == "resources":
            m = re.fullmatch(r"- \{id: ([^,{}]+), kind: [^,{}]+, capacity: \{([^{}]*)\}\}", s)
            if not m:
                raise ValueError(f"{path}:{number}: unexpected resource line (only id, kind, capacity handled): {s}")
            cap = OrderedDict((k.strip(), float(v)) for k, v in (p.split(":") for p in m.group(2).split(",")))
            resources.append((m.group(1).strip(), cap))
        elif s.startswith("- {") and top == "tasks":
            if not re.fullmatch(r"- \{id: [^,{}]+\}", s):
                raise ValueError(f"{path}:{number}: unexpected task line (only id handled): {s}")
            tasks += 1
        elif s.endswith(":") and indent == 2:
            sub = s[:-1]
        else:
            raise ValueError(f"{path}:{number}: unexpected line: {s}")
    for key, rows in matrices.items():
        if len(rows) != tasks or any(len(r) != len(resources) for r in rows):
            raise ValueError(f"{path}: matrix '{key}' is not {tasks} x {len(resources)}")
    return dict(resources=resources, tasks=tasks, matrices=matrices, objective=objective)


def score(problem, family, assignment):
    """Objective and capacity violation of an assignment {task index: resource index}."""
    n, res = problem["tasks"], problem["resources"]
    if len(assignment) != n:
        return None, f"{n - len(assignment)} tasks unassigned"
    if family == "etc":
        load = [0.0] * len(res)
        for t, r in assignment.items():
            load[r] += problem["matrices"]["time"][t][r]
        return max(load), ""
    cost = sum(problem["matrices"]["cost"][t][r] for t, r in assignment.items())
    load, count = [0.0] * len(res), [0] * len(res)
    for t, r in assignment.items():
        load[r] += problem["matrices"]["demand.load"][t][r]
        count[r] += 1
    over = [f"{res[r][0]} load {load[r]:g} > {res[r][1]['load']:g}" for r in range(len(res))
            if load[r] > res[r][1]["load"] + 1e-9]
    over += [f"{res[r][0]} {count[r]} tasks > units {res[r][1]['units']:g}" for r in range(len(res))
             if count[r] > res[r][1].get("units", float("inf"))]
    return cost, "; ".join(over)


# ---------------------------------------------------------------- LP / MIP files for CBC

def lp_terms(terms, per_line=8):
    out = []
    for k in range(0, len(terms), per_line):
        out.append("   " + " ".join(terms[k:k + per_line]))
    return "\n".join(out)


def num(v):
    return repr(float(v)) if v != int(v) else str(int(v))


def signed(c, var):
    return f"{'-' if c < 0 else '+'} {num(abs(c))} {var}"


def write_etc_lp(problem, path):
    """LP relaxation of R||Cmax: min T s.t. sum_j x_ij = 1 (tasks i), sum_i p_ij x_ij - T <= 0 (machines j)."""
    n, m, p = problem["tasks"], len(problem["resources"]), problem["matrices"]["time"]
    lines = ["\\ LP bound of an ETC instance (written by bench/unseen.py)", "Minimize", " obj: T", "Subject To"]
    for i in range(n):
        lines.append(f" a{i}:\n" + lp_terms([f"+ x{i}_{j}" for j in range(m)]) + "\n   = 1")
    for j in range(m):
        lines.append(f" m{j}:\n" + lp_terms([signed(p[i][j], f"x{i}_{j}") for i in range(n)]) + "\n   - T <= 0")
    lines += ["End", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def write_gap_lp(problem, path):
    """The GAP MIP: min sum c_ij x_ij s.t. each job on one agent, agent loads <= capacity, x binary."""
    n, res = problem["tasks"], problem["resources"]
    m = len(res)
    c, r = problem["matrices"]["cost"], problem["matrices"]["demand.load"]
    lines = ["\\ GAP MIP (written by bench/unseen.py)", "Minimize",
             " obj:\n" + lp_terms([signed(c[j][a], f"x{j}_{a}") for j in range(n) for a in range(m)]),
             "Subject To"]
    for j in range(n):
        lines.append(f" j{j}:\n" + lp_terms([f"+ x{j}_{a}" for a in range(m)]) + "\n   = 1")
    for a in range(m):
        lines.append(f" a{a}:\n" + lp_terms([signed(r[j][a], f"x{j}_{a}") for j in range(n)])
                     + f"\n   <= {num(res[a][1]['load'])}")
        if res[a][1].get("units", n) < n:
            lines.append(f" u{a}:\n" + lp_terms([f"+ x{j}_{a}" for j in range(n)]) + f"\n   <= {num(res[a][1]['units'])}")
    lines += ["Binary", lp_terms([f"x{j}_{a}" for j in range(n) for a in range(m)]), "End", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def read_cbc_solution(path):
    """(status line, objective, {var name: value}) from CBC's `solu` file."""
    with open(path) as f:
        first = f.readline().strip()
        values = {}
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and not parts[0].startswith("**"):
                values[parts[1]] = float(parts[2])
            elif len(parts) >= 4 and parts[0].startswith("**"):   # infeasible entries are flagged **
                values[parts[2]] = float(parts[3])
    m = re.search(r"objective value\s+(\S+)", first)
    return first, (float(m.group(1)) if m else None), values


def run_cbc_etc(cbc, problem, tmp, timeout):
    lp, sol = os.path.join(tmp, "etc.lp"), os.path.join(tmp, "etc.sol")
    write_etc_lp(problem, lp)
    cmd = [cbc, lp, "-initialSolve", "-solution", sol]
    start = time.monotonic()
    p = run(cmd, timeout)
    wall = time.monotonic() - start
    out = OrderedDict(lp_bound=None, lp_status="", lp_seconds=round(wall, 2), lp_command=shlex.join(
        ["cbc", "etc.lp", "-initialSolve", "-solution", "etc.sol"]))
    if p.returncode != 0 or not os.path.exists(sol):
        out["lp_status"] = f"cbc exit {p.returncode}: " + (p.stdout + p.stderr).strip()[-200:]
        return out
    first, value, _ = read_cbc_solution(sol)
    out["lp_status"] = "optimal" if first.lower().startswith("optimal") else first[:80]
    out["lp_bound"] = value
    return out


def run_cbc_gap(cbc, problem, tmp, seconds, threads, timeout):
    lp, sol = os.path.join(tmp, "gap.lp"), os.path.join(tmp, "gap.sol")
    write_gap_lp(problem, lp)
    args = ["-timeMode", "elapsed", "-seconds", f"{seconds:g}", "-threads", str(threads), "-solve", "-solution"]
    cmd = [cbc, lp, *args, sol]
    start = time.monotonic()
    p = run(cmd, timeout)
    wall = time.monotonic() - start
    text = p.stdout + p.stderr
    out = OrderedDict(cbc_value=None, cbc_status="", cbc_bound=None, cbc_seconds=round(wall, 2),
                      cbc_command=shlex.join(["cbc", "gap.lp", *args, "gap.sol"]), cbc_check="")
    m = re.search(r"^Result - (.*)$", text, re.M)
    result = m.group(1).strip() if m else ""
    if "Optimal solution found" in result:
        out["cbc_status"] = "optimal"
    elif "time limit" in result.lower():
        out["cbc_status"] = "time limit"
    elif result:
        out["cbc_status"] = result
    else:
        out["cbc_status"] = f"cbc exit {p.returncode}: " + text.strip()[-200:]
    m = re.search(r"^Lower bound:\s+(\S+)", text, re.M)
    if m:
        out["cbc_bound"] = float(m.group(1))
    if os.path.exists(sol):
        first, value, values = read_cbc_solution(sol)
        if value is not None and "infeasible" not in first.lower() and "no feasible" not in first.lower():
            assignment = {}
            for name, v in values.items():
                mm = re.fullmatch(r"x(\d+)_(\d+)", name)
                if mm and v > 0.5:
                    assignment[int(mm.group(1))] = int(mm.group(2))
            mine, over = score(problem, "gap", assignment)
            if mine is None or over or not close(mine, value, 1e-7):
                out["cbc_check"] = f"MISMATCH: CBC says {value}, its solution scores {mine} {over}".strip()
            else:
                out["cbc_check"] = "ok"
                out["cbc_value"] = value
    if out["cbc_status"] == "optimal" and out["cbc_value"] is not None:
        out["cbc_bound"] = out["cbc_value"] if out["cbc_bound"] is None else out["cbc_bound"]
    return out


# ---------------------------------------------------------------- the GA

def run_ga(binary, inst, path, problem, seconds, seed, threads, tmp):
    out = os.path.join(tmp, "result.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [binary, "solve", path, "--solver", "ga", "--time-limit", f"{seconds:g}", "--threads", str(threads),
           "--seed", str(seed), "-o", out, "-q"]
    row = OrderedDict(ga_value=None, ga_feasible=None, ga_lower_bound=None, ga_evaluations=None,
                      ga_seconds=None, ga_wall=None, ga_stop=None, recheck="", error="")
    start = time.monotonic()
    try:
        p = run(cmd, max(60.0, 5 * seconds + 30))
    except subprocess.TimeoutExpired:
        row["error"] = "timeout (the GA ignored --time-limit)"
        return row
    row["ga_wall"] = round(time.monotonic() - start, 3)
    if p.returncode not in (0, 1) or not os.path.exists(out):
        row["error"] = f"exit {p.returncode}: " + (p.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return row
    try:
        result = json.load(open(out))
        s, obj = result["solver"], result["objective"]
        row["ga_value"], row["ga_feasible"] = obj["value"], bool(obj["feasible"])
        row["ga_lower_bound"] = s.get("lower_bound")
        row["ga_evaluations"], row["ga_seconds"], row["ga_stop"] = s.get("evaluations"), s.get("seconds"), s.get("stop")
        ids = {rid: k for k, (rid, _) in enumerate(problem["resources"])}
        assignment, units = {}, set()
        for a in result["assignment"]:
            if a.get("resource") is not None:
                assignment[int(a["task"][1:])] = ids[a["resource"]]
                units.add(a.get("units", 1))
    except (ValueError, KeyError, TypeError) as e:
        row["error"] = f"unreadable result: {type(e).__name__}: {e}"
        return row
    problems = []
    ev = run([binary, "evaluate", path, "--allocation", out, "--format", "json"], 600)
    try:
        check = json.loads(ev.stdout)["objective"]
        if not close(check["value"], row["ga_value"]) or bool(check["feasible"]) != row["ga_feasible"]:
            problems.append(f"evaluate gives {check['value']!r} feasible={check['feasible']}")
    except (ValueError, KeyError, TypeError):
        problems.append(f"evaluate failed (exit {ev.returncode})")
    mine, over = score(problem, inst["family"], assignment)
    if units != {1}:
        problems.append(f"units {sorted(units)} (the independent check assumes 1)")
    if mine is None or not close(mine, row["ga_value"]):
        problems.append(f"the YAML matrices give {mine!r}")
    if bool(over) == row["ga_feasible"]:
        problems.append(f"feasible={row['ga_feasible']} but the capacity check says '{over or 'ok'}'")
    row["recheck"] = "ok" if not problems else "MISMATCH: " + "; ".join(problems)
    return row


# ---------------------------------------------------------------- references

def load_references():
    try:
        return json.load(open(REFERENCES), object_pairs_hook=OrderedDict)
    except (OSError, ValueError):
        return OrderedDict(instances=OrderedDict())


REF_KEYS = {"etc": ["lp_bound", "lp_status", "lp_seconds", "lp_command"],
            "gap": ["cbc_value", "cbc_status", "cbc_bound", "cbc_seconds", "cbc_command"]}


# ---------------------------------------------------------------- tables

def fmt(v, digits=None):
    if v is None:
        return "–"
    if digits is not None:
        return f"{v:.{digits}f}"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.6g}" if abs(v) < 1e6 else f"{v:.1f}"


def row_problems(r):
    """Errors that make the run fail (not target misses)."""
    probs = []
    if r.get("error"):
        probs.append(r["error"])
    if r.get("recheck") not in ("ok", None, ""):
        probs.append(r["recheck"])
    if r.get("cbc_check", "ok") not in ("ok", ""):
        probs.append(r["cbc_check"])
    v, lb = r.get("ga_value"), r.get("ga_lower_bound")
    if r.get("ga_feasible") is False:
        probs.append("GA result infeasible")
    if v is not None and lb is not None and lb > v * (1 + 1e-9) + 1e-9:
        probs.append(f"GA lower bound {lb:g} above its own value {v:g}")
    if r["family"] == "etc" and v is not None and r.get("lp_bound") is not None and v < r["lp_bound"] * (1 - 1e-7):
        probs.append(f"GA value {v:g} below the LP bound {r['lp_bound']:g}")
    if r["family"] == "gap":
        if lb is not None and r.get("cbc_value") is not None and lb > r["cbc_value"] * (1 + 1e-9) + 1e-6:
            probs.append(f"GA lower bound {lb:g} above CBC's feasible value {r['cbc_value']:g}")
        proven = r.get("cbc_bound")
        if v is not None and proven is not None and v < proven * (1 - 1e-9) - 1e-6:
            probs.append(f"GA value {v:g} below CBC's proven bound {proven:g}")
    return probs


def target_met(r):
    if r["family"] == "etc":
        g = pct(r.get("ga_value"), r.get("lp_bound"))
        return None if g is None else g <= ETC_TARGET
    g = pct(r.get("ga_value"), r.get("cbc_value"))
    return None if g is None else g <= GAP_TARGET


def limits(rows, key):
    vals = sorted({r[key] for r in rows if r.get(key) is not None})
    return " / ".join(fmt(v) for v in vals) or "–"


def best_bound(r):
    """The larger of the GA's Lagrangian bound and CBC's lower bound (both proven lower bounds)."""
    b = [x for x in (r.get("ga_lower_bound"), r.get("cbc_bound")) if x is not None]
    return max(b) if b else None


def yes(v):
    return "–" if v is None else ("yes" if v else "**no**")


def render_section(rows, meta):
    etc = [r for r in rows if r["family"] == "etc"]
    gap = [r for r in rows if r["family"] == "gap"]
    L = [f"<!-- begin {SECTION} -->", "## Quality on unseen generated instances (GA)", "",
         f"Regenerate: `bash bench/unseen.sh` (about 11 minutes on 2 cores). Last run: `{meta['command']}` "
         f"on {meta['date']}, commit {meta['commit']}, {meta['machine']}, load average "
         f"{', '.join(f'{x:.2f}' for x in meta['load_average'])} at the start; CBC: {meta['cbc_source']}.",
         "Instances are drawn by `allocopt generate` with fixed seeds that were never used while the GA "
         "was built or tuned, into a temporary folder. Every GA value was re-scored by `allocopt evaluate` "
         "and by the script from the YAML matrices; CBC's GAP solutions likewise. Jobs run one at a time. "
         "Raw rows: `bench/results/unseen.json` / `.csv`.", ""]
    if etc:
        L += [f"### ETC (Braun range-based, makespan), GA {limits(etc, 'ga_time_limit')} s — target: within "
              f"{ETC_TARGET:g} % of the LP bound", "",
              "| instance | size | class | gen seed | GA makespan | GA lower bound (Lagrangian) | GA % above its bound "
              "| LP bound (CBC) | GA % above LP bound | Lagrangian / LP | GA s | GA stop | GA seed | threads | within "
              f"{ETC_TARGET:g} % |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|"]
        for r in etc:
            lb, lp = r.get("ga_lower_bound"), r.get("lp_bound")
            ratio = f"{lb / lp:.5f}" if lb and lp else "–"
            L.append(f"| {r['instance']} | {r['size']} | {r['kind']} | {r['gen_seed']} | {fmt(r.get('ga_value'))} | "
                     f"{fmt(lb)} | {fmt(pct(r.get('ga_value'), lb), 3)} | {fmt(lp)} | "
                     f"{fmt(pct(r.get('ga_value'), lp), 3)} | {ratio} | {fmt(r.get('ga_seconds'), 2)} | {r.get('ga_stop') or '–'} | "
                     f"{r['ga_seed']} | {r['threads']} | {yes(target_met(r))} |")
        gaps = [pct(r.get("ga_value"), r.get("lp_bound")) for r in etc]
        gaps = [g for g in gaps if g is not None]
        if gaps:
            L.append(f"| **mean / max / met** | | | | | | | | **{sum(gaps) / len(gaps):.3f} / {max(gaps):.3f}** | | | | | | "
                     f"**{sum(1 for r in etc if target_met(r))}/{len(etc)}** |")
        L.append("")
    if gap:
        L += [f"### GAP types D and E (cost), GA {limits(gap, 'ga_time_limit')} s vs CBC {limits(gap, 'cbc_time_limit')} s "
              f"— target: within {GAP_TARGET:g} % of CBC's value", "",
              "| instance | size | type | gen seed | GA cost | GA lower bound (Lagrangian) | GA % above its bound "
              f"| CBC {limits(gap, 'cbc_time_limit')} s value | CBC status | CBC lower bound | GA vs CBC % | GA % above best bound | GA s | GA stop | "
              f"CBC s | GA seed | threads | within {GAP_TARGET:g} % |",
              "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|"]
        for r in gap:
            lb = r.get("ga_lower_bound")
            L.append(f"| {r['instance']} | {r['size']} | {r['kind']} | {r['gen_seed']} | {fmt(r.get('ga_value'))} | "
                     f"{fmt(lb, 2) if lb is not None else '–'} | {fmt(pct(r.get('ga_value'), lb), 3)} | "
                     f"{fmt(r.get('cbc_value'))} | {r.get('cbc_status') or '–'} | "
                     f"{fmt(r.get('cbc_bound'), 2) if r.get('cbc_bound') is not None else '–'} | "
                     f"{fmt(pct(r.get('ga_value'), r.get('cbc_value')), 3)} | "
                     f"{fmt(pct(r.get('ga_value'), best_bound(r)), 3)} | {fmt(r.get('ga_seconds'), 2)} | {r.get('ga_stop') or '–'} | "
                     f"{fmt(r.get('cbc_seconds'), 1)} | {r['ga_seed']} | {r['threads']} | {yes(target_met(r))} |")
        gaps = [pct(r.get("ga_value"), r.get("cbc_value")) for r in gap]
        gaps = [g for g in gaps if g is not None]
        if gaps:
            L.append(f"| **mean / max / met** | | | | | | | | | | **{sum(gaps) / len(gaps):.3f} / {max(gaps):.3f}** "
                     f"| | | | | | | **{sum(1 for r in gap if target_met(r))}/{len(gap)}** |")
        L.append("")
    early = [r for r in rows if r.get("ga_stop") and r["ga_stop"] != "time limit"]
    if early:
        L += ["GA runs that stopped before their time limit (stop reason as the GA reports it): "
              + ", ".join(f"{r['instance']} ({r['ga_stop']} after {fmt(r.get('ga_seconds'), 2)} s of "
                          f"{fmt(r['ga_time_limit'])})" for r in early) + ".", ""]
    bad = [(r["instance"], p) for r in rows for p in row_problems(r)]
    if bad:
        L += ["**Errors:** " + "; ".join(f"{i}: {p}" for i, p in bad), ""]
    if gap and not any(r.get("cbc_status") == "optimal" for r in gap):
        L += ["CBC proved no GAP instance optimal within its limit, and its incumbents are weak at these "
              "sizes, so the CBC target is easy to meet; the tighter measure is `GA % above best bound` "
              "(the larger of the GA's Lagrangian bound and CBC's final lower bound, both proven), an upper "
              "bound on the GA's distance from the optimum.", ""]
    L += ["Commands (per instance; `FILE` is the generated YAML):", "", "```sh"]
    L += meta["commands"]
    L += ["```", "",
          "CBC columns: the ETC LP bound is CBC's continuous relaxation (`-initialSolve`, solved to optimality); "
          "for GAP, `optimal` means CBC proved optimality within the limit, `time limit` means its value is the "
          "best found within the limit (wall clock) and its lower bound the best bound then. When `cbc` is not installed the values "
          "come from `bench/unseen-references.json` (recorded with the CBC version, date and command there), used "
          "only when the SHA-256 of the regenerated YAML matches.",
          f"<!-- end {SECTION} -->"]
    return "\n".join(L)



CSV_COLUMNS = ["instance", "family", "size", "kind", "gen_seed", "sha256", "ga_seed", "threads", "ga_time_limit",
               "ga_value", "ga_feasible", "ga_lower_bound", "ga_evaluations", "ga_seconds", "ga_wall", "ga_stop",
               "recheck", "error", "lp_bound", "lp_status", "lp_seconds", "cbc_time_limit", "cbc_value",
               "cbc_status", "cbc_bound", "cbc_seconds", "cbc_check", "cbc_source", "date", "commit"]


def csv_text(rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        prog="bash bench/unseen.sh",
        description="Runs allocopt's GA on generated ETC and GAP instances nobody tuned on, compares with "
                    "the LP bound (ETC) and CBC's 60-s result (GAP), and rewrites the quality-unseen "
                    "section of bench/RESULTS.md.",
        epilog="Example: bash bench/unseen.sh --only 'gap-d*' --keep /tmp/unseen")
    ap.add_argument("--etc-seconds", type=float, default=20.0, help="GA time limit on ETC (default 20)")
    ap.add_argument("--gap-seconds", type=float, default=10.0, help="GA time limit on GAP (default 10)")
    ap.add_argument("--cbc-seconds", type=float, default=60.0, help="CBC time limit on GAP (default 60)")
    ap.add_argument("--threads", type=int, default=2, help="threads for the GA and CBC (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="GA seed (default 1)")
    ap.add_argument("--only", help="comma list of glob patterns on instance names")
    ap.add_argument("--no-cbc", action="store_true",
                    help="do not run CBC even if installed; use bench/unseen-references.json")
    ap.add_argument("--update-references", action="store_true",
                    help="write the live CBC values into bench/unseen-references.json")
    ap.add_argument("--keep", metavar="DIR", help="generate the instances (and LP files, results) into DIR and keep them")
    ap.add_argument("--build-dir", default="build-unseen", help="CMake build dir of the CLI (default build-unseen)")
    ap.add_argument("--no-build", action="store_true", help="use the existing binary in --build-dir as it is")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--list", action="store_true", help="list the instances and exit")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite the section from bench/results/unseen.json, run nothing")
    args = ap.parse_args()
    if args.threads < 1 or min(args.etc_seconds, args.gap_seconds, args.cbc_seconds) <= 0:
        ap.error("--threads must be >= 1 and the time limits > 0")

    insts = instance_set()
    if args.only:
        pats = [p.strip() for p in args.only.split(",") if p.strip()]
        insts = [i for i in insts if any(fnmatch.fnmatch(i["name"], p) for p in pats)]
        if not insts:
            ap.error("--only matches no instance (see --list)")
    if args.list:
        for i in insts:
            print(i["name"], "allocopt generate " + " ".join(i["generate"]))
        return
    if args.render_only:
        store = json.load(open(STORE), object_pairs_hook=OrderedDict)
        write_atomic(STORE_CSV, csv_text(store["rows"]))
        replace_section(SECTION, render_section(store["rows"], store["last_run"]))
        log(f"unseen: bench/RESULTS.md section {SECTION} rewritten from the stored results")
        return

    build_dir = args.build_dir if os.path.isabs(args.build_dir) else os.path.join(ROOT, args.build_dir)
    binary = ensure_binary(build_dir, args.no_build, "unseen")
    cbc = None if args.no_cbc else shutil.which("cbc")
    if args.update_references and not cbc:
        ap.error("--update-references needs cbc on PATH (and no --no-cbc)")
    refs = load_references()
    cver = cbc_version(cbc) if cbc else None
    cbc_source = (f"live, CBC {cver}" if cbc else
                  f"recorded in bench/unseen-references.json ({refs.get('obtained', 'unknown provenance')})")
    if not cbc:
        log(f"unseen: cbc not used; CBC values from {os.path.relpath(REFERENCES, ROOT)}")

    now = datetime.datetime.now(datetime.timezone.utc).astimezone()
    meta = OrderedDict(date=now.isoformat(timespec="seconds"), commit=git_commit(), machine=machine(),
                       load_average=load_average(), command=command_line("unseen.sh"),
                       cbc_source=cbc_source, version=binary_version(binary))
    rel = os.path.relpath(binary, ROOT)
    meta["commands"] = [
        f"{rel} generate etc --tasks N --machines M --consistency c|s|i --task-heterogeneity hi|lo "
        f"--machine-heterogeneity hi|lo --seed GEN_SEED -o FILE -q",
        f"{rel} generate gap --type d|e --agents A --jobs J --seed GEN_SEED -o FILE -q",
        f"{rel} solve FILE --solver ga --time-limit {args.etc_seconds:g} (ETC) | {args.gap_seconds:g} (GAP) "
        f"--threads {args.threads} --seed {args.seed} -o R.json -q",
        f"{rel} evaluate FILE --allocation R.json --format json      # re-check",
        "cbc etc.lp -initialSolve -solution etc.sol                  # ETC: LP bound",
        f"cbc gap.lp -timeMode elapsed -seconds {args.cbc_seconds:g} -threads {args.threads} -solve -solution gap.sol  # GAP: MIP",
    ]

    signal.signal(signal.SIGTERM, on_sigterm)
    new_rows, new_refs = [], OrderedDict()
    keep = os.path.abspath(args.keep) if args.keep else None
    try:
        with tempfile.TemporaryDirectory(prefix="allocopt-unseen-") as scratch:
            work = keep or scratch
            os.makedirs(work, exist_ok=True)
            for k, inst in enumerate(insts, start=1):
                name, fam = inst["name"], inst["family"]
                tmp = os.path.join(work, name)
                os.makedirs(tmp, exist_ok=True)
                path = os.path.join(tmp, name + ".yaml")
                g = run([binary, "generate", *inst["generate"], "-o", path, "-q"], 300)
                if g.returncode != 0:
                    log(f"unseen: generate failed for {name}: {g.stderr.strip()}")
                    sys.exit(3)
                sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
                problem = read_problem(path)
                seconds = args.etc_seconds if fam == "etc" else args.gap_seconds
                row = OrderedDict(instance=name, family=fam, size=inst["size"], kind=inst["kind"],
                                  gen_seed=inst["seed"], sha256=sha, generate="allocopt generate " + " ".join(inst["generate"]),
                                  ga_seed=args.seed, threads=args.threads, ga_time_limit=seconds)
                log(f"[{k}/{len(insts)}] {name}: GA {seconds:g} s ...")
                row.update(run_ga(binary, inst, path, problem, seconds, args.seed, args.threads, tmp))
                # Reference: live CBC or the recorded value.
                if fam == "gap":
                    row["cbc_time_limit"] = args.cbc_seconds
                stored = refs.get("instances", {}).get(name)
                if cbc:
                    log(f"[{k}/{len(insts)}] {name}: CBC " + ("LP" if fam == "etc" else f"{args.cbc_seconds:g} s") + " ...")
                    if fam == "etc":
                        ref = run_cbc_etc(cbc, problem, tmp, 1800)
                    else:
                        ref = run_cbc_gap(cbc, problem, tmp, args.cbc_seconds, args.threads, args.cbc_seconds * 3 + 120)
                    row.update(ref)
                    row["cbc_source"] = f"live CBC {cver}"
                    new_refs[name] = OrderedDict([("sha256", sha), ("generate", row["generate"])]
                                                 + [(key, ref.get(key)) for key in REF_KEYS[fam]]
                                                 + ([("cbc_threads", args.threads), ("cbc_time_limit", args.cbc_seconds)]
                                                    if fam == "gap" else []))
                    if stored and stored.get("sha256") == sha:
                        key = "lp_bound" if fam == "etc" else "cbc_value"
                        if stored.get(key) is not None and ref.get(key) is not None and not close(stored[key], ref[key], 1e-6):
                            log(f"unseen: note: {name}: CBC gives {ref[key]:g} now, {stored[key]:g} recorded")
                elif stored and stored.get("sha256") == sha:
                    for key in REF_KEYS[fam]:
                        row[key] = stored.get(key)
                    row["cbc_source"] = "recorded"
                    if fam == "gap" and stored.get("cbc_time_limit") != args.cbc_seconds:
                        log(f"unseen: note: {name}: the recorded CBC run had "
                            f"{stored.get('cbc_time_limit')} s, not {args.cbc_seconds:g} s")
                else:
                    row["cbc_source"] = "none"
                    log(f"unseen: warning: {name}: no CBC and no recorded value for this YAML"
                        + (" (SHA-256 differs: the generator changed)" if stored else ""))
                row["date"], row["commit"] = meta["date"], meta["commit"]
                msg = f"[{k}/{len(insts)}] {name}: GA {fmt(row.get('ga_value'))} (lb {fmt(row.get('ga_lower_bound'))})"
                if fam == "etc":
                    msg += f", LP bound {fmt(row.get('lp_bound'))}: {fmt(pct(row.get('ga_value'), row.get('lp_bound')), 3)} %"
                else:
                    msg += (f", CBC {fmt(row.get('cbc_value'))} ({row.get('cbc_status')}): "
                            f"{fmt(pct(row.get('ga_value'), row.get('cbc_value')), 3)} %")
                msg += f", re-check {row.get('recheck') or row.get('error')}"
                log(msg)
                for p in row_problems(row):
                    log(f"unseen: ERROR: {name}: {p}")
                new_rows.append(row)
    except (KeyboardInterrupt, Interrupted):
        log("\nunseen: interrupted; nothing was written")
        sys.exit(130)

    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        try:
            store = json.load(open(STORE), object_pairs_hook=OrderedDict)
        except (OSError, ValueError):
            store = OrderedDict(rows=[])
        done = {r["instance"] for r in new_rows}
        order = {i["name"]: k for k, i in enumerate(instance_set())}
        rows = [r for r in store.get("rows", []) if r["instance"] not in done and r["instance"] in order] + new_rows
        rows.sort(key=lambda r: order[r["instance"]])
        store = OrderedDict(last_run=meta, rows=rows)
        write_atomic(STORE, json.dumps(store, indent=1) + "\n")
        write_atomic(STORE_CSV, csv_text(rows))
        section = render_section(rows, meta)
        replace_section(SECTION, section)
        if args.update_references:
            refs_out = load_references()
            refs_out["obtained"] = (f"bash bench/unseen.sh --update-references on {meta['date'][:10]}, "
                                    f"CBC {cver} (Debian coinor-cbc), {args.threads} threads, "
                                    f"{args.cbc_seconds:g} s per GAP MIP, {meta['machine']}")
            refs_out["note"] = ("Measurement only: CBC is not an allocopt dependency. ETC: lp_bound is the optimum "
                                "of the LP relaxation min T s.t. sum_j x_ij = 1, sum_i p_ij x_ij <= T, x >= 0 "
                                "(cbc -initialSolve). GAP: cbc_value is the best MIP solution CBC found within "
                                "cbc_time_limit seconds, cbc_status 'optimal' when it proved optimality, "
                                "cbc_bound its lower bound at the end; a 60-s value depends on the machine. "
                                "sha256 is that of the YAML `allocopt generate` writes with the options in "
                                "'generate'; a stored value is only used when it matches.")
            insts_out = refs_out.get("instances", OrderedDict())
            insts_out.update(new_refs)
            refs_out["instances"] = OrderedDict((i["name"], insts_out[i["name"]]) for i in instance_set()
                                                if i["name"] in insts_out)
            refs_out.move_to_end("instances")
            write_atomic(REFERENCES, json.dumps(refs_out, indent=1) + "\n")
            log(f"unseen: {os.path.relpath(REFERENCES, ROOT)} updated ({len(new_refs)} instances)")
    finally:
        signal.signal(signal.SIGINT, old)
    print(section)
    log(f"unseen: bench/RESULTS.md section {SECTION} written")

    failures = [(r["instance"], p) for r in new_rows for p in row_problems(r)]
    misses = [r["instance"] for r in new_rows if target_met(r) is False]
    if misses:
        log(f"unseen: target missed on {len(misses)} instance(s): {', '.join(misses)}")
    if failures:
        log(f"unseen: {len(failures)} FAILURE(S):")
        for i, p in failures:
            log(f"  {i}: {p}")
        sys.exit(1)
    if misses and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    run_main(main, "unseen")
