#include "allocopt/solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "allocopt/error.hpp"
#include "detail/text.hpp"

namespace allocopt {

std::string_view stop_reason_name(StopReason reason) {
    switch (reason) {
        case StopReason::finished:
            return "finished";
        case StopReason::evaluations:
            return "evaluation budget";
        case StopReason::time:
            return "time limit";
        case StopReason::target:
            return "target reached";
        case StopReason::stall:
            return "no improvement (stall)";
        case StopReason::interrupted:
            return "interrupted";
    }
    return "?";
}

double RunSettings::effective_time_limit() const {
    return bounded() ? time_limit : kDefaultTimeLimit;
}

const OptionTable<RunSettings>& run_settings_table() {
    using S = RunSettings;
    constexpr double kNoMax = 18446744073709551615.0;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    static const OptionTable<S> table =
        OptionTable<S>()
            .text("solver", &S::solver, "solver name (see 'allocopt solvers')")
            .integer("seed", &S::seed, "random seed; same seed and settings, same result", 0,
                     kNoMax)
            .integer("threads", &S::threads,
                     "threads for evaluation and the parallel improvement steps (0 = all cores)", 0,
                     kMaxThreads)
            .real("time-limit", &S::time_limit,
                  "stop after this many seconds (10 when no other limit ends the run)", 0, kInf)
            .integer("max-evals", &S::max_evaluations, "stop after this many evaluations", 0,
                     kNoMax, OptionTable<S>::Scale::log)
            .real("target", &S::target, "stop once a feasible value this good is found", -kInf,
                  kInf)
            .integer("stall-evals", &S::stall_evaluations,
                     "stop after this many evaluations without improvement", 0, kNoMax)
            .real("stall-seconds", &S::stall_seconds,
                  "stop after this many seconds without improvement", 0, kInf)
            .integer("islands", &S::islands,
                     "populations of a population search (ga, pso, pagmo-*) evolving side by side, "
                     "trading their best members (docs/islands.md); 1 = no islands",
                     1, kMaxIslands)
            .not_tuned()
            .integer("migrate-every", &S::migrate_every,
                     "generations of each island between two migrations (the first epoch also "
                     "holds the starts)",
                     1, kNoMax, OptionTable<S>::Scale::log)
            .not_tuned()
            .choice("island-topology", &S::island_topology,
                    "who sends to whom at a migration: ring (island i-1 to i), full (every "
                    "island to every other), random (one drawn per island and epoch), none",
                    {"ring", "full", "random", "none"})
            .not_tuned();
    return table;
}

SearchTracker::SearchTracker(Evaluator& evaluator, const RunSettings& settings, Observer* observer)
    : evaluator_(evaluator),
      settings_(settings),
      observer_(observer),
      sense_(evaluator.problem().objective().sense),
      start_(std::chrono::steady_clock::now()),
      start_evaluations_(evaluator.evaluations()) {
    run_settings_table().validate(settings);
    settings_.time_limit = settings.effective_time_limit();
    clock_ = StopClock::starting(start_, settings_.time_limit, settings.interrupt);
}

std::uint64_t SearchTracker::budget() const {
    if (!settings_.max_evaluations) return std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t used = evaluator_.evaluations() - start_evaluations_;
    const std::uint64_t left =
        used >= settings_.max_evaluations ? 0 : settings_.max_evaluations - used;
    return left > held_ ? left - held_ : 0;
}

double SearchTracker::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::optional<double> SearchTracker::seconds_left() const {
    if (settings_.time_limit <= 0) return std::nullopt;
    return std::max(0.0, settings_.time_limit - seconds());
}

bool SearchTracker::offer(const Allocation& allocation, const Evaluation& evaluation,
                          bool approximate) {
    if (has_best_ && !better(evaluation, best_evaluation_, sense_)) return false;
    has_best_ = true;
    best_approximate_ = approximate;
    best_ = allocation;
    best_evaluation_ = evaluation;
    const std::uint64_t used = evaluator_.evaluations() - start_evaluations_;
    last_gain_evaluations_ = used;
    last_gain_seconds_ = seconds();
    trace_.push_back({used, last_gain_seconds_, evaluation.objective, evaluation.feasible()});
    if (observer_) observer_->on_improvement(trace_.back());
    return true;
}

bool SearchTracker::should_stop() {
    const std::uint64_t used = evaluator_.evaluations() - start_evaluations_;
    const double now = seconds();
    if (observer_ && has_best_) observer_->on_tick(trace_.back(), used, now);
    const RunSettings& t = settings_;
    auto stop = [&](StopReason why) {
        reason_ = why;
        return true;
    };
    if (t.interrupt && t.interrupt->load(std::memory_order_relaxed)) {
        return stop(StopReason::interrupted);
    }
    if (t.max_evaluations && used >= t.max_evaluations) return stop(StopReason::evaluations);
    if (t.time_limit > 0 && (now >= t.time_limit || out_of_time_)) return stop(StopReason::time);
    if (t.target && has_best_ && best_evaluation_.feasible()) {
        const double v = best_evaluation_.objective;
        if (sense_ == Sense::minimize ? v <= *t.target : v >= *t.target) {
            return stop(StopReason::target);
        }
    }
    if (bound_ && has_best_ && best_evaluation_.feasible() &&
        best_evaluation_.objective <= *bound_ * (1 + 1e-9)) {
        if (!bound_reached_) {
            bound_reached_ = true;
            note("stopped at a proven optimum: the value equals " + bound_source_);
        }
        return stop(StopReason::finished);
    }
    if (t.stall_evaluations && used - last_gain_evaluations_ >= t.stall_evaluations) {
        return stop(StopReason::stall);
    }
    if (t.stall_seconds > 0 && now - last_gain_seconds_ >= t.stall_seconds) {
        return stop(StopReason::stall);
    }
    return false;
}

void SearchTracker::stop_at_bound(double bound, std::string source) {
    if (sense_ != Sense::minimize || !std::isfinite(bound)) return;
    bound_ = bound;
    bound_source_ = std::move(source);
}

void SearchTracker::phase(std::string_view phase) {
    if (observer_) observer_->on_phase(phase);
}

void SearchTracker::note(std::string note) {
    if (observer_) observer_->on_note(note);
    notes_.push_back(std::move(note));
}

namespace {

/// The best allocation by ids, with the report's start and end of each task.
std::vector<Placement> placements(const Problem& problem, const Allocation& allocation,
                                  const Report& report) {
    std::vector<Placement> out(problem.num_tasks());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < out.size(); ++i) {
        Placement& p = out[i];
        p.task = problem.task(i).id;
        if (!allocation.placed(i)) {
            p.start = p.end = nan;
            continue;
        }
        p.resource = problem.resource(static_cast<std::size_t>(allocation.resource[i])).id;
        p.units = allocation.units[i];
        p.start = report.start[i];
        p.end = report.end[i];
    }
    return out;
}

/// Names, in `a`, the devices the Evaluator chose where `a` leaves the choice to it: the same
/// score (the chosen devices are taken as they were), and an allocation that check_allocation
/// and a result file can check device by device.
void name_devices(const Problem& p, const Report& report, Allocation& a) {
    if (!p.has_devices() || report.devices.size() != p.num_tasks()) return;
    if (a.devices.empty()) a.devices.assign(p.num_tasks(), 0);
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (a.placed(i) && a.devices[i] == 0) a.devices[i] = report.devices[i];
    }
}

}  // namespace

Result SearchTracker::finish() {
    Result r;
    r.allocation = best_;
    r.evaluation = best_evaluation_;
    if (has_best_) {
        // One report, uncounted, gives the placements and re-scores an approximate best: the
        // Result's value is then exactly what a fresh evaluation gives (report() runs the
        // general path's own code).
        const Report report = evaluator_.report(best_);
        if (best_approximate_) r.evaluation = report.evaluation;
        r.placements = placements(evaluator_.problem(), best_, report);
        name_devices(evaluator_.problem(), report, r.allocation);
    }
    r.trace = trace_;
    r.evaluations = evaluator_.evaluations() - start_evaluations_;
    r.seconds = seconds();
    r.stop = reason_;
    r.found = has_best_;
    r.notes = notes_;
    return r;
}

}  // namespace allocopt
