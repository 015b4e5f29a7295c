#include "allocopt/error.hpp"

#include <gtest/gtest.h>

namespace allocopt {
namespace {

TEST(InputError, MessageCarriesPositionKeyAndValue) {
    const InputError e("tasks[1].workload", "\"abc\"", "expected a number",
                       {"cluster.yaml", 12, 5});
    EXPECT_STREQ(e.what(),
                 "cluster.yaml:12:5: error: 'tasks[1].workload': expected a number (value: "
                 "\"abc\")");
    EXPECT_EQ(e.key(), "tasks[1].workload");
    EXPECT_EQ(e.position().line, 12);
}

TEST(InputError, UnknownPartsAreLeftOut) {
    EXPECT_STREQ(InputError("", "", "cannot open file", {"x.yaml", 0, 0}).what(),
                 "x.yaml: error: cannot open file");
    EXPECT_STREQ(InputError("k", "", "bad").what(), "error: 'k': bad");
}

TEST(InputError, AtMovesTheErrorKeepingItsContent) {
    const InputError e =
        InputError("horizon", "-1", "must be greater than 0").at({"p.yaml", 3, 10});
    EXPECT_STREQ(e.what(), "p.yaml:3:10: error: 'horizon': must be greater than 0 (value: -1)");
}

}  // namespace
}  // namespace allocopt
