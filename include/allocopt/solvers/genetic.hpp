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

#include "allocopt/solver.hpp"

namespace allocopt {

struct GeneticOptions {
    int population = 20;              ///< members kept
    int brood = 8;                    ///< children per generation, scored as one batch
    int tournament = 2;               ///< members drawn per tournament
    double crossover_rate = 0.5;      ///< probability a child is a crossover of two parents
    double mutation_rate = 1.0;       ///< probability of the problem-aware mutation
    int ruin_min = 2;                 ///< fewest tasks a mutation re-places
    int ruin_max = 8;                 ///< most tasks a mutation re-places
    std::uint64_t search_effort = 0;  ///< scores per child's local search; 0 = the default bound
    int restart_after = 400;          ///< generations without a new best before a restart
    int elite = 2;                    ///< members kept at a restart
    int price_iterations = 3000;      ///< Lagrangian iterations for makespan starts
};

/// The options table of `ga` (names, bounds and defaults of GeneticOptions).
const std::vector<OptionSpec>& genetic_option_table();
/// GeneticOptions from checked values of that table.
GeneticOptions genetic_options(const OptionValues& values);

class GeneticAlgorithm : public Solver {
  public:
    GeneticAlgorithm(GeneticOptions options, std::uint64_t seed) : options_(options), seed_(seed) {}

    Result solve(Evaluator& evaluator, const Termination& termination, Observer* observer) override;

  private:
    GeneticOptions options_;
    std::uint64_t seed_;
};

}  // namespace allocopt
