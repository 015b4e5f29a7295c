#pragma once
// Run configuration files (`allocopt solve --config run.yaml`, and the tuner later):
//
//   solver: ga
//   seed: 7
//   threads: 2
//   time-limit: 10          # seconds; also max-evals, target, stall-evals, stall-seconds
//   options:                # the solver's options table (`allocopt solvers`)
//     population: 30
//     crossover_rate: 0.6
//
// The top-level keys are the rows of run_settings_table() (allocopt/solver.hpp), checked by
// those rows; `options` are checked against the solver's own table when applied. Every key is
// optional; flags given on the command line win over the file.
//
// A result file (`solve -o result.yaml`) is a configuration too: its `solver:` block holds the
// same settings (the solver as `name`), so `--config result.yaml` repeats that run.

#include <string>
#include <string_view>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/options.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

struct SolverConfig {
    /// One `key: value` of the file, as written, with where it was written.
    struct Entry {
        std::string name;
        std::string value;
        SourcePosition position;
    };
    std::vector<Entry> settings;  ///< run settings (already checked against their rows)
    std::vector<Entry> options;   ///< solver options (checked by apply_options)

    /// The entry of run setting `name`, or null when the file does not set it.
    const Entry* setting(std::string_view name) const;
    /// Sets every run setting of the file on `values` (which carries run_settings_table()'s
    /// specs), except those for which `skip(name)` is true (given as flags).
    template <class Skip>
    void apply_settings(OptionValues& values, Skip skip) const {
        for (const Entry& e : settings) {
            if (!skip(e.name)) values.set(e.name, e.value);
        }
    }
    /// The file's run settings over RunSettings' defaults.
    RunSettings run_settings() const;
    /// Sets the options on `values` (which carries the solver's table). Throws InputError
    /// placed at the option's line for an unknown name or a bad value.
    void apply_options(OptionValues& values) const;
};

/// Parses a configuration (`file` names it in messages). Throws InputError with file, line,
/// key and value for malformed YAML, unknown keys, wrong types and out-of-range values.
SolverConfig parse_solver_config(const std::string& text, const std::string& file);
SolverConfig read_solver_config(const std::string& path);

}  // namespace allocopt
