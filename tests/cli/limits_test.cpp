// --time-limit is kept in every phase, the start phase included: on 100,000 tasks the GA and
// PSO starts, sufferage, max-min, the regret greedy and the local search's first descent take
// seconds to minutes unbounded (bench/limits.sh measures them), and end at the limit.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.hpp"

namespace allocopt::test {
namespace {

namespace fs = std::filesystem;

struct Timed {
    Outcome outcome;
    double wall = 0;      ///< seconds of the whole command: parsing, solve, report, writing
    double seconds = -1;  ///< the solve's own seconds, from the result file
    std::string stop;
};

Timed solve(const std::string& problem, const std::string& solver, const std::string& limits) {
    const std::string out =
        (fs::temp_directory_path() / ("allocopt-limits-" + std::to_string(getpid()) + ".json"))
            .string();
    fs::remove(out);
    Timed t;
    const auto start = std::chrono::steady_clock::now();
    t.outcome = run("solve --from braun-etc --machines 4 " + quoted(problem) + " --solver " +
                    solver + " " + limits + " --threads 1 -q -o " + quoted(out));
    t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ifstream in(out);
    if (in.good()) {
        const auto doc = nlohmann::json::parse(in);
        t.seconds = doc["solver"]["seconds"].get<double>();
        t.stop = doc["solver"]["stop"].get<std::string>();
    }
    fs::remove(out);
    return t;
}

TEST(CliLimits, ATimeLimitIsKeptDuringTheStartsOfEverySlowSolver) {
    const std::string problem = big_etc(100000);
    // What a run costs besides the search: parsing, the report, writing 100,000 placements.
    const Timed base = solve(problem, "met", "--max-evals 1");
    ASSERT_EQ(base.outcome.status, 0) << base.outcome.err;
    std::printf("[ baseline ] met: %.3f s wall\n", base.wall);
    constexpr double kLimit = 0.3;
    for (const std::string solver :
         {"ga", "pso", "sufferage", "max-min", "regret", "local-search"}) {
        SCOPED_TRACE(solver);
        const Timed t = solve(problem, solver, "--time-limit 0.3");
        EXPECT_EQ(t.outcome.status, 0) << t.outcome.err;
        EXPECT_EQ(t.stop, "time limit");
        // The tolerance is max(50 ms, 2 %); a loaded test machine gets a generous margin.
        EXPECT_GE(t.seconds, 0.0);
        EXPECT_LT(t.seconds, kLimit + 0.3 * ALLOCOPT_TEST_SLOWDOWN);
        EXPECT_LT(t.wall, base.wall + kLimit + 1.2 * ALLOCOPT_TEST_SLOWDOWN);
        std::printf("[ limit 0.3] %-13s solve %.3f s, wall %.3f s\n", solver.c_str(), t.seconds,
                    t.wall);
    }
    fs::remove(problem);
}

}  // namespace
}  // namespace allocopt::test
