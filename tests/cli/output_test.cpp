// Where `-o` and standard output go, the way a user meets them: a symbolic link is written
// through, a device or FIFO is written in place (never replaced by a file), `-o -` and
// /dev/stdout are standard output, an unwritable path fails before the work with exit 4, and
// a write to standard output that fails (/dev/full) is not reported as success.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_support.hpp"

namespace {

using namespace allocopt::test;

namespace fs = std::filesystem;

const std::string kSeed = ALLOCOPT_PROBLEMS "/seed-example.yaml";
const std::string kSmall = "generate etc --tasks 4 --machines 2 --seed 3";

/// A fresh directory for one test's files, removed at the end.
class OutputCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("allocopt-output-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        expected_ = run(kSmall).out;  // what -o should receive
        ASSERT_FALSE(expected_.empty());
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string file(const std::string& name) const { return (dir_ / name).string(); }
    /// The names in the test's directory, sorted, one per line.
    std::string listing() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir_))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        std::string out;
        for (const std::string& n : names)
            out += n + "\n";
        return out;
    }

    fs::path dir_;
    std::string expected_;
};

TEST_F(OutputCli, ASymbolicLinkIsWrittenThroughAndStaysALink) {
    fs::create_directories(dir_ / "real");
    std::ofstream(file("real/target.yaml")) << "old\n";
    fs::create_directories(dir_ / "links");
    fs::create_symlink("../real/target.yaml", dir_ / "links/link.yaml");  // relative
    Outcome r = run(kSmall + " -q -o " + quoted(file("links/link.yaml")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir_ / "links/link.yaml"));
    EXPECT_EQ(read_text(dir_ / "real/target.yaml"), expected_);
    // A link whose target does not exist yet creates the target.
    fs::create_symlink(dir_ / "real/new.yaml", dir_ / "links/dangling.yaml");  // absolute
    r = run(kSmall + " -q -o " + quoted(file("links/dangling.yaml")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir_ / "links/dangling.yaml"));
    EXPECT_EQ(read_text(dir_ / "real/new.yaml"), expected_);
    EXPECT_EQ(listing(), "links\nreal\n");
    // solve too.
    r = run("solve " + quoted(kSeed) + " --solver fcfs -q -o " + quoted(file("links/link.yaml")));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir_ / "links/link.yaml"));
    EXPECT_TRUE(contains(read_text(dir_ / "real/target.yaml"), "solver:"));
}

TEST_F(OutputCli, AFifoIsWrittenInPlaceNotReplaced) {
    const std::string fifo = file("pipe");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    // A reader opened first (without waiting for a writer); the text fits the pipe's buffer.
    const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    const Outcome r = run(kSmall + " -q -o " + quoted(fifo));
    std::string got;
    char buffer[4096];
    ssize_t n;
    while ((n = read(reader, buffer, sizeof buffer)) > 0)
        got.append(buffer, static_cast<std::size_t>(n));
    close(reader);
    EXPECT_EQ(r.status, 0) << r.err;
    struct stat st;
    ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
    EXPECT_EQ(got, expected_);
    EXPECT_EQ(listing(), "pipe\n");
}

// Run as root, the rename used to replace /dev/null with a regular file.
TEST_F(OutputCli, DevNullStaysACharacterDevice) {
    for (const std::string& args :
         {kSmall + " -o /dev/null", "solve " + quoted(kSeed) + " --solver fcfs -q -o /dev/null"}) {
        SCOPED_TRACE(args);
        const Outcome r = run(args);
        EXPECT_EQ(r.status, 0) << r.err;
        struct stat st;
        ASSERT_EQ(lstat("/dev/null", &st), 0);
        ASSERT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null is no longer a device";
    }
}

TEST_F(OutputCli, DashAndDevStdoutAreStandardOutput) {
    Outcome r = run(kSmall + " -o -");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, expected_);
    r = run(kSmall + " -q -o /dev/stdout");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, expected_);
    EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
    // solve -o - : the result alone on stdout (JSON needs a .json name, so YAML here); the
    // summary on stderr.
    r = run("solve " + quoted(kSeed) + " --solver fcfs -o -");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("problem: seed-example\n", 0), 0u) << r.out;
    EXPECT_TRUE(contains(r.out, "assignment:")) << r.out;
    EXPECT_TRUE(contains(r.err, "solved by fcfs")) << r.err;
    // /dev/stdout redirected to a regular file: the summary, then the result, in that file,
    // which is the shell's file still (not replaced behind its back).
    const std::string log = file("log.txt");
    r = run("solve " + quoted(kSeed) + " --solver fcfs -o /dev/stdout > " + quoted(log));
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string text = read_text(log);
    const auto summary = text.find("solved by fcfs"), result = text.find("assignment:"),
               written = text.find("result written to /dev/stdout");
    ASSERT_NE(summary, std::string::npos) << text;
    ASSERT_NE(result, std::string::npos) << text;
    ASSERT_NE(written, std::string::npos) << text;
    EXPECT_LT(summary, result);
    EXPECT_LT(result, written);
}

TEST_F(OutputCli, AnEmptyOutputNameIsAUsageError) {
    for (const std::string& args :
         {"solve " + quoted(kSeed) + " --solver fcfs -o ''", kSmall + " -o ''"}) {
        SCOPED_TRACE(args);
        const Outcome r = run(args);
        EXPECT_EQ(r.status, 2) << r.out << r.err;
        EXPECT_TRUE(contains(r.err, "--output: -o needs a file name")) << r.err;
        EXPECT_TRUE(contains(r.err, "got ''")) << r.err;
    }
}

// The path is tried before the search: a missing directory fails at once with exit 4, not
// after the time limit.
TEST_F(OutputCli, AMissingDirectoryFailsBeforeTheSearchWithExitFour) {
    const std::string path = file("missing/dir/out.yaml");
    const auto start = std::chrono::steady_clock::now();
    const Outcome r =
        run("solve --from braun-etc " + quoted(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_hihi.0") +
            " --time-limit 30 --threads 1 -o " + quoted(path));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_LT(took, 10.0);
    EXPECT_TRUE(r.out.empty()) << r.out;  // no summary: the search never ran
    EXPECT_TRUE(contains(r.err, "error: 'output': cannot create a file in the directory '" +
                                    file("missing/dir") + "': No such file or directory"))
        << r.err;
    EXPECT_EQ(listing(), "");
}

TEST_F(OutputCli, ADirectoryAsTheTargetFailsWithExitFourAndLeavesNothing) {
    fs::create_directories(dir_ / "sub");
    const Outcome r = run("solve " + quoted(kSeed) + " --solver fcfs -q -o " + quoted(file("sub")));
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_TRUE(contains(r.err, "Is a directory")) << r.err;
    EXPECT_EQ(listing(), "sub\n");
    EXPECT_TRUE(fs::is_empty(dir_ / "sub"));
}

TEST_F(OutputCli, AReplacedFileKeepsItsPermissions) {
    const std::string path = file("out.yaml");
    std::ofstream(path) << "old\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const Outcome r = run(kSmall + " -q -o " + quoted(path));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_text(path), expected_);
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    EXPECT_EQ(listing(), "out.yaml\n");
}

// Every command checks its writes to standard output: a full disk is exit 4, not 0.
TEST_F(OutputCli, AFailedWriteToStandardOutputIsExitFour) {
    for (const std::string& args : {
             "validate " + quoted(kSeed),
             "metrics " + quoted(kSeed),
             "evaluate " + quoted(kSeed),
             "solve " + quoted(kSeed) + " --solver fcfs",
             "solve " + quoted(kSeed) + " --solver fcfs -o -",
             std::string("solvers"),
             std::string("generate etc --seed 1"),
             std::string("generate gap --seed 1"),
             std::string("generate cluster --seed 1"),
             std::string("--help"),
         }) {
        SCOPED_TRACE(args);
        const Outcome r = run(args + " > /dev/full");
        EXPECT_EQ(r.status, 4) << r.err;
        EXPECT_TRUE(contains(r.err, "cannot write to standard output: No space left on device"))
            << r.err;
    }
}

TEST_F(OutputCli, AFailedWriteToADeviceIsExitFour) {
    for (const std::string& args :
         {"solve " + quoted(kSeed) + " --solver fcfs -q -o /dev/full", kSmall + " -o /dev/full"}) {
        SCOPED_TRACE(args);
        const Outcome r = run(args);
        EXPECT_EQ(r.status, 4) << r.err;
        EXPECT_TRUE(contains(r.err,
                             "error: 'output': cannot write the output file: No space "
                             "left on device (value: /dev/full)"))
            << r.err;
    }
}

}  // namespace
