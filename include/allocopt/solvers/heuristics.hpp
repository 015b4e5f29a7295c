#pragma once
// Constructive heuristics: each builds one Allocation greedily and deterministically, with no
// randomness and no calls to evaluate(). They serve as baselines, as seeds for metaheuristics and
// as the published reference points of the benchmarks (Braun et al.'s Min-Min on the ETC instances,
// first fit (decreasing) on cloud balancing, Martello & Toth's regret greedy on the GAP).
//
// Common contract of every function below:
//   * They read only the Problem: its model arithmetic (Problem::duration, pair_cost) and
//     data. Nothing is evaluated or counted; no Evaluator is needed.
//   * The result has one entry per task. Every placed task sits on a resource that can host
//     it (Problem::can_host) with an admissible unit count within that resource's unit
//     capacity. Ties go to the lowest task index, then the lowest resource index.
//   * Run time is O(n m) to O(n^2 m) (n tasks, m resources), as noted per function; the
//     schedule heuristics that look for a task's earliest-finish resource look at classes of
//     identical resources (resource_classes), O(c + log m) per task for c classes.
//   * `stop` (the solver's time limit and interrupt) is polled every ~1000 elementary steps.
//     Once it fires the heuristic is cut short and finishes the tasks it has not placed yet
//     by a cheap rule, so the result is still complete: in the schedule model each goes, in
//     index order, to its earliest-finish resource (MCT) when that takes at most 2^20 task x
//     resource looks, else to the next resource, round robin, that can host it; in the
//     packing model by first fit under the same bound, else they stay unplaced (a violation
//     the Evaluator counts). A cut-short result is therefore usually poor, but never missing.
//
// Schedule model (the grid heuristics, and the others on schedule-mode problems). Resource j
// has a ready time, 0 at first. Task i on j with u units would finish at
//     max(ready_j, arrival_i) + duration(i, j, u),
// and placing it advances ready_j to max(ready_j, arrival_i) + u x duration / units_j: the
// placed unit-time spread over j's unit capacity. With one-unit resources and tasks this is
// exactly Braun et al.'s machine ready time; otherwise it approximates what the Evaluator's
// list schedule will do. The unit count is the admissible one within units_j that finishes
// the task earliest (the largest for linear or Amdahl scaling, the best table entry, the
// smallest when the speed-up is flat); it does not depend on the ready time. These
// heuristics only balance time: on a packing-mode problem they ignore what the resources
// already hold (the result is complete but may overflow).
//
// Packing model (packing-mode problems). Each task uses its smallest admissible unit count;
// it fits resource j when it is allowed there and, in every dimension, what j already holds
// plus the task's demand is at most j's capacity. A task that fits nowhere stays unplaced
// (the Evaluator counts it as a violation). A resource is "open" when it already holds a
// task or has no fixed cost; ffd and best_fit place on open resources first and open a new
// one only when none fits, choosing the fitting closed resource of least fixed cost per
// unit of relative capacity (sum over dimensions of capacity / largest capacity).

#include "allocopt/allocation.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt::heuristics {

/// Classes of identical resources: per resource a class number, numbered in order of each
/// class's lowest-index member. Two resources share a class when they have the same kind,
/// speed, costs, weight and capacity in every dimension, neither is named by id in any
/// task's `allowed` list, and the problem has no per-pair matrix (with one, every resource
/// is its own class). A task runs alike on every member of a class, so the schedule
/// heuristics look at classes, not resources: a cluster of 1,000 nodes of 10 types costs
/// them 10 looks per task.
std::vector<std::int32_t> resource_classes(const Problem& problem);
/// The number of classes of resource_classes().
std::size_t distinct_resources(const Problem& problem);

/// The admissible unit count within resource j's unit capacity that runs task i fastest (the
/// largest for linear or Amdahl scaling, the smallest when the speed-up is flat; with a
/// speed-up table, or speed tables per unit count in the problem, the count of the shortest
/// Problem::duration); 0 if none fits.
int fastest_units(const Problem& problem, std::size_t i, std::size_t j);

// ---- Grid scheduling (Braun et al. 2001), schedule model --------------------------------

/// Min-Min: repeatedly takes the unplaced task whose earliest finish (over resources and
/// unit counts) is smallest and places it there. When all tasks arrive together and n c <=
/// 2^22 (c classes of identical resources), the next placement heads one class's list of
/// tasks sorted by duration: O(n c log n) time, O(n c) memory. Otherwise as max_min.
Allocation min_min(const Problem& problem, const StopClock& stop = {});

/// Max-Min: takes the task whose earliest finish is largest. Each task's best resource is kept
/// and only the tasks whose best was the resource just loaded are re-examined:
/// O(n m + r (m + log n)) for r re-examinations, r = O(n^2 / m) on uniform instances.
Allocation max_min(const Problem& problem, const StopClock& stop = {});

/// Sufferage, in passes (Maheswaran et al. 1999, as in Braun et al.): in task index order,
/// each unplaced task claims its earliest-finish resource; a resource already claimed in this
/// pass goes to the claimant whose sufferage (second-earliest minus earliest finish, infinite
/// with one host) is strictly larger. At the end of a pass the winners are placed and the
/// ready times advance. O(n^2 m) worst case.
Allocation sufferage(const Problem& problem, const StopClock& stop = {});

/// Minimum Completion Time: tasks in index order, each on its earliest-finish resource.
/// O(n (c + log m)).
Allocation mct(const Problem& problem, const StopClock& stop = {});

/// Minimum Execution Time: each task on the resource where it runs fastest, ignoring ready
/// times. O(n m).
Allocation met(const Problem& problem, const StopClock& stop = {});

/// Opportunistic Load Balancing: tasks in index order, each on the host that becomes ready
/// earliest, ignoring execution times (then its fastest unit count there). O(n m).
Allocation olb(const Problem& problem, const StopClock& stop = {});

// ---- The seed's policies as constructive solvers -----------------------------------------
// Each orders the tasks by its policy, then places them in that order: in schedule mode on
// the earliest-finish resource (the schedule model above, i.e. MCT in policy order), in
// packing mode by first fit. O(n (c + log m) + n log n) in schedule mode, O(n m) packing.

/// Arrival time, then task index.
Allocation fcfs(const Problem& problem, const StopClock& stop = {});
/// Shortest first: the task's duration on its fastest host (fastest unit count), then index.
Allocation sjf(const Problem& problem, const StopClock& stop = {});
/// Longest job first: tasks by decreasing duration on their fastest host (at the fastest unit
/// count), then arrival, then index.
Allocation ljf(const Problem& problem, const StopClock& stop = {});
/// Highest priority first, then arrival, then task index.
Allocation priority(const Problem& problem, const StopClock& stop = {});

/// The rounding of Gavel's makespan LP (lp_makespan_rounding(), bounds.hpp): each task on the
/// resource and unit count where the LP does the largest share of its work. Where the LP does
/// not apply (not a makespan problem, too large, no LP solver in the build) or is not solved
/// before `stop` fires, mct(). The LP takes milliseconds for 700 tasks on 3 resources.
Allocation lp_rounding(const Problem& problem, const StopClock& stop = {});

// ---- Packing, packing model ----------------------------------------------------------------
// On a schedule-mode problem capacities bound what runs at one time, not what a resource
// holds in total, so nothing fills up: first_fit, first_fit_decreasing and best_fit then place
// each task, in their order, on its earliest-finish resource (schedule model), and
// regret_greedy sees every host as fitting.

/// First fit: tasks in index order, each on the lowest-index resource it fits. O(n m d).
Allocation first_fit(const Problem& problem, const StopClock& stop = {});

/// First fit decreasing: tasks by decreasing size, then index, each on the lowest-index open
/// resource it fits, else on a newly opened one. A task's size is its largest relative demand:
/// max over dimensions of demand / (largest capacity in that dimension), a resource-specific
/// demand being taken relative to each resource's capacity and averaged over the resources.
/// O(n m d + n log n).
Allocation first_fit_decreasing(const Problem& problem, const StopClock& stop = {});

/// Best fit: tasks in index order, each on the open resource it fits that is left with the
/// least relative slack (sum over dimensions of remaining / capacity), else on a newly opened
/// one. O(n m d).
Allocation best_fit(const Problem& problem, const StopClock& stop = {});

/// Regret greedy for cost packing, Martello & Toth's MTHG. A task's cost on j is pair_cost
/// plus j's fixed cost while j is unused (negated when the objective is maximised). For each
/// of three desirability measures (that cost; the task's largest share of j's capacity in any
/// dimension; their product): repeatedly, for each unplaced task, regret = second-best minus
/// best measure over the resources it fits (infinite with one); place the task of largest
/// regret on its best; stop when no unplaced task fits anywhere. Then, as MTHG's second phase
/// (repeated until nothing moves), shift each task to the fitting resource that lowers the
/// cost most. Returns the result with fewest unplaced tasks, then least cost.
/// O(n^2 + n m d) per measure, plus O(m d) per rescan of a task's best resources, plus
/// O(n m d) per shift pass.
Allocation regret_greedy(const Problem& problem, const StopClock& stop = {});

}  // namespace allocopt::heuristics
