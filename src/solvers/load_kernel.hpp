#pragma once
// The makespan kernel of the metaheuristics on load-path problems (the Braun ETC case: every
// resource runs one task at a time, a resource's finishing time is the sum of its tasks'
// durations, the objective is the makespan). It works on the Evaluator's n x m duration
// table and keeps per-resource loads, so that a move or swap costs O(1).
//
// Plain descent on the makespan stalls on plateaus: moving a task between two non-critical
// resources never changes the makespan, and neither does relieving one of several resources
// that tie at the maximum. The descent here only looks at the critical resource c (the one
// with the largest load L) and accepts a move or swap when both resources it touches end
// below L; each step lowers c's load, so the sorted load vector decreases strictly and the
// search cannot cycle. It stops when no move or swap off c qualifies.
//
// price_directed() builds nearly optimal starts from Lagrangian prices (below).
//
// Ruin-and-recreate takes k tasks off their resources (half from the critical one) and puts
// them back greedily, largest first, each where it finishes earliest: the big mutation of
// the GA and PSO (the iterated-greedy idea of Ruiz and Stützle, applied to the makespan).
//
// A kernel owns its arrays; copies are independent, so parallel improvement steps each use
// their own kernel. It never touches the Evaluator: callers count its scores.

#include <cstdint>
#include <functional>
#include <vector>

#include "allocopt/rng.hpp"
#include "allocopt/solver.hpp"

namespace allocopt::detail {

class LoadKernel {
  public:
    /// `duration` is n x m row-major (task-major) and must outlive the kernel.
    LoadKernel(const double* duration, std::size_t n, std::size_t m);

    /// Takes `resource` (one entry per task, each in [0, m)) and computes the loads.
    void assign(const std::int32_t* resource);
    const std::vector<std::int32_t>& resource() const { return resource_; }
    double makespan() const;

    /// Critical-resource descent; stops at a local optimum, before it would score more than
    /// `max_scores` candidates (0 = no bound; a scan that does not fit is cut to fit, and the
    /// descent ends after it) or when `clock` fires (polled every ~1000 steps). Returns the
    /// number of scores made, never more than `max_scores`.
    /// With `chains`, when no move or swap qualifies, also tries ejection chains (a task
    /// leaves c for r while a task of r leaves for a third resource), O(k n m) per step.
    std::uint64_t descend(std::uint64_t max_scores, bool chains = true,
                          const StopClock* clock = nullptr);

    /// Removes `k` tasks (about half from the critical resource, the rest at random) and
    /// re-inserts them largest first, each where it completes earliest. Returns the scores:
    /// m per task removed, at most k x m.
    std::uint64_t ruin_recreate(std::size_t k, Rng& rng);

    /// Moves task t to resource r.
    void move(std::size_t t, std::int32_t r);

  private:
    bool secondary(double limit, std::uint64_t& scores);
    std::size_t critical() const;

    const double* d_;
    std::size_t n_, m_;
    std::vector<std::int32_t> resource_;
    std::vector<double> load_;
    std::vector<std::uint32_t> scratch_;  // tasks on the critical resource / removed tasks
};

/// Price-directed (Lagrangian) construction. Resource j has a price p_j; every task goes
/// where p_j x duration is least; overloaded resources get dearer (multiplicative update,
/// step / sqrt(iteration)). With prices summing to 1, sum_t min_j p_j d_tj is a lower bound
/// on the makespan (the LP bound in the limit), and the assignments along the way are nearly
/// balanced and efficient. Every tenth is polished by descend(); the `keep` best distinct
/// ones are returned, best first.
struct PriceSeeds {
    std::vector<std::vector<std::int32_t>> assignments;
    double lower_bound = 0;
    std::uint64_t scores = 0;
};
/// `stop` is asked every tenth iteration (termination, Ctrl-C); `clock` is polled inside the
/// sweeps and descents. The scores never exceed `max_scores` (0 = no bound): a sweep is n x m
/// scores, and a sweep that does not fit is not made.
PriceSeeds price_directed(const double* duration, std::size_t n, std::size_t m, int iterations,
                          std::size_t keep, double step, const std::function<bool()>& stop = {},
                          std::uint64_t max_scores = 0, const StopClock* clock = nullptr);

}  // namespace allocopt::detail
