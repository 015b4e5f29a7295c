#pragma once
// Solving by name: the entry point for programs that embed allocopt, the tuner and islands.
//
//   allocopt::Result r = allocopt::solve(problem, "ga", {{"population", "40"}},
//                                        {.seed = 7, .time_limit = 5});
//
// The names are those of solver_registry() (`allocopt solvers` lists them with their
// options); option values are text, checked against the solver's options table exactly as
// `--opt NAME=VALUE` is.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// Option values by name, as text: {{"population", "40"}, {"crossover_rate", "0.7"}}.
using OptionList = std::vector<std::pair<std::string, std::string>>;

/// The solver `name` with `options` over its defaults and the random seed `seed`. Throws
/// InputError for an unknown solver or option (with a did-you-mean hint), a value of the wrong
/// type or out of bounds, an option that does not apply (its condition is false), and options
/// that contradict each other.
std::unique_ptr<Solver> make_solver(std::string_view name, const OptionList& options = {},
                                    std::uint64_t seed = 1);

/// Solves `problem` with the solver `name`: make_solver(name, options, settings.seed), run on
/// an Evaluator with settings.threads until the first of settings' limits (kDefaultTimeLimit
/// seconds when none is given); on settings.islands islands when above 1 (solve_islands(),
/// allocopt/islands.hpp). settings.solver is ignored. Throws InputError as make_solver
/// and solve_islands do and for settings out of their bounds (run_settings_table()); never
/// for a valid problem once the search has started.
Result solve(const Problem& problem, std::string_view name, const OptionList& options = {},
             const RunSettings& settings = {}, Observer* observer = nullptr);

/// The same with the solver named by settings.solver.
Result solve(const Problem& problem, const RunSettings& settings, const OptionList& options = {},
             Observer* observer = nullptr);

}  // namespace allocopt
