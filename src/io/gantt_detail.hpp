#pragma once
// What the pictures of include/allocopt/io/gantt.hpp share: the checks of their inputs, the
// header lines, the lanes' layout and labels, and the busy units per time bin.
// gantt_common.cpp defines them; gantt.cpp (the Gantt chart), gantt_packing.cpp and
// gantt_utilization.cpp draw with them.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/io/gantt.hpp"
#include "allocopt/io/svg.hpp"

namespace allocopt::detail::charts {

inline constexpr double kAxisSpace = 44;  ///< below the plot: ticks, their labels, axis title
inline constexpr svg::Color kAlert{0xa5, 0x0f, 0x15};  ///< misses and overflows: dark red
inline constexpr char kAlertHex[] = "#a50f15";

/// A number for a label or a tooltip: at most 6 significant digits.
std::string num(double value);
/// A fraction as a percentage with at most 3 significant digits: "62.5 %".
std::string percent(double fraction);
/// "1,000 resources" / "1 resource".
std::string count_text(std::size_t count, std::string_view one, std::string_view many);
/// `text` cut to at most `max_chars` characters (UTF-8 sequences kept whole), ending in "…"
/// when cut.
std::string truncated(std::string_view text, std::size_t max_chars);
/// `name="value"` with the value escaped.
std::string attribute(std::string_view name, std::string_view value);

/// Throws InputError unless the allocation (and the report, when given) has one entry per task
/// and every placed task's resource exists.
void check_sizes(const Problem& p, const Allocation& a, const Report* r);
/// Whether task i is placed and has a finite start and end.
bool drawable(const Allocation& a, const Report& r, std::size_t i);
/// The end of the time axis: the latest end of a drawable task, 1 when none ends after 0.
double latest_end(const Allocation& a, const Report& r);

/// Busy units per (row, bin), in units x fraction of a bin (rows x bins, row-major), of the
/// drawable tasks; `row_of(i)` is task i's row (rows or more: left out). Bins are equal, from
/// t0 to t1. O(tasks + rows x bins).
std::vector<double> busy_units(const Allocation& a, const Report& r, std::size_t rows,
                               std::size_t bins, double t0, double t1,
                               const std::function<std::size_t(std::size_t)>& row_of);

/// The lanes' tops and heights on the canvas, and where the last one ends.
struct LaneLayout {
    std::vector<double> top;
    std::vector<double> height;
    double bottom = kChartTop;
};
/// Heights proportional to the lanes' unit capacities, the largest max_lane_height, each
/// clamped to [min_lane_height, max_lane_height], shrunk together (not below the minimum)
/// when they would pass max_plot_height; kLaneGap apart from kChartTop on.
LaneLayout layout_lanes(const std::vector<LaneGroup>& groups, const GanttOptions& o);
/// The lane of each resource.
std::vector<std::size_t> lane_of_resource(const Problem& p, const std::vector<LaneGroup>& groups);
/// "1,000 resources grouped into 60 lanes (...)", or "" when every resource has its lane.
std::string grouping_text(const Problem& p, const std::vector<LaneGroup>& groups);

/// "NAME: minimize makespan = 1234.5" (the value with a report; "(infeasible)" when it is).
std::string default_title(const Problem& p, const Report* r);
/// The title (o.title, or the problem's name, objective and, with a report, its value) and two
/// lines below it: what is drawn, and how (aggregation).
void draw_header(svg::Canvas& canvas, const Problem& p, const Report* r, const GanttOptions& o,
                 const std::string& what, const std::string& how);
/// Each lane's label, right-aligned before the plot, cut to fit.
void draw_lane_labels(svg::Canvas& canvas, const std::vector<LaneGroup>& groups,
                      const LaneLayout& layout);
/// The height draw_legend() takes for `entries` at `max_width`.
double legend_height(double max_width, const std::vector<svg::LegendEntry>& entries);

}  // namespace allocopt::detail::charts
