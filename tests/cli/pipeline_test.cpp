// The bundled pipeline scenario (problems/pipeline.yaml, docs/pipeline.md): it validates, a GA
// run's result is scored identically and feasibly by `evaluate`, and the GA beats the seed's
// FCFS policy on it (whose plan overruns the hard horizon: infeasible, and worse in value too).

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.hpp"

namespace allocopt::test {
namespace {

const std::string kPipeline = std::string(ALLOCOPT_PROBLEMS) + "/pipeline.yaml";

class PipelineCli : public ScratchDirTest {
  protected:
    /// Solves the pipeline with `solver_args` into `name` in the scratch directory; returns
    /// the objective value the result file reports, after checking that its feasibility is
    /// `feasible` (solve and evaluate exit 1 when it is not) and that `evaluate` gives the
    /// same value and feasibility.
    double solve_and_check(const std::string& solver_args, const std::string& name, bool feasible) {
        const std::string out = file(name);
        const Outcome solved =
            run("solve " + quoted(kPipeline) + " " + solver_args + " -q -o " + quoted(out));
        EXPECT_EQ(solved.status, feasible ? 0 : 1) << solved.err;
        const YAML::Node result = YAML::LoadFile(out);
        const double reported = result["objective"]["value"].as<double>();
        EXPECT_EQ(result["objective"]["feasible"].as<bool>(), feasible);
        EXPECT_EQ(result["assignment"].size(), 46U);

        const Outcome checked = run("evaluate " + quoted(kPipeline) + " --allocation " +
                                    quoted(out) + " --format json");
        EXPECT_EQ(checked.status, feasible ? 0 : 1) << checked.err;
        const auto json = nlohmann::json::parse(checked.out);
        EXPECT_EQ(json["objective"]["feasible"].get<bool>(), feasible);
        EXPECT_NEAR(json["objective"]["value"].get<double>(), reported,
                    1e-9 * std::max(1.0, std::abs(reported)));
        return reported;
    }
};

TEST_F(PipelineCli, TheBundledProblemValidates) {
    const Outcome r = run("validate " + quoted(kPipeline));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "46 tasks")) << r.out;
    EXPECT_TRUE(contains(r.out, "12 resources")) << r.out;
}

TEST_F(PipelineCli, GaResultIsScoredIdenticallyAndBeatsFcfs) {
    const double ga = solve_and_check("--max-evals 20000 --seed 1 --threads 1", "ga.yaml", true);
    const double fcfs = solve_and_check("--solver fcfs", "fcfs.yaml", false);
    EXPECT_LT(ga, fcfs);

    // The serving replicas hold one GPU each for the whole day, wherever the GA put them.
    const YAML::Node assignment = YAML::LoadFile(file("ga.yaml"))["assignment"];
    int replicas = 0;
    for (const YAML::Node& row : assignment) {
        if (row["task"].as<std::string>().rfind("serve-", 0) != 0) continue;
        ++replicas;
        EXPECT_EQ(row["units"].as<int>(), 1);
        EXPECT_EQ(row["start"].as<double>(), 0.0);
        EXPECT_EQ(row["end"].as<double>(), 24.0);
    }
    EXPECT_EQ(replicas, 4);
}

}  // namespace
}  // namespace allocopt::test
