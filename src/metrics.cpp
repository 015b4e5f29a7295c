#include "allocopt/metrics.hpp"

#include <algorithm>

#include "allocopt/allocation.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {

SeedMetrics seed_metrics(const Problem& problem, const Allocation& allocation) {
    SeedMetrics out;
    const std::size_t m = problem.num_resources();
    std::vector<double> units_in_use(m, 0.0);
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        if (!allocation.placed(i)) continue;
        const Task& task = problem.task(i);
        const auto r = static_cast<std::size_t>(allocation.resource[i]);
        const double units = allocation.units[i];
        out.total_work += task.workload * task.frequency;
        out.total_utilization += units * task.frequency * problem.resource(r).weight;
        out.concurrent_work += std::max(task.workload, task.frequency);
        units_in_use[r] += units;
    }
    out.objective = out.total_utilization > 0 ? out.total_work / out.total_utilization : 0.0;
    out.degree_of_parallelism =
        out.concurrent_work > 0 ? out.total_work / out.concurrent_work : 0.0;
    out.utilization_rate.resize(m);
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) {
        out.utilization_rate[j] = units_in_use[j] / problem.capacity(j, 0);
        sum += out.utilization_rate[j];
    }
    out.mean_utilization_rate = m ? sum / static_cast<double>(m) : 0.0;
    return out;
}

}  // namespace allocopt
