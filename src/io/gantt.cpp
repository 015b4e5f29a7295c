#include "allocopt/io/gantt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <tuple>
#include <utility>

#include "allocopt/io/svg.hpp"
#include "io/gantt_detail.hpp"

namespace allocopt {

using namespace detail::charts;

namespace {

using svg::Canvas;
using svg::Point;
using svg::Style;

// Per-task bars are drawn while their estimated text stays below this; a task's element is
// about kBytesPerBar bytes plus twice its id (attribute and tooltip) and its resource's id.
constexpr std::size_t kMaxBarBytes = 4'000'000;
constexpr std::size_t kBytesPerBar = 190;
// Points of all profile polygons together (about 14 bytes each).
constexpr std::size_t kProfilePoints = 120'000;

/// The label of task i under colour field `field` (an index into color_fields()).
std::string color_label(const Problem& p, const Allocation& a, std::size_t i, std::size_t field) {
    const Task& t = p.task(i);
    switch (field) {
        case 0:
            return std::string(task_kind_name(t.kind));
        case 1:
            return t.type.empty() ? "(none)" : t.type;
        case 2:
            return p.resource(static_cast<std::size_t>(a.resource[i])).kind;
        case 3:
            return "priority " + num(t.priority);
        default:
            return std::to_string(a.units[i]) + (a.units[i] == 1 ? " unit" : " units");
    }
}

std::size_t field_index(std::string_view name) {
    const std::vector<std::string>& fields = color_fields();
    return static_cast<std::size_t>(std::find(fields.begin(), fields.end(), name) - fields.begin());
}

// Unit slots ----------------------------------------------------------------------------------

struct Block {
    std::int64_t lo = 0;
    std::int64_t hi = 0;
};

/// The unit slots each task holds: the lowest contiguous free block of its units when there
/// is one, else the lowest free slots wherever they are (several blocks); `over` when not
/// enough are free (a task that runs alone over capacity: it then holds what is free and is
/// drawn over its lane).
struct SlotAssignment {
    std::vector<Block> blocks;
    std::vector<std::uint32_t> first;  // per task: its first block
    std::vector<std::uint32_t> count;  // per task: its blocks
    std::vector<std::uint8_t> over;
};

/// The free unit slots of one resource as sorted blocks: O(running tasks) per operation, so a
/// capacity of 10^12 units costs no more than one of 8.
class FreeSlots {
  public:
    explicit FreeSlots(std::int64_t slots) {
        if (slots > 0) free_.push_back({0, slots});
    }
    /// Takes `units` slots into `out`; false when fewer are free (then takes all).
    bool take(std::int64_t units, std::vector<Block>& out) {
        if (units <= 0) return true;
        for (std::size_t k = 0; k < free_.size(); ++k) {
            if (free_[k].hi - free_[k].lo >= units) {
                out.push_back({free_[k].lo, free_[k].lo + units});
                free_[k].lo += units;
                if (free_[k].lo == free_[k].hi) free_.erase(free_.begin() + k);
                return true;
            }
        }
        std::int64_t left = units;
        std::size_t used = 0;
        while (used < free_.size() && left > 0) {
            Block& b = free_[used];
            const std::int64_t part = std::min(left, b.hi - b.lo);
            out.push_back({b.lo, b.lo + part});
            b.lo += part;
            left -= part;
            if (b.lo == b.hi) ++used;
        }
        free_.erase(free_.begin(), free_.begin() + static_cast<std::ptrdiff_t>(used));
        return left == 0;
    }
    void give_back(Block b) {
        auto it = std::lower_bound(free_.begin(), free_.end(), b.lo,
                                   [](const Block& x, std::int64_t lo) { return x.lo < lo; });
        it = free_.insert(it, b);
        if (it + 1 != free_.end() && it->hi == (it + 1)->lo) {
            it->hi = (it + 1)->hi;
            free_.erase(it + 1);
        }
        if (it != free_.begin() && (it - 1)->hi == it->lo) {
            (it - 1)->hi = it->hi;
            free_.erase(it);
        }
    }

  private:
    std::vector<Block> free_;  // sorted, disjoint, not touching
};

SlotAssignment assign_slots(const Problem& p, const Allocation& a, const Report& r) {
    const std::size_t n = p.num_tasks();
    SlotAssignment s;
    s.first.assign(n, 0);
    s.count.assign(n, 0);
    s.over.assign(n, 0);
    // The tasks of each resource, by start time (ties by index).
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i) {
        if (drawable(a, r, i)) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (a.resource[x] != a.resource[y]) return a.resource[x] < a.resource[y];
        return r.start[x] != r.start[y] ? r.start[x] < r.start[y] : x < y;
    });
    using Running = std::pair<double, std::size_t>;  // (end, task)
    std::vector<Running> heap;
    const auto later = std::greater<Running>();
    for (std::size_t at = 0; at < order.size();) {
        const auto j = static_cast<std::size_t>(a.resource[order[at]]);
        std::size_t stop = at;
        std::int64_t units_here = 0;
        while (stop < order.size() && static_cast<std::size_t>(a.resource[order[stop]]) == j) {
            units_here += std::max(0, a.units[order[stop]]);
            ++stop;
        }
        // Integral units fit in the whole slots of a fractional capacity; more slots than the
        // tasks' units together are never needed (a capacity of 1e300 costs nothing).
        const double capacity = std::floor(p.capacity(j, 0) + 1e-9);
        FreeSlots slots(std::min<std::int64_t>(
            units_here, capacity >= 9e18 ? units_here : static_cast<std::int64_t>(capacity)));
        heap.clear();
        for (; at < stop; ++at) {
            const std::size_t i = order[at];
            while (!heap.empty() && heap.front().first <= r.start[i]) {
                const std::size_t done = heap.front().second;
                std::pop_heap(heap.begin(), heap.end(), later);
                heap.pop_back();
                for (std::uint32_t k = 0; k < s.count[done]; ++k)
                    slots.give_back(s.blocks[s.first[done] + k]);
            }
            s.first[i] = static_cast<std::uint32_t>(s.blocks.size());
            s.over[i] = slots.take(a.units[i], s.blocks) ? 0 : 1;
            s.count[i] = static_cast<std::uint32_t>(s.blocks.size() - s.first[i]);
            heap.emplace_back(r.end[i], i);
            std::push_heap(heap.begin(), heap.end(), later);
        }
    }
    return s;
}

// The Gantt chart --------------------------------------------------------------------------

/// What both ways of drawing the lanes share.
struct Chart {
    const Problem& p;
    const Allocation& a;
    const Report& r;
    const GanttOptions& o;
    std::vector<LaneGroup> groups;
    std::vector<std::size_t> lane;  // per resource
    LaneLayout layout;
    svg::Frame frame;
    svg::Scale x;
    std::vector<std::size_t> placed;  // drawable tasks, in task order
    svg::Categories categories;       // over `placed`
};

svg::Categories task_categories(const Problem& p, const Allocation& a,
                                const std::vector<std::size_t>& placed, std::size_t field) {
    std::vector<std::string> labels;
    labels.reserve(placed.size());
    for (const std::size_t i : placed)
        labels.push_back(color_label(p, a, i, field));
    return svg::Categories(labels);
}

/// What the legend must explain.
struct Alerts {
    bool missed = false;  ///< a task ended after its deadline
    bool over = false;    ///< a task (a lane) ran over capacity
};

std::string bar_title(const Chart& c, std::size_t i, bool over) {
    const Task& t = c.p.task(i);
    const int units = c.a.units[i];
    std::string title = t.id + " on " + c.p.resource(static_cast<std::size_t>(c.a.resource[i])).id +
                        ": " + std::to_string(units) + (units == 1 ? " unit" : " units") +
                        ", start " + num(c.r.start[i]) + ", end " + num(c.r.end[i]) +
                        ", deadline " + (std::isfinite(t.deadline) ? num(t.deadline) : "none");
    if (c.r.end[i] > t.deadline) title += " (missed by " + num(c.r.end[i] - t.deadline) + ")";
    if (over) title += "; over capacity";
    return title;
}

/// The boxes of task i's bar from x0 to x1: one per block of unit slots (at least 1 px tall),
/// the whole lane when it runs over capacity.
void bar_boxes(const Chart& c, const SlotAssignment& slots, std::size_t i, double x0, double x1,
               std::vector<std::pair<Point, Point>>& boxes) {
    const auto j = static_cast<std::size_t>(c.a.resource[i]);
    const std::size_t g = c.lane[j];
    const double top = c.layout.top[g];
    const double bottom = top + c.layout.height[g];
    const double per_unit = c.layout.height[g] / c.p.capacity(j, 0);
    boxes.clear();
    if (slots.over[i] || slots.count[i] == 0) {
        boxes.push_back({{x0, top}, {x1, slots.over[i] ? bottom : top + 1}});
        return;
    }
    for (std::uint32_t b = 0; b < slots.count[i]; ++b) {
        const Block& block = slots.blocks[slots.first[i] + b];
        double y0 = top + static_cast<double>(block.lo) * per_unit;
        double y1 = std::max(top + static_cast<double>(block.hi) * per_unit, y0 + 1);
        if (y1 > bottom) {
            y0 -= y1 - bottom;
            y1 = bottom;
        }
        boxes.push_back({{x0, y0}, {x1, y1}});
    }
}

/// One element per task, in one group per colour; a mark at each missed deadline.
Alerts draw_bars(Canvas& canvas, const Chart& c) {
    const SlotAssignment slots = assign_slots(c.p, c.a, c.r);
    const Style plain{.fill = ""};
    const Style missed{.fill = "", .stroke = kAlertHex, .stroke_width = 2};
    const Style over{.fill = "", .stroke = kAlertHex, .stroke_width = 1.5, .dash = "4 2"};
    Alerts alerts;
    std::vector<std::pair<Point, Point>> boxes;
    std::vector<std::pair<std::size_t, std::pair<double, double>>> marks;  // task, y range
    for (std::size_t color = 0; color <= svg::kCategoryColors; ++color) {
        bool open = false;
        for (std::size_t k = 0; k < c.placed.size(); ++k) {
            if (c.categories.slot_of(k) != color) continue;
            if (!open) {
                const svg::Color fill =
                    color < svg::kCategoryColors ? svg::category_color(color) : svg::other_color();
                canvas.begin_group("fill=\"" + fill.hex() +
                                   "\" stroke=\"#ffffff\" stroke-width=\"0.5\"");
                open = true;
            }
            const std::size_t i = c.placed[k];
            // At least 1 px wide, inside the plot.
            const double w = std::max(1.0, c.x(c.r.end[i]) - c.x(c.r.start[i]));
            const double x0 = std::min(c.x(c.r.start[i]), c.frame.right() - w);
            bar_boxes(c, slots, i, x0, x0 + w, boxes);
            const bool late = c.r.end[i] > c.p.task(i).deadline;
            alerts.missed = alerts.missed || late;
            alerts.over = alerts.over || slots.over[i];
            const Style& style = slots.over[i] ? over : late ? missed : plain;
            const std::string id = attribute("data-task", c.p.task(i).id);
            const std::string title = bar_title(c, i, slots.over[i]);
            if (boxes.size() == 1) {
                const auto& [from, to] = boxes[0];
                canvas.rect(from.x, from.y, to.x - from.x, to.y - from.y, style, id, title);
            } else {
                canvas.rects(boxes, style, id, title);
            }
            if (late) marks.push_back({i, {boxes.front().first.y, boxes.back().second.y}});
        }
        if (open) canvas.end_group();
    }
    const Style mark{.fill = "none", .stroke = kAlertHex, .stroke_width = 2};
    for (const auto& [i, range] : marks) {
        const double px = c.x(c.p.task(i).deadline);
        canvas.line(px, range.first - 2, px, range.second + 2, mark);
    }
    return alerts;
}

/// The band between `lower` and `upper` (busy units per bin) of a lane from `top`, `height`
/// px tall and of `capacity` units, through the bins' centres, out to the plot's edges.
void band_points(const Chart& c, std::span<const double> lower, std::span<const double> upper,
                 double top, double height, double capacity, std::vector<Point>& points) {
    const std::size_t bins = lower.size();
    const double bin_width = c.x.hi() / static_cast<double>(bins);
    auto y = [&](double busy) {
        return top + height - std::clamp(busy / capacity, 0.0, 1.0) * height;
    };
    auto x = [&](std::size_t b) { return c.x((static_cast<double>(b) + 0.5) * bin_width); };
    points.clear();
    points.push_back({c.frame.left, y(upper[0])});
    for (std::size_t b = 0; b < bins; ++b)
        points.push_back({x(b), y(upper[b])});
    points.push_back({c.frame.right(), y(upper[bins - 1])});
    points.push_back({c.frame.right(), y(lower[bins - 1])});
    for (std::size_t b = bins; b-- > 0;)
        points.push_back({x(b), y(lower[b])});
    points.push_back({c.frame.left, y(lower[0])});
}

/// Per lane, one stacked profile per colour: the busy units of the lane's tasks of that colour
/// over time, as a fraction of the lane's capacity, growing from the lane's bottom. Returns
/// the number of bins and whether some lane ran over capacity.
std::pair<std::size_t, bool> draw_profiles(Canvas& canvas, const Chart& c) {
    const std::size_t colors = svg::kCategoryColors + 1;
    const std::size_t lanes = c.groups.size();
    // The colours present in each lane give the polygons; their points stay within budget.
    std::vector<std::uint8_t> present(lanes * colors, 0);
    std::vector<std::size_t> row_of_task(c.a.size(), lanes * colors);
    for (std::size_t k = 0; k < c.placed.size(); ++k) {
        const std::size_t i = c.placed[k];
        row_of_task[i] =
            c.lane[static_cast<std::size_t>(c.a.resource[i])] * colors + c.categories.slot_of(k);
        present[row_of_task[i]] = 1;
    }
    const auto polygons = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::count(present.begin(), present.end(), 1)));
    const std::size_t bins = std::max<std::size_t>(
        8, std::min({c.o.max_bins, static_cast<std::size_t>(c.frame.width / 3),
                     kProfilePoints / polygons / 2}));
    const std::vector<double> busy = busy_units(c.a, c.r, lanes * colors, bins, 0, c.x.hi(),
                                                [&](std::size_t i) { return row_of_task[i]; });
    const std::vector<svg::LegendEntry> legend = c.categories.legend();
    bool any_over = false;
    std::vector<double> lower(bins);
    std::vector<double> upper(bins);
    std::vector<Point> points;
    for (std::size_t g = 0; g < lanes; ++g) {
        const LaneGroup& group = c.groups[g];
        const std::string covers = group.label + " (" +
                                   count_text(group.resources.size(), "resource", "resources") +
                                   ", " + num(group.capacity) + " units): ";
        std::fill(lower.begin(), lower.end(), 0.0);
        for (std::size_t color = 0; color < colors; ++color) {
            if (!present[g * colors + color]) continue;
            const double* row = &busy[(g * colors + color) * bins];
            double total = 0;
            double peak = 0;
            for (std::size_t b = 0; b < bins; ++b) {
                upper[b] = lower[b] + row[b];
                total += row[b];
                peak = std::max(peak, row[b]);
            }
            band_points(c, lower, upper, c.layout.top[g], c.layout.height[g], group.capacity,
                        points);
            const bool other = color == svg::kCategoryColors;
            const std::string title =
                covers + (other ? std::string("other") : legend[color].label) + ", mean " +
                percent(total / static_cast<double>(bins) / group.capacity) +
                " of the units busy, peak " + percent(peak / group.capacity);
            const svg::Color fill = other ? svg::other_color() : svg::category_color(color);
            canvas.polygon(points, {.fill = fill.hex(), .stroke = "#ffffff", .stroke_width = 0.3},
                           attribute("data-group", group.label), title);
            lower.swap(upper);
        }
        if (std::any_of(lower.begin(), lower.end(),
                        [&](double v) { return v > group.capacity * (1 + 1e-9); })) {
            any_over = true;
            canvas.rect(c.frame.left, c.layout.top[g], c.frame.width, c.layout.height[g],
                        {.fill = "none", .stroke = kAlertHex, .stroke_width = 1.5, .dash = "4 2"});
        }
    }
    return {bins, any_over};
}

/// Whether per-task bars fit the budgets: few lanes, few tasks, a small file.
bool bars_fit(const Problem& p, const Allocation& a, const std::vector<std::size_t>& placed,
              const GanttOptions& o) {
    if (p.num_resources() > o.lane_budget || placed.size() > o.element_budget) return false;
    std::size_t bytes = 0;
    for (const std::size_t i : placed) {
        bytes += kBytesPerBar + 2 * p.task(i).id.size() +
                 p.resource(static_cast<std::size_t>(a.resource[i])).id.size();
    }
    return bytes <= kMaxBarBytes;
}

}  // namespace

namespace {

/// The first line under the title: what the chart shows.
std::string what_is_drawn(const Chart& c) {
    std::size_t misses = 0;
    for (const std::size_t i : c.placed)
        misses += c.r.end[i] > c.p.task(i).deadline ? 1 : 0;
    const std::size_t unplaced = c.p.num_tasks() - c.placed.size();
    std::string text = std::string(mode_name(c.p.mode())) + ", " +
                       std::string(policy_name(c.p.policy())) + ": " +
                       count_text(c.p.num_resources(), "resource", "resources") + ", " +
                       count_text(c.placed.size(), "task", "tasks") + " placed";
    if (unplaced > 0) text += " (" + count_text(unplaced, "unplaced", "unplaced") + ")";
    return text + ", " + count_text(misses, "deadline miss", "deadline misses") +
           "; colour: " + c.o.color_by;
}

/// The second line: how, and when aggregated why.
std::string how_it_is_drawn(const Chart& c, bool bars, std::size_t bins) {
    if (bars) return "one bar per task over [start, end), as tall as its units";
    std::string text = "aggregated: ";
    const std::string grouped = grouping_text(c.p, c.groups);
    if (!grouped.empty()) text += grouped + "; ";
    std::string why = "a few MB of bars";
    if (c.placed.size() > c.o.element_budget) {
        why = svg::format_grouped(static_cast<double>(c.o.element_budget), 0) + " tasks";
    } else if (c.p.num_resources() > c.o.lane_budget) {
        why = std::to_string(c.o.lane_budget) + " lanes";
    }
    return text + "busy units per colour in " + std::to_string(bins) +
           " time bins, not one bar per task (more than " + why + ")";
}

}  // namespace

std::string gantt_svg(const Problem& p, const Allocation& a, const Report& r,
                      const GanttOptions& o) {
    check_gantt_options(o);
    check_sizes(p, a, &r);
    std::vector<std::size_t> placed;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (drawable(a, r, i)) placed.push_back(i);
    }
    const bool bars = bars_fit(p, a, placed, o);
    std::vector<LaneGroup> groups = lane_groups(p, o.lane_budget);
    std::vector<std::size_t> lane = lane_of_resource(p, groups);
    LaneLayout layout = layout_lanes(groups, o);
    const svg::Frame frame{kChartLeft, kChartTop, o.width - kChartLeft - kChartRight,
                           layout.bottom - kChartTop};
    svg::Categories categories = task_categories(p, a, placed, field_index(o.color_by));
    const Chart c{p,
                  a,
                  r,
                  o,
                  std::move(groups),
                  std::move(lane),
                  std::move(layout),
                  frame,
                  svg::Scale::linear(0, latest_end(a, r), frame.left, frame.right()),
                  std::move(placed),
                  std::move(categories)};
    // The legend's height sizes the canvas before the alert entries are known: room is kept.
    std::vector<svg::LegendEntry> legend = c.categories.legend();
    const svg::LegendEntry missed{"deadline missed (outline, mark at the deadline)", kAlert, true};
    const svg::LegendEntry over{"over capacity", kAlert, true, true};
    std::vector<svg::LegendEntry> sized = legend;
    sized.push_back(missed);
    sized.push_back(over);
    const double legend_top = c.frame.bottom() + kAxisSpace;
    Canvas canvas(o.width, legend_top + legend_height(c.frame.width, sized) + 8);

    for (std::size_t g = 0; g < c.groups.size(); ++g) {
        canvas.rect(c.frame.left, c.layout.top[g], c.frame.width, c.layout.height[g],
                    {.fill = "#f3f3f3"});
    }
    svg::draw_axes(canvas, c.frame, c.x, svg::Scale::linear(0, 1, c.frame.bottom(), c.frame.top),
                   "time", "", false);
    Alerts alerts;
    std::size_t bins = 0;
    if (bars) {
        alerts = draw_bars(canvas, c);
    } else {
        std::tie(bins, alerts.over) = draw_profiles(canvas, c);
    }
    draw_header(canvas, p, &r, o, what_is_drawn(c), how_it_is_drawn(c, bars, bins));
    draw_lane_labels(canvas, c.groups, c.layout);
    if (alerts.missed) legend.push_back(missed);
    if (alerts.over) legend.push_back(over);
    svg::draw_legend(canvas, c.frame.left, legend_top, c.frame.width, legend);
    return canvas.str(o.inline_svg);
}

std::string allocation_svg(const Problem& p, const Allocation& a, const Report& r,
                           const GanttOptions& o) {
    if (p.mode() != Mode::packing) return gantt_svg(p, a, r, o);
    GanttOptions with_value = o;
    if (with_value.title.empty()) with_value.title = default_title(p, &r);
    return packing_svg(p, a, with_value);
}

}  // namespace allocopt
