#pragma once
// The solver interface (docs/design.md §Solvers): a solver is a type with one entry point,
//   Result solve(const Problem&, Evaluator&, const RunSettings&, Observer*),
// that hands every candidate it scores to the Evaluator, reports improvements through a
// SearchTracker, and stops when the RunSettings' limits say so, always returning the best
// allocation found. Names ("min-min", "ga") exist only in the registry
// (allocopt/solvers/registry.hpp), which makes solvers by name for the CLI, embedders and the
// tuner.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/options.hpp"

namespace allocopt {

/// How the islands of a run trade members at a migration (RunSettings::island_topology,
/// docs/islands.md).
enum class IslandTopology : std::uint8_t {
    ring,    ///< island i receives from island i - 1 (island 0 from the last)
    full,    ///< every island receives from every other
    random,  ///< island i receives from one other, drawn from (seed, epoch, i)
    none,    ///< no migration: independent runs, the best of them
};

/// How one run goes: which solver, its seed, the threads, and when to stop: whichever limit
/// comes first. A zero limit is no limit; a run given none stops after kDefaultTimeLimit
/// seconds (so a default-constructed RunSettings always stops). The rows of
/// run_settings_table() describe every field; the CLI's flags, `--config` files and result
/// files all derive from it.
///
/// What counts as one evaluation (the unit of max_evaluations, stall_evaluations and
/// Result::evaluations):
///   * one full scoring of an allocation (Evaluator::evaluate, each candidate of
///     evaluate_batch);
///   * one delta-scored neighbour: a move or swap scored by DeltaState (applying one scores it
///     again), a move, swap or ejection chain looked at by the makespan kernel's descent, one
///     re-insertion choice (task x resource) of ruin-and-recreate;
///   * one task x resource pair priced by a Lagrangian or price-directed sweep (n x m per
///     sweep).
/// Building an allocation by a constructive heuristic costs nothing by itself; scoring it
/// costs one. Every solver keeps to the budget exactly: Result::evaluations <= max_evaluations.
/// Work whose whole cost does not fit in what is left is not started (or is cut to fit).
/// Parallel improvement steps each get a fixed share of what is left, so that a budget gives
/// the same result for any thread count.
///
/// The time limit and the interrupt are kept in every phase: the long loops (heuristic
/// starts, descents, sweeps) poll them every ~1000 elementary steps and return what they have.
///
/// Solver::solve reads the limits only: the solver and the seed are chosen when the solver is
/// made (make_solver), the threads by the Evaluator, and the islands by solve() and
/// solve_islands() (allocopt/islands.hpp), which run Solver::solve itself for one island.
/// (`target{}`: g++ -Wextra flags a designated initializer that leaves out a member with no
/// default member initializer.)
struct RunSettings {
    std::string solver = "ga";            ///< a name from solver_registry()
    std::uint64_t seed = 1;               ///< same seed and settings, same result
    int threads = 0;                      ///< evaluation threads; 0 = all cores
    std::uint64_t max_evaluations = 0;    ///< at most this many evaluations (see above)
    double time_limit = 0;                ///< seconds of wall time
    std::optional<double> target{};       ///< stop once a feasible value this good is found
    std::uint64_t stall_evaluations = 0;  ///< stop after this many evaluations without gain
    double stall_seconds = 0;             ///< stop after this long without gain
    const std::atomic<bool>* interrupt = nullptr;  ///< set by a signal handler (Ctrl-C)
    /// Populations evolving side by side (a population search only; 1 = the plain solver).
    std::uint32_t islands = 1;
    /// Generations (iterations) of each island between two migrations.
    std::uint64_t migrate_every = 10;
    IslandTopology island_topology = IslandTopology::ring;

    /// Whether a limit that ends every run is set: evaluations, time or a stall. A target
    /// alone may never be reached.
    bool bounded() const {
        return max_evaluations != 0 || time_limit > 0 || stall_evaluations != 0 ||
               stall_seconds > 0;
    }
    /// The time limit in force: time_limit, or kDefaultTimeLimit for a run not bounded().
    double effective_time_limit() const;
};

/// The time limit of a run given no other limit that ends it.
inline constexpr double kDefaultTimeLimit = 10;

/// The most threads a run accepts. Fixed rather than taken from the machine, so that settings
/// valid on one machine are valid on every other; far above any useful count (threads beyond
/// the cores only take turns), and few enough that OpenMP can create them under ordinary
/// limits (asking for 100000 crashed it).
inline constexpr int kMaxThreads = 1024;

/// The most islands a run accepts: each island's streams are keyed by its index (Rng::keyed),
/// and far more than the ranks of any MPI job this is run on.
inline constexpr std::uint32_t kMaxIslands = 65536;

/// The rows of RunSettings: `solver`, `seed`, `threads`, `time-limit`, `max-evals`, `target`,
/// `stall-evals`, `stall-seconds`, `islands`, `migrate-every`, `island-topology` (the interrupt
/// is not a setting).
const OptionTable<RunSettings>& run_settings_table();

/// A cheap, thread-safe test of the wall-clock limit and the interrupt flag, for the long
/// inner loops (a clock read, ~20 ns: poll it every ~1000 elementary steps, see Poll). A
/// default-constructed StopClock never fires.
class StopClock {
  public:
    StopClock() = default;
    StopClock(std::optional<std::chrono::steady_clock::time_point> deadline,
              const std::atomic<bool>* interrupt)
        : deadline_(deadline), interrupt_(interrupt) {}

    /// The clock of a run that started at `start` with `time_limit` seconds (no deadline when
    /// it is 0 or less) and the interrupt flag `interrupt` (may be null).
    static StopClock starting(std::chrono::steady_clock::time_point start, double time_limit,
                              const std::atomic<bool>* interrupt) {
        if (time_limit <= 0) return StopClock(std::nullopt, interrupt);
        return StopClock(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(time_limit)),
                         interrupt);
    }

    /// The same clock with its deadline brought forward to at most `seconds` from now: bounds
    /// one phase of a search by a share of the time limit.
    StopClock within(double seconds) const {
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(std::max(seconds, 0.0)));
        if (deadline_ && *deadline_ < deadline) deadline = *deadline_;
        return StopClock(deadline, interrupt_);
    }

    /// Whether the deadline has passed or the interrupt flag is set.
    bool expired() const {
        if (interrupt_ && interrupt_->load(std::memory_order_relaxed)) return true;
        return deadline_ && std::chrono::steady_clock::now() >= *deadline_;
    }

  private:
    std::optional<std::chrono::steady_clock::time_point> deadline_;
    const std::atomic<bool>* interrupt_ = nullptr;
};

/// Polls a StopClock once per `every` units of work: `if (poll(cost)) bail out;`. Once it has
/// fired it stays fired.
class Poll {
  public:
    explicit Poll(const StopClock& clock, std::uint64_t every = 1024)
        : clock_(clock), every_(every) {}
    bool operator()(std::uint64_t work = 1) {
        if (fired_) return true;
        done_ += work;
        if (done_ < every_) return false;
        done_ = 0;
        fired_ = clock_.expired();
        return fired_;
    }
    bool fired() const { return fired_; }

  private:
    const StopClock& clock_;
    std::uint64_t every_;
    std::uint64_t done_ = 0;
    bool fired_ = false;
};

/// One point of the convergence trace: the best value after `evaluations` / `seconds`.
struct TracePoint {
    std::uint64_t evaluations = 0;
    double seconds = 0;
    double best = 0;
    bool feasible = false;
};

enum class StopReason : std::uint8_t {
    finished,  ///< the solver ran to its natural end (a constructive heuristic, a local optimum)
    evaluations,
    time,
    target,
    stall,
    interrupted,
};
std::string_view stop_reason_name(StopReason reason);

/// Where and when one task runs in a Result, by id: what an embedder reads without a second
/// call to the Evaluator.
struct Placement {
    std::string task;                     ///< the task's id
    std::optional<std::string> resource;  ///< the resource's id; empty when unplaced
    std::int32_t units = 0;               ///< unit count; 0 when unplaced
    double start = 0;                     ///< Report::start of the task; NaN when unplaced
    double end = 0;                       ///< Report::end of the task; NaN when unplaced
};

struct Result {
    Allocation allocation;
    Evaluation evaluation;
    /// Per task, in task order: the best allocation by ids with its schedule (Report::start
    /// and Report::end). Empty when `found` is false.
    std::vector<Placement> placements;
    std::vector<TracePoint> trace;  ///< one point per improvement
    std::uint64_t evaluations = 0;
    double seconds = 0;
    StopReason stop = StopReason::finished;
    /// A proven lower bound on the (minimised) objective when the solver computed one: the
    /// Lagrangian bounds of the GA and PSO starts (the LP bound in the limit). Finite, absent
    /// unless `evaluation` is feasible, never above its value (docs/design.md §Lower bounds).
    std::optional<double> lower_bound;
    /// False when the solver was stopped before it had even one allocation: `allocation` and
    /// `evaluation` are then meaningless.
    bool found = true;
    /// What the solver chose to tell the user, in order: e.g. a heuristic start skipped
    /// because it could not finish in a fair share of the time limit.
    std::vector<std::string> notes;
};

/// Receives progress. Called from the solver's (single) thread.
class Observer {
  public:
    virtual ~Observer() = default;
    /// The solver entered a phase, e.g. "starts: priority (1/6)" or "search"; a progress line
    /// shows it. Phases may last long without ticks (a heuristic start at 10^5 tasks).
    virtual void on_phase(std::string_view phase) { (void)phase; }
    /// A note for the log (also kept in Result::notes).
    virtual void on_note(std::string_view note) { (void)note; }
    /// A new best allocation was found.
    virtual void on_improvement(const TracePoint& point) { (void)point; }
    /// Called often (every check of the termination); implementations rate-limit themselves.
    virtual void on_tick(const TracePoint& best, std::uint64_t evaluations, double seconds) {
        (void)best;
        (void)evaluations;
        (void)seconds;
    }
};

/// Book-keeping every solver shares: the best allocation so far, the trace, the clock and
/// the termination test.
class SearchTracker {
  public:
    SearchTracker(Evaluator& evaluator, const RunSettings& settings, Observer* observer);

    /// Records `allocation` if it beats the best so far (feasibility-first). Returns whether
    /// it did. `approximate`: the evaluation may differ from a fresh Evaluator::evaluate() in
    /// the last digits (DeltaState::approximate()); finish() then re-scores the best once.
    bool offer(const Allocation& allocation, const Evaluation& evaluation,
               bool approximate = false);
    /// Whether the search must stop now; also feeds the observer.
    bool should_stop();
    /// A proven lower bound on the objective (minimized): once the best is feasible with a
    /// value within 1e-9 of it, it is a proven optimum and should_stop() ends the run
    /// (finished), with a note that names `source` ("the makespan LP's lower bound"). Ignored
    /// when maximizing.
    void stop_at_bound(double bound, std::string source);
    /// Tells the observer the solver entered `phase` (see Observer::on_phase).
    void phase(std::string_view phase);
    /// Keeps `note` for Result::notes and tells the observer.
    void note(std::string note);
    /// The stop reason once should_stop() returned true (finished otherwise).
    StopReason reason() const { return reason_; }
    /// The search stops because its next piece of work, which cannot be cut short (a pagmo
    /// evolve() call), would end past the time limit: should_stop() then returns true with
    /// StopReason::time. Ignored without a time limit.
    void out_of_time() { out_of_time_ = true; }

    /// Evaluations left in the budget (UINT64_MAX without one). Scoring sites check it before
    /// they score.
    std::uint64_t budget() const;
    /// Keeps `evaluations` of the budget back from budget() until hold_back(0): work that
    /// spends what budget() says (a descent, an improvement step) then leaves them for the
    /// scoring of what it improved. Without it a small budget was spent whole on improving
    /// the starts, and the improved starts were never scored, so the work was lost (the GA
    /// returned Min-Min's value at 50,000 evaluations on Braun 512x16). should_stop() ignores
    /// it: the budget ends at max_evaluations.
    void hold_back(std::uint64_t evaluations) { held_ = evaluations; }
    /// Whether the run has a budget of evaluations (then no choice may depend on the clock:
    /// the same budget gives the same result).
    bool has_budget() const { return settings_.max_evaluations != 0; }
    /// The wall-clock limit and the interrupt, for polling in long loops (thread-safe).
    const StopClock& clock() const { return clock_; }
    /// Whether the time limit has passed or the interrupt flag is set (no observer call).
    bool expired() const { return clock_.expired(); }

    bool has_best() const { return has_best_; }
    const Allocation& best() const { return best_; }
    const Evaluation& best_evaluation() const { return best_evaluation_; }
    double seconds() const;
    /// Seconds left before the time limit; absent without one.
    std::optional<double> seconds_left() const;
    Evaluator& evaluator() { return evaluator_; }

    /// The Result: the best allocation, the trace and the counters.
    Result finish();

  private:
    Evaluator& evaluator_;
    RunSettings settings_;
    Observer* observer_;
    Sense sense_;
    std::chrono::steady_clock::time_point start_;
    StopClock clock_;
    std::uint64_t start_evaluations_;
    std::uint64_t held_ = 0;  // hold_back()
    bool has_best_ = false;
    bool best_approximate_ = false;
    Allocation best_;
    Evaluation best_evaluation_;
    std::vector<TracePoint> trace_;
    std::vector<std::string> notes_;
    std::uint64_t last_gain_evaluations_ = 0;
    double last_gain_seconds_ = 0;
    std::optional<double> bound_;  // stop_at_bound()
    std::string bound_source_;
    bool bound_reached_ = false;
    bool out_of_time_ = false;  // out_of_time()
    StopReason reason_ = StopReason::finished;
};

class Solver {
  public:
    virtual ~Solver() = default;
    /// Searches for a good allocation of evaluator.problem(). Never throws for a valid
    /// problem; returns the best allocation found when stopped.
    virtual Result solve(Evaluator& evaluator, const RunSettings& settings, Observer* observer) = 0;
};

}  // namespace allocopt
