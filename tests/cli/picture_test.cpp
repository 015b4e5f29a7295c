// The picture flags of solve and evaluate (--svg, --svg-utilization, --color-by) as a user
// meets them: the files are written and are valid SVG, an unwritable path fails before the
// search with exit 4 and leaves nothing behind, and a mistyped colour field is exit 2.

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

const std::string kSeed = ALLOCOPT_PROBLEMS "/seed-example.yaml";

std::size_t count_with(const XmlElement& root, const std::string& key) {
    return root.count([&](const XmlElement& e) { return e.attributes.count(key) > 0; });
}

class PictureCli : public ScratchDirTest {};

TEST_F(PictureCli, SolveWritesTheGanttChartAndTheUtilizationStrip) {
    const Outcome r =
        run("solve " + quoted(kSeed) + " --solver fcfs --svg " + quoted(file("gantt.svg")) +
            " --svg-utilization " + quoted(file("busy.svg")) + " --color-by resource");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "picture written to " + file("gantt.svg"))) << r.out;
    const std::string gantt = read_text(file("gantt.svg"));
    const auto root = check_svg(gantt);
    ASSERT_TRUE(root);
    EXPECT_EQ(count_with(*root, "data-task"), 2u);
    EXPECT_TRUE(contains(gantt, "colour: resource"));
    const auto busy = check_svg(read_text(file("busy.svg")));
    ASSERT_TRUE(busy);
    EXPECT_GT(count_with(*busy, "data-busy"), 0u);
}

TEST_F(PictureCli, EvaluateDrawsPackingBarsInPackingMode) {
    const std::string gap = ALLOCOPT_BENCH_INSTANCES "/gap/gap1.txt";
    const std::string result = file("r.json");
    Outcome r =
        run("solve --from orlib-gap " + quoted(gap) + " --solver regret -q -o " + quoted(result));
    ASSERT_EQ(r.status, 0) << r.err;
    r = run("evaluate --from orlib-gap " + quoted(gap) + " --allocation " + quoted(result) +
            " --format json --svg " + quoted(file("packing.svg")));
    ASSERT_EQ(r.status, 0) << r.err;
    const auto root = check_svg(read_text(file("packing.svg")));
    ASSERT_TRUE(root);
    // gap1's first instance: 5 agents, dimensions units and load.
    EXPECT_EQ(count_with(*root, "data-dimension"), 10u);
    EXPECT_EQ(count_with(*root, "data-task"), 0u);
}

TEST_F(PictureCli, AnUnwritablePictureFailsBeforeTheSearchAndLeavesNothing) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome r =
        run("solve --from braun-etc " + quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_hihi.0") +
            " --time-limit 30 --threads 1 -o " + quoted(file("result.yaml")) + " --svg " +
            quoted(file("missing/gantt.svg")) + " --svg-utilization " + quoted(file("busy.svg")));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_LT(took, 10.0);
    EXPECT_TRUE(r.out.empty()) << r.out;  // no summary: the search never ran
    EXPECT_TRUE(contains(r.err, "cannot create a file in the directory '" + file("missing") + "'"))
        << r.err;
    EXPECT_TRUE(fs::is_empty(dir_));  // neither the result nor a temporary file
    const Outcome e =
        run("evaluate " + quoted(kSeed) + " --svg-utilization " + quoted(file("missing/busy.svg")));
    EXPECT_EQ(e.status, 4) << e.err;
    EXPECT_TRUE(e.out.empty()) << e.out;
    EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(PictureCli, AMistypedColourFieldIsExitTwoWithAHint) {
    const Outcome r = run("solve " + quoted(kSeed) + " --solver fcfs --svg " +
                          quoted(file("gantt.svg")) + " --color-by tpye");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "--color-by")) << r.err;
    EXPECT_TRUE(contains(r.err, "did you mean 'type'?")) << r.err;
    EXPECT_TRUE(fs::is_empty(dir_));
    const Outcome e = run("evaluate " + quoted(kSeed) + " --color-by colour");
    EXPECT_EQ(e.status, 2) << e.err;
    const Outcome dash = run("evaluate " + quoted(kSeed) + " --svg -");
    EXPECT_EQ(dash.status, 2) << dash.err;
    EXPECT_TRUE(contains(dash.err, "a picture needs a file name")) << dash.err;
}

}  // namespace
