#include "allocopt/io/svg.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "io/svg_check.hpp"

namespace allocopt::svg {
namespace {

using allocopt::testing::check_svg;
using allocopt::testing::parse_xml;
using allocopt::testing::XmlElement;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Svg, EscapesTextAndAttributes) {
    EXPECT_EQ(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    EXPECT_EQ(escape(std::string("x\x01y")), "x\xef\xbf\xbdy");
    Canvas canvas(100, 50);
    canvas.text(10, 20, "GA < PSO & \"FCFS\"");
    canvas.rect(0, 0, 10, 10, {.fill = "#000000"}, {}, "task <t1> & friends");
    const auto root = check_svg(canvas.str());
    ASSERT_TRUE(root);
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "text" && e.text == "GA < PSO & \"FCFS\"";
    }),
              1u);
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "title" && e.text == "task <t1> & friends";
    }),
              1u);
}

TEST(Svg, FormatsNumbers) {
    EXPECT_EQ(format_number(2842.123, 5), "2842.1");
    EXPECT_EQ(format_number(0.0031234, 2), "0.0031");
    EXPECT_EQ(format_number(0), "0");
    EXPECT_EQ(format_number(-0.0000001, 2), "-1e-07");
    EXPECT_EQ(format_number(kNaN), "nan");
    EXPECT_EQ(format_grouped(2842.12, 1), "2,842.1");
    EXPECT_EQ(format_grouped(-1234567, 0), "-1,234,567");
    EXPECT_EQ(format_grouped(999.96, 1), "1,000.0");
    EXPECT_EQ(format_grouped(-0.01, 1), "0.0");
}

TEST(Svg, NiceTicksAreRoundAndInside) {
    EXPECT_EQ(nice_ticks(0, 97), (std::vector<double>{0, 20, 40, 60, 80}));
    EXPECT_EQ(nice_ticks(0.13, 0.61, 5), (std::vector<double>{0.2, 0.3, 0.4, 0.5, 0.6}));
    EXPECT_EQ(nice_ticks(-3, 3, 6), (std::vector<double>{-3, -2, -1, 0, 1, 2, 3}));
    EXPECT_EQ(nice_ticks(5, 5), std::vector<double>{5});
    EXPECT_TRUE(nice_ticks(kNaN, 1).empty());
    EXPECT_TRUE(nice_ticks(-1.5e308, 1.5e308).empty());  // the span overflows
    const Scale log = Scale::log(3, 4e5, 0, 100);
    EXPECT_EQ(log.ticks(), (std::vector<double>{10, 100, 1000, 1e4, 1e5}));
}

TEST(Svg, TickLabelsShareOneSuffix) {
    const Scale s = Scale::linear(0, 15000, 0, 300);
    std::vector<std::string> labels;
    for (const double v : s.ticks())
        labels.push_back(s.label(v));
    EXPECT_EQ(labels, (std::vector<std::string>{"0", "2k", "4k", "6k", "8k", "10k", "12k", "14k"}));
    const Scale small = Scale::linear(0, 0.6, 0, 300);
    EXPECT_EQ(small.label(0.25), "0.2");  // ticks 0.1 apart: one decimal
    EXPECT_EQ(small.label(0.3), "0.3");
    const Scale hours = Scale::linear(0, 2500, 0, 300);
    EXPECT_EQ(hours.label(1500), "1500");
}

TEST(Svg, ScalesMapLinearlyAndLogarithmically) {
    const Scale lin = Scale::linear(10, 20, 100, 200);
    EXPECT_DOUBLE_EQ(lin(15), 150);
    const Scale flipped = Scale::linear(0, 1, 200, 100);  // a y axis: up is smaller
    EXPECT_DOUBLE_EQ(flipped(1), 100);
    const Scale log = Scale::log(1, 1000, 0, 300);
    EXPECT_DOUBLE_EQ(log(10), 100);
    EXPECT_DOUBLE_EQ(log(0), 0);  // not positive: the start of the range
    const Scale degenerate = Scale::linear(4, 4, 0, 10);
    EXPECT_TRUE(std::isfinite(degenerate(4)));
}

TEST(Svg, EverythingStaysOnTheCanvasWithoutNaN) {
    Canvas canvas(200, 100);
    EXPECT_TRUE(canvas.rect(-50, -50, 100, 100, {.fill = "#ff0000"}));  // cut to [0, 50]^2
    EXPECT_FALSE(canvas.rect(300, 10, 10, 10, {.fill = "#ff0000"}));    // entirely outside
    EXPECT_FALSE(canvas.rect(kNaN, kNaN, kNaN, kNaN, {.fill = "#ff0000"}));
    EXPECT_TRUE(canvas.rect(150, 50, kInf, kInf, {.fill = "#00ff00"}));  // to the corner
    canvas.line(kNaN, -kInf, kInf, 1e300, {.stroke = "#000000"});
    const std::vector<Point> points{{-1, -1}, {kNaN, 50}, {500, 500}};
    canvas.polyline(points, {.stroke = "#000000"});
    canvas.polygon(points, {.fill = "#0000ff"});
    const std::vector<std::pair<Point, Point>> boxes{{{-10, -10}, {10, 10}},
                                                     {{190, 90}, {210, 110}}};
    EXPECT_TRUE(canvas.rects(boxes, {.fill = "#00ffff"}, "data-task=\"t1\""));
    canvas.circle(1, 1, 10, {.fill = "#000000"});
    canvas.text(kNaN, kInf, "edge");
    const auto root = check_svg(canvas.str());
    ASSERT_TRUE(root);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "path"; }), 1u);
    // The background and the two rectangles that had area on the canvas.
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "rect"; }), 3u);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "polygon"; }), 1u);
}

TEST(Svg, InlineHasNoDeclarationAndClosesGroups) {
    Canvas canvas(10, 10);
    canvas.begin_group("class=\"a\"");
    canvas.begin_group();
    canvas.end_group();
    const std::string inline_svg = canvas.str(true);
    EXPECT_EQ(inline_svg.rfind("<svg", 0), 0u);
    EXPECT_TRUE(check_svg(inline_svg));
    EXPECT_EQ(canvas.str().rfind("<?xml", 0), 0u);
}

TEST(Svg, SequentialSchemeGetsLighterAndPaletteAlternatesLightness) {
    double previous = -1;
    for (int k = 0; k <= 40; ++k) {
        const double l = sequential_color(k / 40.0).luminance();
        EXPECT_GT(l, previous) << k;
        previous = l;
    }
    EXPECT_EQ(sequential_color(kNaN).hex(), sequential_color(0).hex());
    EXPECT_EQ(sequential_color(2).hex(), "#fde725");
    // Neighbouring categories differ in lightness by at least 0.1 (apart in a grey print).
    for (std::size_t k = 0; k + 1 < kCategoryColors; ++k) {
        EXPECT_GE(std::fabs(category_color(k).luminance() - category_color(k + 1).luminance()), 0.1)
            << k;
    }
}

TEST(Svg, CategoriesColourTheMostFrequentAndGroupTheRest) {
    std::vector<std::string> labels;
    for (int k = 0; k < 9; ++k) {
        for (int r = 0; r <= k; ++r)
            labels.push_back("v" + std::to_string(k));  // v8 most often
    }
    const Categories categories(labels);
    EXPECT_EQ(categories.color_of(labels.size() - 1).hex(), category_color(0).hex());  // v8
    EXPECT_EQ(categories.color_of(0).hex(), other_color().hex());                      // v0
    const std::vector<LegendEntry> legend = categories.legend();
    ASSERT_EQ(legend.size(), kCategoryColors + 1);
    EXPECT_EQ(legend[0].label, "v8");
    EXPECT_EQ(legend.back().label, "other (2 values)");
    EXPECT_EQ(categories.slot_of(labels.size() - 1), 0u);           // v8, the first colour
    EXPECT_EQ(categories.slot_of(0), kCategoryColors);              // v0, other
    EXPECT_EQ(categories.slot_of(labels.size()), kCategoryColors);  // out of range: other
}

TEST(Svg, PolygonsAndPolylinesCarryAttributesAndATooltip) {
    Canvas canvas(100, 100);
    const std::vector<Point> points{{10, 10}, {90, 10}, {50, 90}};
    canvas.polygon(points, {.fill = "#0072b2"}, "data-group=\"g&amp;1\"", "group <1>");
    canvas.polyline(points, {.stroke = "#000000"}, {}, "a line");
    canvas.polygon(std::span(points).first(2), {.fill = "#000000"}, {}, "too few points");
    const auto root = check_svg(canvas.str());
    ASSERT_TRUE(root);
    const XmlElement* polygon = nullptr;
    root->visit([&](const XmlElement& e) {
        if (e.name == "polygon") polygon = &e;
    });
    ASSERT_NE(polygon, nullptr);
    EXPECT_EQ(polygon->attribute("data-group"), "g&1");
    ASSERT_EQ(polygon->children.size(), 1u);
    EXPECT_EQ(polygon->children[0]->name, "title");
    EXPECT_EQ(polygon->children[0]->text, "group <1>");
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "polygon"; }), 1u);
    EXPECT_EQ(
        root->count([](const XmlElement& e) { return e.name == "title" && e.text == "a line"; }),
        1u);
}

TEST(Svg, AxesAndLegendDrawInsideTheFrame) {
    Canvas canvas(400, 300);
    const Frame frame{60, 20, 320, 220};
    const Scale x = Scale::linear(0, 123.4, frame.left, frame.right());
    const Scale y = Scale::linear(0, 1, frame.bottom(), frame.top);
    draw_axes(canvas, frame, x, y, "time (h)", "utilization");
    const std::vector<LegendEntry> entries{{"training", category_color(0)},
                                           {"lower bound", other_color(), true, true}};
    EXPECT_GT(draw_legend(canvas, 60, 270, 320, entries), 0);
    draw_color_bar(canvas, 60, 280, 100, "0 %", "100 %", "busy");
    const auto root = check_svg(canvas.str());
    ASSERT_TRUE(root);
    std::vector<std::string> texts;
    root->visit([&](const XmlElement& e) {
        if (e.name == "text") texts.push_back(e.text);
    });
    for (const char* expected : {"0", "20", "120", "time (h)", "utilization", "training"}) {
        EXPECT_NE(std::find(texts.begin(), texts.end(), expected), texts.end()) << expected;
    }
}

}  // namespace
}  // namespace allocopt::svg
