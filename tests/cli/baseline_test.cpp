// `allocopt solve` compares its answer with the baseline heuristic (src/cli/solve.cpp,
// allocopt/baseline.hpp): one summary line, and a `baseline:` block in the result file.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.hpp"

namespace {

using namespace allocopt::test;
namespace fs = std::filesystem;

// Two equal machines, five tasks arriving together. FCFS places them in order on the machine
// that finishes each first: 3000 | 3000, then 2000 on each, then the last: makespan 7000.
// Three 2000s on one machine and the 3000s on the other: 6000, the optimum.
const char* const kSchedule =
    "name: five\nresources: [{id: m0, capacity: {units: 1}}, {id: m1, capacity: {units: 1}}]\n"
    "tasks:\n  - {id: t0, workload: 3000}\n  - {id: t1, workload: 3000}\n"
    "  - {id: t2, workload: 2000}\n  - {id: t3, workload: 2000}\n  - {id: t4, workload: 2000}\n";

// Maximised profit: first fit puts j0, j1 on a0 and j2, j3 on a1 (profit 3000); the swap
// gives 11000.
const char* const kProfit =
    "name: profit\nmode: packing\nobjective: {maximize: cost}\n"
    "resources: [{id: a0, capacity: {units: 2, load: 10}}, {id: a1, capacity: {units: 2, load: "
    "10}}]\n"
    "tasks:\n  - {id: j0, demand: {load: 5}}\n  - {id: j1, demand: {load: 5}}\n"
    "  - {id: j2, demand: {load: 5}}\n  - {id: j3, demand: {load: 5}}\n"
    "cost: [[1000, 3000], [1000, 3000], [2500, 500], [2500, 500]]\n";

class SolveBaseline : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("allocopt-cli-baseline-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }
    std::string file(const std::string& name) const { return (dir_ / name).string(); }

    fs::path dir_;
};

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

/// The line of `out` that starts with "  baseline:", or "".
std::string baseline_line(const std::string& out) {
    const std::size_t at = out.find("  baseline: ");
    if (at == std::string::npos) return "";
    return out.substr(at, out.find('\n', at) - at);
}

TEST_F(SolveBaseline, TheLineShowsWhatTheHeuristicAloneFinds) {
    const std::string problem = write("five.yaml", kSchedule);
    // The independent path: the heuristic run as a solver of its own.
    const Outcome fcfs =
        run("solve " + quoted(problem) + " --solver fcfs -o " + quoted(file("fcfs.json")));
    ASSERT_EQ(fcfs.status, 0) << fcfs.err;
    EXPECT_EQ(read_json(file("fcfs.json")).at("objective").at("value"), 7000);

    const Outcome ga =
        run("solve " + quoted(problem) + " --max-evals 2000 -o " + quoted(file("ga.json")));
    ASSERT_EQ(ga.status, 0) << ga.err;
    const nlohmann::json result = read_json(file("ga.json"));
    ASSERT_EQ(result.at("objective").at("value"), 6000);
    EXPECT_EQ(baseline_line(ga.out), "  baseline: FCFS 7,000 → GA 6,000 (−14.3 %, better)")
        << ga.out;
    // The same numbers in the result file.
    const nlohmann::json& b = result.at("baseline");
    EXPECT_EQ(b.at("solver"), "fcfs");
    EXPECT_EQ(b.at("value"), 7000);
    EXPECT_EQ(b.at("feasible"), true);
    EXPECT_EQ(result.at("size").at("tasks"), 5);
    EXPECT_EQ(result.at("size").at("mode"), "schedule");

    // Worse than the baseline: MET puts every task on m0 (12,000).
    const Outcome met = run("solve " + quoted(problem) + " --solver met");
    EXPECT_EQ(baseline_line(met.out), "  baseline: FCFS 7,000 → MET 12,000 (+71.4 %, worse)")
        << met.out;
    const Outcome same = run("solve " + quoted(problem) + " --solver fcfs");
    EXPECT_EQ(baseline_line(same.out), "  baseline: FCFS 7,000 → FCFS 7,000 (same)") << same.out;
}

TEST_F(SolveBaseline, MaximisingAHigherValueIsBetter) {
    const std::string problem = write("profit.yaml", kProfit);
    const Outcome ff =
        run("solve " + quoted(problem) + " --solver first-fit -o " + quoted(file("ff.json")));
    ASSERT_EQ(ff.status, 0) << ff.err;
    EXPECT_EQ(read_json(file("ff.json")).at("objective").at("value"), 3000);
    const Outcome ga = run("solve " + quoted(problem) + " --max-evals 2000");
    ASSERT_EQ(ga.status, 0) << ga.err;
    EXPECT_EQ(baseline_line(ga.out), "  baseline: First fit 3,000 → GA 11,000 (+267 %, better)")
        << ga.out;
}

TEST_F(SolveBaseline, AnInfeasibleBaselineIsSaidSoWithoutAPercentage) {
    // Three 6-unit tasks on two 10-unit resources: first fit cannot place the third.
    const std::string problem =
        write("full.yaml",
              "name: full\nmode: packing\nobjective: {minimize: cost}\n"
              "resources: [{id: r0, capacity: {units: 10}}, {id: r1, capacity: {units: 10}}]\n"
              "tasks: [{id: a, units: 6}, {id: b, units: 6}, {id: c, units: 6}]\n");
    const Outcome r = run("solve " + quoted(problem) + " --max-evals 200");
    EXPECT_EQ(r.status, 1) << r.err;  // nothing can be feasible
    // The GA overfills r0 by 2 of its 10 units (violation 0.2) rather than leave c unplaced.
    EXPECT_EQ(baseline_line(r.out),
              "  baseline: First fit infeasible (violation 1) → GA infeasible (violation 0.2) "
              "(better)")
        << r.out;
}

TEST_F(SolveBaseline, NoBaselineAndQuietPrintNoLine) {
    const std::string problem = write("five.yaml", kSchedule);
    Outcome r = run("solve " + quoted(problem) + " --max-evals 500 --no-baseline -o " +
                    quoted(file("r.json")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "solved by ga")) << r.out;
    EXPECT_FALSE(contains(r.out, "  baseline:")) << r.out;
    EXPECT_FALSE(read_json(file("r.json")).contains("baseline"));
    // -q: nothing printed, and no baseline computed (scripts time -q runs).
    r = run("solve " + quoted(problem) + " --max-evals 500 -q -o " + quoted(file("q.json")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    EXPECT_FALSE(read_json(file("q.json")).contains("baseline"));
}

}  // namespace
