#pragma once
// The Evaluator: scores allocations. It is the hot loop of every solver.
//
// evaluate() scores one allocation into an Evaluation (objective value + violation);
// evaluate_batch() scores many, in parallel with OpenMP; parallel_for() runs the solvers'
// per-candidate improvement steps on the same threads. These two are the only parallel
// loops of the library. report() computes every metric and the schedule, for output.
//
// The problem's shape is inspected once, at construction, and a specialised path is chosen:
//   * load path: schedule mode, every resource with one unit, no arrivals, an objective of
//     makespan / load_imbalance only (the Braun ETC case): load = sum of durations;
//   * packing path: packing mode, usage per resource and dimension, fixed and pair costs;
//   * general path: list scheduling with cumulative capacity under the problem's policy.
// Every path gives the same numbers report() gives; tests check this. The path, the tables
// and the scratch areas are the library's own (src/detail/evaluator_internals.hpp).

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/metrics.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {

class Evaluator;

namespace detail {
struct EvaluatorInternals;
struct EvaluatorAccess;
}  // namespace detail

/// The score of one allocation. Lower `violation` first (0 = feasible), then `objective`
/// in the problem's sense.
struct Evaluation {
    double objective = 0;  ///< sum of weight x metric over the objective's terms
    double violation = 0;  ///< total constraint violation, 0 when feasible

    bool feasible() const { return violation <= 0; }
};

/// Feasibility-first comparison: any feasible beats any infeasible; among infeasible, less
/// violation wins; among feasible, the better objective in `sense`. Strict: false on ties.
bool better(const Evaluation& a, const Evaluation& b, Sense sense);

inline constexpr std::size_t kMetricCount = std::size(kAllMetrics);

/// Everything known about one allocation: its score, every metric, the schedule.
struct Report {
    Evaluation evaluation;
    std::array<double, kMetricCount> metrics{};  ///< indexed by Metric
    std::vector<double> utilization;  ///< per resource, busy unit-time / (cap x makespan)
    std::vector<double> start;        ///< per task; NaN when unplaced
    std::vector<double> end;          ///< per task; NaN when unplaced
    SeedMetrics seed;
    /// Per task, the devices it takes on its resource (bit d = device d): those the
    /// allocation names, else the Evaluator's choice; 0 for a task without devices or for
    /// which too few were free. Empty when no task asks for devices.
    std::vector<std::uint64_t> devices;
    // Violation broken down by cause (their sum is evaluation.violation).
    double capacity_violation = 0;   ///< relative overflow summed over resources and dimensions
                                     ///< (and devices)
    double placement_violation = 0;  ///< disallowed placements, inadmissible unit counts and
                                     ///< unplaced non-optional tasks
    double deadline_violation = 0;   ///< relative lateness of hard deadlines and horizon

    double metric(Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};

/// Threads. The OpenMP runtime's wait policy belongs to the process, and libgomp reads it from
/// the environment when it is loaded: an idle thread spins (libgomp's default, some
/// milliseconds after each region) or sleeps (OMP_WAIT_POLICY=passive). Spinning threads
/// take the cores from working ones where other processes share the machine; the allocopt
/// CLI therefore runs `solve` passive unless the environment sets a policy, and a program
/// that embeds the library on a shared machine should set OMP_WAIT_POLICY=passive too.
struct EvaluatorOptions {
    int threads = 0;  ///< threads for evaluate_batch() and parallel_for(); 0 = all cores
};

class Evaluator {
  public:
    /// Keeps a reference to `problem`, which must outlive the Evaluator.
    explicit Evaluator(const Problem& problem, EvaluatorOptions options = {});
    ~Evaluator();
    Evaluator(const Evaluator&) = delete;
    Evaluator& operator=(const Evaluator&) = delete;

    const Problem& problem() const { return problem_; }
    int threads() const { return threads_; }

    /// Scores one allocation (one entry per task; resource indices in range or unplaced).
    /// Not thread-safe: it uses the Evaluator's first scratch area.
    Evaluation evaluate(const Allocation& allocation);

    /// Scores `candidates` into `results` (same size), in parallel over candidates. Each
    /// result depends only on its candidate: identical for any thread count. A batch of
    /// less work than about 0.2 ms (estimated from its first candidate) is scored on the
    /// calling thread: waking the team would cost more than it saves.
    void evaluate_batch(std::span<const Allocation> candidates, std::span<Evaluation> results);

    /// Runs work(0) ... work(count - 1) on the Evaluator's threads, each index once, in no
    /// particular order: the solvers' parallel improvement steps (local search on a brood of
    /// children, a swarm of particles) go through here, so that OpenMP stays in the
    /// Evaluator. work(i) must touch only what belongs to index i; the results are then the
    /// same for any thread count. The first exception thrown is rethrown here.
    void parallel_for(std::size_t count, const std::function<void(std::size_t)>& work) const;

    /// Every metric and the schedule of one allocation.
    Report report(const Allocation& allocation) const;

    /// Candidates scored so far (evaluate + batch), for budgets and rates.
    std::uint64_t evaluations() const { return evaluations_; }
    /// Adds delta-scored moves to the count (see DeltaState).
    void count_evaluations(std::uint64_t n) { evaluations_ += n; }

    /// Duration of task i on resource j with u units: frequency x time(i, j) / speedup(u).
    double duration(std::size_t i, std::size_t j, int units) const;
    /// Running cost of task i on j with u units (the cost matrix entry when given, else
    /// duration x units x cost_per_hour), without fixed costs.
    double pair_cost(std::size_t i, std::size_t j, int units) const;

  private:
    friend struct detail::EvaluatorAccess;

    const Problem& problem_;
    int threads_;
    // The chosen path, tables and per-thread scratch areas (src/detail/evaluator_internals.hpp).
    std::unique_ptr<detail::EvaluatorInternals> internals_;
    std::uint64_t evaluations_ = 0;
};

}  // namespace allocopt
