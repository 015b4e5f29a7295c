"""Turns a Google Benchmark JSON file into a Markdown table and puts it in RESULTS.md,
replacing the section between <!-- begin NAME --> and <!-- end NAME -->."""
import json
import platform
import re
import subprocess
import sys

name, json_path, results_path = sys.argv[1:4]
data = json.load(open(json_path))
medians = [b for b in data["benchmarks"] if b.get("aggregate_name") == "median"]
by_name = {b["run_name"]: b for b in medians}

def human(rate):
    if rate >= 1e6:
        return f"{rate / 1e6:.3f} M"
    if rate >= 1e3:
        return f"{rate / 1e3:.2f} k"
    return f"{rate:.1f}"


rows = ["| benchmark | median items/s | median time per iteration |", "|---|---:|---:|"]
for b in medians:
    rate = b.get("items_per_second", 0)
    extra = f" (peak RSS {b['peak_rss_mb']:.0f} MB)" if "peak_rss_mb" in b else ""
    rows.append(f"| `{b['run_name']}` | {human(rate)}{extra} | {b['real_time']:.0f} {b['time_unit']} |")


def rate(run):
    return by_name[run]["items_per_second"] if run in by_name else float("nan")


full, base = rate("BM_FullEval/braun512x16"), rate("BM_Baseline/braun512x16")
one, two = rate("BM_Batch/braun512x16/threads:1/real_time"), rate("BM_Batch/braun512x16/threads:2/real_time")
ctx = data["context"]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
section = "\n".join([
    f"<!-- begin {name} -->",
    "## Evaluator speed",
    "",
    f"Regenerate: `bash bench/evaluator.sh` (commit {commit}, {ctx['num_cpus']} CPUs, "
    f"load average {', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))} at the start; "
    "medians of 5 repetitions).",
    "",
    *rows,
    "",
    f"- Full makespan evaluation on braun 512x16: {full / 1e6:.2f} M/s, "
    f"{full / base:.2f}x the hand-written loop measured in the same run (target: >= 2.5 M/s).",
    f"- Delta moves: {rate('BM_DeltaMove/braun512x16') / 1e6:.1f} M/s (target: >= 50 M/s).",
    f"- Batch on 2 threads / 1 thread: {two / one:.2f}x (target: >= 1.8x).",
    f"<!-- end {name} -->",
])
try:
    text = open(results_path).read()
except FileNotFoundError:
    text = "# allocopt benchmark results\n\nEvery section below is written by the command it names.\n"
pattern = re.compile(f"<!-- begin {name} -->.*?<!-- end {name} -->", re.S)
text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(results_path, "w").write(text)
print(section)
