#include <algorithm>
#include <string>
#include <vector>

#include "allocopt/io/gantt.hpp"
#include "allocopt/io/svg.hpp"
#include "io/gantt_detail.hpp"

namespace allocopt {

using namespace detail::charts;
using svg::Canvas;

std::vector<double> packing_usage(const Problem& p, const Allocation& a) {
    check_sizes(p, a, nullptr);
    const std::size_t d = p.num_dimensions();
    std::vector<double> used(p.num_resources() * d, 0.0);
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (!a.placed(i)) continue;
        const auto j = static_cast<std::size_t>(a.resource[i]);
        used[j * d] += a.units[i];
        for (std::size_t k = 1; k < d; ++k)
            used[j * d + k] += p.demand(i, j, k);
    }
    return used;
}

namespace {

/// One packing bar: the used part (the element with the data attributes), the capacity
/// outline, the overflow and the label.
struct PackingBar {
    double y = 0;
    double used = 0;
    double capacity = 0;
    std::size_t dimension = 0;
    std::string attributes;
    std::string title;
};

void draw_packing_bar(Canvas& canvas, const svg::Frame& frame, const svg::Scale& x,
                      const PackingBar& bar, double height) {
    const double fraction = bar.capacity > 0 ? bar.used / bar.capacity : 0;
    const double shown = std::min(fraction * 100, x.hi());
    const bool over = fraction > 1 + 1e-12;
    const double full = x(100);
    canvas.rect(frame.left, bar.y, full - frame.left, height,
                {.fill = "#f3f3f3", .stroke = "#444444", .stroke_width = 0.8});
    const double w = std::max(1.0, x(std::min(shown, 100.0)) - frame.left);
    canvas.rect(frame.left, bar.y + 1, w, height - 2,
                {.fill = svg::category_color(bar.dimension).hex(),
                 .stroke = over ? kAlertHex : "",
                 .stroke_width = 1.5},
                bar.attributes, bar.title);
    if (over) {
        canvas.rect(full, bar.y + 1, std::max(1.0, x(shown) - full), height - 2,
                    {.fill = kAlertHex, .stroke = kAlertHex, .stroke_width = 1});
    }
    const std::string label = num(bar.used) + " / " + num(bar.capacity) + " (" + percent(fraction) +
                              (over ? ", over" : "") + ")";
    canvas.text(std::max(x(shown), full) + 6, bar.y + height - 1.5, label,
                {.size = std::min(10.0, height), .fill = over ? kAlertHex : "#333333"});
}

/// Per lane and dimension (row-major, lanes x d): used and capacity summed over the lane's
/// resources, how many of them are over capacity, the fullest one's fraction.
struct LaneTotals {
    std::vector<double> used;
    std::vector<double> capacity;
    std::vector<std::size_t> over;
    std::vector<double> peak;
    double largest = 1;  ///< the largest used / capacity of a lane, at least 1
};

LaneTotals lane_totals(const Problem& p, const std::vector<LaneGroup>& groups,
                       const std::vector<double>& used) {
    const std::size_t d = p.num_dimensions();
    LaneTotals t{std::vector<double>(groups.size() * d, 0.0),
                 std::vector<double>(groups.size() * d, 0.0),
                 std::vector<std::size_t>(groups.size() * d, 0),
                 std::vector<double>(groups.size() * d, 0.0)};
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (const std::size_t j : groups[g].resources) {
            for (std::size_t k = 0; k < d; ++k) {
                const double u = used[j * d + k];
                const double cap = p.capacity(j, k);
                const double f = cap > 0 ? u / cap : (u > 0 ? kInfinity : 0);
                t.used[g * d + k] += u;
                t.capacity[g * d + k] += cap;
                t.over[g * d + k] += f > 1 + 1e-12 ? 1 : 0;
                t.peak[g * d + k] = std::max(t.peak[g * d + k], f);
            }
        }
        for (std::size_t k = 0; k < d; ++k) {
            const double cap = t.capacity[g * d + k];
            if (cap > 0) t.largest = std::max(t.largest, t.used[g * d + k] / cap);
        }
    }
    return t;
}

/// Lane g's bar of dimension k.
PackingBar lane_bar(const Problem& p, const LaneGroup& group, const LaneTotals& t, std::size_t g,
                    std::size_t k) {
    const std::size_t at = g * p.num_dimensions() + k;
    PackingBar bar;
    bar.used = t.used[at];
    bar.capacity = t.capacity[at];
    bar.dimension = k;
    const std::string& dim = p.dimensions()[k];
    const bool single = group.resources.size() == 1;
    bar.attributes = attribute(single ? "data-resource" : "data-group", group.label) + ' ' +
                     attribute("data-dimension", dim);
    bar.title = group.label + ", " + dim + ": used " + num(bar.used) + " of " + num(bar.capacity) +
                " (" + percent(bar.capacity > 0 ? bar.used / bar.capacity : 0) + ")";
    if (!single) {
        bar.title += "; " + std::to_string(t.over[at]) + " of " +
                     std::to_string(group.resources.size()) +
                     " resources over capacity, the fullest at " + percent(t.peak[at]);
    }
    return bar;
}

constexpr double kBar = 10;      // a bar's height
constexpr double kBarGap = 3;    // between a lane's bars
constexpr double kPad = 5;       // above and below a lane's bars
constexpr double kLabels = 170;  // right of the plot: "used / capacity (P %)"

}  // namespace

std::string packing_svg(const Problem& p, const Allocation& a, const GanttOptions& o) {
    check_gantt_options(o);
    check_sizes(p, a, nullptr);
    const std::size_t d = p.num_dimensions();
    const std::vector<LaneGroup> groups = lane_groups(p, o.lane_budget);
    const LaneTotals totals = lane_totals(p, groups, packing_usage(p, a));
    const double row_height = 2 * kPad + static_cast<double>(d) * (kBar + kBarGap) - kBarGap;
    const svg::Frame frame{kChartLeft, kChartTop, o.width - kChartLeft - kLabels,
                           kLaneGap + static_cast<double>(groups.size()) * row_height};
    // Up to twice the capacity on the axis; more is cut at the edge (the label says how much).
    const svg::Scale x =
        svg::Scale::linear(0, 100 * std::min(totals.largest, 2.0), frame.left, frame.right());
    std::vector<svg::LegendEntry> legend;
    for (std::size_t k = 0; k < d; ++k)
        legend.push_back({p.dimensions()[k], svg::category_color(k)});
    legend.push_back({"over capacity", kAlert});
    const double legend_top = frame.bottom() + kAxisSpace;
    Canvas canvas(o.width, legend_top + legend_height(frame.width, legend) + 8);

    std::size_t placed = 0;
    for (std::size_t i = 0; i < p.num_tasks(); ++i)
        placed += a.placed(i) ? 1 : 0;
    const std::string grouped = grouping_text(p, groups);
    draw_header(
        canvas, p, nullptr, o,
        std::string(mode_name(p.mode())) + ": " + count_text(placed, "task", "tasks") +
            " placed on " + count_text(p.num_resources(), "resource", "resources") +
            "; per resource and dimension, used against capacity",
        grouped.empty() ? "one lane per resource" : "aggregated: " + grouped + ", summed per lane");
    svg::draw_axes(canvas, frame, x, svg::Scale::linear(0, 1, frame.bottom(), frame.top),
                   "used, % of capacity", "", false);
    LaneLayout rows;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        rows.top.push_back(frame.top + kLaneGap + static_cast<double>(g) * row_height);
        rows.height.push_back(row_height - kLaneGap);
    }
    draw_lane_labels(canvas, groups, rows);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (std::size_t k = 0; k < d; ++k) {
            PackingBar bar = lane_bar(p, groups[g], totals, g, k);
            bar.y = rows.top[g] + kPad - kLaneGap / 2 + static_cast<double>(k) * (kBar + kBarGap);
            draw_packing_bar(canvas, frame, x, bar, kBar);
        }
    }
    svg::draw_legend(canvas, frame.left, legend_top, frame.width, legend);
    return canvas.str(o.inline_svg);
}

}  // namespace allocopt
