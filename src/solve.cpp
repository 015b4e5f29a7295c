#include "allocopt/solve.hpp"

#include "allocopt/islands.hpp"
#include "allocopt/solvers/registry.hpp"

namespace allocopt {

std::unique_ptr<Solver> make_solver(std::string_view name, const OptionList& options,
                                    std::uint64_t seed) {
    const SolverEntry& entry = find_solver(name);
    OptionValues values(&entry.options);
    for (const auto& [option, value] : options)
        values.set(option, value);
    return entry.make(values, seed);
}

Result solve(const Problem& problem, std::string_view name, const OptionList& options,
             const RunSettings& settings, Observer* observer) {
    run_settings_table().validate(settings);
    const std::unique_ptr<Solver> solver = make_solver(name, options, settings.seed);
    RunSettings named = settings;
    named.solver = std::string(name);  // for solve_islands' messages
    Evaluator evaluator(problem, {.threads = settings.threads});
    if (settings.islands > 1) return solve_islands(*solver, evaluator, named, observer);
    return solver->solve(evaluator, settings, observer);
}

Result solve(const Problem& problem, const RunSettings& settings, const OptionList& options,
             Observer* observer) {
    return solve(problem, settings.solver, options, settings, observer);
}

}  // namespace allocopt
