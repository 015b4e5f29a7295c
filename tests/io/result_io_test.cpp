#include "allocopt/io/result_io.hpp"

#include <gtest/gtest.h>

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
