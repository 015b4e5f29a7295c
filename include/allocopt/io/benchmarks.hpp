#pragma once
// Importers (docs/design.md §Benchmark formats): Braun et al. ETC matrices, OR-Library
// (and Yagiura) generalized assignment problems, and OptaPlanner cloud-balancing CSV pairs;
// import_benchmark() also reaches the Alibaba GPU trace (io/alibaba_gpu.hpp) and Gavel's job
// sets (io/gavel.hpp).
//
// Every importer reads its file once, streaming, and validates everything before returning a
// Problem. Bad input throws InputError positioned at the offending token (file, 1-based line
// and column), with a key naming the entry in the file's own layout (`time[3][7]`,
// `cost[2][7]` = agent 2, job 7, `capacity[3]`, or a CSV column name) and the token as the
// value: a missing or unreadable file, a non-numeric token, NaN or infinity, a negative
// value, a zero capacity or count, a file that ends early or holds extra numbers, an instance
// index out of range, a CSV header or row of the wrong shape, a duplicate CSV id.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/problem.hpp"

namespace allocopt {

struct BraunOptions {
    int machines = 16;  ///< values per task (line group); >= 1
    int tasks = 0;      ///< >= 0; 0 = however many the file holds (count / machines)
};

struct GapOptions {
    int instance = 1;       ///< 1-based index of the instance in a multi-instance file
    bool maximize = false;  ///< read costs as profits (OR-Library's sense for gap1..gap12)
};

struct ImportOptions {
    BraunOptions braun;
    GapOptions gap;
    std::string pods;     ///< alibaba-gpu: the pod list (the path names the node list)
    std::string cluster;  ///< gavel: GPUs per type, V100:P100:K80 (io/gavel.hpp); empty = 36:36:36
    std::string order;    ///< gavel: each type's queue order, a policy name; empty = ljf
    std::string queue;    ///< gavel: backfill or strict (ProblemData::backfill); empty = backfill
    std::string units;    ///< gavel: fixed, variable, one or max (GavelUnits); empty = fixed
    std::string objective;  ///< gavel: makespan or efficiency (GavelObjective); empty = makespan
    /// gavel: a hard horizon, hours (`12.5`) or a multiple of the LP makespan bound (`1.2x`);
    /// empty = none
    std::string horizon;
};

enum class BenchmarkFormat : std::uint8_t {
    braun_etc,
    orlib_gap,
    cloudbalancing,
    alibaba_gpu,
    gavel
};

/// "braun-etc", "orlib-gap", "cloudbalancing", "alibaba-gpu", "gavel": the names used by
/// `--from FORMAT`.
std::string_view benchmark_format_name(BenchmarkFormat format);
std::optional<BenchmarkFormat> parse_benchmark_format(std::string_view name);
std::vector<std::string> benchmark_format_names();

/// Braun et al. ETC file: one number per line, task-major (task t's times on machines
/// 0..m-1 are consecutive). Builds a schedule-mode problem minimizing makespan: machines
/// `m0..` of capacity {units: 1}, tasks `t0..` of 1 unit, `time` = the numbers (each finite,
/// >= 0), policy fcfs; named after the file (`u_c_hihi.0`, the name the literature uses).
/// Throws InputError as described above, and for machines < 1, tasks < 0, a count that is
/// not tasks x machines (or, with tasks = 0, not a multiple of machines).
Problem import_braun_etc(const std::string& path, const BraunOptions& options = {});

/// Generalized assignment problem, OR-Library layout (`P`, then P times: `m n`, the cost
/// matrix m x n by agent, the resource matrix m x n by agent, the m capacities) or Yagiura's
/// single-instance layout (the same block without `P`; told apart by `m n` sharing the first
/// line). Builds a packing-mode problem: jobs `j0..` of 1 unit, agents `a0..` with capacity
/// {units: n (never binding), load: b}, task-major `cost` and `demand["load"]` matrices,
/// objective cost (minimized unless options.maximize). Named `<stem>-<instance>` for a
/// multi-instance file, `<stem>` otherwise. Costs and loads must be finite and >= 0,
/// capacities > 0, 1 <= options.instance <= the file's instance count; every instance in the
/// file is checked.
Problem import_orlib_gap(const std::string& path, const GapOptions& options = {});

/// Number of instances in a GAP file (1 for Yagiura's layout); reads only the leading counts.
int count_gap_instances(const std::string& path);

/// Cloud balancing: `path` is `NAME.computers.csv` (id,cpu_power,memory,network_bandwidth,
/// cost) or `NAME.processes.csv` (id,required_cpu_power,required_memory,
/// required_network_bandwidth); the other file of the pair is read from beside it. Builds a
/// packing-mode problem minimizing cost: one resource per computer (its CSV id, capacity
/// {units: number of processes, cpu, memory, network} each > 0, fixed_cost = cost) and one
/// task per process (its CSV id, demand {cpu, memory, network} each >= 0), named NAME. Task
/// and resource ids are separate namespaces, so the same id may appear in both files.
Problem import_cloudbalancing(const std::string& path);

/// The file `path` in `format` with `options`. Throws InputError as the format's importer does,
/// and (key `--pods`) for alibaba-gpu without options.pods, (key `--cluster`) for gavel with an
/// options.cluster that parse_gavel_cluster() refuses, (key `--order`) for gavel with an
/// options.order that is no policy name, (key `--queue`) for gavel with an options.queue
/// other than backfill or strict.
Problem import_benchmark(BenchmarkFormat format, const std::string& path,
                         const ImportOptions& options = {});

/// import_benchmark() for a format named at the CLI edge. Throws InputError (key `format`,
/// with a "did you mean" hint) for an unknown name.
Problem import_problem(std::string_view format, const std::string& path,
                       const ImportOptions& options = {});

}  // namespace allocopt
