#pragma once
// What the GA and the PSO share: problem-aware starts, mutation and the improvement step.
// On makespan problems of the load path (the Braun case) they run on the LoadKernel; on
// every other problem, on DeltaState with LocalSearch::improve.

#include <cstdint>
#include <optional>
#include <vector>

#include "allocopt/delta.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/solver.hpp"
#include "solvers/load_kernel.hpp"

namespace allocopt::detail {

class Memetic {
  public:
    Memetic(Evaluator& evaluator, SearchTracker& tracker);

    /// Whether the LoadKernel runs (load path, makespan objective, duration table).
    bool makespan_kernel() const { return kernel_.has_value(); }

    /// Starting allocations: the constructive heuristics that suit the problem and, with the
    /// kernel, up to `count` price-directed ones; each improved. Counts its scores.
    std::vector<Allocation> starts(std::size_t count, int price_iterations);

    /// On a problem so small that every allocation can be scored (at most kExhaustiveSpace of
    /// them: each task on each resource that can host it with each admissible unit count
    /// that fits, or unplaced when optional), scores them all (one evaluation each, within the
    /// budget) and offers the best to the tracker. Returns whether it did so completely: the
    /// best is then a proven optimum and the search has nothing left to do.
    bool exhaust_small_space();
    static constexpr double kExhaustiveSpace = 1024;

    /// Re-places `k` tasks: ruin-and-recreate with the kernel, else each to a random
    /// resource that can host it.
    void mutate(Allocation& a, std::size_t k, Rng& rng);
    /// The same with k drawn uniformly from [min_k, max_k] (at most the task count).
    void mutate(Allocation& a, int min_k, int max_k, Rng& rng);

    /// Local search from `a` (at most `effort` scores, 0 = to a local optimum), in place.
    /// With `focus`, only those tasks move (DeltaState searches; the makespan kernel always
    /// looks at the critical resource): after a small change to a locally optimal
    /// allocation, a pass costs O(|focus|) instead of O(n).
    /// With `clock`, the search also stops when it fires (a phase's share of the time limit).
    void improve(Allocation& a, std::uint64_t effort, Rng& rng,
                 const std::vector<std::uint32_t>* focus = nullptr,
                 const StopClock* clock = nullptr);
    /// One allocation to improve: the tasks to search (null = all) and its random stream.
    struct Job {
        Allocation* allocation;
        const std::vector<std::uint32_t>* focus;
        Rng rng;
    };
    /// Improves every job's allocation (each bounded by `effort` scores, 0 = the default
    /// bound). When the search touches nothing shared (the makespan kernel, incremental
    /// DeltaState) the jobs run in parallel through Evaluator::parallel_for, each on its own
    /// state, and the penalty weight moves only after the batch, in job order: the results
    /// are the same for any thread count. Otherwise they run one by one with improve().
    void improve_all(std::vector<Job>& jobs, std::uint64_t effort);

    /// The tasks the last mutate() re-placed.
    const std::vector<std::uint32_t>& mutated() const { return mutated_; }

    /// A uniformly random allocation over the resources that can host each task.
    Allocation random_allocation(Rng& rng) const;

    /// A lower bound on the objective from the Lagrangian starts, when one ran and the
    /// objective is exactly what it bounds (a weighted makespan; a weighted cost with every
    /// task required and no fixed costs), it is finite, and `best` (the best allocation
    /// found) is feasible with a value not below it: absent when no feasible allocation was
    /// found, since the dual of an infeasible problem grows without limit; or the makespan
    /// LP's bound (bounds.hpp, computed by starts() where it applies, up to 5,000 tasks) under
    /// the same rules, whichever is larger.
    std::optional<double> lower_bound(const Evaluation& best) const;

  private:
    void set_first_penalty(double objective);
    // The Lagrangian starts (lagrangian.cpp): appends up to `count` of them to `out`, the
    // starts so far.
    void lagrangian_starts(std::vector<Allocation>& out, std::size_t count, int price_iterations,
                           Rng& rng);
    std::vector<Allocation> packing_lagrangian_starts(std::size_t count, int iterations,
                                                      bool have_upper, double upper, Rng& rng);
    std::int32_t units_for(std::size_t t, std::size_t r, std::int32_t current) const;

    Evaluator& evaluator_;
    SearchTracker& tracker_;
    const Problem& problem_;
    std::optional<LoadKernel> kernel_;
    double lower_bound_ = 0;
    std::optional<double> lp_bound_;      // the larger makespan bound (bounds.hpp), from starts()
    std::optional<Allocation> lp_start_;  // lp-round's start, found with the bound (starts())
    std::optional<double> lagrangian_bound(const Evaluation& best) const;
    double penalty_ = 0;
    int incremental_ = -1;  // whether DeltaState is incremental on this problem (-1: unknown)
    std::vector<std::uint32_t> mutated_;  // tasks the last mutate() re-placed
    bool has_fixed_costs_ = false;        // weight of the violation in the oscillation (packing)
};

}  // namespace allocopt::detail
