// The Braun et al. ETC generator (etc_label, generate_etc; see generators.hpp).

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/rng.hpp"
#include "detail/shapes.hpp"
#include "generators_draws.hpp"

namespace allocopt::generators {

using detail::require_at_least_one;
using detail::significant;
using detail::uniform;

namespace {

/// Sorts the values of the even-indexed columns among themselves; odd columns stay.
void sort_even_columns(std::vector<double>& row) {
    std::vector<double> even;
    for (std::size_t j = 0; j < row.size(); j += 2)
        even.push_back(row[j]);
    std::sort(even.begin(), even.end());
    for (std::size_t j = 0, k = 0; j < row.size(); j += 2, ++k)
        row[j] = even[k];
}

}  // namespace

std::string etc_label(const EtcSpec& spec) {
    const char* consistency = spec.consistency == Consistency::consistent        ? "c"
                              : spec.consistency == Consistency::semi_consistent ? "s"
                                                                                 : "i";
    auto level = [](Heterogeneity h) { return h == Heterogeneity::high ? "hi" : "lo"; };
    return std::string("u_") + consistency + "_" + level(spec.task_heterogeneity) +
           level(spec.machine_heterogeneity);
}

Problem generate_etc(const EtcSpec& spec) {
    require_at_least_one(spec.tasks, "tasks");
    require_at_least_one(spec.machines, "machines");
    const double r_task = spec.task_heterogeneity == Heterogeneity::high ? 3000 : 100;
    const double r_mach = spec.machine_heterogeneity == Heterogeneity::high ? 1000 : 10;
    const auto n = static_cast<std::size_t>(spec.tasks);
    const auto m = static_cast<std::size_t>(spec.machines);

    Rng rng(spec.seed);
    Matrix time(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    std::vector<double> row(m);
    for (std::size_t i = 0; i < n; ++i) {
        const double tau = uniform(rng, 1, r_task);
        for (std::size_t j = 0; j < m; ++j)
            row[j] = significant(tau * uniform(rng, 1, r_mach));
        if (spec.consistency == Consistency::consistent) std::sort(row.begin(), row.end());
        if (spec.consistency == Consistency::semi_consistent) sort_even_columns(row);
        for (std::size_t j = 0; j < m; ++j)
            time(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = row[j];
    }
    // The shape import_braun_etc() builds, so that the Evaluator takes its load path.
    const std::string name = etc_label(spec) + "-" + std::to_string(n) + "x" + std::to_string(m) +
                             "-seed" + std::to_string(spec.seed);
    return Problem(allocopt::detail::etc_shape(name, std::move(time)));
}

}  // namespace allocopt::generators
