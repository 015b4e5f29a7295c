#include "allocopt/solvers/local_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace allocopt {

namespace {

constexpr std::uint64_t kCheckEvery = 1024;  // scores between two termination checks
const StopClock kNever;

/// The unit count task t would use on resource r: its current count when admissible there,
/// else its smallest.
std::int32_t units_on(const Problem& p, const Allocation& a, std::size_t t, std::size_t r) {
    const std::int32_t u = a.units[t];
    const Task& task = p.task(t);
    return task.units.allows(u) && u <= p.capacity(r, 0) ? u : task.units.min;
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
          order_(problem_.num_tasks()),
          poll_(tracker         ? tracker->clock()
                : options.clock ? *options.clock
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
    bool improves(const Evaluation& e, const Evaluation& ref) const {
        if (weight_ < 0) return better(e, ref, sense_);
        const double sign = sense_ == Sense::minimize ? 1.0 : -1.0;
        const double pe = sign * e.objective + weight_ * e.violation;
        const double pr = sign * ref.objective + weight_ * ref.violation;
        return pe < pr - 1e-9 * (std::abs(pr) + 1);
    }

    bool move_pass() {
        bool improved = false;
        const std::size_t m = problem_.num_resources();
        for (std::uint32_t t : order_) {
            const std::int32_t from = state_.allocation().resource[t];
            Evaluation best = state_.current();
            std::int32_t best_r = -1, best_u = 0;
            for (std::size_t r = 0; r < m && !poll(); ++r) {
                if (static_cast<std::int32_t>(r) == from || !problem_.can_host(t, r)) continue;
                const std::int32_t u = units_on(problem_, state_.allocation(), t, r);
                if (stopped_ || !spend()) break;
                const Evaluation e = state_.score_move(t, static_cast<std::int32_t>(r), u);
                if (tick()) break;
                if (!improves(e, best)) continue;
                best = e;
                best_r = static_cast<std::int32_t>(r);
                best_u = u;
                if (!options_.best_improvement) break;
            }
            if (best_r >= 0 && spend()) {  // applying scores the move again
                accept(state_.apply_move(t, best_r, best_u));
                improved = true;
            }
            if (stopped_) break;
        }
        return improved;
    }

    bool swap_pass() {
        bool improved = false;
        const Allocation& a = state_.allocation();
        // Focused: the focus tasks swap with any task; else every pair once.
        const bool focused = options_.focus != nullptr;
        const std::size_t n = focused ? problem_.num_tasks() : order_.size();
        for (std::size_t x = 0; x < order_.size() && !stopped_; ++x) {
            const std::uint32_t s = order_[x];
            for (std::size_t y = focused ? 0 : x + 1; y < n && !poll(); ++y) {
                const auto t = focused ? static_cast<std::uint32_t>(y) : order_[y];
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
                if (improves(e, state_.current())) {
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
    std::vector<std::uint32_t> order_;
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

Result LocalSearch::solve(Evaluator& evaluator, const Termination& termination,
                          Observer* observer) {
    SearchTracker tracker(evaluator, termination, observer);
    const Allocation start = init_(evaluator.problem(), evaluator, tracker.clock());
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
