// `allocopt plot R1.yaml R2.yaml ... -o conv.svg`: result files of one problem overlaid in one
// convergence picture; results of another problem, size or objective and missing files are
// refused with nothing written.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/cli_support.hpp"
#include "io/svg_check.hpp"

namespace {

using namespace allocopt::test;
using allocopt::testing::check_svg;
using allocopt::testing::XmlElement;

namespace fs = std::filesystem;

const std::string kCluster = ALLOCOPT_PROBLEMS "/gpu-cluster.yaml";
const std::string kSeedExample = ALLOCOPT_PROBLEMS "/seed-example.yaml";

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// `text` with its first `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

class PlotCli : public ScratchDirTest {
  protected:
    /// A result file `name` of `solve PROBLEM --solver SOLVER` with a small budget.
    std::string result(const std::string& name, const std::string& solver, int seed = 1,
                       const std::string& problem = kCluster) const {
        const std::string path = file(name);
        const Outcome r =
            run("solve " + quoted(problem) + " --solver " + solver + " --max-evals 3000 --seed " +
                std::to_string(seed) + " --threads 1 -q -o " + quoted(path));
        EXPECT_EQ(r.status, 0) << r.err;
        return path;
    }

    fs::path dir_;
};

std::size_t series_count(const XmlElement& root) {
    return root.count(
        [](const XmlElement& e) { return e.name == "g" && e.attribute("class") == "series"; });
}

std::size_t texts_starting(const XmlElement& root, const std::string& prefix) {
    return root.count(
        [&](const XmlElement& e) { return e.name == "text" && e.text.starts_with(prefix); });
}

TEST_F(PlotCli, SeedsOfOneSolverAreOneMedianCurveBesideAHeuristic) {
    const std::string r1 = result("r1.yaml", "ga", 1);
    const std::string r2 = result("r2.yaml", "ga", 2);
    const std::string fcfs = result("fcfs.yaml", "fcfs");
    const std::string path = file("conv.svg");
    const Outcome r =
        run("plot " + quoted(r1) + " " + quoted(r2) + " " + quoted(fcfs) + " -o " + quoted(path));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "  ga: 2 runs, final best median ")) << r.out;
    EXPECT_TRUE(contains(r.out, "  fcfs: 1 run, final best ")) << r.out;
    EXPECT_TRUE(contains(r.out, "picture written to " + path)) << r.out;
    const auto root = check_svg(read_text(path));
    ASSERT_TRUE(root);
    EXPECT_EQ(series_count(*root), 2u);
    EXPECT_EQ(texts_starting(*root, "convergence: cluster-"), 1u);
    // The legend: the ga group as a median with its band, fcfs as one run.
    EXPECT_EQ(texts_starting(*root, "ga: median of 2 runs, band min"), 1u);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "text" && e.text == "fcfs"; }),
              1u);
    EXPECT_EQ(entries(), 4u);  // the three results and the picture, no temporary file
}

TEST_F(PlotCli, LabelByFileGivesEachFileItsCurve) {
    const std::string r1 = result("r1.yaml", "ga", 1);
    const std::string r2 = result("r2.yaml", "ga", 2);
    const std::string path = file("conv.svg");
    const Outcome r =
        run("plot " + quoted(r1) + " " + quoted(r2) + " --label-by file -q -o " + quoted(path));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    const auto root = check_svg(read_text(path));
    ASSERT_TRUE(root);
    EXPECT_EQ(series_count(*root), 2u);
    EXPECT_EQ(texts_starting(*root, r1), 1u);
    EXPECT_EQ(texts_starting(*root, r2), 1u);

    const Outcome bad = run("plot " + quoted(r1) + " --label-by seed -o " + quoted(path));
    EXPECT_EQ(bad.status, 2) << bad.err;
}

TEST_F(PlotCli, ADashWritesThePictureAloneToStandardOutput) {
    const Outcome r = run("plot " + quoted(result("r1.yaml", "ga")) + " -o -");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto root = check_svg(r.out);  // nothing but the picture
    ASSERT_TRUE(root);
    EXPECT_EQ(series_count(*root), 1u);
}

TEST_F(PlotCli, TheBestBoundOfTheFilesIsDrawnOnce) {
    const std::string r1 = result("r1.yaml", "ga", 1);
    const std::string r2 = result("r2.yaml", "ga", 2);
    write_text(r1, replaced(read_text(r1), "  stop:", "  lower_bound: 1000\n  stop:"));
    write_text(r2, replaced(read_text(r2), "  stop:", "  lower_bound: 1200\n  stop:"));
    const std::string path = file("conv.svg");
    const Outcome r = run("plot " + quoted(r1) + " " + quoted(r2) + " -o " + quoted(path));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "  lower bound 1200\n")) << r.out;
    const auto root = check_svg(read_text(path));
    ASSERT_TRUE(root);
    EXPECT_EQ(texts_starting(*root, "lower bound "), 1u);
    EXPECT_EQ(texts_starting(*root, "lower bound 1200"), 1u);
}

TEST_F(PlotCli, ResultsOfAnotherProblemAreRefusedNamingBoth) {
    const std::string r1 = result("r1.yaml", "ga");
    const std::string other = result("other.yaml", "ga", 1, kSeedExample);
    const std::string path = file("conv.svg");
    const Outcome r = run("plot " + quoted(r1) + " " + quoted(other) + " -o " + quoted(path));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(contains(r.err, other + ": error: a result of problem 'seed-example', but " + r1 +
                                    " is of 'cluster-"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "plot compares runs of one problem")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(entries(), 2u);  // no picture, no temporary file
}

TEST_F(PlotCli, AnotherSizeOrObjectiveOfTheSameNameIsRefused) {
    const std::string r1 = result("r1.yaml", "ga");
    const std::string text = read_text(r1);
    const std::string smaller = file("smaller.yaml");
    write_text(smaller, replaced(text, "size: {tasks: 200,", "size: {tasks: 100,"));
    const std::string maximize = file("maximize.yaml");
    write_text(maximize, replaced(text, "sense: minimize", "sense: maximize"));
    const std::string path = file("conv.svg");

    const Outcome size = run("plot " + quoted(r1) + " " + quoted(smaller) + " -o " + quoted(path));
    EXPECT_EQ(size.status, 2) << size.err;
    EXPECT_TRUE(contains(size.err, smaller + ": error: a result of problem 'cluster-")) << size.err;
    EXPECT_TRUE(contains(size.err, "with 100 tasks on 16 resources (schedule), but " + r1 +
                                       "'s has 200 tasks on 16 resources (schedule)"))
        << size.err;

    const Outcome sense =
        run("plot " + quoted(r1) + " " + quoted(maximize) + " -o " + quoted(path));
    EXPECT_EQ(sense.status, 2) << sense.err;
    EXPECT_TRUE(contains(sense.err, maximize + ": error: a result for the objective 'maximize "))
        << sense.err;
    EXPECT_TRUE(contains(sense.err, "but " + r1 + " is for 'minimize ")) << sense.err;
    EXPECT_EQ(entries(), 3u);
}

TEST_F(PlotCli, AMissingFileIsRefusedWithNothingWritten) {
    const std::string r1 = result("r1.yaml", "ga");
    const std::string missing = file("missing.yaml");
    const std::string path = file("conv.svg");
    const Outcome r = run("plot " + quoted(r1) + " " + quoted(missing) + " -o " + quoted(path));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(contains(r.err, missing + ": error: cannot open file")) << r.err;
    EXPECT_EQ(entries(), 1u);

    // Not a result file: a problem.
    const Outcome problem = run("plot " + quoted(kCluster) + " -o " + quoted(path));
    EXPECT_EQ(problem.status, 2) << problem.err;
    EXPECT_TRUE(contains(problem.err, kCluster)) << problem.err;
    EXPECT_EQ(entries(), 1u);
}

TEST_F(PlotCli, UsageErrorsAndAnOutputThatIsAnInput) {
    const std::string r1 = result("r1.yaml", "ga");
    const std::string before = read_text(r1);
    const Outcome same = run("plot " + quoted(r1) + " -o " + quoted(r1));
    EXPECT_EQ(same.status, 2) << same.err;
    EXPECT_TRUE(contains(same.err, "is also an input file")) << same.err;
    EXPECT_EQ(read_text(r1), before);

    EXPECT_EQ(run("plot " + quoted(r1)).status, 2);                // no -o
    EXPECT_EQ(run("plot -o " + quoted(file("x.svg"))).status, 2);  // no input
    EXPECT_EQ(entries(), 1u);
}

}  // namespace
