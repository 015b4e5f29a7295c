#include "allocopt/io/solver_config.hpp"

#include <gtest/gtest.h>

#include "allocopt/solvers/genetic.hpp"
#include "allocopt/solvers/swarm.hpp"

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
    const RunSettings r = c.run_settings();
    EXPECT_EQ(r.solver, "ga");
    EXPECT_EQ(r.seed, 7u);
    EXPECT_EQ(r.threads, 2);
    EXPECT_EQ(r.time_limit, 1.5);
    EXPECT_EQ(r.max_evaluations, 1000u);
    EXPECT_EQ(r.target, 12.5);
    EXPECT_EQ(r.stall_evaluations, 50u);
    EXPECT_EQ(r.stall_seconds, 3.0);
    OptionValues values(&genetic_option_table().specs());
    c.apply_options(values);
    EXPECT_EQ(values.get("population"), 30);
    EXPECT_EQ(values.get("crossover_rate"), 0.6);
}

TEST(SolverConfig, EveryKeyIsOptional) {
    const SolverConfig c = parse_solver_config("seed: 3\n", "run.yaml");
    EXPECT_EQ(c.setting("solver"), nullptr);
    EXPECT_EQ(c.setting("time-limit"), nullptr);
    EXPECT_EQ(c.run_settings().seed, 3u);
    EXPECT_EQ(c.run_settings().solver, "ga");
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
    EXPECT_EQ(parse_solver_config("threads: 1024\n", "run.yaml").run_settings().threads,
              kMaxThreads);
    const InputError e = error_of("threads: 2000\n");
    EXPECT_EQ(e.key(), "threads");
    EXPECT_EQ(e.value(), "2000");
    EXPECT_EQ(e.position().line, 1);
    EXPECT_NE(e.message().find("[0, 1024]"), std::string::npos) << e.what();
    EXPECT_EQ(error_of("time-limit: .nan\n").key(), "time-limit");
    EXPECT_EQ(error_of("stall-seconds: -.inf\n").key(), "stall-seconds");
    EXPECT_EQ(error_of("target: .nan\n").key(), "target");
    EXPECT_EQ(error_of("solver:\n").key(), "solver");
    EXPECT_EQ(error_of("seed: 18446744073709551616\n").key(), "seed");
    EXPECT_EQ(parse_solver_config("seed: 18446744073709551615\n", "run.yaml").run_settings().seed,
              18446744073709551615u);
}

TEST(SolverConfig, OptionValuesAreCheckedAgainstTheSolversTableAtTheirLine) {
    const SolverConfig c =
        parse_solver_config("solver: ga\noptions:\n  crossover_rate: 2\n", "run.yaml");
    OptionValues values(&genetic_option_table().specs());
    try {
        c.apply_options(values);
        FAIL() << "out-of-range option accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "options.crossover_rate");
        EXPECT_EQ(e.value(), "2");
        EXPECT_EQ(e.position().file, "run.yaml");
        EXPECT_EQ(e.position().line, 3);
    }
}

// A result file repeats its run: the solver block's settings and typed options are read back.
TEST(SolverConfig, AResultFileIsAConfiguration) {
    const SolverConfig c = parse_solver_config(
        "problem: p\nsolver:\n  name: pso\n  seed: 5\n  threads: 0\n  max-evals: 300\n"
        "  options:\n    topology: ring\n    particles: 9\n    inertia_max: 0.75\n"
        "  evaluations: 300\n  seconds: 0.1\n  stop: evaluation budget\n"
        "objective: {value: 3}\n",
        "result.yaml");
    const RunSettings r = c.run_settings();
    EXPECT_EQ(r.solver, "pso");
    EXPECT_EQ(r.seed, 5u);
    EXPECT_EQ(r.max_evaluations, 300u);
    OptionValues values(&swarm_option_table().specs());
    c.apply_options(values);
    const SwarmOptions o = swarm_option_table().read(values);
    EXPECT_EQ(o.topology, SwarmOptions::Topology::ring);
    EXPECT_EQ(o.particles, 9);
    EXPECT_EQ(o.inertia_max, 0.75);
    EXPECT_EQ(error_of("solver:\n  name: ga\n  sed: 3\n").key(), "solver.sed");
}

}  // namespace
}  // namespace allocopt
