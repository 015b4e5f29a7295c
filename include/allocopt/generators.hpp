#pragma once
// Problem generators: random instances of the three problem families allocopt is measured on,
// each a function of its spec (seed included) alone. Draws use allocopt::Rng and our own
// uniform draws, never std:: distributions, so an instance is the same on every platform.
//
// * ETC (Braun et al. 2001, "A comparison of eleven static heuristics for mapping a class of
//   independent tasks onto heterogeneous distributed computing systems", JPDC 61(6)), the
//   range-based method: for each task i, tau_i = U[1, R_task); for each machine j,
//   ETC[i][j] = tau_i * U[1, R_mach), with R_task = 100 (lo) or 3000 (hi) and R_mach = 10 (lo)
//   or 1000 (hi). Consistent: each row sorted ascending (machine 0 fastest for every task).
//   Semi-consistent: in each row the values of the even-indexed machines (0, 2, 4, ...) are
//   sorted ascending among themselves; the odd ones stay as drawn. Inconsistent: as drawn.
//   Values are kept to 6 significant digits (Braun's files carry single precision).
// * GAP types C, D (Chu & Beasley 1997, "A genetic algorithm for the generalised assignment
//   problem", Computers & OR 24(1)) and E (Laguna, Kelly, Gonzalez-Velarde & Glover 1995,
//   "Tabu search for the multilevel generalized assignment problem", EJOR 82(1), as used by
//   Yagiura, Ibaraki & Glover 2004), m agents and n jobs, minimised, all integers:
//     C: r_ij = U[5, 25], c_ij = U[10, 50], b_i = floor(0.8 * sum_j r_ij / m)
//     D: r_ij = U[1, 100], c_ij = 111 - r_ij + U[-10, 10], b_i = floor(0.8 * sum_j r_ij / m)
//     E: r_ij = int(1 - 10 ln U(0, 1]), c_ij = int(1000 / r_ij - 10 U[0, 1]),
//        b_i = floor(max(0.8 * sum_j r_ij / m, max_j r_ij))
//   (U[a, b] on integers is uniform over a..b; int() drops the fraction.) Laguna et al. give
//   type E's r and c as real numbers; Yagiura's integer files (bench/instances/gap/
//   yagiura_typeE) match truncation, not rounding: r = 1 in 10.2 % of their 10,500 pairs
//   (truncation: 9.5 %, rounding: 4.9 %), and their costs for r = 6 span 156..166 and for
//   r = 7 span 132..141, which only truncation gives. A type-E cost can only go negative for
//   r_ij > 100, which Yagiura's files never reach (their r_ij stay within 1..91); such a
//   cost is raised to 0, the model's lower bound.
// * Cluster: a GPU cluster of Alibaba node types running training, inference, preprocessing
//   and serving jobs, drawn from Gavel's throughputs and Alibaba's 2023 GPU trace (the tables
//   are compiled in; see problems/data/SOURCES.md and generate_cluster() below).

#include <cstdint>
#include <string>
#include <string_view>

#include "allocopt/problem.hpp"

namespace allocopt::generators {

// ---------------------------------------------------------------------------------------------
// Braun et al. ETC

enum class Consistency : std::uint8_t { consistent, semi_consistent, inconsistent };
enum class Heterogeneity : std::uint8_t { low, high };

struct EtcSpec {
    int tasks = 512;    ///< >= 1
    int machines = 16;  ///< >= 1
    Consistency consistency = Consistency::consistent;
    Heterogeneity task_heterogeneity = Heterogeneity::high;     ///< R_task = 100 lo, 3000 hi
    Heterogeneity machine_heterogeneity = Heterogeneity::high;  ///< R_mach = 10 lo, 1000 hi
    std::uint64_t seed = 1;
};

/// The literature's label of the instance class: "u_c_hihi", "u_s_lohi", "u_i_hilo", ...
std::string etc_label(const EtcSpec& spec);

/// A Braun ETC instance, in exactly the shape import_braun_etc() builds: schedule mode, FCFS,
/// minimise makespan, machines `m0..` of kind `machine` with capacity {units: 1}, tasks `t0..`
/// of one unit, the `time` matrix = ETC. Named `<label>-<tasks>x<machines>-seed<seed>`.
/// Throws InputError (key `tasks` or `machines`) for a count below 1.
Problem generate_etc(const EtcSpec& spec);

// ---------------------------------------------------------------------------------------------
// Generalized assignment

enum class GapType : std::uint8_t { c, d, e };

struct GapSpec {
    GapType type = GapType::d;
    int agents = 10;  ///< m >= 1
    int jobs = 100;   ///< n >= 1
    std::uint64_t seed = 1;
};

/// A GAP instance, in exactly the shape import_orlib_gap() builds: packing mode, minimise
/// cost, agents `a0..` of kind `agent` with capacity {units: n, load: b_i}, jobs `j0..` of one
/// unit, task-major `cost` and `demand.load` matrices. Named `gap-<type><m><n>-seed<seed>`
/// (type and sizes as in Yagiura's file names, e.g. `gap-d10100-seed1`). Throws InputError
/// for agents or jobs below 1, and when the drawn capacities leave a job fitting no agent
/// (possible only with few jobs per agent: types C and D need about 2.5 or more).
Problem generate_gap(const GapSpec& spec);

// ---------------------------------------------------------------------------------------------
// GPU cluster

/// Shares of the job kinds, each >= 0 with a positive sum (normalised when drawing).
struct JobMix {
    double training = 0.4;
    double inference = 0.3;
    double preprocessing = 0.2;
    double serving = 0.1;
};

/// Parses "training=0.4,inference=0.3,preprocessing=0.2,serving=0.1"; kinds not named get 0.
/// Throws InputError (key `mix`) for an unknown kind (with a "did you mean" hint), a kind named
/// twice, a value that is not a finite number >= 0, or shares summing to 0.
JobMix parse_job_mix(std::string_view text);

struct ClusterSpec {
    int jobs = 200;  ///< >= 1
    int nodes = 16;  ///< >= 1; >= 2 when the mix has both GPU jobs and preprocessing
    // `{}`: g++ -Wextra flags a designated initializer that leaves out a member
    // with no default member initializer.
    JobMix mix{};
    double arrival_rate = 0;       ///< jobs per hour, Poisson arrivals; 0 = all jobs at time 0
    double cpu_core_price = 0.03;  ///< USD per core-hour of a CPU-only node, >= 0
    std::uint64_t seed = 1;
};

/// A GPU-cluster scheduling problem (schedule mode, priority policy), times in hours, in the
/// compact form (no `time` matrix: memory and file size O(n + m + types x kinds)):
///
/// * Nodes: `nodes` rows of Alibaba's node table, drawn in proportion to their node counts
///   (one CPU-only or GPU node replaces a drawn one when the mix needs that kind and none was
///   drawn), grouped by type: ids `g2-0`, `t4-0`, `cpu-0`, ...; a GPU node has the kind of
///   its GPU class (`v100` or `p100`), capacity {units: GPUs, cpu: cores, memory_gb} and
///   cost_per_hour = the class's Gavel price per GPU-hour; a CPU-only node has kind `cpu`,
///   capacity {units: cores, memory_gb} and cost_per_hour = cpu_core_price (an assumption:
///   the sources give no CPU price). Every speed is 1.
/// * GPU classes: Gavel measured V100, P100 and K80. V100M16, V100M32 -> V100; P100 -> P100;
///   T4 -> P100 (similar single-precision throughput, far below a V100); A10 and the
///   undisclosed G2, G3 -> V100 (8-GPU training machines like the V100M32 ones; the fastest
///   class Gavel has). No Alibaba model maps to K80.
/// * Job types: each GPU job has the `type` of a Gavel job type (`resnet-18-bs64`, `a3c`,
///   ...), and `speedups` has a row for each type drawn: per GPU class of the nodes,
///   thr_class / thr_V100 of its single-GPU throughputs, to 6 significant digits (so the
///   `v100` factor is 1). A task's `workload` is its time on one V100, and Problem::time
///   gives workload / factor on a GPU node (the same times, to rounding, as the dense
///   matrix of significant(duration * thr_V100 / thr_c) that earlier versions wrote).
/// * Training (kind compute, allowed: the GPU classes of the nodes): a Gavel job type drawn
///   uniformly; its V100 duration from Gavel's generator (60 * 10^U(1.5, 3) s with
///   probability 0.8, else 60 * 10^U(3, 4) s). Units: the scale factors Gavel measured
///   (1, 2, 4, 8) that fit the largest GPU node, with the V100 speed-up table
///   thr(u) / thr(1), capped at u (Gavel warns its super-linear rows are a lookup table, not
///   a scaling law). CPU and memory demand from an Alibaba GPU pod that asks for whole GPUs
///   and is not latency-sensitive.
/// * Inference (compute, allowed: the GPU classes): an Alibaba best-effort GPU pod: its GPUs
///   (a fraction of a GPU holds a whole one: units are integers), CPU, memory and run time,
///   taken as the V100-class time and scaled to the other classes by the speed-up row of a
///   Gavel job type drawn uniformly (the task's `type`).
/// * Serving (compute, the GPU classes): the same from a latency-sensitive (LS) pod, priority
///   5, and a deadline = arrival + SLO * its shortest possible duration, SLO drawn from
///   Gavel's {1.2, 2, 10}. Deadlines are soft (counted by deadline_misses).
/// * Preprocessing (kind data, allowed [cpu], no type): an Alibaba CPU-only pod: units
///   (cores) in [1, its cores], Amdahl scaling with p = 0.95 (an assumption), its run time at
///   its cores, its memory.
/// * Run times of pods are clipped to [60 s, 600,000 s] (Gavel's longest duration). Priority:
///   5 for serving; for the other kinds 5 with probability 0.2, else 1 (Gavel's
///   multi-priority option). Only pods that fit some allowed node are drawn, so every task
///   fits somewhere.
/// * Objective: minimise weighted_completion + cost (priority-weighted completion hours plus
///   USD).
///
/// Named `cluster-<jobs>x<nodes>-seed<seed>`. Throws InputError (keys `jobs`, `nodes`,
/// `mix`, `arrival_rate`, `cpu_core_price`) for values out of range.
Problem generate_cluster(const ClusterSpec& spec);

}  // namespace allocopt::generators
