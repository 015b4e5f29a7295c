#pragma once
// The Evaluator's internals, private to the library: the path it chose, the per-task unit
// bounds, the table of one-unit durations, and one scratch area per thread. DeltaState and the
// makespan kernel read them through detail::internals(evaluator); the public header only
// forward-declares EvaluatorInternals.

#include <cstdint>
#include <memory>
#include <vector>

#include "allocopt/evaluator.hpp"
#include "allocopt/problem.hpp"
#include "detail/list_schedule.hpp"

namespace allocopt::detail {

/// The specialised scoring path chosen from the problem's shape (docs/design.md §Evaluator).
enum class EvaluatorPath : std::uint8_t { load, packing, general };

/// Per-thread working memory, sized once: evaluations allocate nothing.
struct EvaluatorScratch {
    std::vector<double> duration;            // n
    std::vector<double> start, end;          // n
    std::vector<std::int32_t> offset;        // m + 1: bucket of each resource in `order`
    std::vector<std::int32_t> order;         // n: tasks grouped by resource
    std::vector<std::int32_t> cursor;        // m: next free position of each bucket
    ListScratch list;                        // list scheduling of one resource
    std::vector<double> load;                // m: sum of durations
    std::vector<double> busy;                // m: sum of units x duration
    std::vector<double> usage;               // m x d: packing usage
    std::vector<std::uint8_t> in_use;        // m
    std::vector<int> device_used;            // every resource's devices (Problem::device_offset)
    std::vector<std::uint64_t> device_mask;  // n: the devices each task took

    EvaluatorScratch(std::size_t n, std::size_t m, std::size_t d, std::size_t devices = 0)
        : duration(n),
          start(n),
          end(n),
          offset(m + 1),
          order(n),
          cursor(m),
          list(n, d),
          load(m),
          busy(m),
          usage(m * d),
          in_use(m),
          device_used(devices),
          device_mask(devices > 0 ? n : 0) {}
};

/// What an Evaluator decides and allocates at construction.
struct EvaluatorInternals {
    struct UnitBounds {
        std::int32_t min, max;
        bool listed;  // only the values of the task's list are admissible
    };

    const Problem& problem;
    EvaluatorPath path = EvaluatorPath::general;
    std::vector<UnitBounds> unit_bounds;  // n
    std::vector<double> unit_duration;    // n x m, when a time matrix is given and units are 1
    std::vector<std::unique_ptr<EvaluatorScratch>> scratch;  // one per thread

    explicit EvaluatorInternals(const Problem& p) : problem(p) {}

    /// Durations with one unit, n x m row-major, when the load path runs on a time matrix;
    /// null otherwise.
    const double* unit_duration_table() const {
        return unit_duration.empty() ? nullptr : unit_duration.data();
    }

    /// Whether `units` is an admissible unit count for task i (its `units` range or list):
    /// O(1) from flat per-task bounds, a binary search only for tasks with a unit list.
    bool admissible_units(std::size_t i, std::int32_t units) const {
        const UnitBounds& b = unit_bounds[i];
        if (units < b.min || units > b.max) return false;
        return !b.listed || problem.task(i).units.allows(units);
    }
};

/// The one way into an Evaluator's internals (a friend of Evaluator).
struct EvaluatorAccess {
    static const EvaluatorInternals& of(const Evaluator& evaluator) {
        return *evaluator.internals_;
    }
};

/// The internals of `evaluator`.
inline const EvaluatorInternals& internals(const Evaluator& evaluator) {
    return EvaluatorAccess::of(evaluator);
}

}  // namespace allocopt::detail
