#pragma once
// A one-page HTML report of a solver's result (docs/pictures.md §Report): the problem, the
// solver and its settings, the objective with its bound and gap, every metric next to a simple
// baseline policy's, the pictures inline and the assignment as a sortable, filterable table.
// Self-contained: no external script, style sheet, font or image, so it opens offline.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "allocopt/evaluator.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// A picture of the report: an SVG (standalone or inline; an XML declaration is dropped).
struct ReportFigure {
    std::string title{};
    std::string svg{};
    std::string caption{};
};

/// The baseline the solver's answer is set beside (e.g. the seed's FCFS policy), evaluated on
/// the same problem.
struct ReportBaseline {
    std::string solver{};  ///< its name, e.g. "fcfs"
    Result result{};
    Report report{};
};

/// Everything the page shows. References must outlive the call.
struct HtmlReportInput {
    const Problem* problem = nullptr;
    const Result* result = nullptr;
    const Report* report = nullptr;  ///< the Evaluator's report of result->allocation
    SolverRun run{};
    std::string source{};  ///< where the problem came from (a path), shown in the summary
    std::optional<ReportBaseline> baseline{};
    std::vector<ReportFigure> figures{};
};

/// At most this many assignment rows are put in the page (about 80 bytes each); beyond, the
/// page says how many were left out and points to the result file.
inline constexpr std::size_t kReportMaxRows = 50000;

/// The page. Throws std::invalid_argument when problem, result or report is null.
std::string html_report(const HtmlReportInput& input);

}  // namespace allocopt
