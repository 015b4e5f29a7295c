// `--from gavel` at the command line: a bundled job set solves with the LP bound reported,
// `--cluster` is read, and bad input exits 2 with a positioned message.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cli/cli_support.hpp"

namespace allocopt::test {
namespace {

const std::string kJobs = std::string(ALLOCOPT_PROBLEMS) + "/gavel/jobs_seed0_n100.csv";

TEST(GavelCli, ValidateReadsTheJobSetAndTheCluster) {
    const Outcome r = run("validate --from gavel " + quoted(kJobs) + " --cluster 8:8:8");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "100")) << r.out;
}

TEST(GavelCli, OrderChoosesThePolicyAndRefusesAnUnknownOne) {
    Outcome r = run("validate --from gavel " + quoted(kJobs));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "policy ljf")) << r.out;
    r = run("validate --from gavel " + quoted(kJobs) + " --order fcfs");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "policy fcfs")) << r.out;
    r = run("validate --from gavel " + quoted(kJobs) + " --order lifo");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "'--order'")) << r.err;
    EXPECT_TRUE(contains(r.err, "lifo")) << r.err;
}

TEST(GavelCli, QueueChoosesBackfillingAndRefusesAnUnknownLayout) {
    Outcome r = run("validate --from gavel " + quoted(kJobs));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "policy ljf with backfilling")) << r.out;
    r = run("validate --from gavel " + quoted(kJobs) + " --queue strict");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "policy ljf;")) << r.out;
    r = run("validate --from gavel " + quoted(kJobs) + " --queue easy");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "'--queue'")) << r.err;
    EXPECT_TRUE(contains(r.err, "easy")) << r.err;
}

TEST(GavelCli, SolveReportsTheLpBound) {
    const Outcome r =
        run("solve --from gavel " + quoted(kJobs) + " --solver fcfs --no-baseline --threads 1");
    ASSERT_EQ(r.status, 0) << r.err;
#if ALLOCOPT_HAVE_CLP
    EXPECT_TRUE(contains(r.out, "note: lower bound from the makespan LP (COIN-OR CLP)")) << r.out;
    EXPECT_TRUE(contains(r.out, "  lower bound ")) << r.out;
    EXPECT_TRUE(contains(r.out, "% above the optimum)")) << r.out;
#else
    EXPECT_FALSE(contains(r.out, "lower bound")) << r.out;
#endif
}

TEST(GavelCli, ABadClusterOrFileExitsTwo) {
    const Outcome cluster = run("validate --from gavel " + quoted(kJobs) + " --cluster 36:36");
    EXPECT_EQ(cluster.status, 2);
    EXPECT_TRUE(contains(cluster.err, "--cluster")) << cluster.err;
    EXPECT_TRUE(contains(cluster.err, "36:36")) << cluster.err;

    const std::string bad = std::filesystem::temp_directory_path() /
                            ("allocopt-gavel-cli-" + std::to_string(getpid()) + ".csv");
    std::ofstream(bad) << "job_id,job_type,scale_factor,total_steps,thr_v100,thr_p100,thr_k80\n"
                          "0,A3C,1,100,10,x,2\n";
    const Outcome file = run("solve --from gavel " + quoted(bad));
    std::filesystem::remove(bad);
    EXPECT_EQ(file.status, 2);
    EXPECT_TRUE(contains(file.err, bad + ":2:16: error: 'thr_p100'")) << file.err;
}

}  // namespace
}  // namespace allocopt::test
