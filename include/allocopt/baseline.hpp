#pragma once
// The baseline a search is measured against: the seed's simple policy on the same problem,
// first-come first-served list scheduling (`fcfs`) in schedule mode, first fit (`first-fit`)
// in packing mode. `allocopt solve` prints how far its answer is from it, and writes it to the
// result file (docs/design.md §Result files).
//
// Both heuristics are O(n (c + log m) + n log n) (schedule) or O(n m d) (packing) and score
// one allocation, so the baseline costs a small fraction of any search; it is computed after
// the search, never within its limits.

#include <atomic>
#include <optional>
#include <string_view>

#include "allocopt/evaluator.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The registry name (solver_registry()) of the baseline heuristic for `mode`: "fcfs" for
/// schedule, "first-fit" for packing.
std::string_view baseline_solver(Mode mode);

struct Baseline {
    std::string_view solver;  ///< baseline_solver() of the problem's mode
    /// The allocation and evaluation `allocopt solve --solver NAME` would return, one
    /// evaluation, a one-point trace, stop `finished` unless cut short; no placements.
    Result result;

    /// Whether the heuristic ran to its end: when it did not (interrupted, or past its time
    /// bound), its allocation was finished by a cheaper rule and is not the policy's.
    bool complete() const { return result.found && result.stop == StopReason::finished; }
};

/// Runs the baseline heuristic of the evaluator's problem and scores its allocation (one
/// evaluation, counted on `evaluator`). `interrupt` (may be null) and `time_limit` (seconds;
/// kDefaultTimeLimit when not > 0) cut the heuristic short, then Baseline::complete() is
/// false. Measured at 10^5 tasks: 0.1-0.6 s (docs/design.md §Result files).
Baseline run_baseline(Evaluator& evaluator, const std::atomic<bool>* interrupt = nullptr,
                      double time_limit = kDefaultTimeLimit);

/// (value - reference) / |reference|: +0.05 for 5 % above. 0 when both are 0; absent when only
/// the reference is 0 (no finite ratio).
std::optional<double> relative_change(double reference, double value);

/// How an answer compares with the baseline: feasibility first (a feasible allocation beats an
/// infeasible one; two infeasible ones compare by violation), then the objective under the
/// sense (better is lower when minimising, higher when maximising).
struct Comparison {
    enum class Verdict { better, same, worse };
    Verdict verdict = Verdict::same;
    /// relative_change(baseline objective, answer objective) when both are feasible.
    std::optional<double> change;
};

Comparison compare_with_baseline(const Evaluation& baseline, const Evaluation& answer, Sense sense);

}  // namespace allocopt
