#pragma once
// A constructive heuristic as a Solver: builds one allocation, scores it, stops.

#include <functional>
#include <utility>

#include "allocopt/solver.hpp"

namespace allocopt {

class ConstructiveSolver : public Solver {
  public:
    using Build = std::function<Allocation(const Problem&, const Evaluator&)>;
    explicit ConstructiveSolver(Build build) : build_(std::move(build)) {}

    Result solve(Evaluator& evaluator, const Termination& termination, Observer* observer) override;

  private:
    Build build_;
};

}  // namespace allocopt
