#include "allocopt/options.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "allocopt/solver.hpp"
#include "allocopt/solvers/genetic.hpp"
#include "allocopt/solvers/registry.hpp"
#include "allocopt/solvers/swarm.hpp"

namespace allocopt {
namespace {

TEST(OptionValues, ChecksNamesTypesAndBounds) {
    const std::vector<OptionSpec> table = {
        {"population", "individuals", OptionSpec::Type::integer, 64, 2, 10000},
        {"crossover", "probability", OptionSpec::Type::real, 0.9, 0, 1},
        {"elitism", "keep the best", OptionSpec::Type::boolean, 1, 0, 1},
        {"operator", "crossover kind", OptionSpec::Type::choice, 0, 0, 1, {"uniform", "two-point"}},
    };
    OptionValues v(&table);
    EXPECT_EQ(v.get_int("population"), 64);
    v.set("population", "128");
    v.set("operator", "two-point");
    v.set("elitism", "false");
    EXPECT_EQ(v.get_int("population"), 128);
    EXPECT_EQ(v.get("operator"), 1.0);
    EXPECT_EQ(v.get("elitism"), 0.0);
    EXPECT_THROW(v.set("population", "1.5"), InputError);
    EXPECT_THROW(v.set("crossover", "1.5"), InputError);
    EXPECT_THROW(v.set("crossover", "abc"), InputError);
    EXPECT_THROW(v.set("operator", "one-point"), InputError);
    try {
        v.set("populaton", "3");
        FAIL() << "no error for an unknown option";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean 'population'?"), std::string::npos);
    }
}

/// The text just outside a row's bound, or "" when the bound is infinite or the value is not
/// representable as the row's type (an integer row's upper bound of 2^64 - 1).
std::string below(const OptionSpec& s) {
    if (!std::isfinite(s.min)) return "";
    return s.type == OptionSpec::Type::integer ? std::to_string(static_cast<long long>(s.min) - 1)
                                               : std::to_string(s.min - 0.5);
}
std::string above(const OptionSpec& s) {
    if (!std::isfinite(s.max) || s.max >= 9e18) return "";
    return s.type == OptionSpec::Type::integer ? std::to_string(static_cast<long long>(s.max) + 1)
                                               : std::to_string(s.max + 0.5);
}

/// For every numeric row of `table`: a value just outside each bound is refused both by
/// OptionValues (text: files, flags, --opt) and by validate() on the struct (code), naming the
/// option and quoting the value.
template <class S>
void expect_every_bound_enforced(const OptionTable<S>& table) {
    int checked = 0, in_code = 0;
    for (const OptionSpec& spec : table.specs()) {
        if (spec.type != OptionSpec::Type::integer && spec.type != OptionSpec::Type::real) continue;
        for (const std::string& bad : {below(spec), above(spec)}) {
            if (bad.empty()) continue;
            SCOPED_TRACE(std::string(spec.name) + "=" + bad);
            OptionValues values(&table.specs());
            EXPECT_THROW(values.set(spec.name, bad), InputError);
            S s{};
            table.assign(s, spec.name, bad);
            // An unsigned field cannot hold a value below 0 at all.
            if (std::stod(table.text(s, spec.name)) != std::stod(bad)) continue;
            try {
                table.validate(s);
                ADD_FAILURE() << "validate() accepted the value";
            } catch (const InputError& e) {
                EXPECT_EQ(e.key(), spec.name);
                EXPECT_EQ(std::stod(e.value()), std::stod(bad));
            }
            ++in_code;
            ++checked;
        }
        // The default itself is inside the bounds.
        OptionValues values(&table.specs());
        if (!spec.optional) {
            EXPECT_NO_THROW(values.set(spec.name, spec.default_text)) << spec.name;
        }
    }
    EXPECT_GT(checked, 0);
    EXPECT_GT(in_code, checked / 2);
    EXPECT_NO_THROW(table.validate(S{}));
}

TEST(OptionTable, EveryBoundOfEveryTableIsEnforced) {
    expect_every_bound_enforced(genetic_option_table());
    expect_every_bound_enforced(swarm_option_table());
    expect_every_bound_enforced(run_settings_table());
}

// Found by reading: population 0 reached population_[worst] on an empty vector.
TEST(OptionTable, SolversRefuseBadOptionsGivenInCode) {
    try {
        GeneticAlgorithm ga(GeneticOptions{.population = 0}, 1);
        FAIL() << "population 0 accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "population");
        EXPECT_EQ(e.value(), "0");
        EXPECT_NE(std::string(e.what()).find("[2, 10000]"), std::string::npos) << e.what();
    }
    EXPECT_THROW(GeneticAlgorithm(GeneticOptions{.brood = 0}, 1), InputError);
    EXPECT_THROW(GeneticAlgorithm(GeneticOptions{.crossover_rate = std::nan("")}, 1), InputError);
    EXPECT_THROW(ParticleSwarm(SwarmOptions{.particles = 0}, 1), InputError);
    EXPECT_THROW(ParticleSwarm(SwarmOptions{.topology = static_cast<SwarmOptions::Topology>(7)}, 1),
                 InputError);
    try {
        GeneticAlgorithm ga(GeneticOptions{.population = 4, .elite = 5}, 1);
        FAIL() << "elite above population accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("elite=5 and population=4"), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(GeneticAlgorithm(GeneticOptions{}, 1));
    EXPECT_NO_THROW(ParticleSwarm(SwarmOptions{}, 1));
}

TEST(OptionTable, ReadsAStructFromValuesAndContradictionsNameBoth) {
    OptionValues v(&genetic_option_table().specs());
    v.set("population", "7");
    v.set("crossover_rate", "0.25");
    const GeneticOptions o = genetic_option_table().read(v);
    EXPECT_EQ(o.population, 7);
    EXPECT_DOUBLE_EQ(o.crossover_rate, 0.25);
    EXPECT_EQ(o.brood, GeneticOptions{}.brood);
    v.set("ruin_min", "9");
    v.set("ruin_max", "2");
    try {
        genetic_option_table().read(v);
        FAIL() << "ruin_min above ruin_max accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ruin_min=9 and ruin_max=2"), std::string::npos)
            << e.what();
    }
}

TEST(OptionTable, AConditionalOptionAppliesOnlyWhenItsConditionHolds) {
    const auto& specs = swarm_option_table().specs();
    OptionValues v(&specs);
    EXPECT_FALSE(v.active("ring_radius"));
    v.set("ring_radius", "3");
    try {
        swarm_option_table().read(v);
        FAIL() << "ring_radius accepted with the global topology";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "ring_radius");
        EXPECT_NE(std::string(e.what()).find("only when topology is ring"), std::string::npos)
            << e.what();
    }
    v.set("topology", "ring");
    EXPECT_TRUE(v.active("ring_radius"));
    EXPECT_EQ(swarm_option_table().read(v).ring_radius, 3);
    // Written only where it applies.
    auto written = [](const OptionValues& values) {
        for (const OptionSetting& s : values.settings()) {
            if (s.name == "ring_radius") return true;
        }
        return false;
    };
    EXPECT_TRUE(written(v));
    EXPECT_FALSE(written(OptionValues(&specs)));
    // The table says so, for tuners and help text.
    for (const OptionSpec& s : specs) {
        if (s.name != "ring_radius") continue;
        EXPECT_EQ(s.depends_on, "topology");
        ASSERT_EQ(s.when.size(), 1u);
        EXPECT_EQ(s.when[0], "ring");
    }
}

TEST(OptionTable, SettingsCarryTypesForWriters) {
    OptionValues v(&swarm_option_table().specs());
    v.set("particles", "9");
    v.set("topology", "ring");
    for (const OptionSetting& s : v.settings()) {
        if (s.name == "particles") {
            EXPECT_EQ(s.type, OptionSpec::Type::integer);
            EXPECT_EQ(s.number, 9);
        } else if (s.name == "topology") {
            EXPECT_EQ(s.type, OptionSpec::Type::choice);
            EXPECT_EQ(s.text, "ring");
        } else if (s.name == "inertia_max") {
            EXPECT_EQ(s.type, OptionSpec::Type::real);
            EXPECT_EQ(s.number, SwarmOptions{}.inertia_max);
        }
    }
    // Tuners read scales from the rows.
    bool log_scale = false;
    for (const OptionSpec& s : genetic_option_table().specs())
        log_scale |= s.name == "population" && s.scale == OptionSpec::Scale::log;
    EXPECT_TRUE(log_scale);
}

TEST(OptionTable, StructValuesRoundTripThroughText) {
    GeneticOptions o;
    o.population = 33;
    o.crossover_rate = 0.125;
    o.search_effort = 123456789012ULL;
    const OptionValues values = genetic_option_table().values(o);
    EXPECT_TRUE(values.is_set("population"));
    EXPECT_FALSE(values.is_set("brood"));  // the default is not repeated
    const GeneticOptions back = genetic_option_table().read(values);
    EXPECT_EQ(back.population, 33);
    EXPECT_EQ(back.crossover_rate, 0.125);
    EXPECT_EQ(back.search_effort, 123456789012ULL);
}

TEST(RunSettings, SeedsAreExactOverTheirWholeRange) {
    OptionValues v(&run_settings_table().specs());
    v.set("seed", "18446744073709551615");
    EXPECT_EQ(run_settings_table().read(v).seed, 18446744073709551615ULL);
    EXPECT_THROW(v.set("seed", "18446744073709551616"), InputError);
    EXPECT_THROW(v.set("seed", "-1"), InputError);
    EXPECT_THROW(v.set("threads", "1025"), InputError);
    EXPECT_THROW(v.set("time-limit", "nan"), InputError);
    EXPECT_THROW(v.set("target", "inf"), InputError);
    // Exponent spellings are whole numbers too, and keep their value however large.
    v.set("max-evals", "1e16");
    EXPECT_EQ(run_settings_table().read(v).max_evaluations, 10000000000000000ULL);
    v.set("max-evals", "2.5e6");
    EXPECT_EQ(run_settings_table().read(v).max_evaluations, 2500000u);
    v.set("target", "-5.5");
    EXPECT_EQ(run_settings_table().read(v).target, -5.5);
}

TEST(RunSettings, ADefaultRunHasATimeLimit) {
    EXPECT_FALSE(RunSettings{}.bounded());
    EXPECT_EQ(RunSettings{}.effective_time_limit(), kDefaultTimeLimit);
    EXPECT_FALSE(RunSettings{.target = 3.0}.bounded());
    EXPECT_EQ(RunSettings{.max_evaluations = 100}.effective_time_limit(), 0);
    EXPECT_EQ(RunSettings{.stall_seconds = 2}.effective_time_limit(), 0);
}

TEST(Registry, EverySolversTableIsWellFormed) {
    for (const SolverEntry& e : solver_registry()) {
        SCOPED_TRACE(std::string(e.name));
        for (const OptionSpec& s : e.options) {
            EXPECT_FALSE(s.description.empty()) << s.name;
            EXPECT_LE(s.min, s.max) << s.name;
            // A tuner samples a log-scale row in the logarithm of its tuning range (the bounds
            // when there is none), which must be positive, inside the bounds and not reversed.
            const double low = std::isnan(s.tune_min) ? s.min : s.tune_min;
            const double high = std::isnan(s.tune_max) ? s.max : s.tune_max;
            if (s.scale == OptionSpec::Scale::log) {
                EXPECT_GT(low, 0) << s.name;
            }
            EXPECT_EQ(std::isnan(s.tune_min), std::isnan(s.tune_max)) << s.name;
            EXPECT_GE(low, s.min) << s.name;
            EXPECT_LE(high, s.max) << s.name;
            EXPECT_LE(low, high) << s.name;
            if (s.type == OptionSpec::Type::choice) {
                EXPECT_FALSE(s.choices.empty()) << s.name;
            }
            if (!s.optional && s.type != OptionSpec::Type::text) {
                EXPECT_GE(s.default_value, s.min) << s.name;
                EXPECT_LE(s.default_value, s.max) << s.name;
            }
        }
        // Every solver is made from its defaults.
        EXPECT_NE(e.make(OptionValues(&e.options), 1), nullptr);
    }
}

}  // namespace
}  // namespace allocopt
