#pragma once
// Reading problems and allocations written in YAML (docs/design.md §Problem files).
//
// Every function here validates its whole input before returning and throws InputError
// carrying the file, line, column, key path and offending value of the first problem found:
// malformed YAML, an empty or binary file, a wrong type, an unknown key (with a "did you
// mean" hint), a non-finite number, a value out of range, an inconsistent model. Nothing is
// returned half-built.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "allocopt/allocation.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {

/// A problem file: the problem and, when the file has an `allocation:` list, that allocation
/// (already checked against the problem).
struct ProblemFile {
    Problem problem;
    std::optional<Allocation> allocation;
};

/// How to read a problem.
struct ReadOptions {
    /// Called with (bytes parsed, total bytes) while the text is parsed: at most about every
    /// 64 KB of input and once at the end. May be empty; must not throw.
    std::function<void(std::uint64_t bytes_done, std::uint64_t bytes_total)> progress;
};

/// Reads and validates the problem in `path`.
ProblemFile read_problem_file(const std::string& path, const ReadOptions& options = {});

/// Same as read_problem_file(path).problem.
Problem read_problem(const std::string& path);

/// Parses problem text; `file_name` is used only in error positions.
ProblemFile parse_problem(std::string_view text, const std::string& file_name = "<input>",
                          const ReadOptions& options = {});

/// Reads an allocation for `problem` from `path`: a YAML file whose `assignment:` (a result
/// written by `solve`) or `allocation:` list has entries {task, resource, units}. Tasks not
/// listed stay unplaced. Checked with check_decisions(): an overflow of capacity is
/// the Evaluator's to report (infeasible), not a reading error.
Allocation read_allocation(const std::string& path, const Problem& problem);

/// Same as read_allocation() on text.
Allocation parse_allocation(std::string_view text, const Problem& problem,
                            const std::string& file_name = "<input>");

/// Reads a whole file as bytes. Throws InputError when it cannot be opened or read.
std::string read_file_text(const std::string& path);

}  // namespace allocopt
