// `solve --svg-convergence FILE`: the picture of the run is written atomically after the search,
// and a path that cannot be written fails before it, as -o does.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
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

const std::string kBraun = ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_hihi.0";

class ConvergenceCli : public ScratchDirTest {};

// A Braun instance: the GA proves a lower bound there (within this budget), which the picture
// draws.
TEST_F(ConvergenceCli, WritesAValidPictureWithOneCurveAndTheLowerBound) {
    const std::string path = file("conv.svg");
    const Outcome r = run("solve --from braun-etc " + quoted(kBraun) +
                          " --max-evals 2000000 --threads 1 --svg-convergence " + quoted(path));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "convergence picture written to " + path)) << r.out;
    const std::string text = read_text(path);
    const auto root = check_svg(text);
    ASSERT_TRUE(root);
    // One series, named after the solver, drawn in each panel.
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "g" && e.attribute("class") == "series";
    }),
              1u);
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "g" && e.attribute("data-series") == "ga";
    }),
              1u);
    EXPECT_EQ(root->count([](const XmlElement& e) { return e.name == "polyline"; }), 2u);
    EXPECT_EQ(
        root->count([](const XmlElement& e) { return e.name == "text" && e.text == "makespan"; }),
        1u);
    ASSERT_TRUE(contains(r.out, "  lower bound ")) << r.out;
    EXPECT_EQ(root->count([](const XmlElement& e) {
        return e.name == "text" && e.text.starts_with("lower bound ");
    }),
              1u);
    EXPECT_EQ(entries(), 1u);  // no temporary file left
}

TEST_F(ConvergenceCli, AnUnwritablePathFailsBeforeTheSearchAndLeavesNothing) {
    const std::string result = file("result.yaml");
    const std::string picture = file("missing/dir/conv.svg");
    const auto start = std::chrono::steady_clock::now();
    const Outcome r =
        run("solve --from braun-etc " + quoted(kBraun) + " --time-limit 30 --threads 1 -o " +
            quoted(result) + " --svg-convergence " + quoted(picture));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 4) << r.err;  // as -o gives
    EXPECT_LT(took, 10.0);
    EXPECT_TRUE(r.out.empty()) << r.out;  // no summary: the search never ran
    EXPECT_TRUE(contains(r.err, "cannot create a file in the directory '" + file("missing/dir") +
                                    "': No such file or directory"))
        << r.err;
    EXPECT_EQ(entries(), 0u);  // not even the result file, nor its temporary file
}

TEST_F(ConvergenceCli, ADashOrTheResultFileIsRefused) {
    const Outcome dash =
        run("solve --from braun-etc " + quoted(kBraun) + " --max-evals 100 --svg-convergence -");
    EXPECT_EQ(dash.status, 2) << dash.err;
    EXPECT_TRUE(contains(dash.err, "--svg-convergence needs a file name; got '-'")) << dash.err;
    const std::string path = file("same");
    const Outcome same = run("solve --from braun-etc " + quoted(kBraun) + " --max-evals 100 -o " +
                             quoted(path) + " --svg-convergence " + quoted(path));
    EXPECT_EQ(same.status, 2) << same.err;
    EXPECT_TRUE(contains(same.err, "is also the file of -o")) << same.err;
    EXPECT_EQ(entries(), 0u);
}

}  // namespace
