#include "allocopt/solvers/local_search.hpp"

#include "allocopt/solvers/heuristics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace allocopt {

namespace {

constexpr std::uint64_t kCheckEvery = 1024;  // scores between two termination checks
const StopClock kNever;

/// The unit counts the move pass tries for task t on resource r, at most kMaxUnitTries, all
/// admissible and within r's unit capacity: its current count (when it fits), then the
/// smallest, the fastest on r (the largest that fits, or a table's best speed-up) and the
/// admissible neighbours of the current count (for a range also twice and half of it). A task
/// with one admissible count gets just that: one-unit problems search as before.
constexpr int kMaxUnitTries = 8;
/// Resources a task looks at in one move pass in schedule mode (see move_pass).
constexpr std::size_t kResourceWindow = 32;
/// Partners a task tries in one swap pass in schedule mode (see swap_pass).
constexpr std::size_t kSwapWindow = 256;

int unit_tries(const Problem& p, const Allocation& a, std::size_t t, std::size_t r,
               std::int32_t (&out)[kMaxUnitTries]) {
    const Task& task = p.task(t);
    const UnitChoice& choice = task.units;
    const double cap = p.capacity(r, 0);
    if (choice.fixed() || choice.count() == 1) {
        out[0] = choice.min;
        return 1;
    }
    int count = 0;
    const auto add = [&](std::int64_t u) {
        if (count == kMaxUnitTries || u < choice.min || u > choice.max || u > cap) return;
        if (!choice.allows(static_cast<int>(u))) return;
        for (int k = 0; k < count; ++k) {
            if (out[k] == u) return;
        }
        out[count++] = static_cast<std::int32_t>(u);
    };
    const std::int32_t current = a.units[t];
    add(current);
    add(choice.min);
    add(heuristics::fastest_units(p, t, r));  // 0 when nothing fits: not added
    if (choice.values.empty()) {
        add(std::int64_t{current} - 1);
        add(std::int64_t{current} + 1);
        add(std::int64_t{current} * 2);
        add(current / 2);
    } else {
        const auto at = std::lower_bound(choice.values.begin(), choice.values.end(), current);
        if (at != choice.values.begin()) add(*(at - 1));
        const auto next = at != choice.values.end() && *at == current ? at + 1 : at;
        if (next != choice.values.end()) add(*next);
    }
    return count;
}

class Descent {
  public:
    /// Offers improvements to `tracker` and checks its termination; without one, keeps the
    /// best allocation seen in `seen` instead.
    Descent(DeltaState& state, SearchTracker* tracker, const LocalSearchOptions& options, Rng& rng,
            double weight = -1, std::pair<Allocation, Evaluation>* seen = nullptr)
        : weight_(weight),
          state_(state),
          tracker_(tracker),
          seen_(seen),
          options_(options),
          problem_(state.problem()),
          sense_(problem_.objective().sense),
          rng_(rng),
          order_(problem_.num_tasks()),
          poll_(options.clock ? *options.clock
                : tracker     ? tracker->clock()
                              : kNever,
                4096),
          // Full evaluations are slow: check the termination after each one.
          check_every_(state.incremental() ? kCheckEvery : 1) {
        budget_ = options.budget ? options.budget : std::numeric_limits<std::uint64_t>::max();
        if (tracker) budget_ = std::min(budget_, tracker->budget());
        if (options.focus) {
            order_ = *options.focus;
        } else {
            std::iota(order_.begin(), order_.end(), 0u);
        }
        for (std::size_t i = order_.size(); i > 1; --i) {
            std::swap(order_[i - 1], order_[rng.below(i)]);
        }
        // Schedule mode on many resources: each task looks at a window of them (see
        // move_pass). Packing and single-unit problems keep the full scan.
        const std::size_t m = problem_.num_resources();
        if (problem_.mode() == Mode::schedule && m > kResourceWindow) {
            resources_.resize(m);
            std::iota(resources_.begin(), resources_.end(), 0u);
            for (std::size_t i = m; i > 1; --i)
                std::swap(resources_[i - 1], resources_[rng.below(i)]);
        }
    }

    bool run() {
        bool any = false;
        while (!stopped_) {
            bool improved = move_pass();
            if (!stopped_ && options_.swaps) improved = swap_pass() || improved;
            if (!improved) break;
            any = true;
        }
        return any;
    }

  private:
    /// Whether one more evaluation fits in the budget (else the descent stops); spends it.
    bool spend() {
        if (spent_ >= budget_) {
            stopped_ = true;
            return false;
        }
        ++spent_;
        return true;
    }

    /// After a score: counts it, polls the termination.
    bool tick() {
        if (++scores_ % check_every_ == 0 && tracker_ && tracker_->should_stop()) stopped_ = true;
        if (options_.max_scores && scores_ >= options_.max_scores) stopped_ = true;
        return stopped_;
    }

    /// Once per candidate looked at, scored or not: polls the clock.
    bool poll() {
        if (poll_()) stopped_ = true;
        return stopped_;
    }

    void accept(const Evaluation&) {
        if (tracker_) {
            tracker_->offer(state_.allocation(), state_.current(), state_.approximate());
        } else if (seen_ && better(state_.current(), seen_->second, sense_)) {
            seen_->first = state_.allocation();
            seen_->second = state_.current();
        }
    }

    /// Whether `e` improves on `ref`: feasibility first, or, with a penalty weight, on
    /// objective + weight x violation (in the minimising direction).
    /// On a tie (the same objective and violation), whether e's tie key (DeltaState::tie_key)
    /// is smaller than ref's by more than the sums' drift.
    bool improves(const Evaluation& e, double e_tie, const Evaluation& ref, double ref_tie) const {
        if (e.objective == ref.objective && e.violation == ref.violation) {
            return e_tie < ref_tie - 1e-9 * std::abs(ref_tie);
        }
        if (weight_ < 0) return better(e, ref, sense_);
        const double sign = sense_ == Sense::minimize ? 1.0 : -1.0;
        const double pe = sign * e.objective + weight_ * e.violation;
        const double pr = sign * ref.objective + weight_ * ref.violation;
        return pe < pr - 1e-9 * (std::abs(pr) + 1);
    }

    /// Moves each task to another resource or changes its unit count (see unit_tries): first
    /// its other unit counts where it is, then the other resources, in index order, or, in
    /// schedule mode with more than kResourceWindow resources, kResourceWindow of them from a
    /// random place in a shuffled order (a move pass then costs O(n) scores, not O(n m)).
    bool move_pass() {
        bool improved = false;
        const std::size_t m = problem_.num_resources();
        const bool window = !resources_.empty();
        std::int32_t tries[kMaxUnitTries];
        for (std::uint32_t t : order_) {
            const std::int32_t from = state_.allocation().resource[t];
            const std::int32_t units = state_.allocation().units[t];
            Evaluation best = state_.current();
            double best_tie = state_.tie_key();
            std::int32_t best_r = -1, best_u = 0;
            // Tries the unit counts of t on r; returns whether to stop looking.
            const auto look = [&](std::size_t r) {
                if (!problem_.can_host(t, r)) return false;
                const int count = unit_tries(problem_, state_.allocation(), t, r, tries);
                const bool here = static_cast<std::int32_t>(r) == from;
                for (int k = 0; k < count && !stopped_; ++k) {
                    const std::int32_t u = tries[k];
                    if (here && u == units) continue;
                    if (!spend()) break;
                    const Evaluation e = state_.score_move(t, static_cast<std::int32_t>(r), u);
                    if (tick()) break;
                    const double tie = state_.scored_tie_key();
                    if (!improves(e, tie, best, best_tie)) continue;
                    best = e;
                    best_tie = tie;
                    best_r = static_cast<std::int32_t>(r);
                    best_u = u;
                    if (!options_.best_improvement) break;
                }
                return stopped_ || (best_r >= 0 && !options_.best_improvement);
            };
            bool done = from >= 0 && look(static_cast<std::size_t>(from));
            const std::size_t first = window ? rng_.below(m) : 0;
            const std::size_t count = window ? kResourceWindow : m;
            for (std::size_t k = 0; k < count && !done && !poll(); ++k) {
                const std::size_t r = window ? resources_[(first + k) % m] : k;
                if (static_cast<std::int32_t>(r) != from) done = look(r);
            }
            if (best_r >= 0 && spend()) {  // applying scores the move again
                accept(state_.apply_move(t, best_r, best_u));
                improved = true;
            }
            if (stopped_) break;
        }
        return improved;
    }

    /// Exchanges the resources of two tasks. Focused: the focus tasks swap with any task; else
    /// every pair once. In schedule mode with more than kSwapWindow tasks, each task tries
    /// kSwapWindow partners from a random place in the task order instead (a pass costs
    /// O(n) scores, not O(n^2)).
    bool swap_pass() {
        bool improved = false;
        const Allocation& a = state_.allocation();
        const bool focused = options_.focus != nullptr;
        const std::size_t tasks = problem_.num_tasks();
        const bool window = problem_.mode() == Mode::schedule && tasks > kSwapWindow;
        const std::size_t n = focused ? tasks : order_.size();
        for (std::size_t x = 0; x < order_.size() && !stopped_; ++x) {
            const std::uint32_t s = order_[x];
            const std::size_t from = window ? rng_.below(tasks) : focused ? 0 : x + 1;
            const std::size_t until = window ? from + kSwapWindow : n;
            for (std::size_t y = from; y < until && !poll(); ++y) {
                const auto t = window    ? static_cast<std::uint32_t>(y % tasks)
                               : focused ? static_cast<std::uint32_t>(y)
                                         : order_[y];
                if (t == s) continue;
                const std::int32_t rs = a.resource[s], rt = a.resource[t];
                if (rs == rt || rs < 0 || rt < 0) continue;
                if (!problem_.can_host(s, static_cast<std::size_t>(rt)) ||
                    !problem_.can_host(t, static_cast<std::size_t>(rs)) ||
                    a.units[s] > problem_.capacity(static_cast<std::size_t>(rt), 0) ||
                    a.units[t] > problem_.capacity(static_cast<std::size_t>(rs), 0)) {
                    continue;
                }
                if (stopped_ || !spend()) break;
                const Evaluation e = state_.score_swap(s, t);
                if (tick()) break;
                if (improves(e, state_.scored_tie_key(), state_.current(), state_.tie_key())) {
                    if (!spend()) break;  // applying scores the swap again
                    accept(state_.apply_swap(s, t));
                    improved = true;
                }
            }
        }
        return improved;
    }

    double weight_;  // penalty weight of the violation; < 0: feasibility first
    DeltaState& state_;
    SearchTracker* tracker_;
    std::pair<Allocation, Evaluation>* seen_;
    const LocalSearchOptions& options_;
    const Problem& problem_;
    Sense sense_;
    Rng& rng_;
    std::vector<std::uint32_t> order_;
    std::vector<std::uint32_t> resources_;  // shuffled once, for the windows; empty = scan all
    Poll poll_;
    std::uint64_t check_every_;
    std::uint64_t budget_;      // evaluations the descent may spend (scores and applies)
    std::uint64_t spent_ = 0;   // evaluations spent
    std::uint64_t scores_ = 0;  // scores, for options.max_scores
    bool stopped_ = false;
};

}  // namespace

bool LocalSearch::improve(DeltaState& state, SearchTracker& tracker,
                          const LocalSearchOptions& options, Rng& rng) {
    return Descent(state, &tracker, options, rng).run();
}

void LocalSearch::improve_penalized(DeltaState& state, SearchTracker& tracker, double weight,
                                    const LocalSearchOptions& options, Rng& rng) {
    Descent(state, &tracker, options, rng, weight).run();
}

std::pair<Allocation, Evaluation> LocalSearch::improve_detached(DeltaState& state,
                                                                const LocalSearchOptions& options,
                                                                Rng& rng, double weight) {
    std::pair<Allocation, Evaluation> seen{state.allocation(), state.current()};
    Descent(state, nullptr, options, rng, weight, &seen).run();
    return seen;
}

Result LocalSearch::solve(Evaluator& evaluator, const RunSettings& termination,
                          Observer* observer) {
    SearchTracker tracker(evaluator, termination, observer);
    const Allocation start = init_(evaluator.problem(), tracker.clock());
    DeltaState state(evaluator, start);  // scores the start: one evaluation
    tracker.offer(start, state.current(), state.approximate());
    Rng rng(seed_);
    if (!tracker.should_stop()) {
        improve(state, tracker, options_, rng);
        tracker.should_stop();  // records the reason when the budget or the clock ended it
    }
    return tracker.finish();
}

}  // namespace allocopt
