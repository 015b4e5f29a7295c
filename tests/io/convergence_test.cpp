#include "allocopt/io/convergence.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "io/svg_check.hpp"

namespace allocopt {
namespace {

using allocopt::testing::check_svg;
using allocopt::testing::numbers_in;
using allocopt::testing::XmlElement;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

const std::string kBlue = svg::category_color(0).hex();    // the first series
const std::string kOrange = svg::category_color(1).hex();  // the second

ConvergenceRun run(std::vector<TracePoint> trace, double seconds, std::uint64_t evaluations) {
    return {std::move(trace), seconds, evaluations};
}

/// The `points` of every polyline stroked in `color`, in document order (seconds panel first).
std::vector<std::vector<double>> curves(const XmlElement& root, const std::string& color) {
    std::vector<std::vector<double>> out;
    root.visit([&](const XmlElement& e) {
        if (e.name == "polyline" && e.attribute("stroke") == color) {
            out.push_back(numbers_in(e.attribute("points")));
        }
    });
    return out;
}

std::size_t texts_containing(const XmlElement& root, const std::string& part) {
    return root.count([&](const XmlElement& e) {
        return e.name == "text" && e.text.find(part) != std::string::npos;
    });
}

void expect_points(const std::vector<double>& actual, const std::vector<double>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t k = 0; k < actual.size(); ++k)
        EXPECT_NEAR(actual[k], expected[k], 0.006) << "coordinate " << k;
}

// Two improvements, at (1 s, 10 evaluations) to 100 and at (2 s, 50 evaluations) to 80, in a run
// of 4 s and 100 evaluations. Both x axes are linear from 0 (4 / 1 and 100 / 10 span less than
// three decades); the value axis spans [80, 100] plus 5% of 20 on each side: [79, 101].
TEST(Convergence, ATwoPointTraceIsAStepLineComputedByHand) {
    const std::vector<ConvergenceSeries> series{
        {"ga", {run({{10, 1.0, 100, true}, {50, 2.0, 80, true}}, 4.0, 100)}}};
    const ConvergenceOptions options{.title = "convergence: tiny", .value_label = "makespan"};
    const ConvergenceFrames f = convergence_frames(options);
    EXPECT_DOUBLE_EQ(f.seconds.left, 72);
    EXPECT_DOUBLE_EQ(f.seconds.width, 404);
    EXPECT_DOUBLE_EQ(f.evaluations.left, 540);
    EXPECT_DOUBLE_EQ(f.seconds.top, 40);
    EXPECT_DOUBLE_EQ(f.seconds.height, 308);

    auto sx = [&](double s) { return 72 + s / 4 * 404; };          // 1 s -> 173, 4 s -> 476
    auto ex = [&](double e) { return 540 + e / 100 * 404; };       // 10 -> 580.4, 100 -> 944
    auto y = [&](double v) { return 348 - (v - 79) / 22 * 308; };  // 100 -> 54, 80 -> 334
    const auto root = check_svg(convergence_svg(series, options));
    ASSERT_TRUE(root);
    const auto lines = curves(*root, kBlue);
    ASSERT_EQ(lines.size(), 2u);
    expect_points(lines[0], {sx(1), y(100), sx(2), y(100), sx(2), y(80), sx(4), y(80)});
    expect_points(lines[0], {173, 54, 274, 54, 274, 334, 476, 334});
    expect_points(lines[1], {ex(10), y(100), ex(50), y(100), ex(50), y(80), ex(100), y(80)});
    EXPECT_EQ(texts_containing(*root, "convergence: tiny"), 1u);
    EXPECT_EQ(texts_containing(*root, "makespan"), 1u);
    EXPECT_EQ(texts_containing(*root, "time (s)"), 1u);
    EXPECT_EQ(texts_containing(*root, "evaluations"), 1u);
    // One run: its label alone, no band, nothing infeasible.
    EXPECT_EQ(texts_containing(*root, "ga"), 1u);
    EXPECT_EQ(texts_containing(*root, "median"), 0u);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "polygon"; }), 0u);
    EXPECT_EQ(texts_containing(*root, "no feasible"), 0u);
}

// Three runs on the seconds axis:
//   A: 10 from 1 s, 6 from 3 s, ends at 5 s;
//   B: 8 from 2 s, ends at 5 s;
//   C: infeasible from 0.5 s, 7 from 4 s, ends at 4 s.
std::vector<ConvergenceRun> three_runs() {
    return {run({{1, 1, 10, true}, {3, 3, 6, true}}, 5, 5), run({{2, 2, 8, true}}, 5, 5),
            run({{1, 0.5, 12, false}, {4, 4, 7, true}}, 4, 4)};
}

TEST(Convergence, MedianAndBandOfThreeRunsByHand) {
    const std::vector<double> grid{0.25, 0.5, 1, 2, 3, 4, 10};
    const ConvergenceSummary s =
        summarize_runs(three_runs(), ConvergenceAxis::seconds, Sense::minimize, grid);
    ASSERT_EQ(s.x, grid);
    // 0.25 s: no run has a point; 0.5 s and 1 s: at most one feasible value of three.
    for (std::size_t k : {0, 1, 2}) {
        EXPECT_TRUE(std::isnan(s.median[k])) << grid[k];
        EXPECT_TRUE(std::isnan(s.low[k]));
        EXPECT_TRUE(std::isnan(s.high[k]));
    }
    // 2 s: 10, 8, none -> the median is 10 (none sorts last), no band while C is infeasible.
    EXPECT_EQ(s.median[3], 10);
    EXPECT_TRUE(std::isnan(s.low[3]));
    // 3 s: 6, 8, none.
    EXPECT_EQ(s.median[4], 8);
    // 4 s: 6, 8, 7 -> median 7, band [6, 8]; after the ends (10 s) each run keeps its last value.
    for (std::size_t k : {5, 6}) {
        EXPECT_EQ(s.median[k], 7);
        EXPECT_EQ(s.low[k], 6);
        EXPECT_EQ(s.high[k], 8);
    }
}

TEST(Convergence, MedianWhenMaximisingAndForAnEvenCount) {
    const std::vector<double> grid{2, 4};
    const ConvergenceSummary up =
        summarize_runs(three_runs(), ConvergenceAxis::seconds, Sense::maximize, grid);
    EXPECT_EQ(up.median[0], 8);  // none, 8, 10: none sorts below every value
    EXPECT_EQ(up.median[1], 7);
    EXPECT_EQ(up.low[1], 6);
    EXPECT_EQ(up.high[1], 8);
    const std::vector<ConvergenceRun> all = three_runs();
    const std::vector<ConvergenceRun> two(all.begin(), all.begin() + 2);
    const std::vector<double> three{3};
    const ConvergenceSummary even =
        summarize_runs(two, ConvergenceAxis::seconds, Sense::minimize, three);
    EXPECT_EQ(even.median[0], 7);  // the mean of 6 and 8
    // The evaluations axis reads TracePoint::evaluations: at 1 evaluation only A has a value, at
    // 2 both (10 and 8).
    const std::vector<double> evaluations{1, 2};
    const ConvergenceSummary by_evaluations =
        summarize_runs(two, ConvergenceAxis::evaluations, Sense::minimize, evaluations);
    EXPECT_TRUE(std::isnan(by_evaluations.median[0]));
    EXPECT_EQ(by_evaluations.median[1], 9);
}

TEST(Convergence, TheGridIsTheUnionOfChangePointsOrEvenlySpaced) {
    const std::vector<ConvergenceRun> runs = three_runs();
    EXPECT_EQ(convergence_grid(runs, ConvergenceAxis::seconds, false),
              (std::vector<double>{0.5, 1, 2, 3, 4, 5}));
    EXPECT_EQ(convergence_grid(runs, ConvergenceAxis::seconds, false, 3),
              (std::vector<double>{0.5, 2.75, 5}));
    // Log-spaced from the first positive x; a point at 0 stays first.
    const std::vector<ConvergenceRun> wide{run(
        {{0, 0, 9, true}, {1, 1, 8, true}, {10, 10, 7, true}, {100, 100, 6, true}}, 1000, 1000)};
    const std::vector<double> grid = convergence_grid(wide, ConvergenceAxis::seconds, true, 4);
    ASSERT_EQ(grid.size(), 4u);
    EXPECT_EQ(grid[0], 0);
    EXPECT_DOUBLE_EQ(grid[1], 1);
    EXPECT_NEAR(grid[2], std::sqrt(1000.0), 1e-9);
    EXPECT_EQ(grid[3], 1000);
    EXPECT_TRUE(convergence_grid({}, ConvergenceAxis::seconds, false).empty());
}

TEST(Convergence, ALogAxisWhenTheDataSpanMoreThanThreeDecades) {
    EXPECT_FALSE(wants_log_axis(1, 1000));
    EXPECT_TRUE(wants_log_axis(1, 1001));
    EXPECT_TRUE(wants_log_axis(0.001, 10));
    EXPECT_FALSE(wants_log_axis(0, 5));
    EXPECT_FALSE(wants_log_axis(kNaN, 5));
    EXPECT_FALSE(wants_log_axis(1, kInf));

    // Seconds from 0.001 to 10: log, so 0.01 s is a quarter of the way across; evaluations from
    // 1 to 1000 stay linear, so 500 is at the middle.
    const std::vector<ConvergenceSeries> series{
        {"pso", {run({{1, 0.001, 50, true}, {500, 0.01, 40, true}}, 10, 1000)}}};
    const ConvergenceFrames f = convergence_frames({});
    const auto root = check_svg(convergence_svg(series, {}));
    ASSERT_TRUE(root);
    const auto lines = curves(*root, kBlue);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NEAR(lines[0][0], f.seconds.left, 0.006);
    EXPECT_NEAR(lines[0][2], f.seconds.left + f.seconds.width / 4, 0.006);
    EXPECT_NEAR(lines[0][6], f.seconds.right(), 0.006);
    EXPECT_NEAR(lines[1][0], f.evaluations.left + f.evaluations.width / 1000, 0.006);
    EXPECT_NEAR(lines[1][2], f.evaluations.left + f.evaluations.width / 2, 0.006);
    EXPECT_EQ(texts_containing(*root, "0.01"), 1u);  // a log tick: 0.001, 0.01, 0.1, 1, 10
}

/// The dashed horizontal lines of the bound, whose colour is dark grey.
std::vector<const XmlElement*> bound_lines(const XmlElement& root) {
    std::vector<const XmlElement*> out;
    root.visit([&](const XmlElement& e) {
        if (e.name == "line" && e.attribute("stroke") == "#444444" &&
            !e.attribute("stroke-dasharray").empty()) {
            out.push_back(&e);
        }
    });
    return out;
}

// Values 100 and 80 with a bound at 70: the value axis spans [70, 100] plus 1.5 on each side,
// so 70 is at 348 - 1.5 / 33 x 308 = 334.
TEST(Convergence, TheLowerBoundIsADashedLineAtItsValue) {
    const std::vector<ConvergenceSeries> series{
        {"ga", {run({{10, 1.0, 100, true}, {50, 2.0, 80, true}}, 4.0, 100)}}};
    const ConvergenceFrames f = convergence_frames({});
    const auto root = check_svg(convergence_svg(series, {.bound = 70}));
    ASSERT_TRUE(root);
    const auto lines = bound_lines(*root);
    ASSERT_EQ(lines.size(), 3u);  // one per panel, and the legend's swatch
    for (const XmlElement* line : {lines[0], lines[1]}) {
        EXPECT_NEAR(std::stod(line->attribute("y1")), 334, 0.006);
        EXPECT_NEAR(std::stod(line->attribute("y2")), 334, 0.006);
    }
    EXPECT_NEAR(std::stod(lines[0]->attribute("x1")), f.seconds.left, 0.006);
    EXPECT_NEAR(std::stod(lines[0]->attribute("x2")), f.seconds.right(), 0.006);
    EXPECT_NEAR(std::stod(lines[1]->attribute("x1")), f.evaluations.left, 0.006);
    EXPECT_EQ(texts_containing(*root, "lower bound 70"), 1u);
    // The curve ends at 80: 348 - 11.5 / 33 x 308.
    EXPECT_NEAR(curves(*root, kBlue)[0].back(), 348 - 11.5 / 33 * 308, 0.006);

    // Maximising, a bound is an upper one; a bound that is not finite is left out.
    const auto up = check_svg(convergence_svg(series, {.sense = Sense::maximize, .bound = 120}));
    ASSERT_TRUE(up);
    EXPECT_EQ(texts_containing(*up, "upper bound 120"), 1u);
    const auto none = check_svg(convergence_svg(series, {.bound = kNaN}));
    ASSERT_TRUE(none);
    EXPECT_TRUE(bound_lines(*none).empty());
    EXPECT_EQ(texts_containing(*none, "bound"), 0u);
}

TEST(Convergence, SeveralRunsDrawAMedianWithABandAndSeveralSolversOverlay) {
    std::vector<std::pair<std::string, ConvergenceRun>> runs;
    for (const ConvergenceRun& r : three_runs())
        runs.emplace_back("ga", r);
    runs.emplace_back("fcfs", run({{1, 0.5, 11, true}}, 5, 5));
    const std::vector<ConvergenceSeries> series = group_runs(runs);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].label, "ga");
    EXPECT_EQ(series[0].runs.size(), 3u);
    EXPECT_EQ(series[0].runs[2].seconds, 4);  // in the order given
    EXPECT_EQ(series[1].label, "fcfs");
    EXPECT_EQ(series[1].runs.size(), 1u);

    const auto root = check_svg(convergence_svg(series, {}));
    ASSERT_TRUE(root);
    EXPECT_EQ(texts_containing(*root, "ga: median of 3 runs, band min\u2013max"), 1u);
    EXPECT_EQ(root->count([&](const XmlElement& e) {
        return e.name == "polygon" && e.attribute("fill") == kBlue;
    }),
              2u);  // a band in each panel, from 4 s on
    EXPECT_EQ(curves(*root, kBlue).size(), 2u);
    EXPECT_EQ(curves(*root, kOrange).size(), 2u);
    // The median is infeasible before 2 s: a dashed strip in the series' colour, in the legend.
    EXPECT_GE(root->count([&](const XmlElement& e) {
        return e.name == "line" && e.attribute("stroke") == kBlue &&
               !e.attribute("stroke-dasharray").empty();
    }),
              2u);
    EXPECT_EQ(texts_containing(*root, "no feasible allocation yet"), 1u);
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "g" && e.attribute("class") == "series";
    }),
              2u);
}

// An infeasible start is not drawn against the value axis: 1000 (the least violating
// allocation's value) must not stretch it.
TEST(Convergence, TheCurveStartsAtTheFirstFeasiblePoint) {
    const std::vector<ConvergenceSeries> series{
        {"ga", {run({{1, 1, 1000, false}, {2, 2, 100, true}, {3, 3, 80, true}}, 4, 4)}}};
    const auto root = check_svg(convergence_svg(series, {}));
    ASSERT_TRUE(root);
    const auto lines = curves(*root, kBlue);
    ASSERT_EQ(lines.size(), 2u);
    const ConvergenceFrames f = convergence_frames({});
    EXPECT_NEAR(lines[0][0], f.seconds.left + f.seconds.width / 2, 0.006);  // 2 s of 4
    // 100 in [79, 101], on pixels 338 (above the strip at 343) to 40.
    EXPECT_NEAR(lines[0][1], 338 - 21.0 / 22 * 298, 0.006);
    const auto strip = [&](const XmlElement& e) {
        return e.name == "line" && e.attribute("stroke") == kBlue &&
               e.attribute("stroke-dasharray") == "5 3";
    };
    EXPECT_EQ(root->count([&](const XmlElement& e) {
        return strip(e) && e.attribute("y1") == "343" && e.attribute("x1") == "173" &&
               e.attribute("x2") == "274";  // from 1 s to 2 s
    }),
              1u);
    EXPECT_EQ(texts_containing(*root, "no feasible allocation yet"), 1u);
}

TEST(Convergence, AnAllInfeasibleRunHasAStripAndANote) {
    const std::vector<ConvergenceSeries> series{
        {"pso", {run({{1, 0.1, 50, false}, {7, 0.7, 60, false}}, 1, 9)}}};
    const auto root = check_svg(convergence_svg(series, {}));
    ASSERT_TRUE(root);
    EXPECT_TRUE(curves(*root, kBlue).empty());
    EXPECT_EQ(texts_containing(*root, "pso (no feasible allocation)"), 1u);
    EXPECT_EQ(root->count([&](const XmlElement& e) {
        return e.name == "line" && e.attribute("stroke") == kBlue &&
               !e.attribute("stroke-dasharray").empty();
    }),
              2u);
}

TEST(Convergence, EmptyAndDegenerateInputsDrawSanely) {
    // Nothing at all, a run with no trace, a single point at 0 s and 0 evaluations.
    for (const std::vector<ConvergenceSeries>& series : std::vector<std::vector<ConvergenceSeries>>{
             {},
             {{"ga", {}}},
             {{"ga", {run({}, 3, 10)}}},
             {{"fcfs", {run({{0, 0, 42, true}}, 0, 0)}}},
             {{"fcfs", {run({{5, 0.2, 42, true}}, 0.2, 5)}}},
             {{"ga", {run({{0, 0, 42, true}}, 0, 0), run({{0, 0, 40, true}}, 0, 0)}}}}) {
        const std::string text = convergence_svg(series, {.title = "t"});
        const auto root = check_svg(text);
        ASSERT_TRUE(root) << text;
        EXPECT_EQ(text.find("nan"), std::string::npos);
    }
    // A single point that is its run's end is a dot.
    const std::vector<ConvergenceSeries> dot{{"fcfs", {run({{0, 0, 42, true}}, 0, 0)}}};
    const auto root = check_svg(convergence_svg(dot, {}));
    ASSERT_TRUE(root);
    EXPECT_EQ(root->count([&](const XmlElement& e) {
        return e.name == "circle" && e.attribute("fill") == kBlue;
    }),
              2u);
    EXPECT_EQ(texts_containing(*root, "fcfs"), 1u);
}

TEST(Convergence, NonFiniteInputNeverReachesTheFile) {
    const std::vector<ConvergenceSeries> series{
        {"ga",
         {run({{1, kNaN, 5, true},
               {2, 0.5, kNaN, true},
               {3, 0.6, kInf, true},
               {4, -1, 3, true},
               {5, 1, 90, true},
               {6, kInf, 2, true},
               {9, 2, 80, true}},
              kNaN, 20),
          run({{1, 0.5, -kInf, true}}, kInf, 0)}},
        {"", {run({{1, 1, 1e308, true}, {2, 2, -1e308, true}}, 3, 3)}}};
    for (const ConvergenceOptions& options :
         {ConvergenceOptions{.bound = kInf}, ConvergenceOptions{.width = kNaN, .height = -5},
          ConvergenceOptions{.sense = Sense::maximize, .bound = -kInf, .width = kInf}}) {
        const std::string text = convergence_svg(series, options);
        const auto root = check_svg(text);
        ASSERT_TRUE(root);
        EXPECT_EQ(text.find("nan"), std::string::npos);
        EXPECT_EQ(text.find("inf"), std::string::npos);
        EXPECT_EQ(texts_containing(*root, "(unnamed)"), 1u);
    }
    // What is left of the first run: 90 from 1 s and 80 from 2 s, to 2 s (its end was NaN).
    const std::vector<ConvergenceRun> first{series[0].runs[0]};
    EXPECT_EQ(convergence_grid(first, ConvergenceAxis::seconds, false),
              (std::vector<double>{1, 2}));
}

TEST(Convergence, ARunComesFromAResult) {
    Result r;
    r.trace = {{3, 0.1, 9, true}};
    r.seconds = 2;
    r.evaluations = 40;
    const ConvergenceRun c = convergence_run(r);
    EXPECT_EQ(c.trace.size(), 1u);
    EXPECT_EQ(c.trace[0].evaluations, 3u);
    EXPECT_EQ(c.seconds, 2);
    EXPECT_EQ(c.evaluations, 40u);
}

}  // namespace
}  // namespace allocopt
