#pragma once
// The memetic genetic algorithm (`--solver ga`, the default).
//
// Chromosome: an Allocation — per task a resource gene and a unit-count gene, inherited
// together. The population starts from the constructive heuristics that fit the problem
// (and, on makespan problems of the Braun kind, from price-directed Lagrangian assignments,
// see src/solvers/load_kernel.hpp), each improved by local search, topped up with mutated
// copies. Every generation breeds a brood of children:
//   selection   tournament, feasibility-first (docs/design.md §Objective);
//   crossover   uniform or two-point, the operator drawn in proportion to its past success;
//   mutation    problem-aware: on makespan problems ruin-and-recreate around the critical
//               resource, elsewhere re-placing a few tasks on resources that can host them;
//   improvement the delta-evaluated local search, bounded per child;
// then the brood is scored as one batch by the Evaluator (OpenMP) and each child replaces
// the worst member if it beats it and is not a duplicate. After `restart_after` generations
// without a new best, all but the elite are replaced by heavily mutated copies of the best.
//
// The GA loop is sequential and every random draw comes from Rng(seed, stream): the same
// seed gives the same result whatever the thread count.

#include <cstdint>
#include <vector>

#include "allocopt/islands.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The GA's parameters. Each is described once, with its bounds, in genetic_option_table();
/// the initialisers here are the defaults.
struct GeneticOptions {
    int population = 20;
    int brood = 8;
    int tournament = 2;
    double crossover_rate = 0.5;
    double mutation_rate = 1.0;
    int ruin_min = 2;
    int ruin_max = 8;
    std::uint64_t search_effort = 0;
    int restart_after = 400;
    int elite = 2;
    int price_iterations = 3000;
};

/// The options table of `ga`: names, descriptions, bounds and tuning scales of the fields of
/// GeneticOptions (`allocopt solvers` shows it).
const OptionTable<GeneticOptions>& genetic_option_table();

class GeneticAlgorithm : public Solver, public IslandSolver {
  public:
    /// Throws InputError naming the option and quoting its value when `options` breaks a
    /// bound of genetic_option_table() (population below 2, elite above population, ...).
    GeneticAlgorithm(GeneticOptions options, std::uint64_t seed);

    Result solve(Evaluator& evaluator, const RunSettings& termination, Observer* observer) override;
    /// One island's GA (islands.hpp): the same search, seeded `seed`; an immigrant replaces
    /// the worst member when it beats it, as a child does.
    std::unique_ptr<IslandSearch> make_island(std::uint64_t seed, Evaluator& evaluator,
                                              SearchTracker& tracker) const override;

  private:
    GeneticOptions options_;
    std::uint64_t seed_;
};

}  // namespace allocopt
