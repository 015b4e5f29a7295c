// The pagmo solvers (docs/pagmo.md). One of the two translation units that include pagmo.
#include "allocopt/solvers/pagmo.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/de.hpp>
#include <pagmo/algorithms/gaco.hpp>
#include <pagmo/algorithms/ihs.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/algorithms/sade.hpp>
#include <pagmo/algorithms/sga.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/utils/generic.hpp>

#include "allocopt/islands.hpp"
#include "allocopt/rng.hpp"
#include "solvers/memetic.hpp"
#include "solvers/pagmo_adapter.hpp"

namespace allocopt {

namespace {

using A = PagmoAlgorithm;

/// Candidates one evolve() call scores, about: the tracker is asked between calls, and a call
/// of ~1000 scores keeps the checks frequent without making pagmo's per-call set-up matter.
constexpr unsigned kScoresPerStep = 1024;

/// The purpose byte of this file's streams (Rng::keyed): far from population.hpp's.
constexpr std::uint8_t kPagmoPurpose = 0x70;
enum Stream : std::uint64_t { algorithm_seed, population_seed, random_members };

unsigned seed32(std::uint64_t seed, Stream stream) {
    Rng rng = Rng::keyed(seed, kPagmoPurpose, 0, stream);
    return static_cast<unsigned>(rng.next() >> 32);
}

std::string crossover_name(PagmoOptions::Crossover c) {
    static const char* const kNames[] = {"exponential", "binomial", "single", "sbx"};
    return kNames[static_cast<int>(c)];
}
std::string mutation_name(PagmoOptions::Mutation m) {
    static const char* const kNames[] = {"polynomial", "gaussian", "uniform"};
    return kNames[static_cast<int>(m)];
}
std::string selection_name(PagmoOptions::Selection s) {
    static const char* const kNames[] = {"tournament", "truncated"};
    return kNames[static_cast<int>(s)];
}

/// Generations per evolve() call: about kScoresPerStep scores (ihs scores one per generation,
/// the others one per individual), and at most about kGenesPerStep genes bred, so that a step
/// on a large problem (whose operators run even for candidates no longer scored) ends soon
/// after the clock fires. gaco, run with memory, is stepped one generation at a time, as
/// pagmo documents for memory.
/// ihs breeds a gene about five times slower than sga, de or sade (170 against 35 ns at
/// 100,000 tasks), so it gets a quarter of the genes.
constexpr std::size_t kGenesPerStep = std::size_t{1} << 22;
unsigned generations_per_step(A algorithm, int population, std::size_t dimension) {
    if (algorithm == A::gaco) return 1;
    const std::size_t per_generation =
        algorithm == A::ihs ? 1 : static_cast<std::size_t>(population);
    const std::size_t genes = algorithm == A::ihs ? kGenesPerStep / 4 : kGenesPerStep;
    const std::size_t by_scores = kScoresPerStep / per_generation;
    const std::size_t by_genes = genes / (per_generation * std::max<std::size_t>(dimension, 1));
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min(by_scores, by_genes)));
}

/// The first step's duration, in units of the initial population's: nothing is measured yet,
/// and pagmo's operators cost more than the scoring. Measured at 100,000 tasks on 4 machines
/// (population 32): a gaco generation takes 4.5 times the initial population (its sampling
/// from the archive is 220 ns a gene), pso_gen and nsga2 up to 2 times, the others less.
double first_step_factor(A algorithm) {
    return algorithm == A::gaco ? 6.0 : 2.5;
}

/// The algorithm with its options. The tolerances and early stops of de, sade and gaco are
/// switched off (the tracker stops the run), and pso_gen, sade and gaco keep their state from
/// one step to the next (`memory`), so that a run in steps is one run.
pagmo::algorithm make_algorithm(A algorithm, const PagmoOptions& o, std::size_t dimension,
                                unsigned seed) {
    const unsigned gen = generations_per_step(algorithm, o.population, dimension);
    const auto u = [](int v) { return static_cast<unsigned>(v); };
    switch (algorithm) {
        case A::sga:
            return pagmo::algorithm(pagmo::sga(gen, o.sga_cr, o.sga_eta_c, o.sga_m, o.sga_param_m,
                                               u(o.sga_param_s), crossover_name(o.sga_crossover),
                                               mutation_name(o.sga_mutation),
                                               selection_name(o.sga_selection), seed));
        case A::gaco: {
            pagmo::gaco g(gen, u(o.gaco_ker), o.gaco_q, o.gaco_oracle, o.gaco_acc,
                          u(o.gaco_threshold), u(o.gaco_n_gen_mark), 0u, 0u, o.gaco_focus, true,
                          seed);
            g.set_bfe(pagmo::bfe{detail::PagmoBatch{}});
            return pagmo::algorithm(std::move(g));
        }
        case A::pso_gen: {
            pagmo::pso_gen p(gen, o.pso_omega, o.pso_eta1, o.pso_eta2, o.pso_max_vel,
                             u(o.pso_variant), u(o.pso_neighb_type), u(o.pso_neighb_param), true,
                             seed);
            p.set_bfe(pagmo::bfe{detail::PagmoBatch{}});
            return pagmo::algorithm(std::move(p));
        }
        case A::de:
            return pagmo::algorithm(pagmo::de(gen, o.de_f, o.de_cr, u(o.de_variant), 0, 0, seed));
        case A::sade:
            return pagmo::algorithm(
                pagmo::sade(gen, u(o.sade_variant), u(o.sade_variant_adptv), 0, 0, true, seed));
        case A::ihs:
            return pagmo::algorithm(pagmo::ihs(gen, o.ihs_phmcr, o.ihs_ppar_min, o.ihs_ppar_max,
                                               o.ihs_bw_min, o.ihs_bw_max, seed));
        case A::nsga2: {
            pagmo::nsga2 n(gen, o.nsga2_cr, o.nsga2_eta_c, o.nsga2_m, o.nsga2_eta_m, seed);
            n.set_bfe(pagmo::bfe{detail::PagmoBatch{}});
            return pagmo::algorithm(std::move(n));
        }
    }
    throw std::logic_error("make_algorithm: unknown pagmo algorithm");
}

/// The initial population: with `seeded`, our heuristic starts first (as many as fit), then
/// random members drawn from the run's seed; all scored as one batch.
pagmo::population initial_population(const pagmo::problem& problem, detail::PagmoContext& context,
                                     const PagmoOptions& o, std::uint64_t seed,
                                     Evaluator& evaluator, SearchTracker& tracker) {
    const auto size = static_cast<std::size_t>(o.population);
    std::vector<pagmo::vector_double> members;
    if (o.seeded) {
        detail::Memetic memetic(evaluator, tracker);
        // The price-directed starts: as many as the GA asks for by default. The population's
        // scoring is held back from their improvement, as the GA's is (at most half the budget).
        if (tracker.has_budget())
            tracker.hold_back(std::min<std::uint64_t>(size, tracker.budget() / 2));
        for (const Allocation& a : memetic.starts(size, 3000)) {
            if (members.size() == size) break;
            members.push_back(context.encoding().encode(a));
        }
        tracker.hold_back(0);
    }
    // A run already stopped (an interrupt set, the budget spent by the starts) evolves nothing:
    // one member is enough for the allocation it returns.
    const std::size_t wanted = tracker.should_stop() ? 1 : size;
    std::mt19937 engine(seed32(seed, random_members));
    while (members.size() < wanted)
        members.push_back(pagmo::random_decision_vector(problem, engine));
    tracker.phase("pagmo: initial population");
    pagmo::vector_double all;
    all.reserve(members.size() * context.encoding().dimension());
    for (const pagmo::vector_double& x : members)
        all.insert(all.end(), x.begin(), x.end());
    pagmo::vector_double f = context.fitness_batch(all);
    if (!tracker.has_best() && tracker.budget() > 0) {
        // Stopped before anything was scored (an interrupt already set): one member is scored
        // all the same, so that the run returns an allocation, as every solver does.
        Allocation first;
        context.encoding().decode(members.front(), first);
        const Evaluation e = evaluator.evaluate(first);
        tracker.offer(first, e);
        f[0] = detail::pagmo_score(e, evaluator.problem().objective().sense);
        if (context.objectives() == 2) f[1] = e.violation;
    }
    pagmo::population population(problem, 0u, seed32(seed, population_seed));
    const std::size_t nf = context.objectives();
    for (std::size_t k = 0; k < members.size(); ++k) {
        population.push_back(
            members[k],
            pagmo::vector_double(f.begin() + static_cast<std::ptrdiff_t>(k * nf),
                                 f.begin() + static_cast<std::ptrdiff_t>((k + 1) * nf)));
    }
    return population;
}

/// One pagmo population evolving in steps of about kScoresPerStep scores: the whole search of
/// a PagmoSolver, or one island of it (allocopt/islands.hpp). Not movable: pagmo's copies of
/// the problem point at context_.
class PagmoSearch final : public IslandSearch {
  public:
    PagmoSearch(A algorithm, const PagmoOptions& options, std::uint64_t seed, Evaluator& evaluator,
                SearchTracker& tracker)
        : algorithm_(algorithm),
          options_(options),
          seed_(seed),
          evaluator_(evaluator),
          tracker_(tracker),
          sense_(evaluator.problem().objective().sense),
          context_(evaluator, tracker, algorithm == A::nsga2 ? 2 : 1),
          problem_(detail::PagmoProblem{&context_}) {}
    PagmoSearch(const PagmoSearch&) = delete;
    PagmoSearch& operator=(const PagmoSearch&) = delete;

    bool start() override {
        if (evaluator_.problem().num_tasks() == 0) {  // nothing to decide: pagmo wants a dimension
            const Allocation none(0);
            if (tracker_.budget() > 0) tracker_.offer(none, evaluator_.evaluate(none));
            return false;
        }
        // Under a time limit a step that would end well past it is not started: pagmo's
        // operators run for the whole step even once nothing is scored (100,000 tasks: 0.1 s
        // for sga, 0.7 s for a gaco generation). A step is estimated by the last one, the first
        // by the initial population (first_step_factor). Without a time limit (a budget) nothing
        // here depends on the clock.
        const double began = tracker_.seconds();
        population_ = initial_population(problem_, context_, options_, seed_, evaluator_, tracker_);
        step_seconds_ = (tracker_.seconds() - began) * first_step_factor(algorithm_);
        algorithm_object_ = make_algorithm(algorithm_, options_, context_.encoding().dimension(),
                                           seed32(seed_, algorithm_seed));
        tracker_.phase("pagmo-" + std::string(pagmo_name(algorithm_)));
        return !tracker_.should_stop();
    }

    bool step() override {
        if (tracker_.should_stop()) return false;
        const std::optional<double> left = tracker_.seconds_left();
        if (left && step_seconds_ > *left) {
            tracker_.out_of_time();
            return false;
        }
        const std::uint64_t before = evaluator_.evaluations();
        const double began = tracker_.seconds();
        population_ = algorithm_object_.evolve(population_);
        step_seconds_ = tracker_.seconds() - began;
        // A step that scored nothing ends the search: the budget or the clock is spent (the
        // next should_stop() says which), or the algorithm asks for nothing more.
        return evaluator_.evaluations() != before;
    }

    /// At most one: the best the island has seen, scored by it or received at a migration
    /// (pagmo's population keeps fitness values only, and kMigrants is 1).
    std::vector<Migrant> emigrants(std::size_t count) const override {
        std::vector<Migrant> out;
        if (count == 0) return out;
        if (tracker_.has_best()) out.push_back({tracker_.best(), tracker_.best_evaluation()});
        if (immigrant_ &&
            (out.empty() || better(immigrant_->evaluation, out[0].evaluation, sense_)))
            out.assign(1, *immigrant_);
        return out;
    }

    /// Each migrant replaces the member of the worst fitness (the first of equals) when its
    /// own is lower and no member has its decision vector.
    void immigrate(std::span<const Migrant> migrants) override {
        for (const Migrant& m : migrants) {
            const pagmo::vector_double x = context_.encoding().encode(m.allocation);
            pagmo::vector_double f{detail::pagmo_score(m.evaluation, sense_)};
            if (context_.objectives() == 2) f.push_back(m.evaluation.violation);
            const auto& xs = population_.get_x();
            const auto& fs = population_.get_f();
            if (xs.empty() || std::find(xs.begin(), xs.end(), x) != xs.end()) continue;
            std::size_t worst = 0;
            for (std::size_t i = 1; i < fs.size(); ++i) {
                if (fs[i][0] > fs[worst][0]) worst = i;
            }
            if (!(f[0] < fs[worst][0])) continue;
            population_.set_xf(worst, x, f);
            if (!immigrant_ || better(m.evaluation, immigrant_->evaluation, sense_)) immigrant_ = m;
        }
    }

    std::optional<double> lower_bound(const Evaluation&) const override { return std::nullopt; }

  private:
    A algorithm_;
    PagmoOptions options_;
    std::uint64_t seed_;
    Evaluator& evaluator_;
    SearchTracker& tracker_;
    Sense sense_;
    detail::PagmoContext context_;
    pagmo::problem problem_;
    pagmo::population population_;
    pagmo::algorithm algorithm_object_;
    double step_seconds_ = 0;
    std::optional<Migrant> immigrant_;  // the best migrant taken in
};

}  // namespace

Result PagmoSolver::solve(Evaluator& evaluator, const RunSettings& settings, Observer* observer) {
    SearchTracker tracker(evaluator, settings, observer);
    PagmoSearch search(algorithm_, options_, seed_, evaluator, tracker);
    if (search.start()) {
        while (search.step()) {
        }
    }
    tracker.should_stop();
    return tracker.finish();
}

std::unique_ptr<IslandSearch> PagmoSolver::make_island(std::uint64_t seed, Evaluator& evaluator,
                                                       SearchTracker& tracker) const {
    return std::make_unique<PagmoSearch>(algorithm_, options_, seed, evaluator, tracker);
}

}  // namespace allocopt
