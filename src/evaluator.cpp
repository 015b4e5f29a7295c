#include "allocopt/evaluator.hpp"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>

#include "detail/devices.hpp"
#include "detail/evaluator_internals.hpp"
#include "detail/list_schedule.hpp"

namespace allocopt {

bool better(const Evaluation& a, const Evaluation& b, Sense sense) {
    const bool fa = a.feasible(), fb = b.feasible();
    if (fa != fb) return fa;
    if (!fa && a.violation != b.violation) return a.violation < b.violation;
    return sense == Sense::minimize ? a.objective < b.objective : a.objective > b.objective;
}

namespace {

constexpr std::size_t index(Metric m) {
    return static_cast<std::size_t>(m);
}

bool objective_uses_only(const Objective& objective, std::initializer_list<Metric> metrics) {
    for (const auto& term : objective.terms) {
        if (std::find(metrics.begin(), metrics.end(), term.first) == metrics.end()) return false;
    }
    return true;
}

using detail::EvaluatorInternals;
using detail::EvaluatorPath;
using Scratch = detail::EvaluatorScratch;

/// Devices the Evaluator's scratch areas track: every resource's, when any task asks for some.
std::size_t devices_of(const Problem& p) {
    return p.has_devices() ? p.device_offset(p.num_resources()) : 0;
}

double objective_value(const Problem& p, const std::array<double, kMetricCount>& metrics) {
    double value = 0;
    for (const auto& [metric, weight] : p.objective().terms) {
        value += weight * metrics[index(metric)];
    }
    return value;
}

Evaluation evaluate_load(const EvaluatorInternals& in, const Allocation& a, Scratch& s);
void evaluate_load_group(const EvaluatorInternals& in, const Allocation* const* group,
                         Evaluation* out, Scratch& s);
Evaluation evaluate_full(const EvaluatorInternals& in, const Allocation& a, Scratch& s);

/// The chosen path: evaluate_load, or evaluate_full (list schedule or packing).
Evaluation score(const EvaluatorInternals& in, const Allocation& a, Scratch& s) {
    return in.path == EvaluatorPath::load ? evaluate_load(in, a, s) : evaluate_full(in, a, s);
}

/// EvaluatorInternals::min_duration and static_queue, where they apply.
void build_tables(EvaluatorInternals& in) {
    const Problem& p = in.problem;
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    // Rows of at most kScanResources durations: a task's row is one or two cache lines, read
    // in task order. (With wide rows, reading one entry per task from a large table missed the
    // cache more than computing the duration: 2000 x 64 was slower.)
    if (p.mode() != Mode::schedule || m > EvaluatorInternals::kScanResources ||
        n * m > EvaluatorInternals::kTableEntries) {
        return;
    }
    in.min_duration.resize(n * m);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j)
            in.min_duration[i * m + j] = p.duration(i, j, in.unit_bounds[i].min);
    }
    if (p.policy() != Policy::sjf && p.policy() != Policy::ljf) return;
    for (const auto& b : in.unit_bounds) {
        if (b.min != b.max) return;
    }
    const detail::PolicyOrder order(p);
    in.static_queue.resize(m * n);
    for (std::size_t j = 0; j < m; ++j) {
        std::int32_t* queue = in.static_queue.data() + j * n;
        std::iota(queue, queue + n, 0);
        std::sort(queue, queue + n, [&](std::int32_t x, std::int32_t y) {
            const auto ix = static_cast<std::size_t>(x), iy = static_cast<std::size_t>(y);
            const std::int32_t ux = in.unit_bounds[ix].min, uy = in.unit_bounds[iy].min;
            return order.before(x, in.min_duration[ix * m + j], ux, y, in.min_duration[iy * m + j],
                                uy);
        });
    }
}

}  // namespace

Evaluator::Evaluator(const Problem& problem, EvaluatorOptions options)
    : problem_(problem),
      threads_(options.threads > 0 ? options.threads : omp_get_max_threads()),
      internals_(std::make_unique<EvaluatorInternals>(problem)) {
    EvaluatorInternals& in = *internals_;
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    bool unit_resources = true, simple_tasks = true;
    for (std::size_t j = 0; j < m; ++j)
        unit_resources = unit_resources && problem.capacity(j, 0) == 1;
    in.unit_bounds.resize(n);
    in.facts.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Task& t = problem.task(i);
        in.unit_bounds[i] = {t.units.min, t.units.max, !t.units.values.empty()};
        in.facts[i] = {t.priority,
                       t.arrival,
                       t.deadline,
                       t.workload * t.frequency,
                       t.workload,
                       t.frequency,
                       std::max(t.workload, t.frequency),
                       t.optional};
        simple_tasks = simple_tasks && t.arrival == 0 && t.units.max == 1 && t.demand.empty();
    }
    for (std::size_t k = 1; k < problem.num_dimensions(); ++k) {
        simple_tasks = simple_tasks && !problem.has_demand_matrix(k);
    }
    const ProblemData& data = problem.data();
    if (problem.mode() == Mode::packing) {
        in.path = EvaluatorPath::packing;
    } else if (unit_resources && simple_tasks && !data.hard_deadlines && !data.hard_horizon &&
               objective_uses_only(problem.objective(),
                                   {Metric::makespan, Metric::load_imbalance})) {
        in.path = EvaluatorPath::load;
    } else {
        in.path = EvaluatorPath::general;
    }
    if (in.path == EvaluatorPath::load && problem.has_time_matrix()) {
        in.unit_duration.resize(n * m);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < m; ++j)
                in.unit_duration[i * m + j] = problem.duration(i, j, 1);
        }
    }
    build_tables(in);
    in.scratch.reserve(static_cast<std::size_t>(threads_));
    for (int t = 0; t < threads_; ++t) {
        in.scratch.push_back(
            std::make_unique<Scratch>(n, m, problem.num_dimensions(), devices_of(problem)));
    }
}

Evaluator::~Evaluator() = default;

double Evaluator::duration(std::size_t i, std::size_t j, int units) const {
    return problem_.duration(i, j, units);
}

double Evaluator::pair_cost(std::size_t i, std::size_t j, int units) const {
    return problem_.pair_cost(i, j, units);
}

Evaluation Evaluator::evaluate(const Allocation& allocation) {
    ++evaluations_;
    const EvaluatorInternals& in = *internals_;
    return score(in, allocation, *in.scratch.front());
}

void Evaluator::parallel_for(std::size_t count,
                             const std::function<void(std::size_t)>& work) const {
    const auto n = static_cast<std::int64_t>(count);
    // Exceptions must not leave an OpenMP region: the first one is kept and rethrown.
    std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_) if (n > 1)
    for (std::int64_t i = 0; i < n; ++i) {
        try {
            work(static_cast<std::size_t>(i));
        } catch (...) {
#pragma omp critical(allocopt_parallel_for_error)
            if (!error) error = std::current_exception();
        }
    }
    if (error) std::rethrow_exception(error);
}

void Evaluator::evaluate_batch(std::span<const Allocation> candidates,
                               std::span<Evaluation> results) {
    const auto count = static_cast<std::int64_t>(candidates.size());
    evaluations_ += static_cast<std::uint64_t>(count);
    if (count == 0) return;
    // Granularity: waking the team and meeting at its barrier costs from microseconds (idle
    // machine) to hundreds of microseconds (other processes on the cores: 10 to 300 us per
    // region measured with OMP_WAIT_POLICY=passive on 2 cores at load average 11); a batch
    // of less work than kMinParallelSeconds is scored on this thread. The first
    // candidate is scored here and timed to estimate the rest. A Braun brood (8 x 0.3 us)
    // stays here; 8 list schedules of 2000 tasks (8 x 0.1 ms) go to the team. Each result
    // depends only on its candidate, so the choice never changes a result.
    constexpr double kMinParallelSeconds = 200e-6;
    const EvaluatorInternals& in = *internals_;
    const auto started = std::chrono::steady_clock::now();
    results[0] = score(in, candidates[0], *in.scratch.front());
    const double first =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool team =
        threads_ > 1 && count > 2 && first * static_cast<double>(count - 1) >= kMinParallelSeconds;
    if (in.path == EvaluatorPath::load && in.unit_duration_table()) {
        // The load path on a duration table scores kLoadGroup candidates side by side (1.3-1.6x
        // the candidates a second of one at a time on Braun 512x16 in three runs of
        // bench/pagmo_bench.cpp); the last few, one at a time. Each result is bitwise the one
        // evaluate() gives.
        constexpr auto kGroup = static_cast<std::int64_t>(detail::kLoadGroup);
        const std::int64_t groups = (count - 1) / kGroup;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_) if (team)
        for (std::int64_t g = 0; g < groups; ++g) {
            Scratch& s = *in.scratch[static_cast<std::size_t>(omp_get_thread_num())];
            const auto c = static_cast<std::size_t>(1 + g * kGroup);
            const Allocation* group[detail::kLoadGroup];
            for (std::size_t k = 0; k < detail::kLoadGroup; ++k)
                group[k] = &candidates[c + k];
            evaluate_load_group(in, group, &results[c], s);
        }
        for (std::int64_t c = 1 + groups * kGroup; c < count; ++c) {
            const auto k = static_cast<std::size_t>(c);
            results[k] = evaluate_load(in, candidates[k], *in.scratch.front());
        }
        return;
    }
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads_) if (team)
    for (std::int64_t c = 1; c < count; ++c) {
        Scratch& s = *in.scratch[static_cast<std::size_t>(omp_get_thread_num())];
        const Allocation& a = candidates[static_cast<std::size_t>(c)];
        results[static_cast<std::size_t>(c)] = score(in, a, s);
    }
}

namespace {

Evaluation finish_load(const Problem& problem, const Allocation& a, const double* load,
                       double violation, std::int32_t odd);

/// Whether any task of `a` has a unit count other than 1, and the lowest resource index (-1
/// when a task is unplaced): loops the compiler vectorizes.
struct LoadScan {
    std::int32_t odd = 0, lowest = 0;
};
LoadScan scan_load(const Allocation& a) {
    LoadScan out;
    const std::size_t n = a.size();
    const std::int32_t* resource = a.resource.data();
    const std::int32_t* units = a.units.data();
    for (std::size_t i = 0; i < n; ++i) {
        out.odd |= units[i] ^ 1;
        out.lowest = std::min(out.lowest, resource[i]);
    }
    return out;
}

Evaluation evaluate_load(const EvaluatorInternals& in, const Allocation& a, Scratch& s) {
    const Problem& problem = in.problem;
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    std::fill(s.load.begin(), s.load.end(), 0.0);
    double* load = s.load.data();
    const std::int32_t* resource = a.resource.data();
    double violation = 0;
    // On this path every task admits exactly one unit and every resource has one. `odd` says
    // whether any task has another count (finish_load then counts the placed ones), and
    // `lowest` whether any is unplaced; without one, the loop over the durations has no test.
    const auto [odd, lowest] = scan_load(a);
    const double* d = in.unit_duration_table();
    if (d && lowest >= 0) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto r = static_cast<std::size_t>(resource[i]);
            load[r] += d[i * m + r];
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const std::int32_t r = resource[i];
            if (r < 0) {
                violation += problem.task(i).optional ? 0.0 : 1.0;
                continue;
            }
            load[r] += d ? d[i * m + static_cast<std::size_t>(r)]
                         : problem.duration(i, static_cast<std::size_t>(r), 1);
        }
    }
    return finish_load(problem, a, load, violation, odd);
}

/// evaluate_load's end, from the loads and what the task loop gathered: restrictions, unit
/// counts other than 1, the makespan and the objective.
Evaluation finish_load(const Problem& problem, const Allocation& a, const double* load,
                       double violation, std::int32_t odd) {
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    const std::int32_t* resource = a.resource.data();
    const std::int32_t* units = a.units.data();
    if (problem.has_restrictions()) {
        for (std::size_t i = 0; i < n; ++i) {
            if (resource[i] >= 0 && !problem.allowed(i, static_cast<std::size_t>(resource[i]))) {
                violation += 1.0;
            }
        }
    }
    if (odd != 0) {
        // A count other than 1 is a violation, plus its overflow of the resource (u - 1), as
        // report() counts them: a search bug can never be reported as feasible.
        std::int64_t wrong = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t u = resource[i] >= 0 ? units[i] : 1;
            wrong += (u != 1 ? 1 : 0) + (u > 1 ? u - 1 : 0);
        }
        violation += static_cast<double>(wrong);
    }
    double makespan = 0, total = 0;
    for (std::size_t j = 0; j < m; ++j) {
        makespan = std::max(makespan, load[j]);
        total += load[j];
    }
    double value = 0;
    for (const auto& [metric, weight] : problem.objective().terms) {
        if (metric == Metric::makespan) {
            value += weight * makespan;
        } else if (total > 0) {  // load_imbalance = max / mean
            value += weight * makespan / (total / static_cast<double>(m));
        }
    }
    return {value, violation};
}

/// evaluate_load on the duration table for four candidates at once, task by task: they share
/// each task's row of the table, and their loads are four independent chains of additions
/// (one candidate's loop waits on its own store whenever two tasks in a row share a
/// resource). Each candidate's loads are summed in task order, as evaluate_load sums them,
/// so each result is bitwise the one evaluate_load gives. A group with an unplaced task is
/// scored one candidate at a time.
void evaluate_load_group(const EvaluatorInternals& in, const Allocation* const* group,
                         Evaluation* out, Scratch& s) {
    static_assert(detail::kLoadGroup == 4, "evaluate_load_group is written for four");
    const Problem& problem = in.problem;
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    LoadScan scans[4];
    for (std::size_t k = 0; k < 4; ++k) {
        scans[k] = scan_load(*group[k]);
        if (scans[k].lowest < 0) {
            for (std::size_t c = 0; c < 4; ++c)
                out[c] = evaluate_load(in, *group[c], s);
            return;
        }
    }
    double* l0 = s.group_load.data();
    std::fill(l0, l0 + 4 * m, 0.0);
    double *l1 = l0 + m, *l2 = l1 + m, *l3 = l2 + m;
    const std::int32_t* r0 = group[0]->resource.data();
    const std::int32_t* r1 = group[1]->resource.data();
    const std::int32_t* r2 = group[2]->resource.data();
    const std::int32_t* r3 = group[3]->resource.data();
    const double* row = in.unit_duration_table();
    for (std::size_t i = 0; i < n; ++i, row += m) {
        const std::int32_t a = r0[i], b = r1[i], c = r2[i], d = r3[i];
        l0[a] += row[a];
        l1[b] += row[b];
        l2[c] += row[c];
        l3[d] += row[d];
    }
    for (std::size_t k = 0; k < 4; ++k)
        out[k] = finish_load(problem, *group[k], l0 + k * m, 0.0, scans[k].odd);
}

/// Sums and counts gathered over one allocation, turned into metrics at the end.
struct Totals {
    std::array<double, kMetricCount> metrics{};
    double capacity_violation = 0;
    double placement_violation = 0;
    double deadline_violation = 0;
};

/// Schedules (or packs) the allocation in `s` and gathers every metric and violation.
Totals compute_totals(const EvaluatorInternals& in, const Allocation& a, Scratch& s);

Evaluation evaluate_full(const EvaluatorInternals& in, const Allocation& a, Scratch& s) {
    const Totals t = compute_totals(in, a, s);
    return {objective_value(in.problem, t.metrics),
            t.capacity_violation + t.placement_violation + t.deadline_violation};
}

}  // namespace

Report Evaluator::report(const Allocation& allocation) const {
    const std::size_t n = problem_.num_tasks(), m = problem_.num_resources();
    Scratch s(n, m, problem_.num_dimensions(), devices_of(problem_));
    const Totals t = compute_totals(*internals_, allocation, s);
    Report out;
    out.metrics = t.metrics;
    out.capacity_violation = t.capacity_violation;
    out.placement_violation = t.placement_violation;
    out.deadline_violation = t.deadline_violation;
    out.evaluation = {objective_value(problem_, t.metrics),
                      t.capacity_violation + t.placement_violation + t.deadline_violation};
    const double makespan = t.metrics[index(Metric::makespan)];
    out.utilization.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
        out.utilization[j] = makespan > 0 ? s.busy[j] / (problem_.capacity(j, 0) * makespan) : 0.0;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.start.assign(n, nan);
    out.end.assign(n, nan);
    for (std::size_t i = 0; i < n; ++i) {
        if (!allocation.placed(i)) continue;
        out.start[i] = s.start[i];
        out.end[i] = s.end[i];
    }
    out.seed = seed_metrics(problem_, allocation);
    if (problem_.has_devices()) out.devices = s.device_mask;
    return out;
}

namespace {

/// Policy order of the tasks in one resource's bucket (detail::PolicyOrder) under sjf or ljf,
/// the policies whose order depends on the allocation: a sort of flat keys, the same order as
/// PolicyOrder::before. (Under fcfs and priority the buckets are filled in order.)
void sort_bucket(const Problem& p, const Allocation& a, Scratch& s, std::int32_t* first,
                 std::int32_t* last) {
    const double* duration = s.duration.data();
    const std::int32_t* units = a.units.data();
    const auto count = static_cast<std::size_t>(last - first);
    detail::QueueKey* keys = s.keys.data();
    if (p.policy() == Policy::sjf) {
        for (std::size_t k = 0; k < count; ++k) {
            const auto i = static_cast<std::size_t>(first[k]);
            keys[k] = {duration[i], i, first[k]};
        }
    } else {
        for (std::size_t k = 0; k < count; ++k) {
            const auto i = static_cast<std::size_t>(first[k]);
            // Units descending: the complement of a count in 0..2^31-1 (validated).
            const auto down = static_cast<std::uint64_t>(0x7fffffff - units[i]);
            keys[k] = {-duration[i], (down << 32) | static_cast<std::uint64_t>(p.queue_rank(i)),
                       first[k]};
        }
    }
    std::sort(keys, keys + count);
    for (std::size_t k = 0; k < count; ++k)
        first[k] = keys[k].task;
}

/// Lays out the tasks of resource j (s.order[s.offset[j] .. s.offset[j+1]), already in
/// policy order) by detail::list_schedule, into s.start and s.end.
void schedule_resource(const Problem& p, const Allocation& a, std::size_t j, Scratch& s,
                       double& capacity_violation) {
    const std::span<const std::int32_t> queue(s.order.data() + s.offset[j],
                                              s.order.data() + s.offset[j + 1]);
    double* start = s.start.data();
    double* end = s.end.data();
    detail::list_schedule(p, j, queue, a.units.data(), s.duration.data(), {}, s.list,
                          capacity_violation,
                          [&](std::size_t i, std::int32_t, double, double st, double en, bool) {
                              start[i] = st;
                              end[i] = en;
                          });
}

/// Takes `share` of the devices in `mask` on resource j; returns false (taking nothing) when
/// the mask is not `count` devices of j.
bool take_devices(const Problem& p, std::size_t j, std::uint64_t mask, const DeviceRequest& want,
                  Scratch& s) {
    const int count = p.resource(j).devices.count;
    if (std::popcount(mask) != want.count || (count < 64 && (mask >> count) != 0)) return false;
    int* used = s.device_used.data() + p.device_offset(j);
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
        used[std::countr_zero(bits)] += want.share;
    return true;
}

/// The devices the Evaluator chooses for a task on resource j (detail::choose_devices).
std::uint64_t choose_devices(const Problem& p, std::size_t j, const DeviceRequest& want,
                             const Scratch& s) {
    return detail::choose_devices(p.resource(j).devices, s.device_used.data() + p.device_offset(j),
                                  want);
}

/// Devices (docs/sharing.md §Problems with devices): the devices an allocation names are taken
/// first, then the Evaluator chooses for the other tasks, in task order. Each device over its
/// capacity adds its relative overflow to the capacity violation; a task for which not enough
/// devices are left adds its request (count x share) relative to a device's capacity; a mask
/// that is not `count` devices of its resource is a placement violation.
void place_devices(const Problem& p, const Allocation& a, Scratch& s, double& capacity_violation,
                   double& placement_violation) {
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    std::fill(s.device_used.begin(), s.device_used.end(), 0);
    std::fill(s.device_mask.begin(), s.device_mask.end(), 0);
    const bool given = !a.devices.empty();
    for (std::size_t i = 0; given && i < n; ++i) {
        const DeviceRequest& want = p.task(i).devices;
        if (a.resource[i] < 0 || want.count == 0 || a.devices[i] == 0) continue;
        const auto j = static_cast<std::size_t>(a.resource[i]);
        if (take_devices(p, j, a.devices[i], want, s)) {
            s.device_mask[i] = a.devices[i];
        } else {
            placement_violation += 1.0;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        const DeviceRequest& want = p.task(i).devices;
        if (a.resource[i] < 0 || want.count == 0 || (given && a.devices[i] != 0)) continue;
        const auto j = static_cast<std::size_t>(a.resource[i]);
        const std::uint64_t mask = choose_devices(p, j, want, s);
        if (mask != 0) {
            take_devices(p, j, mask, want, s);
            s.device_mask[i] = mask;
        } else {
            const int capacity = std::max(1, p.resource(j).devices.capacity);
            capacity_violation += static_cast<double>(want.count) * want.share / capacity;
        }
    }
    for (std::size_t j = 0; j < m; ++j) {
        const int capacity = p.resource(j).devices.capacity;
        for (std::size_t d = p.device_offset(j); d < p.device_offset(j + 1); ++d) {
            if (s.device_used[d] > capacity)
                capacity_violation += static_cast<double>(s.device_used[d] - capacity) / capacity;
        }
    }
}

void place_packing(const Problem& p, const Allocation& a, Scratch& s, double& capacity_violation) {
    const std::size_t n = p.num_tasks(), m = p.num_resources(), d = p.num_dimensions();
    std::fill(s.usage.begin(), s.usage.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (a.resource[i] < 0) continue;
        const auto j = static_cast<std::size_t>(a.resource[i]);
        double* usage = s.usage.data() + j * d;
        usage[0] += a.units[i];
        for (std::size_t k = 1; k < d; ++k)
            usage[k] += p.demand(i, j, k);
        s.start[i] = p.task(i).arrival;
        s.end[i] = s.start[i] + s.duration[i];
    }
    for (std::size_t j = 0; j < m; ++j) {
        for (std::size_t k = 0; k < d; ++k) {
            const double over = s.usage[j * d + k] - p.capacity(j, k);
            if (over > 0) capacity_violation += over / p.capacity(j, k);
        }
    }
}

Totals compute_totals(const EvaluatorInternals& in, const Allocation& a, Scratch& s) {
    const Problem& p = in.problem;
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    Totals t;
    // Durations, placement checks and buckets by resource (a counting sort, stable).
    std::fill(s.offset.begin(), s.offset.end(), 0);
    std::size_t placed = 0;
    bool fixed_counts = true;  // every placed task at its (fixed) count: static_queue applies
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t r = a.resource[i];
        if (r < 0) {
            t.placement_violation += in.facts[i].optional ? 0.0 : 1.0;
            continue;
        }
        const auto j = static_cast<std::size_t>(r);
        if (!p.allowed(i, j)) t.placement_violation += 1.0;
        int units = a.units[i];
        if (!in.admissible_units(i, units)) {
            // Counted, and the duration taken with the smallest admissible count so that
            // the schedule stays well defined (a table has no speed-up for other counts).
            t.placement_violation += 1.0;
            units = in.unit_bounds[i].min;
            fixed_counts = false;
        }
        s.duration[i] = in.duration(i, j, units);
        ++s.offset[j + 1];
        ++placed;
    }
    for (std::size_t j = 0; j < m; ++j)
        s.offset[j + 1] += s.offset[j];
    // Under fcfs and priority the queue order is Problem::queue_rank: filling the buckets in
    // that order leaves them sorted. With static queues, each bucket is its resource's queue
    // with the tasks placed elsewhere left out (a write to one past a bucket's end is
    // overwritten by the next bucket, or lands in order's spare last entry).
    const bool ranked = p.mode() == Mode::schedule &&
                        (p.policy() == Policy::fcfs || p.policy() == Policy::priority);
    const bool scanned = fixed_counts && !in.static_queue.empty();
    if (scanned) {
        const std::int32_t* resource = a.resource.data();
        for (std::size_t j = 0; j < m; ++j) {
            const std::int32_t* queue = in.static_queue.data() + j * n;
            std::int32_t* out = s.order.data() + s.offset[j];
            const auto here = static_cast<std::int32_t>(j);
            std::size_t k = 0;
            for (std::size_t r = 0; r < n; ++r) {
                const std::int32_t i = queue[r];
                out[k] = i;
                k += resource[static_cast<std::size_t>(i)] == here ? 1 : 0;
            }
        }
    } else {
        std::copy(s.offset.begin(), s.offset.end() - 1, s.cursor.begin());
        const std::span<const std::int32_t> by_rank = p.tasks_by_queue_rank();
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t i = ranked ? static_cast<std::size_t>(by_rank[r]) : r;
            if (a.resource[i] < 0) continue;
            const auto j = static_cast<std::size_t>(a.resource[i]);
            s.order[static_cast<std::size_t>(s.cursor[j]++)] = static_cast<std::int32_t>(i);
        }
    }
    if (p.mode() == Mode::packing) {
        place_packing(p, a, s, t.capacity_violation);
        if (p.has_devices()) place_devices(p, a, s, t.capacity_violation, t.placement_violation);
    } else {
        for (std::size_t j = 0; j < m; ++j) {
            std::int32_t* first = s.order.data() + s.offset[j];
            std::int32_t* last = s.order.data() + s.offset[j + 1];
            if (!ranked && !scanned && last - first > 1) sort_bucket(p, a, s, first, last);
            schedule_resource(p, a, j, s, t.capacity_violation);
        }
    }
    // Metrics, in one pass over the tasks (in index order: the sums are the same whatever the
    // queue order).
    std::fill(s.load.begin(), s.load.end(), 0.0);
    std::fill(s.busy.begin(), s.busy.end(), 0.0);
    std::fill(s.in_use.begin(), s.in_use.end(), 0);
    double makespan = 0, flowtime = 0, weighted = 0, response = 0, cost = 0, misses = 0;
    double work = 0, utilization = 0, concurrent = 0, busy_weighted = 0, total_duration = 0;
    // Work completed within the horizon, pro rata for a task cut by it. With no horizon the
    // horizon is the makespan, which cuts no task: `done` is then `work`.
    const bool finite_horizon = std::isfinite(p.horizon());
    double done = 0;
    const bool hard_deadlines = p.data().hard_deadlines, cost_matrix = p.has_cost_matrix();
    const Resource* resources = p.resources().data();
    for (std::size_t i = 0; i < n; ++i) {
        if (a.resource[i] < 0) continue;
        const auto j = static_cast<std::size_t>(a.resource[i]);
        const EvaluatorInternals::TaskFacts& task = in.facts[i];
        const Resource& resource = resources[j];
        const double start = s.start[i], end = s.end[i], dur = s.duration[i];
        const double units = a.units[i];
        makespan = std::max(makespan, end);
        flowtime += end;
        weighted += task.priority * end;
        response += end - task.arrival;
        // pair_cost(i, j, units): the duration is already known where the count is admissible.
        if (cost_matrix || !in.admissible_units(i, a.units[i])) {
            cost += p.pair_cost(i, j, a.units[i]);
        } else {
            cost += dur * a.units[i] * resource.cost_per_hour;
        }
        if (end > task.deadline) {
            misses += 1;
            if (hard_deadlines) t.deadline_violation += (end - task.deadline) / task.deadline;
        }
        work += task.work;
        utilization += units * task.frequency * resource.weight;
        concurrent += task.concurrent;
        s.load[j] += dur;
        s.busy[j] += units * dur;
        busy_weighted += units * dur * resource.weight;
        total_duration += dur;
        s.in_use[j] = 1;
        if (finite_horizon) {
            const double horizon = p.horizon();
            double fraction = 1.0;
            if (end > horizon)
                fraction = start >= horizon ? 0.0 : (horizon - start) / (end - start);
            done += fraction * task.workload * task.frequency;
        }
    }
    if (!finite_horizon) done = work;
    const double horizon = finite_horizon ? p.horizon() : makespan;
    if (p.data().hard_horizon && finite_horizon && makespan > p.horizon()) {
        t.deadline_violation += (makespan - p.horizon()) / p.horizon();
    }
    double max_load = 0, sum_load = 0, sum_utilization = 0;
    for (std::size_t j = 0; j < m; ++j) {
        if (s.in_use[j]) cost += p.resource(j).fixed_cost;
        max_load = std::max(max_load, s.load[j]);
        sum_load += s.load[j];
        if (makespan > 0) sum_utilization += s.busy[j] / (p.capacity(j, 0) * makespan);
    }
    auto& mx = t.metrics;
    mx[index(Metric::makespan)] = makespan;
    mx[index(Metric::flowtime)] = flowtime;
    mx[index(Metric::weighted_completion)] = weighted;
    mx[index(Metric::mean_response)] = placed ? response / static_cast<double>(placed) : 0.0;
    mx[index(Metric::throughput)] = horizon > 0 ? done / horizon : 0.0;
    mx[index(Metric::utilization)] = sum_utilization / static_cast<double>(m);
    mx[index(Metric::parallelism)] = makespan > 0 ? total_duration / makespan : 0.0;
    mx[index(Metric::cost)] = cost;
    mx[index(Metric::deadline_misses)] = misses;
    mx[index(Metric::unplaced)] = static_cast<double>(n - placed);
    mx[index(Metric::efficiency)] = busy_weighted > 0 ? done / busy_weighted : 0.0;
    mx[index(Metric::work_per_utilization)] = utilization > 0 ? work / utilization : 0.0;
    mx[index(Metric::degree_of_parallelism)] = concurrent > 0 ? work / concurrent : 0.0;
    mx[index(Metric::load_imbalance)] =
        sum_load > 0 ? max_load / (sum_load / static_cast<double>(m)) : 0.0;
    return t;
}

}  // namespace
}  // namespace allocopt
