#include "allocopt/solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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

SearchTracker::SearchTracker(Evaluator& evaluator, const Termination& termination,
                             Observer* observer)
    : evaluator_(evaluator),
      termination_(termination),
      observer_(observer),
      sense_(evaluator.problem().objective().sense),
      start_(std::chrono::steady_clock::now()),
      start_evaluations_(evaluator.evaluations()) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (termination.time_limit > 0) {
        deadline = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(termination.time_limit));
    }
    clock_ = StopClock(deadline, termination.interrupt);
}

std::uint64_t SearchTracker::budget() const {
    if (!termination_.max_evaluations) return std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t used = evaluator_.evaluations() - start_evaluations_;
    return used >= termination_.max_evaluations ? 0 : termination_.max_evaluations - used;
}

double SearchTracker::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::optional<double> SearchTracker::seconds_left() const {
    if (termination_.time_limit <= 0) return std::nullopt;
    return std::max(0.0, termination_.time_limit - seconds());
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
    const Termination& t = termination_;
    auto stop = [&](StopReason why) {
        reason_ = why;
        return true;
    };
    if (t.interrupt && t.interrupt->load(std::memory_order_relaxed)) {
        return stop(StopReason::interrupted);
    }
    if (t.max_evaluations && used >= t.max_evaluations) return stop(StopReason::evaluations);
    if (t.time_limit > 0 && now >= t.time_limit) return stop(StopReason::time);
    if (t.target && has_best_ && best_evaluation_.feasible()) {
        const double v = best_evaluation_.objective;
        if (sense_ == Sense::minimize ? v <= *t.target : v >= *t.target) {
            return stop(StopReason::target);
        }
    }
    if (t.stall_evaluations && used - last_gain_evaluations_ >= t.stall_evaluations) {
        return stop(StopReason::stall);
    }
    if (t.stall_seconds > 0 && now - last_gain_seconds_ >= t.stall_seconds) {
        return stop(StopReason::stall);
    }
    return false;
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
    }
    r.trace = trace_;
    r.evaluations = evaluator_.evaluations() - start_evaluations_;
    r.seconds = seconds();
    r.stop = reason_;
    r.found = has_best_;
    r.notes = notes_;
    return r;
}

const OptionSpec& OptionValues::spec(std::string_view name) const {
    static const std::vector<OptionSpec> none;
    const std::vector<OptionSpec>& table = table_ ? *table_ : none;
    for (const OptionSpec& s : table) {
        if (s.name == name) return s;
    }
    std::vector<std::string> names;
    for (const OptionSpec& s : table)
        names.emplace_back(s.name);
    std::string list;
    for (const std::string& n : names)
        list += (list.empty() ? "" : ", ") + n;
    throw InputError(std::string(name), "",
                     "unknown solver option" + detail::did_you_mean(name, names) +
                         (list.empty() ? "; this solver has no options" : "; options: " + list));
}

void OptionValues::set(std::string_view name, std::string_view text) {
    const OptionSpec& s = spec(name);
    const std::string key(name), value(text);
    double v = 0;
    if (s.type == OptionSpec::Type::boolean) {
        if (text == "true" || text == "1")
            v = 1;
        else if (text == "false" || text == "0")
            v = 0;
        else
            throw InputError(key, value, "expected true or false");
    } else if (s.type == OptionSpec::Type::choice) {
        auto it = std::find(s.choices.begin(), s.choices.end(), text);
        if (it == s.choices.end()) {
            std::vector<std::string> names(s.choices.begin(), s.choices.end());
            throw InputError(key, value, "unknown choice" + detail::did_you_mean(text, names));
        }
        v = static_cast<double>(it - s.choices.begin());
    } else {
        std::size_t used = 0;
        try {
            v = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != value.size() || value.empty() || !std::isfinite(v)) {
            throw InputError(key, value, "expected a number");
        }
        if (s.type == OptionSpec::Type::integer && v != std::floor(v)) {
            throw InputError(key, value, "expected a whole number");
        }
        if (v < s.min || v > s.max) {
            throw InputError(key, value,
                             "must be in [" + detail::format_number(s.min) + ", " +
                                 detail::format_number(s.max) + "]");
        }
    }
    for (auto& [n, old] : values_) {
        if (n == name) {
            old = v;
            return;
        }
    }
    values_.emplace_back(key, v);
}

double OptionValues::get(std::string_view name) const {
    for (const auto& [n, v] : values_) {
        if (n == name) return v;
    }
    return spec(name).default_value;
}

bool OptionValues::is_set(std::string_view name) const {
    spec(name);  // throws for an unknown name
    for (const auto& [n, v] : values_) {
        if (n == name) return true;
    }
    return false;
}

void OptionValues::require_not_above(std::string_view low, std::string_view high) const {
    const double a = get(low), b = get(high);
    if (a <= b) return;
    auto shown = [&](std::string_view name, double v) {
        return std::string(name) + "=" + detail::format_number(v) +
               (is_set(name) ? "" : " (the default)");
    };
    throw InputError("", "",
                     "solver options " + shown(low, a) + " and " + shown(high, b) +
                         " contradict each other: " + std::string(low) + " must be at most " +
                         std::string(high));
}

std::vector<std::pair<std::string, double>> OptionValues::all() const {
    std::vector<std::pair<std::string, double>> out;
    if (!table_) return out;
    for (const OptionSpec& s : *table_)
        out.emplace_back(std::string(s.name), get(s.name));
    return out;
}

std::vector<std::pair<std::string, std::string>> OptionValues::all_text() const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!table_) return out;
    for (const OptionSpec& s : *table_) {
        const double v = get(s.name);
        std::string text;
        if (s.type == OptionSpec::Type::boolean) {
            text = v != 0 ? "true" : "false";
        } else if (s.type == OptionSpec::Type::choice) {
            const auto i = static_cast<std::size_t>(v);
            text = i < s.choices.size() ? std::string(s.choices[i]) : detail::format_number(v);
        } else {
            text = detail::format_number(v);
        }
        out.emplace_back(std::string(s.name), std::move(text));
    }
    return out;
}

}  // namespace allocopt
