#pragma once
// List scheduling of one resource's queue (schedule mode, docs/design.md §Model "Modes").
// The one place that lays a queue out: the Evaluator's general path runs it on every
// resource's bucket, DeltaState's schedule kind on the one or two resources a move touches,
// with the moved task left out or put in on the fly. Sharing it keeps both bit-identical.

#include <algorithm>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "allocopt/problem.hpp"

namespace allocopt::detail {

/// The policy order of a queue: fcfs by arrival, sjf by duration (on the task's resource,
/// at its units), ljf by duration there (longest first) then units (most first) then
/// arrival, priority by priority (highest first) then arrival; ties by task index.
class PolicyOrder {
  public:
    explicit PolicyOrder(const Problem& p) : rank_(p.queue_ranks().data()), policy_(p.policy()) {}

    /// Whether task x (of duration dx at ux units) goes before task y (dy at uy units).
    bool before(std::int32_t x, double dx, std::int32_t ux, std::int32_t y, double dy,
                std::int32_t uy) const {
        switch (policy_) {
            case Policy::fcfs:
                return before_as<Policy::fcfs>(x, dx, ux, y, dy, uy);
            case Policy::sjf:
                return before_as<Policy::sjf>(x, dx, ux, y, dy, uy);
            case Policy::priority:
                return before_as<Policy::priority>(x, dx, ux, y, dy, uy);
            case Policy::ljf:
                return before_as<Policy::ljf>(x, dx, ux, y, dy, uy);
        }
        return x < y;
    }

    /// before() for policy P, known at compile time: a sort of many tasks calls this, so that
    /// no comparison switches on the policy. The parts of the order that do not depend on the
    /// allocation (arrival, priority, index) are one comparison of Problem::queue_rank.
    template <Policy P>
    bool before_as(std::int32_t x, double dx, std::int32_t ux, std::int32_t y, double dy,
                   std::int32_t uy) const {
        if constexpr (P == Policy::fcfs || P == Policy::priority) {
            return rank(x) < rank(y);
        } else if constexpr (P == Policy::sjf) {
            return dx != dy ? dx < dy : x < y;
        } else {
            if (dx != dy) return dx > dy;
            if (ux != uy) return ux > uy;
            return rank(x) < rank(y);
        }
    }

    Policy policy() const { return policy_; }

  private:
    std::int32_t rank(std::int32_t i) const { return rank_[static_cast<std::size_t>(i)]; }

    const std::int32_t* rank_;
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
    // Backfilling: the usage profile, a step function kept as breakpoints in time order.
    // Segment b runs from times[b] to times[b + 1] (the last one to infinity, always empty)
    // with usage usage[b d .. b d + d - 1].
    std::vector<double> times;
    std::vector<double> usage;
    // With units alone (one dimension), the same profile with each breakpoint's time and
    // usage side by side, closed by {+infinity, 0} (backfill_units_schedule()).
    struct Segment {
        double time, use;
    };
    std::vector<Segment> segments;
    // With units alone: per unit count u, a breakpoint's time before which no segment has u
    // units free. Usage only grows while a queue is laid out, so it only moves later.
    std::vector<double> earliest_time;
    // With units alone, per unit count u up to kMaxStairUnits: what scans learnt, as steps
    // {length, time}: no run of segments with room for u that is longer than `length` starts
    // before `time`. Lengths and times both ascend; at most kStairSteps per count.
    struct Step {
        double length, time;
    };
    static constexpr std::size_t kMaxStairUnits = 64, kStairSteps = 16;
    std::vector<Step> stairs;
    std::vector<std::uint8_t> stair_size;
    // A strict queue with units alone and few of them: the time each unit is next free,
    // ascending (a unit is a slot; which task holds it does not matter, only how many are
    // free when).
    std::vector<double> free_at;

    // (The profile grows on first use and keeps its capacity: no allocation once warm.)
    ListScratch(std::size_t n, std::size_t d) : used(d) { running.reserve(n + 1); }
};

/// What both layouts read of one queue: each task's units and demands (the inserted task's
/// from the edit), whether it fits the empty resource, and the walk in queue order.
struct QueueTasks {
    const Problem& p;
    std::size_t j;
    const std::int32_t* units;
    const double* duration;
    const QueueEdit& edit;

    std::int32_t units_of(std::size_t i) const {
        return static_cast<std::int32_t>(i) == edit.insert ? edit.units : units[i];
    }
    /// Task i's need in dimension k (k = 0: its units).
    double need(std::size_t i, std::size_t k) const {
        return k == 0 ? static_cast<double>(units_of(i)) : p.demand(i, j, k);
    }
    /// Whether task i fits the empty resource; adds its relative overflow in every dimension
    /// it exceeds to `capacity_violation`.
    bool fits_alone(std::size_t i, double& capacity_violation) const {
        bool fits = true;
        for (std::size_t k = 0; k < p.num_dimensions(); ++k) {
            const double cap = p.capacity(j, k), want = need(i, k);
            if (want > cap) {
                fits = false;
                capacity_violation += cap > 0 ? (want - cap) / cap : want;
            }
        }
        return fits;
    }
    /// Calls lay(i, duration) for each task of `queue` in order, `edit` applied.
    template <class Lay>
    void walk(std::span<const std::int32_t> queue, Lay&& lay) const {
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
};

/// list_schedule() of a problem that backfills, with two or more dimensions (one:
/// backfill_units_schedule()): the tasks in queue order, each into the usage profile at the
/// earliest start that fits for its whole duration. The profile is a step
/// function kept in two sorted arrays (ListScratch::times, usage): a scan reads contiguous
/// memory, and a new breakpoint moves the later ones up by one. O(k) per task for k tasks.
template <class OnTask>
void backfill_schedule(const Problem& p, std::size_t j, std::span<const std::int32_t> queue,
                       const std::int32_t* units, const double* duration, const QueueEdit& edit,
                       ListScratch& s, double& capacity_violation, OnTask& on_task) {
    const std::size_t d = p.num_dimensions();
    // Breakpoint 0 starts the profile at time 0 (arrivals are >= 0); the last segment runs
    // to infinity and is always empty.
    s.times.assign(1, 0.0);
    s.usage.assign(d, 0.0);
    const QueueTasks tasks{p, j, units, duration, edit};
    // Whether segment b has room for task i, in every dimension.
    const auto room = [&](std::size_t b, std::size_t i) {
        const double* u = s.usage.data() + b * d;
        for (std::size_t k = 0; k < d; ++k) {
            if (u[k] + tasks.need(i, k) > p.capacity(j, k)) return false;
        }
        return true;
    };
    // The first segment from `b` on whose room(b) holds for `dur` from its start (or from
    // `start` when b itself has room), into at (where it starts), c (its last segment) and
    // start.
    struct Window {
        std::size_t at, c;
        double start;
    };
    const auto find = [&](std::size_t b, double start, double dur, auto&& has_room) {
        const double* times = s.times.data();
        const std::size_t k = s.times.size();
        std::size_t at = b, c = b;
        for (;;) {
            if (!has_room(c)) {
                ++c;  // the last segment always has room: c stays below k
                at = c;
                start = times[c];
                continue;
            }
            if (c + 1 == k || times[c + 1] >= start + dur) break;
            ++c;
        }
        return Window{at, c, start};
    };
    // A breakpoint at time t inside segment b (times[b] < t): a new segment b + 1 with b's
    // usage. Within the reserved capacity once warm: no allocation.
    const auto split = [&](std::size_t b, double t) {
        s.times.insert(s.times.begin() + static_cast<std::ptrdiff_t>(b + 1), t);
        const auto from = s.usage.begin() + static_cast<std::ptrdiff_t>(b * d);
        s.usage.insert(from + static_cast<std::ptrdiff_t>(d), from,
                       from + static_cast<std::ptrdiff_t>(d));
    };
    const auto lay = [&](std::size_t i, double dur) {
        const bool fits_alone = tasks.fits_alone(i, capacity_violation);
        const double arrival = p.arrival(i);
        const std::size_t last = s.times.size() - 1;
        Window w{last, last, 0};
        if (!fits_alone) {
            // Once every task before it has ended: from the latest breakpoint, or its arrival.
            w.start = std::max(arrival, s.times[last]);
        } else {
            // From the segment holding the arrival.
            const auto b = static_cast<std::size_t>(
                std::upper_bound(s.times.begin(), s.times.end(), arrival) - s.times.begin() - 1);
            w = find(b, arrival, dur, [&](std::size_t c) { return room(c, i); });
        }
        const double start = w.start, end = start + dur;
        if (end > start) {
            // Breakpoints at start and end, then the task's need on every segment between.
            std::size_t at = w.at, c = w.c;
            if (s.times[at] < start) {
                split(at, start);
                ++at;
                ++c;  // moved up by one (or, when it was `at`, now the part after start)
            }
            if (c + 1 == s.times.size() || s.times[c + 1] != end) split(c, end);
            for (std::size_t b = at; b <= c; ++b) {
                for (std::size_t k = 0; k < d; ++k)
                    s.usage[b * d + k] += tasks.need(i, k);
            }
        }
        on_task(i, tasks.units_of(i), dur, start, end, fits_alone);
    };
    tasks.walk(queue, lay);
}

/// backfill_schedule() with units alone (one dimension), the hot case: the same layout, with
/// each breakpoint's time and usage side by side (ListScratch::segments: a scan reads one
/// array, a new breakpoint moves it once) and two places per unit count to start the scan
/// from: the earliest time a segment has that many units free (ListScratch::earliest_time),
/// and what earlier scans learnt of where runs of a given length can start
/// (ListScratch::stairs). Usage only grows while a queue is laid out, so both stay true.
// (Not inlined: inlined into the Evaluator's compute_totals, it moved the strict queue's hot
// loop and made a strict evaluation 1.17x slower with the same instructions,
// bench/evaluator_ab.sh.)
template <class OnTask>
[[gnu::noinline]] void backfill_units_schedule(const Problem& p, std::size_t j,
                                               std::span<const std::int32_t> queue,
                                               const QueueTasks& tasks, ListScratch& s,
                                               double& capacity_violation, OnTask& on_task) {
    using Segment = ListScratch::Segment;
    const double cap = p.capacity(j, 0);
    // Segment 0 starts at time 0 (arrivals are >= 0); the last segment runs to infinity and is
    // always empty; the closing {+infinity, 0} is not a segment.
    s.segments.assign({Segment{0.0, 0.0}, Segment{std::numeric_limits<double>::infinity(), 0.0}});
    constexpr double kMaxCachedUnits = 1024;
    const bool cached = cap <= kMaxCachedUnits;
    if (cached) s.earliest_time.assign(static_cast<std::size_t>(cap) + 1, 0.0);
    using Step = ListScratch::Step;
    constexpr std::size_t K = ListScratch::kStairSteps;
    constexpr auto kStairUnits = static_cast<double>(ListScratch::kMaxStairUnits);
    const std::size_t stair_units = static_cast<std::size_t>(std::clamp(cap, 0.0, kStairUnits)) + 1;
    s.stair_size.assign(stair_units, 0);
    if (s.stairs.size() < stair_units * K) s.stairs.resize(stair_units * K);
    // Adds the step {length, time} to count u's stairs, unless one there already says as much;
    // drops those it says more than. (A full stair keeps what it has: fewer skips, no error.)
    const auto learn = [&](std::size_t u, double length, double time) {
        Step* e = s.stairs.data() + u * K;
        const std::size_t n = s.stair_size[u];
        std::size_t at = 0;
        while (at < n && e[at].length < length)
            ++at;
        // Said already: a step with a length no longer and a time no earlier.
        if (at < n && e[at].length == length && e[at].time >= time) return;
        if (at > 0 && e[at - 1].time >= time) return;
        std::size_t end = at;
        while (end < n && e[end].time <= time)
            ++end;  // said less: a longer length, an earlier time
        const std::size_t keep = n - end;
        if (end == at) {
            if (n == K) return;
            std::copy_backward(e + at, e + n, e + n + 1);
        } else if (end > at + 1) {
            std::copy(e + end, e + n, e + at + 1);
        }
        e[at] = Step{length, time};
        s.stair_size[u] = static_cast<std::uint8_t>(at + 1 + keep);
    };
    // The last of segments lo..hi that starts at or before t (segment lo must): a binary search
    // without branches on the data (a branchy one mispredicted about half its steps).
    const auto last_starting_by = [](const Segment* seg, std::size_t lo, std::size_t hi, double t) {
        const Segment* low = seg + lo;
        for (std::size_t size = hi - lo + 1; size > 1;) {
            const std::size_t half = size / 2;
            low = low[half].time <= t ? low + half : low;
            size -= half;
        }
        return static_cast<std::size_t>(low - seg);
    };
    // A breakpoint at time t inside segment b (its time < t): a new segment b + 1 with b's
    // usage. Within the reserved capacity once warm: no allocation.
    const auto split = [&](std::size_t b, double t) {
        s.segments.insert(s.segments.begin() + static_cast<std::ptrdiff_t>(b + 1),
                          Segment{t, s.segments[b].use});
    };
    tasks.walk(queue, [&](std::size_t i, double dur) {
        const std::int32_t units = tasks.units_of(i);
        const auto want = static_cast<double>(units);
        const bool fits_alone = tasks.fits_alone(i, capacity_violation);
        const double arrival = p.arrival(i);
        const Segment* seg = s.segments.data();
        const std::size_t last = s.segments.size() - 2;  // the last segment
        std::size_t at = last, c = last;
        double start = 0;
        if (!fits_alone) {
            // Once every task before it has ended: from the latest breakpoint, or its arrival.
            start = std::max(arrival, seg[last].time);
        } else {
            // From the segment holding the arrival, or the unit count's earliest time when
            // later: no segment before it has that many units free.
            double* earliest =
                cached && units >= 0 ? &s.earliest_time[static_cast<std::size_t>(units)] : nullptr;
            double from = arrival;
            if (earliest != nullptr && *earliest >= arrival) {
                from = *earliest;  // a breakpoint's time
            } else {
                earliest = nullptr;  // the segments before the arrival were not looked at
            }
            // The stairs: from the latest time before which no run of segments with room long
            // enough for the task starts. They speak of the whole profile, so they apply (and
            // learn) only when the scan would start at the earliest time, not at the arrival.
            const bool stairs =
                earliest != nullptr && static_cast<std::size_t>(units) < stair_units;
            double known = 0;  // no run longer than this starts before `from`
            if (stairs) {
                const Step* e = s.stairs.data() + static_cast<std::size_t>(units) * K;
                for (std::size_t x = s.stair_size[static_cast<std::size_t>(units)]; x-- > 0;) {
                    // (A margin for the rounding of start + dur against a run's end.)
                    if (e[x].length + 1e-12 * e[x].time < dur) {
                        if (e[x].time > from) {
                            from = e[x].time;
                            known = e[x].length;
                            earliest = nullptr;
                        }
                        break;
                    }
                }
            }
            // The segment holding `from` (segment 0 starts at 0).
            const std::size_t b = last_starting_by(seg, 0, last, from);
            c = b;
            while (!(seg[c].use + want <= cap))
                ++c;  // the last segment always has room
            if (earliest != nullptr) *earliest = seg[c].time;
            // The window: `start`, the start of the run of segments with room that holds c
            // (a segment without room moves it to its own end), until a segment with room
            // ends `dur` after it; `longest`, the longest run that a segment without room
            // ended on the way. With SSE2, without a branch on each segment's room: the scan
            // alternates between runs with and without room at random, and the branch
            // mispredicted (a compiler turns plain selects back into that branch).
            start = c == b ? from : seg[c].time;
            const std::size_t first = c;
            double longest = 0;
#if defined(__SSE2__)
            const __m128d wantv = _mm_set_sd(want), capv = _mm_set_sd(cap), durv = _mm_set_sd(dur);
            __m128d run = _mm_set_sd(start), most = _mm_setzero_pd();
            for (;;) {
                const __m128d here = _mm_load_sd(&seg[c].time);
                const __m128d next = _mm_load_sd(&seg[c + 1].time);
                const __m128d room =
                    _mm_cmple_sd(_mm_add_sd(_mm_load_sd(&seg[c].use), wantv), capv);
                most = _mm_max_sd(most, _mm_andnot_pd(room, _mm_sub_sd(here, run)));
                run = _mm_or_pd(_mm_and_pd(room, run), _mm_andnot_pd(room, next));
                const __m128d fits = _mm_cmpnlt_sd(next, _mm_add_sd(run, durv));
                if (_mm_movemask_pd(_mm_and_pd(room, fits)) & 1) break;
                ++c;
            }
            start = _mm_cvtsd_f64(run);
            longest = _mm_cvtsd_f64(most);
#else
            for (;;) {
                const double next = seg[c + 1].time;
                if (!(seg[c].use + want <= cap)) {
                    longest = std::max(longest, seg[c].time - start);
                    start = next;
                    ++c;
                    continue;
                }
                if (!(next < start + dur)) break;  // (ends at the last segment)
                ++c;
            }
#endif
            at = last_starting_by(seg, first, c, start);  // the window's first segment
            // No run longer than known starts before `from`, none longer than longest between
            // `from` and the window.
            if (stairs) learn(static_cast<std::size_t>(units), std::max(known, longest), start);
        }
        const double end = start + dur;
        if (end > start) {
            // Breakpoints at start and end, then the task's units on every segment between.
            if (s.segments[at].time < start) {
                split(at, start);
                ++at;
                ++c;  // moved up by one (or, when it was `at`, now the part after start)
            }
            // (An end at infinity is still a breakpoint: the last segment stays empty.)
            if (c + 2 == s.segments.size() || s.segments[c + 1].time != end) split(c, end);
            Segment* out = s.segments.data();
            for (std::size_t b = at; b <= c; ++b)
                out[b].use += want;
        }
        on_task(i, units, dur, start, end, fits_alone);
    });
}

/// The most units a resource may have for strict_slot_schedule(): above, a heap of the running
/// tasks is cheaper than keeping every unit's time in order.
inline constexpr double kMaxUnitSlots = 64;

/// list_schedule() of a strict queue on a resource with units alone (one dimension) and from 1
/// to kMaxUnitSlots of them: the same layout as the heap of running tasks, O(capacity) per
/// task without branches on the heap. A task of u units starts at the latest of its arrival,
/// the previous task's start and the u-th earliest time a unit is free (the end of the last
/// task a heap would release before u units are free); its u units are then free at its end.
/// A task too big for the resource starts once every unit is free and holds them all. A task
/// with no units (not admissible: counts are >= 1) waits for nothing.
template <class OnTask>
void strict_slot_schedule(const Problem& p, std::size_t j, std::span<const std::int32_t> queue,
                          const QueueTasks& tasks, ListScratch& s, double& capacity_violation,
                          OnTask& on_task) {
    // Units are whole: a capacity of 3.5 holds what 3 hold.
    const auto slots = static_cast<std::size_t>(p.capacity(j, 0));
    s.free_at.assign(slots, 0.0);  // arrivals are >= 0: an idle unit delays nothing
    double* free_at = s.free_at.data();
    double previous_start = 0;
    tasks.walk(queue, [&](std::size_t i, double dur) {
        const std::int32_t u = tasks.units_of(i);
        const bool fits_alone = tasks.fits_alone(i, capacity_violation);
        double t = std::max(p.arrival(i), previous_start);
        double end = t + dur;
        if (!fits_alone) {
            if (slots > 0) t = std::max(t, free_at[slots - 1]);
            end = t + dur;
            std::fill(free_at, free_at + slots, end);
        } else if (u > 0) {
            const auto k = static_cast<std::size_t>(u);
            t = std::max(t, free_at[k - 1]);
            end = t + dur;
            // The k earliest units are now free at `end`: shift the units free before it
            // down over them, then put the k in order.
            std::size_t at = k;
            while (at < slots && free_at[at] < end) {
                free_at[at - k] = free_at[at];
                ++at;
            }
            std::fill(free_at + (at - k), free_at + at, end);
        }
        previous_start = t;
        on_task(i, u, dur, t, end, fits_alone);
    });
}

/// Lays out `queue` (tasks of resource j in policy order, changed by `edit`) by list
/// scheduling with cumulative capacity: each task starts at the earliest time, not before
/// its arrival nor before the previous task's start (no overtaking), at which its units and
/// every demand fit beside the running tasks; a task too big for the resource waits until it
/// is empty, runs alone, and adds its relative overflow to `capacity_violation`. When the
/// problem backfills (Problem::backfill()), each task instead starts at the earliest time not
/// before its arrival at which it fits, for its whole duration, beside every task laid out
/// before it (conservative backfilling: it may start before a task ahead of it, never delaying
/// one); a task too big for the resource starts once every task before it has ended.
/// `units[i]` and `duration[i]` give each queued task's units and duration. Calls
/// on_task(i, units, duration, start, end, fits_alone) for each task in queue order.
template <class OnTask>
void list_schedule(const Problem& p, std::size_t j, std::span<const std::int32_t> queue,
                   const std::int32_t* units, const double* duration, const QueueEdit& edit,
                   ListScratch& s, double& capacity_violation, OnTask&& on_task) {
    const std::size_t d = p.num_dimensions();
    const QueueTasks tasks{p, j, units, duration, edit};
    if (p.backfill()) {
        if (d == 1) {
            backfill_units_schedule(p, j, queue, tasks, s, capacity_violation, on_task);
        } else {
            backfill_schedule(p, j, queue, units, duration, edit, s, capacity_violation, on_task);
        }
        return;
    }
    // (At least one unit: with none, tasks too big would not wait for one another.)
    if (d == 1 && p.capacity(j, 0) >= 1 && p.capacity(j, 0) <= kMaxUnitSlots) {
        strict_slot_schedule(p, j, queue, tasks, s, capacity_violation, on_task);
        return;
    }
    std::fill(s.used.begin(), s.used.end(), 0.0);
    s.running.clear();
    const auto later = [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second > y.second;
    };
    const auto need = [&](std::size_t i, std::size_t k) { return tasks.need(i, k); };
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
        const bool fits_alone = tasks.fits_alone(i, capacity_violation);
        double t = std::max(p.arrival(i), previous_start);
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
        on_task(i, tasks.units_of(i), dur, t, end, fits_alone);
    };
    tasks.walk(queue, lay);
}

}  // namespace allocopt::detail
