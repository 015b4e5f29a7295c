#include "allocopt/io/html_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/svg.hpp"
#include "allocopt/solvers/registry.hpp"

namespace allocopt {
namespace {

// Three tasks on two nodes; t<1> has a deadline it misses in the allocation below.
constexpr const char* kProblem = R"(name: "small <cluster> & co"
mode: schedule
policy: fcfs
resources:
  - {id: gpu-a, kind: gpu, capacity: {units: 4}}
  - {id: gpu-b, kind: gpu, capacity: {units: 4}}
tasks:
  - {id: "t<0>", kind: training, workload: 8, units: [1, 2, 4]}
  - {id: "t<1>", kind: inference, workload: 2, deadline: 1}
  - {id: "t</script>", kind: data, workload: 4}
objective: {minimize: makespan}
)";

struct Fixture {
    ProblemFile file = parse_problem(kProblem);
    Evaluator evaluator{file.problem};
    Result result;
    Report report;
    HtmlReportInput input;

    Fixture() {
        result.allocation = Allocation(3);
        result.allocation.place(0, 0, 4);  // 8 / 4 = 2
        result.allocation.place(1, 0, 1);  // waits for t<0>: ends at 4, deadline 1
        result.allocation.place(2, 1, 1);  // 4
        result.evaluation = evaluator.evaluate(result.allocation);
        result.seconds = 0.5;
        result.evaluations = 1234;
        result.lower_bound = 2.0;
        report = evaluator.report(result.allocation);
        input.problem = &file.problem;
        input.result = &result;
        input.report = &report;
        input.run = SolverRun{"ga", 7, {}, {}};
        input.source = "problems/small.yaml";
    }
};

/// The JSON inside <script id="assignment-data">, as the page's script reads it.
nlohmann::json assignment_data(const std::string& page) {
    const std::string open = "<script type=\"application/json\" id=\"assignment-data\">";
    const std::size_t start = page.find(open);
    EXPECT_NE(start, std::string::npos);
    const std::size_t from = start + open.size();
    const std::size_t end = page.find("</script>", from);
    return nlohmann::json::parse(page.substr(from, end - from));
}

TEST(HtmlReport, IsSelfContainedAndEscapesNames) {
    Fixture f;
    const std::string page = html_report(f.input);
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    for (const char* external : {"<link", " src=", "@import", "url(", "https:", "@font-face"}) {
        EXPECT_EQ(page.find(external), std::string::npos) << external;
    }
    EXPECT_NE(page.find("<h1>small &lt;cluster&gt; &amp; co</h1>"), std::string::npos);
    EXPECT_EQ(page.find("small <cluster>"), std::string::npos);
    // The task named t</script> cannot end the data block early.
    EXPECT_EQ(page.find("t</script>"), std::string::npos);
    EXPECT_EQ(page.find("data-ready"), page.rfind("data-ready"));  // set once, by the script
}

TEST(HtmlReport, TheAssignmentTableHasEveryTaskWithItsSchedule) {
    Fixture f;
    const nlohmann::json data = assignment_data(html_report(f.input));
    ASSERT_EQ(data["rows"].size(), 3u);
    EXPECT_EQ(data["columns"][0], "task");
    EXPECT_EQ(data["columns"].size(), data["numeric"].size());
    const nlohmann::json& late = data["rows"][1];
    EXPECT_EQ(late[0], "t<1>");
    EXPECT_EQ(late[1], "inference");
    EXPECT_EQ(late[3], "gpu-a");
    EXPECT_EQ(late[5], 2.0);  // starts when t<0> ends (FCFS order, t<0> holds all 4 units)
    EXPECT_EQ(late[6], 4.0);
    EXPECT_EQ(late[7], 1.0);
    EXPECT_EQ(late[data["late"].get<int>()], "yes");
    EXPECT_EQ(data["rows"][2][0], "t</script>");
    EXPECT_EQ(data["rows"][0][data["late"].get<int>()], "");
}

TEST(HtmlReport, ShowsTheBoundTheBaselineAndEveryMetric) {
    Fixture f;
    ReportBaseline baseline;
    baseline.solver = "fcfs";
    baseline.result.allocation = Allocation(3);
    for (std::size_t i = 0; i < 3; ++i)
        baseline.result.allocation.place(i, 0, 1);
    baseline.result.evaluation = f.evaluator.evaluate(baseline.result.allocation);
    baseline.report = f.evaluator.report(baseline.result.allocation);
    f.input.baseline = baseline;
    const std::string page = html_report(f.input);
    EXPECT_NE(page.find("at most 100 % above the optimum"), std::string::npos);  // 4 vs 2
    // One unit each, side by side on gpu-a: the makespan is t<0>'s 8, against 4: -50 %.
    EXPECT_NE(page.find("baseline: fcfs \u2192 ga"), std::string::npos);
    EXPECT_NE(page.find("8 \u2192 4"), std::string::npos) << page.substr(0, 4000);
    EXPECT_NE(page.find("\u221250.0 % (better)"), std::string::npos);
    for (const Metric m : kAllMetrics) {
        EXPECT_NE(page.find("<tr><td>" + std::string(metric_name(m)) + "</td>"), std::string::npos)
            << metric_name(m);
    }
}

TEST(HtmlReport, PutsFiguresInlineWithoutTheirDeclaration) {
    Fixture f;
    svg::Canvas canvas(100, 40);
    canvas.rect(10, 10, 20, 20, {.fill = "#0072b2"});
    f.input.figures.push_back({"Gantt", canvas.str(), "a caption & more"});
    const std::string page = html_report(f.input);
    EXPECT_EQ(page.find("<?xml"), std::string::npos);
    EXPECT_NE(page.find("<h3>Gantt</h3>\n<svg"), std::string::npos);
    EXPECT_NE(page.find("a caption &amp; more"), std::string::npos);
}

TEST(HtmlReport, CapsTheTableAndSaysSo) {
    std::string yaml = "name: many\nresources: [{id: r, capacity: {units: 1}}]\ntasks:\n";
    const std::size_t n = kReportMaxRows + 5;
    for (std::size_t i = 0; i < n; ++i)
        yaml += "  - {id: t" + std::to_string(i) + "}\n";
    const ProblemFile file = parse_problem(yaml);
    Evaluator evaluator(file.problem);
    Result result;
    result.allocation = Allocation(n);
    for (std::size_t i = 0; i < n; ++i)
        result.allocation.place(i, 0, 1);
    result.evaluation = evaluator.evaluate(result.allocation);
    const Report report = evaluator.report(result.allocation);
    const std::string page =
        html_report({.problem = &file.problem, .result = &result, .report = &report});
    EXPECT_EQ(assignment_data(page)["rows"].size(), kReportMaxRows);
    EXPECT_NE(page.find("The first 50,000 of 50,005 tasks"), std::string::npos);
}

TEST(HtmlReport, RefusesMissingInputs) {
    EXPECT_THROW(html_report({}), std::invalid_argument);
}

}  // namespace
}  // namespace allocopt
