// solve --report FILE as a user meets it: one self-contained page with the baseline beside the
// answer and the pictures inline, written also with -q; refused before the search when its
// path is unwritable or is another output's.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/cli_support.hpp"

namespace {

using namespace allocopt::test;

namespace fs = std::filesystem;

const std::string kCluster = ALLOCOPT_PROBLEMS "/gpu-cluster.yaml";

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

class ReportCli : public ScratchDirTest {};

TEST_F(ReportCli, AQuietRunWritesThePageWithTheBaselineAndThreePictures) {
    const Outcome r = run("solve " + quoted(kCluster) + " --max-evals 3000 --seed 2 -q --report " +
                          quoted(file("report.html")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    const std::string page = read_text(file("report.html"));
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.find("<h1>cluster-200x16-seed1</h1>"), std::string::npos);
    EXPECT_NE(page.find("baseline: fcfs \u2192 ga"), std::string::npos);
    // Schedule mode: the Gantt chart, the utilization strip and the convergence plot.
    EXPECT_EQ(occurrences(page, "<svg "), 3u);
    EXPECT_EQ(page.find("<?xml"), std::string::npos);
    for (const char* external : {"<link", " src=", "@import", "https:"}) {
        EXPECT_EQ(page.find(external), std::string::npos) << external;
    }
    // The same comparison as the terminal's, against a separate fcfs run.
    const Outcome fcfs = run("solve " + quoted(kCluster) + " --solver fcfs --no-baseline");
    ASSERT_EQ(fcfs.status, 0) << fcfs.err;
    EXPECT_TRUE(contains(fcfs.out, "= 5526.008")) << fcfs.out;
    EXPECT_NE(page.find("5,526.01 \u2192"), std::string::npos);
}

TEST_F(ReportCli, NoBaselineLeavesTheCardOut) {
    const Outcome r =
        run("solve " + quoted(kCluster) + " --solver fcfs --no-baseline -q --report " +
            quoted(file("report.html")));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string page = read_text(file("report.html"));
    EXPECT_EQ(page.find("baseline-card"), std::string::npos);
    EXPECT_NE(page.find("assignment-data"), std::string::npos);
}

TEST_F(ReportCli, AnUnwritablePageFailsBeforeTheSearchAndLeavesNothing) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome r =
        run("solve " + quoted(kCluster) + " --time-limit 30 -o " + quoted(file("result.yaml")) +
            " --report " + quoted(file("missing/report.html")));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_LT(took, 10.0);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(ReportCli, TwoOutputsNamingOneFileAreRefused) {
    for (const std::string& flags :
         {"-o " + quoted(file("x")) + " --report " + quoted(file("x")),
          "--svg " + quoted(file("x")) + " --svg-convergence " + quoted(file("x")),
          "--report " + quoted(file("x")) + " --svg-utilization " + quoted(file("x"))}) {
        SCOPED_TRACE(flags);
        const Outcome r = run("solve " + quoted(kCluster) + " --time-limit 30 " + flags);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_TRUE(contains(r.err, "is also the file of")) << r.err;
        EXPECT_TRUE(fs::is_empty(dir_));
    }
}

TEST_F(ReportCli, ADashIsNotAPageName) {
    const Outcome r = run("solve " + quoted(kCluster) + " --report -");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "--report needs a file name")) << r.err;
}

}  // namespace
