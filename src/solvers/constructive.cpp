#include "allocopt/solvers/constructive.hpp"

namespace allocopt {

Result ConstructiveSolver::solve(Evaluator& evaluator, const RunSettings& termination,
                                 Observer* observer) {
    SearchTracker tracker(evaluator, termination, observer);
    const Allocation allocation = build_(evaluator.problem(), tracker.clock());
    tracker.offer(allocation, evaluator.evaluate(allocation));
    tracker.should_stop();  // records an interrupt, the time limit or a reached target
    return tracker.finish();
}

}  // namespace allocopt
