#include "allocopt/io/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace allocopt {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHuge = 1e300;
constexpr std::size_t kStripRows = 8;  // rows of no-feasible strips below the curves
constexpr double kStripGap = 5;        // pixels between two rows, and below the curves
constexpr svg::Color kBoundColor{0x44, 0x44, 0x44};

/// A usable trace point on one axis.
struct Step {
    double x = 0;
    double value = 0;
    bool feasible = false;
};

/// A run's usable points, sorted by x, and its end (never before its last point).
struct Steps {
    std::vector<Step> steps;
    double end = 0;
};

Steps steps_of(const ConvergenceRun& run, ConvergenceAxis axis) {
    Steps s;
    for (const TracePoint& p : run.trace) {
        if (!std::isfinite(p.best) || !std::isfinite(p.seconds) || p.seconds < 0) continue;
        const double x =
            axis == ConvergenceAxis::seconds ? p.seconds : static_cast<double>(p.evaluations);
        s.steps.push_back({x, p.best, p.feasible});
    }
    // A trace is recorded in order; a stable sort keeps the later of two points at one x last.
    std::stable_sort(s.steps.begin(), s.steps.end(),
                     [](const Step& a, const Step& b) { return a.x < b.x; });
    const double end =
        axis == ConvergenceAxis::seconds ? run.seconds : static_cast<double>(run.evaluations);
    s.end = std::isfinite(end) && end > 0 ? end : 0;
    if (!s.steps.empty()) s.end = std::max(s.end, s.steps.back().x);
    return s;
}

/// The run's value at x, or `worst` when it has no feasible one there.
double value_at(const Steps& s, double x, double worst) {
    const auto after = std::upper_bound(s.steps.begin(), s.steps.end(), x,
                                        [](double v, const Step& step) { return v < step.x; });
    if (after == s.steps.begin()) return worst;
    const Step& last = *(after - 1);
    return last.feasible ? last.value : worst;
}

double finite_or_nan(double v) {
    return std::isfinite(v) ? v : kNaN;
}

/// The smallest positive and the largest x of every usable point and end (0 when none).
struct Extent {
    double smallest_positive = kInf;
    double largest = 0;
};

}  // namespace

ConvergenceRun convergence_run(const Result& result) {
    return {result.trace, result.seconds, result.evaluations};
}

std::vector<ConvergenceSeries> group_runs(
    std::span<const std::pair<std::string, ConvergenceRun>> runs) {
    std::vector<ConvergenceSeries> out;
    std::map<std::string, std::size_t, std::less<>> index;
    for (const auto& [label, run] : runs) {
        const auto [it, fresh] = index.try_emplace(label, out.size());
        if (fresh) out.push_back({label, {}});
        out[it->second].runs.push_back(run);
    }
    return out;
}

ConvergenceSummary summarize_runs(std::span<const ConvergenceRun> runs, ConvergenceAxis axis,
                                  Sense sense, std::span<const double> grid) {
    std::vector<Steps> all;
    all.reserve(runs.size());
    for (const ConvergenceRun& run : runs)
        all.push_back(steps_of(run, axis));
    // No feasible value sorts after every value in the objective's sense.
    const double worst = sense == Sense::minimize ? kInf : -kInf;
    ConvergenceSummary out;
    const std::size_t n = all.size();
    std::vector<double> values(n);
    for (const double x : grid) {
        out.x.push_back(x);
        if (n == 0) {
            out.median.push_back(kNaN);
            out.low.push_back(kNaN);
            out.high.push_back(kNaN);
            continue;
        }
        for (std::size_t r = 0; r < n; ++r)
            values[r] = value_at(all[r], x, worst);
        std::sort(values.begin(), values.end());
        const double median = n % 2 ? values[n / 2] : values[n / 2 - 1] / 2 + values[n / 2] / 2;
        const bool all_feasible = std::isfinite(values.front()) && std::isfinite(values.back());
        out.median.push_back(finite_or_nan(median));
        out.low.push_back(all_feasible ? values.front() : kNaN);
        out.high.push_back(all_feasible ? values.back() : kNaN);
    }
    return out;
}

std::vector<double> convergence_grid(std::span<const ConvergenceRun> runs, ConvergenceAxis axis,
                                     bool log, std::size_t max_points) {
    std::vector<double> xs;
    for (const ConvergenceRun& run : runs) {
        const Steps s = steps_of(run, axis);
        if (s.steps.empty()) continue;
        for (const Step& step : s.steps)
            xs.push_back(step.x);
        xs.push_back(s.end);
    }
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    max_points = std::max<std::size_t>(max_points, 2);
    if (xs.size() <= max_points) return xs;
    const double first = xs.front();
    const double last = xs.back();
    std::vector<double> grid;
    std::size_t count = max_points;
    double from = first;
    if (log && !(first > 0)) {
        // x = 0 (a point before any evaluation) stays; the rest is spaced from the first
        // positive x, which exists: the values are distinct and at least two.
        grid.push_back(first);
        --count;
        from = *std::upper_bound(xs.begin(), xs.end(), 0.0);
    }
    for (std::size_t k = 0; k < count; ++k) {
        const double t = count > 1 ? static_cast<double>(k) / static_cast<double>(count - 1) : 1;
        grid.push_back(log ? std::exp(std::log(from) + t * (std::log(last) - std::log(from)))
                           : from + t * (last - from));
    }
    grid.back() = last;  // exactly the last end, not its rounding
    return grid;
}

bool wants_log_axis(double smallest_positive, double largest) {
    if (!std::isfinite(smallest_positive) || !std::isfinite(largest)) return false;
    if (!(smallest_positive > 0) || !(largest > 0)) return false;
    return largest / smallest_positive > 1000;
}

ConvergenceFrames convergence_frames(const ConvergenceOptions& o) {
    const double width = std::isfinite(o.width) ? std::max(o.width, 400.0) : 960;
    const double height = std::isfinite(o.height) ? std::max(o.height, 200.0) : 400;
    // Room for the title above, tick labels and axis titles below and to the left of each panel.
    constexpr double kLeft = 72;
    constexpr double kGap = 64;
    constexpr double kRight = 16;
    constexpr double kTop = 40;
    constexpr double kBottom = 52;
    const double panel = (width - kLeft - kGap - kRight) / 2;
    const double tall = height - kTop - kBottom;
    return {{kLeft, kTop, panel, tall}, {kLeft + panel + kGap, kTop, panel, tall}};
}

namespace {

/// One panel's x axis and the series summarised on it.
struct Panel {
    ConvergenceAxis axis = ConvergenceAxis::seconds;
    svg::Frame frame{};
    svg::Scale x = svg::Scale::linear(0, 1, 0, 1);
    std::vector<ConvergenceSummary> summaries;  // one per series
};

Extent extent_of(std::span<const ConvergenceSeries> series, ConvergenceAxis axis) {
    Extent e;
    for (const ConvergenceSeries& s : series) {
        for (const ConvergenceRun& run : s.runs) {
            const Steps steps = steps_of(run, axis);
            if (steps.steps.empty()) continue;
            for (const Step& step : steps.steps) {
                if (step.x > 0) e.smallest_positive = std::min(e.smallest_positive, step.x);
            }
            if (steps.end > 0) e.smallest_positive = std::min(e.smallest_positive, steps.end);
            e.largest = std::max(e.largest, steps.end);
        }
    }
    return e;
}

Panel make_panel(std::span<const ConvergenceSeries> series, ConvergenceAxis axis,
                 const svg::Frame& frame, Sense sense) {
    Panel p;
    p.axis = axis;
    p.frame = frame;
    const Extent e = extent_of(series, axis);
    const bool log = wants_log_axis(e.smallest_positive, e.largest);
    p.x = log ? svg::Scale::log(e.smallest_positive, e.largest, frame.left, frame.right())
              : svg::Scale::linear(0, e.largest > 0 ? e.largest : 1, frame.left, frame.right());
    for (const ConvergenceSeries& s : series) {
        const std::vector<double> grid = convergence_grid(s.runs, axis, log);
        p.summaries.push_back(summarize_runs(s.runs, axis, sense, grid));
    }
    return p;
}

/// Index ranges [first, last] where `defined(k)` holds, in order.
template <typename Defined>
std::vector<std::pair<std::size_t, std::size_t>> stretches(std::size_t n, Defined defined) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t k = 0; k < n; ++k) {
        if (!defined(k)) continue;
        if (!out.empty() && out.back().second + 1 == k) {
            out.back().second = k;
        } else {
            out.emplace_back(k, k);
        }
    }
    return out;
}

/// The step line of `values` over [first, last] of `x`: each value holds until the next x
/// (also the one after `last`, where the next stretch takes over).
std::vector<svg::Point> step_points(const std::vector<double>& x, const std::vector<double>& values,
                                    std::size_t first, std::size_t last, const svg::Scale& sx,
                                    const svg::Scale& sy) {
    std::vector<svg::Point> out;
    auto add = [&out](double px, double py) {
        if (!out.empty() && std::fabs(out.back().x - px) < 0.005 &&
            std::fabs(out.back().y - py) < 0.005) {
            return;  // the same pixel: the file stays small for long traces
        }
        out.push_back({px, py});
    };
    for (std::size_t k = first; k <= last; ++k) {
        add(sx(x[k]), sy(values[k]));
        if (k + 1 < x.size()) add(sx(x[k + 1]), sy(values[k]));
    }
    return out;
}

/// Draws series `index`'s band, curve and no-feasible strip (`strip_y` below the curves) in
/// one panel.
void draw_series(svg::Canvas& canvas, const Panel& p, const ConvergenceSummary& s,
                 std::size_t index, bool band, const svg::Scale& y, double strip_y) {
    const std::string color = svg::category_color(index).hex();
    const std::size_t n = s.x.size();
    if (band) {
        for (const auto& [first, last] :
             stretches(n, [&](std::size_t k) { return !std::isnan(s.low[k]); })) {
            std::vector<svg::Point> outline = step_points(s.x, s.high, first, last, p.x, y);
            const std::vector<svg::Point> lower = step_points(s.x, s.low, first, last, p.x, y);
            outline.insert(outline.end(), lower.rbegin(), lower.rend());
            canvas.polygon(outline, {.fill = color, .opacity = 0.2});
        }
    }
    const svg::Style line{.fill = "none", .stroke = color, .stroke_width = 2};
    for (const auto& [first, last] :
         stretches(n, [&](std::size_t k) { return !std::isnan(s.median[k]); })) {
        const std::vector<svg::Point> points = step_points(s.x, s.median, first, last, p.x, y);
        if (points.size() >= 2) {
            canvas.polyline(points, line);
        } else {
            canvas.circle(points.front().x, points.front().y, 3, {.fill = color});
        }
    }
    for (const auto& [first, last] :
         stretches(n, [&](std::size_t k) { return std::isnan(s.median[k]); })) {
        const double to = s.x[std::min(last + 1, n - 1)];
        canvas.line(p.x(s.x[first]), strip_y, std::max(p.x(to), p.x(s.x[first]) + 2), strip_y,
                    {.fill = "none", .stroke = color, .stroke_width = 2, .dash = "5 3"});
    }
}

/// The value axis: every drawn value and the bound, with 5% of their range on each side.
svg::Scale value_scale(const std::vector<Panel>& panels, std::span<const ConvergenceSeries> series,
                       std::optional<double> bound, double bottom, double top) {
    double lo = kInf;
    double hi = -kInf;
    auto take = [&](double v) {
        if (!std::isfinite(v)) return;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    };
    for (const Panel& p : panels) {
        for (std::size_t k = 0; k < p.summaries.size(); ++k) {
            const ConvergenceSummary& s = p.summaries[k];
            for (const double v : s.median)
                take(v);
            if (series[k].runs.size() < 2) continue;
            for (const double v : s.low)
                take(v);
            for (const double v : s.high)
                take(v);
        }
    }
    if (bound) take(*bound);
    if (lo > hi) {
        lo = 0;
        hi = 1;
    }
    // Beyond 1e300 (which no objective reaches: docs/design.md §Limits) the span and the ticks'
    // spacing would overflow; such values are drawn at the panel's edge.
    lo = std::clamp(lo, -kHuge, kHuge);
    hi = std::clamp(hi, -kHuge, kHuge);
    const double pad = 0.05 * (hi - lo);
    return svg::Scale::linear(lo - pad, hi + pad, bottom, top);
}

}  // namespace

std::string convergence_svg(std::span<const ConvergenceSeries> series,
                            const ConvergenceOptions& o) {
    const ConvergenceFrames frames = convergence_frames(o);
    const double width = frames.evaluations.right() + 16;
    const double height = frames.seconds.bottom() + 52;
    std::vector<Panel> panels;
    panels.push_back(make_panel(series, ConvergenceAxis::seconds, frames.seconds, o.sense));
    panels.push_back(make_panel(series, ConvergenceAxis::evaluations, frames.evaluations, o.sense));
    const std::optional<double> bound =
        o.bound && std::isfinite(*o.bound) ? o.bound : std::optional<double>();

    // The legend goes below the panels: its entries come first, so that its height (drawn once
    // on a scratch canvas) sets the canvas's.
    std::vector<svg::LegendEntry> legend;
    // A series with no feasible value somewhere gets a strip row at the bottom of the panels,
    // below the lowest value drawn (kStripRows rows at most, then they are shared).
    std::vector<double> strip_row(series.size(), 0);
    std::size_t rows = 0;
    for (std::size_t k = 0; k < series.size(); ++k) {
        const bool band = series[k].runs.size() > 1;
        bool feasible = false;
        bool strip = false;
        for (const Panel& p : panels) {
            for (const double v : p.summaries[k].median) {
                feasible = feasible || !std::isnan(v);
                strip = strip || std::isnan(v);
            }
        }
        if (strip) strip_row[k] = static_cast<double>(rows++ % kStripRows);
        std::string label = series[k].label.empty() ? "(unnamed)" : series[k].label;
        if (band) {
            label +=
                ": median of " + std::to_string(series[k].runs.size()) + " runs, band min\u2013max";
        }
        if (!feasible) label += band ? " (no feasible median)" : " (no feasible allocation)";
        legend.push_back({label, svg::category_color(k), true, false});
    }
    if (bound) {
        const std::string kind = o.sense == Sense::minimize ? "lower" : "upper";
        legend.push_back(
            {kind + " bound " + svg::format_number(*bound, 6), kBoundColor, true, true});
    }
    if (rows > 0) {
        legend.push_back(
            {"no feasible allocation yet (dashed, at the bottom)", svg::other_color(), true, true});
    }
    const double legend_left = frames.seconds.left;
    const double legend_width = width - legend_left - 16;
    double legend_height = 0;
    if (!legend.empty()) {
        svg::Canvas scratch(width, height);
        legend_height = draw_legend(scratch, legend_left, 0, legend_width, legend);
    }

    const double strip_space =
        rows == 0 ? 0 : kStripGap * static_cast<double>(std::min(rows, kStripRows) + 1);
    const svg::Scale y = value_scale(panels, series, bound, frames.seconds.bottom() - strip_space,
                                     frames.seconds.top);

    svg::Canvas canvas(width, height + legend_height + 8);
    if (!o.title.empty()) {
        canvas.text(width / 2, 24, o.title, {.size = 15, .anchor = "middle", .bold = true});
    }
    svg::draw_axes(canvas, frames.seconds, panels[0].x, y, "time (s)", o.value_label);
    svg::draw_axes(canvas, frames.evaluations, panels[1].x, y, o.count_label, {});
    if (bound) {
        const svg::Style dashed{
            .fill = "none", .stroke = kBoundColor.hex(), .stroke_width = 1.5, .dash = "5 3"};
        for (const Panel& p : panels)
            canvas.line(p.frame.left, y(*bound), p.frame.right(), y(*bound), dashed);
    }
    for (std::size_t k = 0; k < series.size(); ++k) {
        canvas.begin_group("class=\"series\" data-series=\"" + svg::escape(series[k].label) + '"');
        for (const Panel& p : panels)
            draw_series(canvas, p, p.summaries[k], k, series[k].runs.size() > 1, y,
                        p.frame.bottom() - kStripGap * (1 + strip_row[k]));
        canvas.end_group();
    }
    if (!legend.empty()) draw_legend(canvas, legend_left, height, legend_width, legend);
    return canvas.str(o.inline_svg);
}

}  // namespace allocopt
