#include "allocopt/baseline.hpp"

#include <chrono>
#include <cmath>

#include "allocopt/solvers/heuristics.hpp"

namespace allocopt {

std::string_view baseline_solver(Mode mode) {
    return mode == Mode::packing ? "first-fit" : "fcfs";
}

Baseline run_baseline(Evaluator& evaluator, const std::atomic<bool>* interrupt, double time_limit) {
    using Clock = std::chrono::steady_clock;
    const Problem& problem = evaluator.problem();
    const Clock::time_point start = Clock::now();
    const StopClock stop =
        StopClock(std::nullopt, interrupt).within(time_limit > 0 ? time_limit : kDefaultTimeLimit);
    // The heuristics themselves, not the registry's ConstructiveSolver: the same allocation
    // and evaluation (tests/baseline_test.cpp checks it), without the placements by id that
    // SearchTracker::finish() builds, a third of the time at 10^5 tasks.
    Baseline b;
    b.solver = baseline_solver(problem.mode());
    Result& r = b.result;
    r.allocation = problem.mode() == Mode::packing ? heuristics::first_fit(problem, stop)
                                                   : heuristics::fcfs(problem, stop);
    const bool cut_short = stop.expired();
    const std::uint64_t before = evaluator.evaluations();
    r.evaluation = evaluator.evaluate(r.allocation);
    r.evaluations = evaluator.evaluations() - before;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (cut_short) {
        r.stop = interrupt && interrupt->load() ? StopReason::interrupted : StopReason::time;
    }
    r.trace.push_back({r.evaluations, r.seconds, r.evaluation.objective, r.evaluation.feasible()});
    return b;
}

std::optional<double> relative_change(double reference, double value) {
    if (reference == 0) return value == 0 ? std::optional<double>(0) : std::nullopt;
    return (value - reference) / std::abs(reference);
}

Comparison compare_with_baseline(const Evaluation& baseline, const Evaluation& answer,
                                 Sense sense) {
    Comparison c;
    if (better(answer, baseline, sense))
        c.verdict = Comparison::Verdict::better;
    else if (better(baseline, answer, sense))
        c.verdict = Comparison::Verdict::worse;
    if (baseline.feasible() && answer.feasible())
        c.change = relative_change(baseline.objective, answer.objective);
    return c;
}

}  // namespace allocopt
