// DeltaState's schedule kind: incremental scores on the Evaluator's general path.
//
// In schedule mode each resource's queue is laid out on its own, and every metric is built
// from per-resource sums and maxima. The state keeps each queue in policy order and the
// sums of each resource (Sums), their totals and the three largest makespans and loads. A
// score lays out the one or two touched resources again, with the moved task skipped or
// inserted on the fly (detail::list_schedule, shared with the Evaluator), and combines:
// totals - old sums + new sums, and the largest untouched maximum (one of the top three,
// since at most two resources change) with the touched ones.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "delta_schedule.hpp"
#include "detail/evaluator_internals.hpp"
#include "detail/top_three.hpp"

namespace allocopt {

namespace {

/// The largest value(j) over the resources not in touched[0 .. count), from the top three.
template <class Value>
double largest_untouched(const std::array<std::int32_t, 3>& top, const std::int32_t* touched,
                         int count, Value value) {
    for (const std::int32_t j : top) {
        if (j < 0) break;
        if (std::find(touched, touched + count, j) == touched + count) {
            return value(static_cast<std::size_t>(j));
        }
    }
    return 0.0;
}

}  // namespace

double DeltaState::effective_duration(std::size_t t, std::int32_t r, std::int32_t u) const {
    // As compute_totals: an inadmissible count's duration is taken at the smallest count.
    const int units =
        detail::internals(evaluator_).admissible_units(t, u) ? u : problem_.task(t).units.min;
    return evaluator_.duration(t, static_cast<std::size_t>(r), units);
}

std::size_t DeltaState::queue_position(std::int32_t r, std::size_t t, double duration,
                                       std::int32_t units) const {
    const Schedule& s = *schedule_;
    const auto& q = s.queue[static_cast<std::size_t>(r)];
    const auto task = static_cast<std::int32_t>(t);
    const double* d = s.duration.data();
    const std::int32_t* u = allocation_.units.data();
    const auto it = std::lower_bound(q.begin(), q.end(), task, [&](std::int32_t x, std::int32_t) {
        const auto i = static_cast<std::size_t>(x);
        return s.order.before(x, d[i], u[i], task, duration, units);
    });
    return static_cast<std::size_t>(it - q.begin());
}

void DeltaState::lay_out(std::size_t j, const detail::QueueEdit& edit, double insert_cost,
                         Sums& out) {
    Schedule& s = *schedule_;
    const Problem& p = problem_;
    const double weight = p.resource(j).weight, horizon = p.horizon();
    const bool finite = s.finite_horizon, hard = s.hard_deadlines;
    const double* cost = s.cost.data();
    out = Sums{};
    double busy = 0;
    const detail::EvaluatorInternals::TaskFacts* facts = detail::internals(evaluator_).facts.data();
    detail::list_schedule(
        p, j, s.queue[j], allocation_.units.data(), s.duration.data(), edit, s.list, out.capacity,
        [&](std::size_t i, std::int32_t u, double dur, double start, double end, bool fits) {
            const detail::EvaluatorInternals::TaskFacts& task = facts[i];
            const double units = u, work = task.work;
            ++out.count;
            out.max_end = std::max(out.max_end, end);
            out.end += end;
            out.weighted += task.priority * end;
            out.response += end - task.arrival;
            out.cost += static_cast<std::int32_t>(i) == edit.insert ? insert_cost : cost[i];
            if (end > task.deadline) {
                ++out.misses;
                if (hard) out.lateness += (end - task.deadline) / task.deadline;
            }
            out.work += work;
            out.utilization += units * task.frequency * weight;
            out.concurrent += task.concurrent;
            out.load += dur;
            busy += units * dur;
            if (finite) {
                double fraction = 1.0;
                if (end > horizon) {
                    fraction = start >= horizon ? 0.0 : (horizon - start) / (end - start);
                }
                out.done += fraction * work;
            }
            out.oversize += fits ? 0 : 1;
        });
    out.squares = out.max_end * out.max_end;
    out.busy_per_cap = busy / p.capacity(j, 0);
    out.busy_weighted = busy * weight;
    out.fixed = out.count ? p.resource(j).fixed_cost : 0.0;
}

Evaluation DeltaState::schedule_score(const Sums& total, double makespan, double max_load,
                                      double placement) const {
    const Schedule& s = *schedule_;
    const double m = static_cast<double>(problem_.num_resources());
    const double placed = static_cast<double>(total.count);
    const double h = problem_.horizon();
    const double horizon = s.finite_horizon ? h : makespan;
    // Without a horizon every task is done: the work done is all the work.
    const double done = s.finite_horizon ? total.done : total.work;
    std::array<double, kMetricCount> mx{};
    const auto set = [&](Metric metric, double value) {
        mx[static_cast<std::size_t>(metric)] = value;
    };
    set(Metric::makespan, makespan);
    set(Metric::flowtime, total.end);
    set(Metric::weighted_completion, total.weighted);
    set(Metric::mean_response, placed > 0 ? total.response / placed : 0.0);
    set(Metric::throughput, horizon > 0 ? done / horizon : 0.0);
    set(Metric::utilization, makespan > 0 ? total.busy_per_cap / makespan / m : 0.0);
    set(Metric::parallelism, makespan > 0 ? total.load / makespan : 0.0);
    set(Metric::cost, total.cost + total.fixed);
    set(Metric::deadline_misses, static_cast<double>(total.misses));
    set(Metric::unplaced, static_cast<double>(problem_.num_tasks()) - placed);
    set(Metric::efficiency, total.busy_weighted > 0 ? done / total.busy_weighted : 0.0);
    set(Metric::work_per_utilization, total.utilization > 0 ? total.work / total.utilization : 0.0);
    set(Metric::degree_of_parallelism, total.concurrent > 0 ? total.work / total.concurrent : 0.0);
    set(Metric::load_imbalance, total.load > 0 ? max_load / (total.load / m) : 0.0);
    double value = 0;
    for (const auto& [metric, weight] : problem_.objective().terms) {
        value += weight * mx[static_cast<std::size_t>(metric)];
    }
    // A violation counted by cause is never lost to a residue: at least the smallest double.
    constexpr double tiny = std::numeric_limits<double>::min();
    double violation = placement;
    if (total.oversize > 0) violation += std::max(total.capacity, tiny);
    if (s.hard_deadlines && total.misses > 0) violation += std::max(total.lateness, tiny);
    if (s.hard_horizon && s.finite_horizon && makespan > h) violation += (makespan - h) / h;
    return {value, violation};
}

Evaluation DeltaState::delta_schedule(std::size_t ta, std::int32_t ra, std::int32_t ua,
                                      std::size_t tb, std::int32_t rb, std::int32_t ub) {
    // At most two resources change (a move: from and to; a swap: the two resources), each
    // with at most one task left out and one put in.
    std::int32_t touched[2] = {-1, -1};
    detail::QueueEdit edits[2];
    double insert_cost[2] = {0, 0};
    int count = 0;
    const auto at = [&](std::int32_t r) {
        for (int k = 0; k < count; ++k) {
            if (touched[k] == r) return k;
        }
        touched[count] = r;
        edits[count] = {};
        return count++;
    };
    double placement = placement_violation_;
    const auto move = [&](std::size_t t, std::int32_t r, std::int32_t u) {
        const std::int32_t from = allocation_.resource[t];
        if (from >= 0) edits[at(from)].skip = static_cast<std::int32_t>(t);
        if (r >= 0) {
            const int k = at(r);
            detail::QueueEdit& e = edits[k];
            e.insert = static_cast<std::int32_t>(t);
            e.units = u;
            e.duration = effective_duration(t, r, u);
            e.insert_at = queue_position(r, t, e.duration, u);
            insert_cost[k] = evaluator_.pair_cost(t, static_cast<std::size_t>(r), u);
        }
        placement += placement_penalty(t, r, u) - placement_penalty(t, from, allocation_.units[t]);
    };
    move(ta, ra, ua);
    if (tb != npos) move(tb, rb, ub);
    Schedule& s = *schedule_;
    Sums total = s.total;
    Sums changed[2];
    for (int k = 0; k < count; ++k) {
        const auto j = static_cast<std::size_t>(touched[k]);
        lay_out(j, edits[k], insert_cost[k], changed[k]);
        total.add(s.sums[j], -1.0);
        total.add(changed[k], +1.0);
    }
    total.clean();
    double makespan = largest_untouched(s.top_end, touched, count,
                                        [&](std::size_t j) { return s.sums[j].max_end; });
    double max_load = largest_untouched(s.top_load, touched, count,
                                        [&](std::size_t j) { return s.sums[j].load; });
    for (int k = 0; k < count; ++k) {
        makespan = std::max(makespan, changed[k].max_end);
        max_load = std::max(max_load, changed[k].load);
    }
    if (tie_break_) scored_tie_ = total.squares;
    return snap(schedule_score(total, makespan, max_load, placement));
}

double DeltaState::tie_key() const {
    return tie_break_ ? schedule_->total.squares : 0.0;
}

Evaluation DeltaState::snap(Evaluation e) const {
    // Totals - old sums + new sums leaves a residue where the true change is zero (a task
    // moved between two identical resources, its schedule unchanged): without this, such a
    // move would look like an improvement (or a loss) of a few ulps, and a descent could
    // wander between equivalent allocations. A change within the drift is a tie.
    constexpr double kDrift = 1e-12;
    const auto within = [](double a, double b) {
        return std::abs(a - b) <= kDrift * std::max(std::abs(a), std::abs(b));
    };
    if (within(e.objective, current_.objective)) e.objective = current_.objective;
    if (e.violation > 0 && current_.violation > 0 && within(e.violation, current_.violation)) {
        e.violation = current_.violation;
    }
    return e;
}

void DeltaState::set_schedule(std::size_t t, std::int32_t r, std::int32_t u) {
    Schedule& s = *schedule_;
    const std::int32_t from = allocation_.resource[t];
    const auto task = static_cast<std::int32_t>(t);
    if (from >= 0) {
        auto& q = s.queue[static_cast<std::size_t>(from)];
        auto it = q.begin() + static_cast<std::ptrdiff_t>(
                                  queue_position(from, t, s.duration[t], allocation_.units[t]));
        if (it == q.end() || *it != task) it = std::find(q.begin(), q.end(), task);
        q.erase(it);
        s.touched.push_back(from);
    }
    if (r >= 0) {
        const double d = effective_duration(t, r, u);
        const std::size_t pos = queue_position(r, t, d, u);
        auto& q = s.queue[static_cast<std::size_t>(r)];
        q.insert(q.begin() + static_cast<std::ptrdiff_t>(pos), task);
        s.duration[t] = d;
        s.cost[t] = evaluator_.pair_cost(t, static_cast<std::size_t>(r), u);
        s.touched.push_back(r);
    }
}

void DeltaState::settle_schedule() {
    // Called after set(): allocation_ already holds the new units.
    Schedule& s = *schedule_;
    std::sort(s.touched.begin(), s.touched.end());
    s.touched.erase(std::unique(s.touched.begin(), s.touched.end()), s.touched.end());
    for (const std::int32_t r : s.touched) {
        const auto j = static_cast<std::size_t>(r);
        Sums fresh;
        lay_out(j, {}, 0.0, fresh);
        s.total.add(s.sums[j], -1.0);
        s.total.add(fresh, +1.0);
        s.sums[j] = fresh;
    }
    s.touched.clear();
    s.total.clean();
    const std::size_t m = problem_.num_resources();
    s.top_end = detail::top_three(m, [&](std::size_t j) { return s.sums[j].max_end; });
    s.top_load = detail::top_three(m, [&](std::size_t j) { return s.sums[j].load; });
    const double makespan =
        s.top_end[0] >= 0 ? s.sums[static_cast<std::size_t>(s.top_end[0])].max_end : 0.0;
    const double max_load =
        s.top_load[0] >= 0 ? s.sums[static_cast<std::size_t>(s.top_load[0])].load : 0.0;
    current_ = schedule_score(s.total, makespan, max_load, placement_violation_);
}

void DeltaState::resync_schedule() {
    if (!schedule_) schedule_ = std::make_unique<Schedule>(problem_);
    Schedule& s = *schedule_;
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    for (auto& q : s.queue)
        q.clear();
    for (std::size_t t = 0; t < n; ++t) {
        const std::int32_t r = allocation_.resource[t];
        placement_violation_ += placement_penalty(t, r, allocation_.units[t]);
        if (r < 0) {
            ++unplaced_;
            continue;
        }
        s.duration[t] = effective_duration(t, r, allocation_.units[t]);
        s.cost[t] = evaluator_.pair_cost(t, static_cast<std::size_t>(r), allocation_.units[t]);
        s.queue[static_cast<std::size_t>(r)].push_back(static_cast<std::int32_t>(t));
    }
    const double* d = s.duration.data();
    const std::int32_t* u = allocation_.units.data();
    s.total = Sums{};
    for (std::size_t j = 0; j < m; ++j) {
        auto& q = s.queue[j];
        std::sort(q.begin(), q.end(), [&](std::int32_t x, std::int32_t y) {
            const auto i = static_cast<std::size_t>(x), k = static_cast<std::size_t>(y);
            return s.order.before(x, d[i], u[i], y, d[k], u[k]);
        });
        s.sums[j] = Sums{};
    }
    s.touched.clear();
    for (std::size_t j = 0; j < m; ++j)
        s.touched.push_back(static_cast<std::int32_t>(j));
    settle_schedule();
}

}  // namespace allocopt
