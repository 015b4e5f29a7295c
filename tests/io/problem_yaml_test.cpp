#include "allocopt/io/problem_yaml.hpp"

#include <gtest/gtest.h>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

TEST(ReadProblem, SeedExample) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    EXPECT_EQ(file.problem.name(), "seed-example");
    EXPECT_EQ(file.problem.num_tasks(), 2u);
    EXPECT_EQ(file.problem.num_resources(), 2u);
    ASSERT_TRUE(file.allocation);
    EXPECT_EQ(file.allocation->units[0], 4);
}

}  // namespace
}  // namespace allocopt
