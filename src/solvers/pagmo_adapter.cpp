// One of the two translation units that include pagmo (see pagmo_adapter.hpp).
#include "solvers/pagmo_adapter.hpp"

#include <algorithm>
#include <span>

#include <stdexcept>

namespace allocopt::detail {

PagmoContext::PagmoContext(Evaluator& evaluator, SearchTracker& tracker, unsigned objectives)
    : evaluator_(evaluator),
      tracker_(tracker),
      encoding_(evaluator.problem()),
      objectives_(objectives),
      sense_(evaluator.problem().objective().sense) {}

std::uint64_t PagmoContext::allowance() const {
    return tracker_.expired() ? 0 : tracker_.budget();
}

void PagmoContext::write(const Evaluation& evaluation, pagmo::vector_double& out) const {
    out.push_back(pagmo_score(evaluation, sense_));
    if (objectives_ == 2) out.push_back(evaluation.violation);
}

void PagmoContext::write_unscored(pagmo::vector_double& out) const {
    out.insert(out.end(), objectives_, kUnscored);
}

pagmo::vector_double PagmoContext::fitness(const pagmo::vector_double& x) {
    pagmo::vector_double f;
    f.reserve(objectives_);
    if (allowance() == 0) {
        write_unscored(f);
        return f;
    }
    encoding_.decode(x, one_);
    const Evaluation e = evaluator_.evaluate(one_);
    tracker_.offer(one_, e);
    write(e, f);
    return f;
}

pagmo::vector_double PagmoContext::fitness_batch(const pagmo::vector_double& xs) {
    const std::size_t dim = encoding_.dimension();
    const std::size_t count = xs.size() / dim;
    const auto scored = static_cast<std::size_t>(std::min<std::uint64_t>(count, allowance()));
    if (batch_.size() < scored) batch_.resize(scored);
    scores_.resize(scored);
    const std::span<const double> all(xs);
    for (std::size_t k = 0; k < scored; ++k)
        encoding_.decode(all.subspan(k * dim, dim), batch_[k]);
    evaluator_.evaluate_batch(std::span<const Allocation>(batch_.data(), scored), scores_);
    pagmo::vector_double f;
    f.reserve(count * objectives_);
    for (std::size_t k = 0; k < scored; ++k) {
        tracker_.offer(batch_[k], scores_[k]);
        write(scores_[k], f);
    }
    for (std::size_t k = scored; k < count; ++k)
        write_unscored(f);
    return f;
}

pagmo::vector_double PagmoProblem::fitness(const pagmo::vector_double& x) const {
    return context->fitness(x);
}

std::pair<pagmo::vector_double, pagmo::vector_double> PagmoProblem::get_bounds() const {
    return {context->encoding().lower(), context->encoding().upper()};
}

pagmo::vector_double::size_type PagmoProblem::get_nobj() const {
    return context->objectives();
}

pagmo::vector_double::size_type PagmoProblem::get_nix() const {
    return context->encoding().dimension();
}

pagmo::vector_double PagmoBatch::operator()(const pagmo::problem& problem,
                                            const pagmo::vector_double& xs) const {
    const PagmoProblem* udp = problem.extract<PagmoProblem>();
    if (udp == nullptr || udp->context == nullptr) {
        throw std::logic_error("PagmoBatch: the problem is not an allocopt PagmoProblem");
    }
    return udp->context->fitness_batch(xs);
}

}  // namespace allocopt::detail
