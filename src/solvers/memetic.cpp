#include "solvers/memetic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

#include "allocopt/bounds.hpp"
#include "allocopt/sharing.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "allocopt/solvers/local_search.hpp"
#include "detail/evaluator_internals.hpp"

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
// Scores one local search may spend when the options leave it unbounded: enough for a local
// optimum on GAP-sized problems, a bound on cloud-balancing-sized ones (2400 x 800: a move
// pass alone is 1.9 M scores), where many cheap, focused searches pay better.
constexpr std::uint64_t kSearchEffort = 2'000'000;
constexpr std::uint64_t kStartEffort = 20'000'000;  // for each heuristic start
constexpr double kBlink = 0.2;                      // probability a re-insertion skips a resource

}  // namespace

Memetic::Memetic(Evaluator& evaluator, SearchTracker& tracker)
    : evaluator_(evaluator), tracker_(tracker), problem_(evaluator.problem()) {
    const EvaluatorInternals& internal = internals(evaluator);
    if (internal.path == EvaluatorPath::load && internal.unit_duration_table() &&
        makespan_only(problem_.objective()) && !problem_.has_restrictions()) {
        kernel_.emplace(internal.unit_duration_table(), problem_.num_tasks(),
                        problem_.num_resources());
    }
    for (const Resource& r : problem_.resources())
        has_fixed_costs_ = has_fixed_costs_ || r.fixed_cost > 0;
}

std::int32_t Memetic::units_for(std::size_t t, std::size_t r, std::int32_t current) const {
    const UnitChoice& units = problem_.task(t).units;
    return units.allows(current) && current <= problem_.capacity(r, 0) ? current : units.min;
}

namespace {

using Build = Allocation (*)(const Problem&, const StopClock&);

/// A heuristic start, a rough count of its elementary steps (task x resource looks) and, for
/// a quadratic one, the most tasks it is a start for (whatever the limits).
struct StartBuild {
    std::string_view name;
    Build build;
    double looks;
    std::size_t max_tasks = std::numeric_limits<std::size_t>::max();
    std::string_view cost = "O(n^2) steps";  // why it is skipped above max_tasks
};

/// A GPU-sharing policy's online placement (sharing.hpp), seed 0: FGD leaves the fewest
/// devices fragmented, best-fit does better where CPU is short (the cpu200 trace).
template <sharing::PlacementPolicy kPolicy>
Allocation policy_start(const Problem& p, const StopClock& stop) {
    return sharing::place_online(p, kPolicy, 0, [&stop] { return stop.expired(); });
}

/// The constructive starts that suit the problem, the problem's own policy first, then the
/// other O(n m) ones, then the costlier ones.
std::vector<StartBuild> start_builds(const Problem& p, bool kernel) {
    namespace h = heuristics;
    const auto n = static_cast<double>(p.num_tasks());
    const double nm = n * static_cast<double>(p.num_resources());
    // The schedule heuristics look at classes of identical resources, not at each one.
    const double nc =
        p.mode() == Mode::packing ? nm : n * static_cast<double>(heuristics::distinct_resources(p));
    if (p.mode() == Mode::packing) {
        std::vector<StartBuild> out;
        if (p.has_devices() && sharing::policies_apply(p)) {
            using sharing::PlacementPolicy;
            out.push_back({"sharing-fgd", policy_start<PlacementPolicy::fgd>, nm});
            out.push_back({"sharing-best-fit", policy_start<PlacementPolicy::best_fit>, nm});
        }
        out.push_back({"regret", h::regret_greedy, n * n + nm});
        out.push_back({"first-fit-decreasing", h::first_fit_decreasing, nm});
        out.push_back({"best-fit", h::best_fit, nm});
        out.push_back({"first-fit", h::first_fit, nm});
        return out;
    }
    bool same_arrival = true;
    for (const Task& t : p.tasks())
        same_arrival = same_arrival && t.arrival == p.task(0).arrival;
    // Min-Min by sorted lists when all tasks arrive together (and the lists fit), else by
    // re-examinations: about n^2 looks on uniform instances.
    const double min_min = same_arrival && nc <= double(1 << 22) ? nc * std::log2(n + 2) : n * n;
    if (kernel) return {{"min-min", h::min_min, min_min}};
    std::vector<StartBuild> out;
    const StartBuild policies[] = {{"fcfs", h::fcfs, nc},
                                   {"sjf", h::sjf, nc},
                                   {"priority", h::priority, nc},
                                   {"ljf", h::ljf, nc}};
    out.push_back(policies[static_cast<std::size_t>(p.policy())]);
    // ljf (policies[3]) starts only problems whose policy it is: the others keep their starts.
    for (std::size_t k = 0; k < 3; ++k) {
        if (policies[k].build != out.front().build) out.push_back(policies[k]);
    }
    // The LP's time grows faster than n: 40,000 tasks on 4 resources take CLP over 30 s.
    if (lp_makespan_applies(p)) {
        out.push_back({"lp-round", h::lp_rounding, nc, kSlowHeuristicTasks, "an LP solve"});
    }
    out.push_back({"mct", h::mct, nc});
    out.push_back({"min-min", h::min_min, min_min});
    out.push_back({"sufferage", h::sufferage, n * n, kSlowHeuristicTasks});
    return out;
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g s", seconds);
    return text;
}

}  // namespace

std::vector<Allocation> Memetic::starts(std::size_t count, int price_iterations) {
    // The makespan LP's bound first: a search that reaches it has a proven optimum, and the
    // tracker then ends the run (finished). Milliseconds at 700 tasks; bounded, like the
    // lp-round start, by the task count and the clock.
    if (!kernel_ && problem_.num_tasks() <= kSlowHeuristicTasks && lp_makespan_applies(problem_)) {
        // With the non-preemptive LP's bound (the same LP over the ways that end within its
        // value: above the LP's where it spreads long tasks over two resources) and the
        // lp-round start, each LP solved once: about 0.1 s at 700 tasks.
        // Under a time limit alone, at most a quarter of it (like a start): cut short, it gives
        // the LP's bound and the rounding of its optimum.
        const std::optional<double> left =
            tracker_.has_budget() ? std::nullopt : tracker_.seconds_left();
        const StopClock clock = left ? tracker_.clock().within(*left / 4) : tracker_.clock();
        if (std::optional<LpMakespanSolve> lp = lp_makespan_solve(problem_, clock)) {
            const LpBoundChoice larger = larger_lp_bound(lp->lp_bound, lp->nonpreemptive_bound);
            lp_bound_ = larger.value;
            tracker_.stop_at_bound(larger.value, larger.reason);
            tracker_.note(larger.note);
            lp_start_ = std::move(lp->rounding);
        }
    }
    // The midpoint bound (no preemption; no LP solver needed): above the LP's where a few long
    // multi-unit tasks compete for one kind of resource. Milliseconds at 700 tasks.
    if (!kernel_ && problem_.num_tasks() <= kSlowHeuristicTasks) {
        const std::optional<double> midpoint = midpoint_makespan_bound(problem_);
        if (midpoint && (!lp_bound_ || *midpoint > *lp_bound_)) {
            lp_bound_ = midpoint;
            tracker_.stop_at_bound(*lp_bound_, "the midpoint lower bound");
            tracker_.note(
                "lower bound from the tasks that must run at mid-schedule "
                "(no preemption)");
        }
    }
    const std::vector<StartBuild> builds = start_builds(problem_, kernel_.has_value());
    std::vector<Allocation> out;
    std::vector<Evaluation> scores;
    Rng rng(0x5eed);
    // Seconds per look, measured on the first start: a start that would take more than a
    // tenth of the time left is skipped, and the notes say so. Only for a run bounded by time
    // alone: with a budget of evaluations (or without a time limit) every start runs, so that
    // the same budget gives the same result on any machine and at any load.
    const bool timed = !tracker_.has_budget();
    double per_look = 0;
    for (std::size_t b = 0; b < builds.size(); ++b) {
        if (tracker_.should_stop()) break;
        const StartBuild& build = builds[b];
        if (problem_.num_tasks() > build.max_tasks) {
            tracker_.note(std::string(build.name) + " start skipped: it takes " +
                          std::string(build.cost) + ", and " +
                          std::to_string(problem_.num_tasks()) + " tasks are more than " +
                          std::to_string(build.max_tasks));
            continue;
        }
        // Seconds left under a time limit alone; negative otherwise.
        const double left = (timed ? tracker_.seconds_left() : std::nullopt).value_or(-1.0);
        if (left >= 0 && per_look > 0 && per_look * build.looks > 0.1 * left) {
            tracker_.note(std::string(build.name) + " start skipped: it would take about " +
                          seconds_text(per_look * build.looks) + " on " +
                          std::to_string(problem_.num_tasks()) + " tasks x " +
                          std::to_string(problem_.num_resources()) +
                          " resources, more than a tenth of the " + seconds_text(left) + " left");
            continue;
        }
        tracker_.phase("starts: " + std::string(build.name) + " (" + std::to_string(b + 1) + "/" +
                       std::to_string(builds.size()) + ")");
        const double began = tracker_.seconds();
        // Cut short by the clock, a heuristic still returns a complete allocation. Under a time
        // limit one start gets at most a quarter of the time left: the estimate above comes from
        // another heuristic, and was once off by 10x (regret on a GPU-sharing trace took the
        // whole limit, leaving no time for the search).
        const StopClock clock = left >= 0 ? tracker_.clock().within(left / 4) : tracker_.clock();
        // (lp-round's start was found with the LP bound: not solved again.)
        if (build.build == heuristics::lp_rounding && lp_start_) {
            out.push_back(*lp_start_);
        } else {
            out.push_back(build.build(problem_, clock));
        }
        if (left >= 0 && clock.expired() && !tracker_.clock().expired()) {
            tracker_.note(std::string(build.name) + " start cut short after " +
                          seconds_text(tracker_.seconds() - began) +
                          ", a quarter of the time left, and completed greedily");
        }
        if (per_look == 0) per_look = (tracker_.seconds() - began) / std::max(build.looks, 1.0);
        if (tracker_.budget() == 0) break;
        // Each start is scored at once (a point of the trace): whatever stops the search from
        // here on, there is an allocation to return.
        scores.push_back(evaluator_.evaluate(out.back()));
        tracker_.offer(out.back(), scores.back());
    }
    // Improve the starts, best first. Under a time limit (and no budget) the starts share at
    // most a third of it, so that the search proper always has the rest.
    // (Packing and the makespan kernel keep the order of the list, as before.)
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    const bool schedule = problem_.mode() == Mode::schedule && !kernel_;
    const Sense sense = problem_.objective().sense;
    if (schedule) {
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return better(scores[x], scores[y], sense);
        });
    }
    const std::optional<double> left =
        schedule && timed ? tracker_.seconds_left() : std::optional<double>();
    for (std::size_t k = 0; k < order.size() && !tracker_.should_stop(); ++k) {
        tracker_.phase("improving starts (" + std::to_string(k + 1) + "/" +
                       std::to_string(order.size()) + ")");
        if (left) {
            const StopClock clock = tracker_.clock().within(*left / 3 / double(order.size()));
            improve(out[order[k]], kStartEffort, rng, nullptr, &clock);
        } else {
            improve(out[order[k]], kStartEffort, rng);
        }
    }
    out.resize(std::min(out.size(), scores.size()));
    lagrangian_starts(out, count, price_iterations, rng);
    return out;
}

bool Memetic::exhaust_small_space() {
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    // Each task's choices, as (resource, units) pairs.
    std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> choices(n);
    double space = 1;
    for (std::size_t t = 0; t < n && space <= kExhaustiveSpace; ++t) {
        const UnitChoice& units = problem_.task(t).units;
        if (problem_.task(t).optional) choices[t].emplace_back(Allocation::kUnplaced, 0);
        for (std::size_t r = 0; r < m && space * double(choices[t].size()) <= kExhaustiveSpace;
             ++r) {
            if (!problem_.can_host(t, r)) continue;
            for (int k = 0; k < units.count() && units.nth(k) <= problem_.capacity(r, 0); ++k)
                choices[t].emplace_back(static_cast<std::int32_t>(r), units.nth(k));
        }
        space *= double(std::max<std::size_t>(choices[t].size(), 1));
    }
    if (n == 0 || space > kExhaustiveSpace || tracker_.budget() < space) return false;
    for (const auto& c : choices) {
        if (c.empty()) return false;  // a task nothing can take (Problem refuses those)
    }
    tracker_.phase("scoring all " + std::to_string(static_cast<long>(space)) + " allocations");
    std::vector<std::size_t> digit(n, 0);
    Allocation a(n);
    for (std::size_t t = 0; t < n; ++t)
        a.place(t, choices[t][0].first, choices[t][0].second);
    for (;;) {
        if (tracker_.should_stop()) return false;
        tracker_.offer(a, evaluator_.evaluate(a));
        std::size_t t = 0;
        while (t < n && ++digit[t] == choices[t].size()) {
            digit[t] = 0;
            a.place(t, choices[t][0].first, choices[t][0].second);
            ++t;
        }
        if (t == n) return true;
        a.place(t, choices[t][digit[t]].first, choices[t][digit[t]].second);
    }
}

void Memetic::set_first_penalty(double objective) {
    // About one resource's share of the cost for a 100 % overflow.
    penalty_ = std::max(1.0, std::abs(objective) / static_cast<double>(problem_.num_resources()));
}

void Memetic::mutate(Allocation& a, int min_k, int max_k, Rng& rng) {
    const auto lo = static_cast<std::size_t>(min_k);
    const auto hi = static_cast<std::size_t>(std::max(min_k, max_k));
    mutate(a, std::min(problem_.num_tasks(), lo + rng.below(hi - lo + 1)), rng);
}

void Memetic::mutate(Allocation& a, std::size_t k, Rng& rng) {
    mutated_.clear();
    const std::uint64_t budget = tracker_.budget();
    if (kernel_) {
        // Ruin-and-recreate scores m re-insertions per task: as many tasks as fit.
        k = static_cast<std::size_t>(std::min<std::uint64_t>(k, budget / problem_.num_resources()));
        if (k == 0) return;
        kernel_->assign(a.resource.data());
        evaluator_.count_evaluations(kernel_->ruin_recreate(k, rng));
        a.resource = kernel_->resource();
        return;
    }
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    // Ruin and recreate below spends 1 (the state) + per task 1 (out) + m (scores) + 1 (in).
    const std::uint64_t per_task = m + 2;
    if (problem_.mode() == Mode::packing && penalty_ > 0) {
        if (budget < 1 + per_task) return;
        // Ruin and recreate: take k tasks out, put each back (in random order) where
        // cost + penalty x violation is least.
        // Half the time the tasks are those of one resource (when fixed costs make closing
        // a resource worth it), else random ones.
        DeltaState state(evaluator_, a);
        std::vector<std::size_t> out;
        // The victim: of three resources in use, the one with the fewest tasks.
        std::int32_t victim = -1;
        std::size_t fewest = n + 1;
        for (int draw = 0; draw < 3; ++draw) {
            const std::int32_t r = a.resource[rng.below(n)];
            if (r < 0) continue;
            const auto on_r =
                static_cast<std::size_t>(std::count(a.resource.begin(), a.resource.end(), r));
            if (on_r < fewest) {
                fewest = on_r;
                victim = r;
            }
        }
        if (has_fixed_costs_ && victim >= 0 && rng.below(2) == 0) {
            for (std::size_t t = 0; t < n && out.size() < 4 * k; ++t) {
                if (a.resource[t] == victim) out.push_back(t);
            }
        }
        for (std::size_t i = 0; out.empty() && i < k; ++i) {
            const std::size_t t = rng.below(n);
            if (a.resource[t] != Allocation::kUnplaced &&
                std::find(out.begin(), out.end(), t) == out.end())
                out.push_back(t);
        }
        out.resize(std::min<std::size_t>(out.size(), (budget - 1) / per_task));  // what fits
        for (std::size_t t : out)
            state.apply_move(t, Allocation::kUnplaced, 0);
        mutated_.assign(out.begin(), out.end());
        const double sign = problem_.objective().sense == Sense::minimize ? 1.0 : -1.0;
        // Greedy re-insertion would mostly rebuild the (locally optimal) parent: each
        // resource is skipped with probability kBlink ("blinks", as in SISR), and a task
        // never goes back where it was when it has another choice.
        for (std::size_t t : out) {
            double best = 0;
            std::int32_t best_r = -1, best_u = 0;
            for (std::size_t r = 0; r < m; ++r) {
                if (!problem_.can_host(t, r)) continue;
                if (static_cast<std::int32_t>(r) == a.resource[t] && m > 1) continue;
                if (best_r >= 0 && rng.uniform() < kBlink) continue;
                const std::int32_t u = units_for(t, r, a.units[t]);
                const Evaluation e = state.score_move(t, static_cast<std::int32_t>(r), u);
                const double v = sign * e.objective + penalty_ * e.violation;
                if (best_r < 0 || v < best) {
                    best = v;
                    best_r = static_cast<std::int32_t>(r);
                    best_u = u;
                }
            }
            state.apply_move(t, best_r, best_u);
        }
        a = state.allocation();
        return;
    }
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t t = rng.below(n);
        for (int tries = 0; tries < 8; ++tries) {
            const std::size_t r = rng.below(m);
            if (!problem_.can_host(t, r)) continue;
            std::int32_t u = units_for(t, r, a.units[t]);
            const UnitChoice& choice = problem_.task(t).units;
            if (choice.count() > 1 && rng.below(2) == 0) {
                // A random admissible count that fits r (the smallest always does).
                const double cap = problem_.capacity(r, 0);
                const int fitting =
                    choice.values.empty()
                        ? static_cast<int>(std::min<double>(choice.max, std::floor(cap))) -
                              choice.min + 1
                        : static_cast<int>(
                              std::upper_bound(choice.values.begin(), choice.values.end(), cap) -
                              choice.values.begin());
                if (fitting > 0) u = choice.nth(static_cast<int>(rng.below(fitting)));
            }
            a.place(t, static_cast<std::int32_t>(r), u);
            mutated_.push_back(static_cast<std::uint32_t>(t));
            break;
        }
    }
}

void Memetic::improve(Allocation& a, std::uint64_t effort, Rng& rng,
                      const std::vector<std::uint32_t>* focus, const StopClock* clock) {
    const std::uint64_t budget = tracker_.budget();
    if (budget == 0) return;
    if (kernel_) {
        kernel_->assign(a.resource.data());
        const std::uint64_t bound = effort != 0 ? std::min(effort, budget) : budget;
        evaluator_.count_evaluations(kernel_->descend(bound, true, &tracker_.clock()));
        a.resource = kernel_->resource();
        return;
    }
    DeltaState state(evaluator_, a);
    LocalSearchOptions options;
    options.max_scores = effort != 0 ? effort : kSearchEffort;
    options.focus = focus;
    options.clock = clock;
    if (problem_.mode() == Mode::packing && state.incremental()) {
        // Strategic oscillation: descend on cost + weight x overflow, then repair. The weight
        // rises while the oscillation ends infeasible and falls while it ends feasible.
        if (penalty_ <= 0) set_first_penalty(state.current().objective);
        LocalSearchOptions o = options;
        o.best_improvement = true;
        // Under a budget, the oscillation leaves at least half of what is left to the repair.
        o.budget = std::max<std::uint64_t>(1, tracker_.budget() / 2);
        LocalSearch::improve_penalized(state, tracker_, penalty_, o, rng);
        penalty_ *= state.current().feasible() ? 0.9 : 1.25;
    }
    LocalSearch::improve(state, tracker_, options, rng);
    a = state.allocation();
}

void Memetic::improve_all(std::vector<Job>& jobs, std::uint64_t effort) {
    if (jobs.empty() || tracker_.budget() == 0) return;
    if (!kernel_ && incremental_ < 0) {
        incremental_ = DeltaState(evaluator_, *jobs.front().allocation).incremental() ? 1 : 0;
    }
    if (!kernel_ && incremental_ == 0) {
        for (Job& job : jobs)
            improve(*job.allocation, effort, job.rng, job.focus);
        return;
    }
    const bool packing = !kernel_ && problem_.mode() == Mode::packing;
    if (packing && penalty_ <= 0 && tracker_.budget() > 0)
        set_first_penalty(evaluator_.evaluate(*jobs.front().allocation).objective);
    const double penalty = penalty_;
    // Each job may spend an equal share of what is left (not a race on a shared counter):
    // the same for any thread count.
    const std::uint64_t share = tracker_.budget() / jobs.size();
    if (share == 0) return;
    const StopClock& clock = tracker_.clock();
    std::vector<std::uint64_t> counts(jobs.size(), 0);
    std::vector<std::uint8_t> ended_feasible(jobs.size(), 1);
    evaluator_.parallel_for(jobs.size(), [&](std::size_t i) {
        Job& job = jobs[i];
        if (kernel_) {
            LoadKernel kernel = *kernel_;  // each job its own loads
            kernel.assign(job.allocation->resource.data());
            counts[i] = kernel.descend(effort != 0 ? std::min(effort, share) : share, true, &clock);
            job.allocation->resource = kernel.resource();
            return;
        }
        DeltaState state(evaluator_, *job.allocation, &counts[i]);  // one evaluation
        LocalSearchOptions options;
        options.max_scores = effort != 0 ? effort : kSearchEffort;
        options.focus = job.focus;
        options.clock = &clock;
        std::pair<Allocation, Evaluation> best{*job.allocation, state.current()};
        const Sense sense = problem_.objective().sense;
        if (packing && counts[i] < share) {
            LocalSearchOptions o = options;
            o.best_improvement = true;
            o.budget = std::max<std::uint64_t>(1, (share - counts[i]) / 2);  // half for the repair
            auto seen = LocalSearch::improve_detached(state, o, job.rng, penalty);
            ended_feasible[i] = state.current().feasible();
            if (better(seen.second, best.second, sense)) best = std::move(seen);
        }
        if (counts[i] < share) {
            options.budget = share - counts[i];
            auto seen = LocalSearch::improve_detached(state, options, job.rng);
            if (better(seen.second, best.second, sense)) best = std::move(seen);
        }
        *job.allocation = std::move(best.first);
    });
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        total += counts[i];
        if (packing) penalty_ *= ended_feasible[i] ? 0.9 : 1.25;
    }
    evaluator_.count_evaluations(total);
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
