#include "allocopt/solvers/registry.hpp"

#include <string>

#include "allocopt/error.hpp"
#include "allocopt/sharing.hpp"
#include "allocopt/solvers/constructive.hpp"
#include "allocopt/solvers/genetic.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "allocopt/solvers/local_search.hpp"
#include "allocopt/solvers/pagmo.hpp"
#include "allocopt/solvers/swarm.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

struct Heuristic {
    std::string_view name;
    std::string_view label;
    std::string_view description;
    ConstructiveSolver::Build build;
};

const std::vector<Heuristic>& heuristic_table() {
    namespace h = heuristics;
    static const std::vector<Heuristic> table = {
        {"min-min", "Min-Min", "Min-Min list scheduling (Braun et al. 2001)", h::min_min},
        {"max-min", "Max-Min", "Max-Min list scheduling", h::max_min},
        {"sufferage", "Sufferage", "Sufferage (Maheswaran et al. 1999)", h::sufferage},
        {"mct", "MCT", "minimum completion time, tasks in order", h::mct},
        {"met", "MET", "minimum execution time, ignoring load", h::met},
        {"olb", "OLB", "opportunistic load balancing", h::olb},
        {"fcfs", "FCFS", "the seed's first-come first-served policy", h::fcfs},
        {"sjf", "SJF", "the seed's shortest-job-first policy", h::sjf},
        {"ljf", "LJF", "longest job first: longest duration first", h::ljf},
        {"priority", "Priority", "the seed's priority policy", h::priority},
        {"lp-round", "LP rounding",
         "makespan: each task where Gavel's makespan LP runs most of it (COIN-OR CLP); MCT "
         "where the LP does not apply",
         h::lp_rounding},
        {"first-fit", "First fit", "packing: first resource that fits", h::first_fit},
        {"first-fit-decreasing", "FFD", "packing: largest tasks first, first fit",
         h::first_fit_decreasing},
        {"best-fit", "Best fit", "packing: the fitting resource left with least slack",
         h::best_fit},
        {"regret", "Regret", "packing: regret greedy for GAP-like cost packing", h::regret_greedy},
    };
    return table;
}

/// What `local-search` takes: its start, and the descent's choices.
struct LocalSearchSettings {
    std::size_t init = 0;  // index into heuristic_table()
    bool best_improvement = false;
    bool swaps = true;
};

const OptionTable<LocalSearchSettings>& local_search_table() {
    using S = LocalSearchSettings;
    static const OptionTable<S> table = [] {
        std::vector<std::string_view> inits;
        for (const Heuristic& h : heuristic_table())
            inits.push_back(h.name);
        OptionTable<S> t;
        t.choice("init", &S::init, "constructive heuristic that gives the start", inits)
            .boolean("best_improvement", &S::best_improvement,
                     "take the best move of a task's neighbourhood, not the first")
            .boolean("swaps", &S::swaps, "also search the swap neighbourhood");
        return t;
    }();
    return table;
}

SolverEntry local_search_entry() {
    SolverEntry entry{"local-search", "descent over moves and swaps with delta evaluation",
                      local_search_table().specs(), [](const OptionValues& v, std::uint64_t seed) {
                          const LocalSearchSettings s = local_search_table().read(v);
                          LocalSearchOptions o;
                          o.best_improvement = s.best_improvement;
                          o.swaps = s.swaps;
                          return std::make_unique<LocalSearch>(heuristic_table()[s.init].build, o,
                                                               seed);
                      }};
    entry.label = "Local search";
    return entry;
}

/// The entry of a solver type made from its options struct and a seed.
template <class SolverType, class Options>
SolverEntry table_entry(std::string_view name, std::string_view label, std::string_view description,
                        const OptionTable<Options>& table, bool population) {
    SolverEntry entry{name, description, table.specs(),
                      [&table](const OptionValues& v, std::uint64_t seed) {
                          return std::make_unique<SolverType>(table.read(v), seed);
                      }};
    entry.population = population;
    entry.label = label;
    return entry;
}

SolverEntry genetic_entry() {
    return table_entry<GeneticAlgorithm>(
        "ga", "GA",
        "memetic genetic algorithm (the default): heuristic starts, crossover, problem-aware "
        "mutation, local search on every child",
        genetic_option_table(), true);
}

SolverEntry swarm_entry() {
    return table_entry<ParticleSwarm>(
        "pso", "PSO",
        "discrete particle swarm: per-task velocities (Eigen) pull tasks towards personal and "
        "swarm bests, local search on every particle",
        swarm_option_table(), true);
}

/// One policy's online placement of `p`; a problem it cannot read is refused by name.
Allocation place_by_policy(const Problem& p, sharing::PlacementPolicy policy, std::string_view name,
                           std::uint64_t seed, const StopClock& stop) {
    try {
        return sharing::place_online(p, policy, seed, [&stop] { return stop.expired(); });
    } catch (const InputError& e) {
        throw InputError(
            e.key(), e.value(),
            "solver " + std::string(name) + " cannot place this problem: " + e.message());
    }
}

/// The placement policies of the GPU-sharing study, each as an online solver (sharing.hpp).
std::vector<SolverEntry> sharing_entries() {
    struct Row {
        sharing::PlacementPolicy policy;
        std::string_view name, label, description;
    };
    static constexpr Row kRows[] = {
        {sharing::PlacementPolicy::random, "sharing-random", "Random",
         "GPU sharing, online: a random node that fits"},
        {sharing::PlacementPolicy::dot_product, "sharing-dot-product", "DotProduct",
         "GPU sharing, online: the study's dot-product plugin (least aligned node)"},
        {sharing::PlacementPolicy::gpu_clustering, "sharing-gpu-clustering", "Clustering",
         "GPU sharing, online: nodes that already hold pods of the same GPU class"},
        {sharing::PlacementPolicy::gpu_packing, "sharing-gpu-packing", "Packing",
         "GPU sharing, online: shared GPUs first, then used nodes, then idle ones"},
        {sharing::PlacementPolicy::best_fit, "sharing-best-fit", "BestFit",
         "GPU sharing, online: the node left with the least CPU and GPU"},
        {sharing::PlacementPolicy::fgd, "sharing-fgd", "FGD",
         "GPU sharing, online: fragmentation gradient descent (Weng et al. 2023)"},
    };
    std::vector<SolverEntry> out;
    for (const Row& row : kRows) {
        const sharing::PlacementPolicy policy = row.policy;
        const std::string_view name = row.name;
        SolverEntry entry{
            row.name, row.description, {}, [policy, name](const OptionValues&, std::uint64_t seed) {
                return std::make_unique<ConstructiveSolver>(
                    [policy, name, seed](const Problem& p, const StopClock& stop) {
                        return place_by_policy(p, policy, name, seed, stop);
                    });
            }};
        entry.label = row.label;
        entry.applies = sharing::policies_apply;
        out.push_back(std::move(entry));
    }
    return out;
}

/// pagmo2's algorithms through the adapter (docs/pagmo.md): `pagmo-sga`, ... Empty in a build
/// without pagmo (ALLOCOPT_HAVE_PAGMO: PagmoSolver is then not built).
std::vector<SolverEntry> pagmo_entries() {
#if !ALLOCOPT_HAVE_PAGMO
    return {};
#else
    struct Row {
        PagmoAlgorithm algorithm;
        std::string_view name, label, description;
    };
    static constexpr Row kRows[] = {
        {PagmoAlgorithm::sga, "pagmo-sga", "pagmo SGA",
         "pagmo2's simple genetic algorithm on the integer encoding (docs/pagmo.md)"},
        {PagmoAlgorithm::gaco, "pagmo-gaco", "pagmo GACO",
         "pagmo2's extended ant colony (gaco), batches scored by our Evaluator"},
        {PagmoAlgorithm::pso_gen, "pagmo-pso_gen", "pagmo PSO",
         "pagmo2's generational particle swarm (pso_gen), genes rounded; batches scored by our "
         "Evaluator"},
        {PagmoAlgorithm::de, "pagmo-de", "pagmo DE",
         "pagmo2's differential evolution, genes rounded"},
        {PagmoAlgorithm::sade, "pagmo-sade", "pagmo SADE",
         "pagmo2's self-adaptive differential evolution (jDE / iDE), genes rounded"},
        {PagmoAlgorithm::ihs, "pagmo-ihs", "pagmo IHS",
         "pagmo2's improved harmony search, one candidate per iteration"},
        {PagmoAlgorithm::nsga2, "pagmo-nsga2", "pagmo NSGA-II",
         "pagmo2's NSGA-II on two objectives, the feasibility-first score and the violation; "
         "batches scored by our Evaluator"},
    };
    std::vector<SolverEntry> out;
    for (const Row& row : kRows) {
        const PagmoAlgorithm algorithm = row.algorithm;
        const OptionTable<PagmoOptions>& table = pagmo_option_table(algorithm);
        SolverEntry entry{row.name, row.description, table.specs(),
                          [algorithm, &table](const OptionValues& v, std::uint64_t seed) {
                              return std::make_unique<PagmoSolver>(algorithm, table.read(v), seed);
                          }};
        entry.label = row.label;
        out.push_back(std::move(entry));
    }
    return out;
#endif
}

std::vector<SolverEntry> make_registry() {
    std::vector<SolverEntry> out;
    out.push_back(genetic_entry());
    out.push_back(swarm_entry());
    for (const Heuristic& h : heuristic_table()) {
        auto build = h.build;
        SolverEntry entry{h.name, h.description, {}, [build](const OptionValues&, std::uint64_t) {
                              return std::make_unique<ConstructiveSolver>(build);
                          }};
        entry.label = h.label;
        out.push_back(std::move(entry));
    }
    out.push_back(local_search_entry());
    for (const SolverEntry& entry : sharing_entries())
        out.push_back(entry);
    for (const SolverEntry& entry : pagmo_entries())
        out.push_back(entry);
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
    // The policies keep their short names in `allocopt replay`; as solvers they carry a prefix.
    const std::string hint = sharing::parse_policy(name)
                                 ? " (did you mean 'sharing-" + std::string(name) + "'?)"
                                 : detail::did_you_mean(name, names);
    throw InputError("solver", std::string(name),
                     "unknown solver" + hint + "; run 'allocopt solvers' for the list");
}

}  // namespace allocopt
