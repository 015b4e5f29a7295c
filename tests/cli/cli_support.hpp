#pragma once
// What the CLI tests share: running the built `allocopt` binary the way a user does and
// capturing its exit code, stdout and stderr.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "scratch_dir.hpp"

namespace allocopt::test {

inline const std::string kExe = ALLOCOPT_EXE;

/// The whole content of the file at `path` ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

/// `s` quoted for /bin/sh.
inline std::string quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

/// Runs `allocopt ARGS` (ARGS already quoted), capturing stdout through a pipe and stderr
/// through a file.
inline Outcome run(const std::string& args) {
    namespace fs = std::filesystem;
    static int counter = 0;
    const fs::path err_file =
        fs::temp_directory_path() / ("allocopt-cli-test-" + std::to_string(getpid()) + "-" +
                                     std::to_string(counter++) + ".err");
    const std::string command = quoted(kExe) + " " + args + " 2>" + quoted(err_file.string());
    Outcome r;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        ADD_FAILURE() << "popen failed: " << command;
        return r;
    }
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        r.out.append(buffer, n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream in(err_file);
    std::ostringstream err;
    err << in.rdbuf();
    r.err = err.str();
    fs::remove(err_file);
    return r;
}

/// A Braun-format ETC instance of `tasks` x 4 (consistent, hi-hi) in the temporary folder,
/// written when missing; the caller removes it.
inline std::string big_etc(int tasks) {
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("allocopt-cli-etc-" + std::to_string(getpid()) + "-" + std::to_string(tasks) + ".txt");
    if (std::filesystem::exists(path)) return path.string();
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> task(1, 3000), machine(1, 1000);
    std::ofstream out(path);
    char line[64];
    for (int i = 0; i < tasks; ++i) {
        const double tau = task(rng);
        std::vector<double> row;
        for (int j = 0; j < 4; ++j)
            row.push_back(tau * machine(rng));
        std::sort(row.begin(), row.end());
        for (double v : row) {
            std::snprintf(line, sizeof line, "%.6f\n", v);
            out << line;
        }
    }
    return path.string();
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace allocopt::test
