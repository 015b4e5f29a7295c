#include "allocopt/metrics.hpp"

#include <gtest/gtest.h>

#include "allocopt/io/problem_yaml.hpp"

namespace allocopt {
namespace {

// The seed's data: preprocessing 100 x 10 on 4 of 8 CPU units, training 500 x 5 on 2 of 4
// GPU units. The seed prints work 7000 and utilization 30 for it; its own formulas give
// 100*10 + 500*5 = 3500 and 4*10 + 2*5 = 50 (see docs/formulas.md).
TEST(SeedMetrics, WorkedExampleFollowsTheFormulas) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    ASSERT_TRUE(file.allocation.has_value());
    const SeedMetrics m = seed_metrics(file.problem, *file.allocation);
    EXPECT_DOUBLE_EQ(m.total_work, 3500.0);
    EXPECT_DOUBLE_EQ(m.total_utilization, 50.0);
    EXPECT_DOUBLE_EQ(m.objective, 70.0);
    ASSERT_EQ(m.utilization_rate.size(), 2u);
    EXPECT_DOUBLE_EQ(m.utilization_rate[0], 0.5);  // 4 of 8 CPUs
    EXPECT_DOUBLE_EQ(m.utilization_rate[1], 0.5);  // 2 of 4 GPUs
    EXPECT_DOUBLE_EQ(m.mean_utilization_rate, 0.5);
}

// The seed text prints 606 and 11.57 here; max(100, 10) + max(500, 5) is 600, so the
// formula gives 11.67. We implement the formula.
TEST(SeedMetrics, DegreeOfParallelismFollowsTheFormulaNotTheSeedsSlip) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const SeedMetrics m = seed_metrics(file.problem, *file.allocation);
    EXPECT_DOUBLE_EQ(m.concurrent_work, 600.0);
    EXPECT_NE(m.concurrent_work, 606.0);
    EXPECT_NEAR(m.degree_of_parallelism, 3500.0 / 600.0, 1e-12);
}

TEST(SeedMetrics, UnplacedTasksCountForNothing) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    Allocation allocation = *file.allocation;
    allocation.resource[1] = Allocation::kUnplaced;
    const SeedMetrics m = seed_metrics(file.problem, allocation);
    EXPECT_DOUBLE_EQ(m.total_work, 1000.0);
    EXPECT_DOUBLE_EQ(m.total_utilization, 40.0);
    EXPECT_DOUBLE_EQ(m.utilization_rate[1], 0.0);
    EXPECT_DOUBLE_EQ(m.mean_utilization_rate, 0.25);
}

TEST(SeedMetrics, ResourceWeightScalesUtilization) {
    ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    ProblemData data = file.problem.data();
    data.resources[1].weight = 2.0;
    const Problem weighted(data);
    const SeedMetrics m = seed_metrics(weighted, *file.allocation);
    EXPECT_DOUBLE_EQ(m.total_utilization, 40.0 + 2.0 * 10.0);
}

}  // namespace
}  // namespace allocopt
