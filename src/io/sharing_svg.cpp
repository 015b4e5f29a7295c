// The replay picture (io/sharing_svg.hpp).

#include "allocopt/io/sharing_svg.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "allocopt/io/svg.hpp"

namespace allocopt {

std::string sharing_curve_svg(std::span<const SharingCurve> curves, std::int64_t capacity,
                              const std::string& title) {
    using namespace svg;
    constexpr double kWidth = 760, kHeight = 480;
    Canvas canvas(kWidth, kHeight);
    canvas.text(kWidth / 2, 24, title + ": allocated vs requested GPU capacity",
                {14, "middle", "#222222", true, 0});
    const double scale = capacity > 0 ? 100.0 / static_cast<double>(capacity) : 0.0;
    double x_max = 100.0, y_min = 100.0;
    for (const SharingCurve& c : curves) {
        if (!c.arrived.empty())
            x_max = std::max(x_max, static_cast<double>(c.arrived.back()) * scale);
        for (std::size_t i = 0; i < c.allocated.size(); ++i) {
            // The interesting part is where allocation falls behind: from 50 % arrived on.
            if (static_cast<double>(c.arrived[i]) * scale >= 50.0)
                y_min = std::min(y_min, static_cast<double>(c.allocated[i]) * scale);
        }
    }
    y_min = std::max(0.0, std::floor(y_min / 10.0) * 10.0 - 10.0);
    const double x_min = std::min(50.0, y_min);
    const Frame frame{70, 44, kWidth - 100, kHeight - 140};
    const Scale x = Scale::linear(x_min, x_max, frame.left, frame.right());
    const Scale y = Scale::linear(y_min, std::min(100.0, x_max), frame.bottom(), frame.top);
    draw_axes(canvas, frame, x, y, "requested GPU capacity (% of the cluster)",
              "allocated GPU capacity (%)");
    Style diagonal{"none", "#999999", 1, 1, "4 3", ""};
    canvas.line(x(x_min), y(x_min), x(std::min(100.0, x_max)), y(std::min(100.0, x_max)), diagonal);
    canvas.line(x(100.0), frame.top, x(100.0), frame.bottom(),
                {"none", "#bbbbbb", 1, 1, "2 3", ""});
    std::map<std::string, std::size_t> colors;  // by the label's first word (the policy)
    std::vector<LegendEntry> legend;
    for (const SharingCurve& c : curves) {
        const std::string group = c.label.substr(0, c.label.find(' '));
        auto [it, added] = colors.emplace(group, colors.size());
        if (added) legend.push_back({group, category_color(it->second), true, false});
        const std::size_t n = c.arrived.size();
        const std::size_t step = std::max<std::size_t>(1, n / 1000);
        std::vector<Point> points;
        for (std::size_t i = 0; i < n; i += step) {
            const double a = static_cast<double>(c.arrived[i]) * scale;
            if (a < x_min) continue;
            points.push_back({x(a), y(static_cast<double>(c.allocated[i]) * scale)});
        }
        if (n > 0) {
            points.push_back({x(static_cast<double>(c.arrived[n - 1]) * scale),
                              y(static_cast<double>(c.allocated[n - 1]) * scale)});
        }
        canvas.polyline(points, {"none", category_color(it->second).hex(), 1.5, 0.8, "", ""}, {},
                        c.label);
    }
    draw_legend(canvas, frame.left, frame.bottom() + 52, frame.width, legend);
    return canvas.str();
}

}  // namespace allocopt
