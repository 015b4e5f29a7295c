// Runs `allocopt generate` the way a user does: exit codes, stdout, -o files, and that what it
// writes is accepted by `validate` and `solve`.

#include "cli/cli_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using namespace allocopt::test;

namespace fs = std::filesystem;

class GenerateCli : public ScratchDirTest {};

TEST_F(GenerateCli, HelpListsTheGeneratorsWithExamples) {
    Outcome r = run("generate --help");
    EXPECT_EQ(r.status, 0) << r.err;
    for (const char* name : {"etc", "gap", "cluster"}) {
        EXPECT_TRUE(contains(r.out, std::string("allocopt generate ") + name + " ")) << r.out;
    }
    for (const char* name : {"etc", "gap", "cluster"}) {
        SCOPED_TRACE(name);
        r = run(std::string("generate ") + name + " --help");
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(contains(r.out, "--seed")) << r.out;
        EXPECT_TRUE(contains(r.out, "Examples:")) << r.out;
    }
    r = run("--help");
    EXPECT_TRUE(contains(r.out, "\n  generate")) << r.out;
}

TEST_F(GenerateCli, EtcToStdoutIsAProblemWithItsCommandLine) {
    const Outcome r = run("generate etc --tasks 8 --machines 4 --consistency s --seed 3");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_EQ(r.out.rfind("# made by: allocopt generate etc --tasks 8 --machines 4 --consistency "
                          "s --task-heterogeneity hi --machine-heterogeneity hi --seed 3\n",
                          0),
              0u)
        << r.out;
    const YAML::Node doc = YAML::Load(r.out);
    EXPECT_EQ(doc["name"].as<std::string>(), "u_s_hihi-8x4-seed3");
    EXPECT_EQ(doc["tasks"].size(), 8u);
    EXPECT_EQ(doc["resources"].size(), 4u);
    EXPECT_EQ(doc["time"].size(), 8u);
    EXPECT_EQ(doc["time"][0].size(), 4u);
}

TEST_F(GenerateCli, SameSeedSameBytesOtherSeedOtherBytes) {
    for (const char* args : {"etc --tasks 32 --machines 4", "gap --type e --agents 5 --jobs 30",
                             "cluster --jobs 30 --nodes 4"}) {
        SCOPED_TRACE(args);
        const Outcome a = run(std::string("generate ") + args + " --seed 5");
        const Outcome b = run(std::string("generate ") + args + " --seed 5");
        const Outcome c = run(std::string("generate ") + args + " --seed 6");
        EXPECT_EQ(a.status, 0) << a.err;
        EXPECT_EQ(a.out, b.out);
        EXPECT_NE(a.out, c.out);
    }
}

TEST_F(GenerateCli, GeneratedFilesValidateAndSolve) {
    struct Case {
        std::string generate;
        std::string solve;
    };
    // Heuristics named, so that the test does not wait for a metaheuristic's time limit.
    const Case cases[] = {
        {"etc --tasks 1024 --machines 32 --consistency i --task-heterogeneity hi "
         "--machine-heterogeneity lo --seed 1",
         "--solver min-min"},
        {"etc --consistency c --task-heterogeneity lo --machine-heterogeneity lo",
         "--solver min-min"},
        {"gap --type c", "--solver regret"},
        {"gap --type d --agents 5 --jobs 100 --seed 2", "--solver regret"},
        {"gap --type e --agents 10 --jobs 100 --seed 3", "--solver regret"},
        {"cluster", "--solver min-min"},
        {"cluster --jobs 50 --nodes 6 --mix training=0.7,serving=0.3 --arrival-rate 6 --seed 3",
         "--solver sufferage"},
    };
    int k = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.generate);
        const std::string path = file("p" + std::to_string(k++) + ".yaml");
        Outcome r = run("generate " + c.generate + " -o " + quoted(path));
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(contains(r.out, "wrote " + path)) << r.out;
        EXPECT_TRUE(fs::exists(path));
        r = run("validate " + quoted(path));
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(contains(r.out, "valid problem")) << r.out;
        r = run("solve " + quoted(path) + " -q " + c.solve);
        EXPECT_EQ(r.status, 0) << r.out << r.err;
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), k);
}

TEST_F(GenerateCli, OutputMatchesStdoutAndQuietPrintsNothing) {
    const std::string path = file("etc.yaml");
    const Outcome to_file = run("generate etc --tasks 16 --machines 4 -q -o " + quoted(path));
    EXPECT_EQ(to_file.status, 0) << to_file.err;
    EXPECT_TRUE(to_file.out.empty()) << to_file.out;
    const Outcome to_stdout = run("generate etc --tasks 16 --machines 4");
    EXPECT_EQ(read_text(path), to_stdout.out);
}

TEST_F(GenerateCli, BadOptionsExitTwoWithAClearMessage) {
    struct Case {
        std::string args;
        std::string message;
    };
    const Case cases[] = {
        {"generate", "generate needs a generator; expected etc, gap or cluster"},
        {"generate etcc", "unknown generator 'etcc' (did you mean 'etc'?)"},
        {"generate etc --consistency x", "--consistency"},
        {"generate etc --task-heterogeneity medium", "--task-heterogeneity"},
        {"generate etc --seed -1", "--seed: expected a whole number >= 0, got '-1'"},
        {"generate etc --tasks 0", "--tasks: '0' is out of range: expected a whole number from 1"},
        {"generate gap --type f", "--type"},
        {"generate gap --jobs 0", "--jobs"},
        {"generate gap --type c --agents 10 --jobs 2", "fits no agent"},
        {"generate cluster --mix trainign=1", "did you mean 'training'"},
        {"generate cluster --mix serving=-1", "'mix'"},
        {"generate cluster --nodes 1", "'nodes'"},
        {"generate cluster --arrival-rate -2", "--arrival-rate: expected a number >= 0, got '-2'"},
        {"generate cluster --cpu-price nan", "--cpu-price: expected a number >= 0, got 'nan'"},
        {"generate etc --bogus", "--bogus"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const Outcome r = run(c.args);
        EXPECT_EQ(r.status, 2) << r.out << r.err;
        EXPECT_TRUE(contains(r.err, c.message)) << r.err;
        EXPECT_TRUE(r.out.empty() || contains(r.out, "Run with --help")) << r.out;
    }
}

TEST_F(GenerateCli, UnwritableOutputExitsFourAndLeavesNothing) {
    const std::string path = file("missing/dir/p.yaml");
    const Outcome r = run("generate gap -o " + quoted(path));
    EXPECT_EQ(r.status, 4) << r.err;  // an I/O error, not bad input
    EXPECT_TRUE(contains(r.err, "error: 'output'")) << r.err;
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 0);
}

}  // namespace
