#pragma once
// The state of DeltaState's schedule kind (src/delta_schedule.cpp), complete here for the
// translation units that construct and destroy a DeltaState.

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "allocopt/delta.hpp"
#include "detail/list_schedule.hpp"

namespace allocopt {

/// What the metrics need from one resource's schedule (or, summed, from all of them).
/// Counts are integers: feasibility never depends on a floating-point residue.
struct DeltaState::Sums {
    double max_end = 0;  // per resource only: maxima are not summed
    double squares = 0;  // max_end squared (summed: the tie key, DeltaState::tie_key())
    double end = 0, weighted = 0, response = 0, cost = 0, fixed = 0, load = 0, busy_per_cap = 0,
           busy_weighted = 0, done = 0, work = 0, utilization = 0, concurrent = 0, capacity = 0,
           lateness = 0;
    std::int64_t count = 0, misses = 0, oversize = 0;

    void add(const Sums& x, double sign) {
        squares += sign * x.squares;
        end += sign * x.end;
        weighted += sign * x.weighted;
        response += sign * x.response;
        cost += sign * x.cost;
        fixed += sign * x.fixed;
        load += sign * x.load;
        busy_per_cap += sign * x.busy_per_cap;
        busy_weighted += sign * x.busy_weighted;
        done += sign * x.done;
        work += sign * x.work;
        utilization += sign * x.utilization;
        concurrent += sign * x.concurrent;
        capacity += sign * x.capacity;
        lateness += sign * x.lateness;
        const auto s = static_cast<std::int64_t>(sign);
        count += s * x.count;
        misses += s * x.misses;
        oversize += s * x.oversize;
    }

    /// Drops the residue of sums whose terms have all been taken out again.
    void clean() {
        if (count == 0) *this = Sums{};
        if (oversize == 0) capacity = 0;
        if (misses == 0) lateness = 0;
    }
};

struct DeltaState::Schedule {
    detail::PolicyOrder order;
    std::vector<std::vector<std::int32_t>> queue;  // m: tasks in policy order
    std::vector<double> duration;                  // n: at the current placement
    std::vector<double> cost;                      // n: pair cost at the current placement
    std::vector<Sums> sums;                        // m
    Sums total;
    std::array<std::int32_t, 3> top_end{}, top_load{};  // the three largest of each
    std::vector<std::int32_t> touched;                  // changed by set() since settle()
    detail::ListScratch list;
    bool finite_horizon, hard_deadlines, hard_horizon;

    Schedule(const Problem& p)
        : order(p),
          queue(p.num_resources()),
          duration(p.num_tasks(), 0.0),
          cost(p.num_tasks(), 0.0),
          sums(p.num_resources()),
          list(p.num_tasks(), p.num_dimensions()),
          finite_horizon(std::isfinite(p.horizon())),
          hard_deadlines(p.data().hard_deadlines),
          hard_horizon(p.data().hard_horizon) {
        touched.reserve(4);
    }
};

}  // namespace allocopt
