// Regret greedy for cost packing (Martello & Toth's MTHG, see heuristics.hpp): per task the
// cheapest fitting resources (Candidates), the regrets of every task (RegretTable), one pass per
// desirability measure and MTHG's second phase of improving shifts.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "allocopt/solvers/heuristics.hpp"
#include "solvers/heuristics_detail.hpp"

namespace allocopt::heuristics {

using namespace detail;

namespace {

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

}  // namespace

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
