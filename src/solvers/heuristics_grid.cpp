// Grid scheduling heuristics (Braun et al. 2001) on the schedule model: Min-Min, Max-Min,
// Sufferage, MCT, MET and OLB (see heuristics.hpp).

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "allocopt/solvers/heuristics.hpp"
#include "solvers/heuristics_detail.hpp"

namespace allocopt::heuristics {

using namespace detail;

namespace {

/// A tournament tree over the tasks: top() is the active task of smallest (or, with
/// `largest`, largest) key, the lowest index on ties. O(log n) per change, O(n) memory.
class Tournament {
  public:
    Tournament(std::size_t n, bool largest) : largest_(largest), key_(n, 0.0), active_(n, 0) {
        while (size_ < n)
            size_ *= 2;
        tree_.assign(2 * size_, kNone);
    }

    Index top() const { return tree_[1]; }

    void set(Index i, double key) {
        key_[at(i)] = key;
        active_[at(i)] = 1;
        replay(i);
    }

    void erase(Index i) {
        active_[at(i)] = 0;
        replay(i);
    }

  private:
    Index winner(Index x, Index y) const {
        if (x == kNone || y == kNone) return x == kNone ? y : x;
        const double kx = key_[at(x)], ky = key_[at(y)];
        if (kx != ky) return (largest_ ? kx > ky : kx < ky) ? x : y;
        return std::min(x, y);
    }

    void replay(Index i) {
        std::size_t node = size_ + at(i);
        tree_[node] = active_[at(i)] ? i : kNone;
        for (node /= 2; node >= 1; node /= 2)
            tree_[node] = winner(tree_[2 * node], tree_[2 * node + 1]);
    }

    bool largest_;
    std::size_t size_ = 1;
    std::vector<double> key_;
    std::vector<std::uint8_t> active_;
    std::vector<Index> tree_;  // 1-based heap layout; leaves at [size_, 2 size_)
};

/// Min-Min (largest = false) or Max-Min (largest = true) by best choices kept per task.
/// Loading resource j can only delay the tasks on j, so only the tasks whose best was j are
/// re-examined, and only j itself while it still finishes them before their second-best
/// (a lower bound, as the other resources only get later). O(n m + r (m + log n)) for r
/// re-examinations, O(n^2) on uniform instances.
Allocation batch_by_best_finish(const Problem& p, bool largest, Poll& poll) {
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    ReadyTimes rt(p, poll);
    Allocation a(n);
    std::vector<std::pair<Choice, Choice>> best(n);  // (best, lower bound of the second)
    std::vector<std::vector<Index>> waiting(m);      // unplaced tasks by their best
    Tournament next(n, largest);
    const auto refresh = [&](Index i, std::size_t loaded) {
        auto& [first, second] = best[at(i)];
        const Choice again = loaded < m ? rt.on(at(i), loaded) : Choice{};
        if (again.resource != kNone && again.finish < second.finish) {
            first = again;
        } else {
            best[at(i)] = rt.best_two(at(i));
        }
        if (first.resource == kNone) return next.erase(i);
        waiting[at(first.resource)].push_back(i);
        next.set(i, first.finish);
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (poll(m)) return finish_schedule(rt, std::move(a));
        refresh(as_index(i), m);
    }
    std::vector<Index> stale;
    for (Index t = next.top(); t != kNone; t = next.top()) {
        if (poll(m + stale.size())) return finish_schedule(rt, std::move(a));
        const Choice c = best[at(t)].first;
        rt.place(a, at(t), c);
        next.erase(t);
        stale.clear();
        stale.swap(waiting[at(c.resource)]);
        for (const Index i : stale) {
            if (!a.placed(at(i))) refresh(i, at(c.resource));
        }
    }
    return a;
}

/// Min-Min when every task arrives at the same time a: task i finishes on j at
/// max(ready_j, a) + duration(i, j), so the earliest (finish, task, resource) overall heads one
/// class's list of its tasks sorted by (duration, task), on the class's member ready first.
/// O(n c log n) for c classes of identical resources, O(n c) memory.
Allocation min_min_by_lists(const Problem& p, Poll& poll) {
    struct Item {
        double duration;
        Index task;
        int units;
    };
    const std::size_t n = p.num_tasks();
    ReadyTimes rt(p, poll);
    const std::size_t classes = rt.classes();
    Allocation a(n);
    std::vector<std::vector<Item>> list(classes);
    for (std::size_t c = 0; c < classes; ++c) {
        for (std::size_t i = 0; i < n; ++i) {
            if (poll()) return finish_schedule(rt, std::move(a));
            const auto [duration, units] = rt.fastest_in(i, c);
            if (units > 0) list[c].push_back({duration, as_index(i), units});
        }
        std::stable_sort(list[c].begin(), list[c].end(),
                         [](const Item& x, const Item& y) { return x.duration < y.duration; });
    }
    std::vector<std::size_t> head(classes, 0);  // the first unplaced task of each list
    const double arrival = n > 0 ? p.task(0).arrival : 0.0;
    for (;;) {
        if (poll(classes)) return finish_schedule(rt, std::move(a));
        Choice pick;
        Index pick_task = kNone;
        for (std::size_t c = 0; c < classes; ++c) {
            while (head[c] < list[c].size() && a.placed(at(list[c][head[c]].task)))
                ++head[c];
            if (head[c] == list[c].size()) continue;
            const Item& item = list[c][head[c]];
            const std::size_t j = rt.earliest_member(c, arrival);
            const double finish = std::max(rt.ready(j), arrival) + item.duration;
            if (pick_task == kNone || finish < pick.finish ||
                (finish == pick.finish &&
                 (item.task < pick_task ||
                  (item.task == pick_task && as_index(j) < pick.resource)))) {
                pick = {as_index(j), item.units, finish};
                pick_task = item.task;
            }
        }
        if (pick_task == kNone) break;
        rt.place(a, at(pick_task), pick);
    }
    return a;
}

}  // namespace

Allocation min_min(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const auto tasks = problem.tasks();
    const bool together = std::all_of(tasks.begin(), tasks.end(), [&](const Task& t) {
        return t.arrival == tasks.front().arrival;
    });
    if (together && problem.num_tasks() * distinct_resources(problem) <= kTableLimit) {
        return min_min_by_lists(problem, poll);
    }
    return batch_by_best_finish(problem, false, poll);
}

Allocation max_min(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    return batch_by_best_finish(problem, true, poll);
}

Allocation sufferage(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::size_t n = problem.num_tasks();
    ReadyTimes rt(problem, poll);
    Allocation a(n);
    std::vector<Index> pending = index_order(n);
    std::vector<Index> claimant(problem.num_resources());
    std::vector<Choice> choice(n);
    std::vector<double> suffer(n);
    while (!pending.empty()) {
        std::fill(claimant.begin(), claimant.end(), kNone);
        for (const Index i : pending) {
            if (poll(problem.num_resources())) return finish_schedule(rt, std::move(a));
            const auto [first, second] = rt.best_two(at(i));
            choice[at(i)] = first;
            if (first.resource == kNone) continue;
            suffer[at(i)] = second.finish - first.finish;
            Index& holder = claimant[at(first.resource)];
            if (holder == kNone || suffer[at(i)] > suffer[at(holder)]) holder = i;
        }
        for (const Index i : claimant) {
            if (i != kNone) rt.place(a, at(i), choice[at(i)]);
        }
        std::erase_if(pending,
                      [&](Index i) { return a.placed(at(i)) || choice[at(i)].resource == kNone; });
    }
    return a;
}

Allocation mct(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    return earliest_finish_in_order(problem, index_order(problem.num_tasks()), poll);
}

Allocation met(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    Allocation a(problem.num_tasks());
    // Identical resources run a task alike: the first of each class stands for the class.
    const std::vector<std::size_t> representatives = class_representatives(problem);
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        if (poll(representatives.size())) {
            ReadyTimes rt(problem, poll);  // cut short: no table
            return finish_schedule(rt, std::move(a));
        }
        double fastest = kInfinity;
        for (const std::size_t j : representatives) {
            if (!problem.can_host(i, j)) continue;
            const int u = fastest_units(problem, i, j);
            if (u == 0) continue;
            const double d = problem.duration(i, j, u);
            if (d < fastest) fastest = d, a.place(i, as_index(j), u);
        }
    }
    return a;
}

Allocation olb(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    ReadyTimes rt(problem, poll);
    Allocation a(problem.num_tasks());
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        if (poll(rt.classes())) return finish_schedule(rt, std::move(a));
        Choice pick;
        double ready = kInfinity;
        for (std::size_t c = 0; c < rt.classes(); ++c) {
            // The member ready first (the lowest index on ties) stands for the class.
            const std::size_t j = rt.earliest_member(c, -kInfinity);
            if (rt.ready(j) > ready || (rt.ready(j) == ready && as_index(j) > pick.resource))
                continue;
            const Choice choice = rt.on(i, j);
            if (choice.resource != kNone) pick = choice, ready = rt.ready(j);
        }
        if (pick.resource != kNone) rt.place(a, i, pick);
    }
    return a;
}

}  // namespace allocopt::heuristics
