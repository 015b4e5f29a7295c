#pragma once
// What a solution is judged by: one metric or a weighted sum of metrics, minimised or maximised.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace allocopt {

/// Every metric the Evaluator reports (docs/design.md §Metrics). Names at the YAML/CLI edge are
/// the snake_case spellings returned by metric_name().
enum class Metric : std::uint8_t {
    makespan,               ///< latest completion time
    flowtime,               ///< sum of completion times
    weighted_completion,    ///< sum of priority x completion time
    mean_response,          ///< mean of (completion - arrival)
    throughput,             ///< work completed within the horizon / horizon
    utilization,            ///< mean over resources of busy unit-time / (capacity x makespan)
    parallelism,            ///< sum of busy time / makespan
    cost,                   ///< running cost plus fixed costs of used resources
    deadline_misses,        ///< number of placed tasks finishing after their deadline
    unplaced,               ///< number of tasks left unplaced
    efficiency,             ///< work completed within the horizon / weighted resource-time
    work_per_utilization,   ///< the seed's objective: total work / total resource utilization
    degree_of_parallelism,  ///< the seed's total work / concurrent work
    load_imbalance,         ///< max load / mean load over resources
};

inline constexpr Metric kAllMetrics[] = {
    Metric::makespan,
    Metric::flowtime,
    Metric::weighted_completion,
    Metric::mean_response,
    Metric::throughput,
    Metric::utilization,
    Metric::parallelism,
    Metric::cost,
    Metric::deadline_misses,
    Metric::unplaced,
    Metric::efficiency,
    Metric::work_per_utilization,
    Metric::degree_of_parallelism,
    Metric::load_imbalance,
};

std::string_view metric_name(Metric metric);
std::optional<Metric> parse_metric(std::string_view name);

enum class Sense : std::uint8_t { minimize, maximize };
std::string_view sense_name(Sense sense);

/// `sense` applied to sum(weight x metric). A single-metric objective has one term of weight 1.
struct Objective {
    Sense sense = Sense::minimize;
    std::vector<std::pair<Metric, double>> terms{{Metric::makespan, 1.0}};

    bool single() const { return terms.size() == 1 && terms.front().second == 1.0; }
    /// "minimize makespan" or "minimize 1*makespan + 0.2*cost".
    std::string describe() const;
};

}  // namespace allocopt
