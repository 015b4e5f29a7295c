#include "detail/shapes.hpp"

#include <utility>

namespace allocopt::detail {

namespace {

/// `prefix` followed by `k`: "m0", "a12". Appended rather than `prefix + std::to_string(k)`,
/// for which g++ 12 gives a false -Wrestrict warning once inlined here.
std::string numbered(char prefix, std::size_t k) {
    std::string id(1, prefix);
    id += std::to_string(k);
    return id;
}

}  // namespace

ProblemData etc_shape(std::string name, Matrix time) {
    const auto tasks = static_cast<std::size_t>(time.rows());
    const auto machines = static_cast<std::size_t>(time.cols());
    ProblemData data;
    data.name = std::move(name);
    data.mode = Mode::schedule;
    data.policy = Policy::fcfs;
    data.objective = {Sense::minimize, {{Metric::makespan, 1.0}}};
    data.resources.resize(machines);
    for (std::size_t j = 0; j < machines; ++j) {
        data.resources[j].id = numbered('m', j);
        data.resources[j].kind = "machine";
        data.resources[j].capacity = {{std::string(kUnitsDimension), 1.0}};
    }
    data.tasks.resize(tasks);
    for (std::size_t i = 0; i < tasks; ++i)
        data.tasks[i].id = numbered('t', i);
    data.time = std::move(time);
    return data;
}

ProblemData gap_shape(std::string name, Sense sense, const GapTables& gap) {
    ProblemData data;
    data.name = std::move(name);
    data.mode = Mode::packing;
    data.objective = {sense, {{Metric::cost, 1.0}}};
    data.resources.resize(gap.agents);
    for (std::size_t a = 0; a < gap.agents; ++a) {
        data.resources[a].id = numbered('a', a);
        data.resources[a].kind = "agent";
        data.resources[a].capacity = {{std::string(kUnitsDimension), static_cast<double>(gap.jobs)},
                                      {"load", gap.capacity[a]}};
    }
    data.tasks.resize(gap.jobs);
    for (std::size_t j = 0; j < gap.jobs; ++j)
        data.tasks[j].id = numbered('j', j);
    // The tables are agent-major; the model's matrices are task-major.
    const auto rows = static_cast<Eigen::Index>(gap.agents);
    const auto cols = static_cast<Eigen::Index>(gap.jobs);
    data.cost = Eigen::Map<const Matrix>(gap.cost.data(), rows, cols).transpose();
    data.demand["load"] = Eigen::Map<const Matrix>(gap.load.data(), rows, cols).transpose();
    return data;
}

}  // namespace allocopt::detail
