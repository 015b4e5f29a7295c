// One of the two translation units that include pagmo (see pagmo_adapter.hpp): the adapter
// of the pagmo solvers, and pagmo's nsga2 on two or three metrics for `solve --pareto`
// (include/allocopt/pareto.hpp, docs/pareto.md): a user-defined problem whose objectives
// are the metrics, scored through ParetoScorer, every candidate offered to the front's
// archive.
#include "solvers/pagmo_adapter.hpp"

#include <algorithm>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <pagmo/types.hpp>
#include <pagmo/utils/generic.hpp>

#include "allocopt/rng.hpp"
#include "solvers/pagmo_encoding.hpp"
#include "solvers/pareto_search.hpp"

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

// pagmo's nsga2 for `solve --pareto`.
namespace allocopt::detail {

namespace {

/// The purpose byte of this file's streams (Rng::keyed): its own.
constexpr std::uint8_t kPurpose = 0x71;
enum Stream : std::uint64_t { algorithm_seed, population_seed, random_members };

unsigned seed32(std::uint64_t seed, Stream stream) {
    Rng rng = Rng::keyed(seed, kPurpose, 0, stream);
    return static_cast<unsigned>(rng.next() >> 32);
}

/// What the copies of one run's problem share.
class Context {
  public:
    Context(ParetoScorer& scorer, ParetoArchive& archive, ParetoLimits& limits)
        : scorer_(scorer), archive_(archive), limits_(limits), encoding_(scorer.problem(0)) {}

    const PagmoEncoding& encoding() const { return encoding_; }
    std::size_t objectives() const { return scorer_.objectives(); }

    /// The decision vectors laid end to end in `xs`, scored within the limits: per candidate
    /// its minimised metrics when feasible, kInfeasible x (1 + violation) in each when not
    /// (worse than any feasible one), kUnscored when not scored.
    pagmo::vector_double fitness_batch(const pagmo::vector_double& xs) {
        const std::size_t dim = encoding_.dimension(), k = objectives();
        const std::size_t count = xs.size() / dim;
        if (batch_.size() < count) batch_.resize(count);
        const std::span<const double> all(xs);
        for (std::size_t c = 0; c < count; ++c)
            encoding_.decode(all.subspan(c * dim, dim), batch_[c]);
        const std::size_t scored =
            score_and_archive(std::span<const Allocation>(batch_.data(), count), scorer_, archive_,
                              limits_, objectives_, violation_);
        pagmo::vector_double f(count * k, kUnscored);
        for (std::size_t c = 0; c < scored; ++c) {
            for (std::size_t m = 0; m < k; ++m) {
                f[c * k + m] =
                    violation_[c] > 0 ? kInfeasible * (1 + violation_[c]) : objectives_[c * k + m];
            }
        }
        return f;
    }

  private:
    ParetoScorer& scorer_;
    ParetoArchive& archive_;
    ParetoLimits& limits_;
    PagmoEncoding encoding_;
    std::vector<Allocation> batch_;
    std::vector<double> objectives_, violation_;
};

struct Udp {
    Context* context = nullptr;  // pagmo wants a default constructor; never used unset

    pagmo::vector_double fitness(const pagmo::vector_double& x) const {
        return context->fitness_batch(x);
    }
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
        return {context->encoding().lower(), context->encoding().upper()};
    }
    pagmo::vector_double::size_type get_nobj() const { return context->objectives(); }
    pagmo::vector_double::size_type get_nix() const { return context->encoding().dimension(); }
    std::string get_name() const { return "allocopt front"; }
};

struct Batch {
    pagmo::vector_double operator()(const pagmo::problem& problem,
                                    const pagmo::vector_double& xs) const {
        return problem.extract<Udp>()->context->fitness_batch(xs);
    }
    std::string get_name() const { return "allocopt ParetoScorer"; }
};

}  // namespace

void run_pagmo_nsga2(ParetoScorer& scorer, ParetoArchive& archive, ParetoLimits& limits,
                     const std::vector<Allocation>& starts, int population, std::uint64_t seed) {
    Context context(scorer, archive, limits);
    const pagmo::problem problem{Udp{&context}};
    const auto size = static_cast<std::size_t>(population);
    std::vector<pagmo::vector_double> members;
    for (const Allocation& a : starts) {
        if (members.size() == size) break;
        members.push_back(context.encoding().encode(a));
    }
    std::mt19937 engine(seed32(seed, random_members));
    while (members.size() < size)
        members.push_back(pagmo::random_decision_vector(problem, engine));
    if (limits.observer()) limits.observer()->on_phase("pagmo-nsga2: initial population");
    const double began = limits.seconds();
    pagmo::vector_double all;
    for (const pagmo::vector_double& x : members)
        all.insert(all.end(), x.begin(), x.end());
    const pagmo::vector_double f = context.fitness_batch(all);
    const std::size_t k = context.objectives();
    pagmo::population pop(problem, 0u, seed32(seed, population_seed));
    for (std::size_t c = 0; c < members.size(); ++c) {
        pop.push_back(members[c],
                      pagmo::vector_double(f.begin() + static_cast<std::ptrdiff_t>(c * k),
                                           f.begin() + static_cast<std::ptrdiff_t>((c + 1) * k)));
    }
    double step = limits.seconds() - began;
    // About 1,024 scores per evolve() call; the limits are asked between calls. pagmo's
    // defaults for nsga2's operators (cr 0.95, eta_c 10, m 0.01, eta_m 50).
    const unsigned gen = std::max(1u, 1024u / static_cast<unsigned>(population));
    pagmo::nsga2 nsga2(gen, 0.95, 10, 0.01, 50, seed32(seed, algorithm_seed));
    nsga2.set_bfe(pagmo::bfe{Batch{}});
    const pagmo::algorithm algorithm(std::move(nsga2));
    if (limits.observer()) limits.observer()->on_phase("pagmo-nsga2");
    while (!limits.should_stop()) {
        // Under a time limit a step that would end well past it is not started.
        if (step > limits.seconds_left()) {
            limits.stopped(StopReason::time);
            break;
        }
        const std::uint64_t before = scorer.evaluations();
        const double start = limits.seconds();
        pop = algorithm.evolve(pop);
        step = limits.seconds() - start;
        if (scorer.evaluations() == before) break;
    }
}

}  // namespace allocopt::detail
