#pragma once
// The solver interface (docs/design.md §Solvers): a solver is a type with one entry point,
//   Result solve(const Problem&, Evaluator&, const Termination&, Observer*),
// that hands every candidate it scores to the Evaluator, reports improvements through a
// SearchTracker, and stops when the Termination says so, always returning the best
// allocation found. Names ("min-min", "ga") exist only in the registry at the CLI edge.

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

namespace allocopt {

/// When to stop: whichever limit comes first. A zero limit is no limit.
struct Termination {
    std::uint64_t max_evaluations = 0;    ///< every scored candidate counts, delta moves included
    double time_limit = 0;                ///< seconds of wall time
    std::optional<double> target;         ///< stop once a feasible value this good is found
    std::uint64_t stall_evaluations = 0;  ///< stop after this many evaluations without gain
    double stall_seconds = 0;             ///< stop after this long without gain
    const std::atomic<bool>* interrupt = nullptr;  ///< set by a signal handler (Ctrl-C)
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

struct Result {
    Allocation allocation;
    Evaluation evaluation;
    std::vector<TracePoint> trace;  ///< one point per improvement
    std::uint64_t evaluations = 0;
    double seconds = 0;
    StopReason stop = StopReason::finished;
    /// A proven lower bound on the (minimised) objective when the solver computed one: the
    /// Lagrangian bounds of the GA and PSO starts (the LP bound in the limit). Finite, absent
    /// unless `evaluation` is feasible, never above its value (docs/design.md §Lower bounds).
    std::optional<double> lower_bound;
};

/// Receives progress. Called from the solver's (single) thread.
class Observer {
  public:
    virtual ~Observer() = default;
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
    SearchTracker(Evaluator& evaluator, const Termination& termination, Observer* observer);

    /// Records `allocation` if it beats the best so far (feasibility-first). Returns whether
    /// it did.
    bool offer(const Allocation& allocation, const Evaluation& evaluation);
    /// Whether the search must stop now; also feeds the observer.
    bool should_stop();
    /// The stop reason once should_stop() returned true (finished otherwise).
    StopReason reason() const { return reason_; }

    bool has_best() const { return has_best_; }
    const Allocation& best() const { return best_; }
    const Evaluation& best_evaluation() const { return best_evaluation_; }
    double seconds() const;
    Evaluator& evaluator() { return evaluator_; }

    /// The Result: the best allocation, the trace and the counters.
    Result finish();

  private:
    Evaluator& evaluator_;
    Termination termination_;
    Observer* observer_;
    Sense sense_;
    std::chrono::steady_clock::time_point start_;
    std::uint64_t start_evaluations_;
    bool has_best_ = false;
    Allocation best_;
    Evaluation best_evaluation_;
    std::vector<TracePoint> trace_;
    std::uint64_t last_gain_evaluations_ = 0;
    double last_gain_seconds_ = 0;
    StopReason reason_ = StopReason::finished;
};

/// A solver's tunable parameter: one row of its options table, from which the CLI flags,
/// the YAML config keys and the tuner's parameter space are all derived.
struct OptionSpec {
    enum class Type : std::uint8_t { integer, real, boolean, choice };
    std::string_view name;
    std::string_view description;
    Type type = Type::real;
    double default_value = 0;
    double min = 0;
    double max = 0;
    std::vector<std::string_view> choices;  ///< for Type::choice; the value is the index
};

/// Option values by name, checked against a table.
class OptionValues {
  public:
    OptionValues() = default;
    explicit OptionValues(const std::vector<OptionSpec>* table) : table_(table) {}

    /// Sets `name` from text ("0.9", "true", a choice name). Throws InputError (key = name)
    /// for an unknown name (with a hint), a bad value or a value out of bounds.
    void set(std::string_view name, std::string_view text);
    double get(std::string_view name) const;  ///< the value or the table's default
    int get_int(std::string_view name) const { return static_cast<int>(get(name)); }
    /// Whether set() gave `name` a value (else get() returns the table's default).
    bool is_set(std::string_view name) const;
    /// Throws InputError naming both options and their values when `low` is above `high`
    /// (such as ruin_min=9 with ruin_max=2): called once every option is set.
    void require_not_above(std::string_view low, std::string_view high) const;
    /// Every option with its value, in table order.
    std::vector<std::pair<std::string, double>> all() const;
    /// Every option with its value as set() reads it back (a choice's name, true/false, a
    /// number), in table order: what result files and configs show.
    std::vector<std::pair<std::string, std::string>> all_text() const;

  private:
    const OptionSpec& spec(std::string_view name) const;
    const std::vector<OptionSpec>* table_ = nullptr;
    std::vector<std::pair<std::string, double>> values_;
};

class Solver {
  public:
    virtual ~Solver() = default;
    /// Searches for a good allocation of evaluator.problem(). Never throws for a valid
    /// problem; returns the best allocation found when stopped.
    virtual Result solve(Evaluator& evaluator, const Termination& termination,
                         Observer* observer) = 0;
};

}  // namespace allocopt
