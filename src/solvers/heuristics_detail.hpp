#pragma once
// What the constructive heuristics' files share (heuristics_schedule.cpp, heuristics_grid.cpp,
// heuristics_packing.cpp, heuristics_regret.cpp): task and resource indices, the schedule
// model's ready times (ReadyTimes) and the packing model's bins (Bins), and the cheap rules
// that complete an allocation cut short. Internal: the public contract is
// allocopt/solvers/heuristics.hpp.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "detail/devices.hpp"

namespace allocopt::heuristics::detail {

using Index = std::int32_t;
constexpr Index kNone = Allocation::kUnplaced;

inline Index as_index(std::size_t i) {
    return static_cast<Index>(i);
}

inline std::size_t at(Index i) {
    return static_cast<std::size_t>(i);
}

inline std::vector<Index> index_order(std::size_t n) {
    std::vector<Index> order(n);
    std::iota(order.begin(), order.end(), 0);
    return order;
}

/// Pairs (n x classes) up to which the schedule heuristics tabulate durations and unit
/// counts, and min_min sorts per-class lists.
constexpr std::size_t kTableLimit = std::size_t{1} << 22;

/// Task x resource looks up to which a heuristic cut short finishes by MCT (see heuristics.hpp).
constexpr std::size_t kFinishPairs = std::size_t{1} << 20;

// ---------------------------------------------------------------------------------------------
// Schedule model

/// A placement and when it is estimated to finish.
struct Choice {
    Index resource = kNone;
    int units = 0;
    double finish = kInfinity;
};

/// Whether `a` finishes strictly earlier than `b`, the lower resource index on a tie.
inline bool earlier(const Choice& a, const Choice& b) {
    if (a.finish != b.finish) return a.finish < b.finish;
    return a.resource != kNone && (b.resource == kNone || a.resource < b.resource);
}

/// Ready times of the resources (see the schedule model in heuristics.hpp), by classes of identical
/// resources (resource_classes): task i runs alike on every member of a class, so its
/// earliest finish in a class is on the member ready first (or, when several are ready by
/// its arrival, the lowest-index one of those), found in O(log k) by a min tree over the
/// class's ready times. best() costs O(classes), not O(m), and gives what a scan of every
/// resource gives, ties included.
class ReadyTimes {
  public:
    /// Tabulates when small enough; a table cut short by `poll` is dropped (computed on the
    /// fly instead).
    ReadyTimes(const Problem& p, Poll& poll);

    double ready(std::size_t j) const { return ready_[j]; }
    std::size_t resources() const { return m_; }
    std::size_t classes() const { return classes_; }
    const std::vector<Index>& members(std::size_t c) const { return members_[c]; }
    std::size_t class_of(std::size_t j) const { return static_cast<std::size_t>(class_of_[j]); }

    /// Duration and unit count of task i on j with its fastest count; units 0 if j can't host.
    std::pair<double, int> fastest(std::size_t i, std::size_t j) const {
        return fastest_in(i, class_of(j));
    }
    std::pair<double, int> fastest_in(std::size_t i, std::size_t c) const {
        return fastest_.empty() ? compute_fastest(i, at(members_[c].front()))
                                : fastest_[i * classes_ + c];
    }

    /// Task i on j with its fastest unit count there; finish = infinity when j cannot host it.
    Choice on(std::size_t i, std::size_t j) const {
        const auto [duration, units] = fastest(i, j);
        if (units == 0) return {};
        return {as_index(j), units, std::max(ready_[j], p_.task(i).arrival) + duration};
    }

    /// The earliest- and second-earliest-finish resources of task i.
    std::pair<Choice, Choice> best_two(std::size_t i) const {
        Choice first, second;
        for (std::size_t j = 0; j < ready_.size(); ++j) {
            const Choice c = on(i, j);
            if (earlier(c, first)) {
                second = first;
                first = c;
            } else if (earlier(c, second)) {
                second = c;
            }
        }
        return {first, second};
    }

    /// The earliest-finish resource of task i (the lowest index on ties).
    Choice best(std::size_t i) const {
        Choice first;
        const double arrival = p_.task(i).arrival;
        for (std::size_t c = 0; c < classes_; ++c) {
            const auto [duration, units] = fastest_in(i, c);
            if (units == 0) continue;
            const std::size_t j = earliest_member(c, arrival);
            const Choice choice{as_index(j), units, std::max(ready_[j], arrival) + duration};
            if (earlier(choice, first)) first = choice;
        }
        return first;
    }

    /// The member of class c on which a task arriving at `arrival` starts first: the
    /// lowest-index one ready by then, else the lowest-index one of those ready first.
    std::size_t earliest_member(std::size_t c, double arrival) const {
        const double* tree = tree_.data() + tree_offset_[c];
        const double limit = tree[1] <= arrival ? arrival : tree[1];
        std::size_t node = 1;
        while (node < leaves_[c])
            node = tree[2 * node] <= limit ? 2 * node : 2 * node + 1;
        return at(members_[c][node - leaves_[c]]);
    }

    void place(Allocation& a, std::size_t i, const Choice& c) {
        const auto j = at(c.resource);
        const double start = std::max(ready_[j], p_.task(i).arrival);
        ready_[j] = start + c.units * p_.duration(i, j, c.units) / p_.capacity(j, 0);
        update(j);
        a.place(i, c.resource, c.units);
    }

  private:
    std::pair<double, int> compute_fastest(std::size_t i, std::size_t j) const {
        const int u = p_.can_host(i, j) ? fastest_units(p_, i, j) : 0;
        return {u > 0 ? p_.duration(i, j, u) : kInfinity, u};
    }

    void update(std::size_t j) {
        const std::size_t c = class_of(j);
        double* tree = tree_.data() + tree_offset_[c];
        std::size_t node = leaves_[c] + position_[j];
        tree[node] = ready_[j];
        for (node /= 2; node >= 1; node /= 2)
            tree[node] = std::min(tree[2 * node], tree[2 * node + 1]);
    }

    const Problem& p_;
    std::size_t m_;
    std::vector<double> ready_;
    std::vector<std::int32_t> class_of_;  // m
    std::size_t classes_ = 0;
    std::vector<std::vector<Index>> members_;      // per class, by index
    std::vector<std::size_t> position_;            // m: place in its class's member list
    std::vector<std::size_t> leaves_;              // per class: leaves of its min tree
    std::vector<std::size_t> tree_offset_;         // classes + 1
    std::vector<double> tree_;                     // per class a min tree, 1-based, padded
    std::vector<std::pair<double, int>> fastest_;  // n x classes, when small enough
};

/// The tasks `a` leaves unplaced.
std::vector<Index> unplaced_tasks(const Allocation& a);

/// Completes an allocation cut short, schedule model: MCT in index order when cheap enough,
/// else the next resource that can host the task, round robin. O(min(2^20, n m)) looks
/// plus O(m) per task that few resources can host.
Allocation finish_schedule(ReadyTimes& rt, Allocation a);

/// Places the tasks in `order`, each on its earliest-finish resource.
Allocation earliest_finish_in_order(const Problem& p, const std::vector<Index>& order, Poll& poll);

/// The lowest-index member of each class of identical resources, in index order.
std::vector<std::size_t> class_representatives(const Problem& p);

// ---------------------------------------------------------------------------------------------
// Packing model

/// What each resource holds, per dimension. In schedule mode nothing accumulates: a task fits
/// wherever it can be hosted.
class Bins {
  public:
    explicit Bins(const Problem& p)
        : p_(p),
          d_(p.num_dimensions()),
          cumulative_(p.mode() == Mode::packing),
          usage_(p.num_resources() * d_, 0.0),
          count_(p.num_resources(), 0),
          device_used_(p.has_devices() ? p.device_offset(p.num_resources()) : 0, 0),
          device_mask_(p.has_devices() ? p.num_tasks() : 0, 0) {}

    /// Bins holding the placed tasks of `a`.
    Bins(const Problem& p, const Allocation& a) : Bins(p) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (a.placed(i)) add(i, at(a.resource[i]), 1.0);
        }
    }

    /// The unit count a packed task uses: its smallest admissible one.
    int units(std::size_t i) const { return p_.task(i).units.nth(0); }

    bool fits(std::size_t i, std::size_t j) const {
        if (!p_.allowed(i, j)) return false;
        const double* usage = usage_.data() + j * d_;
        for (std::size_t k = 0; k < d_; ++k) {
            const double held = cumulative_ ? usage[k] : 0.0;
            if (held + need(i, j, k) > p_.capacity(j, k)) return false;
        }
        return device_mask_.empty() || p_.task(i).devices.count == 0 || choose_devices(i, j) != 0;
    }

    /// Whether placing on j adds no fixed cost.
    bool open(std::size_t j) const { return count_[j] > 0 || p_.resource(j).fixed_cost == 0; }
    /// Number of tasks on j.
    std::size_t count(std::size_t j) const { return count_[j]; }

    /// Sum over dimensions of what j would have left after taking task i, relative to capacity.
    double slack_after(std::size_t i, std::size_t j) const {
        double slack = 0;
        for (std::size_t k = 0; k < d_; ++k) {
            const double cap = p_.capacity(j, k);
            if (cap > 0) slack += (cap - usage_[j * d_ + k] - need(i, j, k)) / cap;
        }
        return slack;
    }

    /// Largest share of j's capacity that task i needs in one dimension.
    double relative_demand(std::size_t i, std::size_t j) const {
        double share = 0;
        for (std::size_t k = 0; k < d_; ++k) {
            const double cap = p_.capacity(j, k);
            if (cap > 0) share = std::max(share, need(i, j, k) / cap);
        }
        return share;
    }

    void place(Allocation& a, std::size_t i, std::size_t j) {
        add(i, j, 1.0);
        a.place(i, as_index(j), units(i));
        // The devices the bins chose go into the allocation: the Evaluator, which chooses in
        // task order, might not find room for a task the bins placed in another order.
        if (!device_mask_.empty() && device_mask_[i] != 0) {
            if (a.devices.empty()) a.devices.assign(a.size(), 0);
            a.devices[i] = device_mask_[i];
        }
    }

    void remove(Allocation& a, std::size_t i) {
        add(i, at(a.resource[i]), -1.0);
        a.place(i, kNone, 0);
    }

  private:
    void add(std::size_t i, std::size_t j, double sign) {
        for (std::size_t k = 0; k < d_; ++k)
            usage_[j * d_ + k] += sign * need(i, j, k);
        count_[j] = sign > 0 ? count_[j] + 1 : count_[j] - 1;
        if (device_mask_.empty() || p_.task(i).devices.count == 0) return;
        // Devices chosen as the Evaluator chooses them (a share best fit, whole ones lowest
        // first), in the order the tasks come to the bins; place() names them in the allocation.
        if (sign > 0) device_mask_[i] = choose_devices(i, j);
        const int share = p_.task(i).devices.share;
        int* used = device_used_.data() + p_.device_offset(j);
        for (std::uint64_t bits = device_mask_[i]; bits != 0; bits &= bits - 1)
            used[std::countr_zero(bits)] += sign > 0 ? share : -share;
        if (sign < 0) device_mask_[i] = 0;
    }

    /// The devices of j task i would take now (0 when too few have its share free).
    std::uint64_t choose_devices(std::size_t i, std::size_t j) const {
        return ::allocopt::detail::choose_devices(
            p_.resource(j).devices, device_used_.data() + p_.device_offset(j), p_.task(i).devices);
    }

    double need(std::size_t i, std::size_t j, std::size_t k) const {
        return k == 0 ? units(i) : p_.demand(i, j, k);
    }

    const Problem& p_;
    std::size_t d_;
    bool cumulative_;
    std::vector<double> usage_;               // m x d
    std::vector<std::size_t> count_;          // tasks per resource
    std::vector<int> device_used_;            // every resource's devices, when tasks ask some
    std::vector<std::uint64_t> device_mask_;  // per task: the devices it holds in the bins
};

/// Completes an allocation cut short, packing model: first fit in index order when cheap
/// enough, else the rest stays unplaced.
Allocation finish_packing(const Problem& p, Bins& bins, Allocation a);

/// Places the tasks in `order`, each on the first resource it fits (packing model).
Allocation first_fit_in_order(const Problem& p, const std::vector<Index>& order, Poll& poll);

}  // namespace allocopt::heuristics::detail
