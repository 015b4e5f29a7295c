// The Lagrangian starts of the GA and the PSO (Memetic::starts) and the lower bound they give:
// on packing problems, subgradient steps on the multipliers of the relaxed capacities, each few
// steps' assignment repaired into a start; on makespan problems of the load path (the Braun
// case), LoadKernel's price-directed starts (price_directed in load_kernel.hpp).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "detail/evaluator_internals.hpp"
#include "solvers/memetic.hpp"

namespace allocopt::detail {

namespace {

constexpr std::size_t kLagrangianPairs = 4'000'000;  // cost and demand tables stay small
constexpr double kLagrangianWork = 3e8;              // pair x dimension updates in all
constexpr int kLagrangianEvery = 10;                 // iterations between two kept starts

}  // namespace

void Memetic::lagrangian_starts(std::vector<Allocation>& out, std::size_t count,
                                int price_iterations, Rng& rng) {
    // The relaxation has no fixed costs: with them (cloud balancing) its starts are poor.
    if (problem_.mode() == Mode::packing && !has_fixed_costs_ && !tracker_.should_stop()) {
        double upper = 0;
        bool have_upper = false;
        for (const Allocation& a : out) {
            if (tracker_.budget() == 0) break;
            const Evaluation e = evaluator_.evaluate(a);
            if (e.feasible() && (!have_upper || e.objective < upper)) upper = e.objective;
            have_upper = have_upper || e.feasible();
        }
        for (Allocation& a :
             packing_lagrangian_starts(count, price_iterations, have_upper, upper, rng))
            out.push_back(std::move(a));
    }
    // (A budget of 0 with the run not over: evaluations held back, SearchTracker::hold_back;
    // price_directed() would read 0 as no limit.)
    if (kernel_ && !tracker_.should_stop() && tracker_.budget() > 0) {
        const std::size_t n = problem_.num_tasks();
        PriceSeeds seeds = price_directed(
            detail::internals(evaluator_).unit_duration_table(), n, problem_.num_resources(),
            price_iterations, count, 0.5, [this] { return tracker_.should_stop(); },
            tracker_.budget(), &tracker_.clock());
        evaluator_.count_evaluations(seeds.scores);
        lower_bound_ = seeds.lower_bound;
        for (auto& s : seeds.assignments) {
            Allocation a = out.front();  // unit counts as min-min set them
            a.resource = std::move(s);
            improve(a, 0, rng);
            out.push_back(std::move(a));
        }
    }
}

std::vector<Allocation> Memetic::packing_lagrangian_starts(std::size_t count, int iterations,
                                                           bool have_upper, double upper,
                                                           Rng& rng) {
    // Relax the capacities with multipliers u_rk >= 0: each task then goes where
    // cost + sum_k u_rk x demand is least, and L(u) = sum of those minima - sum u_rk cap_rk
    // bounds the cost from below. Subgradient steps (Polyak's rule, the step halved when L
    // stalls) push the assignment towards feasibility; every few steps the assignment is
    // repaired and improved by improve() and kept as a start.
    std::vector<Allocation> out;
    const Problem& p = problem_;
    if (p.objective().sense != Sense::minimize) return out;
    const std::size_t n = p.num_tasks(), m = p.num_resources(), d = p.num_dimensions();
    if (n * m > kLagrangianPairs) return out;
    // Bounded work: large problems get fewer iterations.
    iterations =
        static_cast<int>(std::min<double>(iterations, kLagrangianWork / double(n * m * d)));
    std::vector<double> cost(n * m), demand(n * m * d);
    std::vector<std::uint8_t> hosts(n * m);
    for (std::size_t t = 0; t < n; ++t) {
        const int u = p.task(t).units.min;
        for (std::size_t r = 0; r < m; ++r) {
            hosts[t * m + r] = p.can_host(t, r);
            cost[t * m + r] = p.pair_cost(t, r, u);
            demand[(t * m + r) * d] = u;
            for (std::size_t k = 1; k < d; ++k)
                demand[(t * m + r) * d + k] = p.demand(t, r, k);
        }
    }
    std::vector<double> mult(m * d, 0.0), usage(m * d), gradient(m * d);
    std::vector<std::pair<double, Allocation>> kept;
    Allocation a(n);
    double best_bound = -1e300, theta = 2.0;
    int stalled = 0;
    Poll poll(tracker_.clock());
    for (int it = 0; it < iterations && !tracker_.should_stop(); ++it) {
        if (tracker_.budget() <= n * m) break;  // a sweep and the score of a start must fit
        std::fill(usage.begin(), usage.end(), 0.0);
        double bound = 0;
        for (std::size_t t = 0; t < n && !poll(m * d); ++t) {
            double best = 1e300;
            std::size_t best_r = 0;
            for (std::size_t r = 0; r < m; ++r) {
                if (!hosts[t * m + r]) continue;
                double v = cost[t * m + r];
                for (std::size_t k = 0; k < d; ++k)
                    v += mult[r * d + k] * demand[(t * m + r) * d + k];
                if (v < best) {
                    best = v;
                    best_r = r;
                }
            }
            bound += best;
            a.place(t, static_cast<std::int32_t>(best_r), p.task(t).units.min);
            for (std::size_t k = 0; k < d; ++k)
                usage[best_r * d + k] += demand[(t * m + best_r) * d + k];
        }
        double norm = 0;
        for (std::size_t r = 0; r < m; ++r) {
            for (std::size_t k = 0; k < d; ++k) {
                const double cap = p.capacity(r, k);
                bound -= mult[r * d + k] * cap;
                double g = usage[r * d + k] - cap;
                if (mult[r * d + k] <= 0 && g < 0) g = 0;  // projected: u stays at 0
                gradient[r * d + k] = g;
                norm += g * g;
            }
        }
        evaluator_.count_evaluations(n * m);
        if (poll.fired()) break;  // a sweep cut short: neither a bound nor a start
        if (bound > best_bound + 1e-9 * std::abs(best_bound)) {
            best_bound = bound;
            stalled = 0;
        } else if (++stalled >= 20) {
            theta /= 2;
            stalled = 0;
        }
        if (it % kLagrangianEvery == 0 || norm == 0) {
            Allocation start = a;
            improve(start, 0, rng);
            if (tracker_.budget() == 0) break;
            const Evaluation e = evaluator_.evaluate(start);
            if (e.feasible() && (!have_upper || e.objective < upper)) {
                upper = e.objective;
                have_upper = true;
            }
            bool seen = false;
            for (const auto& k : kept)
                seen = seen || k.second == start;
            if (!seen) kept.emplace_back(e.violation * 1e12 + e.objective, std::move(start));
        }
        if (norm == 0 || theta < 1e-6) break;  // the relaxed assignment fits: optimal for L
        const double target = have_upper ? upper : bound + std::abs(bound) * 0.05 + 1;
        const double step = theta * std::max(target - bound, 1e-9) / norm;
        for (std::size_t i = 0; i < mult.size(); ++i)
            mult[i] = std::max(0.0, mult[i] + step * gradient[i]);
    }
    lower_bound_ = best_bound;
    std::stable_sort(kept.begin(), kept.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t i = 0; i < kept.size() && i < count; ++i)
        out.push_back(std::move(kept[i].second));
    return out;
}

std::optional<double> Memetic::lower_bound(const Evaluation& best) const {
    std::optional<double> out = lagrangian_bound(best);
    // The makespan LP's bound (from starts()), under the same rules: a feasible best only,
    // never above its value.
    if (lp_bound_ && best.feasible() && *lp_bound_ <= best.objective * (1 + 1e-9)) {
        const double lp = std::min(*lp_bound_, best.objective);
        if (!out || lp > *out) out = lp;
    }
    return out;
}

std::optional<double> Memetic::lagrangian_bound(const Evaluation& best) const {
    if (!(lower_bound_ > 0) || !std::isfinite(lower_bound_)) return std::nullopt;
    // An infeasible problem's relaxation has an unbounded dual, and a bound with nothing
    // feasible to compare against is nothing to report.
    if (!best.feasible() || problem_.objective().sense != Sense::minimize) return std::nullopt;
    const Metric bounded = kernel_ ? Metric::makespan : Metric::cost;
    double weight = 0;
    for (const auto& [metric, w] : problem_.objective().terms) {
        if (metric != bounded || !(w > 0)) return std::nullopt;
        weight += w;
    }
    if (!kernel_) {
        for (const Task& t : problem_.tasks()) {
            if (t.optional) return std::nullopt;
            // The relaxation prices each task at its fewest units: a bound only when more
            // units never cost less (a speed-up table may be superlinear).
            if (problem_.has_cost_matrix() || t.scaling.type != Scaling::Type::table) continue;
            const double fewest = t.units.min / t.scaling.speedup(t.units.min);
            for (const auto& [units, speedup] : t.scaling.table) {
                if (t.units.allows(units) && units / speedup < fewest) return std::nullopt;
            }
        }
    }
    const double bound = weight * lower_bound_;
    // Never above a feasible value: within rounding it is that value, beyond it unsound.
    if (!std::isfinite(bound) || bound > best.objective * (1 + 1e-9)) return std::nullopt;
    return std::min(bound, best.objective);
}

}  // namespace allocopt::detail
