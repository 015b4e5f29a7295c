#pragma once
// Convergence pictures (issue #14): the best objective value found against seconds and against
// evaluations, two panels side by side, for one or several series (a solver's label and one or
// more runs of it, e.g. several seeds), drawn as SVG through io/svg.hpp.
//
// What a point means. A run's trace (Result::trace) has a point per improvement, compared
// feasibility-first: until the first feasible allocation, `best` is the objective value of the
// allocation with the least violation, which is no bound on anything and need not improve. Such
// values are never drawn against the value axis: the curve starts at the first feasible point,
// and the stretch before it is a dashed strip along the panel's bottom ("no feasible allocation
// yet"). A run with no feasible point has no curve, only its strip.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/io/svg.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// One run as a convergence picture sees it. The curve is a step function: a point's value holds
/// until the next point, and the last one until the run's end.
struct ConvergenceRun {
    std::vector<TracePoint> trace;  ///< in the order recorded
    double seconds = 0;             ///< the run's length in seconds (Result::seconds)
    std::uint64_t evaluations = 0;  ///< the run's evaluations (Result::evaluations)
};

/// The run of `result`: its trace, seconds and evaluations.
ConvergenceRun convergence_run(const Result& result);

/// A curve of the picture: a label (a solver's name) and its runs. One run draws its step line;
/// several draw their median with a min-max band.
struct ConvergenceSeries {
    std::string label{};
    std::vector<ConvergenceRun> runs{};
};

/// One series per distinct label, in the order of first appearance, each with its runs in the
/// order given: runs of one solver become one median-and-band curve, different solvers are
/// overlaid (the grouping of `allocopt plot r1.yaml r2.yaml ...`).
std::vector<ConvergenceSeries> group_runs(
    std::span<const std::pair<std::string, ConvergenceRun>> runs);

/// The horizontal axis of a panel.
enum class ConvergenceAxis : std::uint8_t { seconds, evaluations };

/// A series summarised on a grid of x values, as step functions: the value at x[k] holds until
/// x[k + 1]. NaN marks where a value is not defined.
struct ConvergenceSummary {
    std::vector<double> x;
    /// The median of the runs' best values (the mean of the two middle ones for an even count);
    /// NaN unless it is a feasible value, i.e. where at most half the runs have none.
    std::vector<double> median;
    /// The band: the best and the worst of the runs' values (the minimum and the maximum); NaN
    /// where some run has no feasible value yet.
    std::vector<double> low;
    std::vector<double> high;
};

/// The runs' values at each of `grid` (any order of finite x values): a run's value at x is the
/// `best` of its last point at or before x when that point is feasible; a run with no point yet
/// or an infeasible one has no feasible value, which counts as worse than any value in `sense`.
/// After its end a run keeps its final value, so runs of different lengths share one grid.
/// Points whose best or seconds are not finite, or whose seconds are negative, are ignored.
ConvergenceSummary summarize_runs(std::span<const ConvergenceRun> runs, ConvergenceAxis axis,
                                  Sense sense, std::span<const double> grid);

/// The grid a series is drawn on: the union of the runs' change points (every usable trace
/// point's x and each run's end), sorted; when that has more than `max_points` (>= 2) values,
/// `max_points` values spaced evenly on the axis (logarithmically when `log`) from the first
/// point to the last end. Empty when the runs have no usable point.
std::vector<double> convergence_grid(std::span<const ConvergenceRun> runs, ConvergenceAxis axis,
                                     bool log, std::size_t max_points = 400);

/// Whether an axis whose data run from `smallest_positive` to `largest` is drawn on a log
/// scale: when they span more than three decades (largest / smallest_positive > 1000). False
/// for values that are not finite and positive.
bool wants_log_axis(double smallest_positive, double largest);

/// How the picture is drawn.
struct ConvergenceOptions {
    std::string title{};                          ///< e.g. "convergence: gpu-cluster"
    std::string value_label = "objective value";  ///< the value axis, e.g. "makespan"
    /// The right panel's axis: what TracePoint::evaluations counts ("solver runs" for a tuning).
    std::string count_label = "evaluations";
    Sense sense = Sense::minimize;  ///< the objective's sense
    /// A proven bound on the optimum (Result::lower_bound): a dashed horizontal line labelled
    /// "lower bound X" ("upper bound X" when maximising). Ignored when not finite.
    std::optional<double> bound{};
    double width = 960;       ///< of the canvas, >= 400 (smaller values are raised)
    double height = 400;      ///< of the title and panels, >= 200; the legend is added below
    bool inline_svg = false;  ///< an <svg> element for an HTML page instead of a file
};

/// Where the two panels go on the canvas (they depend on the width and height only): seconds
/// on the left, evaluations on the right.
struct ConvergenceFrames {
    svg::Frame seconds{};
    svg::Frame evaluations{};
};
ConvergenceFrames convergence_frames(const ConvergenceOptions& options);

/// The picture of `series` as SVG text. Each panel's x axis starts at 0 (linear) or at the
/// smallest positive x (log, chosen by wants_log_axis() over every trace point and run end;
/// x = 0 is then drawn at the left edge). Both panels share the value axis, which spans the
/// drawn values and the bound with 5% of their range added on each side; when some series has
/// a no-feasible strip, the strips take rows 5 px apart at the bottom of the panels (at most 8,
/// then shared) and the value axis ends 5 px above the highest. Series take the
/// colours of svg::category_color() in order (repeating after svg::kCategoryColors); the
/// legend names each (with "median of N runs, band min-max" for several runs, and "no feasible
/// allocation" for one that has none), the bound and the strips. Never throws for any input:
/// empty series, empty traces and non-finite numbers draw what is left (an empty panel at
/// worst), and the file never holds a NaN or a coordinate outside the canvas.
std::string convergence_svg(std::span<const ConvergenceSeries> series,
                            const ConvergenceOptions& options);

}  // namespace allocopt
