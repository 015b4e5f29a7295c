#pragma once
// Solver configuration files (`allocopt solve --config run.yaml`, and the tuner later):
//
//   solver: ga
//   seed: 7
//   threads: 2
//   time-limit: 10          # seconds; also max-evals, target, stall-evals, stall-seconds
//   options:                # the solver's options table (`allocopt solvers`)
//     population: 30
//     crossover_rate: 0.6
//
// Every key is optional; flags given on the command line win over the file.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The most threads `threads:` (and the CLI's --threads) accept. Fixed rather than taken from
/// the machine, so that a configuration valid on one machine is valid on every other; far
/// above any useful count (threads beyond the cores only take turns), and few enough that
/// OpenMP can create them under ordinary limits (asking for 100000 crashed it).
inline constexpr int kMaxThreads = 1024;

struct SolverConfig {
    std::optional<std::string> solver;
    std::optional<std::uint64_t> seed;
    std::optional<int> threads;
    std::optional<double> time_limit;
    std::optional<std::uint64_t> max_evaluations;
    std::optional<double> target;
    std::optional<std::uint64_t> stall_evaluations;
    std::optional<double> stall_seconds;
    struct Option {
        std::string name;
        std::string value;  ///< as written; checked against the solver's table by apply()
        SourcePosition position;
    };
    std::vector<Option> options;
    SourcePosition solver_position;

    /// Sets the options on `values` (which carries the solver's table). Throws InputError
    /// placed at the option's line for an unknown name or a bad value.
    void apply(OptionValues& values) const;
};

/// Parses a configuration (`file` names it in messages). Throws InputError with file, line,
/// key and value for malformed YAML, unknown keys, wrong types and out-of-range numbers.
SolverConfig parse_solver_config(const std::string& text, const std::string& file);
SolverConfig read_solver_config(const std::string& path);

}  // namespace allocopt
