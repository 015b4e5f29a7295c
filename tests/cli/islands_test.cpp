// `solve --islands`: the flags, the result file's note and settings, and bad values refused
// with exit 2 before anything runs.

#include <string>

#include "cli/cli_support.hpp"

namespace allocopt::test {
namespace {

const std::string kProblem = std::string(ALLOCOPT_PROBLEMS) + "/gpu-cluster.yaml";

class CliIslands : public ScratchDirTest {};

TEST_F(CliIslands, RunFromTheFlagsAndSayItInTheResult) {
    const std::string out = file("r.json");
    const Outcome o = run("solve " + quoted(kProblem) +
                          " --islands 2 --migrate-every 3 --island-topology full --solver pso"
                          " --max-evals 40000 --threads 2 -q --no-baseline -o " +
                          quoted(out));
    ASSERT_EQ(o.status, 0) << o.err;
    const std::string text = read_text(out);
    EXPECT_TRUE(contains(text, "\"islands\": 2")) << text.substr(0, 600);
    EXPECT_TRUE(contains(text, "\"migrate-every\": 3"));
    EXPECT_TRUE(contains(text, "\"island-topology\": \"full\""));
    EXPECT_TRUE(contains(text, "2 islands on a full topology")) << text.substr(0, 600);
}

TEST_F(CliIslands, BadValuesExitTwoNamingTheFlag) {
    const Outcome zero = run("solve " + quoted(kProblem) + " --islands 0 --max-evals 1000");
    EXPECT_EQ(zero.status, 2);
    EXPECT_TRUE(contains(zero.err, "islands")) << zero.err;
    const Outcome heuristic =
        run("solve " + quoted(kProblem) + " --islands 3 --solver min-min --max-evals 1000");
    EXPECT_EQ(heuristic.status, 2);
    EXPECT_TRUE(contains(heuristic.err, "solver 'min-min' is not a population search"))
        << heuristic.err;
    EXPECT_TRUE(contains(heuristic.err, "ga, pso")) << heuristic.err;
    const Outcome topology =
        run("solve " + quoted(kProblem) + " --islands 2 --island-topology star");
    EXPECT_EQ(topology.status, 2);
    EXPECT_TRUE(contains(topology.err, "island-topology")) << topology.err;
    const Outcome budget = run("solve " + quoted(kProblem) + " --islands 4 --max-evals 3");
    EXPECT_EQ(budget.status, 2);
    EXPECT_TRUE(contains(budget.err, "cannot be shared among 4 islands")) << budget.err;
}

}  // namespace
}  // namespace allocopt::test
