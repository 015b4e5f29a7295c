"""Islands against one population on the 12 Braun instances (bench/islands.sh; docs/islands.md).

For each instance, seed 1, --threads 2, the GA:
  plain-10s     one population, --time-limit 10;
  islands-2.5s  --islands 4 --time-limit 5: four islands sharing two threads, about 2.5 s of a
                thread each, the same thread-seconds as one population on one thread for 10 s;
  islands-10s   --islands 4 --time-limit 10 (equal wall time);
  plain-E       one population, --max-evals E;
  islands-E     --islands 4 --max-evals E (the same total evaluations).
Every written result is re-scored by `allocopt evaluate` (an independent path). Writes
bench/results/islands.json and the `islands` section of bench/RESULTS.md.

  python3 bench/islands.py [--binary build/allocopt] [--instances u_c_hihi.0,...] [--evals E]
                           [--migrate-every K] [--no-time] [--jobs J] [--json PATH] [--dry-run]
  python3 bench/islands.py --render bench/results/islands.json   (the section from a JSON file)

--jobs J runs J instances at a time (each run takes 2 threads: J <= cores / 2 on an idle machine).
"""
import argparse
import concurrent.futures
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRAUN = os.path.join(ROOT, "bench", "instances", "braun-etc")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(binary, instance, extra, tmp, name):
    out = os.path.join(tmp, f"{os.path.basename(instance)}.{name}.json")
    source = ["--from", "braun-etc", instance]
    cmd = [binary, "solve", *source, "--seed", "1", "--threads", "2", "-q", "--no-baseline", "-o", out, *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"islands.py: {' '.join(cmd)} failed (exit {p.returncode}): {p.stderr.strip()}")
    r = json.load(open(out))
    ev = subprocess.run([binary, "evaluate", *source, "--allocation", out, "--format", "json"],
                        capture_output=True, text=True)
    recheck = json.loads(ev.stdout)["objective"]["value"]
    value = r["objective"]["value"]
    if abs(recheck - value) > 1e-9 * max(1.0, abs(value)):
        raise SystemExit(f"islands.py: {out}: reported {value}, evaluate gives {recheck}")
    return {"value": value, "recheck": recheck, "evaluations": r["solver"]["evaluations"],
            "seconds": r["solver"]["seconds"], "stop": r["solver"]["stop"],
            "command": " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd[1:])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "allocopt"))
    ap.add_argument("--instances", default="")
    ap.add_argument("--evals", type=int, default=200_000_000)
    ap.add_argument("--migrate-every", type=int, default=0, help="0: the default")
    ap.add_argument("--no-time", action="store_true", help="only the equal-evaluation runs")
    ap.add_argument("--dry-run", action="store_true", help="print the table, do not write RESULTS.md")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "islands.json"))
    ap.add_argument("--render", default="", help="write the section from this JSON file; run nothing")
    a = ap.parse_args()
    if a.render:
        return render(json.load(open(a.render)), a.dry_run)
    refs = json.load(open(os.path.join(ROOT, "bench", "references.json")))["braun"]["instances"]
    names = [n for n in refs if not a.instances or n in a.instances.split(",")]
    isl = ["--islands", "4"] + (["--migrate-every", str(a.migrate_every)] if a.migrate_every else [])
    runs = [] if a.no_time else [("plain-10s", ["--time-limit", "10"]),
                                 ("islands-2.5s", isl + ["--time-limit", "5"]),
                                 ("islands-10s", isl + ["--time-limit", "10"])]
    runs += [("plain-E", ["--max-evals", str(a.evals)]), ("islands-E", isl + ["--max-evals", str(a.evals)])]
    def one(n):
        row = {"instance": n, "best_known": refs[n]["best_known"]}
        for key, extra in runs:
            log(f"islands: {n} {key}")
            row[key] = run(a.binary, os.path.join(BRAUN, n), extra, tmp, key)
        return row

    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            rows = list(pool.map(one, names))
    data = {"evals": a.evals, "keys": [k for k, _ in runs], "jobs": a.jobs, "rows": rows,
            "machine": f"{platform.node()}, {os.cpu_count()} cores",
            "load": os.getloadavg()[0]}
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(data, f, indent=1)
    render(data, a.dry_run)


def render(data, dry_run):
    rows, keys = data["rows"], data["keys"]
    gap = lambda row, k: 100 * (row[k]["value"] / row["best_known"] - 1)
    lines = ["Gap to the best known makespan (%), GA, seed 1, `--threads 2`; lower is better. "
             "plain-10s: one population, 10 s; islands-2.5s: `--islands 4 --time-limit 5` (four islands "
             "on two threads, about 2.5 s of a thread each); islands-10s: `--islands 4 --time-limit 10`; "
             f"plain-E / islands-E: `--max-evals {data['evals']}` for one population / over four islands. "
             "Every value was re-scored by `allocopt evaluate` from the written assignment. "
             f"Measured on {data['machine']}, {data['jobs']} instance(s) at a time "
             f"(load average {data['load']:.1f} at the end).", "",
             "| instance | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys)]
    for row in rows:
        lines.append(f"| {row['instance']} | " + " | ".join(f"{gap(row, k):.3f}" for k in keys) + " |")
    means = {k: sum(gap(r, k) for r in rows) / len(rows) for k in keys}
    lines.append("| mean | " + " | ".join(f"{means[k]:.3f}" for k in keys) + " |")
    lines.append("")

    def verdict(a_key, b_key):
        if a_key not in keys or b_key not in keys:
            return None
        wins = sum(r[b_key]["value"] < r[a_key]["value"] for r in rows)
        losses = sum(r[b_key]["value"] > r[a_key]["value"] for r in rows)
        return f"{b_key} against {a_key}: better on {wins}, worse on {losses}, equal on {len(rows) - wins - losses} of {len(rows)} instances"

    for pair in [("plain-10s", "islands-2.5s"), ("plain-10s", "islands-10s"), ("plain-E", "islands-E")]:
        v = verdict(*pair)
        if v:
            lines.append(f"- {v}.")
    lines.append("")
    # The verdict: islands become the default only if they win at equal work (thread-seconds and
    # evaluations), not just at equal wall time, where they also use the threads better.
    fair = [p for p in [("plain-10s", "islands-2.5s"), ("plain-E", "islands-E")] if p[1] in keys]
    helps = all(sum(r[b]["value"] < r[a]["value"] for r in rows) > len(rows) / 2 for a, b in fair)
    lines.append("Verdict: " + ("islands win at equal work on most instances." if helps and fair else
                 "islands do not win at equal work (equal thread-seconds, equal evaluations), so the "
                 "default stays at one population (`--islands 1`)."))
    lines.append("")
    lines.append("Evaluations spent (mean over instances): " + ", ".join(
        f"{k} {sum(r[k]['evaluations'] for r in rows) / len(rows):.3g}" for k in keys) + ".")
    lines.append("")
    lines.append("Regenerate: `bash bench/islands.sh` (about 5 minutes of machine time).")
    text = "\n".join(lines)
    print(text)
    if not dry_run:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "put_section.py"), "islands",
                        "Islands against one population (Braun, GA)"], input=text, text=True, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
