#pragma once
// The importer of Gavel's job sets (Narayanan et al., OSDI 2020: the static makespan experiment
// on 36 V100 + 36 P100 + 36 K80; problems/gavel/README.md, docs/gavel.md).
//
// A job set is a CSV file with a header line. Columns are found by name, other columns are
// ignored: `job_id, job_type, scale_factor, total_steps, thr_v100, thr_p100, thr_k80`.
//
// Bad input throws InputError at the offending field (file, line, column), keyed by the
// column's name, quoting the value: a missing file or column, a row with more or fewer fields
// than the header, an empty or duplicate `job_id`, a `job_type` that is not one of Gavel's 26
// (with a "did you mean"), a `scale_factor` that is not a whole number >= 1, a `total_steps`
// that is not a finite number > 0, a throughput that is not a finite number >= 0, a job whose
// every throughput is 0 (it can run nowhere; named in the message), a job that no GPU type of
// the cluster can hold (its types with a throughput have fewer GPUs than its `scale_factor`),
// a file without rows.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/problem.hpp"

namespace allocopt {

/// The GPU types, in the order of `--cluster V:P:K`, of the throughput columns and of the
/// resources of an imported problem: the order of the experiment's "36 V100, 36 P100, 36 K80".
inline constexpr std::array<std::string_view, 3> kGavelGpuTypes = {"v100", "p100", "k80"};

/// How many GPUs of each type the cluster has.
struct GavelCluster {
    std::array<int, 3> gpus{36, 36, 36};  ///< V100, P100, K80; each >= 0, not all 0
};

/// Parses `V:P:K`, three whole numbers >= 0 (not all 0) separated by ':', e.g. `36:36:36`.
/// Throws InputError (key `--cluster`, value `text`) for anything else.
GavelCluster parse_gavel_cluster(std::string_view text);

/// `V:P:K` of `cluster`, as parse_gavel_cluster() reads it.
std::string gavel_cluster_text(const GavelCluster& cluster);

/// Gavel's 26 job types, as the `job_type` column names them: `ResNet-18 (batch size 64)`,
/// `A3C`, ...
const std::vector<std::string>& gavel_job_types();

/// The job set `path` on `cluster` as a Problem (docs/gavel.md): one resource per GPU type with
/// GPUs (id `v100`, `p100` or `k80`, kind `gpu`, capacity {units: its GPUs}); one task per job
/// (id = its `job_id`, kind training, workload = `total_steps`, units fixed at `scale_factor`,
/// allowed on the types where its throughput is > 0 and that have at least `scale_factor`
/// GPUs); `time[i][j]` = total_steps / thr of type j, the job's run time on its `scale_factor`
/// GPUs (a speed-up table {scale_factor: 1} keeps the duration at that time; 0 where the job may
/// not run). Schedule mode with policy `order` (each type's queue: ljf = longest first, the
/// default; fcfs = job order, as Gavel's FIFO; every job arrives at 0), laid out with
/// backfilling (ProblemData::backfill) unless `backfill` is false, minimize makespan. Named
/// after the file's stem. Throws InputError as described above.
Problem import_gavel(const std::string& path, const GavelCluster& cluster = {},
                     Policy order = Policy::ljf, bool backfill = true);

/// How the jobs of an imported job set choose their GPU count (docs/gavel.md §Variable GPU counts
/// and the efficiency trade-off).
enum class GavelUnits : std::uint8_t {
    fixed,     ///< each job on its `scale_factor` GPUs, times in seconds (import_gavel() above)
    variable,  ///< a data-parallel job on 1, 2, 4 or 8 GPUs (the counts measured), others on 1
    one,       ///< every job on 1 GPU
    max,       ///< a data-parallel job on its largest measured count (8), others on 1
};

/// `fixed`, `variable`, `one`, `max`: the names of `--units`.
std::string_view gavel_units_name(GavelUnits units);

/// What an imported job set optimizes.
enum class GavelObjective : std::uint8_t {
    makespan,    ///< minimize the makespan
    efficiency,  ///< maximize the seed's efficiency, work per busy GPU-time (Metric::efficiency)
};

/// Everything import_gavel() can be told.
struct GavelOptions {
    GavelCluster cluster{};      ///< GPUs per type
    Policy order = Policy::ljf;  ///< each type's queue order
    bool backfill = true;        ///< conservative backfilling (ProblemData::backfill)
    GavelUnits units = GavelUnits::fixed;
    GavelObjective objective = GavelObjective::makespan;
    /// A hard horizon (`hard: [horizon]`) in hours, > 0; infinite = none. Ignored when
    /// horizon_factor is > 0.
    double horizon = kInfinity;
    /// > 0: the hard horizon is this many times the LP makespan bound (lp_makespan_bound()) of
    /// the same job set with the same `units`; 0 = use `horizon`.
    double horizon_factor = 0;
};

/// The job set `path` as a Problem, as told by `options`. With GavelUnits::fixed and neither
/// objective nor horizon changed, exactly import_gavel(path, cluster, order, backfill). With
/// the other unit rules each job's durations come from Gavel's measured throughputs per GPU
/// count (problems/data/gavel-throughputs.csv, compiled in), in hours: resources v100, p100,
/// k80 (kind = id, speed 1); task type = the job's `job_type`; workload = the job's work in
/// single-V100 hours, total_steps / thr(type, 1 GPU, v100) / 3600; units as the rule says;
/// speedup_tables[type][gpu] = thr(type, u, gpu) / thr(type, 1, v100) per measured count u;
/// the task's own scaling the V100 column of that (a hint for solvers, replaced by the
/// tables); allowed on the types with enough GPUs whose throughput is > 0 at every count the
/// job may take. A horizon in the fixed variant is converted to seconds. Throws InputError as
/// import_gavel() does, and (key `--horizon`) for a horizon that is not > 0 or a factor when
/// the LP bound is not available.
Problem import_gavel(const std::string& path, const GavelOptions& options);

}  // namespace allocopt
