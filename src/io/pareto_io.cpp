// Writing a Pareto front (include/allocopt/io/pareto_io.hpp).
#include "allocopt/io/pareto_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "allocopt/io/svg.hpp"

namespace allocopt {

namespace {

/// `value` with 17 significant digits (round-trips), `.nan` / `.inf` as YAML spells them.
std::string number(double value) {
    if (std::isnan(value)) return ".nan";
    if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

/// A YAML double-quoted scalar: ids may hold anything.
std::string yaml_quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string pareto_yaml(const Problem& problem, const ParetoFront& front,
                        const ParetoRunInfo& info) {
    std::string out;
    out += "# A Pareto front written by allocopt solve --pareto (docs/pareto.md).\n";
    out += "problem: " + yaml_quoted(problem.name()) + "\n";
    out += "pareto:\n";
    out += "  method: " + info.method + "\n";
    if (info.method == "pagmo-nsga2")
        out += std::string("  seeded: ") + (info.seeded ? "true" : "false") + "\n";
    out += "  seed: " + std::to_string(info.seed) + "\n";
    std::string metrics, senses, reference;
    for (std::size_t m = 0; m < front.metrics.size(); ++m) {
        const char* sep = m == 0 ? "" : ", ";
        metrics += sep + std::string(metric_name(front.metrics[m]));
        senses += sep + std::string(sense_name(front.senses[m]));
        reference += sep + number(front.reference[m]);
    }
    out += "  metrics: [" + metrics + "]\n";
    out += "  senses: [" + senses + "]\n";
    out += "  reference: [" + reference + "]\n";
    out += std::string("  reference_from: ") +
           (front.reference_given ? "--pareto-ref"
                                  : "\"the front's nadir moved outward by a tenth of its range\"") +
           "\n";
    out += "  hypervolume: " + number(front.hypervolume) + "\n";
    out += "  points: " + std::to_string(front.points.size()) + "\n";
    out += "  evaluations: " + std::to_string(front.evaluations) + "\n";
    out += "  seconds: " + number(front.seconds) + "\n";
    out += "  stop: " + std::string(stop_reason_name(front.stop)) + "\n";
    if (front.points.empty()) {
        out += "points: []\n";
        return out;
    }
    out += "points:\n";
    for (const ParetoPoint& p : front.points) {
        out += "  - values: {";
        for (std::size_t m = 0; m < front.metrics.size(); ++m) {
            out += (m == 0 ? "" : ", ") + std::string(metric_name(front.metrics[m])) + ": " +
                   number(p.values[m]);
        }
        out += "}\n    assignment:\n";
        for (std::size_t i = 0; i < p.allocation.size(); ++i) {
            if (!p.allocation.placed(i)) continue;
            out += "      - {task: " + yaml_quoted(problem.task(i).id) + ", resource: " +
                   yaml_quoted(
                       problem.resource(static_cast<std::size_t>(p.allocation.resource[i])).id) +
                   ", units: " + std::to_string(p.allocation.units[i]) + "}\n";
        }
        if (std::none_of(p.allocation.resource.begin(), p.allocation.resource.end(),
                         [](std::int32_t r) { return r != Allocation::kUnplaced; })) {
            out.resize(out.size() - 1);
            out += " []\n";
        }
    }
    return out;
}

std::string pareto_csv(const Problem& problem, const ParetoFront& front) {
    std::string out = "point";
    for (const Metric m : front.metrics)
        out += "," + std::string(metric_name(m));
    for (const Task& t : problem.tasks())
        out += "," + csv_field(t.id);
    out += "\n";
    for (std::size_t k = 0; k < front.points.size(); ++k) {
        const ParetoPoint& p = front.points[k];
        out += std::to_string(k);
        for (const double v : p.values) {
            char text[40];
            std::snprintf(text, sizeof text, "%.17g", v);
            out += std::string(",") + text;
        }
        for (std::size_t i = 0; i < p.allocation.size(); ++i) {
            out += ",";
            if (!p.allocation.placed(i)) continue;
            out +=
                csv_field(problem.resource(static_cast<std::size_t>(p.allocation.resource[i])).id +
                          "*" + std::to_string(p.allocation.units[i]));
        }
        out += "\n";
    }
    return out;
}

namespace {

std::string axis_label(const ParetoFront& front, std::size_t m) {
    return std::string(metric_name(front.metrics[m])) +
           (front.senses[m] == Sense::minimize ? " (lower is better)" : " (higher is better)");
}

/// The scale of metric m over the front's points and the reference point, padded.
svg::Scale metric_scale(const ParetoFront& front, std::size_t m, double from, double to) {
    double lo = front.reference[m], hi = front.reference[m];
    for (const ParetoPoint& p : front.points) {
        lo = std::min(lo, p.values[m]);
        hi = std::max(hi, p.values[m]);
    }
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, std::abs(hi)) * 0.05;
    return svg::Scale::linear(lo - pad, hi + pad, from, to);
}

/// One panel: metric a across, metric b up; with `staircase`, the front's boundary.
void draw_panel(svg::Canvas& canvas, const svg::Frame& frame, const ParetoFront& front,
                std::size_t a, std::size_t b, bool staircase) {
    const svg::Scale x = metric_scale(front, a, frame.left, frame.right());
    const svg::Scale y = metric_scale(front, b, frame.bottom(), frame.top);
    svg::draw_axes(canvas, frame, x, y, axis_label(front, a), axis_label(front, b));
    const std::string color = svg::category_color(0).hex();
    if (staircase && !front.points.empty()) {
        // The points ordered by metric a, better first; the boundary of what they dominate
        // runs from the reference's b level through each point to the reference's a level.
        std::vector<std::pair<double, double>> pts;
        for (const ParetoPoint& p : front.points)
            pts.emplace_back(p.values[a], p.values[b]);
        const bool a_min = front.senses[a] == Sense::minimize;
        std::sort(pts.begin(), pts.end(), [&](const auto& l, const auto& r) {
            return a_min ? l.first < r.first : l.first > r.first;
        });
        std::vector<svg::Point> line;
        line.push_back({x(pts.front().first), y(front.reference[b])});
        for (std::size_t k = 0; k < pts.size(); ++k) {
            line.push_back({x(pts[k].first), y(pts[k].second)});
            const double next = k + 1 < pts.size() ? pts[k + 1].first : front.reference[a];
            line.push_back({x(next), y(pts[k].second)});
        }
        canvas.polyline(line,
                        {.fill = "none", .stroke = color, .stroke_width = 1.5, .dash = "4 3"});
    }
    for (const ParetoPoint& p : front.points)
        canvas.circle(x(p.values[a]), y(p.values[b]), 3.5, {.fill = color, .stroke = "#ffffff"});
    const std::string ref_color = svg::other_color().hex();
    canvas.circle(x(front.reference[a]), y(front.reference[b]), 4,
                  {.fill = "none", .stroke = ref_color, .stroke_width = 2});
}

}  // namespace

std::string pareto_svg(const Problem& problem, const ParetoFront& front) {
    const std::size_t k = front.metrics.size();
    const double panel = 420, margin_left = 80, margin_top = 50, margin_bottom = 60, gap = 90;
    const std::size_t panels = k == 3 ? 3 : 1;
    const double width = margin_left + static_cast<double>(panels) * panel +
                         static_cast<double>(panels - 1) * gap + 30;
    const double height = margin_top + panel * 0.75 + margin_bottom + 40;
    svg::Canvas canvas(width, height);
    std::string title = "Pareto front";
    if (!problem.name().empty()) title += ": " + problem.name();
    canvas.text(width / 2, 22, title, {.size = 15, .anchor = "middle", .bold = true});
    canvas.text(width / 2, 40,
                std::to_string(front.points.size()) + " points, hypervolume " +
                    svg::format_number(front.hypervolume, 6) + " (reference point: open circle)",
                {.size = 11, .anchor = "middle"});
    const std::pair<std::size_t, std::size_t> pairs[] = {{0, 1}, {0, 2}, {1, 2}};
    for (std::size_t q = 0; q < panels; ++q) {
        const svg::Frame frame{margin_left + static_cast<double>(q) * (panel + gap), margin_top,
                               panel, panel * 0.75};
        draw_panel(canvas, frame, front, pairs[q].first, pairs[q].second, k == 2);
    }
    return canvas.str();
}

}  // namespace allocopt
