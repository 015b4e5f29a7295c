// The pagmo solvers' names and option tables: no pagmo header, so that the registry, the CLI
// and the tuner read them in every build (the solvers themselves are in pagmo.cpp).
#include <algorithm>
#include <array>

#include "allocopt/solvers/pagmo.hpp"

#include <string>

#include "allocopt/error.hpp"

namespace allocopt {

namespace {

using S = PagmoOptions;
using Scale = OptionSpec::Scale;

/// `population` with the algorithm's smallest size, and `seeded`.
OptionTable<S> common_rows(double smallest, std::string_view note = "") {
    OptionTable<S> t;
    t.integer("population", &S::population,
              note.empty() ? "individuals in pagmo's population" : note, smallest, 100000,
              Scale::log)
        .tune_range(std::max(smallest, 8.0), 256)
        .boolean("seeded", &S::seeded,
                 "put our heuristic starts (those of `ga`, each improved by local search) into "
                 "the initial population; the rest is drawn at random");
    return t;
}

OptionTable<S> sga_table() {
    OptionTable<S> t = common_rows(2);
    t.choice("crossover", &S::sga_crossover, "crossover operator",
             {"exponential", "binomial", "single", "sbx"})
        .choice("mutation", &S::sga_mutation, "mutation operator",
                {"polynomial", "gaussian", "uniform"})
        .choice("selection", &S::sga_selection, "selection operator", {"tournament", "truncated"})
        .real("cr", &S::sga_cr, "crossover probability", 0, 1)
        .real("eta_c", &S::sga_eta_c, "distribution index of sbx crossover", 1, 100)
        .only_when("crossover", {"sbx"})
        .real("m", &S::sga_m, "mutation probability (per gene)", 0, 1)
        .real("param_m", &S::sga_param_m,
              "mutation parameter: the distribution index of polynomial mutation (1-100), else "
              "the width as a fraction of the bounds (0-1)",
              0, 100)
        .integer("param_s", &S::sga_param_s,
                 "selection parameter: the tournament size, or how many truncation keeps", 1, 1000)
        .not_above("param_s", "population");
    return t;
}

OptionTable<S> gaco_table() {
    OptionTable<S> t = common_rows(2);
    t.integer("ker", &S::gaco_ker, "solutions kept in the archive (at most the population)", 2,
              100000, Scale::log)
        .real("q", &S::gaco_q, "convergence speed (0: none)", 0, 1e6)
        .real("oracle", &S::gaco_oracle, "oracle parameter of the penalty (0: off)", 0, 1e300)
        .not_tuned()
        .real("acc", &S::gaco_acc, "accuracy: the least spread of the kernel", 0, 1e6)
        .integer("threshold", &S::gaco_threshold,
                 "steps after which q and the kernel spread start falling", 1, 1e9, Scale::log)
        .integer("n_gen_mark", &S::gaco_n_gen_mark, "the kernel's standard-deviation decay", 1, 1e9,
                 Scale::log)
        .real("focus", &S::gaco_focus, "focus on the best solution (0: none)", 0, 1e6)
        .not_above("ker", "population");
    return t;
}

OptionTable<S> pso_gen_table() {
    OptionTable<S> t = common_rows(1, "particles");
    t.real("omega", &S::pso_omega, "inertia weight (variants 1-4) or constriction factor (5-6)", 0,
           1)
        .real("eta1", &S::pso_eta1, "social component", 0, 4)
        .real("eta2", &S::pso_eta2, "cognitive component", 0, 4)
        .real("max_vel", &S::pso_max_vel, "largest velocity, as a fraction of the bounds", 1e-6, 1)
        .integer("variant", &S::pso_variant, "pagmo's pso variant (1-6)", 1, 6)
        .integer("neighb_type", &S::pso_neighb_type,
                 "topology: 1 gbest, 2 lbest, 3 von Neumann, 4 adaptive random", 1, 4)
        .integer("neighb_param", &S::pso_neighb_param, "neighbourhood parameter", 1, 100000);
    return t;
}

OptionTable<S> de_table() {
    OptionTable<S> t = common_rows(5);
    t.real("F", &S::de_f, "weight coefficient", 0, 1)
        .real("CR", &S::de_cr, "crossover probability", 0, 1)
        .integer("variant", &S::de_variant, "pagmo's mutation variant (1-10: best/1/exp, ...)", 1,
                 10);
    return t;
}

OptionTable<S> sade_table() {
    OptionTable<S> t = common_rows(7);
    t.integer("variant", &S::sade_variant, "pagmo's mutation variant (1-18)", 1, 18)
        .integer("variant_adptv", &S::sade_variant_adptv,
                 "self-adaptation: 1 jDE (Brest et al.), 2 iDE (Elsayed et al.)", 1, 2);
    return t;
}

OptionTable<S> ihs_table() {
    OptionTable<S> t = common_rows(1, "harmony memory size");
    t.real("phmcr", &S::ihs_phmcr, "probability of drawing a gene from memory", 0, 1)
        .real("ppar_min", &S::ihs_ppar_min, "least pitch-adjustment probability", 0, 1)
        .real("ppar_max", &S::ihs_ppar_max, "largest pitch-adjustment probability", 0, 1)
        .real("bw_min", &S::ihs_bw_min, "least distance bandwidth", 0, 1e300, Scale::log)
        .tune_range(1e-8, 1)
        .real("bw_max", &S::ihs_bw_max, "largest distance bandwidth", 0, 1e300, Scale::log)
        .tune_range(1e-4, 100)
        .not_above("ppar_min", "ppar_max")
        .not_above("bw_min", "bw_max");
    return t;
}

OptionTable<S> nsga2_table() {
    OptionTable<S> t = common_rows(8, "individuals in pagmo's population (a multiple of 4)");
    t.real("cr", &S::nsga2_cr, "crossover probability (below 1)", 0, 0.999999)
        .real("eta_c", &S::nsga2_eta_c, "distribution index of sbx crossover", 1, 100)
        .real("m", &S::nsga2_m, "mutation probability", 0, 1)
        .real("eta_m", &S::nsga2_eta_m, "distribution index of polynomial mutation", 1, 100);
    return t;
}

}  // namespace

std::string_view pagmo_name(PagmoAlgorithm algorithm) {
    static constexpr std::array<std::string_view, 7> kNames = {"sga",  "gaco", "pso_gen", "de",
                                                               "sade", "ihs",  "nsga2"};
    return kNames[static_cast<std::size_t>(algorithm)];
}

const std::vector<PagmoAlgorithm>& pagmo_algorithms() {
    using A = PagmoAlgorithm;
    static const std::vector<A> all = {A::sga,  A::gaco, A::pso_gen, A::de,
                                       A::sade, A::ihs,  A::nsga2};
    return all;
}

bool pagmo_available() {
#if ALLOCOPT_HAVE_PAGMO
    return true;
#else
    return false;
#endif
}

const OptionTable<PagmoOptions>& pagmo_option_table(PagmoAlgorithm algorithm) {
    static const std::array<OptionTable<S>, 7> tables = {
        sga_table(),  gaco_table(), pso_gen_table(), de_table(),
        sade_table(), ihs_table(),  nsga2_table()};
    return tables[static_cast<std::size_t>(algorithm)];
}

PagmoSolver::PagmoSolver(PagmoAlgorithm algorithm, PagmoOptions options, std::uint64_t seed)
    : algorithm_(algorithm), options_(options), seed_(seed) {
    pagmo_option_table(algorithm_).validate(options_);
    if (algorithm_ == PagmoAlgorithm::nsga2 && options_.population % 4 != 0) {
        throw InputError("population", std::to_string(options_.population),
                         "pagmo-nsga2 needs a population that is a multiple of 4");
    }
}

#if !ALLOCOPT_HAVE_PAGMO
// Built without pagmo: the solver exists (its options are checked as in every build), and
// says so when run. The registry has no pagmo-* entries then.
Result PagmoSolver::solve(Evaluator&, const RunSettings&, Observer*) {
    throw InputError("solver", "pagmo-" + std::string(pagmo_name(algorithm_)),
                     "allocopt was built without pagmo2 (ALLOCOPT_WITH_PAGMO=OFF)");
}

std::unique_ptr<IslandSearch> PagmoSolver::make_island(std::uint64_t, Evaluator&,
                                                       SearchTracker&) const {
    throw InputError("solver", "pagmo-" + std::string(pagmo_name(algorithm_)),
                     "allocopt was built without pagmo2 (ALLOCOPT_WITH_PAGMO=OFF)");
}
#endif

}  // namespace allocopt
