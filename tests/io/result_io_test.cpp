#include "allocopt/io/result_io.hpp"

#include <gtest/gtest.h>

#include "allocopt/error.hpp"
#include "allocopt/io/problem_yaml.hpp"

namespace allocopt {
namespace {

TEST(ResultIo, FormatFromExtension) {
    EXPECT_EQ(format_for_path("out.json"), OutputFormat::json);
    EXPECT_EQ(format_for_path("out.yaml"), OutputFormat::yaml);
    EXPECT_EQ(format_for_path("json"), OutputFormat::yaml);
}

}  // namespace
}  // namespace allocopt

namespace allocopt {
namespace {

// Found by the fuzzer: YAML's "\N" escape decodes to bytes that nlohmann-json refuses.
TEST(ResultIo, JsonOutputSurvivesNamesThatAreNotUtf8) {
    const ProblemFile file = parse_problem(
        "name: \"\\N\"\nresources: [{id: r, capacity: {units: 1}}]\ntasks: [{id: t}]\n");
    const std::string json = allocation_text(file.problem, Allocation(1), OutputFormat::json);
    EXPECT_NE(json.find("\"assignment\""), std::string::npos);
}

TEST(ResultIo, WriteIsAtomicAndReportsAMissingDirectory) {
    const std::string dir = ::testing::TempDir();
    const std::string path = dir + "/allocopt_result_io_test.yaml";
    write_text_atomic(path, "first\n");
    write_text_atomic(path, "second\n");
    EXPECT_EQ(read_file_text(path), "second\n");
    EXPECT_THROW(write_text_atomic(dir + "/no/such/dir/out.yaml", "x"), InputError);
}

}  // namespace
}  // namespace allocopt
