#pragma once
// pagmo2's algorithms as allocopt solvers (`--solver pagmo-sga`, ...; docs/pagmo.md).
//
// The problem is handed to pagmo as a user-defined problem (src/solvers/pagmo_adapter.hpp):
// per task an integer gene that picks one of the resources that can host it (or none, for an
// optional task), and, where a task admits several unit counts, a second integer gene that
// picks one of them. Fitness is the Evaluator's score folded feasibility-first into one
// number (two for nsga2: that number and the violation). Every candidate pagmo asks for is
// scored by the Evaluator and offered to a SearchTracker, so the limits of RunSettings hold
// and the Result is the best allocation any of them gave. pagmo evolves in bounded steps (a
// few generations) between which the tracker is asked whether to stop; candidates asked for
// once the budget is spent or the clock has fired are not scored.
//
// The search needs ALLOCOPT_WITH_PAGMO (pagmo_available() says whether this build has it);
// without it the registry has no `pagmo-*` entries, the option tables and PagmoSolver's
// validation work as ever, and PagmoSolver::solve() throws InputError (key "solver").
// No pagmo header is included here: pagmo stays in two source files.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "allocopt/islands.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The pagmo algorithms allocopt runs, each registered as `pagmo-NAME`.
enum class PagmoAlgorithm : std::uint8_t { sga, gaco, pso_gen, de, sade, ihs, nsga2 };

/// pagmo's name of `algorithm` ("sga", "pso_gen", ...).
std::string_view pagmo_name(PagmoAlgorithm algorithm);

/// Every algorithm, in the order the registry lists them.
const std::vector<PagmoAlgorithm>& pagmo_algorithms();

/// Whether this build has the pagmo solvers (ALLOCOPT_WITH_PAGMO and pagmo found).
bool pagmo_available();

/// The parameters of every pagmo solver; each algorithm's table (pagmo_option_table) lists
/// the rows that apply to it. The initialisers are the defaults: pagmo's own, except the
/// population (32 for all) and gaco's kernel (16, at most the population).
struct PagmoOptions {
    int population = 32;
    bool seeded = false;  ///< our heuristic starts in the initial population

    // sga
    double sga_cr = 0.9;  ///< crossover probability
    double sga_eta_c = 1;
    double sga_m = 0.02;  ///< mutation probability
    double sga_param_m = 1;
    int sga_param_s = 2;  ///< tournament size, or how many survive truncation
    enum class Crossover : std::uint8_t { exponential, binomial, single, sbx };
    enum class Mutation : std::uint8_t { polynomial, gaussian, uniform };
    enum class Selection : std::uint8_t { tournament, truncated };
    Crossover sga_crossover = Crossover::exponential;
    Mutation sga_mutation = Mutation::polynomial;
    Selection sga_selection = Selection::tournament;

    // gaco
    int gaco_ker = 16;
    double gaco_q = 1;
    double gaco_oracle = 0;
    double gaco_acc = 0.01;
    int gaco_threshold = 1;
    int gaco_n_gen_mark = 7;
    double gaco_focus = 0;

    // pso_gen
    double pso_omega = 0.7298;
    double pso_eta1 = 2.05;
    double pso_eta2 = 2.05;
    double pso_max_vel = 0.5;
    int pso_variant = 5;
    int pso_neighb_type = 2;
    int pso_neighb_param = 4;

    // de
    double de_f = 0.8;
    double de_cr = 0.9;
    int de_variant = 2;

    // sade
    int sade_variant = 2;
    int sade_variant_adptv = 1;

    // ihs
    double ihs_phmcr = 0.85;
    double ihs_ppar_min = 0.35;
    double ihs_ppar_max = 0.99;
    double ihs_bw_min = 1e-5;
    double ihs_bw_max = 1;

    // nsga2
    double nsga2_cr = 0.95;
    double nsga2_eta_c = 10;
    double nsga2_m = 0.01;
    double nsga2_eta_m = 50;
};

/// The options table of `pagmo-NAME` (`allocopt solvers` shows it): `population`, `seeded`
/// and the algorithm's own parameters under pagmo's names (`cr`, `F`, `variant`, ...).
const OptionTable<PagmoOptions>& pagmo_option_table(PagmoAlgorithm algorithm);

class PagmoSolver : public Solver, public IslandSolver {
  public:
    /// Throws InputError naming the option and quoting its value when `options` breaks a
    /// bound of the algorithm's table, or when nsga2's population is not a multiple of 4.
    PagmoSolver(PagmoAlgorithm algorithm, PagmoOptions options, std::uint64_t seed);

    /// Throws InputError (key "solver") in a build without pagmo.
    Result solve(Evaluator& evaluator, const RunSettings& settings, Observer* observer) override;
    /// One island's pagmo population (`--islands N`; allocopt/islands.hpp). Its emigrant is
    /// the best it has seen; an immigrant replaces the worst member. Throws InputError (key
    /// "solver") in a build without pagmo.
    std::unique_ptr<IslandSearch> make_island(std::uint64_t seed, Evaluator& evaluator,
                                              SearchTracker& tracker) const override;

  private:
    PagmoAlgorithm algorithm_;
    PagmoOptions options_;
    [[maybe_unused]] std::uint64_t seed_;  // read only where pagmo is built in
};

}  // namespace allocopt
