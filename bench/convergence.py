"""Convergence of the GA and the PSO (best value against seconds) and their evaluation rates,
read from the traces that bench/quality.sh stores in bench/results/quality-<set>.json.
Writes the section between <!-- begin convergence --> and <!-- end convergence --> of
bench/RESULTS.md. Usage: python3 bench/convergence.py [RESULTS.md]"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "RESULTS.md")
CHECKPOINTS = [0.1, 0.5, 1, 2, 5, 10, 30]
PICKS = {  # a few instances per set: the hardest for the GA in the tables
    "braun": ["u_c_hihi.0", "u_i_hihi.0", "u_s_hihi.0"],
    "gapabcd": ["d10200", "d20100", "d20200"],
    "typee": ["e10200", "e20200"],
    "cloud": ["400computers-1200processes", "800computers-2400processes"],
}
SOLVERS = ["ga", "pso"]


def best_at(trace, seconds):
    value = None
    for _evaluations, t, best, feasible in trace:
        if t > seconds:
            break
        if feasible:
            value = best
    return value


def fmt(v):
    if v is None:
        return "–"
    return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.2f}"


def section():
    lines = [
        "## Convergence of the GA and the PSO",
        "",
        "Best feasible value found after t seconds, from the traces of the last "
        "`bash bench/quality.sh` run (its seed, threads and time limits; see the tables above). "
        "Regenerate: `python3 bench/convergence.py`. The evaluation rate counts every scored "
        "candidate, delta-scored moves included (swap candidates the makespan kernel rules out "
        "after one addition count too), so it is comparable between the GA and the PSO, not "
        "with full evaluations.",
        "",
    ]
    header = "| set | instance | solver | " + " | ".join(f"{c:g} s" for c in CHECKPOINTS) + \
        " | final | evaluations/s |"
    lines += [header, "|" + "---|" * (len(CHECKPOINTS) + 5)]
    for set_name, picks in PICKS.items():
        path = os.path.join(HERE, "results", f"quality-{set_name}.json")
        try:
            data = json.load(open(path))
        except OSError:
            continue
        for instance in picks:
            for solver in SOLVERS:
                rows = [r for r in data["rows"]
                        if r["instance"] == instance and r["solver"] == solver and r.get("trace")]
                if not rows:
                    continue
                r = rows[-1]
                limit = r.get("time_limit") or 0
                cells = [fmt(best_at(r["trace"], c)) if c <= limit * 1.001 else ""
                         for c in CHECKPOINTS]
                rate = r["evaluations"] / r["solver_seconds"] if r.get("solver_seconds") else 0
                lines.append(f"| {set_name} | {instance} | `{solver}` | " + " | ".join(cells) +
                             f" | {fmt(r['value'])} | {rate / 1e6:.1f} M |")
    return "\n".join(lines) + "\n"


def main():
    text = open(RESULTS).read()
    block = "<!-- begin convergence -->\n" + section() + "<!-- end convergence -->"
    pattern = re.compile(r"<!-- begin convergence -->.*?<!-- end convergence -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + \
        "\n\n" + block + "\n"
    tmp = RESULTS + ".tmp"
    open(tmp, "w").write(text)
    os.chmod(tmp, os.stat(RESULTS).st_mode & 0o777)
    os.replace(tmp, RESULTS)


if __name__ == "__main__":
    main()
