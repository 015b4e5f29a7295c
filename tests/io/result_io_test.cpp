#include "allocopt/io/result_io.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "allocopt/error.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/solver_config.hpp"

namespace allocopt {
namespace {

TEST(ResultIo, FormatFromExtension) {
    EXPECT_EQ(format_for_path("out.json"), OutputFormat::json);
    EXPECT_EQ(format_for_path("out.yaml"), OutputFormat::yaml);
    EXPECT_EQ(format_for_path("json"), OutputFormat::yaml);
}

// Seeds are 64-bit: the largest is written as itself, not wrapped to -1, and read back exactly.
TEST(ResultIo, TheLargestSeedIsWrittenAndReadBackExactly) {
    const ProblemFile file =
        parse_problem("name: s\nresources: [{id: r, capacity: {units: 1}}]\ntasks: [{id: t}]\n");
    Evaluator ev(file.problem);
    Result r;
    r.allocation = Allocation(1);
    r.allocation.place(0, 0, 1);
    r.evaluation = ev.evaluate(r.allocation);
    const RunSettings settings{.seed = 18446744073709551615ULL, .max_evaluations = 1};
    const SolverRun run{"ga", settings.seed, {}, run_settings_table().values(settings).settings()};
    for (OutputFormat format : {OutputFormat::yaml, OutputFormat::json}) {
        const std::string text = result_text(file.problem, r, ev.report(r.allocation), run, format);
        EXPECT_NE(text.find("18446744073709551615"), std::string::npos) << text;
        EXPECT_EQ(parse_solver_config(text, "result").run_settings().seed, settings.seed);
    }
}

}  // namespace
}  // namespace allocopt

namespace allocopt {
namespace {

namespace fs = std::filesystem;

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
    EXPECT_THROW(write_text_atomic(dir + "/no/such/dir/out.yaml", "x"), IoError);
}

/// A fresh directory for one test, removed at the end.
class OutputFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("allocopt-output-file-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string file(const std::string& name) const { return (dir_ / name).string(); }
    std::size_t entries() const {
        return static_cast<std::size_t>(
            std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
    }

    fs::path dir_;
};

// The temporary file exists from the start (the check before the work), beside the target,
// with a name that says what it is; it is gone when the OutputFile is dropped uncommitted.
TEST_F(OutputFileTest, TheTemporaryFileIsNamedAndRemovedWhenNotCommitted) {
    {
        OutputFile out(file("result.yaml"));
        const std::string temp = out.temp_path();
        const std::string prefix = ".result.yaml.allocopt-tmp." + std::to_string(getpid()) + ".";
        EXPECT_EQ(fs::path(temp).parent_path(), dir_);
        EXPECT_EQ(fs::path(temp).filename().string().rfind(prefix, 0), 0u) << temp;
        EXPECT_EQ(fs::path(temp).filename().string().size(), prefix.size() + 6) << temp;
        EXPECT_TRUE(fs::exists(temp));
        EXPECT_FALSE(fs::exists(file("result.yaml")));
    }
    EXPECT_EQ(entries(), 0u);
}

// A name of 250 characters is valid; the temporary file's must be too.
TEST_F(OutputFileTest, ALongNameStillGetsATemporaryFile) {
    const std::string name(250, 'n');
    write_text_atomic(file(name), "x\n");
    EXPECT_EQ(read_file_text(file(name)), "x\n");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, AMissingDirectoryFailsWhenOpenedNotWhenCommitted) {
    try {
        OutputFile out(file("no/such/dir/out.yaml"));
        FAIL() << "opened";
    } catch (const IoError& e) {
        EXPECT_EQ(e.key(), "output");
        EXPECT_EQ(e.value(), file("no/such/dir/out.yaml"));
        EXPECT_NE(e.message().find("No such file or directory"), std::string::npos) << e.what();
    }
    EXPECT_THROW(OutputFile(""), InputError);
    EXPECT_THROW(OutputFile(dir_.string()), IoError);  // a directory
    EXPECT_EQ(entries(), 0u);
}

// When the rename fails (here: the target became a directory meanwhile) the temporary file is
// removed and the error is an IoError.
TEST_F(OutputFileTest, AFailedCommitRemovesTheTemporaryFile) {
    OutputFile out(file("late.yaml"));
    fs::create_directories(dir_ / "late.yaml" / "inside");
    EXPECT_THROW(out.commit("text\n"), IoError);
    EXPECT_EQ(entries(), 1u);  // late.yaml/ alone
    EXPECT_TRUE(fs::is_directory(dir_ / "late.yaml"));
}

TEST_F(OutputFileTest, LinksAreFollowedAndKept) {
    fs::create_directories(dir_ / "a" / "b");
    write_text_atomic(file("a/b/target.yaml"), "old\n");
    fs::create_symlink("b/target.yaml", dir_ / "a" / "link1");
    fs::create_symlink("a/link1", dir_ / "link2");  // a chain of two
    write_text_atomic(file("link2"), "new\n");
    EXPECT_TRUE(fs::is_symlink(dir_ / "link2"));
    EXPECT_TRUE(fs::is_symlink(dir_ / "a" / "link1"));
    EXPECT_EQ(read_file_text(file("a/b/target.yaml")), "new\n");
    // A loop is an error, not a hang.
    fs::create_symlink("loop2", dir_ / "loop1");
    fs::create_symlink("loop1", dir_ / "loop2");
    EXPECT_THROW(OutputFile(file("loop1")), IoError);
}

TEST_F(OutputFileTest, AFifoIsWrittenInPlace) {
    const std::string fifo = file("fifo");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    {
        OutputFile out(fifo);
        EXPECT_TRUE(out.temp_path().empty());
        out.commit("through the pipe\n");
    }
    char buffer[64] = {};
    const ssize_t n = read(reader, buffer, sizeof buffer);
    close(reader);
    EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe\n");
    struct stat st;
    ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(entries(), 1u);
}

// /dev/fd/N writes to descriptor N as it is (its offset, its append mode); one that is closed
// or read-only fails when opened.
TEST_F(OutputFileTest, DescriptorPathsWriteToTheOpenDescriptor) {
    const std::string path = file("log.txt");
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "before\n", 7), 7);
    {
        OutputFile out("/dev/fd/" + std::to_string(fd));
        EXPECT_TRUE(out.temp_path().empty());
        out.commit("result\n");
    }
    ASSERT_EQ(write(fd, "after\n", 6), 6);  // still open: not the OutputFile's to close
    close(fd);
    EXPECT_EQ(read_file_text(path), "before\nresult\nafter\n");
    EXPECT_THROW(OutputFile("/dev/fd/" + std::to_string(fd)), IoError);  // closed now
    const int read_only = open(path.c_str(), O_RDONLY);
    ASSERT_GE(read_only, 0);
    EXPECT_THROW(OutputFile("/proc/self/fd/" + std::to_string(read_only)), IoError);
    close(read_only);
    EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFileTest, AFullDeviceIsAnIoError) {
    OutputFile out("/dev/full");
    EXPECT_THROW(out.commit("x"), IoError);
    struct stat st;
    ASSERT_EQ(lstat("/dev/full", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(OutputFileTest, ANewFileGetsTheUmasksPermissions) {
    const mode_t mask = umask(027);
    write_text_atomic(file("new.yaml"), "x\n");
    umask(mask);
    EXPECT_EQ(fs::status(file("new.yaml")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

}  // namespace
}  // namespace allocopt
