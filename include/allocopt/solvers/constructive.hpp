#pragma once
// A constructive heuristic as a Solver: builds one allocation, scores it (one evaluation),
// stops. The build polls the time limit and the interrupt; cut short, it still returns a
// complete allocation (see heuristics.hpp).

#include <functional>
#include <utility>

#include "allocopt/solver.hpp"

namespace allocopt {

class ConstructiveSolver : public Solver {
  public:
    /// Builds an allocation; polls the StopClock (the solver's time limit and interrupt).
    using Build = std::function<Allocation(const Problem&, const StopClock&)>;
    explicit ConstructiveSolver(Build build) : build_(std::move(build)) {}

    Result solve(Evaluator& evaluator, const RunSettings& termination, Observer* observer) override;

  private:
    Build build_;
};

}  // namespace allocopt
