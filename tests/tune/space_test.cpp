// ParameterSpace: the solver's options table as the tuner's search space.

#include <gtest/gtest.h>

#include <cmath>

#include "allocopt/tune.hpp"

namespace allocopt {
namespace {

const TuneParameter& param(const ParameterSpace& space, std::string_view name) {
    for (const TuneParameter& p : space.parameters()) {
        if (p.spec.name == name) return p;
    }
    throw std::runtime_error("no parameter " + std::string(name));
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(TuneSpace, TakesRangesScalesAndFixedRowsFromTheOptionsTable) {
    const ParameterSpace space("ga");
    const TuneParameter& population = param(space, "population");
    EXPECT_EQ(population.low, 4);  // the table's tuning range, inside its bounds [2, 10000]
    EXPECT_EQ(population.high, 200);
    EXPECT_TRUE(population.log);
    EXPECT_FALSE(param(space, "crossover_rate").log);
    EXPECT_EQ(param(space, "crossover_rate").high, 1);
    // A sentinel (0 = automatic) and a cost knob stay at their defaults unless asked.
    EXPECT_EQ(param(space, "search_effort").fixed, std::optional<std::string>("0"));
    EXPECT_TRUE(param(space, "price_iterations").fixed.has_value());
    EXPECT_EQ(space.free_count(), 9);
}

TEST(TuneSpace, ParamNarrowsAndBringsInARowAndFixKeepsAValue) {
    const ParameterSpace space("ga", {"population=10:50", "price_iterations=100:5000"},
                               {"brood=4"});
    EXPECT_EQ(param(space, "population").low, 10);
    EXPECT_EQ(param(space, "population").high, 50);
    EXPECT_FALSE(param(space, "price_iterations").fixed.has_value());
    EXPECT_EQ(param(space, "brood").fixed, std::optional<std::string>("4"));
    EXPECT_EQ(space.defaults()[1], 4);  // brood is the second row
    // A name alone brings in a row over its own tuning range.
    const ParameterSpace effort("ga", {"search_effort"});
    EXPECT_FALSE(param(effort, "search_effort").fixed.has_value());
    EXPECT_EQ(param(effort, "search_effort").low, 1000);
    EXPECT_TRUE(param(effort, "search_effort").log);
}

TEST(TuneSpace, RefusesBadRangesAndNamesWithTheValue) {
    EXPECT_NE(message_of([] { ParameterSpace("ga", {"population=1:50"}); }).find("1"),
              std::string::npos);  // below the table's bound 2
    EXPECT_NE(message_of([] { ParameterSpace("ga", {"population=50:10"}); }).find("reversed"),
              std::string::npos);
    EXPECT_NE(message_of([] {
                  ParameterSpace("ga", {"populaton=10:50"});
              }).find("did you mean 'population'"),
              std::string::npos);
    EXPECT_NE(message_of([] { ParameterSpace("ga", {"population=10"}); }).find("LOW:HIGH"),
              std::string::npos);
    EXPECT_NE(message_of([] { ParameterSpace("ga", {}, {"brood=0"}); }).find("brood"),
              std::string::npos);
    EXPECT_NE(
        message_of([] { ParameterSpace("ga", {"brood=1:4"}, {"brood=2"}); }).find("more than once"),
        std::string::npos);
    EXPECT_NE(message_of([] { ParameterSpace("gaa"); }).find("did you mean 'ga'"),
              std::string::npos);
    EXPECT_NE(message_of([] { ParameterSpace("min-min"); }).find("has no options to tune"),
              std::string::npos);
    EXPECT_NE(message_of([] {
                  ParameterSpace("local-search", {},
                                 {"init=mct", "swaps=true", "best_improvement=false"});
              }).find("nothing to tune"),
              std::string::npos);
}

TEST(TuneSpace, AConditionalParameterIsInactiveWhereItsConditionIsFalse) {
    const ParameterSpace space("pso");
    ParameterSpace::Values v = space.defaults();  // topology global
    std::size_t radius = 0, topology = 0;
    for (std::size_t i = 0; i < space.parameters().size(); ++i) {
        if (space.parameters()[i].spec.name == "ring_radius") radius = i;
        if (space.parameters()[i].spec.name == "topology") topology = i;
    }
    EXPECT_TRUE(std::isnan(v[radius]));
    EXPECT_EQ(space.key(v).find("ring_radius"), std::string::npos);
    v[topology] = 1;  // ring
    v[radius] = 3;
    space.deactivate(v);
    EXPECT_EQ(v[radius], 3);
    const std::string key = space.key(v);
    EXPECT_NE(key.find("topology=ring"), std::string::npos);
    EXPECT_NE(key.find("ring_radius=3"), std::string::npos);
    const ParameterSpace::Values back = space.parse_key(key);
    EXPECT_EQ(space.key(back), key);
    // ring_radius with the global topology is not a configuration of this space.
    EXPECT_THROW(space.parse_key("topology=global,ring_radius=2"), InputError);
}

TEST(TuneSpace, TheDefaultsRaceInsideANarrowedSpaceAndTheTestComparesTheSolversOwn) {
    const ParameterSpace space("pso", {"topology=ring", "particles=32:64"});
    const std::string key = space.key(space.defaults());
    EXPECT_NE(key.find("particles=32,"), std::string::npos) << key;  // 16 moved into [32, 64]
    EXPECT_NE(key.find("topology=ring,ring_radius=1"), std::string::npos) << key;
    const std::string own = space.key(space.solver_defaults());
    EXPECT_NE(own.find("particles=16,"), std::string::npos) << own;
    EXPECT_NE(own.find("topology=global"), std::string::npos) << own;
    EXPECT_EQ(own.find("ring_radius"), std::string::npos) << own;
}

TEST(TuneSpace, ValidChecksTheTablesCrossRowRules) {
    const ParameterSpace space("ga");
    ParameterSpace::Values v = space.defaults();
    EXPECT_TRUE(space.valid(v));
    v[5] = 50;  // elite above population 20
    EXPECT_FALSE(space.valid(v));
}

}  // namespace
}  // namespace allocopt
