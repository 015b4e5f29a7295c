// The Gavel job-set importer (io/gavel.hpp): a bundled set, --cluster, and every refusal at its
// field (file, line, column, key = the column's name, value = the token).

#include "allocopt/io/gavel.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "io/error_of.hpp"
#include "scratch_dir.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;

const std::string kBundled = std::string(ALLOCOPT_PROBLEMS) + "/gavel/jobs_seed0_n100.csv";
const std::string kHeader =
    "job_id,job_type,scale_factor,total_steps,duration_on_v100_s,thr_v100,thr_p100,thr_k80\n";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// The bundled set (problems/gavel/jobs_seed0_n100.csv)

TEST(GavelBundled, ImportsEveryJobAsATaskOnThreeGpuTypes) {
    const Problem p = import_gavel(kBundled);
    EXPECT_EQ(p.name(), "jobs_seed0_n100");
    EXPECT_EQ(p.mode(), Mode::schedule);
    EXPECT_EQ(p.policy(), Policy::ljf);  // the default order: longest first
    EXPECT_EQ(p.objective().describe(), "minimize makespan");
    ASSERT_EQ(p.num_tasks(), 100u);
    ASSERT_EQ(p.num_resources(), 3u);
    const char* ids[] = {"v100", "p100", "k80"};
    for (std::size_t j = 0; j < 3; ++j) {
        EXPECT_EQ(p.resource(j).id, ids[j]);
        EXPECT_EQ(p.capacity(j, 0), 36.0);
    }
    EXPECT_EQ(p.task(0).id, "0");
    EXPECT_EQ(p.task(99).id, "99");
    EXPECT_EQ(p.task(0).kind, TaskKind::training);
}

TEST(GavelBundled, UnitsAreTheScaleFactorAndTimesTotalStepsOverThroughput) {
    const Problem p = import_gavel(kBundled);
    // Line 2: 0,ResNet-18 (batch size
    // 64),8,17484476.26110642,68344.35..,255.829..,120.036..,42.644..
    const double steps = 17484476.26110642;
    const double thr[] = {255.82913926317391, 120.03699011475503, 42.64410449114462};
    EXPECT_TRUE(p.task(0).units.fixed());
    EXPECT_EQ(p.task(0).units.min, 8);
    for (std::size_t j = 0; j < 3; ++j) {
        EXPECT_TRUE(p.allowed(0, j));
        EXPECT_DOUBLE_EQ(p.time(0, j), steps / thr[j]);
        // The throughput is the whole job's on its 8 GPUs: 8 units take the same time.
        EXPECT_DOUBLE_EQ(p.duration(0, j, 8), steps / thr[j]);
    }
    EXPECT_NEAR(p.duration(0, 0, 8), 68344.35010595087, 1e-6);  // the file's duration_on_v100_s
    // Line 3: 1,Transformer (batch size 16),1,343170.46864225325,..,11.064..,9.537..,5.467..
    EXPECT_EQ(p.task(1).units.min, 1);
    EXPECT_DOUBLE_EQ(p.duration(1, 2, 1), 343170.46864225325 / 5.467379291465242);
}

TEST(GavelBundled, AZeroThroughputMakesTheTypeNotAllowed) {
    const Problem p = import_gavel(kBundled);
    // Line 45: 43,ResNet-50 (batch size 128),8,...,10.29..,9.93..,0.0 (no K80 at 8 GPUs).
    const std::size_t i = *p.task_index("43");
    EXPECT_TRUE(p.allowed(i, 0));
    EXPECT_TRUE(p.allowed(i, 1));
    EXPECT_FALSE(p.allowed(i, 2));
    EXPECT_FALSE(p.can_host(i, 2));
    EXPECT_EQ(p.task(i).units.min, 8);
}

TEST(GavelBundled, TheClusterSetsTheCapacitiesAndLeavesOutEmptyTypes) {
    const Problem p = import_gavel(kBundled, parse_gavel_cluster("8:0:12"));
    ASSERT_EQ(p.num_resources(), 2u);
    EXPECT_EQ(p.resource(0).id, "v100");
    EXPECT_EQ(p.capacity(0, 0), 8.0);
    EXPECT_EQ(p.resource(1).id, "k80");
    EXPECT_EQ(p.capacity(1, 0), 12.0);
    // Job 0's K80 time is now column 1.
    EXPECT_DOUBLE_EQ(p.time(0, 1), 17484476.26110642 / 42.64410449114462);
    EXPECT_FALSE(p.allowed(*p.task_index("43"), 1));
}

TEST(GavelBundled, ImportProblemReadsTheFormatNameAndTheClusterOption) {
    ImportOptions options;
    options.cluster = "10:20:30";
    const Problem p = import_problem("gavel", kBundled, options);
    EXPECT_EQ(p.num_tasks(), 100u);
    EXPECT_EQ(p.capacity(2, 0), 30.0);
    options.cluster = "10:20";
    const InputError e = error_of([&] { import_problem("gavel", kBundled, options); });
    EXPECT_EQ(e.key(), "--cluster");
    EXPECT_EQ(e.value(), "10:20");
}

TEST(GavelBundled, TheOrderOptionSetsThePolicy) {
    EXPECT_EQ(import_gavel(kBundled, {}, Policy::fcfs).policy(), Policy::fcfs);
    ImportOptions options;
    EXPECT_EQ(import_problem("gavel", kBundled, options).policy(), Policy::ljf);
    options.order = "fcfs";
    EXPECT_EQ(import_problem("gavel", kBundled, options).policy(), Policy::fcfs);
    options.order = "ljf";
    EXPECT_EQ(import_problem("gavel", kBundled, options).policy(), Policy::ljf);
    options.order = "lifo";
    const InputError e = error_of([&] { import_problem("gavel", kBundled, options); });
    EXPECT_EQ(e.key(), "--order");
    EXPECT_EQ(e.value(), "lifo");
    EXPECT_TRUE(has(e.what(), "fcfs")) << e.what();
}

TEST(GavelBundled, QueuesBackfillUnlessTheQueueOptionSaysStrict) {
    EXPECT_TRUE(import_gavel(kBundled).backfill());
    EXPECT_FALSE(import_gavel(kBundled, {}, Policy::ljf, false).backfill());
    ImportOptions options;
    EXPECT_TRUE(import_problem("gavel", kBundled, options).backfill());
    options.queue = "strict";
    EXPECT_FALSE(import_problem("gavel", kBundled, options).backfill());
    options.queue = "backfill";
    EXPECT_TRUE(import_problem("gavel", kBundled, options).backfill());
    options.queue = "easy";
    const InputError e = error_of([&] { import_problem("gavel", kBundled, options); });
    EXPECT_EQ(e.key(), "--queue");
    EXPECT_EQ(e.value(), "easy");
    EXPECT_TRUE(has(e.what(), "strict")) << e.what();
}

TEST(GavelBundled, LongestFirstQueuesEachTypeByDecreasingDuration) {
    // Every job on the V100s, strict queue: the list schedule starts them by decreasing
    // duration (then units).
    const Problem p = import_gavel(kBundled, {}, Policy::ljf, false);
    Allocation a(p.num_tasks());
    for (std::size_t i = 0; i < p.num_tasks(); ++i)
        a.place(i, 0, p.task(i).units.min);
    const Report r = Evaluator(p).report(a);
    std::vector<std::size_t> order(p.num_tasks());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (p.time(x, 0) != p.time(y, 0)) return p.time(x, 0) > p.time(y, 0);
        return p.task(x).units.min > p.task(y).units.min;
    });
    for (std::size_t k = 1; k < order.size(); ++k)
        EXPECT_LE(r.start[order[k - 1]], r.start[order[k]]) << k;
    // Job 1 (1 GPU, 31,017 s on a V100) starts at once in job order, late longest first.
    const Report fcfs = Evaluator(import_gavel(kBundled, {}, Policy::fcfs, false)).report(a);
    EXPECT_EQ(fcfs.start[1], 0.0);
    EXPECT_GT(r.start[1], 0.0);
}

// ---------------------------------------------------------------------------------------------
// --cluster

TEST(GavelCluster, ParsesThreeCountsInV100P100K80Order) {
    EXPECT_EQ(parse_gavel_cluster("36:36:36").gpus, (std::array<int, 3>{36, 36, 36}));
    EXPECT_EQ(parse_gavel_cluster("1:0:7").gpus, (std::array<int, 3>{1, 0, 7}));
    EXPECT_EQ(GavelCluster{}.gpus, (std::array<int, 3>{36, 36, 36}));
    EXPECT_EQ(gavel_cluster_text(parse_gavel_cluster("4:5:6")), "4:5:6");
}

TEST(GavelCluster, RefusesAnythingElseQuotingIt) {
    for (const char* bad : {"", "36", "36:36", "36:36:36:36", "36::36", "a:1:1", "1:2:x", "-1:2:3",
                            "1.5:2:3", " 1:2:3", "1:2:3 ", "0:0:0", "99999999:1:1"}) {
        SCOPED_TRACE(bad);
        const InputError e = error_of([&] { parse_gavel_cluster(bad); });
        EXPECT_EQ(e.key(), "--cluster");
        EXPECT_EQ(e.value(), bad);
        EXPECT_FALSE(e.message().empty());
    }
    EXPECT_TRUE(has(error_of([] { parse_gavel_cluster("0:0:0"); }).message(), "no GPUs"));
}

TEST(GavelCluster, AJobThatNoTypeCanHoldIsNamedAtItsScaleFactor) {
    // 4 GPUs per type: job 0 (line 2) asks for 8.
    const InputError e = error_of([] { import_gavel(kBundled, parse_gavel_cluster("4:4:4")); });
    expect_at(e, kBundled, 2, 29, "scale_factor", "8");
    EXPECT_TRUE(has(e.message(), "job 0 needs 8 GPUs")) << e.message();
    EXPECT_TRUE(has(e.message(), "4:4:4")) << e.message();
    // Only K80s: job 43 (line 45, 8 GPUs) cannot run on K80 at all.
    const InputError k80 = error_of([] { import_gavel(kBundled, parse_gavel_cluster("0:0:36")); });
    EXPECT_EQ(k80.position().line, 45);
    EXPECT_TRUE(has(k80.message(), "job 43")) << k80.message();
}

// ---------------------------------------------------------------------------------------------
// Bad files

class GavelImport : public test::ScratchDirTest {
  protected:
    std::string write(const std::string& text) const { return write_file("jobs.csv", text); }
    /// The error of importing a file of kHeader and `rows`.
    InputError error(const std::string& rows) const {
        const std::string path = write(kHeader + rows);
        return error_of([&] { import_gavel(path); });
    }
    std::string path() const { return (dir_ / "jobs.csv").string(); }
};

const std::string kGood = "0,A3C,1,100,10,10,5,2\n";

TEST_F(GavelImport, ReadsColumnsByNameInAnyOrder) {
    const Problem p =
        import_gavel(write("thr_k80,extra,thr_p100,thr_v100,total_steps,scale_factor,"
                           "job_type,job_id\n"
                           "2,x,5,10,100,1,CycleGAN,a\n"
                           "\n"
                           "0,y,4,8,64,2,LM (batch size 20),b\n"));
    ASSERT_EQ(p.num_tasks(), 2u);
    EXPECT_EQ(p.task(0).id, "a");
    EXPECT_DOUBLE_EQ(p.duration(0, 0, 1), 10.0);
    EXPECT_DOUBLE_EQ(p.duration(0, 1, 1), 20.0);
    EXPECT_DOUBLE_EQ(p.duration(0, 2, 1), 50.0);
    EXPECT_EQ(p.task(1).units.min, 2);
    EXPECT_DOUBLE_EQ(p.duration(1, 0, 2), 8.0);
    EXPECT_FALSE(p.allowed(1, 2));
}

TEST_F(GavelImport, AMissingColumnIsNamed) {
    const std::string path =
        write("job_id,job_type,scale_factor,total_steps,thr_v100,thr_p100\n" + kGood);
    const InputError e = error_of([&] { import_gavel(path); });
    EXPECT_EQ(e.position().line, 1);
    EXPECT_EQ(e.key(), "header");
    EXPECT_TRUE(has(e.message(), "missing column 'thr_k80'")) << e.message();
}

TEST_F(GavelImport, ANegativeOrNonNumericThroughputIsPlaced) {
    expect_at(error(kGood + "1,A3C,1,100,10,10,-5,2\n"), path(), 3, 19, "thr_p100", "-5");
    expect_at(error(kGood + "1,A3C,1,100,10,abc,5,2\n"), path(), 3, 16, "thr_v100", "abc");
    expect_at(error(kGood + "1,A3C,1,100,10,10,5,inf\n"), path(), 3, 21, "thr_k80", "inf");
    expect_at(error(kGood + "1,A3C,1,100,10,10,5,\n"), path(), 3, 21, "thr_k80", "");
}

TEST_F(GavelImport, AnUnknownJobTypeIsPlacedWithAHint) {
    const InputError e = error(kGood + "1,ResNet-50 (batch size 256),1,100,10,10,5,2\n");
    expect_at(e, path(), 3, 3, "job_type", "ResNet-50 (batch size 256)");
    const InputError near = error("0,ResNet-18 (batch size 46),1,100,10,10,5,2\n");
    EXPECT_TRUE(has(near.message(), "did you mean 'ResNet-18 (batch size 16)'")) << near.message();
}

TEST_F(GavelImport, AJobWithEveryThroughputZeroIsNamed) {
    const InputError e = error(kGood + "job-7,A3C,1,100,10,0,0.0,0\n");
    expect_at(e, path(), 3, 20, "thr_v100", "0");
    EXPECT_TRUE(has(e.message(), "job job-7")) << e.message();
    EXPECT_TRUE(has(e.message(), "can run nowhere")) << e.message();
}

TEST_F(GavelImport, BadScaleFactorsAndStepsArePlaced) {
    expect_at(error("0,A3C,0,100,10,10,5,2\n"), path(), 2, 7, "scale_factor", "0");
    expect_at(error("0,A3C,two,100,10,10,5,2\n"), path(), 2, 7, "scale_factor", "two");
    expect_at(error("0,A3C,1.5,100,10,10,5,2\n"), path(), 2, 7, "scale_factor", "1.5");
    expect_at(error("0,A3C,1,0,10,10,5,2\n"), path(), 2, 9, "total_steps", "0");
    expect_at(error("0,A3C,1,-3,10,10,5,2\n"), path(), 2, 9, "total_steps", "-3");
    expect_at(error("0,A3C,1,nan,10,10,5,2\n"), path(), 2, 9, "total_steps", "nan");
    // A throughput so small that the time overflows.
    expect_at(error("0,A3C,1,1e300,10,1e-300,5,2\n"), path(), 2, 18, "thr_v100", "1e-300");
}

TEST_F(GavelImport, RowsOfTheWrongShapeAndBadIdsArePlaced) {
    expect_at(error(kGood + "1,A3C,1,100,10,10,5\n"), path(), 3, 20, "columns", "end of file");
    expect_at(error(kGood + "1,A3C,1,100,10,10,5,2,9\n"), path(), 3, 23, "columns", "9");
    expect_at(error(kGood + "0,A3C,1,100,10,10,5,2\n"), path(), 3, 1, "job_id", "0");
    EXPECT_TRUE(has(error(kGood + "0,A3C,1,100,10,10,5,2\n").message(), "first on line 2"));
    expect_at(error(",A3C,1,100,10,10,5,2\n"), path(), 2, 1, "job_id", "\"\"");
}

TEST_F(GavelImport, EmptyFilesAndMissingFilesAreRefused) {
    EXPECT_EQ(error("").key(), "job_id");  // a header and no rows
    EXPECT_TRUE(has(error("").message(), "no rows"));
    const std::string empty = write("");
    EXPECT_EQ(error_of([&] { import_gavel(empty); }).key(), "header");
    const InputError missing = error_of([&] { import_gavel((dir_ / "nope.csv").string()); });
    EXPECT_EQ(missing.key(), "path");
}

}  // namespace
}  // namespace allocopt
