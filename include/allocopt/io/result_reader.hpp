#pragma once
// Reading result files back (docs/design.md §Result files): what a run found and how it got
// there, without the assignment, for overlaying convergence traces and reports. A file written
// by `allocopt solve -o` in YAML or JSON (JSON is read as YAML), by this version or an older
// one (no `size:` or `baseline:` block).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "allocopt/objective.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

struct ResultSummary {
    std::string problem;  ///< the problem's name
    /// `size:`, absent in files written before it was.
    struct Size {
        std::size_t tasks = 0;
        std::size_t resources = 0;
        Mode mode = Mode::schedule;
    };
    std::optional<Size> size;

    Objective objective;  ///< sense and terms (`metric:` is one term of weight 1)
    double value = 0;     ///< the objective's value
    bool feasible = false;
    double violation = 0;

    std::string solver;  ///< the solver's registry name
    std::uint64_t seed = 0;
    std::uint64_t evaluations = 0;
    double seconds = 0;
    StopReason stop = StopReason::finished;
    std::optional<double> lower_bound;

    /// `baseline:` (allocopt/baseline.hpp), absent when the run did not compute it.
    struct Baseline {
        std::string solver;
        double value = 0;
        bool feasible = false;
        double violation = 0;
    };
    std::optional<Baseline> baseline;

    std::vector<TracePoint> trace;  ///< one point per improvement, in order
};

/// Parses a result file's text; `file` names it in messages. Throws InputError with the file,
/// line, key (`trace[3].best`) and value for text that is not YAML, a file without a `solver:`
/// block ("not a result file"), a missing required key (problem, objective's sense, value and
/// feasible, solver's name, seed, evaluations, seconds and stop, trace and each point's four
/// fields) and a value of the wrong type. Keys it does not read are ignored, so that files of
/// later versions stay readable.
ResultSummary parse_result_summary(const std::string& text, const std::string& file);

/// parse_result_summary() of the file at `path`; also throws InputError when it cannot be read.
ResultSummary read_result_summary(const std::string& path);

}  // namespace allocopt
