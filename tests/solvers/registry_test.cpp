// The registry's cross-option checks: options that contradict each other (a minimum above
// its maximum) are refused when the solver is built, naming both options and their values.

#include "allocopt/solvers/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

/// The message of the InputError that building `solver` with `options` throws; empty when
/// it builds.
std::string refusal(std::string_view solver,
                    const std::vector<std::pair<std::string, std::string>>& options) {
    const SolverEntry& entry = find_solver(solver);
    OptionValues values(&entry.options);
    for (const auto& [name, value] : options)
        values.set(name, value);
    try {
        entry.make(values, 1);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(Registry, AMinimumAboveItsMaximumIsRefusedNamingBoth) {
    for (const char* solver : {"ga", "pso"}) {
        SCOPED_TRACE(solver);
        EXPECT_EQ(refusal(solver, {{"ruin_min", "9"}, {"ruin_max", "2"}}),
                  "error: solver options ruin_min=9 and ruin_max=2 contradict each other: "
                  "ruin_min must be at most ruin_max");
        // Against a default: the message says which value is the default.
        EXPECT_EQ(refusal(solver, {{"ruin_max", "1"}}),
                  "error: solver options ruin_min=2 (the default) and ruin_max=1 contradict "
                  "each other: ruin_min must be at most ruin_max");
        EXPECT_EQ(refusal(solver, {{"ruin_min", "4"}, {"ruin_max", "4"}}), "");
        EXPECT_EQ(refusal(solver, {}), "");
    }
    EXPECT_EQ(refusal("pso", {{"inertia_min", "0.8"}, {"inertia_max", "0.5"}}),
              "error: solver options inertia_min=0.8 and inertia_max=0.5 contradict each "
              "other: inertia_min must be at most inertia_max");
    EXPECT_NE(refusal("ga", {{"elite", "30"}, {"population", "10"}})
                  .find("elite=30 and "
                        "population=10"),
              std::string::npos);
    EXPECT_EQ(refusal("ga", {{"elite", "10"}, {"population", "10"}}), "");
}

// Every solver builds from its defaults: no table contradicts itself.
TEST(Registry, EverySolverBuildsFromItsDefaults) {
    for (const SolverEntry& e : solver_registry()) {
        SCOPED_TRACE(std::string(e.name));
        EXPECT_EQ(refusal(e.name, {}), "");
    }
}

// Summaries and pictures name solvers by label: every entry has one, and no two share it.
TEST(Registry, EverySolverHasItsOwnLabel) {
    std::vector<std::string_view> labels;
    for (const SolverEntry& e : solver_registry()) {
        SCOPED_TRACE(std::string(e.name));
        EXPECT_FALSE(e.label.empty());
        EXPECT_EQ(std::count(labels.begin(), labels.end(), e.label), 0);
        labels.push_back(e.label);
    }
    EXPECT_EQ(find_solver("ga").label, "GA");
    EXPECT_EQ(find_solver("fcfs").label, "FCFS");
}

TEST(OptionValues, IsSetTellsAGivenValueFromADefault) {
    const SolverEntry& entry = find_solver("ga");
    OptionValues values(&entry.options);
    EXPECT_FALSE(values.is_set("ruin_min"));
    values.set("ruin_min", "3");
    EXPECT_TRUE(values.is_set("ruin_min"));
    EXPECT_THROW(values.is_set("ruin_minn"), InputError);
}

}  // namespace
}  // namespace allocopt
