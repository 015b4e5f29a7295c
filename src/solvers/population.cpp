// The scaffolding of the population searches (GA, PSO): starts, keyed streams, batch scoring
// within the budget, the changed-tasks diff and the convergence test.

#include "solvers/population.hpp"

#include <algorithm>
#include <limits>

namespace allocopt::detail {

Population::Population(std::uint64_t seed, Evaluator& evaluator, SearchTracker& tracker)
    : seed_(seed),
      evaluator_(evaluator),
      tracker_(tracker),
      sense_(evaluator.problem().objective().sense),
      memetic_(evaluator, tracker),
      best_at_convergence_{0, std::numeric_limits<double>::infinity()} {}

std::vector<Allocation> Population::starts(std::size_t size, int price_iterations,
                                           std::uint64_t effort,
                                           std::vector<Allocation>* heuristic) {
    // Under a budget, the starts' scoring (score(), `size` of them) is held back from their
    // improvement: at most half of the budget.
    const std::uint64_t budget = tracker_.budget();
    if (tracker_.has_budget()) tracker_.hold_back(std::min<std::uint64_t>(size, budget / 2));
    std::vector<Allocation> starts = memetic_.starts(size, price_iterations);
    if (heuristic) *heuristic = starts;
    if (starts.empty()) {
        Rng rng = stream(Purpose::random_start, 0, 0);
        starts.push_back(memetic_.random_allocation(rng));
    }
    const std::size_t n = evaluator_.problem().num_tasks();
    for (std::size_t i = 0; starts.size() < size && !tracker_.should_stop(); ++i) {
        Allocation a = starts[i % starts.size()];
        Rng rng = stream(Purpose::top_up, 0, i);
        memetic_.mutate(a, std::max<std::size_t>(2, n / 10), rng);
        memetic_.improve(a, effort, rng, &memetic_.mutated());
        starts.push_back(std::move(a));
    }
    tracker_.hold_back(0);
    return starts;
}

void Population::score(std::span<const Allocation> batch, std::vector<Evaluation>& scores) {
    const auto fit =
        static_cast<std::size_t>(std::min<std::uint64_t>(batch.size(), tracker_.budget()));
    scores.assign(fit, Evaluation{});
    evaluator_.evaluate_batch(batch.first(fit), scores);
    for (std::size_t i = 0; i < fit; ++i)
        tracker_.offer(batch[i], scores[i]);
}

void Population::changed_tasks(const Allocation& now, const Allocation& before,
                               std::vector<std::uint32_t>& changed) {
    changed.clear();
    for (std::size_t t = 0; t < now.size(); ++t) {
        if (now.resource[t] != before.resource[t] || now.units[t] != before.units[t])
            changed.push_back(static_cast<std::uint32_t>(t));
    }
}

Population::Verdict Population::converged(bool converged, const Evaluation& best) {
    in_a_row_ = converged ? in_a_row_ + 1 : 0;
    if (in_a_row_ < kConverged) return Verdict::search;
    in_a_row_ = 0;
    fruitless_ = better(best, best_at_convergence_, sense_) ? 1 : fruitless_ + 1;
    best_at_convergence_ = best;
    return fruitless_ > kFruitlessRestarts ? Verdict::end : Verdict::restart;
}

}  // namespace allocopt::detail
