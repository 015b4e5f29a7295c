#pragma once
// A fixture shared by the CLI tests and the importers' tests: a fresh directory per test.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace allocopt::test {

/// A fixture with a fresh directory for one test's files, removed at the end: under the
/// temporary directory, named after the process and the test, so that tests running at once
/// (ctest -j) never share one.
class ScratchDirTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("allocopt-" + std::string(test->test_suite_name()) + "-" +
                std::to_string(getpid()) + "-" + test->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    /// The path of `name` inside the directory.
    std::string file(const std::string& name) const { return (dir_ / name).string(); }
    /// Writes `text` to the file `name` of the directory; returns its path.
    std::string write_file(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }
    /// How many entries the directory has (temporary files left behind count).
    std::size_t entries() const {
        return static_cast<std::size_t>(
            std::distance(std::filesystem::directory_iterator(dir_), {}));
    }

    std::filesystem::path dir_;
};

}  // namespace allocopt::test
