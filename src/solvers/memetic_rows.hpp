#pragma once
// The option rows the GA and the PSO share: the problem-aware mutation, the local search of
// each new member and the Lagrangian starts (src/solvers/memetic.hpp). Written once here; each
// solver's table adds them after its own rows.

#include "allocopt/options.hpp"

namespace allocopt::detail {

template <class S>
void add_memetic_rows(OptionTable<S>& table) {
    using Scale = OptionSpec::Scale;
    table
        .real("mutation_rate", &S::mutation_rate, "probability of the problem-aware mutation", 0, 1)
        .integer("ruin_min", &S::ruin_min, "fewest tasks a mutation re-places", 1, 1e6, Scale::log)
        .tune_range(1, 16)
        .integer("ruin_max", &S::ruin_max, "most tasks a mutation re-places", 1, 1e6, Scale::log)
        .tune_range(1, 64)
        .integer("search_effort", &S::search_effort,
                 "scores per local search of a new member (0 = 2 million; makespan problems: to "
                 "a local optimum)",
                 0, 1e12, Scale::log)
        .tune_range(1000, 4e6)  // 0 (automatic) stays out: a tuner samples efforts
        .not_tuned()
        .integer("price_iterations", &S::price_iterations,
                 "Lagrangian iterations for the starts (makespan and GAP-like problems)", 0, 1e7)
        .not_tuned()
        .not_above("ruin_min", "ruin_max");
}

}  // namespace allocopt::detail
