#include <algorithm>
#include <string>
#include <vector>

#include "allocopt/io/gantt.hpp"
#include "allocopt/io/svg.hpp"
#include "io/gantt_detail.hpp"

namespace allocopt {

using namespace detail::charts;

namespace {

constexpr std::size_t kStripCells = 8'000;  // rows x bins at most

}  // namespace

UtilizationGrid utilization_grid(const Problem& p, const Allocation& a, const Report& r,
                                 std::size_t max_rows, std::size_t bins) {
    check_sizes(p, a, &r);
    UtilizationGrid grid;
    grid.rows = lane_groups(p, max_rows);
    grid.bins = std::max<std::size_t>(1, bins);
    grid.t0 = 0;
    grid.t1 = latest_end(a, r);
    const std::vector<std::size_t> lane = lane_of_resource(p, grid.rows);
    grid.busy = busy_units(a, r, grid.rows.size(), grid.bins, grid.t0, grid.t1, [&](std::size_t i) {
        return lane[static_cast<std::size_t>(a.resource[i])];
    });
    for (std::size_t row = 0; row < grid.rows.size(); ++row) {
        for (std::size_t b = 0; b < grid.bins; ++b)
            grid.busy[row * grid.bins + b] /= grid.rows[row].capacity;
    }
    return grid;
}

namespace {

/// One row of the strip: neighbouring cells of one colour are one element, with their mean in
/// the tooltip and in `data-busy`; a cell over capacity is outlined in red.
void draw_strip_row(svg::Canvas& canvas, const UtilizationGrid& grid, std::size_t row,
                    const svg::Scale& x, double top, double height) {
    const double bin_width = (grid.t1 - grid.t0) / static_cast<double>(grid.bins);
    auto over = [&](std::size_t b) { return grid.at(row, b) > 1 + 1e-9; };
    for (std::size_t b = 0; b < grid.bins;) {
        const std::string color = svg::sequential_color(grid.at(row, b)).hex();
        std::size_t end = b + 1;
        double sum = grid.at(row, b);
        while (end < grid.bins && !over(b) && !over(end) &&
               svg::sequential_color(grid.at(row, end)).hex() == color) {
            sum += grid.at(row, end);
            ++end;
        }
        const double mean = sum / static_cast<double>(end - b);
        const double from = grid.t0 + static_cast<double>(b) * bin_width;
        const double to = grid.t0 + static_cast<double>(end) * bin_width;
        const std::string title = grid.rows[row].label + ", " + num(from) + "\u2013" + num(to) +
                                  ": " + percent(mean) + " busy";
        canvas.rect(x(from), top, x(to) - x(from), height,
                    {.fill = color, .stroke = over(b) ? kAlertHex : "", .stroke_width = 1},
                    "data-busy=\"" + svg::format_number(mean, 4) + '"', title);
        b = end;
    }
}

}  // namespace

std::string utilization_svg(const Problem& p, const Allocation& a, const Report& r,
                            const GanttOptions& o) {
    check_gantt_options(o);
    check_sizes(p, a, &r);
    const std::size_t rows = lane_groups(p, o.lane_budget).size();
    const double plot_width = o.width - kChartLeft - kChartRight;
    const std::size_t bins =
        std::max<std::size_t>(1, std::min({o.max_bins, static_cast<std::size_t>(plot_width / 2),
                                           std::max<std::size_t>(8, kStripCells / rows)}));
    const UtilizationGrid grid = utilization_grid(p, a, r, o.lane_budget, bins);
    const double row_height = std::clamp(600.0 / static_cast<double>(rows), 8.0, 22.0);
    LaneLayout layout;
    for (std::size_t row = 0; row < rows; ++row) {
        layout.top.push_back(kChartTop + kLaneGap + static_cast<double>(row) * row_height);
        layout.height.push_back(row_height - 1);
    }
    const svg::Frame frame{kChartLeft, kChartTop, plot_width,
                           kLaneGap + static_cast<double>(rows) * row_height};
    const svg::Scale x = svg::Scale::linear(grid.t0, grid.t1, frame.left, frame.right());
    const double bar_top = frame.bottom() + kAxisSpace;
    svg::Canvas canvas(o.width, bar_top + 34);
    const std::string what =
        "busy units / capacity per " +
        std::string(grid.rows.size() == p.num_resources() ? "resource" : "lane") + " in " +
        std::to_string(bins) + " time bins of " +
        svg::format_number((grid.t1 - grid.t0) / static_cast<double>(bins), 3) +
        "; outlined in red: over capacity";
    const std::string grouped = grouping_text(p, grid.rows);
    draw_header(canvas, p, &r, o, what,
                grouped.empty() ? "one row per resource" : "aggregated: " + grouped);
    draw_lane_labels(canvas, grid.rows, layout);
    svg::draw_axes(canvas, frame, x, svg::Scale::linear(0, 1, frame.bottom(), frame.top), "time",
                   "", false);
    // Cells side by side: crisp edges, or anti-aliasing shows a seam between each two.
    canvas.begin_group("shape-rendering=\"crispEdges\"");
    for (std::size_t row = 0; row < rows; ++row)
        draw_strip_row(canvas, grid, row, x, layout.top[row], layout.height[row]);
    canvas.end_group();
    svg::draw_color_bar(canvas, frame.left, bar_top, 240, "0 %", "100 %", "busy units / capacity");
    return canvas.str(o.inline_svg);
}

}  // namespace allocopt
