#pragma once
// Writing a Pareto front (allocopt/pareto.hpp, docs/pareto.md): as YAML (every point with its
// metric values and its assignment), as CSV (one row per point: the values, then per task
// its placement), and as an SVG picture drawn through io/svg.hpp.

#include <cstdint>
#include <string>

#include "allocopt/pareto.hpp"
#include "allocopt/problem.hpp"

namespace allocopt {

/// How the front was made, for the file's header.
struct ParetoRunInfo {
    std::string method;  ///< "nsga2" or "pagmo-nsga2"
    std::uint64_t seed = 1;
    bool seeded = true;
};

/// The front as YAML: `pareto:` (method, seed, metrics, senses, reference point and where it
/// came from, hypervolume, evaluations, seconds, stop), then `points:`, each with `values:`
/// (metric: value) and `assignment:` (task, resource, units; the same entries as a solve
/// result, so that one point read as an allocation file is what `allocopt evaluate
/// --allocation` reads). Numbers are written to round-trip (17 significant digits).
std::string pareto_yaml(const Problem& problem, const ParetoFront& front,
                        const ParetoRunInfo& info);

/// The front as CSV: a header `point,METRIC...,TASK...` and one row per point: its index, its
/// metric values (17 significant digits), then per task `RESOURCE*UNITS`, or empty when the
/// task is unplaced. Fields with a comma, quote or line break are quoted.
std::string pareto_csv(const Problem& problem, const ParetoFront& front);

/// The front as a picture: with two metrics one scatter plot with the front's staircase (the
/// boundary of the region it dominates) and the reference point; with three metrics, the three
/// pairwise projections side by side (points only: a projection of a 3-D front is not a
/// front). Axes are named after the metrics and their senses.
std::string pareto_svg(const Problem& problem, const ParetoFront& front);

}  // namespace allocopt
