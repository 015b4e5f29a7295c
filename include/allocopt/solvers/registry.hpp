#pragma once
// The solvers by name: the only place where names meet types. The CLI, config files and the
// tuner look solvers up here; the library itself never uses these strings.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "allocopt/solver.hpp"

namespace allocopt {

struct SolverEntry {
    std::string_view name;
    std::string_view description;
    std::vector<OptionSpec> options;  ///< the solver's options table
    /// Builds the solver from checked option values and a seed. Throws InputError, naming
    /// both, when two options contradict each other (a minimum above its maximum).
    std::function<std::unique_ptr<Solver>(const OptionValues&, std::uint64_t seed)> make;
    /// A population search on the shared scaffolding (src/solvers/population.hpp): what an
    /// island wrapper can run, and what the population test suite covers.
    bool population = false;
    /// The name for people, in summaries and pictures: "GA", "FCFS", "First fit".
    std::string_view label{};
    /// Whether the solver can take `problem`; empty for one that takes every problem. On
    /// another, its solve() throws InputError naming what it cannot read (the GPU-sharing
    /// policies read packing problems of one form only: sharing::sharing_problem()).
    std::function<bool(const Problem&)> applies{};
};

/// Every solver, in the order `allocopt solvers` lists them.
const std::vector<SolverEntry>& solver_registry();

/// The entry named `name`. Throws InputError (key "solver", with a "did you mean" hint).
const SolverEntry& find_solver(std::string_view name);

}  // namespace allocopt
