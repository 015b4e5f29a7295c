#pragma once
// The seed's three formulas (docs/formulas.md, docs/design.md §Metrics), computed literally from an
// allocation. Schedule metrics (makespan, cost, ...) belong to the Evaluator.

#include <vector>

namespace allocopt {

class Problem;
struct Allocation;

struct SeedMetrics {
    double total_work = 0;         ///< sum over placed tasks of workload x frequency
    double total_utilization = 0;  ///< sum over placed tasks of units x frequency x weight
    double objective = 0;          ///< total_work / total_utilization (0 when nothing is placed)
    std::vector<double> utilization_rate;  ///< per resource: units in use / unit capacity
    double mean_utilization_rate = 0;      ///< mean of utilization_rate over all resources
    double concurrent_work = 0;            ///< sum over placed tasks of max(workload, frequency)
    double degree_of_parallelism = 0;      ///< total_work / concurrent_work (0 when empty)
};

/// The seed's formulas. Note the seed's worked example prints a concurrent work of 606 and a
/// degree of parallelism of 11.57; max(100, 10) + max(500, 5) is 600, so the formula gives
/// 7000 / 600 = 11.67. We implement the formula, not the slip.
SeedMetrics seed_metrics(const Problem& problem, const Allocation& allocation);

}  // namespace allocopt
