#pragma once
// The real-world tables `generate cluster` draws from, compiled into the library from the CSV
// files under problems/data/ (see SOURCES.md there). Internal: the values are the files', in
// the files' row order.

#include <cstdint>
#include <span>
#include <string_view>

namespace allocopt::generators::detail {

/// One row of alibaba-gpu-v2023-node-types.csv: a node configuration of Alibaba's GPU cluster.
struct NodeType {
    std::string_view gpu_model;  ///< "V100M16", "P100", "T4", "G2", ..., or "none" (CPU-only)
    int gpus_per_node;           ///< 0 for a CPU-only node
    int cpu_milli;               ///< 1000 = one core
    int memory_mib;
    int node_count;  ///< identical nodes in the cluster: the weight of this row in a draw
};

/// One row of gavel-throughputs.csv (consolidated columns): steps per second of a job type.
struct Throughput {
    std::string_view job_type;  ///< "ResNet-18", "LM", "A3C", ...
    int batch_size;             ///< 0 where Gavel gives none (A3C, CycleGAN)
    int scale_factor;           ///< GPUs: 1, 2, 4 or 8
    double v100;
    double p100;
    double k80;  ///< 0 = cannot run (Gavel's value for some multi-GPU ResNet-50 rows)
};

enum class Qos : std::uint8_t { ls, be, burstable, guaranteed };

/// One row of alibaba-gpu-v2023-pods-first2000.csv: a pod's requests and run time.
struct Pod {
    int cpu_milli;
    int memory_mib;
    int num_gpu;    ///< 0 = CPU-only
    int gpu_milli;  ///< share of each GPU, 1000 = whole; below 1000 only with num_gpu = 1
    Qos qos;
    int runtime_s;  ///< deletion_time - scheduled_time; -1 for a pod never scheduled
};

std::span<const NodeType> node_types();
std::span<const Throughput> gavel_throughputs();
std::span<const Pod> alibaba_pods();

}  // namespace allocopt::generators::detail
