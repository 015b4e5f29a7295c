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

/// One task's place in a queue ordered by duration (sjf, ljf): by `primary`, then `tie`.
struct QueueKey {
    double primary;     // the duration (sjf) or its negation (ljf)
    std::uint64_t tie;  // sjf: the index; ljf: (units, descending) then Problem::queue_rank
    std::int32_t task;
    bool operator<(const QueueKey& o) const {
        return primary != o.primary ? primary < o.primary : tie < o.tie;
    }
};

/// Candidates evaluate_batch scores side by side on the load path (evaluate_load_group).
inline constexpr std::size_t kLoadGroup = 4;

/// Per-thread working memory, sized once: evaluations allocate nothing.
struct EvaluatorScratch {
    std::vector<double> duration;            // n
    std::vector<double> start, end;          // n
    std::vector<std::int32_t> offset;        // m + 1: bucket of each resource in `order`
    std::vector<std::int32_t> order;         // n + 1: tasks grouped by resource (+1: see
                                             // EvaluatorInternals::static_queue)
    std::vector<std::int32_t> cursor;        // m: next free position of each bucket
    std::vector<QueueKey> keys;              // n: one bucket's sort keys (sjf, ljf)
    ListScratch list;                        // list scheduling of one resource
    std::vector<double> load;                // m: sum of durations
    std::vector<double> group_load;          // kLoadGroup x m: evaluate_batch's load groups
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
          order(n + 1),
          cursor(m),
          keys(n),
          list(n, d),
          load(m),
          group_load(kLoadGroup * m),
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

    /// What the metrics read of each task, side by side (a Task is some 300 bytes).
    struct TaskFacts {
        double priority, arrival, deadline;
        double work;  // workload x frequency
        double workload, frequency;
        double concurrent;  // max(workload, frequency)
        bool optional;
    };

    const Problem& problem;
    EvaluatorPath path = EvaluatorPath::general;
    std::vector<UnitBounds> unit_bounds;  // n
    std::vector<TaskFacts> facts;         // n
    /// Schedule mode with at most kScanResources resources and n x m at most kTableEntries:
    /// Problem::duration(i, j, smallest count of i) at [i m + j]. Empty otherwise.
    std::vector<double> min_duration;
    /// Where min_duration is built, under sjf or ljf with every task's count fixed: per
    /// resource j, at [j n .. j n + n), every task in the order its queue on j takes
    /// (PolicyOrder at the fixed counts). An evaluation in which every task has its count
    /// fills the queues by scanning these in turn, without sorting. Empty otherwise.
    std::vector<std::int32_t> static_queue;

    static constexpr std::size_t kTableEntries = std::size_t{1} << 21;  // 16 MB of durations
    static constexpr std::size_t kScanResources = 16;
    std::vector<double> unit_duration;  // n x m, when a time matrix is given and units are 1
    std::vector<std::unique_ptr<EvaluatorScratch>> scratch;  // one per thread

    explicit EvaluatorInternals(const Problem& p) : problem(p) {}

    /// Durations with one unit, n x m row-major, when the load path runs on a time matrix;
    /// null otherwise.
    /// Problem::duration(i, j, units) from min_duration where it holds that count.
    double duration(std::size_t i, std::size_t j, std::int32_t units) const {
        if (!min_duration.empty() && units == unit_bounds[i].min) {
            return min_duration[i * problem.num_resources() + j];
        }
        return problem.duration(i, j, units);
    }

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
