#include "solvers/memetic.hpp"

#include <algorithm>

#include "allocopt/solvers/heuristics.hpp"
#include "allocopt/solvers/local_search.hpp"

namespace allocopt::detail {

namespace {

bool makespan_only(const Objective& objective) {
    if (objective.sense != Sense::minimize || objective.terms.empty()) return false;
    for (const auto& [metric, weight] : objective.terms) {
        if (metric != Metric::makespan || weight <= 0) return false;
    }
    return true;
}

constexpr std::size_t kSlowHeuristicTasks = 5000;  // sufferage is O(n^2)

}  // namespace

Memetic::Memetic(Evaluator& evaluator, SearchTracker& tracker)
    : evaluator_(evaluator), tracker_(tracker), problem_(evaluator.problem()) {
    if (evaluator.path() == Evaluator::Path::load && evaluator.unit_duration_table() &&
        makespan_only(problem_.objective()) && !problem_.has_restrictions()) {
        kernel_.emplace(evaluator.unit_duration_table(), problem_.num_tasks(),
                        problem_.num_resources());
    }
}

std::int32_t Memetic::units_for(std::size_t t, std::size_t r, std::int32_t current) const {
    const UnitChoice& units = problem_.task(t).units;
    return units.allows(current) && current <= problem_.capacity(r, 0) ? current : units.min;
}

std::vector<Allocation> Memetic::starts(std::size_t count, int price_iterations) {
    namespace h = heuristics;
    using Build = Allocation (*)(const Problem&, const Evaluator&);
    std::vector<Build> builds;
    if (problem_.mode() == Mode::packing) {
        builds = {h::regret_greedy, h::first_fit_decreasing, h::best_fit, h::first_fit};
    } else if (kernel_) {
        builds = {h::min_min};
    } else {
        builds = {h::min_min, h::mct, h::fcfs, h::sjf, h::priority};
        if (problem_.num_tasks() <= kSlowHeuristicTasks) builds.push_back(h::sufferage);
    }
    std::vector<Allocation> out;
    Rng rng(0x5eed);
    for (Build build : builds) {
        if (tracker_.should_stop()) break;
        out.push_back(build(problem_, evaluator_));
        improve(out.back(), 0, rng);
    }
    if (kernel_ && !tracker_.should_stop()) {
        const std::size_t n = problem_.num_tasks();
        PriceSeeds seeds = price_directed(evaluator_.unit_duration_table(), n,
                                          problem_.num_resources(), price_iterations, count, 0.5);
        evaluator_.count_evaluations(seeds.scores);
        lower_bound_ = seeds.lower_bound;
        for (auto& s : seeds.assignments) {
            Allocation a = out.front();  // unit counts as min-min set them
            a.resource = std::move(s);
            improve(a, 0, rng);
            out.push_back(std::move(a));
        }
    }
    return out;
}

void Memetic::mutate(Allocation& a, std::size_t k, Rng& rng) {
    if (kernel_) {
        kernel_->assign(a.resource.data());
        evaluator_.count_evaluations(kernel_->ruin_recreate(k, rng));
        a.resource = kernel_->resource();
        return;
    }
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t t = rng.below(n);
        for (int tries = 0; tries < 8; ++tries) {
            const std::size_t r = rng.below(m);
            if (!problem_.can_host(t, r)) continue;
            a.place(t, static_cast<std::int32_t>(r), units_for(t, r, a.units[t]));
            break;
        }
    }
}

void Memetic::improve(Allocation& a, std::uint64_t effort, Rng& rng) {
    if (kernel_) {
        kernel_->assign(a.resource.data());
        evaluator_.count_evaluations(kernel_->descend(effort));
        a.resource = kernel_->resource();
        return;
    }
    DeltaState state(evaluator_, a);
    LocalSearchOptions options;
    options.max_scores = effort;
    LocalSearch::improve(state, tracker_, options, rng);
    a = state.allocation();
}

Allocation Memetic::random_allocation(Rng& rng) const {
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    Allocation a(n);
    for (std::size_t t = 0; t < n; ++t) {
        // A random resource, or the next one that can host the task (every task fits).
        std::size_t r = rng.below(m);
        for (std::size_t step = 0; step < m && !problem_.can_host(t, r); ++step)
            r = (r + 1) % m;
        a.place(t, static_cast<std::int32_t>(r), problem_.task(t).units.min);
    }
    return a;
}

}  // namespace allocopt::detail
