// Iterated racing on a synthetic landscape (a pool whose "runs" compute a known function of the
// configuration plus seeded noise) and, once, on real solver runs.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "allocopt/generators.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/tune.hpp"

namespace allocopt {
namespace {

std::vector<TuneInstance> gap_set(int count, std::optional<double> reference) {
    std::vector<TuneInstance> out;
    for (int i = 0; i < count; ++i) {
        generators::GapSpec spec;
        spec.agents = 3;
        spec.jobs = 12;
        spec.seed = static_cast<std::uint64_t>(i + 1);
        out.push_back({"gap" + std::to_string(i), generators::generate_gap(spec), reference});
    }
    return out;
}

/// A landscape over the GA's space: best at population 50 and crossover_rate 0, with noise
/// of up to 1 drawn from the run's seed, plus an instance offset (instances differ in scale).
std::string synthetic_run(const ParameterSpace& space, const std::string& text) {
    const TuneJob job = parse_tune_job(text);
    const OptionList options = space.options(space.parse_key(job.config));
    double population = 0, crossover = 0;
    for (const auto& [name, value] : options) {
        if (name == "population") population = std::stod(value);
        if (name == "crossover_rate") crossover = std::stod(value);
    }
    Rng noise(job.seed, 7);
    TuneOutcome o;
    o.found = o.feasible = true;
    o.value = (100 + 10 * std::abs(std::log(population / 50)) + 5 * crossover + noise.uniform()) *
              (1 + job.instance);
    o.violation = 0;
    o.evaluations = 1;
    return tune_outcome_text(o);
}

/// A journal in memory that can fail after a number of records, like a process killed there.
class MemoryJournal : public TuneJournal {
  public:
    std::optional<TuneOutcome> find(const TuneJob& job) const override {
        const auto it = runs.find(tune_job_text(job));
        if (it == runs.end()) return std::nullopt;
        return it->second;
    }
    void record(const TuneJob& job, const TuneOutcome& outcome) override {
        if (fail_after && runs.size() >= *fail_after) throw std::runtime_error("killed");
        runs[tune_job_text(job)] = outcome;
    }
    std::map<std::string, TuneOutcome> runs;
    std::optional<std::size_t> fail_after;
};

struct Counted {
    std::mutex mutex;
    std::vector<std::string> jobs;
};

std::unique_ptr<RunPool> synthetic_pool(const ParameterSpace& space, int workers,
                                        Counted* counted = nullptr) {
    return make_thread_pool(workers, [&space, counted](const std::string& job) {
        if (counted) {
            std::lock_guard lock(counted->mutex);
            counted->jobs.push_back(job);
        }
        return synthetic_run(space, job);
    });
}

TuneSettings synthetic_settings(std::uint64_t budget) {
    TuneSettings s;
    s.budget = budget;
    s.seed = 3;
    s.max_evaluations = 1;
    return s;
}

const ParameterSpace& ga_space() {
    static const ParameterSpace space("ga");
    return space;
}

double option(const TuneCandidate& c, const std::string& name) {
    for (const auto& [n, v] : c.options) {
        if (n == name) return std::stod(v);
    }
    return std::nan("");
}

TEST(TuneRace, MovesTowardsTheOptimumOfAKnownLandscape) {
    auto training = gap_set(6, std::nullopt);
    for (std::size_t i = 0; i < training.size(); ++i)
        training[i].reference = 100.0 * static_cast<double>(1 + i);  // the landscape's floor
    auto pool = synthetic_pool(ga_space(), 2);
    const TuneResult r = tune(ga_space(), training, {}, synthetic_settings(600), *pool);
    EXPECT_LE(r.runs, 600u);
    EXPECT_GE(r.runs, 540u);  // the budget is spent, bar a remainder too small for a race
    EXPECT_GT(r.races, 2);
    const double population = option(r.best, "population");
    EXPECT_GT(population, 25);
    EXPECT_LT(population, 100);
    EXPECT_LT(option(r.best, "crossover_rate"), 0.35);
    // The defaults (population 20, crossover 0.5) score about 11.7 % + noise on instance 0.
    EXPECT_LT(r.best.mean_score, 0.09);
    ASSERT_FALSE(r.elites.empty());
    EXPECT_EQ(r.elites.front().id, r.best.id);
    for (std::size_t i = 1; i < r.elites.size(); ++i)
        EXPECT_LE(r.elites[i - 1].mean_score, r.elites[i].mean_score);
    EXPECT_EQ(r.score_kind, "gap");
    EXPECT_FALSE(r.all_tied);
}

TEST(TuneRace, SaysSoWhenTheOptionsChangeNothing) {
    const auto training = gap_set(4, 100.0);
    auto pool = make_thread_pool(2, [](const std::string& job) {
        TuneOutcome o;  // the same for every configuration: only the seed matters
        o.found = o.feasible = true;
        o.value = 100 + Rng(parse_tune_job(job).seed, 7).uniform();
        return tune_outcome_text(o);
    });
    const TuneResult r = tune(ga_space(), training, {}, synthetic_settings(120), *pool);
    EXPECT_TRUE(r.all_tied);
    EXPECT_EQ(r.best.id, 0);  // the defaults, by the tie
}

TEST(TuneRace, TheResultIsTheSameForAnyNumberOfWorkers) {
    const auto training = gap_set(5, std::nullopt);  // no reference: scores are ranks
    auto one = synthetic_pool(ga_space(), 1);
    auto three = synthetic_pool(ga_space(), 3);
    const TuneResult a = tune(ga_space(), training, {}, synthetic_settings(250), *one);
    const TuneResult b = tune(ga_space(), training, {}, synthetic_settings(250), *three);
    EXPECT_EQ(a.best.options, b.best.options);
    EXPECT_EQ(a.runs, b.runs);
    ASSERT_EQ(a.elites.size(), b.elites.size());
    for (std::size_t i = 0; i < a.elites.size(); ++i) {
        EXPECT_EQ(a.elites[i].id, b.elites[i].id);
        EXPECT_EQ(a.elites[i].mean_score, b.elites[i].mean_score);
    }
    ASSERT_EQ(a.trace.size(), b.trace.size());
    for (std::size_t i = 0; i < a.trace.size(); ++i)
        EXPECT_EQ(a.trace[i].best_score, b.trace[i].best_score);
    EXPECT_EQ(a.score_kind, "rank");
    // Another seed samples other candidates.
    TuneSettings other = synthetic_settings(250);
    other.seed = 4;
    const TuneResult c = tune(ga_space(), training, {}, other, *one);
    EXPECT_NE(a.best.options, c.best.options);
}

TEST(TuneRace, TheDefaultsRaceInTheFirstRace) {
    const auto training = gap_set(4, 100.0);
    Counted counted;
    auto pool = synthetic_pool(ga_space(), 1, &counted);
    tune(ga_space(), training, {}, synthetic_settings(80), *pool);
    const std::string defaults = ga_space().key(ga_space().defaults());
    bool ran = false;
    for (const std::string& job : counted.jobs)
        ran |= parse_tune_job(job).config == defaults;
    EXPECT_TRUE(ran);
}

TEST(TuneRace, AResumedTuningRunsNothingTwiceAndEndsAsAnUninterruptedOne) {
    const auto training = gap_set(5, 100.0);
    Counted whole;
    auto pool = synthetic_pool(ga_space(), 2, &whole);
    MemoryJournal full;
    const TuneResult reference =
        tune(ga_space(), training, {}, synthetic_settings(200), *pool, &full);
    EXPECT_EQ(full.runs.size(), whole.jobs.size());
    EXPECT_EQ(reference.replayed, 0u);
    for (std::size_t kill : {1u, 7u, 33u, 90u, 150u}) {
        MemoryJournal journal;
        journal.fail_after = kill;
        Counted first, second;
        auto p1 = synthetic_pool(ga_space(), 2, &first);
        EXPECT_THROW(tune(ga_space(), training, {}, synthetic_settings(200), *p1, &journal),
                     std::runtime_error);
        EXPECT_EQ(journal.runs.size(), kill);
        journal.fail_after.reset();
        auto p2 = synthetic_pool(ga_space(), 2, &second);
        const TuneResult resumed =
            tune(ga_space(), training, {}, synthetic_settings(200), *p2, &journal);
        EXPECT_EQ(resumed.best.options, reference.best.options) << "killed after " << kill;
        EXPECT_EQ(resumed.best.mean_score, reference.best.mean_score);
        EXPECT_EQ(resumed.runs, reference.runs);
        EXPECT_EQ(resumed.replayed, kill);
        // Nothing recorded ran again.
        std::set<std::string> recorded_first;
        for (const auto& [job, o] : journal.runs)
            recorded_first.insert(job);
        EXPECT_EQ(second.jobs.size(), reference.runs - kill);
        EXPECT_EQ(journal.runs.size(), full.runs.size());
    }
}

TEST(TuneRace, ASmallBudgetShrinksTheDesignAndTooSmallAOneIsRefused) {
    const auto training = gap_set(4, 100.0);
    auto pool = synthetic_pool(ga_space(), 1);
    const TuneResult r = tune(ga_space(), training, {}, synthetic_settings(4), *pool);
    EXPECT_LE(r.runs, 4u);
    EXPECT_GE(r.runs, 2u);
    EXPECT_FALSE(r.best.options.empty());
    EXPECT_THROW(tune(ga_space(), training, {}, synthetic_settings(3), *pool), InputError);
    EXPECT_THROW(tune(ga_space(), training, {}, synthetic_settings(0), *pool), InputError);
    EXPECT_THROW(tune(ga_space(), {}, {}, synthetic_settings(10), *pool), InputError);
    TuneSettings unlimited = synthetic_settings(10);
    unlimited.max_evaluations = 0;
    EXPECT_THROW(tune(ga_space(), training, {}, unlimited, *pool), InputError);
}

TEST(TuneRace, AnInterruptStopsWithTheFinishedRunsRecorded) {
    const auto training = gap_set(4, 100.0);
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0};
    auto pool = make_thread_pool(1, [&](const std::string& job) {
        if (++calls == 10) stop = true;
        TuneOutcome o = parse_tune_outcome(synthetic_run(ga_space(), job));
        o.interrupted = stop.load();
        return tune_outcome_text(o);
    });
    TuneSettings s = synthetic_settings(200);
    s.interrupt = &stop;
    MemoryJournal journal;
    EXPECT_THROW(tune(ga_space(), training, {}, s, *pool, &journal), TuneInterrupted);
    EXPECT_EQ(journal.runs.size(), 9u);
}

TEST(TuneRace, TunesTheGaOnRealRunsAndComparesOnATestSet) {
    const auto training = gap_set(3, std::nullopt);
    auto test = gap_set(5, std::nullopt);
    const ParameterSpace space("ga");
    TuneSettings s;
    s.budget = 24;
    s.seed = 1;
    s.max_evaluations = 3000;  // enough for the Lagrangian starts, which prove the bounds
    auto pool = make_thread_pool(
        2, [&](const std::string& job) { return run_tune_job(space, training, test, s, job); });
    const TuneResult r = tune(space, training, test, s, *pool);
    EXPECT_LE(r.runs, 24u);
    ASSERT_EQ(r.test.size(), 5u);
    for (const TuneTestRow& row : r.test) {
        EXPECT_TRUE(std::isfinite(row.tuned)) << row.instance;
        EXPECT_TRUE(std::isfinite(row.defaults)) << row.instance;
        EXPECT_GE(row.tuned_gap, 0);
        EXPECT_GE(row.default_gap, 0);
        EXPECT_EQ(row.outcome, row.tuned < row.defaults ? 1 : row.tuned > row.defaults ? -1 : 0);
    }
    // The GA proves Lagrangian bounds on GAP: the scores are gaps to them.
    EXPECT_EQ(r.score_kind, "gap");
    EXPECT_NO_THROW(make_solver("ga", r.best.options, 1));
}

TEST(TuneJobs, JobsAndOutcomesSurviveTheirText) {
    TuneJob job{3, 2, true, 18446744073709551557ull, "population=20,brood=8"};
    const TuneJob back = parse_tune_job(tune_job_text(job));
    EXPECT_EQ(back.instance, 3);
    EXPECT_EQ(back.replicate, 2);
    EXPECT_TRUE(back.test);
    EXPECT_EQ(back.seed, job.seed);
    EXPECT_EQ(back.config, job.config);
    TuneOutcome o;
    o.found = o.feasible = true;
    o.value = 0.1 + 0.2;  // not a short decimal: the text must keep every bit
    o.violation = 0;
    o.bound = 1.0 / 3;
    o.evaluations = 12345;
    o.seconds = 0.25;
    const TuneOutcome ob = parse_tune_outcome(tune_outcome_text(o));
    EXPECT_EQ(ob.value, o.value);
    EXPECT_EQ(*ob.bound, *o.bound);
    EXPECT_EQ(ob.evaluations, 12345u);
    EXPECT_THROW(parse_tune_job("train\t1\t2"), InputError);
    EXPECT_THROW(parse_tune_outcome("1\t1\tx\t0\t-\t1\t0\t0"), InputError);
}

}  // namespace
}  // namespace allocopt
