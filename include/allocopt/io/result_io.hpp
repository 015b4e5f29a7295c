#pragma once
// Writing allocations and results (docs/design.md §Result files), YAML or JSON. Each is written
// atomically: the text goes to a temporary file beside the target, which is then renamed
// over it, so a failure never leaves a partial file.

#include <string>
#include <string_view>

#include "allocopt/allocation.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

enum class OutputFormat { yaml, json };

/// JSON for paths ending in ".json", YAML otherwise.
OutputFormat format_for_path(std::string_view path);

/// Writes `content` to `path` atomically. Throws InputError (key "output") when the
/// directory is missing or not writable; the target is then left as it was.
void write_text_atomic(const std::string& path, std::string_view content);

/// `assignment:` list, one row per task in task order: {task, resource, units}; resource is
/// null for an unplaced task.
std::string allocation_text(const Problem& problem, const Allocation& allocation,
                            OutputFormat format);

/// Writes allocation_text() to `path` atomically, in the format its extension names.
void write_allocation(const std::string& path, const Problem& problem,
                      const Allocation& allocation);

/// An evaluated allocation: `objective:` {sense, terms, value, feasible, violation},
/// `metrics:` (every metric by name, `utilization_by_resource`, the violation breakdown) and
/// the `assignment:` list with each task's start and end.
std::string report_text(const Problem& problem, const Allocation& allocation, const Report& report,
                        OutputFormat format);

/// How a result was obtained, for the `solver:` block of a result file.
struct SolverRun {
    std::string name;
    std::uint64_t seed = 0;
    /// Option values as text (OptionValues::all_text()): choices by name, true/false.
    std::vector<std::pair<std::string, std::string>> options;
};

/// A solver's result (docs/design.md §Result files): report_text() plus `solver:` {name, seed,
/// options, evaluations, seconds, stop} and the `trace:` of improvements.
std::string result_text(const Problem& problem, const Result& result, const Report& report,
                        const SolverRun& run, OutputFormat format);

}  // namespace allocopt
