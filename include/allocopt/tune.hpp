#pragma once
// Offline tuning by iterated racing (`allocopt tune`, docs/tuning.md): the parameter values of
// one solver that do best over a set of problems, the method of irace (López-Ibáñez et al.):
//
//   1. sample candidate configurations from the solver's options table (ParameterSpace);
//   2. race them: run every surviving candidate on one more instance at a time, and after
//      the first few drop those that a Friedman test with Conover's post-hoc comparison says
//      are worse than the best (allocopt/stats.hpp);
//   3. keep the best survivors as elites, sample the next candidates around them with a
//      spread that narrows from race to race, and race again, until the budget of solver
//      runs is spent.
//
// Every run is a pure function of (configuration, instance, replicate): its seed derives from
// the tune's seed, the instance's index and the replicate, and with a per-run evaluation
// limit its result does not depend on threads or on where it ran. The tuner itself draws its
// samples from its own seeded stream and decides only on finished results, so the whole tuning
// is a function of its inputs and budget, whatever runs the runs (a thread pool, MPI ranks).
// A TuneJournal records each run as it finishes; replaying the journal after a kill serves
// those runs from it, so the resumed tuning ends exactly as an uninterrupted one would.

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/options.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/run_pool.hpp"
#include "allocopt/solve.hpp"

namespace allocopt {

/// One dimension of the search space: a row of the solver's options table with the range the
/// tuner samples.
struct TuneParameter {
    OptionSpec spec;
    double low = 0;            ///< sampling range of a number (in the row's bounds)
    double high = 0;           ///< for a choice: the indices in `choices` below
    std::vector<int> choices;  ///< the choice indices (or 0/1 of a boolean) that may be drawn
    bool log = false;          ///< sampled uniformly in the logarithm (positive range)
    std::optional<std::string> fixed;  ///< set by `--fix`: always this value, never sampled
};

/// The parameters of one solver that a tuning varies. Built from the solver's options table
/// (solver_registry()): every integer, real, boolean and choice row with OptionSpec::tuned,
/// over its tuning range (OptionSpec::tune_min/max, else its bounds); text and optional rows
/// (targets) are never tuned.
class ParameterSpace {
  public:
    /// `narrow` holds `NAME=LOW:HIGH` (numbers, inside the row's bounds), `NAME=A,B,...` (a
    /// subset of a choice's values) or `NAME` (the row's own tuning range); each also brings in
    /// a row that is not tuned by default;
    /// `fix` holds `NAME=VALUE`. Throws InputError (key = the name or flag, value = the text)
    /// for an unknown solver or name (with a did-you-mean hint), a malformed range, a range
    /// outside the row's bounds or reversed, a value the row refuses, a name given twice, and
    /// a space where nothing is left to vary.
    ParameterSpace(std::string_view solver, const std::vector<std::string>& narrow = {},
                   const std::vector<std::string>& fix = {});

    const std::string& solver() const { return solver_; }
    const std::vector<TuneParameter>& parameters() const { return parameters_; }
    /// Parameters that are sampled (not fixed).
    int free_count() const;

    /// A configuration: one number per parameter (a choice's index, 0/1 for a boolean),
    /// NaN where its condition makes a parameter inactive.
    using Values = std::vector<double>;
    /// The solver's defaults inside this space: with the fixed values, and a default outside
    /// a narrowed range moved to its nearest bound (or a choice's first allowed value). The
    /// first race's first candidate.
    Values defaults() const;
    /// The solver's own defaults, whatever the space: what a tuned configuration is compared
    /// with on a test set.
    Values solver_defaults() const;
    /// NaN for each parameter whose condition (OptionSpec::depends_on) `v` leaves false.
    void deactivate(Values& v) const;
    /// The options of `v` as solve() takes them: every active parameter, in table order.
    OptionList options(const Values& v) const;
    /// The same as one line, `name=value,name=value`: the configuration's identity in journals.
    std::string key(const Values& v) const;
    /// Parses key(). Throws InputError for text that is not a configuration of this space.
    Values parse_key(std::string_view key) const;
    /// Whether the solver accepts `v` (the table's cross-row checks, e.g. elite <= population).
    bool valid(const Values& v) const;

  private:
    std::string solver_;
    std::vector<TuneParameter> parameters_;
};

/// One problem of the set, with what is known of its optimum.
struct TuneInstance {
    std::string name;  ///< for tables and messages (the file name)
    Problem problem;
    /// A best-known value or a proven bound of the objective, when known: gaps are measured to
    /// it. Else a run's gap is measured to the best of the lower bounds the runs proved, and
    /// where there is none, the score on the instance is the run's rank (see TuneResult).
    std::optional<double> reference;
};

struct TuneSettings {
    std::uint64_t budget = 0;           ///< solver runs in all (the training set's); >= 1
    std::uint64_t seed = 1;             ///< the tuning's seed; every run's seed derives from it
    std::uint64_t max_evaluations = 0;  ///< per run (reproducible); 0 = none
    double time_limit = 0;              ///< per run, seconds; 0 = none. One of the two is set.
    /// Instances a race runs before its first elimination test (irace's firstTest), and
    /// between tests after it (eachTest).
    int first_test = 5;
    int each_test = 1;
    double alpha = 0.05;  ///< significance of the Friedman test
    /// Runs of each configuration per test instance (different seeds); their mean counts.
    int test_replicates = 1;
    /// Set by a signal handler: runs in flight stop, are not recorded, and tune() throws
    /// TuneInterrupted.
    const std::atomic<bool>* interrupt = nullptr;
};

/// A configuration the tuning kept, with what its runs say about it.
struct TuneCandidate {
    int id = 0;  ///< the order in which it was sampled; 0 is the solver's defaults
    ParameterSpace::Values values;
    OptionList options;
    int born = 0;           ///< the race (1-based) that sampled it
    int runs = 0;           ///< runs it received
    double mean_score = 0;  ///< mean normalised score over its runs (lower is better)
    double mean_rank = 0;   ///< mean rank in the last race's blocks (1 = best)
    int instances = 0;      ///< distinct instances among its runs
};

/// Where the tuning stands, after each batch of runs.
struct TuneProgress {
    int race = 0;            ///< 1-based
    int races_planned = 0;   ///< the design's count (more follow while budget remains)
    std::uint64_t runs = 0;  ///< spent of the budget (journalled runs included)
    std::uint64_t budget = 0;
    std::uint64_t replayed = 0;  ///< runs served from the journal
    int alive = 0;               ///< candidates in the current race
    int best_id = -1;            ///< the race's leader
    double best_score = 0;       ///< its mean score
    double seconds = 0;
};

/// One point of the race's convergence: the leader's mean score after `runs` runs.
struct TunePoint {
    std::uint64_t runs = 0;
    double seconds = 0;
    double best_score = 0;
    int alive = 0;
};

/// How the tuned and default configurations did on one instance of a test set.
struct TuneTestRow {
    std::string instance;
    double tuned = 0;  ///< objective value (NaN when infeasible)
    double defaults = 0;
    double tuned_gap = 0;    ///< relative gap to the instance's reference or to the better of
    double default_gap = 0;  ///< the two (so one of them is 0)
    int outcome = 0;         ///< +1 tuned better, -1 worse, 0 tie
};

struct TuneResult {
    TuneCandidate best;  ///< the final best (see below)
    /// The final elites, best first. The final best is the elite with the lowest mean score
    /// over every run it received, on every instance it ran: not only the last race's.
    std::vector<TuneCandidate> elites;
    std::uint64_t runs = 0;      ///< runs of the budget spent
    std::uint64_t replayed = 0;  ///< of which served from the journal
    int races = 0;
    int candidates = 0;       ///< configurations sampled, the defaults included
    double seconds = 0;       ///< the whole tuning, the test set's runs included
    double race_seconds = 0;  ///< the races alone (the training runs)
    /// Every candidate got the same outcome as every other on every slot they shared: the
    /// options made no difference at this per-run budget (typically a budget that the
    /// solver's fixed start phase uses up), so the tuning could not tell them apart.
    bool all_tied = false;
    std::vector<TunePoint> trace;
    /// Filled by tune() when a test set is given: per instance, the tuned against the
    /// solver's defaults, TuneSettings::test_replicates runs each with the same seeds (once
    /// only when the tuned configuration is the defaults).
    std::vector<TuneTestRow> test;
    /// "score" is a relative gap ("gap") or, when no instance has a reference or bound, a
    /// mean rank scaled to [0, 1] ("rank").
    std::string score_kind = "gap";
};

/// Thrown by tune() when TuneSettings::interrupt was set: what finished is in the journal.
struct TuneInterrupted : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One solver run the tuner asks for, as text for a RunPool (tune_job_text()).
struct TuneJob {
    int instance = 0;  ///< index in the training list, or in the test list when `test`
    int replicate = 0;
    bool test = false;
    std::uint64_t seed = 0;  ///< derived from (tune seed, instance, replicate, test)
    std::string config;      ///< ParameterSpace::key()
};

/// What came back: the run's best and what it proved.
struct TuneOutcome {
    bool found = false;  ///< the solver had an allocation
    bool feasible = false;
    double value = 0;  ///< objective value (as the problem states it, not negated)
    double violation = 0;
    std::optional<double> bound;
    std::uint64_t evaluations = 0;
    double seconds = 0;
    bool interrupted = false;  ///< stopped by TuneSettings::interrupt: not a result
};

std::string tune_job_text(const TuneJob& job);
TuneJob parse_tune_job(std::string_view text);
std::string tune_outcome_text(const TuneOutcome& outcome);
TuneOutcome parse_tune_outcome(std::string_view text);

/// The run `job_text` asks for, on `training` or `test` instances: what a RunPool's workers
/// do. One evaluation thread.
std::string run_tune_job(const ParameterSpace& space, const std::vector<TuneInstance>& training,
                         const std::vector<TuneInstance>& test, const TuneSettings& settings,
                         const std::string& job_text);

/// Where finished runs are kept (allocopt/tune_journal.hpp writes them to a file). tune() asks
/// it for each run before running it, and hands it each outcome as it arrives.
class TuneJournal {
  public:
    virtual ~TuneJournal() = default;
    virtual std::optional<TuneOutcome> find(const TuneJob& job) const = 0;
    virtual void record(const TuneJob& job, const TuneOutcome& outcome) = 0;
};

/// Receives progress, on the thread that called tune().
class TuneObserver {
  public:
    virtual ~TuneObserver() = default;
    virtual void on_progress(const TuneProgress& progress) { (void)progress; }
};

/// Tunes `space` on `training` within settings.budget runs, the runs done by `pool`, and
/// then, when `test` is not empty, compares the final best with the defaults on it. Throws
/// InputError for an empty training set, a budget of 0 or below the training set's size,
/// and settings out of range; TuneInterrupted when interrupted; and what the pool rethrows.
TuneResult tune(const ParameterSpace& space, const std::vector<TuneInstance>& training,
                const std::vector<TuneInstance>& test, const TuneSettings& settings, RunPool& pool,
                TuneJournal* journal = nullptr, TuneObserver* observer = nullptr);

}  // namespace allocopt
