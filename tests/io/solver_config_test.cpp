#include "allocopt/io/solver_config.hpp"

#include <gtest/gtest.h>

#include "allocopt/solvers/genetic.hpp"

namespace allocopt {
namespace {

InputError error_of(const std::string& text) {
    try {
        parse_solver_config(text, "run.yaml");
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return InputError("", "", "");
}

TEST(SolverConfig, ReadsEveryKey) {
    const SolverConfig c = parse_solver_config(
        "solver: ga\nseed: 7\nthreads: 2\ntime-limit: 1.5\nmax-evals: 1000\ntarget: 12.5\n"
        "stall-evals: 50\nstall-seconds: 3\noptions:\n  population: 30\n  crossover_rate: 0.6\n",
        "run.yaml");
    EXPECT_EQ(c.solver, "ga");
    EXPECT_EQ(c.seed, 7u);
    EXPECT_EQ(c.threads, 2);
    EXPECT_EQ(c.time_limit, 1.5);
    EXPECT_EQ(c.max_evaluations, 1000u);
    EXPECT_EQ(c.target, 12.5);
    EXPECT_EQ(c.stall_evaluations, 50u);
    EXPECT_EQ(c.stall_seconds, 3.0);
    OptionValues values(&genetic_option_table());
    c.apply(values);
    EXPECT_EQ(values.get("population"), 30);
    EXPECT_EQ(values.get("crossover_rate"), 0.6);
}

TEST(SolverConfig, EveryKeyIsOptional) {
    const SolverConfig c = parse_solver_config("seed: 3\n", "run.yaml");
    EXPECT_FALSE(c.solver);
    EXPECT_FALSE(c.time_limit);
    EXPECT_TRUE(c.options.empty());
}

TEST(SolverConfig, ErrorsNameTheLineKeyAndValue) {
    InputError e = error_of("seed: 1\ntime-limt: 3\n");
    EXPECT_EQ(e.key(), "time-limt");
    EXPECT_EQ(e.position().line, 2);
    EXPECT_NE(e.message().find("did you mean 'time-limit'"), std::string::npos) << e.what();

    e = error_of("seed: -1\n");
    EXPECT_EQ(e.key(), "seed");
    EXPECT_EQ(e.value(), "-1");

    e = error_of("time-limit: fast\n");
    EXPECT_EQ(e.key(), "time-limit");
    EXPECT_EQ(e.value(), "fast");

    e = error_of("options:\n  population: 3\n  population: 4\n");
    EXPECT_EQ(e.key(), "options.population");
    EXPECT_EQ(e.position().line, 3);

    e = error_of("options: [1, 2]\n");
    EXPECT_EQ(e.key(), "options");
}

// The same cap as --threads: a config file cannot ask for more threads than the CLI allows.
TEST(SolverConfig, ThreadsAreCappedAtTheCliLimit) {
    EXPECT_EQ(parse_solver_config("threads: 1024\n", "run.yaml").threads, kMaxThreads);
    const InputError e = error_of("threads: 2000\n");
    EXPECT_EQ(e.key(), "threads");
    EXPECT_EQ(e.value(), "2000");
    EXPECT_EQ(e.position().line, 1);
    EXPECT_NE(e.message().find("at most 1024"), std::string::npos) << e.what();
    EXPECT_EQ(error_of("time-limit: .nan\n").key(), "time-limit");
    EXPECT_EQ(error_of("stall-seconds: -.inf\n").key(), "stall-seconds");
    EXPECT_EQ(error_of("target: .nan\n").key(), "target");
}

TEST(SolverConfig, OptionValuesAreCheckedAgainstTheSolversTableAtTheirLine) {
    const SolverConfig c =
        parse_solver_config("solver: ga\noptions:\n  crossover_rate: 2\n", "run.yaml");
    OptionValues values(&genetic_option_table());
    try {
        c.apply(values);
        FAIL() << "out-of-range option accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "options.crossover_rate");
        EXPECT_EQ(e.value(), "2");
        EXPECT_EQ(e.position().file, "run.yaml");
        EXPECT_EQ(e.position().line, 3);
    }
}

}  // namespace
}  // namespace allocopt
