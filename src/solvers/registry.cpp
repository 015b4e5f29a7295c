#include "allocopt/solvers/registry.hpp"

#include <string>

#include "allocopt/error.hpp"
#include "allocopt/solvers/constructive.hpp"
#include "allocopt/solvers/genetic.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "allocopt/solvers/local_search.hpp"
#include "allocopt/solvers/swarm.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

struct Heuristic {
    std::string_view name;
    std::string_view description;
    ConstructiveSolver::Build build;
};

const std::vector<Heuristic>& heuristic_table() {
    namespace h = heuristics;
    static const std::vector<Heuristic> table = {
        {"min-min", "Min-Min list scheduling (Braun et al. 2001)", h::min_min},
        {"max-min", "Max-Min list scheduling", h::max_min},
        {"sufferage", "Sufferage (Maheswaran et al. 1999)", h::sufferage},
        {"mct", "minimum completion time, tasks in order", h::mct},
        {"met", "minimum execution time, ignoring load", h::met},
        {"olb", "opportunistic load balancing", h::olb},
        {"fcfs", "the seed's first-come first-served policy", h::fcfs},
        {"sjf", "the seed's shortest-job-first policy", h::sjf},
        {"priority", "the seed's priority policy", h::priority},
        {"first-fit", "packing: first resource that fits", h::first_fit},
        {"first-fit-decreasing", "packing: largest tasks first, first fit",
         h::first_fit_decreasing},
        {"best-fit", "packing: the fitting resource left with least slack", h::best_fit},
        {"regret", "packing: regret greedy for GAP-like cost packing", h::regret_greedy},
    };
    return table;
}

SolverEntry local_search_entry() {
    std::vector<std::string_view> inits;
    for (const Heuristic& h : heuristic_table())
        inits.push_back(h.name);
    std::vector<OptionSpec> options = {
        {"init", "constructive heuristic that gives the start", OptionSpec::Type::choice, 0, 0,
         static_cast<double>(inits.size() - 1), inits},
        {"best_improvement",
         "take the best move of a task's neighbourhood, not the first",
         OptionSpec::Type::boolean,
         0,
         0,
         1,
         {}},
        {"swaps", "also search the swap neighbourhood", OptionSpec::Type::boolean, 1, 0, 1, {}},
    };
    return {"local-search", "descent over moves and swaps with delta evaluation",
            std::move(options), [](const OptionValues& v, std::uint64_t seed) {
                const auto init = static_cast<std::size_t>(v.get("init"));
                const LocalSearchOptions o{v.get("best_improvement") != 0, v.get("swaps") != 0};
                return std::make_unique<LocalSearch>(heuristic_table()[init].build, o, seed);
            }};
}

SolverEntry genetic_entry() {
    return {"ga",
            "memetic genetic algorithm (the default): heuristic starts, crossover, "
            "problem-aware mutation, local search on every child",
            genetic_option_table(), [](const OptionValues& v, std::uint64_t seed) {
                v.require_not_above("ruin_min", "ruin_max");
                v.require_not_above("elite", "population");
                return std::make_unique<GeneticAlgorithm>(genetic_options(v), seed);
            }};
}

SolverEntry swarm_entry() {
    return {"pso",
            "discrete particle swarm: per-task velocities (Eigen) pull tasks towards "
            "personal and swarm bests, local search on every particle",
            swarm_option_table(), [](const OptionValues& v, std::uint64_t seed) {
                v.require_not_above("ruin_min", "ruin_max");
                v.require_not_above("inertia_min", "inertia_max");
                return std::make_unique<ParticleSwarm>(swarm_options(v), seed);
            }};
}

std::vector<SolverEntry> make_registry() {
    std::vector<SolverEntry> out;
    out.push_back(genetic_entry());
    out.push_back(swarm_entry());
    for (const Heuristic& h : heuristic_table()) {
        auto build = h.build;
        out.push_back({h.name, h.description, {}, [build](const OptionValues&, std::uint64_t) {
                           return std::make_unique<ConstructiveSolver>(build);
                       }});
    }
    out.push_back(local_search_entry());
    return out;
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
