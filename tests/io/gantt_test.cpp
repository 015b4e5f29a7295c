#include "allocopt/io/gantt.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/io/svg.hpp"
#include "io/svg_check.hpp"

namespace allocopt {
namespace {

using allocopt::testing::check_svg;
using allocopt::testing::numbers_in;
using allocopt::testing::XmlElement;

Resource resource(std::string id, std::string kind, std::map<std::string, double> capacity) {
    return Resource{.id = std::move(id), .kind = std::move(kind), .capacity = std::move(capacity)};
}

Task task(std::string id, double workload, double deadline = kInfinity) {
    return Task{.id = std::move(id),
                .workload = workload,
                .deadline = deadline,
                .units = UnitChoice::range(1, 8)};
}

/// Every element carrying `key`, with its nearest ancestor's fill when it has none.
struct Tagged {
    const XmlElement* element = nullptr;
    std::string fill;
};
std::map<std::string, Tagged> tagged(const XmlElement& root, const std::string& key) {
    std::map<std::string, Tagged> out;
    std::function<void(const XmlElement&, const std::string&)> walk = [&](const XmlElement& e,
                                                                          const std::string& fill) {
        const std::string own = e.attribute("fill").empty() ? fill : e.attribute("fill");
        if (e.attributes.count(key)) {
            EXPECT_TRUE(out.emplace(e.attribute(key), Tagged{&e, own}).second)
                << key << " repeated: " << e.attribute(key);
        }
        for (const auto& child : e.children)
            walk(*child, own);
    };
    walk(root, "");
    return out;
}

std::string title_of(const XmlElement& e) {
    for (const auto& child : e.children) {
        if (child->name == "title") return child->text;
    }
    return {};
}

double number(const XmlElement& e, const std::string& key) {
    return std::atof(e.attribute(key).c_str());
}

/// The boxes [x0, x1] x [y0, y1] of a rect or a path of closed rectangles (M x y H x V y H x Z).
std::vector<std::array<double, 4>> boxes_of(const XmlElement& e) {
    if (e.name == "rect") {
        const double x = number(e, "x");
        const double y = number(e, "y");
        return {{x, x + number(e, "width"), y, y + number(e, "height")}};
    }
    std::vector<std::array<double, 4>> out;
    const std::vector<double> v = numbers_in(e.attribute("d"));
    for (std::size_t k = 0; k + 5 <= v.size(); k += 5)
        out.push_back({v[k], v[k + 2], v[k + 1], v[k + 3]});
    return out;
}

struct Solved {
    Problem problem;
    Allocation allocation;
    Report report;
};

Solved solved(ProblemData data, const std::vector<std::pair<int, int>>& placement) {
    Problem problem(std::move(data));
    Allocation allocation(problem.num_tasks());
    for (std::size_t i = 0; i < placement.size(); ++i) {
        if (placement[i].first >= 0) {
            allocation.place(i, placement[i].first, placement[i].second);
        }
    }
    const Evaluator evaluator(problem, {.threads = 1});
    Report report = evaluator.report(allocation);
    return {std::move(problem), std::move(allocation), std::move(report)};
}

/// The hand-checked schedule: `big` (8 units) and `small` (4 units), FCFS, speed 1, linear
/// scaling, so a task's duration is workload / units:
///   t1: 4 units on big,   [0, 2)
///   t2: 2 units on big,   [0, 4)   beside t1: 4 + 2 <= 8
///   t3: 4 units on small, [0, 4)
///   t4: 2 units on small, [4, 7)   waits for t3's units; deadline 5: missed
///   t5: optional, unplaced
Solved hand_schedule() {
    ProblemData data;
    data.name = "hand";
    data.resources = {resource("big", "gpu", {{"units", 8}}),
                      resource("small", "cpu", {{"units", 4}})};
    data.tasks = {task("t1", 8), task("t2", 8), task("t3", 16), task("t4", 6, 5), task("t5", 1)};
    data.tasks[3].kind = TaskKind::data;
    data.tasks[4].optional = true;
    return solved(std::move(data), {{0, 4}, {0, 2}, {1, 4}, {1, 2}, {-1, 0}});
}

// With width 880 the time axis spans x = 150 .. 850: 700 px for the makespan 7, 100 px per
// time unit. Lane heights: 48 px for the largest capacity (8 units, 6 px per unit) and 24 px
// for 4 units; big's lane starts at y = 72 + 4 = 76, small's at 76 + 48 + 4 = 128.
TEST(Gantt, BarsOfAHandCheckedScheduleLieWhereTheScaleSays) {
    const Solved s = hand_schedule();
    ASSERT_DOUBLE_EQ(s.report.end[3], 7);
    GanttOptions options;
    options.width = 880;
    const std::string text = gantt_svg(s.problem, s.allocation, s.report, options);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    ASSERT_EQ(bars.size(), 4u);  // t5 is unplaced
    struct Expected {
        const char* id;
        double x, y, width, height;
    };
    for (const Expected& e :
         {Expected{"t1", 150, 76, 200, 24}, Expected{"t2", 150, 100, 400, 12},
          Expected{"t3", 150, 128, 400, 24}, Expected{"t4", 550, 128, 300, 12}}) {
        ASSERT_TRUE(bars.count(e.id)) << e.id;
        const XmlElement& bar = *bars.at(e.id).element;
        EXPECT_EQ(bar.name, "rect") << e.id;
        EXPECT_NEAR(number(bar, "x"), e.x, 0.006) << e.id;
        EXPECT_NEAR(number(bar, "y"), e.y, 0.006) << e.id;
        EXPECT_NEAR(number(bar, "width"), e.width, 0.006) << e.id;
        EXPECT_NEAR(number(bar, "height"), e.height, 0.006) << e.id;
    }
    EXPECT_EQ(title_of(*bars.at("t2").element),
              "t2 on big: 2 units, start 0, end 4, deadline none");
    EXPECT_NE(text.find("hand: minimize makespan = 7"), std::string::npos);
    // Lane labels and the axis title.
    std::set<std::string> texts;
    root->visit([&](const XmlElement& e) {
        if (e.name == "text") texts.insert(e.text);
    });
    for (const char* expected : {"big", "small", "time", "0", "7"})
        EXPECT_TRUE(texts.count(expected)) << expected;
}

TEST(Gantt, ADeadlineMissIsOutlinedAndMarkedAtTheDeadline) {
    const Solved s = hand_schedule();
    GanttOptions options;
    options.width = 880;
    const std::string text = gantt_svg(s.problem, s.allocation, s.report, options);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    const std::string red = "#a50f15";
    EXPECT_EQ(bars.at("t4").element->attribute("stroke"), red);
    EXPECT_EQ(bars.at("t3").element->attribute("stroke"), "");  // on time: the group's stroke
    EXPECT_NE(title_of(*bars.at("t4").element).find("deadline 5 (missed by 2)"), std::string::npos);
    // A red line at the deadline (x = 150 + 5 x 100) across t4's bar (y 128 .. 140).
    std::size_t marks = 0;
    root->visit([&](const XmlElement& e) {
        if (e.name == "line" && e.attribute("stroke") == red && number(e, "y1") < 160) {
            ++marks;
            EXPECT_NEAR(number(e, "x1"), 650, 0.006);
            EXPECT_NEAR(number(e, "x2"), 650, 0.006);
            EXPECT_LE(number(e, "y1"), 128);
            EXPECT_GE(number(e, "y2"), 140);
        }
    });
    EXPECT_EQ(marks, 1u);
    EXPECT_NE(text.find("deadline missed"), std::string::npos);
    EXPECT_NE(text.find("1 deadline miss;"), std::string::npos);
}

TEST(Gantt, TasksSharingANodeOccupyDisjointUnitSlots) {
    // Two tasks overlapping in time on one 8-unit node, and a third after the first.
    ProblemData data;
    data.resources = {resource("node", "gpu", {{"units", 8}})};
    data.tasks = {task("a", 30), task("b", 20), task("c", 10)};
    const Solved s = solved(std::move(data), {{0, 3}, {0, 4}, {0, 1}});
    // a: [0, 10) slots 0-2; b: [0, 5) slots 3-6; c: [0, 10) slot 7.
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report));
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    ASSERT_EQ(bars.size(), 3u);
    const auto a = boxes_of(*bars.at("a").element)[0];
    const auto b = boxes_of(*bars.at("b").element)[0];
    const auto c = boxes_of(*bars.at("c").element)[0];
    EXPECT_NEAR(a[3] - a[2], 18, 0.01);  // 3 of 8 units of a 48 px lane
    EXPECT_NEAR(b[3] - b[2], 24, 0.01);
    EXPECT_NEAR(a[3], b[2], 0.01);  // b right below a
    EXPECT_NEAR(b[3], c[2], 0.01);
    EXPECT_NEAR(a[2], kChartTop + kLaneGap, 0.01);
}

TEST(Gantt, NoContiguousBlockFreeFallsBackToOnePathOfSeveralBoxes) {
    // A, B, C, D: 2 units each from 0 (slots 0-1, 2-3, 4-5, 6-7); B and D end at 4 and free
    // slots 2-3 and 6-7; E (4 units) starts at 4 and gets both: one path of two boxes.
    ProblemData data;
    data.resources = {resource("node", "gpu", {{"units", 8}})};
    data.tasks = {task("A", 20), task("B", 8), task("C", 20), task("D", 8), task("E", 8)};
    const Solved s = solved(std::move(data), {{0, 2}, {0, 2}, {0, 2}, {0, 2}, {0, 4}});
    ASSERT_DOUBLE_EQ(s.report.start[4], 4);
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report));
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    ASSERT_EQ(bars.size(), 5u);
    const XmlElement& e = *bars.at("E").element;
    EXPECT_EQ(e.name, "path");
    const auto boxes = boxes_of(e);
    ASSERT_EQ(boxes.size(), 2u);
    const double top = kChartTop + kLaneGap;
    EXPECT_NEAR(boxes[0][2], top + 12, 0.01);  // slots 2-3: 6 px per unit
    EXPECT_NEAR(boxes[0][3], top + 24, 0.01);
    EXPECT_NEAR(boxes[1][2], top + 36, 0.01);  // slots 6-7
    EXPECT_NEAR(boxes[1][3], top + 48, 0.01);
    EXPECT_EQ(title_of(e), "E on node: 4 units, start 4, end 6, deadline none");
}

/// A random schedule: `m` resources of 2 kinds with 4 to 12 units, n tasks.
Solved random_schedule(std::size_t m, std::size_t n, unsigned seed, Mode mode = Mode::schedule) {
    std::mt19937 rng(seed);
    ProblemData data;
    data.name = "random";
    data.mode = mode;
    for (std::size_t j = 0; j < m; ++j) {
        data.resources.push_back(resource((j % 3 ? "gpu-" : "cpu-") + std::to_string(j),
                                          j % 3 ? "gpu" : "cpu",
                                          {{"units", 4.0 + static_cast<double>(rng() % 9)}}));
    }
    std::vector<std::pair<int, int>> placement;
    for (std::size_t i = 0; i < n; ++i) {
        Task t = task("task-" + std::to_string(i), 1 + static_cast<double>(rng() % 100));
        t.units = UnitChoice::range(1, 4);
        t.kind = rng() % 2 ? TaskKind::compute : TaskKind::data;
        t.arrival = static_cast<double>(rng() % 50);
        t.deadline = 200 + static_cast<double>(rng() % 2000);
        data.tasks.push_back(t);
        placement.push_back({static_cast<int>(rng() % m), 1 + static_cast<int>(rng() % 4)});
    }
    return solved(std::move(data), placement);
}

TEST(Gantt, BarsOverlappingInTimeNeverOverlapInUnits) {
    const Solved s = random_schedule(6, 300, 7);
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report));
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    ASSERT_EQ(bars.size(), 300u);
    std::vector<std::vector<std::array<double, 4>>> boxes;
    std::vector<std::size_t> lane;
    for (std::size_t i = 0; i < 300; ++i) {
        boxes.push_back(boxes_of(*bars.at(s.problem.task(i).id).element));
        lane.push_back(static_cast<std::size_t>(s.allocation.resource[i]));
    }
    std::size_t overlapping_pairs = 0;
    for (std::size_t x = 0; x < 300; ++x) {
        for (std::size_t y = x + 1; y < 300; ++y) {
            if (lane[x] != lane[y]) continue;
            // Overlap in time (not in pixels: a bar is at least 1 px wide).
            if (!(s.report.start[x] < s.report.end[y] && s.report.start[y] < s.report.end[x]))
                continue;
            ++overlapping_pairs;
            for (const auto& p : boxes[x]) {
                for (const auto& q : boxes[y]) {
                    EXPECT_TRUE(p[3] <= q[2] + 0.02 || q[3] <= p[2] + 0.02)
                        << s.problem.task(x).id << " and " << s.problem.task(y).id;
                }
            }
        }
    }
    EXPECT_GT(overlapping_pairs, 50u);
}

TEST(Gantt, ColourByTypeGivesEachTypeItsColour) {
    ProblemData data;
    data.resources = {resource("g", "gpu", {{"units", 8}}), resource("c", "cpu", {{"units", 8}})};
    data.speedups = {{"resnet", {{"gpu", 1}, {"cpu", 1}}},
                     {"bert", {{"gpu", 1}, {"cpu", 1}}},
                     {"lstm", {{"gpu", 1}, {"cpu", 1}}}};
    const std::vector<std::string> types{"resnet", "bert", "resnet", "lstm", "resnet", "bert"};
    std::vector<std::pair<int, int>> placement;
    for (std::size_t i = 0; i < types.size(); ++i) {
        Task t = task("t" + std::to_string(i), 4);
        t.type = types[i];
        data.tasks.push_back(t);
        placement.push_back({static_cast<int>(i % 2), 1});
    }
    const Solved s = solved(std::move(data), placement);
    GanttOptions options;
    options.color_by = "type";
    const std::string text = gantt_svg(s.problem, s.allocation, s.report, options);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    ASSERT_EQ(bars.size(), types.size());
    // By frequency: resnet (3) the first colour, bert (2) the second, lstm (1) the third.
    const std::map<std::string, std::string> expected{{"resnet", svg::category_color(0).hex()},
                                                      {"bert", svg::category_color(1).hex()},
                                                      {"lstm", svg::category_color(2).hex()}};
    for (std::size_t i = 0; i < types.size(); ++i) {
        EXPECT_EQ(bars.at("t" + std::to_string(i)).fill, expected.at(types[i])) << i;
    }
    EXPECT_NE(text.find(">resnet</text>"), std::string::npos);  // in the legend
    // By resource kind: the tasks on g share one colour, those on c another.
    options.color_by = "resource";
    const auto by_kind = check_svg(gantt_svg(s.problem, s.allocation, s.report, options));
    ASSERT_TRUE(by_kind);
    const auto kind_bars = tagged(*by_kind, "data-task");
    EXPECT_EQ(kind_bars.at("t0").fill, kind_bars.at("t2").fill);
    EXPECT_NE(kind_bars.at("t0").fill, kind_bars.at("t1").fill);
}

TEST(Gantt, AnUnknownColourFieldIsAnErrorWithAHint) {
    const Solved s = hand_schedule();
    GanttOptions options;
    options.color_by = "knd";
    try {
        gantt_svg(s.problem, s.allocation, s.report, options);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "color_by");
        EXPECT_EQ(e.value(), "knd");
        EXPECT_NE(e.message().find("did you mean 'kind'?"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("kind, type, resource, priority, units"), std::string::npos);
    }
    options.color_by = "kind";
    options.width = 10;
    EXPECT_THROW(check_gantt_options(options), InputError);
    EXPECT_THROW(utilization_svg(s.problem, s.allocation, s.report, options), InputError);
}

TEST(Gantt, OneElementPerPlacedTaskWithEscapedIds) {
    ProblemData data;
    data.resources = {resource("n<1>", "gpu", {{"units", 2.5}})};  // fractional capacity
    data.tasks = {task("a&b", 2), task("\"quoted\"", 2), task("c", 0), task("d", 2)};
    data.tasks[3].optional = true;
    const Solved s = solved(std::move(data), {{0, 1}, {0, 2}, {0, 1}, {-1, 0}});
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report));
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    EXPECT_EQ(bars.size(), 3u);  // c lasts 0 and still has its (1 px) bar; d is unplaced
    EXPECT_TRUE(bars.count("a&b"));
    EXPECT_TRUE(bars.count("\"quoted\""));
    EXPECT_TRUE(bars.count("c"));
}

TEST(Gantt, ATaskOverCapacityCoversItsLane) {
    // Units 4 on a 2-unit node: the schedule runs it alone, over capacity.
    ProblemData data;
    data.resources = {resource("n", "gpu", {{"units", 2}}), resource("m", "gpu", {{"units", 8}})};
    data.tasks = {task("big", 8), task("small", 2)};
    const Solved s = solved(std::move(data), {{0, 4}, {0, 1}});
    const std::string text = gantt_svg(s.problem, s.allocation, s.report);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    const auto bars = tagged(*root, "data-task");
    const XmlElement& big = *bars.at("big").element;
    EXPECT_EQ(big.attribute("stroke-dasharray"), "4 2");
    EXPECT_NE(title_of(big).find("over capacity"), std::string::npos);
    EXPECT_NE(text.find(">over capacity</text>"), std::string::npos);
    EXPECT_EQ(bars.at("small").element->attribute("stroke-dasharray"), "");
}

TEST(Gantt, LargeAndFractionalCapacitiesDrawEveryTask) {
    ProblemData data;
    data.resources = {resource("huge", "cpu", {{"units", 1e12}}),
                      resource("half", "cpu", {{"units", 1.5}})};
    for (int i = 0; i < 20; ++i)
        data.tasks.push_back(task("t" + std::to_string(i), 5 + i));
    std::vector<std::pair<int, int>> placement;
    for (int i = 0; i < 20; ++i)
        placement.push_back({i % 2, 1});
    const Solved s = solved(std::move(data), placement);
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report));
    ASSERT_TRUE(root);
    EXPECT_EQ(tagged(*root, "data-task").size(), 20u);
}

TEST(Gantt, LaneGroupsFollowKindsThenChunks) {
    const Solved s = random_schedule(1000, 10, 1);  // kinds: cpu every third, gpu otherwise
    const std::vector<LaneGroup> groups = lane_groups(s.problem, 60);
    EXPECT_LE(groups.size(), 60u);
    std::vector<std::size_t> seen;
    for (const LaneGroup& g : groups) {
        for (const std::size_t j : g.resources) {
            EXPECT_EQ(s.problem.resource(j).kind, g.kind);
            seen.push_back(j);
        }
    }
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), 1000u);
    for (std::size_t j = 0; j < 1000; ++j)
        EXPECT_EQ(seen[j], j);
    EXPECT_EQ(groups.front().kind, "cpu");  // resource 0's kind comes first
    // 334 cpu and 666 gpu resources: chunks of 17 give 20 + 40 lanes (16 would give 63).
    EXPECT_EQ(groups.size(), 60u);
    EXPECT_EQ(groups.front().label, "cpu-0\u202648 (17)");  // cpu-0, cpu-3, ..., cpu-48
    EXPECT_EQ(groups.front().capacity, [&] {
        double sum = 0;
        for (const std::size_t j : groups.front().resources)
            sum += s.problem.capacity(j, 0);
        return sum;
    }());
    EXPECT_EQ(lane_groups(s.problem, 2000).size(), 1000u);
    EXPECT_EQ(lane_groups(s.problem, 1).size(), 1u);
    EXPECT_EQ(lane_groups(s.problem, 2).size(), 2u);  // one lane per kind
}

TEST(Gantt, AThousandResourcesAndAHundredThousandTasksAggregateIntoASmallFile) {
    const Solved s = random_schedule(1000, 100000, 3);
    const std::string text = gantt_svg(s.problem, s.allocation, s.report);
    EXPECT_LT(text.size(), 3'000'000u);
    EXPECT_NE(text.find("1,000 resources grouped into"), std::string::npos);
    EXPECT_NE(text.find("time bins, not one bar per task (more than 20,000 tasks)"),
              std::string::npos);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.attributes.count("data-task") > 0; }),
              0u);
    const std::size_t groups =
        root->count([](const XmlElement& e) { return e.attributes.count("data-group") > 0; });
    EXPECT_GT(groups, 0u);
    EXPECT_LE(groups, GanttOptions{}.lane_budget * (svg::kCategoryColors + 1));
    const std::string strip = utilization_svg(s.problem, s.allocation, s.report);
    EXPECT_LT(strip.size(), 2'000'000u);
    EXPECT_TRUE(check_svg(strip));
    // Few resources, many tasks: one lane per resource, profiles instead of bars.
    const Solved many = random_schedule(10, 30000, 4);
    const std::string ten = gantt_svg(many.problem, many.allocation, many.report);
    EXPECT_LT(ten.size(), 1'000'000u);
    EXPECT_EQ(ten.find("grouped into"), std::string::npos);
    EXPECT_TRUE(check_svg(ten));
}

TEST(Gantt, ProfilesOfAnAggregatedLaneAddUpToItsBusyUnits) {
    // One 8-unit node, 4 units busy all the time, with the element budget at 1: one profile,
    // half the lane's height everywhere.
    ProblemData data;
    data.resources = {resource("node", "gpu", {{"units", 8}})};
    data.tasks = {task("a", 40), task("b", 40)};
    const Solved s = solved(std::move(data), {{0, 2}, {0, 2}});
    GanttOptions options;
    options.element_budget = 1;
    const auto root = check_svg(gantt_svg(s.problem, s.allocation, s.report, options));
    ASSERT_TRUE(root);
    const auto groups = tagged(*root, "data-group");
    ASSERT_EQ(groups.size(), 1u);
    const XmlElement& profile = *groups.at("node").element;
    EXPECT_EQ(profile.name, "polygon");
    const double top = kChartTop + kLaneGap;
    const std::vector<double> v = numbers_in(profile.attribute("points"));
    for (std::size_t k = 1; k < v.size(); k += 2)
        EXPECT_TRUE(std::fabs(v[k] - (top + 24)) < 0.01 || std::fabs(v[k] - (top + 48)) < 0.01);
    EXPECT_NE(title_of(profile).find("mean 50 % of the units busy"), std::string::npos);
}

TEST(Gantt, UtilizationOfHalfTheUnitsForTheWholeHorizonIsFiftyPercent) {
    ProblemData data;
    data.resources = {resource("node", "gpu", {{"units", 8}}),
                      resource("idle", "cpu", {{"units", 4}})};
    data.tasks = {task("a", 40)};  // 4 units, [0, 10)
    const Solved s = solved(std::move(data), {{0, 4}});
    const UtilizationGrid grid = utilization_grid(s.problem, s.allocation, s.report, 60, 16);
    ASSERT_EQ(grid.rows.size(), 2u);
    EXPECT_DOUBLE_EQ(grid.t1, 10);
    for (std::size_t b = 0; b < 16; ++b) {
        EXPECT_DOUBLE_EQ(grid.at(0, b), 0.5) << b;
        EXPECT_DOUBLE_EQ(grid.at(1, b), 0) << b;
    }
    const std::string text = utilization_svg(s.problem, s.allocation, s.report);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    std::vector<const XmlElement*> cells;
    root->visit([&](const XmlElement& e) {
        if (e.attributes.count("data-busy")) cells.push_back(&e);
    });
    ASSERT_EQ(cells.size(), 2u);  // each row one run of one colour
    EXPECT_EQ(cells[0]->attribute("data-busy"), "0.5");
    EXPECT_EQ(cells[0]->attribute("fill"), svg::sequential_color(0.5).hex());
    EXPECT_EQ(title_of(*cells[0]), "node, 0\u201310: 50 % busy");
    EXPECT_NEAR(number(*cells[0], "x"), kChartLeft, 0.01);
    EXPECT_NEAR(number(*cells[0], "x") + number(*cells[0], "width"), 1100 - kChartRight, 0.01);
    EXPECT_NE(text.find(">busy units / capacity</text>"), std::string::npos);  // colour bar
}

TEST(Gantt, UtilizationCountsPartsOfBins) {
    // 2 units of 4 over [0, 3) and 4 units over [3, 4): bins of 2 give 2 x 2 / (4 x 2) = 0.5,
    // then (2 x 1 + 4 x 1) / (4 x 2) = 0.75.
    ProblemData data;
    data.resources = {resource("n", "cpu", {{"units", 4}})};
    data.tasks = {task("a", 6), task("b", 4)};
    const Solved s = solved(std::move(data), {{0, 2}, {0, 4}});
    ASSERT_DOUBLE_EQ(s.report.start[1], 3);
    const UtilizationGrid grid = utilization_grid(s.problem, s.allocation, s.report, 60, 2);
    EXPECT_DOUBLE_EQ(grid.at(0, 0), 0.5);
    EXPECT_DOUBLE_EQ(grid.at(0, 1), 0.75);
}

Solved hand_packing() {
    // n0 {units 8, memory 100} holds p1 (3 units, 40) and p2 (2 units, 30): 5 / 8, 70 / 100;
    // n1 {units 4, memory 50} holds p3 (4 units, 60): 4 / 4, 60 / 50, over capacity.
    ProblemData data;
    data.name = "packed";
    data.mode = Mode::packing;
    data.resources = {resource("n0", "gpu", {{"units", 8}, {"memory_gb", 100}}),
                      resource("n1", "gpu", {{"units", 4}, {"memory_gb", 50}})};
    data.tasks = {task("p1", 1), task("p2", 1), task("p3", 1)};
    data.tasks[0].demand = {{"memory_gb", 40}};
    data.tasks[1].demand = {{"memory_gb", 30}};
    data.tasks[2].demand = {{"memory_gb", 60}};
    return solved(std::move(data), {{0, 3}, {0, 2}, {1, 4}});
}

TEST(Gantt, PackingBarsShowUsedAgainstCapacity) {
    const Solved s = hand_packing();
    EXPECT_EQ(packing_usage(s.problem, s.allocation), (std::vector<double>{5, 70, 4, 60}));
    const std::string text = allocation_svg(s.problem, s.allocation, s.report);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    std::map<std::string, const XmlElement*> bars;
    root->visit([&](const XmlElement& e) {
        if (e.attributes.count("data-resource"))
            bars[e.attribute("data-resource") + "/" + e.attribute("data-dimension")] = &e;
    });
    ASSERT_EQ(bars.size(), 4u);
    EXPECT_EQ(title_of(*bars.at("n0/units")), "n0, units: used 5 of 8 (62.5 %)");
    EXPECT_EQ(title_of(*bars.at("n0/memory_gb")), "n0, memory_gb: used 70 of 100 (70 %)");
    EXPECT_EQ(title_of(*bars.at("n1/memory_gb")), "n1, memory_gb: used 60 of 50 (120 %)");
    // The axis runs to 120 %: the capacity outline ends at 100 / 120 of the plot, and the used
    // part of n0's units at 62.5 / 120 of it.
    const double left = kChartLeft;
    const double plot = 1100 - kChartLeft - 170;
    EXPECT_NEAR(number(*bars.at("n0/units"), "x"), left, 0.01);
    EXPECT_NEAR(number(*bars.at("n0/units"), "width"), plot * 62.5 / 120, 0.01);
    EXPECT_EQ(bars.at("n1/memory_gb")->attribute("stroke"), "#a50f15");
    EXPECT_EQ(bars.at("n0/memory_gb")->attribute("stroke"), "");
    std::set<std::string> texts;
    root->visit([&](const XmlElement& e) {
        if (e.name == "text") texts.insert(e.text);
    });
    for (const char* expected : {"5 / 8 (62.5 %)", "70 / 100 (70 %)", "4 / 4 (100 %)",
                                 "60 / 50 (120 %, over)", "memory_gb", "over capacity"}) {
        EXPECT_TRUE(texts.count(expected)) << expected;
    }
}

TEST(Gantt, PackingAtAThousandResourcesIsGrouped) {
    const Solved s = random_schedule(1000, 5000, 5, Mode::packing);
    const std::string text = packing_svg(s.problem, s.allocation);
    EXPECT_LT(text.size(), 500'000u);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    const std::size_t groups =
        root->count([](const XmlElement& e) { return e.attributes.count("data-group") > 0; });
    EXPECT_GT(groups, 0u);
    EXPECT_LE(groups, GanttOptions{}.lane_budget);
    EXPECT_NE(text.find("resources over capacity, the fullest at"), std::string::npos);
}

TEST(Gantt, TenResourcesDrawAsLanesWithLabels) {
    const Solved s = random_schedule(10, 200, 9);
    for (const char* field : {"kind", "type", "resource", "priority", "units"}) {
        GanttOptions options;
        options.color_by = field;
        options.inline_svg = true;
        const std::string text = gantt_svg(s.problem, s.allocation, s.report, options);
        EXPECT_EQ(text.rfind("<svg", 0), 0u);
        const auto root = check_svg(text);
        ASSERT_TRUE(root);
        EXPECT_EQ(tagged(*root, "data-task").size(), 200u) << field;
    }
}

TEST(Gantt, MismatchedSizesAreRefused) {
    const Solved s = hand_schedule();
    Allocation shorter = s.allocation;
    shorter.resource.pop_back();
    shorter.units.pop_back();
    EXPECT_THROW(gantt_svg(s.problem, shorter, s.report), InputError);
    EXPECT_THROW(packing_usage(s.problem, shorter), InputError);
    Report empty;
    EXPECT_THROW(utilization_svg(s.problem, s.allocation, empty), InputError);
}

}  // namespace
}  // namespace allocopt
