#pragma once
// Pictures of one evaluated allocation (issue #14), drawn as SVG through io/svg.hpp:
//
// - gantt_svg(): schedule mode. One lane per resource, as tall as its unit capacity; each
//   placed task is a bar over [start, end) as tall as its units, stacked where tasks share a
//   resource. Deadline misses are outlined and marked at the deadline.
// - packing_svg(): packing mode. Per resource and capacity dimension, what the placed tasks use
//   against the capacity, with the fraction; an overflow is marked.
// - utilization_svg(): per resource, the fraction of its units busy over time, as a heat strip.
//
// Every picture stays readable and small whatever the problem's size. Above a lane budget
// (GanttOptions::lane_budget resources) the resources are grouped into lanes: by kind, then
// consecutive chunks of each kind (lane_groups()). Above an element budget (more placed tasks
// than GanttOptions::element_budget, or bars whose text would pass about 4 MB) the Gantt chart
// draws, per lane, a stacked utilization profile per colour instead of one bar per task. Each
// such aggregate is one element whose `data-group` and tooltip name the resources it covers,
// and the picture's subtitle says how it was aggregated. The size of a file is thereby bounded
// by construction (a few MB at most).
//
// Devices inside a resource (several GPUs of one node as separate rows) do not exist in the
// model yet: a lane is a resource or a group of resources. The extension point is LaneGroup: a
// device would be one more level below a resource, with its lane split into device rows.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {

/// How the pictures are drawn. The defaults suit a screen and an HTML report.
struct GanttOptions {
    double width = 1100;  ///< of the canvas in pixels, in [400, 20000]
    /// The field that colours the tasks (color_fields()): `kind` (task_kind_name()), `type`
    /// (the task's type, "(none)" without one), `resource` (the kind of its resource),
    /// `priority`, `units`. The most frequent 7 values get a colour each, the rest grey.
    std::string color_by = "kind";
    /// Resources drawn as lanes of their own, in [1, 1000]; above, they are grouped. 100 lanes
    /// at the minimum height take about 1,800 px: a 64-node cluster still gets a lane per node.
    std::size_t lane_budget = 100;
    /// Placed tasks drawn as bars of their own, in [1, 1000000]; above, profiles.
    std::size_t element_budget = 20000;
    /// Time bins of the utilization strip and of the profiles, in [8, 2000]. Fewer are used
    /// when the picture is narrow, or when rows x bins would make a large file.
    std::size_t max_bins = 240;
    double min_lane_height = 14;  ///< pixels, in [2, max_lane_height]
    double max_lane_height = 48;  ///< pixels of the lane with the most units, in [2, 400]
    /// Lanes are shrunk (not below min_lane_height) so that together they take at most this
    /// many pixels, in [100, 100000].
    double max_plot_height = 1400;
    std::string title{};      ///< replaces the first line (problem, objective, value) when set
    bool inline_svg = false;  ///< an <svg> element for an HTML page instead of a file
};

/// The fields GanttOptions::color_by accepts.
const std::vector<std::string>& color_fields();

/// Checks `options`: throws InputError keyed by the member (`color_by`, `width`, ...) with the
/// value, for a colour field not in color_fields() (with a "did you mean" hint) and for a
/// number out of its range.
void check_gantt_options(const GanttOptions& options);

/// Where the parts of gantt_svg() and utilization_svg() lie, so that a reader (a test, the
/// HTML report) can locate them: the time axis spans x from kChartLeft to width - kChartRight
/// and runs from 0 to the latest end (the makespan; 1 when nothing ends after 0); the first
/// lane's top is at y = kChartTop + kLaneGap, and each lane is followed by kLaneGap pixels.
/// Slot u of a lane of height h and capacity c lies at y = top + u x h / c.
inline constexpr double kChartLeft = 150;
inline constexpr double kChartRight = 30;
inline constexpr double kChartTop = 72;
inline constexpr double kLaneGap = 4;

/// A lane of a picture: one resource, or several (grouped above the lane budget).
struct LaneGroup {
    std::vector<std::size_t> resources{};  ///< indices, in problem order within a kind
    std::string kind{};                    ///< the resources' kind
    /// The id, or for a group "FIRST … LAST (N)", a common prefix written once
    /// ("gpu-0…16 (17)").
    std::string label{};
    double capacity = 0;  ///< their units capacity, summed
};

/// The lanes for `max_lanes` (>= 1): one per resource in problem order when there are at most
/// that many resources; else the resources sorted by kind (kinds in order of first
/// appearance), each kind cut into consecutive chunks of equal size so that there are at most
/// `max_lanes` lanes in all (chunks cross kinds only when there are more kinds than lanes).
std::vector<LaneGroup> lane_groups(const Problem& problem, std::size_t max_lanes);

/// Per resource and dimension (problem.dimensions()), what the placed tasks use: units from
/// the allocation, other dimensions from Problem::demand(). Row-major: used[j x d + k].
std::vector<double> packing_usage(const Problem& problem, const Allocation& allocation);

/// The busy fraction of each lane over time: rows x bins, row-major.
struct UtilizationGrid {
    std::vector<LaneGroup> rows{};
    double t0 = 0;  ///< the first bin's start
    double t1 = 1;  ///< the last bin's end
    std::size_t bins = 0;
    /// Per row and bin: units x time of the tasks running in the bin on the row's resources,
    /// over the row's capacity x the bin's length. Above 1 where a task runs over capacity.
    std::vector<double> busy{};

    double at(std::size_t row, std::size_t bin) const { return busy[row * bins + bin]; }
};

/// The utilization grid of an allocation with its report (Evaluator::report()): rows as
/// lane_groups(problem, max_rows), `bins` (>= 1) equal bins from 0 to the latest end of a
/// placed task (1 when none ends after 0). Tasks whose start or end is not finite are left
/// out. Throws InputError when the allocation or report does not match the problem's tasks.
UtilizationGrid utilization_grid(const Problem& problem, const Allocation& allocation,
                                 const Report& report, std::size_t max_rows, std::size_t bins);

/// The Gantt chart of an allocation with its report (Report::start / end). Exactly one element
/// per placed task carries `data-task="ID"` and a tooltip (id, resource, units, start, end,
/// deadline), unless the chart is aggregated (see the file comment); aggregates carry
/// `data-group`. Units are laid out by sweeping each resource's tasks by start time and giving
/// each the lowest contiguous free unit slots, or, when none is free, the lowest free slots
/// wherever they are (then one path element); a task that runs over capacity covers its whole
/// lane, dashed. Throws InputError for bad options (check_gantt_options()) or an allocation or
/// report whose size is not the problem's number of tasks.
std::string gantt_svg(const Problem& problem, const Allocation& allocation, const Report& report,
                      const GanttOptions& options = {});

/// The packing chart: per resource (or lane group) one bar per dimension, the used part
/// filled (the dimension's colour), the capacity outlined, and "used / capacity (P %)"
/// beside it; used beyond the capacity is drawn in red past the outline. Elements carry
/// `data-resource` (or `data-group`) and `data-dimension`. Throws as gantt_svg().
std::string packing_svg(const Problem& problem, const Allocation& allocation,
                        const GanttOptions& options = {});

/// The utilization strip (utilization_grid() with the options' lane budget and bins): one row
/// per lane, cells coloured by svg::sequential_color() of the busy fraction (neighbouring cells
/// of one colour merged), each with `data-busy` and a tooltip, a time axis and a colour bar.
std::string utilization_svg(const Problem& problem, const Allocation& allocation,
                            const Report& report, const GanttOptions& options = {});

/// gantt_svg() in schedule mode, packing_svg() in packing mode.
std::string allocation_svg(const Problem& problem, const Allocation& allocation,
                           const Report& report, const GanttOptions& options = {});

}  // namespace allocopt
