#include "allocopt/io/gantt.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>

#include "allocopt/error.hpp"
#include "detail/text.hpp"
#include "io/gantt_detail.hpp"

namespace allocopt {

namespace detail::charts {

namespace {

constexpr std::size_t kLabelChars = 19;  // of a lane label: 11 px text before the plot

}  // namespace

std::string num(double value) {
    return svg::format_number(value, 6);
}

std::string percent(double fraction) {
    return svg::format_number(100 * fraction, 3) + " %";
}

std::string count_text(std::size_t count, std::string_view one, std::string_view many) {
    return svg::format_grouped(static_cast<double>(count), 0) + ' ' +
           std::string(count == 1 ? one : many);
}

std::string truncated(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
        if ((static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) continue;
        if (++chars == max_chars) {
            // The character at k is the last that fits; keep it only if it is the last one.
            std::size_t end = k + 1;
            while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
                ++end;
            if (end == text.size()) return std::string(text);
            return std::string(text.substr(0, k)) + "\u2026";
        }
    }
    return std::string(text);
}

std::string attribute(std::string_view name, std::string_view value) {
    return std::string(name) + "=\"" + svg::escape(value) + '"';
}

void check_sizes(const Problem& p, const Allocation& a, const Report* r) {
    const std::size_t n = p.num_tasks();
    if (a.resource.size() != n || a.units.size() != n) {
        throw InputError("allocation", std::to_string(a.resource.size()),
                         "expected one entry per task (" + std::to_string(n) + ")");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (a.placed(i) &&
            (a.resource[i] < 0 || static_cast<std::size_t>(a.resource[i]) >= p.num_resources())) {
            throw InputError("allocation[" + std::to_string(i) + "].resource",
                             std::to_string(a.resource[i]), "no such resource");
        }
    }
    if (r && (r->start.size() != n || r->end.size() != n)) {
        throw InputError("report", std::to_string(r->start.size()),
                         "expected a start and an end per task (" + std::to_string(n) + ")");
    }
}

bool drawable(const Allocation& a, const Report& r, std::size_t i) {
    return a.placed(i) && std::isfinite(r.start[i]) && std::isfinite(r.end[i]);
}

double latest_end(const Allocation& a, const Report& r) {
    double t1 = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (drawable(a, r, i)) t1 = std::max(t1, r.end[i]);
    }
    return t1 > 0 ? t1 : 1;
}

namespace {

/// Adds `units` running over [start, end) to `row` (bins of `width` from t0, in units x
/// fraction of a bin), fully covered bins through the difference array `diff` (bins + 1).
void add_interval(double* row, double* diff, std::size_t bins, double t0, double width,
                  double start, double end, double units) {
    const double hi = static_cast<double>(bins);
    const double f0 = std::clamp((start - t0) / width, 0.0, hi);
    const double f1 = std::clamp((end - t0) / width, 0.0, hi);
    if (!(f1 > f0)) return;
    const auto b0 = std::min(static_cast<std::size_t>(f0), bins - 1);
    const auto b1 = std::min(static_cast<std::size_t>(f1), bins - 1);
    if (b0 == b1) {
        row[b0] += units * (f1 - f0);
        return;
    }
    row[b0] += units * (static_cast<double>(b0 + 1) - f0);
    row[b1] += units * (f1 - static_cast<double>(b1));
    diff[b0 + 1] += units;
    diff[b1] -= units;
}

}  // namespace

std::vector<double> busy_units(const Allocation& a, const Report& r, std::size_t rows,
                               std::size_t bins, double t0, double t1,
                               const std::function<std::size_t(std::size_t)>& row_of) {
    std::vector<double> busy(rows * bins, 0.0);
    std::vector<double> diff(rows * (bins + 1), 0.0);
    const double width = (t1 - t0) / static_cast<double>(bins);
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!drawable(a, r, i)) continue;
        const std::size_t row = row_of(i);
        if (row >= rows) continue;
        add_interval(&busy[row * bins], &diff[row * (bins + 1)], bins, t0, width, r.start[i],
                     r.end[i], a.units[i]);
    }
    for (std::size_t row = 0; row < rows; ++row) {
        double running = 0;
        for (std::size_t b = 0; b < bins; ++b) {
            running += diff[row * (bins + 1) + b];
            busy[row * bins + b] += running;
        }
    }
    return busy;
}

LaneLayout layout_lanes(const std::vector<LaneGroup>& groups, const GanttOptions& o) {
    double largest = 0;
    for (const LaneGroup& g : groups)
        largest = std::max(largest, g.capacity);
    auto heights = [&](double per_unit, std::vector<double>* out) {
        double total = 0;
        for (const LaneGroup& g : groups) {
            const double h =
                std::clamp(per_unit * g.capacity, o.min_lane_height, o.max_lane_height);
            total += h;
            if (out) out->push_back(h);
        }
        return total;
    };
    double per_unit = largest > 0 ? o.max_lane_height / largest : 0;
    const double available = o.max_plot_height - kLaneGap * static_cast<double>(groups.size() + 1);
    if (heights(per_unit, nullptr) > available) {
        double lo = 0;
        double hi = per_unit;
        for (int k = 0; k < 50; ++k) {
            const double mid = (lo + hi) / 2;
            (heights(mid, nullptr) > available ? hi : lo) = mid;
        }
        per_unit = lo;
    }
    LaneLayout layout;
    heights(per_unit, &layout.height);
    double y = kChartTop + kLaneGap;
    for (const double h : layout.height) {
        layout.top.push_back(y);
        y += h + kLaneGap;
    }
    layout.bottom = y;
    return layout;
}

std::vector<std::size_t> lane_of_resource(const Problem& p, const std::vector<LaneGroup>& groups) {
    std::vector<std::size_t> lane(p.num_resources(), 0);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (const std::size_t j : groups[g].resources)
            lane[j] = g;
    }
    return lane;
}

std::string grouping_text(const Problem& p, const std::vector<LaneGroup>& groups) {
    if (groups.size() == p.num_resources()) return "";
    std::size_t largest = 0;
    for (const LaneGroup& g : groups)
        largest = std::max(largest, g.resources.size());
    return count_text(p.num_resources(), "resource", "resources") + " grouped into " +
           count_text(groups.size(), "lane", "lanes") + " (by kind, up to " +
           std::to_string(largest) + " consecutive per lane)";
}

std::string default_title(const Problem& p, const Report* r) {
    std::string title = p.name() + ": " + p.objective().describe();
    if (r) {
        title += " = " + num(r->evaluation.objective) +
                 (r->evaluation.feasible() ? "" : " (infeasible)");
    }
    return title;
}

void draw_header(svg::Canvas& canvas, const Problem& p, const Report* r, const GanttOptions& o,
                 const std::string& what, const std::string& how) {
    const std::string title = o.title.empty() ? default_title(p, r) : o.title;
    canvas.text(10, 22, title, {.size = 15, .bold = true});
    const svg::TextStyle line{.size = 11, .fill = "#555555"};
    canvas.text(10, 40, what, line);
    canvas.text(10, 56, how, line);
}

void draw_lane_labels(svg::Canvas& canvas, const std::vector<LaneGroup>& groups,
                      const LaneLayout& layout) {
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const double size = std::clamp(layout.height[g] - 1, 7.0, 11.0);
        canvas.text(kChartLeft - 8, layout.top[g] + layout.height[g] / 2 + size * 0.35,
                    truncated(groups[g].label, kLabelChars),
                    {.size = size, .anchor = "end", .fill = "#222222"});
    }
}

/// The legend's height when drawn `max_width` wide (drawn on a scratch canvas).
double legend_height(double max_width, const std::vector<svg::LegendEntry>& entries) {
    if (entries.empty()) return 0;
    svg::Canvas scratch(max_width + 20, 10000);
    return svg::draw_legend(scratch, 10, 0, max_width, entries);
}

}  // namespace detail::charts

using namespace detail::charts;

namespace {

/// "gpu-3 … gpu-19 (17)"; a common prefix up to a separator is written once:
/// "v100m16-7…24 (17)".
std::string group_label(const std::string& first, const std::string& last, std::size_t count) {
    std::size_t common = 0;
    while (common < first.size() && common < last.size() && first[common] == last[common])
        ++common;
    while (common > 0 && std::string_view("-_./:").find(first[common - 1]) == std::string::npos)
        --common;
    const std::string tail = common > 0 ? last.substr(common) : last;
    return truncated(first, 16) + (common > 0 ? "\u2026" : " \u2026 ") + truncated(tail, 16) +
           " (" + std::to_string(count) + ")";
}

}  // namespace

const std::vector<std::string>& color_fields() {
    static const std::vector<std::string> fields{"kind", "type", "resource", "priority", "units"};
    return fields;
}

void check_gantt_options(const GanttOptions& o) {
    const std::vector<std::string>& fields = color_fields();
    if (std::find(fields.begin(), fields.end(), o.color_by) == fields.end()) {
        std::string expected;
        for (const std::string& f : fields)
            expected += (expected.empty() ? "" : ", ") + f;
        throw InputError("color_by", o.color_by,
                         "unknown field to colour by" + detail::did_you_mean(o.color_by, fields) +
                             "; expected one of: " + expected);
    }
    auto within = [](const char* key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw InputError(key, num(v),
                             "expected a number in [" + num(lo) + ", " + num(hi) + "]");
        }
    };
    within("width", o.width, 400, 20000);
    within("lane_budget", static_cast<double>(o.lane_budget), 1, 1000);
    within("element_budget", static_cast<double>(o.element_budget), 1, 1e6);
    within("max_bins", static_cast<double>(o.max_bins), 8, 2000);
    within("max_lane_height", o.max_lane_height, 2, 400);
    within("min_lane_height", o.min_lane_height, 2, o.max_lane_height);
    within("max_plot_height", o.max_plot_height, 100, 100000);
}

std::vector<LaneGroup> lane_groups(const Problem& p, std::size_t max_lanes) {
    const std::size_t m = p.num_resources();
    max_lanes = std::max<std::size_t>(1, max_lanes);
    std::vector<LaneGroup> groups;
    auto add = [&](std::span<const std::size_t> members) {
        LaneGroup g;
        g.resources.assign(members.begin(), members.end());
        g.kind = p.resource(members.front()).kind;
        for (const std::size_t j : members)
            g.capacity += p.capacity(j, 0);
        const std::string& first = p.resource(members.front()).id;
        g.label = members.size() == 1
                      ? first
                      : group_label(first, p.resource(members.back()).id, members.size());
        groups.push_back(std::move(g));
    };
    if (m <= max_lanes) {
        for (std::size_t j = 0; j < m; ++j) {
            const std::size_t one[] = {j};
            add(one);
        }
        return groups;
    }
    // Resources by kind, kinds in order of first appearance.
    std::vector<std::string_view> kinds;
    std::vector<std::size_t> kind_of(m);
    for (std::size_t j = 0; j < m; ++j) {
        const std::string& kind = p.resource(j).kind;
        const auto it = std::find(kinds.begin(), kinds.end(), kind);
        kind_of[j] = static_cast<std::size_t>(it - kinds.begin());
        if (it == kinds.end()) kinds.push_back(kind);
    }
    std::vector<std::size_t> order(m);
    for (std::size_t j = 0; j < m; ++j)
        order[j] = j;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return kind_of[x] < kind_of[y]; });
    if (kinds.size() > max_lanes) {
        // More kinds than lanes: equal chunks of the sorted order, across kinds.
        const std::size_t chunk = (m + max_lanes - 1) / max_lanes;
        for (std::size_t at = 0; at < m; at += chunk)
            add(std::span(order).subspan(at, std::min(chunk, m - at)));
        return groups;
    }
    // The smallest chunk size that keeps sum over kinds of ceil(count / chunk) within budget.
    std::vector<std::size_t> per_kind(kinds.size(), 0);
    for (const std::size_t k : kind_of)
        ++per_kind[k];
    auto lanes_for = [&](std::size_t chunk) {
        std::size_t lanes = 0;
        for (const std::size_t count : per_kind)
            lanes += (count + chunk - 1) / chunk;
        return lanes;
    };
    std::size_t lo = 1;
    std::size_t hi = m;
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (lanes_for(mid) <= max_lanes) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    const std::size_t chunk = lo;
    for (std::size_t at = 0; at < m;) {
        std::size_t end = at;
        while (end < m && end - at < chunk && kind_of[order[end]] == kind_of[order[at]])
            ++end;
        add(std::span(order).subspan(at, end - at));
        at = end;
    }
    return groups;
}

}  // namespace allocopt
