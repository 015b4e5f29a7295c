// The schedule model of the constructive heuristics (see heuristics.hpp): identical resources,
// the fastest unit count, ready times and their list scheduling, the completion of an
// allocation cut short, and the seed's policies (fcfs, sjf, priority) as constructive solvers.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/bounds.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "solvers/heuristics_detail.hpp"

namespace allocopt::heuristics {

int fastest_units(const Problem& p, std::size_t i, std::size_t j) {
    const Task& t = p.task(i);
    const UnitChoice& u = t.units;
    const double cap = p.capacity(j, 0);
    if (t.scaling.type == Scaling::Type::table || p.has_unit_tables()) {
        // Measured speed-ups (the task's table, or a speed table per unit count for its type
        // on j's kind) need not grow with the count: the count of the shortest duration.
        int best = 0;
        double shortest = kInfinity;
        for (int k = 0; k < u.count() && u.nth(k) <= cap; ++k) {
            const double d = p.duration(i, j, u.nth(k));
            if (d < shortest) best = u.nth(k), shortest = d;
        }
        return best;
    }
    if (u.min > cap) return 0;
    const bool flat = t.scaling.type == Scaling::Type::amdahl && t.scaling.parallel_fraction == 0;
    if (flat) return u.min;
    // The speed-up grows with the unit count: the largest count that fits.
    if (u.values.empty()) return cap >= u.max ? u.max : static_cast<int>(std::floor(cap));
    const auto last = std::upper_bound(u.values.begin(), u.values.end(), cap);
    return *(last - 1);  // u.min = values.front() <= cap
}

std::size_t distinct_resources(const Problem& p) {
    const std::vector<std::int32_t> cls = resource_classes(p);
    return cls.empty() ? 0
                       : static_cast<std::size_t>(*std::max_element(cls.begin(), cls.end())) + 1;
}

std::vector<std::int32_t> resource_classes(const Problem& p) {
    const std::size_t m = p.num_resources(), d = p.num_dimensions();
    std::vector<std::int32_t> cls(m);
    bool matrices = p.has_time_matrix() || p.has_cost_matrix();
    for (std::size_t k = 1; k < d; ++k)
        matrices = matrices || p.has_demand_matrix(k);
    // A resource named by id in an `allowed` list is told apart from its twins.
    std::vector<std::uint8_t> named(m, 0);
    for (const Task& t : p.tasks()) {
        for (const std::string& name : t.allowed) {
            if (const auto j = p.resource_index(name)) named[*j] = 1;
        }
    }
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    const auto key_less = [&](std::size_t x, std::size_t y) {
        const Resource& rx = p.resource(x);
        const Resource& ry = p.resource(y);
        if (rx.kind != ry.kind) return rx.kind < ry.kind;
        if (rx.speed != ry.speed) return rx.speed < ry.speed;
        if (rx.cost_per_hour != ry.cost_per_hour) return rx.cost_per_hour < ry.cost_per_hour;
        if (rx.fixed_cost != ry.fixed_cost) return rx.fixed_cost < ry.fixed_cost;
        if (rx.weight != ry.weight) return rx.weight < ry.weight;
        for (std::size_t k = 0; k < d; ++k) {
            if (p.capacity(x, k) != p.capacity(y, k)) return p.capacity(x, k) < p.capacity(y, k);
        }
        return false;
    };
    std::stable_sort(order.begin(), order.end(), key_less);
    // Classes numbered in order of their first (lowest-index) member.
    std::vector<std::int32_t> group(m);
    std::int32_t groups = 0;
    for (std::size_t k = 0; k < m; ++k) {
        const std::size_t j = order[k];
        const bool alone = matrices || named[j];
        const bool same = k > 0 && !alone && !named[order[k - 1]] && !key_less(order[k - 1], j) &&
                          !key_less(j, order[k - 1]);
        group[j] = same ? group[order[k - 1]] : groups++;
    }
    std::vector<std::int32_t> renumber(static_cast<std::size_t>(groups), -1);
    std::int32_t next = 0;
    for (std::size_t j = 0; j < m; ++j) {
        std::int32_t& r = renumber[static_cast<std::size_t>(group[j])];
        if (r < 0) r = next++;
        cls[j] = r;
    }
    return cls;
}

namespace detail {

ReadyTimes::ReadyTimes(const Problem& p, Poll& poll)
    : p_(p), m_(p.num_resources()), ready_(m_, 0.0) {
    class_of_ = resource_classes(p);
    for (const std::int32_t c : class_of_)
        classes_ = std::max(classes_, static_cast<std::size_t>(c) + 1);
    members_.resize(classes_);
    position_.resize(m_);
    for (std::size_t j = 0; j < m_; ++j) {
        auto& list = members_[static_cast<std::size_t>(class_of_[j])];
        position_[j] = list.size();
        list.push_back(as_index(j));
    }
    tree_offset_.resize(classes_ + 1, 0);
    leaves_.resize(classes_);
    for (std::size_t c = 0; c < classes_; ++c) {
        std::size_t size = 1;
        while (size < members_[c].size())
            size *= 2;
        leaves_[c] = size;
        tree_offset_[c + 1] = tree_offset_[c] + 2 * size;
    }
    tree_.assign(tree_offset_[classes_], kInfinity);
    for (std::size_t j = 0; j < m_; ++j)
        update(j);
    if (p.num_tasks() * classes_ > kTableLimit || poll()) return;
    fastest_.resize(p.num_tasks() * classes_);
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (poll(classes_)) {
            fastest_.clear();
            return;
        }
        for (std::size_t c = 0; c < classes_; ++c)
            fastest_[i * classes_ + c] = compute_fastest(i, at(members_[c].front()));
    }
}

std::vector<Index> unplaced_tasks(const Allocation& a) {
    std::vector<Index> rest;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a.placed(i)) rest.push_back(as_index(i));
    }
    return rest;
}

Allocation finish_schedule(ReadyTimes& rt, Allocation a) {
    const std::vector<Index> rest = unplaced_tasks(a);
    const std::size_t m = rt.resources();
    const bool mct = rest.size() * m <= kFinishPairs;
    std::size_t next = 0;
    for (const Index i : rest) {
        if (mct) {
            const Choice c = rt.best(at(i));
            if (c.resource != kNone) rt.place(a, at(i), c);
            continue;
        }
        for (std::size_t step = 0; step < m; ++step) {
            const std::size_t j = (next + step) % m;
            const Choice c = rt.on(at(i), j);
            if (c.resource == kNone) continue;
            rt.place(a, at(i), c);
            next = j + 1;
            break;
        }
    }
    return a;
}

Allocation earliest_finish_in_order(const Problem& p, const std::vector<Index>& order, Poll& poll) {
    ReadyTimes rt(p, poll);
    Allocation a(p.num_tasks());
    for (const Index i : order) {
        if (poll(rt.classes())) return finish_schedule(rt, std::move(a));
        const Choice c = rt.best(at(i));
        if (c.resource != kNone) rt.place(a, at(i), c);
    }
    return a;
}

std::vector<std::size_t> class_representatives(const Problem& p) {
    const std::vector<std::int32_t> cls = resource_classes(p);
    std::vector<std::size_t> out;
    for (std::size_t j = 0; j < cls.size(); ++j) {
        if (static_cast<std::size_t>(cls[j]) == out.size()) out.push_back(j);
    }
    return out;
}

}  // namespace detail

using namespace detail;

namespace {

/// The task's duration on its fastest host.
double shortest_duration(const Problem& p, std::size_t i,
                         const std::vector<std::size_t>& representatives) {
    double shortest = kInfinity;
    for (const std::size_t j : representatives) {
        if (!p.can_host(i, j)) continue;
        const int u = fastest_units(p, i, j);
        if (u > 0) shortest = std::min(shortest, p.duration(i, j, u));
    }
    return shortest;
}

/// Places in `order`: earliest finish in schedule mode, first fit in packing mode.
Allocation policy_solver(const Problem& p, const std::vector<Index>& order, Poll& poll) {
    if (p.mode() == Mode::packing) return first_fit_in_order(p, order, poll);
    return earliest_finish_in_order(p, order, poll);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Policies

Allocation fcfs(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    std::vector<Index> order = index_order(problem.num_tasks());
    std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
        return problem.task(at(x)).arrival < problem.task(at(y)).arrival;
    });
    return policy_solver(problem, order, poll);
}

Allocation sjf(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::size_t n = problem.num_tasks();
    std::vector<double> shortest(n);
    const std::vector<std::size_t> representatives = class_representatives(problem);
    for (std::size_t i = 0; i < n && !poll(representatives.size()); ++i)
        shortest[i] = shortest_duration(problem, i, representatives);
    std::vector<Index> order = index_order(n);
    std::stable_sort(order.begin(), order.end(),
                     [&](Index x, Index y) { return shortest[at(x)] < shortest[at(y)]; });
    return policy_solver(problem, order, poll);
}

Allocation ljf(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::size_t n = problem.num_tasks();
    std::vector<double> shortest(n);
    const std::vector<std::size_t> representatives = class_representatives(problem);
    for (std::size_t i = 0; i < n && !poll(representatives.size()); ++i)
        shortest[i] = shortest_duration(problem, i, representatives);
    std::vector<Index> order = index_order(n);
    std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
        if (shortest[at(x)] != shortest[at(y)]) return shortest[at(x)] > shortest[at(y)];
        return problem.task(at(x)).arrival < problem.task(at(y)).arrival;
    });
    return policy_solver(problem, order, poll);
}

Allocation priority(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    std::vector<Index> order = index_order(problem.num_tasks());
    std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
        const Task& tx = problem.task(at(x));
        const Task& ty = problem.task(at(y));
        if (tx.priority != ty.priority) return tx.priority > ty.priority;
        return tx.arrival < ty.arrival;
    });
    return policy_solver(problem, order, poll);
}

Allocation lp_rounding(const Problem& problem, const StopClock& stop) {
    if (std::optional<Allocation> a = lp_makespan_rounding(problem, stop)) return std::move(*a);
    return mct(problem, stop);
}

}  // namespace allocopt::heuristics
