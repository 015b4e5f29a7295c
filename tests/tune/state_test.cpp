// TuneStateFile: the journal of finished runs that a killed tuning resumes from.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "allocopt/tune_state.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;

class TuneState : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("allocopt-tune-state-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = (dir_ / "tune.state").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string text() const {
        std::ifstream in(path_, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void write(const std::string& content) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << content;
    }

    static TuneJob job(int instance) { return {instance, 0, false, 42u + instance, "brood=8"}; }
    static TuneOutcome outcome(double value) {
        TuneOutcome o;
        o.found = o.feasible = true;
        o.value = value;
        o.evaluations = 100;
        return o;
    }

    const TuneFingerprint print_{{"solver", "ga"}, {"budget", "300"}, {"instance-0", "a.yaml 1f"}};
    fs::path dir_;
    std::string path_;
};

TEST_F(TuneState, KeepsEveryRunAcrossReopening) {
    {
        TuneStateFile state(path_, print_);
        EXPECT_EQ(state.loaded(), 0u);
        state.record(job(0), outcome(10.5));
        state.record(job(1), outcome(0.1 + 0.2));
    }
    TuneStateFile again(path_, print_);
    EXPECT_EQ(again.loaded(), 2u);
    EXPECT_FALSE(again.repaired());
    ASSERT_TRUE(again.find(job(1)).has_value());
    EXPECT_EQ(again.find(job(1))->value, 0.1 + 0.2);
    EXPECT_FALSE(again.find(job(2)).has_value());
    TuneJob other_seed = job(1);
    other_seed.seed += 1;
    EXPECT_FALSE(again.find(other_seed).has_value());
}

TEST_F(TuneState, ATornLastLineIsDroppedAndTheFileRepaired) {
    {
        TuneStateFile state(path_, print_);
        state.record(job(0), outcome(1));
        state.record(job(1), outcome(2));
    }
    const std::string whole = text();
    write(whole.substr(0, whole.size() - 7));  // the last line cut short, as by a kill
    {
        TuneStateFile state(path_, print_);
        EXPECT_EQ(state.loaded(), 1u);
        EXPECT_TRUE(state.repaired());
        EXPECT_FALSE(state.find(job(1)).has_value());
        state.record(job(1), outcome(2));
    }
    EXPECT_EQ(text(), whole);  // the repaired file continues exactly as before
}

TEST_F(TuneState, ADamagedLineBeforeTheLastIsRefusedAndNothingChanges) {
    {
        TuneStateFile state(path_, print_);
        state.record(job(0), outcome(1));
        state.record(job(1), outcome(2));
    }
    std::string damaged = text();
    const auto at = damaged.find("run\t");
    damaged[at + 6] = damaged[at + 6] == '1' ? '2' : '1';
    write(damaged);
    try {
        TuneStateFile state(path_, print_);
        FAIL() << "a damaged state file was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
        EXPECT_GT(e.position().line, 1);
    }
    EXPECT_EQ(text(), damaged);
}

TEST_F(TuneState, AForeignFileIsRefusedUntouched) {
    write("solver: ga\noptions: {}\n");
    try {
        TuneStateFile state(path_, print_);
        FAIL() << "a foreign file was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("not an allocopt tune state file"), std::string::npos);
    }
    EXPECT_EQ(text(), "solver: ga\noptions: {}\n");
}

TEST_F(TuneState, AnotherTuningsStateIsRefusedWithEveryDifferenceListed) {
    { TuneStateFile state(path_, print_); }
    const std::string before = text();
    const TuneFingerprint other{{"solver", "pso"}, {"budget", "300"}, {"seed", "2"}};
    try {
        TuneStateFile state(path_, other);
        FAIL() << "a different tuning's state was accepted";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("solver: the state file has 'ga', this command 'pso'"), std::string::npos)
            << m;
        EXPECT_NE(m.find("instance-0"), std::string::npos) << m;
        EXPECT_NE(m.find("seed: this command has '2'"), std::string::npos) << m;
        EXPECT_EQ(m.find("budget"), std::string::npos) << m;
    }
    EXPECT_EQ(text(), before);
}

TEST_F(TuneState, AnUnwritableStateIsAnIoError) {
    EXPECT_THROW(TuneStateFile((dir_ / "missing" / "tune.state").string(), print_), IoError);
}

}  // namespace
}  // namespace allocopt
