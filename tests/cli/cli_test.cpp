// Runs the built `allocopt` binary the way a user does and checks exit codes, stdout and stderr.

#include "cli/cli_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace allocopt::test;

namespace fs = std::filesystem;

const std::string kSeed = ALLOCOPT_PROBLEMS "/seed-example.yaml";
const std::string kBad = ALLOCOPT_TEST_DATA "/bad";
const std::string kGood = ALLOCOPT_TEST_DATA "/good";

TEST(Cli, VersionExitsZero) {
    const Outcome r = run("--version");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "allocopt ")) << r.out;
}

TEST(Cli, HelpNamesEachSubcommandWithAnExample) {
    const Outcome r = run("--help");
    EXPECT_EQ(r.status, 0) << r.err;
    for (const char* command : {"validate", "metrics", "evaluate", "solve", "solvers"}) {
        SCOPED_TRACE(command);
        EXPECT_TRUE(contains(r.out, std::string("\n  ") + command)) << r.out;
        const std::string example = std::string("  allocopt ") + command;
        EXPECT_TRUE(contains(r.out, example + " ") || contains(r.out, example + "\n")) << r.out;
    }
}

TEST(Cli, ValidateSeedExamplePrintsASummary) {
    const Outcome r = run("validate " + quoted(kSeed));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(contains(r.out, "valid problem 'seed-example'")) << r.out;
    EXPECT_TRUE(contains(r.out, "2 tasks")) << r.out;
    EXPECT_TRUE(contains(r.out, "2 resources")) << r.out;
}

TEST(Cli, ValidateEveryGoodFile) {
    for (const auto& entry : fs::directory_iterator(kGood)) {
        SCOPED_TRACE(entry.path().string());
        const Outcome r = run("validate " + quoted(entry.path().string()));
        EXPECT_EQ(r.status, 0) << r.err;
    }
}

// Every bad file: exit 2, one line on stderr `PATH:LINE:COL: error: ...`, nothing on stdout.
TEST(Cli, EveryBadFileExitsTwoWithAPositionedError) {
    const std::regex positioned("^[0-9]+:[0-9]+: error: .+\n$");
    int files = 0;
    for (const auto& entry : fs::directory_iterator(kBad)) {
        ++files;
        const std::string path = entry.path().string();
        for (const char* command : {"validate", "metrics"}) {
            SCOPED_TRACE(std::string(command) + " " + path);
            const Outcome r = run(std::string(command) + " " + quoted(path));
            EXPECT_EQ(r.status, 2) << r.err;
            EXPECT_TRUE(r.out.empty()) << r.out;
            ASSERT_EQ(r.err.rfind(path + ":", 0), 0u) << r.err;
            EXPECT_TRUE(std::regex_match(r.err.substr(path.size() + 1), positioned)) << r.err;
        }
    }
    EXPECT_GE(files, 60);
}

TEST(Cli, MissingFileExitsTwo) {
    const std::string path = kBad + "/no-such-file.yaml";
    const Outcome r = run("validate " + quoted(path));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(r.err.rfind(path + ": error: cannot open file", 0), 0u) << r.err;
}

TEST(Cli, UsageErrorsExitTwo) {
    for (const char* args :
         {"", "frobnicate", "validate", "validate --bogus x", "--bogus", "metrics --format xml"}) {
        SCOPED_TRACE(args);
        const Outcome r = run(args);
        EXPECT_EQ(r.status, 2) << r.out << r.err;
        EXPECT_FALSE(r.err.empty());
    }
}

TEST(Cli, UnknownCommandIsNamedWithAHint) {
    const Outcome r = run("valdate x.yaml");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "unknown command 'valdate' (did you mean 'validate'?)")) << r.err;
}

TEST(Cli, EvaluateTheSeedExample) {
    const Outcome r = run("evaluate " + quoted(kSeed) + " --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["metrics"]["makespan"].get<double>(), 1250.0);
    EXPECT_EQ(doc["objective"]["feasible"].get<bool>(), true);
    EXPECT_EQ(doc["assignment"][1]["end"].get<double>(), 1250.0);
}

TEST(Cli, EvaluateImportsABenchmarkAndNeedsAnAllocation) {
    const Outcome r = run("evaluate --from orlib-gap --instance 2 " +
                          quoted(ALLOCOPT_BENCH_INSTANCES "/gap/gap1.txt"));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "no allocation to evaluate")) << r.err;
}

TEST(Cli, SolveWritesAResultWithAssignmentAndTrace) {
    const std::string out = ::testing::TempDir() + "/allocopt_cli_solve.json";
    std::remove(out.c_str());
    const Outcome r = run("solve " + quoted(kSeed) + " -q -o " + quoted(out));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    std::ifstream in(out);
    const auto doc = nlohmann::json::parse(in);
    EXPECT_EQ(doc["solver"]["name"], "ga");  // the default
    EXPECT_EQ(doc["assignment"].size(), 2u);
    EXPECT_EQ(doc["objective"]["feasible"].get<bool>(), true);
    EXPECT_GE(doc["trace"].size(), 1u);
}

TEST(Cli, SolveMinMinReproducesBraunEtAl) {
    const Outcome r =
        run("solve --from braun-etc " + quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_lohi.0") +
            " --solver min-min");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "minimize makespan = 120517.70")) << r.out;
}

TEST(Cli, SolveRejectsUnknownSolversAndOptions) {
    Outcome r = run("solve " + quoted(kSeed) + " --solver min-mn");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "did you mean 'min-min'?")) << r.err;
    r = run("solve " + quoted(kSeed) + " --solver min-min --opt population=3");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "unknown option")) << r.err;
    r = run("solve " + quoted(kSeed) + " -o /nonexistent-dir/out.yaml");
    EXPECT_EQ(r.status, 4);  // an I/O error, not bad input
}

// Every number solve reads is checked before the search: nan, inf, negative values and too
// many threads are refused with one line naming the flag and the value. (Each case carries
// a second limit, so that a run that wrongly starts ends soon.)
TEST(Cli, SolveRejectsBadNumbersNamingTheFlagAndTheValue) {
    struct Case {
        std::string args;
        std::string message;
    };
    const Case cases[] = {
        {"--time-limit nan --max-evals 2000", "--time-limit: expected a number >= 0, got 'nan'"},
        {"--time-limit inf --max-evals 2000", "--time-limit: expected a number >= 0, got 'inf'"},
        {"--time-limit -1 --max-evals 2000", "--time-limit: expected a number >= 0, got '-1'"},
        {"--stall-seconds nan --max-evals 2000",
         "--stall-seconds: expected a number >= 0, got 'nan'"},
        {"--target nan --max-evals 2000", "--target: expected a finite number, got 'nan'"},
        {"--target -inf --max-evals 2000", "--target: expected a finite number, got '-inf'"},
        {"--max-evals -5 --time-limit 2", "--max-evals: expected a whole number >= 0, got '-5'"},
        {"--stall-evals -5 --time-limit 2",
         "--stall-evals: expected a whole number >= 0, got '-5'"},
        {"--seed -1 --max-evals 2000", "--seed: expected a whole number >= 0, got '-1'"},
        {"--seed 1.5 --max-evals 2000", "--seed: expected a whole number >= 0, got '1.5'"},
        {"--threads 100000 --max-evals 2000",
         "--threads: expected a whole number in [0, 1024], got '100000'"},
        {"--threads -1 --max-evals 2000",
         "--threads: expected a whole number in [0, 1024], got '-1'"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const Outcome r = run("solve " + quoted(kSeed) + " -q " + c.args);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_TRUE(contains(r.err, c.message)) << r.err;
        EXPECT_FALSE(contains(r.err, "179769313")) << r.err;  // no 300-digit bounds
        EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
    }
    // At the cap it runs.
    const Outcome r = run("solve " + quoted(kSeed) + " -q --threads 1024 --max-evals 2000");
    EXPECT_EQ(r.status, 0) << r.err;
}

// A minimum above its maximum is refused, naming both, wherever the values come from.
TEST(Cli, SolveRejectsSolverOptionsThatContradictEachOther) {
    struct Case {
        std::string args;
        std::string message;
    };
    const Case cases[] = {
        {"--solver ga --opt ruin_min=9 --opt ruin_max=2",
         "solver options ruin_min=9 and ruin_max=2 contradict each other: ruin_min must be at "
         "most ruin_max"},
        {"--solver pso --opt ruin_min=9 --opt ruin_max=2", "ruin_min=9 and ruin_max=2"},
        {"--solver ga --opt ruin_min=9", "ruin_min=9 and ruin_max=8 (the default)"},
        {"--solver pso --opt inertia_min=0.8 --opt inertia_max=0.5",
         "inertia_min=0.8 and inertia_max=0.5 contradict each other"},
        {"--solver ga --opt elite=50", "elite=50 and population=20 (the default)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const Outcome r = run("solve " + quoted(kSeed) + " -q --max-evals 2000 " + c.args);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_TRUE(contains(r.err, c.message)) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    // Equal bounds are fine.
    const Outcome r =
        run("solve " + quoted(kSeed) + " -q --max-evals 2000 --opt ruin_min=3 --opt ruin_max=3");
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Cli, SolversListsTheHeuristics) {
    const Outcome r = run("solvers");
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* name : {"min-min", "sufferage", "fcfs", "best-fit", "regret"}) {
        EXPECT_TRUE(contains(r.out, name)) << name;
    }
}

TEST(Cli, MetricsWithoutAnAllocationExitsTwo) {
    const Outcome r = run("metrics " + quoted(kGood + "/crlf.yaml"));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(contains(r.err, "no 'allocation:' list")) << r.err;
}

// The seed's worked example, by its formulas (the seed text prints other numbers).
TEST(Cli, MetricsJsonOfTheSeedExample) {
    const Outcome r = run("metrics " + quoted(kSeed) + " --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);  // throws if it is not JSON
    const auto& m = doc.at("metrics");
    EXPECT_EQ(doc.at("problem"), "seed-example");
    EXPECT_DOUBLE_EQ(m.at("total_work").get<double>(), 3500);
    EXPECT_DOUBLE_EQ(m.at("total_utilization").get<double>(), 50);
    EXPECT_DOUBLE_EQ(m.at("work_per_utilization").get<double>(), 70);
    EXPECT_DOUBLE_EQ(m.at("utilization_rate").at("cpu").get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(m.at("utilization_rate").at("gpu").get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(m.at("mean_utilization_rate").get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(m.at("concurrent_work").get<double>(), 600);
    EXPECT_NEAR(m.at("degree_of_parallelism").get<double>(), 3500.0 / 600.0, 1e-9);
}

TEST(Cli, MetricsYamlOfTheSeedExample) {
    const Outcome r = run("metrics " + quoted(kSeed) + " --format yaml");
    ASSERT_EQ(r.status, 0) << r.err;
    const YAML::Node doc = YAML::Load(r.out);
    const YAML::Node m = doc["metrics"];
    ASSERT_TRUE(m.IsMap()) << r.out;
    EXPECT_DOUBLE_EQ(m["total_work"].as<double>(), 3500);
    EXPECT_DOUBLE_EQ(m["total_utilization"].as<double>(), 50);
    EXPECT_DOUBLE_EQ(m["work_per_utilization"].as<double>(), 70);
    EXPECT_DOUBLE_EQ(m["utilization_rate"]["cpu"].as<double>(), 0.5);
    EXPECT_DOUBLE_EQ(m["utilization_rate"]["gpu"].as<double>(), 0.5);
    EXPECT_DOUBLE_EQ(m["concurrent_work"].as<double>(), 600);
    EXPECT_NEAR(m["degree_of_parallelism"].as<double>(), 5.8333, 1e-4);
}

TEST(Cli, MetricsTableOfTheSeedExample) {
    const Outcome r = run("metrics " + quoted(kSeed));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "3500")) << r.out;
    EXPECT_TRUE(contains(r.out, "5.83")) << r.out;
}

}  // namespace

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST(Cli, SolveTakesSettingsFromAConfigFileAndFlagsWin) {
    const std::string cfg =
        write_temp("allocopt_cli_config.yaml", "solver: min-min\nseed: 5\ntime-limit: 2\n");
    const std::string out = ::testing::TempDir() + "/allocopt_cli_config_out.json";
    Outcome r =
        run("solve " + quoted(kSeed) + " --config " + quoted(cfg) + " -q -o " + quoted(out));
    ASSERT_EQ(r.status, 0) << r.err;
    auto doc = nlohmann::json::parse(std::ifstream(out));
    EXPECT_EQ(doc["solver"]["name"], "min-min");
    EXPECT_EQ(doc["solver"]["seed"], 5);
    r = run("solve " + quoted(kSeed) + " --config " + quoted(cfg) + " --seed 9 --solver ga -q -o " +
            quoted(out));
    ASSERT_EQ(r.status, 0) << r.err;
    doc = nlohmann::json::parse(std::ifstream(out));
    EXPECT_EQ(doc["solver"]["name"], "ga");
    EXPECT_EQ(doc["solver"]["seed"], 9);
}

TEST(Cli, SolveRejectsABadConfigFileWithItsLineAndWritesNothing) {
    const std::string cfg =
        write_temp("allocopt_cli_bad_config.yaml", "solver: ga\noptions:\n  population: 1\n");
    const std::string out = ::testing::TempDir() + "/allocopt_cli_bad_config_out.yaml";
    std::remove(out.c_str());
    const Outcome r =
        run("solve " + quoted(kSeed) + " --config " + quoted(cfg) + " -o " + quoted(out));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(contains(r.err, "allocopt_cli_bad_config.yaml:3:3: error: 'options.population'"))
        << r.err;
    EXPECT_FALSE(std::ifstream(out).good());
}

// A config file cannot bypass the flags' checks.
TEST(Cli, SolveChecksAConfigFileAsItChecksTheFlags) {
    struct Case {
        std::string config;
        std::string message;
    };
    const Case cases[] = {
        {"threads: 100000\nmax-evals: 2000\n",
         "'threads': expected a whole number in [0, 1024] (value: 100000)"},
        {"threads: 2000\nmax-evals: 2000\n",
         "'threads': expected a whole number in [0, 1024] (value: 2000)"},
        {"time-limit: .nan\nmax-evals: 2000\n", "'time-limit'"},
        {"seed: -1\nmax-evals: 2000\n", "'seed'"},
        {"max-evals: 2000\noptions: {ruin_min: 9, ruin_max: 2}\n",
         "ruin_min=9 and ruin_max=2 contradict each other"},
    };
    int k = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.config);
        const std::string cfg =
            write_temp("allocopt_cli_checked_config_" + std::to_string(k++) + ".yaml", c.config);
        const Outcome r = run("solve " + quoted(kSeed) + " -q --config " + quoted(cfg));
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_TRUE(contains(r.err, c.message)) << r.err;
    }
}

TEST(Cli, SolveGivesTheSameResultForOneAndTwoThreads) {
    // With an evaluation budget (not a time limit) a run is a function of problem, options
    // and seed alone.
    std::vector<std::string> outputs;
    for (const char* threads : {"1", "2"}) {
        const std::string out = ::testing::TempDir() + "/allocopt_cli_threads_" + threads + ".json";
        for (const char* solver : {"ga", "pso"}) {
            const Outcome r = run(
                "solve --from braun-etc " +
                quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_i_hihi.0") + " --solver " + solver +
                " --max-evals 60000000 --seed 3 --threads " + threads + " -q -o " + quoted(out));
            ASSERT_EQ(r.status, 0) << r.err;
            const auto doc = nlohmann::json::parse(std::ifstream(out));
            outputs.push_back(doc["assignment"].dump() + doc["objective"].dump());
        }
    }
    EXPECT_EQ(outputs[0], outputs[2]);  // ga
    EXPECT_EQ(outputs[1], outputs[3]);  // pso
}

// `solve` runs with OMP_WAIT_POLICY=passive unless the environment sets a policy (main.cpp).
// libgomp shows what it read with OMP_DISPLAY_ENV=verbose; the last display is the one of
// the process that solves. Other OpenMP runtimes show no GOMP_SPINCOUNT: skipped.
TEST(Cli, SolveLetsIdleThreadsSleepUnlessTheEnvironmentSaysOtherwise) {
    const auto spin_count = [](const std::string& env) {
        const std::string saved[] = {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME"};
        std::vector<std::pair<std::string, std::string>> restore;
        for (const auto& name : saved) {
            if (const char* v = std::getenv(name.c_str())) restore.emplace_back(name, v);
            unsetenv(name.c_str());
        }
        setenv("OMP_DISPLAY_ENV", "verbose", 1);
        if (!env.empty()) {
            const auto eq = env.find('=');
            setenv(env.substr(0, eq).c_str(), env.substr(eq + 1).c_str(), 1);
        }
        const Outcome r = run("solve " + quoted(kSeed) + " --max-evals 200 --threads 2 -q");
        unsetenv("OMP_DISPLAY_ENV");
        for (const auto& name : saved)
            unsetenv(name.c_str());
        for (const auto& [name, value] : restore)
            setenv(name.c_str(), value.c_str(), 1);
        EXPECT_EQ(r.status, 0) << r.err;
        const std::string key = "GOMP_SPINCOUNT = '";
        const auto at = r.err.rfind(key);
        if (at == std::string::npos) return std::string("not libgomp");
        return r.err.substr(at + key.size(), r.err.find('\'', at + key.size()) - at - key.size());
    };
    const std::string chosen = spin_count("");
    if (chosen == "not libgomp") GTEST_SKIP() << "the OpenMP runtime is not libgomp";
    EXPECT_EQ(chosen, "0");                                          // passive
    EXPECT_EQ(spin_count("OMP_WAIT_POLICY=active"), "30000000000");  // the user's choice
    EXPECT_EQ(spin_count("GOMP_SPINCOUNT=1234"), "1234");            // the user's choice
}

TEST(Cli, TheResultFilesSolverOptionsReadBackAsAConfig) {
    const std::string out = ::testing::TempDir() + "/allocopt_cli_options.yaml";
    Outcome r =
        run("solve --from braun-etc " + quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_lolo.0") +
            " --solver local-search --opt init=sufferage --opt swaps=false -q -o " + quoted(out));
    ASSERT_EQ(r.status, 0) << r.err;
    const YAML::Node solver = YAML::LoadFile(out)["solver"];
    EXPECT_EQ(solver["options"]["init"].as<std::string>(), "sufferage");
    EXPECT_EQ(solver["options"]["swaps"].as<std::string>(), "false");
    // The block, as written, is a valid --config file.
    YAML::Node config;
    config["solver"] = solver["name"];
    config["options"] = solver["options"];
    const std::string cfg = ::testing::TempDir() + "/allocopt_cli_options_config.yaml";
    std::ofstream(cfg) << config;
    r = run("solve --from braun-etc " + quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_lolo.0") +
            " --config " + quoted(cfg) + " -q -o " + quoted(out));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(YAML::LoadFile(out)["solver"]["options"]["init"].as<std::string>(), "sufferage");
}
