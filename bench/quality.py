"""Quality harness: runs `allocopt solve` on the public benchmark sets, re-checks every result
with `allocopt evaluate`, compares it with the published reference values and rewrites the
quality sections of bench/RESULTS.md. Python 3 standard library only.

Entry point: bash bench/quality.sh [options] (see --help). Per set it
  - runs each solver on each instance (sequentially; the benchmark owns the machine),
  - re-scores the written assignment with `allocopt evaluate` and checks that the objective
    matches the reported one (relative 1e-9) and that the feasibility flags agree,
  - merges the rows into bench/results/quality-<set>.json (rows + thinned traces) and
    bench/results/quality-<set>.csv (the same rows, flat, without traces): rows of the
    solvers/instances run now replace the old ones, the others are kept (--fresh drops them),
  - rewrites the section between <!-- begin quality-<set> --> and <!-- end quality-<set> -->
    of bench/RESULTS.md (atomically, once the set is complete).
Exit status: 0 ok; 1 a re-check mismatch, a solver error or a value below a proven bound;
2 bad usage; 130 interrupted (the set being run is not written).
"""
import argparse
import csv
import datetime
import fnmatch
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict

from benchlib import (RESULTS_DIR, ROOT, Interrupted, binary_version, command_line, ensure_binary, git_commit, load_average, log, machine, on_sigterm, pct, replace_section, run_main, write_atomic)

INSTANCES = os.path.join(ROOT, "bench", "instances")
REFERENCES = os.path.join(ROOT, "bench", "references.json")
REL_TOL = 1e-9
TRACE_POINTS = 50
OPTIONAL_SOLVERS = ["ga", "pso"]  # added to every set's defaults when `allocopt solvers` lists them

# Per set: import format, default seconds per run, default solvers, the reference used for the
# main % column ("primary"), further references shown in a second table ("secondary"), the
# references that are proven lower bounds ("floors": a feasible value below one is an error),
# and how to count "at reference".
SETS = OrderedDict([
    ("braun", dict(
        title="Braun et al. ETC instances (512 tasks x 16 machines), makespan",
        format="braun-etc", seconds=10.0,
        solvers=["min-min", "sufferage", "local-search"],
        primary=("best_known", "best known (Gogos MS)"),
        secondary=[("lp_bound", "LP bound", "% above LP bound"), ("cpr_10s", "CPR 10 s", "% vs CPR 10 s")],
        floors=["lp_bound"], at_label="at or below best known", pct_digits=3)),
    ("gap", dict(
        title="OR-Library GAP gap1-gap12 (60 instances, type C), minimisation",
        format="orlib-gap", seconds=1.0,
        solvers=["regret", "local-search:init=regret"],
        primary=("ref", "optimum (min)"), secondary=[],
        floors=["ref"], at_label="at optimum", pct_digits=2)),
    ("gapabcd", dict(
        title="OR-Library GAP types A-D (gapa-gapd, 24 instances), minimisation",
        format="orlib-gap", seconds=10.0,
        solvers=["regret", "local-search:init=regret"],
        primary=("ref", "best known"), secondary=[],
        floors=["floor"], at_label="at best known", pct_digits=2)),
    ("typee", dict(
        title="Yagiura GAP type E (n <= 200, 6 instances), minimisation",
        format="orlib-gap", seconds=10.0,
        solvers=["regret", "local-search:init=regret"],
        primary=("ref", "best known"), secondary=[],
        floors=["floor"], at_label="at best known", pct_digits=2)),
    ("cloud", dict(
        title="OptaPlanner cloud balancing, cost of the computers used (hard = capacities)",
        format="cloudbalancing", seconds=30.0,
        solvers=["first-fit-decreasing", "local-search:init=first-fit-decreasing"],
        primary=("optaplanner_best_5min", "OptaPlanner best, 5 min"),
        secondary=[("optaplanner_ffd", "OptaPlanner FFD", "% vs OptaPlanner FFD"),
                   ("lb_ip", "LB-IP", "% above LB-IP")],
        floors=["lb_ip"], at_label="at or below OptaPlanner 5-min best", pct_digits=2,
        feasible_label="feasible (hard score 0)")),
])


# ---------------------------------------------------------------- references and instances

def load_references():
    with open(REFERENCES) as f:
        return json.load(f, object_pairs_hook=OrderedDict)


def md_rows(text, start, stop=None):
    """The cells of the Markdown table rows between the headings `start` and `stop`."""
    part = text.split(start, 1)[1]
    if stop:
        part = part.split(stop, 1)[0]
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in part.splitlines() if line.startswith("|") and not line.startswith("|---")]


def first_int(cell):
    m = re.search(r"-?\d+(\.\d+)?", cell.replace("*", ""))
    return float(m.group(0)) if m else None


def check_references(refs):
    """Re-reads the Markdown files the references were transcribed from; returns the differences."""
    diffs = []

    def same(where, ours, theirs):
        if theirs is None or ours is None or abs(float(ours) - float(theirs)) > 1e-9 * max(1.0, abs(theirs)):
            diffs.append(f"{where}: references.json has {ours}, the Markdown has {theirs}")

    try:
        text = open(os.path.join(INSTANCES, "braun-etc", "RESULTS.md")).read()
        seen = set()
        for c in md_rows(text, "## Bounds and the gap still open", "No method"):
            if c[0] in refs["braun"]["instances"]:
                r = refs["braun"]["instances"][c[0]]
                same(f"braun {c[0]} cpr_10s", r["cpr_10s"], first_int(c[1]))
                same(f"braun {c[0]} best_known", r["best_known"], first_int(c[2]))
                same(f"braun {c[0]} lp_bound", r["lp_bound"], first_int(c[3]))
                seen.add(c[0])
        for c in md_rows(text, "## Main table", "## Bounds"):
            if c[0] in refs["braun"]["instances"]:
                same(f"braun {c[0]} min_min", refs["braun"]["instances"][c[0]]["min_min"], first_int(c[1]))
        if len(seen) != len(refs["braun"]["instances"]):
            diffs.append(f"braun: {len(seen)} of {len(refs['braun']['instances'])} instances found in the Markdown")

        text = open(os.path.join(INSTANCES, "gap", "OPTIMA.md")).read()
        for c in md_rows(text, "## gap1 … gap12", "## gapa"):
            f = c[0].replace(".txt", "")
            if f in refs["gap"]["files"]:
                theirs = [int(x) for x in c[4].split()]
                if theirs != refs["gap"]["files"][f]["optimum_min"]:
                    diffs.append(f"gap {f}: references.json has {refs['gap']['files'][f]['optimum_min']}, the Markdown has {theirs}")
        for c in md_rows(text, "## gapa … gapd", "## Type E"):
            if c[0] in refs["gapabcd"]["instances"]:
                same(f"gapabcd {c[0]}", refs["gapabcd"]["instances"][c[0]]["best_known"], first_int(c[3]))
        for c in md_rows(text, "## Type E", "## Chu"):
            if c[0] in refs["typee"]["instances"]:
                same(f"typee {c[0]}", refs["typee"]["instances"][c[0]]["best_known"], first_int(c[3]))

        text = open(os.path.join(INSTANCES, "cloudbalancing", "README.md")).read()
        table_a = {c[0]: c[1:] for c in md_rows(text, "### A. OptaPlanner benchmark report", "### B.")}
        names = list(refs["cloud"]["instances"])
        for i, name in enumerate(names):
            r = refs["cloud"]["instances"][name]
            same(f"cloud {name} optaplanner_ffd", r["optaplanner_ffd"], -first_int(table_a["First Fit Decreasing"][i]))
            same(f"cloud {name} optaplanner_ff", r["optaplanner_ff"], -first_int(table_a["First Fit"][i]))
            best = min(-first_int(table_a[k][i]) for k in ("Tabu Search", "Simulated Annealing", "Late Acceptance"))
            same(f"cloud {name} optaplanner_best_5min", r["optaplanner_best_5min"], best)
        table_e = {c[0]: c for c in md_rows(text, "### E. Own computations", "Exact optima")}
        for name in names:
            short = re.sub(r"computers-(\d+)processes", r"c-\1p", name)
            same(f"cloud {name} lb_ip", refs["cloud"]["instances"][name]["lb_ip"],
                 first_int(table_e[short][5]) if short in table_e else None)
    except (OSError, KeyError, IndexError, TypeError, ValueError) as e:
        diffs.append(f"could not re-read the reference Markdown: {type(e).__name__}: {e}")
    return diffs


def count_gap_instances(path):
    """Like allocopt's count_gap_instances: 1 for a single-instance (Yagiura) file, else the leading P."""
    tokens = open(path).read().split()
    m, n = int(tokens[0]), int(tokens[1])
    if len(tokens) == 2 + 2 * m * n + m:
        return 1
    return int(tokens[0])


def instances_of(set_name, refs):
    """(name, path, --instance K or None, reference dict) for every instance of a set."""
    out = []
    if set_name == "braun":
        for name, r in refs["braun"]["instances"].items():
            out.append((name, os.path.join(INSTANCES, "braun-etc", name), None, dict(r)))
    elif set_name == "gap":
        for f, r in refs["gap"]["files"].items():
            path = os.path.join(INSTANCES, "gap", f + ".txt")
            count = count_gap_instances(path)
            if count != len(r["optimum_min"]):
                log(f"quality: warning: {path} holds {count} instances, references.json lists {len(r['optimum_min'])}")
            for k, opt in enumerate(r["optimum_min"][:count], start=1):
                out.append((f"{r['name']}-{k}", path, k, {"ref": opt, "file": f"{f}.txt #{k}"}))
    elif set_name == "gapabcd":
        for name, r in refs["gapabcd"]["instances"].items():
            path = os.path.join(INSTANCES, "gap", r["file"] + ".txt")
            ref = {"ref": r["best_known"], "file": f"{r['file']}.txt #{r['instance']}"}
            ref["floor"] = r["best_known"] if r.get("optimal") else r.get("lower_bound")
            if not r.get("optimal"):
                ref["note"] = f"best known, not proved optimal (lower bound {r.get('lower_bound')})"
            out.append((name, path, r["instance"], ref))
    elif set_name == "typee":
        for name, r in refs["typee"]["instances"].items():
            path = os.path.join(INSTANCES, "gap", r["file"])
            out.append((name, path, None, {"ref": r["best_known"], "floor": r["best_known"]}))
    elif set_name == "cloud":
        for name, r in refs["cloud"]["instances"].items():
            out.append((name, os.path.join(INSTANCES, "cloudbalancing", name + ".computers.csv"), None, dict(r)))
    return out


# ---------------------------------------------------------------- environment

def available_solvers(binary):
    """name -> list of option names, from `allocopt solvers`."""
    out = subprocess.run([binary, "solvers"], capture_output=True, text=True, check=True).stdout
    solvers, last = OrderedDict(), None
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s", line + " ")
        if m and not line.startswith(" "):
            last = m.group(1)
            solvers[last] = {"options": [], "description": line[len(last):].strip()}
        else:
            m = re.match(r"^\s+--opt\s+(\S+)", line)
            if m and last:
                solvers[last]["options"].append(m.group(1))
    return solvers


def parse_spec(spec):
    """'local-search:init=regret:swaps=false' -> ('local-search', ['init=regret', 'swaps=false'])."""
    parts = [p for p in spec.split(":") if p]
    if not parts:
        raise ValueError(f"empty solver spec '{spec}'")
    for p in parts[1:]:
        if "=" not in p:
            raise ValueError(f"solver spec '{spec}': option '{p}' is not NAME=VALUE")
    return parts[0], parts[1:]


def family(name, solvers):
    """'packing', 'schedule' or None (runs on every set): only constructive heuristics have one."""
    info = solvers.get(name)
    if info is None or info["options"]:
        return None
    return "packing" if info["description"].startswith("packing:") else "schedule"


# ---------------------------------------------------------------- running

def thin(trace, keep=TRACE_POINTS):
    """At most `keep` points: the first, the last and evenly spaced ones between."""
    pts = [[p.get("evaluations"), float(f"{p.get('seconds', 0):.4g}"), p.get("best"),
            1 if p.get("feasible") else 0] for p in trace]
    if len(pts) <= keep:
        return pts
    idx = sorted({round(i * (len(pts) - 1) / (keep - 1)) for i in range(keep)})
    return [pts[i] for i in idx]


def close(a, b):
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def run_one(binary, cfg, inst, spec, seed, threads, time_limit, tmp, run_id):
    name, path, k, ref = inst
    solver, opts = parse_spec(spec)
    source = ["--from", cfg["format"], path] + (["--instance", str(k)] if k is not None else [])
    out = os.path.join(tmp, "result.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [binary, "solve", *source, "--solver", solver]
    for o in opts:
        cmd += ["--opt", o]
    cmd += ["--time-limit", f"{time_limit:g}", "--seed", str(seed), "--threads", str(threads), "-o", out, "--quiet"]
    row = OrderedDict(instance=name, solver=spec, solver_name=solver, options=" ".join(opts), seed=seed,
                      threads=threads, time_limit=time_limit, run=run_id, exit_code=None, value=None,
                      feasible=None, violation=None, evaluations=None, solver_seconds=None,
                      wall_seconds=None, stop=None, recheck_value=None, recheck_feasible=None,
                      recheck="", recheck_note="", error="", trace=[])
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=max(60.0, 5 * time_limit + 30))
    except subprocess.TimeoutExpired:
        row["wall_seconds"] = round(time.monotonic() - start, 4)
        row["error"] = "timeout (the solver ignored --time-limit)"
        return row, cmd
    row["wall_seconds"] = round(time.monotonic() - start, 4)
    row["exit_code"] = p.returncode
    if p.returncode == 130:
        raise Interrupted()
    if p.returncode not in (0, 1) or not os.path.exists(out):
        row["error"] = f"exit {p.returncode}: " + (p.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return row, cmd
    try:
        result = json.load(open(out))
        s, obj = result["solver"], result["objective"]
        row["value"], row["feasible"], row["violation"] = obj["value"], bool(obj["feasible"]), obj.get("violation")
        row["evaluations"], row["solver_seconds"], row["stop"] = s.get("evaluations"), s.get("seconds"), s.get("stop")
        row["trace"] = thin(result.get("trace") or [])
    except (ValueError, KeyError, TypeError) as e:
        row["error"] = f"unreadable result: {type(e).__name__}: {e}"
        return row, cmd
    if p.returncode != (0 if row["feasible"] else 1):
        row["error"] = f"exit {p.returncode} but the result says feasible={row['feasible']}"
    # Re-check: score the written assignment from scratch.
    ev = subprocess.run([binary, "evaluate", *source, "--allocation", out, "--format", "json"],
                        capture_output=True, text=True, timeout=600)
    if ev.returncode == 130:
        raise Interrupted()
    try:
        check = json.loads(ev.stdout)["objective"]
        row["recheck_value"], row["recheck_feasible"] = check["value"], bool(check["feasible"])
        if not close(row["value"], row["recheck_value"]):
            row["recheck"] = f"MISMATCH: reported {row['value']!r}, recomputed {row['recheck_value']!r}"
        elif row["feasible"] != row["recheck_feasible"]:
            row["recheck"] = f"MISMATCH: reported feasible={row['feasible']}, recomputed {row['recheck_feasible']}"
        else:
            row["recheck"] = "ok"
    except (ValueError, KeyError, TypeError):
        why = (ev.stderr.strip().splitlines() or ["no output"])[-1][:300]
        if ev.returncode == 2 and row["feasible"] is False:
            # `evaluate --allocation` refuses an over-capacity packing allocation as bad input, so an
            # infeasible result cannot be re-scored; not counted as a failure.
            row["recheck"] = "unchecked"
            row["recheck_note"] = f"evaluate refused the infeasible allocation: {why}"
        else:
            row["recheck"] = f"MISMATCH: evaluate failed (exit {ev.returncode}): {why}"
    return row, cmd


def below_floor(row, ref, cfg):
    """The proven bounds a feasible value is below (an error in the solver, evaluator or reference)."""
    if not row.get("feasible") or row.get("value") is None:
        return []
    return [f"{k} {ref[k]:g}" for k in cfg["floors"]
            if ref.get(k) is not None and row["value"] < ref[k] * (1 - REL_TOL)]


# ---------------------------------------------------------------- storage and tables

def store_path(set_name, ext):
    return os.path.join(RESULTS_DIR, f"quality-{set_name}.{ext}")


def load_store(set_name):
    try:
        return json.load(open(store_path(set_name, "json")), object_pairs_hook=OrderedDict)
    except (OSError, ValueError):
        return OrderedDict(set=set_name, solver_order=[], runs=OrderedDict(), rows=[])


def store_text(store):
    """JSON with one row per line: small diffs, easy to grep."""
    head = OrderedDict((k, v) for k, v in store.items() if k != "rows")
    text = json.dumps(head, indent=1)[:-2] + ',\n "rows": [\n'
    text += ",\n".join("  " + json.dumps(r, separators=(",", ":")) for r in store["rows"])
    return text + "\n ]\n}\n"


CSV_FIELDS = ["set", "instance", "solver", "solver_name", "options", "seed", "threads", "time_limit",
              "exit_code", "value", "feasible", "violation", "evaluations", "solver_seconds",
              "wall_seconds", "stop", "recheck_value", "recheck_feasible", "recheck", "recheck_note", "error",
              "reference", "gap_pct", "trace_points", "commit", "date"]


def csv_text(set_name, store, refs_by_inst, cfg):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    key = cfg["primary"][0]
    for r in store["rows"]:
        ref = refs_by_inst.get(r["instance"], {}).get(key)
        run = store["runs"].get(r["run"], {})
        w.writerow(dict(r, set=set_name, reference=ref,
                        gap_pct=(f"{pct(r['value'], ref):.6f}" if r.get("value") is not None and ref else ""),
                        trace_points=len(r.get("trace") or []), commit=run.get("commit"), date=run.get("date")))
    return buf.getvalue()


def fmt_value(v):
    if v is None:
        return ""
    if abs(v - round(v)) < 1e-9 and abs(v) < 1e15:
        return str(int(round(v)))
    return f"{v:.3f}"


def fmt_pct(v, digits):
    return "" if v is None else f"{v:.{digits}f}"


def cell_problem(r):
    if r.get("error"):
        return f"**ERROR** {r['error']}"
    if r.get("recheck", "ok") not in ("ok", "unchecked"):
        return f"**{r['recheck']}**"
    return ""


def md_cell(text, limit=160):
    """One line, no pipes, short: error messages go into table cells."""
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def summarise(rows, ref, key):
    """One (instance, solver) cell from its repeats: best feasible value, its gap, mean gap."""
    good = [r for r in rows if not cell_problem(r) and r.get("value") is not None]
    feas = [r for r in good if r["feasible"]]
    s = dict(problem=next((cell_problem(r) for r in rows if cell_problem(r)), ""), n=len(rows),
             feasible=bool(feas), best=None, gap=None, mean_gap=None, violation=None, value=None)
    if feas:
        best = min(feas, key=lambda r: r["value"])
        s["best"] = s["value"] = best["value"]
        if ref.get(key):
            s["gap"] = pct(best["value"], ref[key])
            s["mean_gap"] = sum(pct(r["value"], ref[key]) for r in feas) / len(feas)
    elif good:
        least = min(good, key=lambda r: r.get("violation") or 0)
        s["value"], s["violation"] = least["value"], least.get("violation")
    return s


def render_section(set_name, cfg, store, insts, header):
    solvers = [s for s in store["solver_order"] if any(r["solver"] == s for r in store["rows"])]
    by = {}
    for r in store["rows"]:
        by.setdefault((r["instance"], r["solver"]), []).append(r)
    key, key_label = cfg["primary"]
    digits = cfg["pct_digits"]
    repeats = any(len(v) > 1 for v in by.values())
    lines = [f"<!-- begin quality-{set_name} -->", f"## Quality: {cfg['title']}", "", *header, ""]
    if not solvers:
        lines += ["No results yet.", f"<!-- end quality-{set_name} -->"]
        return "\n".join(lines)

    cols = ["instance", key_label] + [lbl for _, lbl, _ in cfg["secondary"]]
    align = ["---"] + ["---:"] * (len(cols) - 1)
    for s in solvers:
        cols += [f"`{s}`", "%" if not repeats else "% (best)"]
        align += ["---:", "---:"]
        if repeats:
            cols.append("mean %")
            align.append("---:")
    lines += ["| " + " | ".join(cols) + " |", "|" + "|".join(align) + "|"]
    stats = {s: dict(gaps=[], feasible=0, n=0, at=0, problems=0, below=[]) for s in solvers}
    for name, _, _, ref in insts:
        label = name + (" ‡" if ref.get("note") else "")
        cells = [label, fmt_value(ref.get(key))] + [fmt_value(ref.get(k)) for k, _, _ in cfg["secondary"]]
        for s in solvers:
            rows = by.get((name, s))
            if not rows:
                cells += ["–", ""] + ([""] if repeats else [])
                continue
            c = summarise(rows, ref, key)
            st = stats[s]
            st["n"] += 1
            below = [b for r in rows for b in below_floor(r, ref, cfg)]
            if c["problem"]:
                st["problems"] += 1
                cells += [md_cell(c["problem"]), ""] + ([""] if repeats else [])
                continue
            if not c["feasible"]:
                cells += [f"**infeasible** {fmt_value(c['value'])} (violation {c['violation']:.3g})", "–"] + (
                    ["–"] if repeats else [])
                continue
            st["feasible"] += 1
            if c["gap"] is not None:
                st["gaps"].append(c["gap"])
                if c["best"] <= ref[key] * (1 + REL_TOL):
                    st["at"] += 1
            value = fmt_value(c["best"])
            if below:
                st["below"].append(name)
                value += f" **BELOW {', '.join(below)}**"
            cells += [value, fmt_pct(c["gap"], digits)] + ([fmt_pct(c["mean_gap"], digits)] if repeats else [])
        lines.append("| " + " | ".join(cells) + " |")
    pad = [""] * (1 + len(cfg["secondary"]))

    def summary(label, f):
        cells = [f"**{label}**"] + pad
        for s in solvers:
            cells += list(f(stats[s])) + ([""] if repeats else [])
        lines.append("| " + " | ".join(cells) + " |")

    mean = lambda g: sum(g) / len(g) if g else None
    summary("mean % (feasible)", lambda st: ("", f"**{fmt_pct(mean(st['gaps']), digits)}**" if st["gaps"] else ""))
    summary("max % (feasible)", lambda st: ("", f"**{fmt_pct(max(st['gaps']), digits)}**" if st["gaps"] else ""))
    summary(cfg.get("feasible_label", "feasible"), lambda st: (f"**{st['feasible']}/{st['n']}**", ""))
    summary(cfg["at_label"], lambda st: (f"**{st['at']}/{st['n']}**", ""))
    if any(st["problems"] for st in stats.values()):
        summary("errors / mismatches", lambda st: (f"**{st['problems']}**", ""))

    if cfg["secondary"]:
        lines += ["", "The same best values against the other references (negative: better than the reference):", ""]
        cols = ["instance"] + [f"`{s}` {short}" for s in solvers for _, _, short in cfg["secondary"]]
        lines += ["| " + " | ".join(cols) + " |", "|---" + "|---:" * (len(cols) - 1) + "|"]
        sec = {(s, k): [] for s in solvers for k, _, _ in cfg["secondary"]}
        for name, _, _, ref in insts:
            cells = [name]
            for s in solvers:
                c = summarise(by.get((name, s), []), ref, key) if by.get((name, s)) else None
                for k, _, _ in cfg["secondary"]:
                    if c and c["feasible"] and not c["problem"] and ref.get(k):
                        g = pct(c["best"], ref[k])
                        sec[(s, k)].append(g)
                        cells.append(fmt_pct(g, digits))
                    else:
                        cells.append("–")
            lines.append("| " + " | ".join(cells) + " |")
        for label, f in (("mean", mean), ("max", lambda g: max(g) if g else None)):
            cells = [f"**{label}**"] + [f"**{fmt_pct(f(sec[(s, k)]), digits)}**" if sec[(s, k)] else ""
                                        for s in solvers for k, _, _ in cfg["secondary"]]
            lines.append("| " + " | ".join(cells) + " |")

    # Provenance and cost per solver column.
    lines += ["", "| solver | time limit s | seeds | threads | runs | wall s total | wall s mean | mean evaluations | stop reasons | re-check | commit | date |",
              "|---|---:|---|---:|---:|---:|---:|---:|---|---|---|---|"]
    for s in solvers:
        rows = [r for r in store["rows"] if r["solver"] == s]
        runs = [store["runs"].get(r["run"], {}) for r in rows]
        uniq = lambda xs: ", ".join(OrderedDict((str(x), None) for x in xs))
        stops = OrderedDict()
        for r in rows:
            k = r.get("stop") or ("error" if r.get("error") else "?")
            stops[k] = stops.get(k, 0) + 1
        evals = [r["evaluations"] for r in rows if r.get("evaluations") is not None]
        walls = [r["wall_seconds"] for r in rows if r.get("wall_seconds") is not None]
        bad = sum(1 for r in rows if r.get("recheck") not in ("ok", "unchecked"))
        unchecked = sum(1 for r in rows if r.get("recheck") == "unchecked")
        lines.append("| " + " | ".join([
            f"`{s}`", uniq(f"{r['time_limit']:g}" for r in rows),
            uniq(r["seed"] for r in rows) if len({r["seed"] for r in rows}) <= 3
            else f"{min(r['seed'] for r in rows)}..{max(r['seed'] for r in rows)}",
            uniq(r["threads"] for r in rows), str(len(rows)), f"{sum(walls):.2f}",
            f"{sum(walls) / len(walls):.3f}" if walls else "",
            f"{sum(evals) / len(evals):.0f}" if evals else "",
            ", ".join(f"{k} {v}" for k, v in stops.items()),
            ("ok" if bad == 0 else f"**{bad} failed**") + (f", {unchecked} infeasible unchecked †" if unchecked else ""),
            uniq(r.get("commit") for r in runs), uniq((r.get("date") or "")[:10] for r in runs)]) + " |")
    notes = [ref.get("note") and f"‡ {name}: {ref['note']}." for name, _, _, ref in insts]
    notes = [n for n in notes if n]
    if any(r.get("recheck") == "unchecked" for r in store["rows"]):
        notes.append("† `allocopt evaluate --allocation` rejects an allocation that overfills a capacity in "
                     "packing mode (exit 2, as bad input), so infeasible results cannot be re-scored.")
    if notes:
        lines += ["", *notes]
    if set_name == "braun" and any(r["solver"] == "min-min" for r in store["rows"]):
        ok = sum(1 for name, _, _, ref in insts for r in by.get((name, "min-min"), [])
                 if r.get("value") is not None and abs(r["value"] - ref["min_min"]) <= 5e-4 + 1e-9 * ref["min_min"])
        n = sum(len(by.get((name, "min-min"), [])) for name, _, _, _ in insts)
        lines += ["", f"min-min equals the Min-Min makespan published in bench/instances/braun-etc/RESULTS.md "
                      f"(3 decimals) on {ok} of {n} instances."]
    lines.append(f"<!-- end quality-{set_name} -->")
    return "\n".join(lines)


def header_lines(set_name, cfg, meta):
    scale = "" if meta.get("seconds_given") else \
        f" (default {cfg['seconds']:g} s x --seconds-scale {meta['seconds_scale']:g})"
    seed, repeats = meta["seed"], meta["repeats"]
    return [
        f"Regenerate: `bash bench/quality.sh --sets {set_name}`. Last run: `{meta['command']}`",
        f"on {meta['date']}, commit {meta['commit']}, {meta['machine']}, load average "
        f"{', '.join(f'{x:.2f}' for x in meta['load_average'])} at the start; threads {meta['threads']}, "
        f"seed {seed}" + (f"..{seed + repeats - 1} ({repeats} repeats, best shown)" if repeats > 1 else "")
        + f", time limit {meta['time_limit']:g} s per run{scale}.",
        "Every value was re-scored by `allocopt evaluate` from the written assignment. "
        "Solvers without options are deterministic and run once. Rows of earlier runs are kept per "
        "solver; the table under the results says when and how each column was run. Raw rows and "
        f"convergence traces: `bench/results/quality-{set_name}.json` / `.csv`.",
    ]


def render_only(sets, refs):
    """Rewrites the sections (and CSVs) from bench/results/quality-<set>.json without running anything."""
    for set_name in sets:
        store = load_store(set_name)
        if not store["rows"]:
            log(f"quality: {set_name}: no stored results")
            continue
        cfg, insts = SETS[set_name], instances_of(set_name, refs)
        latest = store["runs"][max(store["runs"])]
        section = render_section(set_name, cfg, store, insts, header_lines(set_name, cfg, latest))
        write_atomic(store_path(set_name, "csv"), csv_text(set_name, store, {n: r for n, _, _, r in insts}, cfg))
        put_section(set_name, section)
        log(f"quality: {set_name}: bench/RESULTS.md section quality-{set_name} rewritten from the stored results")


def put_section(set_name, section):
    """Writes the set's section, keeping the sets in their canonical order."""
    later = list(SETS)[list(SETS).index(set_name) + 1:]
    replace_section(f"quality-{set_name}", section, before=[f"quality-{s}" for s in later])


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        prog="bash bench/quality.sh",
        description="Runs allocopt's solvers on the benchmark sets, re-checks every result and "
                    "rewrites the quality sections of bench/RESULTS.md.",
        epilog="Solver specs: NAME or NAME:OPT=VALUE[:OPT=VALUE...], e.g. 'local-search:init=regret'. "
               "Constructive heuristics of the other family (schedule vs packing) are skipped on a set "
               "unless --every-solver. Default seconds per run: "
               + ", ".join(f"{k} {v['seconds']:g}" for k, v in SETS.items())
               + ". Example: bash bench/quality.sh --sets gap --seconds-scale 0.1")
    ap.add_argument("--sets", default=",".join(SETS), help="comma list of: " + ", ".join(SETS) + " (default: all)")
    ap.add_argument("--solvers", help="comma list of solver specs for every set (default: per set, "
                                      "plus " + " and ".join(OPTIONAL_SOLVERS) + " when allocopt has them)")
    ap.add_argument("--seconds-scale", type=float, default=1.0, help="multiplies the per-set time limits")
    ap.add_argument("--seconds", type=float, help="time limit per run, overriding the per-set defaults")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first repeat (default 1)")
    ap.add_argument("--threads", type=int, default=1, help="--threads passed to allocopt (default 1)")
    ap.add_argument("--repeats", type=int, default=1,
                    help="runs per instance and solver, seeds SEED..SEED+K-1 (solvers without options run once)")
    ap.add_argument("--instances", help="comma list of glob patterns on instance names (e.g. 'u_i_*,c515-*')")
    ap.add_argument("--build-dir", default="build-quality", help="CMake build dir of the CLI (default build-quality)")
    ap.add_argument("--no-build", action="store_true", help="use the existing binary in --build-dir as it is")
    ap.add_argument("--fresh", action="store_true", help="drop the set's earlier rows instead of merging")
    ap.add_argument("--every-solver", action="store_true", help="run every given solver on every set")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite the sections from bench/results/quality-<set>.json, run nothing")
    args = ap.parse_args()

    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for s in sets:
        if s not in SETS:
            ap.error(f"unknown set '{s}' (known: {', '.join(SETS)})")
    if args.repeats < 1 or args.threads < 0 or args.seconds_scale <= 0:
        ap.error("--repeats must be >= 1, --threads >= 0 and --seconds-scale > 0")
    build_dir = args.build_dir if os.path.isabs(args.build_dir) else os.path.join(ROOT, args.build_dir)

    refs = load_references()
    for d in check_references(refs):
        log(f"quality: WARNING: reference disagreement: {d}")
    if args.render_only:
        render_only(sets, refs)
        return
    binary = ensure_binary(build_dir, args.no_build, "quality")
    solvers = available_solvers(binary)
    specs_given = [s.strip() for s in args.solvers.split(",") if s.strip()] if args.solvers else None
    for spec in specs_given or []:
        try:
            name, _ = parse_spec(spec)
        except ValueError as e:
            ap.error(str(e))
        if name not in solvers:
            ap.error(f"unknown solver '{name}' (allocopt solvers lists: {', '.join(solvers)})")

    commit, host = git_commit(), machine()
    version = binary_version(binary)
    command = command_line("quality.sh")
    failures = []
    signal.signal(signal.SIGTERM, on_sigterm)

    for set_name in sets:
        cfg = SETS[set_name]
        insts = instances_of(set_name, refs)
        chosen = insts
        if args.instances:
            pats = [p.strip() for p in args.instances.split(",") if p.strip()]
            chosen = [i for i in insts if any(fnmatch.fnmatch(i[0], p) or p == i[0] for p in pats)]
        if specs_given is not None:
            specs = []
            for spec in specs_given:
                fam = family(parse_spec(spec)[0], solvers)
                wanted = "schedule" if set_name == "braun" else "packing"
                if fam and fam != wanted and not args.every_solver:
                    log(f"quality: {set_name}: skipping {spec} (a {fam} heuristic; --every-solver runs it)")
                    continue
                specs.append(spec)
        else:
            specs = cfg["solvers"] + [s for s in OPTIONAL_SOLVERS if s in solvers]
        if not chosen or not specs:
            log(f"quality: {set_name}: nothing to run")
            continue
        time_limit = args.seconds if args.seconds is not None else cfg["seconds"] * args.seconds_scale
        now = datetime.datetime.now(datetime.timezone.utc).astimezone()
        run_id = now.strftime("%Y%m%dT%H%M%S")
        run_meta = OrderedDict(date=now.isoformat(timespec="seconds"), commit=commit, version=version,
                               command=command, machine=host, load_average=load_average(),
                               threads=args.threads, seed=args.seed, repeats=args.repeats,
                               time_limit=time_limit, seconds_scale=args.seconds_scale,
                               seconds_given=args.seconds is not None)
        log(f"quality: {set_name}: {len(chosen)} instances x {len(specs)} solvers, {time_limit:g} s per run, "
            f"threads {args.threads}, seed {args.seed}, repeats {args.repeats}")
        new_rows, set_failures = [], []
        try:
            with tempfile.TemporaryDirectory(prefix="allocopt-quality-") as tmp:
                for i, inst in enumerate(chosen, start=1):
                    for spec in specs:
                        name = parse_spec(spec)[0]
                        reps = 1 if not solvers.get(name, {}).get("options") else args.repeats
                        for rep in range(reps):
                            seed = args.seed + rep
                            if args.dry_run:
                                src = ["--from", cfg["format"], inst[1]] + (["--instance", str(inst[2])] if inst[2] else [])
                                log(shlex.join([binary, "solve", *src, "--solver", name,
                                                *sum((["--opt", o] for o in parse_spec(spec)[1]), []),
                                                "--time-limit", f"{time_limit:g}", "--seed", str(seed),
                                                "--threads", str(args.threads), "-o", "RESULT.json", "--quiet"]))
                                continue
                            row, cmd = run_one(binary, cfg, inst, spec, seed, args.threads, time_limit, tmp, run_id)
                            new_rows.append(row)
                            ref = inst[3]
                            key, key_label = cfg["primary"]
                            msg = f"[{set_name} {i}/{len(chosen)}] {inst[0]} {spec}"
                            if reps > 1:
                                msg += f" seed {seed}"
                            if row["error"]:
                                msg += f": ERROR {row['error']}"
                            else:
                                msg += f": {fmt_value(row['value'])}"
                                if row["feasible"]:
                                    msg += f" ({pct(row['value'], ref[key]):+.{cfg['pct_digits']}f} % vs {key_label})"
                                else:
                                    msg += f" INFEASIBLE (violation {row['violation']:.3g})"
                                msg += f", {row['wall_seconds']:.2f} s, {row['evaluations']} evals, {row['stop']}"
                                msg += ", re-check " + md_cell(row["recheck"], 300)
                            log(msg)
                            problem = row["error"] or (row["recheck"] if row["recheck"] not in ("ok", "unchecked") else "")
                            below = below_floor(row, ref, cfg)
                            if below:
                                problem = (problem + "; " if problem else "") + "feasible value below " + ", ".join(below)
                                log(f"quality: ERROR: {inst[0]} {spec}: {fmt_value(row['value'])} is below {', '.join(below)}")
                            if problem:
                                set_failures.append(f"{set_name} {inst[0]} {spec} seed {seed}: {problem}")
                                if "MISMATCH" in problem:
                                    log(f"quality: !!! {set_failures[-1]}")
                                    log("quality: !!! command: " + shlex.join(cmd))
        except (KeyboardInterrupt, Interrupted):
            log(f"\nquality: interrupted during {set_name}; its section of bench/RESULTS.md and its results "
                "files were left as they were")
            sys.exit(130)
        if args.dry_run:
            continue

        # Merge and write: block Ctrl-C so the files are all written or none is.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            store = load_store(set_name) if not args.fresh else OrderedDict(
                set=set_name, solver_order=[], runs=OrderedDict(), rows=[])
            done = {(r["instance"], r["solver"]) for r in new_rows}
            store["rows"] = [r for r in store["rows"] if (r["instance"], r["solver"]) not in done] + new_rows
            order = {n: k for k, (n, _, _, _) in enumerate(insts)}
            store["rows"].sort(key=lambda r: (order.get(r["instance"], 1 << 30), r["solver"], r["seed"]))
            for s in specs:
                if s not in store["solver_order"]:
                    store["solver_order"].append(s)
            store["runs"][run_id] = run_meta
            used = {r["run"] for r in store["rows"]}
            store["runs"] = OrderedDict((k, v) for k, v in store["runs"].items() if k in used)
            for r in store["rows"]:  # provenance lives in store["runs"], by run id
                r.pop("commit", None)
                r.pop("date", None)
            refs_by_inst = {n: ref for n, _, _, ref in insts}
            header = header_lines(set_name, cfg, run_meta)
            section = render_section(set_name, cfg, store, insts, header)
            write_atomic(store_path(set_name, "json"), store_text(store))
            write_atomic(store_path(set_name, "csv"), csv_text(set_name, store, refs_by_inst, cfg))
            put_section(set_name, section)
        finally:
            signal.signal(signal.SIGINT, old)
        log(f"quality: {set_name}: bench/RESULTS.md section quality-{set_name} written")
        print(section)
        failures += set_failures

    if failures:
        log(f"\nquality: {len(failures)} FAILURE(S):")
        for f in failures:
            log("  " + f)
        sys.exit(1)


if __name__ == "__main__":
    run_main(main, "quality")
