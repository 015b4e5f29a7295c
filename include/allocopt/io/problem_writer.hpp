#pragma once
// Writing a problem back as YAML for read_problem_file() (docs/design.md §Problem files), so that
// generated or imported problems can be saved, edited and solved later.
//
// The text reads back as the same problem: the same resources (already expanded, so no
// `count`), tasks, matrices, objective, mode, policy, horizon and hard constraints, with every
// number written in its shortest form that reads back as the same double. Values equal to the
// reader's defaults are left out, one resource or task per line.

#include <string>

#include "allocopt/problem.hpp"

namespace allocopt {

struct ProblemTextOptions {
    /// Written first, each line prefixed with "# " (e.g. the command that made the problem).
    std::string comment;
};

/// The YAML text of `problem`. Pure: the same problem and options give the same bytes.
std::string problem_text(const Problem& problem, const ProblemTextOptions& options = {});

/// Writes problem_text() to `path` atomically (see write_text_atomic()). Throws InputError
/// (key "output") when the file cannot be written; the target is then left as it was.
void write_problem(const std::string& path, const Problem& problem,
                   const ProblemTextOptions& options = {});

}  // namespace allocopt
