#pragma once
// Lower bounds from linear programs (docs/gavel.md §The LP lower bound), solved with COIN-OR
// CLP where the library was built with it (CMake option ALLOCOPT_WITH_CLP).

#include <optional>

#include "allocopt/allocation.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// Whether this build can solve LPs (built with ALLOCOPT_WITH_CLP and CLP found). Without it,
/// lp_makespan_bound() returns nothing.
bool lp_bounds_available();

/// A lower bound on the objective of every feasible allocation of `problem`, from Gavel's
/// makespan LP over time fractions, solved as one LP: for a makespan T, the fraction of the
/// time each task spends on each resource with each of its unit counts must finish the task
/// (Σ fraction x T / duration >= 1), sum to at most 1 per task, and use at most the resource's
/// units on average (Σ units x fraction <= capacity). The smallest such T bounds every
/// schedule, preemptive or not. Every pair the task may not be placed on, or whose units or
/// demands do not fit the empty resource, is left out; optional tasks, arrivals, deadlines and
/// the other capacity dimensions are relaxed away.
///
/// The value returned is certified from the LP's dual prices rather than read from its
/// objective, so that the solver's tolerances cannot put it above the LP's optimum.
///
/// Returns nothing when the problem is not of the form the LP covers (packing mode, devices,
/// an objective that is not the makespan, minimized, with positive weights: the bound is the
/// weight sum times T), when it has more than 2 x 10^5 (task, resource, units) columns, when
/// CLP finds no optimum within 30 s or before `stop` fires (polled once per simplex
/// iteration: milliseconds for 700 tasks, tens of seconds for 40,000), or when the build has
/// no LP solver.
std::optional<double> lp_makespan_bound(const Problem& problem, const StopClock& stop = {});

/// A lower bound on the objective of every non-preemptive schedule (each task runs on one
/// resource, with one unit count, from its start to its end), from the same LP: a schedule
/// that ends by T uses only (task, resource, units) ways whose duration is at most T, so the
/// LP over those ways alone must have a value of at most T. The bound is the smallest T for
/// which it does: the LP's own value when its optimum uses no way longer than that (one LP
/// solve: Braun's instances), else found by a galloping search and a bisection over the ways'
/// durations from the LP's value on (about 8 LP solves for Gavel's 700 jobs on 3 types), each
/// value certified from dual prices as in lp_makespan_bound(). It is at least lp_makespan_bound()
/// up to the certification, and above it where the LP spreads long jobs over a fast and a slow type
/// (Gavel's seed-2 set of 700 jobs: 260.1 h against 257.6 h). Nothing where lp_makespan_bound()
/// gives nothing.
std::optional<double> lp_nonpreemptive_bound(const Problem& problem, const StopClock& stop = {});

/// What lp_makespan_solve() finds, each LP solved once: lp_makespan_bound(),
/// lp_nonpreemptive_bound() (nothing when `stop` fired before it was found) and
/// lp_makespan_rounding().
struct LpMakespanSolve {
    double lp_bound = 0;
    std::optional<double> nonpreemptive_bound;
    Allocation rounding;
};
/// The bound of the two that `solve` reports: the non-preemptive LP's where it is above the
/// LP's by more than rounding, else the LP's; `reason` names it for a stop at the bound, `note`
/// is what `solve` prints for it.
struct LpBoundChoice {
    double value = 0;
    bool nonpreemptive = false;
    const char* reason = "";
    const char* note = "";
};
LpBoundChoice larger_lp_bound(double lp_bound, std::optional<double> nonpreemptive_bound);

/// The three at once, as the GA's starts use them. Nothing where lp_makespan_bound() gives
/// nothing.
std::optional<LpMakespanSolve> lp_makespan_solve(const Problem& problem,
                                                 const StopClock& stop = {});

/// Whether `problem` is of the form the makespan LP covers and this build can solve it (it
/// does not solve the LP: lp_makespan_bound() may still find no optimum in time).
bool lp_makespan_applies(const Problem& problem);

/// An allocation read off the non-preemptive LP at its bound (lp_nonpreemptive_bound(); Gavel's
/// LP where that gives nothing): each task the LP covers on the (resource, units) pair where
/// the LP does the largest share of its work, among those that end within the bound; then a
/// steepest descent over moves and swaps of tasks of the most loaded resource balances the
/// resources' unit-time (units x duration / capacity) over the same pairs. The others go on
/// their first admissible pair (optional ones unplaced). A strong start for makespan problems
/// whose tasks compete for a few kinds of resources (Gavel's job sets: within 0.3-0.6 % of the
/// bound once list scheduling lays the queues out). Nothing where lp_makespan_bound() gives
/// nothing.
std::optional<Allocation> lp_makespan_rounding(const Problem& problem, const StopClock& stop = {});

/// A lower bound on the makespan of every non-preemptive schedule (each task runs on one
/// resource from its start to its end), with no LP solver: if every task ends by T, a task
/// whose every way to end by T takes more than T/2 is running at time T/2, so those tasks'
/// units must fit the resources at once. For each resource set S (every subset up to 12
/// resources; above, each resource alone and all together), the tasks that can only run in S
/// must fit S's unit capacity (fewest units each). The smallest T that passes, by bisection
/// (the test is monotone in T), and at least each task's shortest duration. It can exceed the
/// LP bound by far where a few long multi-GPU jobs compete for one GPU type (Gavel's seed-1
/// sets: 193.0 h against the LP's 174.9 h at N = 500), since the LP lets a job be spread over
/// types and time. Covers the problems the LP covers (same relaxations; no LP solver needed);
/// nothing otherwise.
std::optional<double> midpoint_makespan_bound(const Problem& problem);
/// Raises `result.lower_bound` to midpoint_makespan_bound(problem) under the rules of
/// add_lp_bound(). Returns whether it did (then with a note that says so).
bool add_midpoint_bound(const Problem& problem, Result& result);
/// Raises `result.lower_bound` to lp_makespan_bound(problem) when that is larger, as
/// Result::lower_bound's contract asks: only for a feasible evaluation, never above its value
/// (a value within rounding of it becomes that value). An LP bound beyond that would be a bug:
/// it is then left out with a note in `result.notes`, as is an LP that `stop` cut short.
/// Returns whether the LP bound was taken (then with a note that says so).
bool add_lp_bound(const Problem& problem, Result& result, const StopClock& stop = {});

}  // namespace allocopt
