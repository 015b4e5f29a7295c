#include "allocopt/solve.hpp"

#include <gtest/gtest.h>

#include <string>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

Problem small_problem() {
    ProblemData d;
    d.resources = {{"gpu0", "gpu", {{"units", 2}}}, {"cpu0", "cpu", {{"units", 4}}}};
    for (int i = 0; i < 6; ++i) {
        Task t;
        t.id = "job" + std::to_string(i);
        t.workload = 1 + i;
        d.tasks.push_back(t);
    }
    return Problem(std::move(d));
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(SolveByName, SolvesWithOptionsAndSettings) {
    const Problem p = small_problem();
    const Result r = solve(p, "ga", {{"population", "6"}}, {.seed = 3, .max_evaluations = 3000});
    ASSERT_TRUE(r.found);
    EXPECT_TRUE(r.evaluation.feasible());
    EXPECT_LE(r.evaluations, 3000u);
    // The value is what a fresh Evaluator gives.
    Evaluator fresh(p);
    EXPECT_EQ(fresh.evaluate(r.allocation).objective, r.evaluation.objective);
    // Same seed, same result; the name may come from the settings.
    const Result again = solve(p, RunSettings{.solver = "ga", .seed = 3, .max_evaluations = 3000},
                               {{"population", "6"}});
    EXPECT_EQ(again.allocation, r.allocation);
}

TEST(SolveByName, ADefaultRunStops) {
    // No limit at all: the library's default time limit ends the run.
    const Result r = solve(small_problem(), "pso");
    EXPECT_TRUE(r.found);
    EXPECT_LE(r.seconds, kDefaultTimeLimit + 5);
}

TEST(SolveByName, UnknownNamesAndBadValuesGetOneClearError) {
    const Problem p = small_problem();
    EXPECT_NE(message_of([&] { make_solver("gaa"); }).find("did you mean 'ga'?"),
              std::string::npos);
    EXPECT_NE(message_of([&] {
                  make_solver("ga", {{"populaton", "40"}});
              }).find("did you mean 'population'?"),
              std::string::npos);
    const std::string bad = message_of([&] { make_solver("ga", {{"population", "1"}}); });
    EXPECT_NE(bad.find("'population'"), std::string::npos) << bad;
    EXPECT_NE(bad.find("(value: 1)"), std::string::npos) << bad;
    EXPECT_NE(message_of([&] { solve(p, "ga", {}, {.threads = -1}); }).find("'threads'"),
              std::string::npos);
    EXPECT_NE(message_of([&] {
                  make_solver("min-min", {{"population", "3"}});
              }).find("this solver has no options"),
              std::string::npos);
}

}  // namespace
}  // namespace allocopt
