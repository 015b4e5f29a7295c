#pragma once
// Descent over the move (one task to another resource) and swap (two tasks exchange
// resources) neighbourhoods, scored by DeltaState (O(1) for load and packing objectives).
// Starts from a constructive heuristic's allocation; stops at a local optimum (no improving
// move or swap) or when the RunSettings says so. GA and PSO reuse improve() on offspring.

#include <cstdint>
#include <utility>
#include <vector>

#include "allocopt/delta.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/solvers/constructive.hpp"

namespace allocopt {

struct LocalSearchOptions {
    bool best_improvement = false;  ///< scan a whole neighbourhood, take the best (else first)
    bool swaps = true;              ///< also search the swap neighbourhood
    std::uint64_t max_scores = 0;   ///< stop after this many scores (0 = at a local optimum)
    /// Hard bound on the evaluations the descent spends, applying an accepted move or swap
    /// (which scores it again) included; 0 = none. With a tracker, its budget() bounds it too.
    std::uint64_t budget = 0;
    /// Polled every ~1000 candidates instead of the tracker's clock (which is polled when this
    /// is null): a phase's own, earlier deadline (StopClock::within).
    const StopClock* clock = nullptr;
    /// Only these tasks move (each swap pairs one of them with any task); null = all tasks.
    /// Makes the search after a small perturbation cost O(|focus|) instead of O(n) per pass.
    const std::vector<std::uint32_t>* focus = nullptr;
};

class LocalSearch : public Solver {
  public:
    LocalSearch(ConstructiveSolver::Build init, LocalSearchOptions options, std::uint64_t seed)
        : init_(std::move(init)), options_(options), seed_(seed) {}

    Result solve(Evaluator& evaluator, const RunSettings& termination, Observer* observer) override;

    /// Descends from `state`'s allocation until a local optimum or a stop; offers every
    /// improvement to `tracker`. Returns whether anything improved.
    static bool improve(DeltaState& state, SearchTracker& tracker,
                        const LocalSearchOptions& options, Rng& rng);

    /// The same descent on objective + weight x violation (strategic oscillation): it may
    /// cross infeasible allocations on the way to cheaper feasible ones. Every allocation it
    /// reaches is offered to `tracker`, which keeps the best feasible one.
    static void improve_penalized(DeltaState& state, SearchTracker& tracker, double weight,
                                  const LocalSearchOptions& options, Rng& rng);

    /// The same descent without a tracker, for parallel improvement steps: no termination
    /// checks (bound it with options.max_scores) and no offers. `weight` >= 0 runs the
    /// penalised descent. Returns the best allocation it passed through (feasibility
    /// first) with its score; the state ends where the descent ended.
    static std::pair<Allocation, Evaluation> improve_detached(DeltaState& state,
                                                              const LocalSearchOptions& options,
                                                              Rng& rng, double weight = -1);

  private:
    ConstructiveSolver::Build init_;
    LocalSearchOptions options_;
    std::uint64_t seed_;
};

}  // namespace allocopt
