#pragma once
// A fixture for the importers' tests: each test gets a fresh directory of its own under the
// system's temporary directory (named after the suite, the process and the test), removed
// afterwards, and writes the small files it reads back there.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace allocopt {

class ScratchDirTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("allocopt-" + std::string(test->test_suite_name()) + "-" +
                std::to_string(getpid()) + "-" + test->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    /// Writes `text` to the file `name` of the directory; returns its path.
    std::string write_file(const std::string& name, const std::string& text) const {
        const std::string path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    std::filesystem::path dir_;
};

}  // namespace allocopt
