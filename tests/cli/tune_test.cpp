// `allocopt tune`: bad input refused with exit 2 and nothing written; a small tuning whose
// configuration drives `solve --config`, the same for any --parallel; its summary and picture.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_support.hpp"
#include "io/svg_check.hpp"

namespace {

using namespace allocopt::test;
namespace fs = std::filesystem;

class TuneCli : public ScratchDirTest {
  protected:
    void SetUp() override {
        ScratchDirTest::SetUp();
        fs::create_directories(dir_ / "train");
        for (int s = 1; s <= 3; ++s) {
            const Outcome g =
                run("generate gap --type d --agents 3 --jobs 12 --seed " + std::to_string(s) +
                    " -o " + quoted(file("train/g" + std::to_string(s) + ".yaml")));
            ASSERT_EQ(g.status, 0) << g.err;
        }
    }
    /// A small, reproducible tuning of the GA on train/ with extra arguments.
    Outcome tune(const std::string& extra, int seed = 2) {
        return run("tune --instances " + quoted(file("train")) +
                   " --budget 24 --max-evals 300 --fix price_iterations=100 --seed " +
                   std::to_string(seed) + " " + extra);
    }
};

TEST_F(TuneCli, TheConfigurationItWritesDrivesSolveConfig) {
    const Outcome r = tune("--parallel 2 -o " + quoted(file("tuned.yaml")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "tuned ga on 3 instances")) << r.out;
    EXPECT_TRUE(contains(r.out, "configuration written to")) << r.out;
    const std::string config = read_text(file("tuned.yaml"));
    EXPECT_TRUE(contains(config, "solver: ga\n")) << config;
    EXPECT_TRUE(contains(config, "max-evals: 300\n")) << config;
    EXPECT_TRUE(contains(config, "  population: ")) << config;
    EXPECT_TRUE(contains(config, "  price_iterations: 100\n")) << config;
    const Outcome s = run("solve --config " + quoted(file("tuned.yaml")) + " " +
                          quoted(file("train/g1.yaml")) + " -q -o " + quoted(file("r.yaml")));
    EXPECT_EQ(s.status, 0) << s.err;
    const Outcome e = run("evaluate " + quoted(file("train/g1.yaml")) + " --allocation " +
                          quoted(file("r.yaml")));
    EXPECT_EQ(e.status, 0) << e.err;
}

TEST_F(TuneCli, OneWorkerAndThreeGiveTheSameConfiguration) {
    ASSERT_EQ(tune("--parallel 1 -q -o " + quoted(file("a.yaml"))).status, 0);
    ASSERT_EQ(tune("--parallel 3 -q -o " + quoted(file("b.yaml"))).status, 0);
    EXPECT_EQ(read_text(file("a.yaml")), read_text(file("b.yaml")));
    ASSERT_EQ(tune("--parallel 1 -q -o " + quoted(file("c.yaml")), 9).status, 0);
    EXPECT_NE(read_text(file("a.yaml")), read_text(file("c.yaml")));
}

TEST_F(TuneCli, AStateFileResumesAndServesEveryFinishedRun) {
    const std::string state = quoted(file("t.state"));
    ASSERT_EQ(tune("-q --state " + state + " -o " + quoted(file("a.yaml"))).status, 0);
    const Outcome again = tune("--state " + state + " -o " + quoted(file("b.yaml")));
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_TRUE(contains(again.err, "finished runs are served from it")) << again.err;
    EXPECT_TRUE(contains(again.out, "from the state file")) << again.out;
    EXPECT_EQ(read_text(file("a.yaml")), read_text(file("b.yaml")));
}

TEST_F(TuneCli, JsonSummaryAndRacePicture) {
    const Outcome r = tune("--format json --svg " + quoted(file("race.svg")));
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["solver"], "ga");
    EXPECT_LE(j["runs"].get<int>(), 24);
    EXPECT_FALSE(j["elites"].empty());
    EXPECT_EQ(j["best"]["id"], j["elites"][0]["id"]);
    EXPECT_TRUE(j["best"]["options"].contains("population"));
    EXPECT_TRUE(allocopt::testing::check_svg(read_text(file("race.svg"))));
}

TEST_F(TuneCli, ATestSetComparesTheTunedWithTheDefaults) {
    fs::create_directories(dir_ / "test");
    for (int s = 11; s <= 13; ++s)
        ASSERT_EQ(run("generate gap --type d --agents 3 --jobs 12 --seed " + std::to_string(s) +
                      " -o " + quoted(file("test/g" + std::to_string(s) + ".yaml")))
                      .status,
                  0);
    const Outcome r = tune("--test-instances " + quoted(file("test")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "test on 3 unseen instances")) << r.out;
    EXPECT_TRUE(contains(r.out, "sign test p = ")) << r.out;
}

TEST_F(TuneCli, OneProblemFileIsASetOfOne) {
    const Outcome r = run("tune --instances " + quoted(file("train/g1.yaml")) +
                          " --budget 6 --max-evals 200 --fix price_iterations=50");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "tuned ga on 1 instance:")) << r.out;
}

TEST_F(TuneCli, AListFileGivesPathsAndBestKnownValues) {
    std::ofstream(file("list.txt")) << "# training set\ntrain/g1.yaml 300\ntrain/g2.yaml\n"
                                    << file("train/g3.yaml") << "  # absolute\n";
    const Outcome r = run("tune --instances " + quoted(file("list.txt")) +
                          " --budget 12 --max-evals 200 --fix price_iterations=50");
    EXPECT_EQ(r.status, 0) << r.err;
    std::ofstream(file("bad.txt")) << "train/g1.yaml\ntrain/g2.yaml best\n";
    const Outcome bad =
        run("tune --instances " + quoted(file("bad.txt")) + " --budget 12 --max-evals 200");
    EXPECT_EQ(bad.status, 2);
    EXPECT_TRUE(contains(bad.err, "bad.txt:2:")) << bad.err;
    EXPECT_TRUE(contains(bad.err, "best")) << bad.err;
}

struct BadCase {
    std::string args;
    std::string message;
};

TEST_F(TuneCli, BadInputExitsTwoWithAClearMessageAndWritesNothing) {
    fs::create_directories(dir_ / "empty");
    std::ofstream(file("foreign.state")) << "solver: ga\n";
    const std::string train = " --instances " + quoted(file("train"));
    const std::string out = " -o " + quoted(file("out.yaml"));
    const std::vector<BadCase> cases{
        {"--instances " + quoted(file("empty")) + " --budget 10 --max-evals 10",
         "no problem files"},
        {"--instances " + quoted(file("missing")) + " --budget 10 --max-evals 10", "cannot read"},
        {"--solver gaa" + train + " --budget 10 --max-evals 10", "did you mean 'ga'"},
        {train + " --budget 10 --max-evals 10 --param populaton=5:50", "did you mean 'population'"},
        {train + " --budget 10 --max-evals 10 --param population=1:50", "population"},
        {train + " --budget 0 --max-evals 10", "--budget"},
        {train + " --budget 2 --max-evals 10", "smaller than the 3 training instances"},
        {train + " --budget 10", "each run needs a limit"},
        {train + " --budget 10 --max-evals 10 --state " + quoted(file("foreign.state")),
         "not an allocopt tune state file"},
    };
    for (const BadCase& c : cases) {
        const Outcome r = run("tune " + c.args + out);
        EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, c.message)) << c.args << "\n" << r.err;
        EXPECT_FALSE(fs::exists(file("out.yaml"))) << c.args;
    }
    EXPECT_EQ(read_text(file("foreign.state")), "solver: ga\n");
}

TEST_F(TuneCli, AStateOfAnotherTuningIsRefusedWithTheDifferences) {
    const std::string state = quoted(file("t.state"));
    ASSERT_EQ(tune("-q --state " + state).status, 0);
    const std::string before = read_text(file("t.state"));
    const Outcome r = run("tune --instances " + quoted(file("train")) +
                          " --budget 30 --max-evals 300 --fix price_iterations=100 --seed 2 "
                          "--state " +
                          state);
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "budget: the state file has '24', this command '30'")) << r.err;
    EXPECT_EQ(read_text(file("t.state")), before);
}

}  // namespace
