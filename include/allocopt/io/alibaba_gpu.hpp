#pragma once
// The importer of Alibaba's 2023 GPU-cluster trace (cluster-trace-gpu-v2023, the `openb`
// files; docs/sharing.md §Files): a node list and a pod list, both CSV with a header line.
//
// Columns are found by name; other columns are ignored. Nodes need `sn, cpu_milli,
// memory_mib, gpu, model`; pods need `name, cpu_milli, memory_mib, num_gpu, gpu_milli` and may
// have `gpu_spec` (allowed models, `|`-separated, empty = any).
//
// Bad input throws InputError at the offending field (file, line, column), keyed by the
// column name, quoting the value: a missing file or column, a field that is not a whole
// number >= 0, a node with more than kMaxDevices devices or with devices and no model, a
// duplicate id, a `gpu_milli` above the device capacity or without `num_gpu`, a share below a
// whole device on more than one device, a `gpu_spec` model that no node has (with a "did you
// mean"), a file without rows. A pod that no node can ever hold (9 GPUs, a GPU pod where only
// CPU nodes are) is valid data: the replay skips it.

#include <string>
#include <vector>

#include "allocopt/problem.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt {

/// The nodes of `path`, named after the file's stem. Each device has 1000 milli-devices.
sharing::Cluster import_alibaba_nodes(const std::string& path);

/// The pods of `path`, in file order; `gpu_spec` models are resolved against `cluster`.
std::vector<sharing::Pod> import_alibaba_pods(const std::string& path,
                                              const sharing::Cluster& cluster);

/// The trace as a Problem (docs/sharing.md §Problems with devices): one resource per node
/// (its `sn`, kind = its GPU model or `cpu`, capacity {units: pods, cpu, memory} and its GPUs
/// as devices of 1000), one optional task per pod (its name, demand {cpu, memory}, devices
/// {num_gpu, gpu_milli}, allowed = its `gpu_spec` models), packing mode, objective: fewest
/// unplaced pods. Named after the pod file. A pod that no node can ever hold is refused by the
/// Problem's validation (the replay skips it instead).
Problem import_alibaba_problem(const std::string& nodes_path, const std::string& pods_path);

}  // namespace allocopt
