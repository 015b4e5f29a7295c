// LP lower bounds (bounds.hpp): Gavel's makespan LP over time fractions, solved with CLP.

#include "allocopt/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detail/text.hpp"

#if ALLOCOPT_HAVE_CLP
#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#endif

namespace allocopt {

namespace {

constexpr std::size_t kMaxColumns = 200'000;

/// One way to run a task: on `resource` with `units` units, for `duration`.
struct Column {
    std::size_t task = 0;  // index among the LP's tasks
    std::size_t resource = 0;
    int units = 1;
    double duration = 0;
};

/// The LP's data: its tasks (indices into the problem) and their columns, task by task.
struct MakespanLp {
    std::vector<std::size_t> tasks;
    std::vector<Column> columns;
    double weight = 0;  // of the makespan in the objective
};

/// The sum of the objective's weights when it minimizes the makespan alone; 0 otherwise.
double makespan_weight(const Objective& objective) {
    if (objective.sense != Sense::minimize || objective.terms.empty()) return 0;
    double weight = 0;
    for (const auto& [metric, w] : objective.terms) {
        if (metric != Metric::makespan || !(w > 0)) return 0;
        weight += w;
    }
    return weight;
}

/// The makespan LP's bound and the non-preemptive one (nothing when not found), both times
/// the objective's weight.
struct MakespanBounds {
    double lp = 0;
    std::optional<double> nonpreemptive;
};

std::optional<MakespanLp> build_lp(const Problem& p) {
    MakespanLp lp;
    lp.weight = makespan_weight(p.objective());
    if (p.mode() != Mode::schedule || p.has_devices() || !(lp.weight > 0)) return std::nullopt;
    std::vector<Column> own;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const Task& t = p.task(i);
        if (t.optional) continue;  // may stay unplaced: leaving it out relaxes
        own.clear();
        bool instant = false;  // a way to run it in no time: it constrains nothing
        for (std::size_t j = 0; j < p.num_resources() && !instant; ++j) {
            if (!p.can_host(i, j)) continue;
            for (int k = 0; k < t.units.count(); ++k) {
                const int u = t.units.nth(k);
                if (u > p.capacity(j, 0)) break;
                const double d = p.duration(i, j, u);
                if (!(d > 0)) {
                    instant = true;
                    break;
                }
                own.push_back({lp.tasks.size(), j, u, d});
            }
        }
        if (instant || own.empty()) continue;
        lp.tasks.push_back(i);
        lp.columns.insert(lp.columns.end(), own.begin(), own.end());
        if (lp.columns.size() > kMaxColumns) return std::nullopt;
    }
    if (lp.tasks.empty()) return std::nullopt;
    return lp;
}

}  // namespace

#if ALLOCOPT_HAVE_CLP

namespace {

constexpr double kMaxSeconds = 30;

/// The LP's value from nonnegative prices of its rows: beta_i on task i's time row, gamma_j on
/// resource j's capacity row (weak duality; any prices >= 0 give a bound). With
/// alpha_i = min over i's columns of duration x (beta_i + units x gamma_j), the dual is feasible
/// once scaled so that Σ beta + Σ capacity x gamma = 1, and Σ alpha is its value.
double certified(const Problem& p, const MakespanLp& lp, const std::vector<double>& beta,
                 const std::vector<double>& gamma) {
    double scale = 0;
    for (double b : beta)
        scale += b;
    for (std::size_t j = 0; j < gamma.size(); ++j)
        scale += p.capacity(j, 0) * gamma[j];
    if (!(scale > 0)) return 0;
    double sum = 0;
    std::size_t c = 0;
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        double alpha = kInfinity;
        for (; c < lp.columns.size() && lp.columns[c].task == task; ++c) {
            const Column& col = lp.columns[c];
            alpha = std::min(alpha, col.duration * (beta[task] + col.units * gamma[col.resource]));
        }
        sum += alpha;
    }
    return sum / scale;
}

/// Solves min T over x >= 0 (scaled so that T is about 1):
///   Σ_c x_c >= 1                       per task (its work is done),
///   Σ_c d_c x_c - T <= 0               per task (it runs at most T in all),
///   Σ_c units_c d_c x_c - cap_j T <= 0 per resource (its units, on average).
/// The LP's solution: the prices of the time rows (beta, per task) and of the capacity rows
/// (gamma, per resource), and the primal value of each column (x).
struct LpSolution {
    std::vector<double> beta, gamma, x;
};

/// Stops CLP at the end of an iteration once `stop` has fired (the deadline or the interrupt).
class StopHandler : public ClpEventHandler {
  public:
    explicit StopHandler(const StopClock& stop) : stop_(stop) {}
    int event(Event which) override {
        if (which == endOfIteration && stop_.expired()) return 0;  // 0: stop (status 5)
        return -1;                                                 // carry on
    }
    ClpEventHandler* clone() const override { return new StopHandler(*this); }

  private:
    StopClock stop_;
};

/// Returns the LP's solution, or nothing when CLP finds no optimum (or `stop` fires first).
std::optional<LpSolution> solve_lp(const Problem& p, const MakespanLp& lp, const StopClock& stop) {
    const std::size_t n = lp.tasks.size();
    const std::size_t m = p.num_resources();
    double scale = 0;  // the longest task's shortest duration: T >= it
    {
        std::vector<double> shortest(n, kInfinity);
        for (const Column& c : lp.columns)
            shortest[c.task] = std::min(shortest[c.task], c.duration);
        scale = *std::max_element(shortest.begin(), shortest.end());
    }
    // Rows: cover 0..n-1, time n..2n-1, capacity 2n..2n+m-1. Columns: x, then T.
    const std::size_t columns = lp.columns.size() + 1;
    std::vector<CoinBigIndex> start;
    std::vector<int> index;
    std::vector<double> value;
    start.reserve(columns + 1);
    index.reserve(3 * lp.columns.size() + n + m);
    value.reserve(index.capacity());
    for (const Column& c : lp.columns) {
        start.push_back(static_cast<CoinBigIndex>(index.size()));
        const double d = c.duration / scale;
        index.push_back(static_cast<int>(c.task));
        value.push_back(1.0);
        index.push_back(static_cast<int>(n + c.task));
        value.push_back(d);
        index.push_back(static_cast<int>(2 * n + c.resource));
        value.push_back(c.units * d);
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
    for (std::size_t i = 0; i < n; ++i) {
        index.push_back(static_cast<int>(n + i));
        value.push_back(-1.0);
    }
    for (std::size_t j = 0; j < m; ++j) {
        index.push_back(static_cast<int>(2 * n + j));
        value.push_back(-p.capacity(j, 0));
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
    const std::size_t rows = 2 * n + m;
    std::vector<double> column_lower(columns, 0.0), column_upper(columns, COIN_DBL_MAX);
    std::vector<double> objective(columns, 0.0);
    objective.back() = 1.0;
    std::vector<double> row_lower(rows, -COIN_DBL_MAX), row_upper(rows, 0.0);
    std::fill(row_lower.begin(), row_lower.begin() + static_cast<std::ptrdiff_t>(n), 1.0);
    std::fill(row_upper.begin(), row_upper.begin() + static_cast<std::ptrdiff_t>(n), COIN_DBL_MAX);

    ClpSimplex model;
    model.setLogLevel(0);
    model.loadProblem(static_cast<int>(columns), static_cast<int>(rows), start.data(), index.data(),
                      value.data(), column_lower.data(), column_upper.data(), objective.data(),
                      row_lower.data(), row_upper.data());
    model.setOptimizationDirection(1.0);  // minimize
    model.setMaximumSeconds(kMaxSeconds);
    const StopHandler handler(stop);
    model.passInEventHandler(&handler);  // CLP keeps a clone
    if (stop.expired()) return std::nullopt;
    model.dual();
    if (!model.isProvenOptimal()) return std::nullopt;
    // Minimizing, a <= row's price is <= 0: its negation is the multiplier of weak duality.
    const double* price = model.dualRowSolution();
    LpSolution out;
    out.beta.resize(n);
    out.gamma.resize(m);
    for (std::size_t i = 0; i < n; ++i)
        out.beta[i] = std::max(0.0, -price[n + i]);
    for (std::size_t j = 0; j < m; ++j)
        out.gamma[j] = std::max(0.0, -price[2 * n + j]);
    const double* primal = model.primalColumnSolution();
    out.x.assign(primal, primal + lp.columns.size());
    return out;
}

/// An LP with its certified value and solution.
struct Solved {
    double value = 0;
    MakespanLp lp;
    LpSolution solution;
};

/// Solves `lp` and certifies its value; nothing when CLP gives no optimum (or `stop` fired).
std::optional<Solved> solve_certified(const Problem& p, MakespanLp lp, const StopClock& stop) {
    std::optional<LpSolution> solution = solve_lp(p, lp, stop);
    if (!solution) return std::nullopt;
    const double value = certified(p, lp, solution->beta, solution->gamma);
    if (!std::isfinite(value)) return std::nullopt;
    return Solved{value, std::move(lp), std::move(*solution)};
}

/// The makespan LP of `problem` solved, with a positive certified value, and the objective's
/// weight of the makespan.
std::optional<Solved> solve_full(const Problem& problem, const StopClock& stop, double& weight) {
    std::optional<MakespanLp> lp = build_lp(problem);
    if (!lp) return std::nullopt;
    weight = lp->weight;
    std::optional<Solved> full = solve_certified(problem, std::move(*lp), stop);
    if (!full || !(full->value > 0)) return std::nullopt;
    return full;
}

/// Both bounds from one solve of the full LP (the non-preemptive one: nothing when its search
/// was cut short).
std::optional<MakespanBounds> makespan_lp_bounds(const Problem& problem, const StopClock& stop);

}  // namespace

bool lp_bounds_available() {
    return true;
}

bool lp_makespan_applies(const Problem& problem) {
    return build_lp(problem).has_value();
}

std::optional<double> lp_makespan_bound(const Problem& problem, const StopClock& stop) {
    double weight = 0;
    const std::optional<Solved> full = solve_full(problem, stop, weight);
    if (!full) return std::nullopt;
    return weight * full->value;
}

namespace {

/// The tasks `lp` leaves out (optional ones, or ones that run in no time): on their first
/// admissible pair, or unplaced when optional.
void place_left_out(const Problem& problem, const MakespanLp& lp, Allocation& out) {
    std::vector<bool> in_lp(problem.num_tasks(), false);
    for (std::size_t i : lp.tasks)
        in_lp[i] = true;
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        if (in_lp[i] || problem.task(i).optional) continue;
        for (std::size_t j = 0; j < problem.num_resources(); ++j) {
            const int u = problem.task(i).units.nth(0);
            if (problem.can_host(i, j) && u <= problem.capacity(j, 0)) {
                out.place(i, static_cast<std::int32_t>(j), u);
                break;
            }
        }
    }
}

/// The rounding of Gavel's LP's optimum `solution` (lp_makespan_solve() where the search for the
/// non-preemptive bound was cut short).
Allocation gavel_lp_rounding(const Problem& problem, const MakespanLp& lp,
                             const LpSolution& solution) {
    // The LP's makespan, from its area rows (every capacity row is tight at an optimum whose
    // T is set by them, and T >= every task's time row otherwise).
    double makespan = 0;
    for (std::size_t c = 0; c < lp.columns.size(); ++c)
        makespan = std::max(makespan, solution.x[c] * lp.columns[c].duration);
    {
        std::vector<double> area(problem.num_resources(), 0.0), time(lp.tasks.size(), 0.0);
        for (std::size_t c = 0; c < lp.columns.size(); ++c) {
            const Column& col = lp.columns[c];
            area[col.resource] += solution.x[c] * col.units * col.duration;
            time[col.task] += solution.x[c] * col.duration;
        }
        for (std::size_t j = 0; j < area.size(); ++j)
            makespan = std::max(makespan, area[j] / problem.capacity(j, 0));
        for (double t : time)
            makespan = std::max(makespan, t);
    }
    Allocation out(problem.num_tasks());
    // Each task of the LP on its column of largest share among those that end within the
    // LP's makespan (the LP may split a task between a fast and a slow resource: on the slow
    // one alone it would run longer than any schedule needs); on its fastest column when none
    // does. Ties: the first column, the lowest resource, then the fewest units.
    std::size_t c = 0;
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        std::size_t best = c, fastest = c;
        bool within = false;
        for (; c < lp.columns.size() && lp.columns[c].task == task; ++c) {
            const Column& col = lp.columns[c];
            if (col.duration < lp.columns[fastest].duration) fastest = c;
            if (col.duration > makespan * (1 + 1e-9)) continue;
            if (!within || solution.x[c] > solution.x[best]) best = c;
            within = true;
        }
        const Column& col = lp.columns[within ? best : fastest];
        out.place(lp.tasks[task], static_cast<std::int32_t>(col.resource), col.units);
    }
    place_left_out(problem, lp, out);
    return out;
}

/// The LP restricted to the columns of `lp` that end within `limit`; nothing when a task
/// would be left without one.
std::optional<MakespanLp> within(const MakespanLp& lp, double limit) {
    MakespanLp out;
    out.tasks = lp.tasks;
    out.weight = lp.weight;
    std::size_t c = 0;
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        bool any = false;
        for (; c < lp.columns.size() && lp.columns[c].task == task; ++c) {
            if (lp.columns[c].duration > limit) continue;
            out.columns.push_back(lp.columns[c]);
            any = true;
        }
        if (!any) return std::nullopt;
    }
    return out;
}

/// The non-preemptive LP's result: its bound (the makespan LP's weight not applied), and the
/// restricted LP with its solution at the bound, for the rounding.
struct NonPreemptive {
    double bound = 0;
    MakespanLp lp;
    LpSolution solution;
};

/// lp_nonpreemptive_bound() from the full LP solved (`full`): with f(T) the certified value of
/// the LP over the columns that end within T (non-increasing in T: more columns), the smallest
/// T with f(T) <= T. It is at least the full LP's value F (f(T) >= F). When the full LP's
/// solution uses no column longer than F, that solution is one of the LP over the columns
/// within F: f(F) = F, and the bound is F, with no further solve. Otherwise f only changes at
/// column durations d_1 < d_2 < ... from F on: a galloping search from the first one at or
/// above F (d_lo, d_lo+1, d_lo+3, ...; the bound is usually within a few of them), then a
/// bisection, finds an m with f(d_m) <= d_m and f(d_(m-1)) > d_(m-1) (or m = lo), and the
/// bound is min(d_m, f(d_(m-1))). Whatever m the search lands on, that value is at most the
/// smallest T: below d_m, T >= f(T) >= f(d_(m-1)) (f only grows as T falls), and from d_m on
/// T >= d_m; and below d_lo, T >= F.
std::optional<NonPreemptive> solve_nonpreemptive(const Problem& p, const Solved& full,
                                                 const StopClock& stop) {
    const double F = full.value;
    bool longer = false;  // the full LP uses a column longer than F
    for (std::size_t c = 0; c < full.lp.columns.size() && !longer; ++c)
        longer = full.solution.x[c] > 1e-9 && full.lp.columns[c].duration > F * (1 + 1e-9);
    if (!longer) return NonPreemptive{F, full.lp, full.solution};
    // The durations from F on, and the largest one below F (for the bound's f(d_(m-1)) when
    // m is the first at or above F).
    std::vector<double> durations;
    durations.reserve(full.lp.columns.size());
    double below_f = -1;
    for (const Column& c : full.lp.columns) {
        if (c.duration >= F) {
            durations.push_back(c.duration);
        } else {
            below_f = std::max(below_f, c.duration);
        }
    }
    if (below_f >= 0) durations.push_back(below_f);
    std::sort(durations.begin(), durations.end());
    durations.erase(std::unique(durations.begin(), durations.end()), durations.end());
    // f(d_m); nothing when a task has no column within d_m (f infinite: it fails) is told apart
    // from a failed solve by `failed`.
    bool failed = false;
    const auto solve_at = [&](std::size_t m) -> std::optional<Solved> {
        std::optional<MakespanLp> lp = within(full.lp, durations[m]);
        if (!lp) return std::nullopt;
        std::optional<Solved> solved = solve_certified(p, std::move(*lp), stop);
        if (!solved) failed = true;
        return solved;
    };
    const auto passes = [&](std::size_t m, const std::optional<Solved>& f) {
        return f && f->value <= durations[m];
    };
    // The last duration passes: f(d_last) = F < d_last (some column is longer than F).
    std::size_t lo = below_f >= 0 ? 1 : 0, hi = durations.size() - 1, below_at = 0;
    std::optional<Solved> at_hi, below;  // f(d_hi) once solved; f at the largest m that failed
    for (std::size_t step = 1;; step *= 2) {
        const std::size_t m = std::min(lo + step - 1, hi);
        std::optional<Solved> f = solve_at(m);
        if (failed) return std::nullopt;
        if (passes(m, f)) {
            hi = m;
            at_hi = std::move(f);
            break;
        }
        if (f) {
            below = std::move(f);
            below_at = m;
        }
        if (m == hi) return std::nullopt;  // (certification noise at the full LP's value)
        lo = m + 1;
    }
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        std::optional<Solved> f = solve_at(mid);
        if (failed) return std::nullopt;
        if (passes(mid, f)) {
            hi = mid;
            at_hi = std::move(f);
        } else {
            lo = mid + 1;
            if (f) {
                below = std::move(f);
                below_at = mid;
            }
        }
    }
    // The bound is min(d_hi, f(d_(hi-1))); d_hi when nothing is below it (no column at all).
    if (hi == 0)
        return NonPreemptive{durations[0], std::move(at_hi->lp), std::move(at_hi->solution)};
    if (!below || below_at != hi - 1) {
        below = solve_at(hi - 1);
        if (failed) return std::nullopt;
    }
    if (below && below->value < durations[hi]) {
        return NonPreemptive{below->value, std::move(below->lp), std::move(below->solution)};
    }
    return NonPreemptive{durations[hi], std::move(at_hi->lp), std::move(at_hi->solution)};
}

/// Balances the resources' unit-time (units x duration / capacity, the makespan of a perfect
/// packing) over `lp`'s columns, from `choice` (a column per task): steepest descent over moving
/// a task of the most loaded resource to its smallest column elsewhere and swapping it with a
/// task of another resource, minimizing the largest load, then the sum of squared loads.
/// At most 2n + 100 steps (the balance no longer moves after about n on Gavel's and Braun's
/// sets) and 10^8 candidate looks; polls `stop` once per step.
void balance_areas(const Problem& p, const MakespanLp& lp, std::vector<std::size_t>& choice,
                   const StopClock& stop) {
    const std::size_t n = lp.tasks.size(), m = p.num_resources();
    const auto area = [&](std::size_t c) {
        const Column& col = lp.columns[c];
        return col.units * col.duration / p.capacity(col.resource, 0);
    };
    // Each task's smallest column on each resource (npos: none).
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::size_t> smallest(n * m, npos);
    for (std::size_t c = 0; c < lp.columns.size(); ++c) {
        std::size_t& s = smallest[lp.columns[c].task * m + lp.columns[c].resource];
        if (s == npos || area(c) < area(s)) s = c;
    }
    std::vector<double> load(m, 0.0);
    std::vector<std::vector<std::size_t>> on(m);
    for (std::size_t t = 0; t < n; ++t) {
        load[lp.columns[choice[t]].resource] += area(choice[t]);
        on[lp.columns[choice[t]].resource].push_back(t);
    }
    // (largest load, sum of squares) after the loads of j1 and j2 change by d1 and d2, in
    // O(1): from the three largest loads and the sum of squares, set at each step.
    std::size_t largest[3] = {0, 0, 0};
    double squares = 0;
    const auto key = [&](std::size_t j1, double d1, std::size_t j2, double d2) {
        double top = 0;
        for (const std::size_t j : largest) {
            if (j != j1 && j != j2) {
                top = load[j];
                break;
            }
        }
        const double l1 = load[j1] + d1, l2 = j2 == j1 ? l1 : load[j2] + d2;
        double sum = squares - load[j1] * load[j1] + l1 * l1;
        if (j2 != j1) sum += l2 * l2 - load[j2] * load[j2];
        return std::pair{std::max({top, l1, l2}), sum};
    };
    const auto better = [](const std::pair<double, double>& x, const std::pair<double, double>& y) {
        if (x.first < y.first * (1 - 1e-12)) return true;
        return x.first <= y.first && x.second < y.second * (1 - 1e-12);
    };
    std::vector<std::size_t> order(m);  // resources by decreasing load (the first three)
    for (std::size_t j = 0; j < m; ++j)
        order[j] = j;
    const std::size_t max_steps = 2 * n + 100;
    // A step looks at every move and swap of the most loaded resource's tasks: up to n^2 / m
    // of them. At most 10^8 looks in all (a second at 5,000 tasks on 4 resources; Gavel's 700
    // jobs need a few million).
    constexpr double kMaxLooks = 1e8;
    double looks = 0;
    for (std::size_t step = 0; step < max_steps && !stop.expired(); ++step) {
        std::partial_sort(order.begin(),
                          order.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(3, m)),
                          order.end(), [&](std::size_t x, std::size_t y) {
                              return load[x] != load[y] ? load[x] > load[y] : x < y;
                          });
        for (std::size_t k = 0; k < 3; ++k)
            largest[k] = order[std::min(k, m - 1)];
        squares = 0;
        for (const double l : load)
            squares += l * l;
        const std::size_t top = largest[0];
        looks += static_cast<double>(on[top].size()) * static_cast<double>(n - on[top].size() + m);
        if (looks > kMaxLooks) return;
        std::pair<double, double> best = key(top, 0, top, 0);
        std::size_t move_task = npos, move_to = npos, swap_with = npos;
        for (const std::size_t t : on[top]) {
            const double out = -area(choice[t]);
            for (std::size_t j = 0; j < m; ++j) {
                const std::size_t c = smallest[t * m + j];
                if (j == top || c == npos) continue;
                const std::pair<double, double> k = key(top, out, j, area(c));
                if (better(k, best)) {
                    best = k;
                    move_task = t;
                    move_to = j;
                    swap_with = npos;
                }
                for (const std::size_t u : on[j]) {
                    const std::size_t back = smallest[u * m + top];
                    if (back == npos) continue;
                    const std::pair<double, double> ks =
                        key(top, out + area(back), j, area(c) - area(choice[u]));
                    if (better(ks, best)) {
                        best = ks;
                        move_task = t;
                        move_to = j;
                        swap_with = u;
                    }
                }
            }
        }
        if (move_task == npos) return;
        const auto take = [&](std::size_t t, std::size_t to) {
            const std::size_t from = lp.columns[choice[t]].resource;
            load[from] -= area(choice[t]);
            auto& list = on[from];
            *std::find(list.begin(), list.end(), t) = list.back();
            list.pop_back();
            choice[t] = smallest[t * m + to];
            load[to] += area(choice[t]);
            on[to].push_back(t);
        };
        take(move_task, move_to);
        if (swap_with != npos) take(swap_with, top);
    }
}

/// Each task of `lp` on its column of largest share in `solution`, then balance_areas().
Allocation round_and_balance(const Problem& problem, const MakespanLp& lp,
                             const LpSolution& solution, const StopClock& stop) {
    std::vector<std::size_t> choice(lp.tasks.size());
    std::size_t c = 0;
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        std::size_t best = c;
        for (; c < lp.columns.size() && lp.columns[c].task == task; ++c) {
            if (solution.x[c] > solution.x[best]) best = c;
        }
        choice[task] = best;
    }
    balance_areas(problem, lp, choice, stop);
    Allocation out(problem.num_tasks());
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        const Column& col = lp.columns[choice[task]];
        out.place(lp.tasks[task], static_cast<std::int32_t>(col.resource), col.units);
    }
    place_left_out(problem, lp, out);
    return out;
}

}  // namespace

std::optional<LpMakespanSolve> lp_makespan_solve(const Problem& problem, const StopClock& stop) {
    double weight = 0;
    const std::optional<Solved> full = solve_full(problem, stop, weight);
    if (!full) return std::nullopt;
    LpMakespanSolve out;
    out.lp_bound = weight * full->value;
    if (const std::optional<NonPreemptive> np = solve_nonpreemptive(problem, *full, stop)) {
        out.nonpreemptive_bound = weight * np->bound;
        out.rounding = round_and_balance(problem, np->lp, np->solution, stop);
    } else {  // cut short by `stop`: the full LP's rounding
        out.rounding = gavel_lp_rounding(problem, full->lp, full->solution);
    }
    return out;
}

std::optional<double> lp_nonpreemptive_bound(const Problem& problem, const StopClock& stop) {
    const std::optional<MakespanBounds> bounds = makespan_lp_bounds(problem, stop);
    if (!bounds) return std::nullopt;
    return bounds->nonpreemptive;
}

namespace {

std::optional<MakespanBounds> makespan_lp_bounds(const Problem& problem, const StopClock& stop) {
    double weight = 0;
    const std::optional<Solved> full = solve_full(problem, stop, weight);
    if (!full) return std::nullopt;
    MakespanBounds out{weight * full->value, std::nullopt};
    const std::optional<NonPreemptive> np = solve_nonpreemptive(problem, *full, stop);
    if (np && np->bound > 0) out.nonpreemptive = weight * np->bound;
    return out;
}

}  // namespace

std::optional<Allocation> lp_makespan_rounding(const Problem& problem, const StopClock& stop) {
    std::optional<LpMakespanSolve> solved = lp_makespan_solve(problem, stop);
    if (!solved) return std::nullopt;
    return std::move(solved->rounding);
}

#else

bool lp_bounds_available() {
    return false;
}

bool lp_makespan_applies(const Problem&) {
    return false;
}

std::optional<double> lp_makespan_bound(const Problem&, const StopClock&) {
    return std::nullopt;
}

std::optional<Allocation> lp_makespan_rounding(const Problem&, const StopClock&) {
    return std::nullopt;
}

std::optional<double> lp_nonpreemptive_bound(const Problem&, const StopClock&) {
    return std::nullopt;
}

std::optional<LpMakespanSolve> lp_makespan_solve(const Problem&, const StopClock&) {
    return std::nullopt;
}

namespace {

std::optional<MakespanBounds> makespan_lp_bounds(const Problem&, const StopClock&) {
    return std::nullopt;
}

}  // namespace

#endif

namespace {

/// Resources up to which every subset is checked; above it, each resource alone and all.
constexpr std::size_t kSubsetResources = 12;

/// The test of midpoint_makespan_bound() for one makespan T: false when no non-preemptive
/// schedule ends by T. `sums` is scratch space.
bool midpoint_fits(const Problem& p, const MakespanLp& lp, double T, std::vector<double>& sums) {
    const std::size_t m = p.num_resources();
    const bool subsets = m <= kSubsetResources;
    std::fill(sums.begin(), sums.end(), 0.0);
    double all = 0;
    std::size_t c = 0;
    for (std::size_t task = 0; task < lp.tasks.size(); ++task) {
        bool any = false, forced = true, one_host = true;
        std::uint64_t mask = 0;  // the hosts, when subsets are checked
        std::size_t host = 0;    // the first host
        int units = 0;           // the fewest units among the ways
        for (; c < lp.columns.size() && lp.columns[c].task == task; ++c) {
            const Column& col = lp.columns[c];
            if (col.duration > T) continue;  // cannot end by T this way
            if (!(col.duration > 0.5 * T)) forced = false;
            if (!any) host = col.resource;
            one_host = one_host && col.resource == host;
            units = any ? std::min(units, col.units) : col.units;
            any = true;
            if (subsets) mask |= std::uint64_t{1} << col.resource;
        }
        if (!any) return false;  // no way to end by T
        if (!forced) continue;
        all += units;
        if (subsets) {
            sums[mask] += units;
        } else if (one_host) {
            sums[host] += units;
        }
    }
    double total = 0;
    for (std::size_t j = 0; j < m; ++j)
        total += p.capacity(j, 0);
    if (all > total) return false;
    if (!subsets) {
        for (std::size_t j = 0; j < m; ++j) {
            if (sums[j] > p.capacity(j, 0)) return false;
        }
        return true;
    }
    // sums[S] = the units of the forced tasks whose hosts all lie in S (a sum over subsets).
    const std::size_t full = std::size_t{1} << m;
    for (std::size_t j = 0; j < m; ++j) {
        for (std::size_t s = 0; s < full; ++s) {
            if (s & (std::size_t{1} << j)) sums[s] += sums[s ^ (std::size_t{1} << j)];
        }
    }
    for (std::size_t s = 1; s < full; ++s) {
        double capacity = 0;
        for (std::size_t j = 0; j < m; ++j) {
            if (s & (std::size_t{1} << j)) capacity += p.capacity(j, 0);
        }
        if (sums[s] > capacity) return false;
    }
    return true;
}

}  // namespace

std::optional<double> midpoint_makespan_bound(const Problem& problem) {
    const std::optional<MakespanLp> lp = build_lp(problem);
    if (!lp) return std::nullopt;
    // Every task must end by T, so T is at least each task's shortest way; beyond twice the
    // longest way no task is forced and the test passes.
    double lo = 0, hi = 0;
    {
        std::size_t c = 0;
        for (std::size_t task = 0; task < lp->tasks.size(); ++task) {
            double fastest = lp->columns[c].duration;
            for (; c < lp->columns.size() && lp->columns[c].task == task; ++c) {
                fastest = std::min(fastest, lp->columns[c].duration);
                hi = std::max(hi, 2 * lp->columns[c].duration);
            }
            lo = std::max(lo, fastest);
        }
    }
    const std::size_t m = problem.num_resources();
    std::vector<double> sums(m <= kSubsetResources ? std::size_t{1} << m : m, 0.0);
    if (midpoint_fits(problem, *lp, lo, sums)) return lp->weight * lo;
    // The test is monotone in T (a smaller T forces more tasks onto fewer hosts), so bisection
    // keeps `lo` a makespan no schedule reaches.
    for (int k = 0; k < 100 && hi - lo > 1e-12 * hi; ++k) {
        const double mid = 0.5 * (lo + hi);
        (midpoint_fits(problem, *lp, mid, sums) ? hi : lo) = mid;
    }
    return lp->weight * lo;
}

namespace {

/// Raises result.lower_bound to `bound` under add_lp_bound()'s rules: a feasible result only,
/// never above its value (beyond rounding: a bug, left out with a note naming `name`), with
/// `note` when taken.
bool raise_bound(Result& result, double bound, const char* name, const char* note) {
    const double value = result.evaluation.objective;
    if (bound > value * (1 + 1e-9)) {
        result.notes.push_back(std::string("the ") + name + " bound " +
                               detail::format_number(bound) + " is above the value found, " +
                               detail::format_number(value) +
                               ": not reported (a bug in the bound)");
        return false;
    }
    if (result.lower_bound && *result.lower_bound >= bound) return false;
    result.lower_bound = std::min(bound, value);
    result.notes.emplace_back(note);
    return true;
}

}  // namespace

bool add_midpoint_bound(const Problem& problem, Result& result) {
    if (!result.found || !result.evaluation.feasible()) return false;
    const std::optional<double> bound = midpoint_makespan_bound(problem);
    return bound && raise_bound(result, *bound, "midpoint",
                                "lower bound from the tasks that must run at mid-schedule "
                                "(no preemption)");
}

LpBoundChoice larger_lp_bound(double lp_bound, std::optional<double> nonpreemptive_bound) {
    if (nonpreemptive_bound && *nonpreemptive_bound > lp_bound * (1 + 1e-9)) {
        return {*nonpreemptive_bound, true, "the non-preemptive LP's lower bound",
                "lower bound from the makespan LP over the ways that end within it (no "
                "preemption; COIN-OR CLP)"};
    }
    return {lp_bound, false, "the makespan LP's lower bound",
            "lower bound from the makespan LP (COIN-OR CLP)"};
}

bool add_lp_bound(const Problem& problem, Result& result, const StopClock& stop) {
    if (!result.found || !result.evaluation.feasible()) return false;
    const std::optional<MakespanBounds> bounds = makespan_lp_bounds(problem, stop);
    if (!bounds) {
        if (stop.expired() && lp_makespan_applies(problem)) {
            result.notes.emplace_back(
                "the makespan LP bound was not computed: stopped before "
                "the LP was solved");
        }
        return false;
    }
    // The larger bound with its note alone; the LP's when the other is refused.
    const LpBoundChoice larger = larger_lp_bound(bounds->lp, bounds->nonpreemptive);
    if (larger.nonpreemptive &&
        raise_bound(result, larger.value, "non-preemptive LP", larger.note)) {
        return true;
    }
    return raise_bound(result, bounds->lp, "LP", larger_lp_bound(bounds->lp, std::nullopt).note);
}

}  // namespace allocopt
