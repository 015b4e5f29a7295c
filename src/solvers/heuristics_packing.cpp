// Packing heuristics on the packing model: first fit, first fit decreasing and best fit (see
// heuristics.hpp), and the packing model's completion of an allocation cut short.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "allocopt/solvers/heuristics.hpp"
#include "solvers/heuristics_detail.hpp"

namespace allocopt::heuristics {

using namespace detail;

namespace {

/// Places task i on the first resource it fits; leaves it unplaced when none.
void place_first_fit(const Problem& p, Bins& bins, Allocation& a, std::size_t i) {
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        if (!bins.fits(i, j)) continue;
        bins.place(a, i, j);
        return;
    }
}

}  // namespace

namespace detail {

Allocation finish_packing(const Problem& p, Bins& bins, Allocation a) {
    const std::vector<Index> rest = unplaced_tasks(a);
    if (rest.size() * p.num_resources() > kFinishPairs) return a;
    for (const Index i : rest)
        place_first_fit(p, bins, a, at(i));
    return a;
}

Allocation first_fit_in_order(const Problem& p, const std::vector<Index>& order, Poll& poll) {
    Bins bins(p);
    Allocation a(p.num_tasks());
    for (const Index i : order) {
        if (poll(p.num_resources())) return finish_packing(p, bins, std::move(a));
        place_first_fit(p, bins, a, at(i));
    }
    return a;
}

}  // namespace detail

namespace {

/// Largest capacity of each dimension over the resources.
std::vector<double> largest_capacity(const Problem& p) {
    std::vector<double> largest(p.num_dimensions(), 0.0);
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        for (std::size_t k = 0; k < largest.size(); ++k)
            largest[k] = std::max(largest[k], p.capacity(j, k));
    }
    return largest;
}

/// Relative capacity of each resource: sum over dimensions of capacity / largest capacity.
std::vector<double> relative_capacity(const Problem& p) {
    const std::vector<double> largest = largest_capacity(p);
    std::vector<double> size(p.num_resources(), 0.0);
    for (std::size_t j = 0; j < size.size(); ++j) {
        for (std::size_t k = 0; k < largest.size(); ++k)
            size[j] += largest[k] > 0 ? p.capacity(j, k) / largest[k] : 0.0;
    }
    return size;
}

/// The closed resource to open for task i (see the header), or kNone when none fits.
Index resource_to_open(const Problem& p, const Bins& bins, const std::vector<double>& capacity,
                       std::size_t i) {
    Index pick = kNone;
    double pick_rate = kInfinity;
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        if (bins.open(j) || !bins.fits(i, j)) continue;
        const double rate = p.resource(j).fixed_cost / capacity[j];
        if (rate < pick_rate) pick = as_index(j), pick_rate = rate;
    }
    return pick;
}

/// A task's size for first fit decreasing (see the header).
std::vector<double> relative_sizes(const Problem& p) {
    const std::vector<double> largest = largest_capacity(p);
    const std::size_t m = p.num_resources();
    std::vector<double> size(p.num_tasks(), 0.0);
    for (std::size_t i = 0; i < size.size(); ++i) {
        double s = p.task(i).units.nth(0) / largest[0];
        for (std::size_t k = 1; k < largest.size(); ++k) {
            if (!p.has_demand_matrix(k)) {
                if (largest[k] > 0) s = std::max(s, p.demand(i, 0, k) / largest[k]);
                continue;
            }
            double sum = 0;
            std::size_t count = 0;
            for (std::size_t j = 0; j < m; ++j) {
                if (p.capacity(j, k) <= 0) continue;
                sum += p.demand(i, j, k) / p.capacity(j, k);
                ++count;
            }
            if (count > 0) s = std::max(s, sum / static_cast<double>(count));
        }
        size[i] = s;
    }
    return size;
}

/// Packs the tasks in `order`: on the open resource chosen by `prefer` (lowest index for
/// first fit, least slack for best fit), else on a newly opened one.
template <typename Prefer>
Allocation pack_open_first(const Problem& p, const std::vector<Index>& order, Prefer prefer,
                           Poll& poll) {
    Bins bins(p);
    Allocation a(p.num_tasks());
    const std::vector<double> capacity = relative_capacity(p);
    for (const Index idx : order) {
        if (poll(2 * p.num_resources())) return finish_packing(p, bins, std::move(a));
        const std::size_t i = at(idx);
        Index pick = kNone;
        double pick_score = kInfinity;
        for (std::size_t j = 0; j < p.num_resources(); ++j) {
            if (!bins.open(j) || !bins.fits(i, j)) continue;
            const double score = prefer(bins, i, j);
            if (score < pick_score) pick = as_index(j), pick_score = score;
        }
        if (pick == kNone) pick = resource_to_open(p, bins, capacity, i);
        if (pick != kNone) bins.place(a, i, at(pick));
    }
    return a;
}

}  // namespace

Allocation first_fit(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::vector<Index> order = index_order(problem.num_tasks());
    if (problem.mode() == Mode::schedule) return earliest_finish_in_order(problem, order, poll);
    return first_fit_in_order(problem, order, poll);
}

Allocation first_fit_decreasing(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::vector<double> size = relative_sizes(problem);
    std::vector<Index> order = index_order(problem.num_tasks());
    std::stable_sort(order.begin(), order.end(),
                     [&](Index x, Index y) { return size[at(x)] > size[at(y)]; });
    if (problem.mode() == Mode::schedule) return earliest_finish_in_order(problem, order, poll);
    return pack_open_first(
        problem, order,
        [](const Bins&, std::size_t, std::size_t j) { return static_cast<double>(j); }, poll);
}

Allocation best_fit(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const std::vector<Index> order = index_order(problem.num_tasks());
    if (problem.mode() == Mode::schedule) return earliest_finish_in_order(problem, order, poll);
    return pack_open_first(
        problem, order,
        [](const Bins& bins, std::size_t i, std::size_t j) { return bins.slack_after(i, j); },
        poll);
}

}  // namespace allocopt::heuristics
