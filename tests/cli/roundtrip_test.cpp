// What a new user does first: solve the bundled problem with each solver, then check the
// result with `allocopt evaluate`. Every result must pass, with the value solve reported.
// The solver list is read from `allocopt solvers`, so a new solver is covered.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_support.hpp"

namespace allocopt::test {
namespace {

std::vector<std::string> solver_names() {
    const Outcome listed = run("solvers");
    EXPECT_EQ(listed.status, 0) << listed.err;
    std::vector<std::string> names;
    std::istringstream in(listed.out);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == ' ') continue;  // option rows are indented
        names.push_back(line.substr(0, line.find(' ')));
    }
    return names;
}

/// Solves `problem_args` with every solver and re-scores each result with evaluate. Without
/// `devices` (a problem that is not a GPU-sharing problem), the sharing policies must refuse
/// it with exit 2 and write nothing.
void every_solver_passes_evaluate(const std::string& problem_args, const std::string& tag,
                                  bool devices = false) {
    namespace fs = std::filesystem;
    const std::vector<std::string> names = solver_names();
    ASSERT_GE(names.size(), 10U);
    for (const std::string& name : names) {
        SCOPED_TRACE(name + " on " + tag);
        const fs::path out =
            fs::temp_directory_path() /
            ("allocopt-roundtrip-" + std::to_string(getpid()) + "-" + name + ".yaml");
        const Outcome solved =
            run("solve " + problem_args + " --solver " + quoted(name) +
                " --max-evals 30000 --time-limit 5 -q -o " + quoted(out.string()));
        if (!devices && name.rfind("sharing-", 0) == 0) {
            EXPECT_EQ(solved.status, 2) << solved.err;
            EXPECT_NE(solved.err.find("cannot place this problem"), std::string::npos)
                << solved.err;
            EXPECT_FALSE(fs::exists(out));
            continue;
        }
        ASSERT_TRUE(solved.status == 0 || solved.status == 1) << solved.err;
        const YAML::Node result = YAML::LoadFile(out.string());
        const double reported = result["objective"]["value"].as<double>();
        const bool feasible = result["objective"]["feasible"].as<bool>();
        const Outcome checked = run("evaluate " + problem_args + " --allocation " +
                                    quoted(out.string()) + " --format json");
        fs::remove(out);
        ASSERT_EQ(checked.status, feasible ? 0 : 1) << checked.err;
        const auto json = nlohmann::json::parse(checked.out);
        EXPECT_NEAR(json["objective"]["value"].get<double>(), reported,
                    1e-9 * std::max(1.0, std::abs(reported)));
        EXPECT_EQ(json["objective"]["feasible"].get<bool>(), feasible);
    }
}

TEST(CliRoundTrip, EverySolversResultOnTheBundledClusterPassesEvaluate) {
    every_solver_passes_evaluate(quoted(ALLOCOPT_PROBLEMS "/gpu-cluster.yaml"), "gpu-cluster");
}

TEST(CliRoundTrip, EverySolversResultOnTheGpuSharingExamplePassesEvaluate) {
    every_solver_passes_evaluate(quoted(ALLOCOPT_PROBLEMS "/gpu-sharing.yaml"), "gpu-sharing",
                                 true);
}

TEST(CliRoundTrip, EverySolversResultOnAGapInstancePassesEvaluate) {
    every_solver_passes_evaluate(
        "--from orlib-gap " + quoted(ALLOCOPT_BENCH_INSTANCES "/gap/gap1.txt") + " --instance 2",
        "gap1-2");
}

}  // namespace
}  // namespace allocopt::test
