#include "allocopt/objective.hpp"

#include <sstream>

namespace allocopt {

std::string_view metric_name(Metric metric) {
    switch (metric) {
        case Metric::makespan:
            return "makespan";
        case Metric::flowtime:
            return "flowtime";
        case Metric::weighted_completion:
            return "weighted_completion";
        case Metric::mean_response:
            return "mean_response";
        case Metric::throughput:
            return "throughput";
        case Metric::utilization:
            return "utilization";
        case Metric::parallelism:
            return "parallelism";
        case Metric::cost:
            return "cost";
        case Metric::deadline_misses:
            return "deadline_misses";
        case Metric::unplaced:
            return "unplaced";
        case Metric::efficiency:
            return "efficiency";
        case Metric::work_per_utilization:
            return "work_per_utilization";
        case Metric::degree_of_parallelism:
            return "degree_of_parallelism";
        case Metric::load_imbalance:
            return "load_imbalance";
    }
    return "?";
}

std::optional<Metric> parse_metric(std::string_view name) {
    for (Metric m : kAllMetrics) {
        if (metric_name(m) == name) return m;
    }
    return std::nullopt;
}

std::string_view sense_name(Sense sense) {
    return sense == Sense::minimize ? "minimize" : "maximize";
}

std::string Objective::describe() const {
    std::ostringstream out;
    out << sense_name(sense) << ' ';
    if (single()) {
        out << metric_name(terms.front().first);
        return out.str();
    }
    for (std::size_t k = 0; k < terms.size(); ++k) {
        if (k > 0) out << " + ";
        out << terms[k].second << '*' << metric_name(terms[k].first);
    }
    return out.str();
}

}  // namespace allocopt
