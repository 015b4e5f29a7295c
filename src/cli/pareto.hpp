#pragma once
// allocopt solve --pareto METRICS: a Pareto front instead of one allocation (docs/pareto.md).

#include <CLI/CLI.hpp>
#include <atomic>
#include <string>

#include "allocopt/solver.hpp"
#include "allocopt/solvers/registry.hpp"
#include "cli/common.hpp"

namespace allocopt::cli {

/// The flags of a front run.
struct ParetoFlags {
    std::string metrics;    ///< --pareto: "makespan,cost"; empty: no front
    std::string reference;  ///< --pareto-ref: one number per metric; empty: the default
    std::string svg;        ///< --pareto-svg: the picture's file; empty: none
};

void add_pareto_options(CLI::App& command, ParetoFlags& flags);

/// What solve passes on to a front run.
struct ParetoRun {
    const ParetoFlags* flags = nullptr;
    const ProblemSource* source = nullptr;
    std::string output;  ///< -o: YAML, or CSV for a .csv name; "-" standard output; empty none
    bool quiet = false;
    RunSettings settings;
    const SolverEntry* entry = nullptr;
    const OptionValues* options = nullptr;
};

/// Checks everything (metrics, reference, solver and options, output files) before anything
/// runs, then runs the front search and writes the front. The exit code: 0 with a front, 1
/// when no feasible allocation was found, kInterrupted when `settings.interrupt` was set.
int run_pareto(const ParetoRun& run);

}  // namespace allocopt::cli
