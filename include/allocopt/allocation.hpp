#pragma once
// The decision: for each task, a resource index (or unplaced) and a unit count.
// Stored as two contiguous arrays so that solvers and the Evaluator read them in a tight loop.

#include <cstdint>
#include <vector>

namespace allocopt {

class Problem;

struct Allocation {
    static constexpr std::int32_t kUnplaced = -1;

    std::vector<std::int32_t> resource;  ///< per task: resource index, or kUnplaced
    std::vector<std::int32_t> units;     ///< per task: unit count (ignored when unplaced)
    /// Empty, or per task the devices it takes on its resource (bit d = device d) when it
    /// asks for devices (Task::devices). 0, and an empty vector for all, leave the choice to
    /// the Evaluator, which packs such tasks best-fit (docs/sharing.md §Problems with devices)
    /// and reports its choice (Report::devices).
    std::vector<std::uint64_t> devices;

    Allocation() = default;
    /// n tasks, all unplaced.
    explicit Allocation(std::size_t n) : resource(n, kUnplaced), units(n, 0) {}

    std::size_t size() const { return resource.size(); }
    bool placed(std::size_t i) const { return resource[i] != kUnplaced; }
    void place(std::size_t i, std::int32_t r, std::int32_t u) {
        resource[i] = r;
        units[i] = u;
        if (!devices.empty()) devices[i] = 0;  // the old resource's devices no longer apply
    }
    /// The devices task i takes (0 = the Evaluator's choice).
    std::uint64_t devices_of(std::size_t i) const { return devices.empty() ? 0 : devices[i]; }

    friend bool operator==(const Allocation&, const Allocation&) = default;
};

/// Checks that `allocation` is a well-formed decision for `problem`: one entry per task,
/// resource indices in range and allowed, unit counts admissible and within the resource's
/// unit capacity, no non-optional task unplaced when `require_complete`, and in packing mode
/// no capacity exceeded; with devices, every placed task that asks for some names exactly
/// that many devices of its resource and no device carries more than its capacity (key
/// `allocation[i].devices`). Throws InputError keyed `allocation[i]`, `allocation[i].resource` or
/// `allocation[i].units` (i: the task index; for a packing overflow, the first task in index
/// order that makes its resource overflow), naming the task and resource.
void check_allocation(const Problem& problem, const Allocation& allocation,
                      bool require_complete = false);

/// The per-task part of check_allocation(): each entry is a decision the problem admits
/// (resource in range and allowed, unit count admissible and within the resource's units,
/// each demand within the resource's capacity), whatever else is placed beside it. What a
/// file's allocation must pass to be read; whether the tasks fit together is the Evaluator's
/// question (`allocopt evaluate` reports an overflow as infeasible, exit 1).
void check_decisions(const Problem& problem, const Allocation& allocation);

}  // namespace allocopt
