#include "allocopt/solvers/heuristics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace allocopt::heuristics {
namespace {

using Index = std::int32_t;
constexpr Index kNone = Allocation::kUnplaced;

Index as_index(std::size_t i) {
    return static_cast<Index>(i);
}

std::size_t at(Index i) {
    return static_cast<std::size_t>(i);
}

std::vector<Index> index_order(std::size_t n) {
    std::vector<Index> order(n);
    std::iota(order.begin(), order.end(), 0);
    return order;
}

// ---- Schedule model ---------------------------------------------------------------------------

}  // namespace

int fastest_units(const Problem& p, std::size_t i, std::size_t j) {
    const Task& t = p.task(i);
    const UnitChoice& u = t.units;
    const double cap = p.capacity(j, 0);
    if (t.scaling.type == Scaling::Type::table) {
        int best = 0;
        double best_speedup = 0;
        for (int k = 0; k < u.count() && u.nth(k) <= cap; ++k) {
            const double s = t.scaling.speedup(u.nth(k));
            if (s > best_speedup) best = u.nth(k), best_speedup = s;
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

namespace {

/// A placement and when it is estimated to finish.
struct Choice {
    Index resource = kNone;
    int units = 0;
    double finish = kInfinity;
};

/// Whether `a` finishes strictly earlier than `b`, the lower resource index on a tie.
bool earlier(const Choice& a, const Choice& b) {
    if (a.finish != b.finish) return a.finish < b.finish;
    return a.resource != kNone && (b.resource == kNone || a.resource < b.resource);
}

/// Pairs (n x classes) up to which the schedule heuristics tabulate durations and unit
/// counts, and min_min sorts per-class lists.
constexpr std::size_t kTableLimit = std::size_t{1} << 22;

}  // namespace

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

namespace {

/// Ready times of the resources (see the header's schedule model), by classes of identical
/// resources (resource_classes): task i runs alike on every member of a class, so its
/// earliest finish in a class is on the member ready first (or, when several are ready by
/// its arrival, the lowest-index one of those), found in O(log k) by a min tree over the
/// class's ready times. best() costs O(classes), not O(m), and gives what a scan of every
/// resource gives, ties included.
class ReadyTimes {
  public:
    /// Tabulates when small enough; a table cut short by `poll` is dropped (computed on the
    /// fly instead).
    ReadyTimes(const Problem& p, Poll& poll) : p_(p), m_(p.num_resources()), ready_(m_, 0.0) {
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

/// Task x resource looks up to which a heuristic cut short finishes by MCT (see the header).
constexpr std::size_t kFinishPairs = std::size_t{1} << 20;

/// The tasks `a` leaves unplaced.
std::vector<Index> unplaced_tasks(const Allocation& a) {
    std::vector<Index> rest;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a.placed(i)) rest.push_back(as_index(i));
    }
    return rest;
}

/// Completes an allocation cut short, schedule model: MCT in index order when cheap enough,
/// else the next resource that can host the task, round robin. O(min(2^20, n m)) looks
/// plus O(m) per task that few resources can host.
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

/// Places the tasks in `order`, each on its earliest-finish resource.
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

// ---- Packing model ----------------------------------------------------------------------------

/// What each resource holds, per dimension. In schedule mode nothing accumulates: a task fits
/// wherever it can be hosted.
class Bins {
  public:
    explicit Bins(const Problem& p)
        : p_(p),
          d_(p.num_dimensions()),
          cumulative_(p.mode() == Mode::packing),
          usage_(p.num_resources() * d_, 0.0),
          count_(p.num_resources(), 0) {}

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
        return true;
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
    }

    double need(std::size_t i, std::size_t j, std::size_t k) const {
        return k == 0 ? units(i) : p_.demand(i, j, k);
    }

    const Problem& p_;
    std::size_t d_;
    bool cumulative_;
    std::vector<double> usage_;       // m x d
    std::vector<std::size_t> count_;  // tasks per resource
};

/// Places task i on the first resource it fits; leaves it unplaced when none.
void place_first_fit(const Problem& p, Bins& bins, Allocation& a, std::size_t i) {
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        if (!bins.fits(i, j)) continue;
        bins.place(a, i, j);
        return;
    }
}

/// Completes an allocation cut short, packing model: first fit in index order when cheap
/// enough, else the rest stays unplaced.
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

// ---- Regret greedy ----------------------------------------------------------------------------

/// The cheapest fitting resources of one task, by (cost, index): the exact first `size` of
/// them, or all of them when `complete`. Keeping a few spares means that losing the cheapest
/// one (it filled up) rarely calls for a rescan of every resource.
class Candidates {
  public:
    static constexpr std::size_t kKept = 32;

    std::size_t size() const { return size_; }
    bool complete() const { return complete_; }
    Index first() const { return size_ > 0 ? entry_[0].second : kNone; }
    /// Second-cheapest minus cheapest; infinite when only one resource fits.
    double regret() const { return size_ > 1 ? entry_[1].first - entry_[0].first : kInfinity; }
    bool holds(Index j) const { return find(j) < size_; }

    void clear() { size_ = 0, complete_ = true; }

    /// Offers resource j at `cost`: kept when it belongs to the known prefix (always when
    /// `in_prefix`, i.e. nothing unknown can precede it).
    void offer(double cost, Index j, bool in_prefix = false) {
        const Entry e{cost, j};
        if (!in_prefix && !complete_ && size_ > 0 && !(e < entry_[size_ - 1])) return;
        if (size_ == kKept) {
            complete_ = false;
            if (!(e < entry_[size_ - 1])) return;
            --size_;
        }
        std::size_t at = size_++;
        for (; at > 0 && e < entry_[at - 1]; --at)
            entry_[at] = entry_[at - 1];
        entry_[at] = e;
    }

    /// Drops resource j (it no longer fits); false when it was not held.
    bool drop(Index j) {
        const std::size_t at = find(j);
        if (at == size_) return false;
        std::copy(entry_.begin() + static_cast<std::ptrdiff_t>(at + 1),
                  entry_.begin() + static_cast<std::ptrdiff_t>(size_),
                  entry_.begin() + static_cast<std::ptrdiff_t>(at));
        --size_;
        return true;
    }

    /// Resource j became cheaper (its fixed cost is paid). Held, it stays in the prefix.
    void lower(double cost, Index j) { offer(cost, j, drop(j)); }

  private:
    using Entry = std::pair<double, Index>;  // (cost, resource): ordered as the ties rule says

    std::size_t find(Index j) const {
        std::size_t at = 0;
        while (at < size_ && entry_[at].second != j)
            ++at;
        return at;
    }

    std::array<Entry, kKept> entry_{};
    std::size_t size_ = 0;
    bool complete_ = true;
};

/// What a regret is measured in. MTHG runs several measures and keeps the best result.
enum class Desirability : std::uint8_t { cost, relative_demand, cost_times_demand };

class RegretTable {
  public:
    /// Cut short by `poll`, the tasks not reached have no candidates.
    RegretTable(const Problem& p, const Bins& bins, Desirability measure, Poll& poll)
        : p_(p), bins_(bins), measure_(measure), table_(p.num_tasks()) {
        sign_ = p.objective().sense == Sense::maximize ? -1.0 : 1.0;
        for (std::size_t i = 0; i < table_.size() && !poll(p.num_resources()); ++i)
            recompute(i);
    }

    const Candidates& operator[](std::size_t i) const { return table_[i]; }

    /// Task i on resource j: its pair cost, plus j's fixed cost while j is unused.
    double cost(std::size_t i, std::size_t j) const {
        const double fixed = bins_.open(j) ? 0.0 : p_.resource(j).fixed_cost;
        const double c = sign_ * (p_.pair_cost(i, j, bins_.units(i)) + fixed);
        switch (measure_) {
            case Desirability::cost:
                return c;
            case Desirability::relative_demand:
                return bins_.relative_demand(i, j);
            case Desirability::cost_times_demand:
                return c * bins_.relative_demand(i, j);
        }
        return c;
    }

    void recompute(std::size_t i) {
        Candidates& c = table_[i];
        c.clear();
        for (std::size_t j = 0; j < p_.num_resources(); ++j) {
            if (bins_.fits(i, j)) c.offer(cost(i, j), as_index(j));
        }
    }

    /// Resource j has just taken a task (and was opened by it when `opened`): tasks that no
    /// longer fit j lose it; the others see its fixed cost vanish.
    void update(const std::vector<std::uint8_t>& pending, std::size_t j, bool opened) {
        const Index r = as_index(j);
        for (std::size_t i = 0; i < table_.size(); ++i) {
            if (!pending[i]) continue;
            Candidates& c = table_[i];
            if (!opened && !c.holds(r)) continue;
            if (!bins_.fits(i, j)) {
                if (c.drop(r) && c.size() < 2 && !c.complete()) recompute(i);
            } else if (opened) {
                c.lower(cost(i, j), r);
            }
        }
    }

  private:
    const Problem& p_;
    const Bins& bins_;
    Desirability measure_;
    std::vector<Candidates> table_;
    double sign_ = 1.0;
};

/// The pending task of largest regret that fits somewhere, or kNone.
Index largest_regret(const RegretTable& table, const std::vector<std::uint8_t>& pending) {
    Index pick = kNone;
    double most = -kInfinity;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (!pending[i] || table[i].first() == kNone) continue;
        const double regret = table[i].regret();
        if (pick == kNone || regret > most) pick = as_index(i), most = regret;
    }
    return pick;
}

Allocation regret_pass(const Problem& p, Desirability measure, Poll& poll) {
    const std::size_t n = p.num_tasks();
    Bins bins(p);
    RegretTable table(p, bins, measure, poll);
    Allocation a(n);
    if (poll.fired()) return finish_packing(p, bins, std::move(a));
    std::vector<std::uint8_t> pending(n, 1);
    for (Index i = largest_regret(table, pending); i != kNone; i = largest_regret(table, pending)) {
        if (poll(2 * n)) return finish_packing(p, bins, std::move(a));
        const auto j = at(table[at(i)].first());
        const bool opened = !bins.open(j);
        bins.place(a, at(i), j);
        pending[at(i)] = 0;
        table.update(pending, j, opened);
    }
    return a;
}

std::size_t unplaced(const Allocation& a) {
    return static_cast<std::size_t>(std::count(a.resource.begin(), a.resource.end(), kNone));
}

/// Pair costs of the placed tasks plus the fixed costs of the resources used.
double packing_cost(const Problem& p, const Allocation& a) {
    std::vector<std::uint8_t> used(p.num_resources(), 0);
    double cost = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a.placed(i)) continue;
        cost += p.pair_cost(i, at(a.resource[i]), a.units[i]);
        used[at(a.resource[i])] = 1;
    }
    for (std::size_t j = 0; j < used.size(); ++j)
        cost += used[j] ? p.resource(j).fixed_cost : 0.0;
    return cost;
}

/// MTHG's second phase, repeated until nothing changes: each placed task, in index order,
/// moves to the fitting resource that lowers the cost most (fixed costs included).
void improve_by_shifts(const Problem& p, Allocation& a, Poll& poll) {
    const double sign = p.objective().sense == Sense::maximize ? -1.0 : 1.0;
    Bins bins(p, a);
    const auto cost = [&](std::size_t i, std::size_t j, bool alone) {
        const bool pays_fixed = alone ? bins.count(j) <= 1 : !bins.open(j);
        return sign *
               (p.pair_cost(i, j, bins.units(i)) + (pays_fixed ? p.resource(j).fixed_cost : 0.0));
    };
    for (bool moved = true; moved && !poll.fired();) {
        moved = false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (poll(p.num_resources())) return;
            if (!a.placed(i)) continue;
            const auto from = at(a.resource[i]);
            const double now = cost(i, from, true);
            bins.remove(a, i);
            std::size_t to = from;
            double best = now;
            for (std::size_t j = 0; j < p.num_resources(); ++j) {
                if (j == from || !bins.fits(i, j)) continue;
                const double c = cost(i, j, false);
                if (c < best - 1e-9 * std::abs(best)) to = j, best = c;
            }
            bins.place(a, i, to);
            moved = moved || to != from;
        }
    }
}

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

/// The lowest-index member of each class of identical resources, in index order.
std::vector<std::size_t> class_representatives(const Problem& p) {
    const std::vector<std::int32_t> cls = resource_classes(p);
    std::vector<std::size_t> out;
    for (std::size_t j = 0; j < cls.size(); ++j) {
        if (static_cast<std::size_t>(cls[j]) == out.size()) out.push_back(j);
    }
    return out;
}

/// Places in `order`: earliest finish in schedule mode, first fit in packing mode.
Allocation policy_solver(const Problem& p, const std::vector<Index>& order, Poll& poll) {
    if (p.mode() == Mode::packing) return first_fit_in_order(p, order, poll);
    return earliest_finish_in_order(p, order, poll);
}

}  // namespace

// ---- Grid scheduling ------------------------------------------------------------------------

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

// ---- Policies -------------------------------------------------------------------------------

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

// ---- Packing --------------------------------------------------------------------------------

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

Allocation regret_greedy(const Problem& problem, const StopClock& stop) {
    Poll poll(stop);
    const double sign = problem.objective().sense == Sense::maximize ? -1.0 : 1.0;
    Allocation best;
    std::pair<std::size_t, double> best_score{problem.num_tasks() + 1, kInfinity};
    for (const Desirability measure :
         {Desirability::cost, Desirability::relative_demand, Desirability::cost_times_demand}) {
        if (poll.fired() && best_score.first <= problem.num_tasks()) break;  // cut short
        Allocation a = regret_pass(problem, measure, poll);
        improve_by_shifts(problem, a, poll);
        const std::pair<std::size_t, double> score{unplaced(a), sign * packing_cost(problem, a)};
        if (score < best_score) best = std::move(a), best_score = score;
    }
    return best;
}

}  // namespace allocopt::heuristics
