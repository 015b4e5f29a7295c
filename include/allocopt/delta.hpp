#pragma once
// Delta evaluation: score "move task t to resource r with u units" and "swap the resources of
// tasks a and b" without re-evaluating the whole allocation.
//
// Four kinds, chosen from the Evaluator's path:
//   * load (load path: makespan / load_imbalance on one-unit resources): per-resource loads
//     and the three largest, O(1) per score;
//   * packing (packing path, an objective of cost and unplaced only, at most 8 capacity
//     dimensions: GAP, cloud balancing, GPU sharing): usage per resource and dimension, O(d)
//     per score; with devices also the share taken of each device, O(devices of the touched
//     resources) per score. Every placed task then names its devices (a move takes them as
//     the Evaluator would choose them, or the least used ones where none has room), so that
//     a fresh evaluation of allocation() scores exactly what the state holds;
//   * schedule (general path: list scheduling in schedule mode): each resource's queue in
//     policy order, per-resource sums and maxima of everything the metrics need, their
//     totals and the three largest makespans and loads. A score lays out again only the one
//     or two resources the change touches, with the moved task left out of or put into the
//     queue on the fly (detail::list_schedule, the Evaluator's own), O(k log k) for k tasks
//     on a touched resource, plus O(1) to combine;
//   * full (anything else): every score is a full evaluation, behind the same interface.
// Every score counts as one evaluation of the Evaluator's budget.
//
// Exactness: the load and packing kinds and the schedule kind's makespan are exact; the
// schedule kind's totals are sums over resources kept up to date by adding and subtracting
// (the Evaluator sums over tasks), so other metrics may differ from a fresh evaluate() in
// the last digits (within 1e-9 relative; resync() drops the drift), and a change within that
// drift (1e-12 relative) scores exactly as the current value: a tie, as a fresh evaluation
// would see it. Feasibility is exact on every kind: violations are kept with integer counts
// of their causes.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/evaluator.hpp"

namespace allocopt::detail {
struct ListScratch;
struct QueueEdit;
}  // namespace allocopt::detail

namespace allocopt {

class DeltaState {
  public:
    /// Starts from `start` (one entry per task). Keeps a reference to `evaluator`. Scores are
    /// counted on the Evaluator, or on `*counter` when given: states that count locally and
    /// are incremental() touch nothing shared, so several may run in parallel (the callers
    /// add the counts to the Evaluator afterwards).
    DeltaState(Evaluator& evaluator, const Allocation& start, std::uint64_t* counter = nullptr);
    ~DeltaState();
    DeltaState(DeltaState&&) noexcept;

    const Problem& problem() const { return problem_; }

    /// Whether scores come from the incremental state (true) or full evaluations (false).
    bool incremental() const { return kind_ != Kind::full; }
    /// Whether scores may differ from a fresh Evaluator::evaluate() in the last digits
    /// (the schedule kind's sums; see the top of this header). Such a score is never off
    /// in feasibility, and SearchTracker re-scores a best offered as approximate.
    bool approximate() const { return kind_ == Kind::schedule; }

    const Allocation& allocation() const { return allocation_; }
    /// The score of the current allocation.
    Evaluation current() const { return current_; }

    /// The score the allocation would have with task t on resource r (or
    /// Allocation::kUnplaced) with u units. Changes nothing.
    Evaluation score_move(std::size_t t, std::int32_t r, std::int32_t u);
    /// The score with the resources of tasks a and b exchanged; each task keeps its own unit
    /// count (a unit count belongs to its task: another task's may not be admissible for it).
    /// The caller checks that each count fits the other resource.
    Evaluation score_swap(std::size_t a, std::size_t b);

    /// A second key for a descent to choose among changes that tie on the score, smaller is
    /// better; 0 where the state has none. In the schedule kind with the makespan alone as the
    /// objective (minimized): the sum over resources of the square of each one's makespan. A
    /// move that shortens a resource off the critical path then counts: it makes room there
    /// for a later move off the critical one (several of which are needed when every move
    /// alone would lengthen another resource past the makespan). tie_key() is the current
    /// allocation's, scored_tie_key() that of the last score_move() or score_swap().
    double tie_key() const;
    double scored_tie_key() const { return scored_tie_; }
    /// Applies the move, returning the new score. undo() reverts the last applied change.
    Evaluation apply_move(std::size_t t, std::int32_t r, std::int32_t u);
    Evaluation apply_swap(std::size_t a, std::size_t b);
    void undo();

    /// Recomputes the state from scratch (drops the rounding drift of long move sequences).
    void resync();

  private:
    void count(std::uint64_t k) {
        if (counter_)
            *counter_ += k;
        else
            evaluator_.count_evaluations(k);
    }

    enum class Kind : std::uint8_t { load, packing, schedule, full };
    struct Change {
        std::size_t task;
        std::int32_t resource, units;
        std::uint64_t devices;
    };

    // Per-kind implementations. `delta_*` return the score after moving tasks
    // (ta -> ra/ua) and, when tb != npos, (tb -> rb/ub) at once.
    Evaluation delta_load(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                          std::int32_t rb, std::int32_t ub) const;
    Evaluation delta_packing(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                             std::int32_t rb, std::int32_t ub) const;
    template <bool kDevices>  // delta_packing's two instances
    Evaluation packing_score(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                             std::int32_t rb, std::int32_t ub) const;
    Evaluation score_full(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                          std::int32_t rb, std::int32_t ub);
    // Updates the incremental state; with devices, `devices` names those t takes on r (0 =
    // chosen as a move would choose them).
    void set(std::size_t t, std::int32_t r, std::int32_t u, std::uint64_t devices = 0);
    void settle();       // after set()s: current_, top loads, schedule aggregates
    void refresh_top();  // top loads after a change
    double task_duration(std::size_t t, std::int32_t r) const;
    double placement_penalty(std::size_t t, std::int32_t r, std::int32_t u) const;
    double overflow(std::size_t j, std::size_t k, double usage) const;
    // packing kind with devices: the devices task t takes on resource j, whose devices have
    // `used` taken (detail::choose_devices; where none fit, the least used ones, which then
    // overflow; 0 when j has too few devices), and the violation of one device at `used`.
    std::uint64_t pick_devices(std::size_t t, std::size_t j, const int* used) const;
    double device_overflow(std::size_t j, int used) const;
    double no_room(std::size_t t, std::size_t j) const;
    void resync_devices();
    std::uint64_t shift_devices(std::size_t t, std::int32_t from, std::int32_t r,
                                std::uint64_t devices);  // set()'s part; returns t's devices on r

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    static constexpr std::size_t kMaxDimensions =
        8;  // incremental packing keeps usage on the stack

    Evaluator& evaluator_;
    const Problem& problem_;
    Kind kind_;
    Allocation allocation_;
    Allocation scratch_;  // for full-evaluation scores
    Evaluation current_;
    std::vector<Change> undo_;
    std::uint64_t* counter_;

    // load kind
    const double* unit_duration_ = nullptr;  // n x m, or null (computed on the fly)
    std::vector<double> load_;               // m
    std::array<std::int32_t, 3> top_{};      // indices of the three largest loads
    double total_load_ = 0;
    bool makespan_only_ = true;
    // schedule kind, makespan alone: the tie key (tie_key()) of the last score
    bool tie_break_ = false;
    double scored_tie_ = 0;
    // packing kind
    std::vector<double> usage_;         // m x d
    std::vector<std::uint32_t> count_;  // m: tasks on each resource
    double cost_ = 0;                   // pair costs + fixed costs of used resources
    double capacity_violation_ = 0;     // sum of relative overflows
    double cost_weight_ = 0, unplaced_weight_ = 0;
    // packing kind with devices: every placed task that asks for devices names them in
    // allocation_ (so that a fresh evaluation of allocation_ takes exactly these), and the
    // share taken of each device
    bool devices_ = false;
    std::vector<int> device_used_;  // per device (Problem::device_offset)
    // schedule kind (src/delta_schedule.cpp)
    struct Sums;      // per-resource sums, maxima and counts
    struct Schedule;  // queues, per-task caches, sums per resource, totals, scratch
    Evaluation delta_schedule(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                              std::int32_t rb, std::int32_t ub);
    void resync_schedule();
    void set_schedule(std::size_t t, std::int32_t r, std::int32_t u);
    void settle_schedule();
    void lay_out(std::size_t j, const detail::QueueEdit& edit, double insert_cost, Sums& out);
    std::size_t queue_position(std::int32_t r, std::size_t t, double duration,
                               std::int32_t units) const;
    double effective_duration(std::size_t t, std::int32_t r, std::int32_t u) const;
    Evaluation schedule_score(const Sums& total, double makespan, double max_load,
                              double placement) const;
    Evaluation snap(Evaluation e) const;  // a change within the sums' drift is a tie
    std::unique_ptr<Schedule> schedule_;
    // all incremental kinds
    double placement_violation_ = 0;
    std::size_t unplaced_ = 0;
};

}  // namespace allocopt
