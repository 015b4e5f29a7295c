"""Writes problems/gpu-sharing.yaml: a small GPU-sharing problem drawn from Alibaba's 2023 trace
(problems/alibaba-gpu/): 10 of its nodes (two of each of five node types) and 80 of its default
pods, drawn with a fixed seed. Every pod is optional; the objective is the fewest unplaced pods.
Usage: python3 scripts/gen_gpu_sharing_example.py > problems/gpu-sharing.yaml"""
import csv
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "problems", "alibaba-gpu")

nodes = list(csv.DictReader(open(os.path.join(DATA, "openb_node_list_gpu_node.csv"))))
pods = list(csv.DictReader(open(os.path.join(DATA, "openb_pod_list_default.csv"))))
rng = random.Random(2023)
wanted = [("8", "G2"), ("4", "T4"), ("2", "T4"), ("2", "P100"), ("1", "V100M16")]
chosen = []
for gpus, model in wanted:
    of_type = [n for n in nodes if n["gpu"] == gpus and n["model"] == model]
    chosen += sorted(rng.sample(of_type, 2), key=lambda n: n["sn"])
picked = sorted(rng.sample(pods, 80), key=lambda p: p["name"])

print("# A GPU-sharing problem drawn from Alibaba's 2023 GPU-cluster trace (problems/alibaba-gpu/,")
print("# see its README for the source): 10 of its nodes and 80 of its default pods, written by")
print("# `python3 scripts/gen_gpu_sharing_example.py`. Each node's GPUs are devices of 1000")
print("# milli-GPU; a pod asks for a share of one GPU or for whole GPUs (docs/sharing.md).")
print("# Try: allocopt solve problems/gpu-sharing.yaml -o placed.yaml && allocopt evaluate \\")
print("#        problems/gpu-sharing.yaml --allocation placed.yaml")
print("name: gpu-sharing")
print("mode: packing")
print("resources:")
for n in chosen:
    print(f"  - {{id: {n['sn']}, kind: {n['model']}, capacity: {{units: 80, cpu: {n['cpu_milli']}, "
          f"memory: {n['memory_mib']}}}, devices: {{count: {n['gpu']}, capacity: 1000, model: {n['model']}}}}}")
print("tasks:")
for p in picked:
    line = f"  - {{id: {p['name']}, optional: true, demand: {{cpu: {p['cpu_milli']}, memory: {p['memory_mib']}}}"
    if int(p["num_gpu"]) > 0:
        line += f", devices: {{count: {p['num_gpu']}, share: {p['gpu_milli']}}}"
    print(line + "}")
print("objective: {minimize: unplaced}")
