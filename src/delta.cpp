#include "allocopt/delta.hpp"

#include <algorithm>
#include <bit>

#include "delta_schedule.hpp"
#include "detail/devices.hpp"
#include "detail/evaluator_internals.hpp"
#include "detail/top_three.hpp"

namespace allocopt {

namespace {

bool only(const Objective& objective, std::initializer_list<Metric> metrics) {
    for (const auto& term : objective.terms) {
        if (std::find(metrics.begin(), metrics.end(), term.first) == metrics.end()) return false;
    }
    return true;
}

double weight_of(const Objective& objective, Metric metric) {
    double w = 0;
    for (const auto& term : objective.terms)
        w += term.first == metric ? term.second : 0.0;
    return w;
}

}  // namespace

DeltaState::DeltaState(Evaluator& evaluator, const Allocation& start, std::uint64_t* counter)
    : evaluator_(evaluator),
      problem_(evaluator.problem()),
      allocation_(start),
      scratch_(start),
      counter_(counter) {
    const Objective& objective = problem_.objective();
    const detail::EvaluatorPath path = detail::internals(evaluator).path;
    if (path == detail::EvaluatorPath::load) {
        kind_ = Kind::load;
        unit_duration_ = detail::internals(evaluator).unit_duration_table();
        makespan_only_ = only(objective, {Metric::makespan});
    } else if (path == detail::EvaluatorPath::packing &&
               problem_.num_dimensions() <= kMaxDimensions &&
               only(objective, {Metric::cost, Metric::unplaced})) {
        kind_ = Kind::packing;
        devices_ = problem_.has_devices();
        cost_weight_ = weight_of(objective, Metric::cost);
        unplaced_weight_ = weight_of(objective, Metric::unplaced);
    } else if (path == detail::EvaluatorPath::general) {
        kind_ = Kind::schedule;
        tie_break_ = objective.sense == Sense::minimize && only(objective, {Metric::makespan});
    } else {
        kind_ = Kind::full;
    }
    resync();
}

// Out of line: Schedule is complete only beside src/delta_schedule.hpp.
DeltaState::~DeltaState() = default;
DeltaState::DeltaState(DeltaState&&) noexcept = default;

void DeltaState::resync() {
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    const std::size_t d = problem_.num_dimensions();
    placement_violation_ = 0;
    unplaced_ = 0;
    if (kind_ == Kind::full) {
        current_ = evaluator_.evaluate(allocation_);
        return;
    }
    if (kind_ == Kind::schedule) {
        resync_schedule();
        count(1);
        return;
    }
    load_.assign(m, 0.0);
    usage_.assign(kind_ == Kind::packing ? m * d : 0, 0.0);
    count_.assign(m, 0);
    cost_ = 0;
    capacity_violation_ = 0;
    total_load_ = 0;
    for (std::size_t t = 0; t < n; ++t) {
        const std::int32_t r = allocation_.resource[t];
        placement_violation_ += placement_penalty(t, r, allocation_.units[t]);
        if (r < 0) {
            ++unplaced_;
            continue;
        }
        const auto j = static_cast<std::size_t>(r);
        if (kind_ == Kind::load) {
            load_[j] += task_duration(t, r);
            continue;
        }
        usage_[j * d] += allocation_.units[t];
        for (std::size_t k = 1; k < d; ++k)
            usage_[j * d + k] += problem_.demand(t, j, k);
        cost_ += evaluator_.pair_cost(t, j, allocation_.units[t]);
        ++count_[j];
    }
    for (std::size_t j = 0; j < m; ++j) {
        total_load_ += load_[j];
        if (kind_ != Kind::packing) continue;
        if (count_[j]) cost_ += problem_.resource(j).fixed_cost;
        for (std::size_t k = 0; k < d; ++k)
            capacity_violation_ += overflow(j, k, usage_[j * d + k]);
    }
    if (devices_) resync_devices();
    if (kind_ == Kind::load) {
        refresh_top();
        current_ = delta_load(npos, 0, 0, npos, 0, 0);
    } else {
        current_ = delta_packing(npos, 0, 0, npos, 0, 0);
    }
    count(1);
}

void DeltaState::resync_devices() {
    // As the Evaluator takes them: the devices the allocation names first, then the others in
    // task order. A set that is not `count` devices of the resource is chosen afresh.
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    device_used_.assign(problem_.device_offset(m), 0);
    if (allocation_.devices.empty()) allocation_.devices.assign(n, 0);
    auto take = [&](std::size_t t, std::size_t j, std::uint64_t mask) {
        int* used = device_used_.data() + problem_.device_offset(j);
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
            used[std::countr_zero(bits)] += problem_.task(t).devices.share;
    };
    for (std::size_t t = 0; t < n; ++t) {
        const std::int32_t r = allocation_.resource[t];
        const int want = problem_.task(t).devices.count;
        std::uint64_t& mask = allocation_.devices[t];
        if (r < 0 || want == 0) {
            mask = 0;
            continue;
        }
        const auto j = static_cast<std::size_t>(r);
        const int have = problem_.resource(j).devices.count;
        if (std::popcount(mask) != want || (have < 64 && (mask >> have) != 0)) {
            mask = 0;
            continue;
        }
        take(t, j, mask);
    }
    for (std::size_t t = 0; t < n; ++t) {
        const std::int32_t r = allocation_.resource[t];
        if (r < 0 || problem_.task(t).devices.count == 0 || allocation_.devices[t] != 0) continue;
        const auto j = static_cast<std::size_t>(r);
        allocation_.devices[t] =
            pick_devices(t, j, device_used_.data() + problem_.device_offset(j));
        if (allocation_.devices[t] == 0) {
            capacity_violation_ += no_room(t, j);
        } else {
            take(t, j, allocation_.devices[t]);
        }
    }
    for (std::size_t j = 0; j < m; ++j) {
        for (std::size_t d = problem_.device_offset(j); d < problem_.device_offset(j + 1); ++d)
            capacity_violation_ += device_overflow(j, device_used_[d]);
    }
}

std::uint64_t DeltaState::pick_devices(std::size_t t, std::size_t j, const int* used) const {
    const Devices& have = problem_.resource(j).devices;
    const DeviceRequest& want = problem_.task(t).devices;
    if (have.count < want.count) return 0;
    std::uint64_t mask = detail::choose_devices(have, used, want);
    if (mask != 0) return mask;
    // None has room: the least used ones (lowest index among equals), which then overflow.
    for (int k = 0; k < want.count; ++k) {
        int best = -1;
        for (int d = 0; d < have.count; ++d) {
            if (!(mask >> d & 1U) && (best < 0 || used[d] < used[best])) best = d;
        }
        mask |= std::uint64_t{1} << best;
    }
    return mask;
}

double DeltaState::device_overflow(std::size_t j, int used) const {
    const int capacity = problem_.resource(j).devices.capacity;
    return used > capacity ? static_cast<double>(used - capacity) / capacity : 0.0;
}

double DeltaState::no_room(std::size_t t, std::size_t j) const {
    // The Evaluator's term for a task whose resource has too few devices for it.
    const DeviceRequest& want = problem_.task(t).devices;
    return static_cast<double>(want.count) * want.share /
           std::max(1, problem_.resource(j).devices.capacity);
}

double DeltaState::task_duration(std::size_t t, std::int32_t r) const {
    const auto j = static_cast<std::size_t>(r);
    return unit_duration_ ? unit_duration_[t * problem_.num_resources() + j]
                          : evaluator_.duration(t, j, 1);
}

double DeltaState::placement_penalty(std::size_t t, std::int32_t r, std::int32_t u) const {
    // The Evaluator's placement violation: one per unplaced non-optional task, one per
    // disallowed resource, one per inadmissible unit count.
    // On the load kind, resources have one unit: a larger count also overflows it by u - 1
    // (the packing kind counts overflow in its usage).
    if (r < 0) return problem_.task(t).optional ? 0.0 : 1.0;
    if (detail::internals(evaluator_).admissible_units(t, u)) {
        return problem_.allowed(t, static_cast<std::size_t>(r)) ? 0.0 : 1.0;
    }
    const double overflow = kind_ == Kind::load && u > 1 ? u - 1.0 : 0.0;
    return (problem_.allowed(t, static_cast<std::size_t>(r)) ? 1.0 : 2.0) + overflow;
}

double DeltaState::overflow(std::size_t j, std::size_t k, double usage) const {
    const double cap = problem_.capacity(j, k);
    return usage > cap ? (usage - cap) / cap : 0.0;
}

void DeltaState::refresh_top() {
    // The three largest loads: a move changes at most two, so the largest of the others is
    // always among these three.
    top_ = detail::top_three(load_.size(), [&](std::size_t j) { return load_[j]; });
}

Evaluation DeltaState::delta_load(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                                  std::int32_t rb, std::int32_t ub) const {
    // New loads of at most four touched resources: from(a), to(a), from(b), to(b).
    std::int32_t touched[4] = {-1, -1, -1, -1};
    double changed[4] = {0, 0, 0, 0};
    int count = 0;
    double total = total_load_, placement = placement_violation_;
    auto add = [&](std::int32_t r, double amount) {
        if (r < 0) return;
        for (int k = 0; k < count; ++k) {
            if (touched[k] == r) {
                changed[k] += amount;
                return;
            }
        }
        touched[count] = r;
        changed[count++] = load_[static_cast<std::size_t>(r)] + amount;
    };
    auto move = [&](std::size_t t, std::int32_t r, std::int32_t u) {
        const std::int32_t from = allocation_.resource[t];
        if (from >= 0) {
            const double d = task_duration(t, from);
            add(from, -d);
            total -= d;
        }
        if (r >= 0) {
            const double d = task_duration(t, r);
            add(r, d);
            total += d;
        }
        placement += placement_penalty(t, r, u) - placement_penalty(t, from, allocation_.units[t]);
    };
    if (ta != npos) move(ta, ra, ua);
    if (tb != npos) move(tb, rb, ub);
    double makespan = 0;
    for (std::int32_t j : top_) {
        if (j < 0) break;
        bool is_touched = false;
        for (int k = 0; k < count; ++k)
            is_touched = is_touched || touched[k] == j;
        if (!is_touched) {
            makespan = load_[static_cast<std::size_t>(j)];
            break;
        }
    }
    for (int k = 0; k < count; ++k)
        makespan = std::max(makespan, changed[k]);
    if (makespan_only_) return {makespan, placement};
    double value = 0;
    const double mean = total / static_cast<double>(load_.size());
    for (const auto& [metric, weight] : problem_.objective().terms) {
        value +=
            weight * (metric == Metric::makespan ? makespan : (mean > 0 ? makespan / mean : 0));
    }
    return {value, placement};
}

Evaluation DeltaState::delta_packing(std::size_t ta, std::int32_t ra, std::int32_t ua,
                                     std::size_t tb, std::int32_t rb, std::int32_t ub) const {
    // Two instances, so that problems without devices keep a loop free of their branches.
    return devices_ ? packing_score<true>(ta, ra, ua, tb, rb, ub)
                    : packing_score<false>(ta, ra, ua, tb, rb, ub);
}

template <bool kDevices>
Evaluation DeltaState::packing_score(std::size_t ta, std::int32_t ra, std::int32_t ua,
                                     std::size_t tb, std::int32_t rb, std::int32_t ub) const {
    const std::size_t d = problem_.num_dimensions();
    double cost = cost_, violation = capacity_violation_, placement = placement_violation_;
    double unplaced = static_cast<double>(unplaced_);
    // Usage of the (at most four) touched resources, kept locally.
    std::int32_t touched[4] = {-1, -1, -1, -1};
    std::uint32_t counts[4] = {0, 0, 0, 0};
    double usage[4][kMaxDimensions];
    // With devices: each device's share taken (no storage without).
    int device_used[4][kDevices ? kMaxResourceDevices : 1];
    int used = 0;
    auto slot = [&](std::int32_t r) {
        for (int k = 0; k < used; ++k) {
            if (touched[k] == r) return k;
        }
        const auto j = static_cast<std::size_t>(r);
        touched[used] = r;
        counts[used] = count_[j];
        for (std::size_t k = 0; k < d; ++k)
            usage[used][k] = usage_[j * d + k];
        if constexpr (kDevices) {
            std::copy(
                device_used_.begin() + static_cast<std::ptrdiff_t>(problem_.device_offset(j)),
                device_used_.begin() + static_cast<std::ptrdiff_t>(problem_.device_offset(j + 1)),
                device_used[used]);
        }
        return used++;
    };
    // The devices of task t, taken off (mask: its own) or put on (chosen here) resource j.
    auto shift_devices = [&](std::size_t t, std::size_t j, int s, double sign) {
        const DeviceRequest& want = problem_.task(t).devices;
        const std::uint64_t mask =
            sign < 0 ? allocation_.devices[t] : pick_devices(t, j, device_used[s]);
        if (mask == 0) {
            violation += sign * no_room(t, j);
            return;
        }
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
            int& taken = device_used[s][std::countr_zero(bits)];
            violation -= device_overflow(j, taken);
            taken += sign > 0 ? want.share : -want.share;
            violation += device_overflow(j, taken);
        }
    };
    auto shift = [&](std::size_t t, std::int32_t r, std::int32_t u, double sign) {
        const int s = slot(r);
        const auto j = static_cast<std::size_t>(r);
        if constexpr (kDevices) {
            if (problem_.task(t).devices.count > 0) shift_devices(t, j, s, sign);
        }
        const auto before_count = counts[s];
        for (std::size_t k = 0; k < d; ++k) {
            const double amount = sign * (k == 0 ? u : problem_.demand(t, j, k));
            violation -= overflow(j, k, usage[s][k]);
            usage[s][k] += amount;
            violation += overflow(j, k, usage[s][k]);
        }
        counts[s] = sign > 0 ? counts[s] + 1 : counts[s] - 1;
        if ((before_count == 0) != (counts[s] == 0)) {
            cost += (counts[s] ? 1.0 : -1.0) * problem_.resource(j).fixed_cost;
        }
        cost += sign * evaluator_.pair_cost(t, j, u);
    };
    auto move = [&](std::size_t t, std::int32_t r, std::int32_t u) {
        const std::int32_t from = allocation_.resource[t];
        if (from >= 0)
            shift(t, from, allocation_.units[t], -1.0);
        else
            unplaced -= 1;
        if (r >= 0)
            shift(t, r, u, +1.0);
        else
            unplaced += 1;
        placement += placement_penalty(t, r, u) - placement_penalty(t, from, allocation_.units[t]);
    };
    if (ta != npos) move(ta, ra, ua);
    if (tb != npos) move(tb, rb, ub);
    const double value = cost_weight_ * cost + unplaced_weight_ * unplaced;
    // Relative overflows that cancel out can leave a residue of ~1e-16: read it as zero.
    const double total = violation + placement;
    return {value, total > 1e-9 ? total : 0.0};
}

Evaluation DeltaState::score_full(std::size_t ta, std::int32_t ra, std::int32_t ua, std::size_t tb,
                                  std::int32_t rb, std::int32_t ub) {
    scratch_.place(ta, ra, ua);
    if (tb != npos) scratch_.place(tb, rb, ub);
    const Evaluation e = evaluator_.evaluate(scratch_);
    scratch_.place(ta, allocation_.resource[ta], allocation_.units[ta]);
    if (tb != npos) scratch_.place(tb, allocation_.resource[tb], allocation_.units[tb]);
    if (!scratch_.devices.empty()) {  // place() cleared the devices the allocation names
        scratch_.devices[ta] = allocation_.devices_of(ta);
        if (tb != npos) scratch_.devices[tb] = allocation_.devices_of(tb);
    }
    return e;
}

Evaluation DeltaState::score_move(std::size_t t, std::int32_t r, std::int32_t u) {
    switch (kind_) {
        case Kind::load:
            count(1);
            return delta_load(t, r, u, npos, 0, 0);
        case Kind::packing:
            count(1);
            return delta_packing(t, r, u, npos, 0, 0);
        case Kind::schedule:
            count(1);
            return delta_schedule(t, r, u, npos, 0, 0);
        case Kind::full:
            return score_full(t, r, u, npos, 0, 0);
    }
    return {};
}

Evaluation DeltaState::score_swap(std::size_t a, std::size_t b) {
    if (a == b) {  // nothing changes
        count(1);
        return current_;
    }
    const std::int32_t ra = allocation_.resource[a], ua = allocation_.units[a];
    const std::int32_t rb = allocation_.resource[b], ub = allocation_.units[b];
    switch (kind_) {
        case Kind::load:
            count(1);
            return delta_load(a, rb, ua, b, ra, ub);
        case Kind::packing:
            count(1);
            return delta_packing(a, rb, ua, b, ra, ub);
        case Kind::schedule:
            count(1);
            // Tasks on one resource keep their places and counts: nothing changes.
            if (ra == rb) return current_;
            return delta_schedule(a, rb, ua, b, ra, ub);
        case Kind::full:
            return score_full(a, rb, ua, b, ra, ub);
    }
    return {};
}

void DeltaState::set(std::size_t t, std::int32_t r, std::int32_t u, std::uint64_t devices) {
    const std::int32_t from = allocation_.resource[t];
    const std::uint64_t had = allocation_.devices_of(t);
    std::uint64_t takes = 0;  // the devices t takes on r
    placement_violation_ +=
        placement_penalty(t, r, u) - placement_penalty(t, from, allocation_.units[t]);
    unplaced_ = unplaced_ + (r < 0) - (from < 0);
    if (kind_ == Kind::load) {
        if (from >= 0) {
            const double dur = task_duration(t, from);
            load_[static_cast<std::size_t>(from)] -= dur;
            total_load_ -= dur;
        }
        if (r >= 0) {
            const double dur = task_duration(t, r);
            load_[static_cast<std::size_t>(r)] += dur;
            total_load_ += dur;
        }
    } else if (kind_ == Kind::packing) {
        const std::size_t d = problem_.num_dimensions();
        auto shift = [&](std::int32_t res, std::int32_t units, double sign) {
            const auto j = static_cast<std::size_t>(res);
            for (std::size_t k = 0; k < d; ++k) {
                double& usage = usage_[j * d + k];
                capacity_violation_ -= overflow(j, k, usage);
                usage += sign * (k == 0 ? units : problem_.demand(t, j, k));
                capacity_violation_ += overflow(j, k, usage);
            }
            const bool was_used = count_[j] > 0;
            count_[j] = sign > 0 ? count_[j] + 1 : count_[j] - 1;
            if (was_used != (count_[j] > 0)) {
                cost_ += (count_[j] ? 1.0 : -1.0) * problem_.resource(j).fixed_cost;
            }
            cost_ += sign * evaluator_.pair_cost(t, j, units);
        };
        if (from >= 0) shift(from, allocation_.units[t], -1.0);
        if (r >= 0) shift(r, u, +1.0);
        if (devices_ && problem_.task(t).devices.count > 0)
            takes = shift_devices(t, from, r, devices);
        if (capacity_violation_ < 1e-9) capacity_violation_ = 0;  // cancelled residue
    } else if (kind_ == Kind::schedule) {
        set_schedule(t, r, u);
    }
    undo_.push_back({t, from, allocation_.units[t], had});
    allocation_.place(t, r, u);
    if (devices_) allocation_.devices[t] = takes;
    scratch_.place(t, r, u);
}

std::uint64_t DeltaState::shift_devices(std::size_t t, std::int32_t from, std::int32_t r,
                                        std::uint64_t devices) {
    // As delta_packing's shift_devices, on the state itself: off `from`, then onto r.
    const DeviceRequest& want = problem_.task(t).devices;
    auto add = [&](std::size_t j, std::uint64_t mask, int amount) {
        int* used = device_used_.data() + problem_.device_offset(j);
        if (mask == 0) {
            capacity_violation_ += (amount > 0 ? 1.0 : -1.0) * no_room(t, j);
            return;
        }
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
            int& taken = used[std::countr_zero(bits)];
            capacity_violation_ -= device_overflow(j, taken);
            taken += amount;
            capacity_violation_ += device_overflow(j, taken);
        }
    };
    if (from >= 0) add(static_cast<std::size_t>(from), allocation_.devices[t], -want.share);
    if (r < 0) return 0;
    const auto j = static_cast<std::size_t>(r);
    const std::uint64_t mask =
        devices != 0 ? devices
                     : pick_devices(t, j, device_used_.data() + problem_.device_offset(j));
    add(j, mask, want.share);
    return mask;
}

Evaluation DeltaState::apply_move(std::size_t t, std::int32_t r, std::int32_t u) {
    if (kind_ == Kind::schedule) {  // settling lays the touched resources out: the score
        count(1);
        undo_.clear();
        set(t, r, u);
        settle_schedule();
        return current_;
    }
    const Evaluation e = score_move(t, r, u);
    undo_.clear();
    set(t, r, u);
    if (kind_ == Kind::load) refresh_top();
    current_ = e;
    return e;
}

Evaluation DeltaState::apply_swap(std::size_t a, std::size_t b) {
    if (a == b) {
        count(1);
        undo_.clear();
        return current_;
    }
    const std::int32_t ra = allocation_.resource[a], ua = allocation_.units[a];
    const std::int32_t rb = allocation_.resource[b], ub = allocation_.units[b];
    if (kind_ == Kind::schedule) {
        count(1);
        undo_.clear();
        set(a, rb, ua);
        set(b, ra, ub);
        settle_schedule();
        return current_;
    }
    const Evaluation e = score_swap(a, b);
    undo_.clear();
    set(a, rb, ua);
    set(b, ra, ub);
    if (kind_ == Kind::load) refresh_top();
    current_ = e;
    return e;
}

void DeltaState::undo() {
    std::vector<Change> changes;
    changes.swap(undo_);
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
        set(it->task, it->resource, it->units, it->devices);
    }
    undo_.clear();
    if (kind_ == Kind::load) refresh_top();
    if (kind_ == Kind::schedule) {
        settle_schedule();
    } else if (kind_ == Kind::full) {
        current_ = evaluator_.evaluate(allocation_);
    } else {
        current_ = kind_ == Kind::load ? delta_load(npos, 0, 0, npos, 0, 0)
                                       : delta_packing(npos, 0, 0, npos, 0, 0);
    }
}

}  // namespace allocopt
