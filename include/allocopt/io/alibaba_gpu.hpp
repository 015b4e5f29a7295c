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

#include "allocopt/sharing.hpp"

namespace allocopt {

/// The nodes of `path`, named after the file's stem. Each device has 1000 milli-devices.
sharing::Cluster import_alibaba_nodes(const std::string& path);

/// The pods of `path`, in file order; `gpu_spec` models are resolved against `cluster`.
std::vector<sharing::Pod> import_alibaba_pods(const std::string& path,
                                              const sharing::Cluster& cluster);

}  // namespace allocopt
