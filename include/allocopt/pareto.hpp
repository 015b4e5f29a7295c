#pragma once
// Pareto fronts over two or three metrics (docs/pareto.md): what `allocopt solve --pareto
// makespan,cost` runs.
//
//   allocopt::ParetoFront f = allocopt::solve_pareto(
//       problem, {.metrics = {Metric::makespan, Metric::cost}}, {.seed = 7, .time_limit = 10});
//
// Each metric is minimised or maximised in its natural sense (natural_sense()). A candidate is
// scored on every metric by one Evaluator per metric (a copy of the problem whose objective is
// that metric alone), so one candidate costs as many evaluations as there are metrics. Only
// feasible allocations go on the front; the search orders candidates feasibility-first
// (constrained domination: any feasible candidate dominates any infeasible one, and of two
// infeasible ones the smaller violation dominates).
//
// Two searches (ParetoMethod):
//   nsga2        ours: non-dominated sorting with crowding (NSGA-II's survival), started from
//                our heuristic starts (Memetic::starts, improved for each metric alone), with
//                uniform crossover of (resource, units) per task and a mutation that re-places
//                a few tasks on resources that can host them; needs no pagmo;
//   pagmo_nsga2  pagmo's nsga2 on the metrics (pagmo builds only), with `seeded`, our starts in
//                its initial population.
// Every candidate either scores enters an archive of the feasible non-dominated points; the
// front is that archive. The limits of RunSettings hold as for every solver (evaluations,
// time, stall: no new point on the front, Ctrl-C); `target` and islands do not apply. Same
// seed, same budget: the same front for any thread count.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The sense in which a metric is better: maximize for throughput, utilization, parallelism,
/// efficiency, work_per_utilization and degree_of_parallelism; minimize for the rest (times,
/// cost, misses, unplaced, imbalance).
Sense natural_sense(Metric metric);

/// The metrics of a comma-separated list ("makespan,cost"): two or three, distinct, each a
/// metric_name(). Throws InputError keyed `key` that names the offending value (with a
/// did-you-mean hint for an unknown metric).
std::vector<Metric> parse_pareto_metrics(std::string_view list, std::string_view key = "--pareto");

/// Numbers of a comma-separated list ("120,3.5"), `count` of them, each finite. Throws
/// InputError keyed `key`.
std::vector<double> parse_number_list(std::string_view list, std::size_t count,
                                      std::string_view key);

enum class ParetoMethod : std::uint8_t { nsga2, pagmo_nsga2 };
/// "nsga2" or "pagmo-nsga2".
std::string_view pareto_method_name(ParetoMethod method);

struct ParetoOptions {
    std::vector<Metric> metrics;  ///< two or three, distinct
    ParetoMethod method = ParetoMethod::nsga2;
    int population = 40;  ///< members; pagmo_nsga2 wants a multiple of 4, at least 8
    /// pagmo_nsga2 only: our heuristic starts in its initial population (nsga2 always starts
    /// from them).
    bool seeded = true;
    /// The hypervolume's reference point, per metric in its own units; empty: the front's
    /// nadir moved outward by a tenth of the front's range (default_reference()).
    std::vector<double> reference;
};

/// One point of a front: an allocation and its metric values (as the Evaluator reports them,
/// in the order of ParetoFront::metrics).
struct ParetoPoint {
    Allocation allocation;
    std::vector<double> values;
};

struct ParetoFront {
    std::vector<Metric> metrics;
    std::vector<Sense> senses;        ///< natural_sense() of each metric
    std::vector<ParetoPoint> points;  ///< mutually non-dominated, by the first metric, best first
    std::vector<double> reference;    ///< the hypervolume's reference point
    bool reference_given = false;     ///< from ParetoOptions::reference, else default_reference()
    double hypervolume = 0;           ///< of the points against `reference`
    std::uint64_t evaluations = 0;    ///< scores by any of the metrics' Evaluators
    double seconds = 0;
    StopReason stop = StopReason::finished;
    std::vector<std::string> notes;
};

/// The front of `problem` over options.metrics. Throws InputError for bad options (metrics,
/// population, a reference point of the wrong size, pagmo_nsga2 in a build without pagmo) and
/// for settings that do not apply (a target, islands).
ParetoFront solve_pareto(const Problem& problem, const ParetoOptions& options,
                         const RunSettings& settings, Observer* observer = nullptr);

/// Whether `a` dominates `b` when every coordinate is minimised: no worse anywhere, better
/// somewhere.
bool dominates(std::span<const double> a, std::span<const double> b);

/// The volume dominated by `points` and bounded by `reference`, every coordinate minimised
/// (negate a maximised one first), exactly, in 1, 2 (a sweep) or 3 dimensions (slices in the
/// third, each a 2-D sweep). A point not strictly better than the reference in every
/// coordinate adds nothing. Throws std::invalid_argument for other dimensions or a point of
/// the wrong size.
double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference);

/// The default reference point of `values` (per point, per metric, in the metrics' units and
/// senses): per metric the worst value on the front, moved outward (up for a minimised metric,
/// down for a maximised one) by a tenth of the front's range in that metric, or by a tenth of
/// the value's magnitude when all points agree (1 when that is 0).
std::vector<double> default_reference(std::span<const std::vector<double>> values,
                                      std::span<const Sense> senses);

/// The hypervolume of `values` (metric units and senses) against `reference` (the same): the
/// maximised coordinates negated, then hypervolume().
double front_hypervolume(std::span<const std::vector<double>> values,
                         std::span<const double> reference, std::span<const Sense> senses);

}  // namespace allocopt
