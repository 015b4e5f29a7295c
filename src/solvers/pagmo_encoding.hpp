#pragma once
// How an allocation is written as pagmo's decision vector (docs/pagmo.md §Encoding). No pagmo
// header here: the encoding is plain arithmetic, tested without pagmo.
//
// Per task, in task order, a resource gene: an integer k that picks the k-th resource that can
// host the task (Problem::can_host, in index order), or, for an optional task, k = hosts to
// leave it unplaced. Then, per task that admits more than one unit count, in task order, a
// unit gene: an integer k that picks the k-th admissible count (UnitChoice::nth), lowered to
// the largest admissible count the chosen resource holds. Genes index only what the problem
// admits, so no candidate is refused for a disallowed placement or an inadmissible count;
// what remains (capacities, deadlines, unplaced tasks) is the Evaluator's violation.
//
// Bounds: [0, choices - 1], widened to [0, 1] where there is one choice (nsga2 refuses a
// lower bound equal to its upper bound); decoding rounds to the nearest integer and clamps,
// so the continuous algorithms (de, sade, pso_gen) search the same space.

#include <cstdint>
#include <span>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/problem.hpp"

namespace allocopt::detail {

class PagmoEncoding {
  public:
    explicit PagmoEncoding(const Problem& problem);

    /// Genes per decision vector: one per task, plus one per task with several unit counts.
    std::size_t dimension() const { return lower_.size(); }
    const std::vector<double>& lower() const { return lower_; }
    const std::vector<double>& upper() const { return upper_; }

    /// The allocation `x` (dimension() genes; any finite or non-finite values: each is
    /// rounded and clamped, NaN read as 0) stands for, into `out` (resized).
    void decode(std::span<const double> x, Allocation& out) const;
    /// The genes of `allocation` (one entry per task). decode(encode(a)) == a for every
    /// allocation whose decisions check_decisions() accepts (devices aside: decoding leaves
    /// them to the Evaluator); a placement the encoding cannot express (a resource that
    /// cannot host the task, an inadmissible count) becomes the nearest gene.
    std::vector<double> encode(const Allocation& allocation) const;

  private:
    // Flat per-task arrays: decode() runs once per candidate, and reading each Task (maps,
    // strings) instead cost 4.6 ms per candidate at 100,000 tasks.
    const Problem& problem_;
    std::vector<std::int32_t> hosts_;      // per task its hosts, concatenated
    std::vector<std::size_t> first_;       // per task + 1: offset into hosts_
    std::vector<std::int32_t> last_;       // per task: its largest resource gene
    std::vector<std::int32_t> min_units_;  // per task: its smallest unit count
    std::vector<std::int32_t> unit_gene_;  // per task: its unit gene, or -1
    std::vector<double> lower_, upper_;
};

/// The number pagmo minimises for one evaluation, feasibility-first as better() orders them:
/// a feasible allocation scores its objective (negated when maximising); an infeasible one
/// kInfeasible x (1 + violation), above every feasible score and rising with the violation.
double pagmo_score(const Evaluation& evaluation, Sense sense);
inline constexpr double kInfeasible = 1e100;
/// The score of a candidate asked for after the budget was spent or the clock fired: not
/// scored, and worse than anything scored.
inline constexpr double kUnscored = 1e300;

}  // namespace allocopt::detail
