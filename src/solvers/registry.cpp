#include "allocopt/solvers/registry.hpp"

#include <string>

#include "allocopt/error.hpp"
#include "allocopt/solvers/constructive.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

SolverEntry constructive(std::string_view name, std::string_view description,
                         ConstructiveSolver::Build build) {
    return {name, description, {}, [build](const OptionValues&, std::uint64_t) {
                return std::make_unique<ConstructiveSolver>(build);
            }};
}

std::vector<SolverEntry> make_registry() {
    namespace h = heuristics;
    return {
        constructive("min-min", "Min-Min list scheduling (Braun et al. 2001)", h::min_min),
        constructive("max-min", "Max-Min list scheduling", h::max_min),
        constructive("sufferage", "Sufferage (Maheswaran et al. 1999)", h::sufferage),
        constructive("mct", "minimum completion time, tasks in order", h::mct),
        constructive("met", "minimum execution time, ignoring load", h::met),
        constructive("olb", "opportunistic load balancing", h::olb),
        constructive("fcfs", "the seed's first-come first-served policy", h::fcfs),
        constructive("sjf", "the seed's shortest-job-first policy", h::sjf),
        constructive("priority", "the seed's priority policy", h::priority),
        constructive("first-fit", "packing: first resource that fits", h::first_fit),
        constructive("first-fit-decreasing", "packing: largest tasks first, first fit",
                     h::first_fit_decreasing),
        constructive("best-fit", "packing: the fitting resource left with least slack",
                     h::best_fit),
        constructive("regret", "packing: regret greedy for GAP-like cost packing",
                     h::regret_greedy),
    };
}

}  // namespace

const std::vector<SolverEntry>& solver_registry() {
    static const std::vector<SolverEntry> registry = make_registry();
    return registry;
}

const SolverEntry& find_solver(std::string_view name) {
    std::vector<std::string> names;
    for (const SolverEntry& e : solver_registry()) {
        if (e.name == name) return e;
        names.emplace_back(e.name);
    }
    throw InputError("solver", std::string(name),
                     "unknown solver" + detail::did_you_mean(name, names) +
                         "; run 'allocopt solvers' for the list");
}

}  // namespace allocopt
