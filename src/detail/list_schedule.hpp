#pragma once
// List scheduling of one resource's queue (schedule mode, docs/design.md §Model "Modes").
// The one place that lays a queue out: the Evaluator's general path runs it on every
// resource's bucket, DeltaState's schedule kind on the one or two resources a move touches,
// with the moved task left out or put in on the fly. Sharing it keeps both bit-identical.

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "allocopt/problem.hpp"

namespace allocopt::detail {

/// The policy order of a queue: fcfs by arrival, sjf by duration (on the task's resource,
/// at its units), ljf by work there (duration x units, largest first) then arrival, priority
/// by priority (highest first) then arrival; ties by task index.
class PolicyOrder {
  public:
    explicit PolicyOrder(const Problem& p) : tasks_(p.tasks()), policy_(p.policy()) {}

    /// Whether task x (of duration dx at ux units) goes before task y (dy at uy units).
    bool before(std::int32_t x, double dx, std::int32_t ux, std::int32_t y, double dy,
                std::int32_t uy) const {
        const Task& tx = tasks_[static_cast<std::size_t>(x)];
        const Task& ty = tasks_[static_cast<std::size_t>(y)];
        switch (policy_) {
            case Policy::fcfs:
                return tx.arrival != ty.arrival ? tx.arrival < ty.arrival : x < y;
            case Policy::sjf:
                return dx != dy ? dx < dy : x < y;
            case Policy::priority:
                if (tx.priority != ty.priority) return tx.priority > ty.priority;
                if (tx.arrival != ty.arrival) return tx.arrival < ty.arrival;
                return x < y;
            case Policy::ljf: {
                const double wx = dx * ux, wy = dy * uy;
                if (wx != wy) return wx > wy;
                if (tx.arrival != ty.arrival) return tx.arrival < ty.arrival;
                return x < y;
            }
        }
        return x < y;
    }

  private:
    std::span<const Task> tasks_;
    Policy policy_;
};

/// A change laid out on the fly, without copying the queue: `skip` is left out, `insert`
/// (with `units` and `duration`) is laid out just before queue[insert_at] (at the end when
/// insert_at == queue.size()). -1: none.
struct QueueEdit {
    std::int32_t skip = -1;
    std::int32_t insert = -1;
    std::size_t insert_at = 0;
    std::int32_t units = 0;
    double duration = 0;
};

/// Working memory of list_schedule(), sized once.
struct ListScratch {
    std::vector<double> used;                              // d: usage beside the running tasks
    std::vector<std::pair<double, std::int32_t>> running;  // heap of (end, task)

    ListScratch(std::size_t n, std::size_t d) : used(d) { running.reserve(n + 1); }
};

/// Lays out `queue` (tasks of resource j in policy order, changed by `edit`) by list
/// scheduling with cumulative capacity: each task starts at the earliest time, not before
/// its arrival nor before the previous task's start (no overtaking), at which its units and
/// every demand fit beside the running tasks; a task too big for the resource waits until it
/// is empty, runs alone, and adds its relative overflow to `capacity_violation`.
/// `units[i]` and `duration[i]` give each queued task's units and duration. Calls
/// on_task(i, units, duration, start, end, fits_alone) for each task in queue order.
template <class OnTask>
void list_schedule(const Problem& p, std::size_t j, std::span<const std::int32_t> queue,
                   const std::int32_t* units, const double* duration, const QueueEdit& edit,
                   ListScratch& s, double& capacity_violation, OnTask&& on_task) {
    const std::size_t d = p.num_dimensions();
    std::fill(s.used.begin(), s.used.end(), 0.0);
    s.running.clear();
    const auto later = [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second > y.second;
    };
    const auto units_of = [&](std::size_t i) {
        return static_cast<std::int32_t>(i) == edit.insert ? edit.units : units[i];
    };
    const auto need = [&](std::size_t i, std::size_t k) {
        return k == 0 ? static_cast<double>(units_of(i)) : p.demand(i, j, k);
    };
    const auto release_first = [&] {
        std::pop_heap(s.running.begin(), s.running.end(), later);
        const auto [end, task] = s.running.back();
        s.running.pop_back();
        for (std::size_t k = 0; k < d; ++k)
            s.used[k] -= need(static_cast<std::size_t>(task), k);
        return end;
    };
    double previous_start = 0;
    const auto lay = [&](std::size_t i, double dur) {
        bool fits_alone = true;
        for (std::size_t k = 0; k < d; ++k) {
            const double cap = p.capacity(j, k), want = need(i, k);
            if (want > cap) {
                fits_alone = false;
                capacity_violation += cap > 0 ? (want - cap) / cap : want;
            }
        }
        double t = std::max(p.task(i).arrival, previous_start);
        while (!s.running.empty() && s.running.front().first <= t)
            release_first();
        const auto fits = [&] {
            for (std::size_t k = 0; k < d; ++k) {
                if (s.used[k] + need(i, k) > p.capacity(j, k)) return false;
            }
            return true;
        };
        while (!s.running.empty() && (!fits_alone || !fits()))
            t = std::max(t, release_first());
        const double end = t + dur;
        previous_start = t;
        for (std::size_t k = 0; k < d; ++k)
            s.used[k] += need(i, k);
        s.running.emplace_back(end, static_cast<std::int32_t>(i));
        std::push_heap(s.running.begin(), s.running.end(), later);
        on_task(i, units_of(i), dur, t, end, fits_alone);
    };
    const std::size_t size = queue.size();
    for (std::size_t pos = 0; pos <= size; ++pos) {
        if (edit.insert >= 0 && pos == edit.insert_at) {
            lay(static_cast<std::size_t>(edit.insert), edit.duration);
        }
        if (pos == size) break;
        const std::int32_t i = queue[pos];
        if (i == edit.skip) continue;
        lay(static_cast<std::size_t>(i), duration[static_cast<std::size_t>(i)]);
    }
}

}  // namespace allocopt::detail
