#pragma once
// An allocopt problem as pagmo sees it (docs/pagmo.md §Adapter): a user-defined problem
// (PagmoProblem) and a user-defined batch fitness evaluator (PagmoBatch), both thin handles on
// one PagmoContext that owns the encoding and scores through our Evaluator and SearchTracker.
//
// Includes pagmo's headers: only src/solvers/pagmo_adapter.cpp and src/solvers/pagmo.cpp may
// include this file (each pagmo translation unit costs about 14 s to compile).
//
// pagmo copies problems and evaluators freely (a population holds its own problem), so the
// handles hold a pointer to the context, which the solver keeps alive for the whole run.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pagmo/problem.hpp>
#include <pagmo/types.hpp>

#include "allocopt/solver.hpp"
#include "solvers/pagmo_encoding.hpp"

namespace allocopt::detail {

/// What the copies of one run's problem share.
class PagmoContext {
  public:
    /// `objectives`: 1 (the feasibility-first score) or 2 (the score and the violation, for
    /// the multi-objective nsga2).
    PagmoContext(Evaluator& evaluator, SearchTracker& tracker, unsigned objectives);

    const PagmoEncoding& encoding() const { return encoding_; }
    unsigned objectives() const { return objectives_; }

    /// Scores the decision vector `x`: one evaluation, offered to the tracker. Once the budget
    /// is spent or the clock has fired, returns kUnscored without scoring.
    pagmo::vector_double fitness(const pagmo::vector_double& x);
    /// Scores the decision vectors laid end to end in `xs` (pagmo's batch layout) as one
    /// Evaluator::evaluate_batch, as many as the budget allows, offered to the tracker in
    /// order; the rest get kUnscored. Returns their fitness vectors end to end.
    pagmo::vector_double fitness_batch(const pagmo::vector_double& xs);

  private:
    void write(const Evaluation& evaluation, pagmo::vector_double& out) const;
    void write_unscored(pagmo::vector_double& out) const;
    /// How many candidates may still be scored now (0 once the clock has fired).
    std::uint64_t allowance() const;

    Evaluator& evaluator_;
    SearchTracker& tracker_;
    PagmoEncoding encoding_;
    unsigned objectives_;
    Sense sense_;
    Allocation one_;                  // fitness()'s decoded candidate
    std::vector<Allocation> batch_;   // fitness_batch()'s decoded candidates
    std::vector<Evaluation> scores_;  // and their scores
};

/// The user-defined problem: every gene an integer (pagmo's integer part is the whole vector).
struct PagmoProblem {
    PagmoContext* context = nullptr;  // pagmo wants a default constructor; never used unset

    pagmo::vector_double fitness(const pagmo::vector_double& x) const;
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const;
    pagmo::vector_double::size_type get_nobj() const;
    pagmo::vector_double::size_type get_nix() const;
    std::string get_name() const { return "allocopt problem"; }
};

/// The user-defined batch fitness evaluator: pagmo's batches go to Evaluator::evaluate_batch
/// (OpenMP), one slot per candidate, so the result is the same for any thread count.
struct PagmoBatch {
    pagmo::vector_double operator()(const pagmo::problem& problem,
                                    const pagmo::vector_double& xs) const;
    std::string get_name() const { return "allocopt Evaluator::evaluate_batch"; }
};

}  // namespace allocopt::detail
