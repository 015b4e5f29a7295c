#include "allocopt/solvers/genetic.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <span>

#include "solvers/memetic_rows.hpp"
#include "solvers/population.hpp"

namespace allocopt {

namespace {

struct Member {
    Allocation allocation;
    Evaluation evaluation;
};

/// Operator choice in proportion to past success (each credit starts at 1, so no operator
/// dies out; credits decay so that the choice follows the search).
template <std::size_t N>
class Adaptive {
  public:
    Adaptive() { credit_.fill(1.0); }
    std::size_t pick(Rng& rng) const {
        double total = 0;
        for (double c : credit_)
            total += c;
        double x = rng.uniform() * total;
        for (std::size_t i = 0; i + 1 < N; ++i) {
            if (x < credit_[i]) return i;
            x -= credit_[i];
        }
        return N - 1;
    }
    void reward(std::size_t i) { credit_[i] += 1.0; }
    void decay() {
        for (double& c : credit_)
            c = std::max(1.0, c * 0.98);
    }

  private:
    std::array<double, N> credit_{};
};

enum Crossover : std::size_t { kUniform, kTwoPoint, kNone };

class Ga final : public IslandSearch {
  public:
    Ga(const GeneticOptions& o, std::uint64_t seed, Evaluator& evaluator, SearchTracker& tracker)
        : o_(o),
          evaluator_(evaluator),
          tracker_(tracker),
          sense_(evaluator.problem().objective().sense),
          scaffold_(seed, evaluator, tracker),
          memetic_(scaffold_.memetic()),
          rng_(scaffold_.stream(detail::Purpose::selection, 0, 0)) {}

    void run() {
        if (!start()) return;
        while (step()) {
        }
    }

    bool start() override {
        if (memetic_.exhaust_small_space()) return false;  // a proven optimum: nothing left
        initialise();
        return !population_.empty();  // empty: stopped before the first member was scored
    }

    bool step() override {
        const std::uint64_t generation = generation_;
        if (!scaffold_.more(generation)) return false;
        breed(generation);
        const bool gained = settle();
        since_gain_ = gained ? 0 : since_gain_ + 1;
        // Converged: every child is already a member.
        switch (scaffold_.converged(duplicates_ == children_.size(), best_evaluation())) {
            case detail::Population::Verdict::end:
                return false;
            case detail::Population::Verdict::restart:
                since_gain_ = o_.restart_after;  // restart now
                break;
            case detail::Population::Verdict::search:
                break;
        }
        crossovers_.decay();
        if (since_gain_ >= o_.restart_after) {
            restart(generation);
            since_gain_ = 0;
        }
        ++generation_;
        return true;
    }

    std::vector<Migrant> emigrants(std::size_t count) const override {
        std::vector<std::size_t> order(population_.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        count = std::min(count, order.size());
        std::partial_sort(
            order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
            [this](std::size_t a, std::size_t b) {
                if (better(population_[a].evaluation, population_[b].evaluation, sense_))
                    return true;
                if (better(population_[b].evaluation, population_[a].evaluation, sense_))
                    return false;
                return a < b;  // ties: the older member first
            });
        std::vector<Migrant> out;
        for (std::size_t k = 0; k < count; ++k)
            out.push_back({population_[order[k]].allocation, population_[order[k]].evaluation});
        return out;
    }

    void immigrate(std::span<const Migrant> migrants) override {
        for (const Migrant& m : migrants)
            admit({m.allocation, m.evaluation}, false);
    }

    std::optional<double> lower_bound(const Evaluation& best) const override {
        return scaffold_.lower_bound(best);
    }

  private:
    void initialise() {
        std::vector<Allocation> starts = scaffold_.starts(
            static_cast<std::size_t>(o_.population), o_.price_iterations, o_.search_effort, &pool_);
        scaffold_.score(starts, scores_);
        for (std::size_t i = 0; i < scores_.size(); ++i)
            admit({std::move(starts[i]), scores_[i]}, true);
    }

    std::size_t tournament() {
        std::size_t best = rng_.below(population_.size());
        for (int i = 1; i < o_.tournament; ++i) {
            const std::size_t c = rng_.below(population_.size());
            if (better(population_[c].evaluation, population_[best].evaluation, sense_)) best = c;
        }
        return best;
    }

    void breed(std::uint64_t generation) {
        children_.clear();
        operators_.clear();
        rngs_.clear();
        for (int b = 0; b < o_.brood && !tracker_.should_stop(); ++b) {
            // One stream per child: the draws of a child do not depend on the others'.
            Rng rng =
                scaffold_.stream(detail::Purpose::step, generation, static_cast<std::uint64_t>(b));
            const std::size_t p1 = tournament();
            Allocation child = population_[p1].allocation;
            std::size_t op = kNone;
            if (population_.size() > 1 && rng.uniform() < o_.crossover_rate) {
                std::size_t p2 = tournament();
                if (p2 == p1)
                    p2 = (p1 + 1 + rng.below(population_.size() - 1)) % population_.size();
                op = crossovers_.pick(rng);
                cross(child, population_[p2].allocation, op, rng);
            }
            if (rng.uniform() < o_.mutation_rate) {
                memetic_.mutate(child, o_.ruin_min, o_.ruin_max, rng);
            }
            // The parent is locally optimal: only the genes the child changed are searched.
            const Allocation& parent = population_[p1].allocation;
            if (changed_.size() <= children_.size()) changed_.emplace_back();
            detail::Population::changed_tasks(child, parent, changed_[children_.size()]);
            children_.push_back(std::move(child));
            operators_.push_back(op);
            rngs_.push_back(rng);
        }
        // The improvement step: the children's local searches, in parallel where possible.
        jobs_.clear();
        for (std::size_t i = 0; i < children_.size(); ++i) {
            if (!changed_[i].empty()) jobs_.push_back({&children_[i], &changed_[i], rngs_[i]});
        }
        // The brood's scoring (settle()) is held back: a child improved and then not scored
        // would be work lost.
        if (tracker_.has_budget()) tracker_.hold_back(children_.size());
        memetic_.improve_all(jobs_, o_.search_effort);
        tracker_.hold_back(0);
    }

    static void cross(Allocation& child, const Allocation& other, std::size_t op, Rng& rng) {
        const std::size_t n = child.size();
        if (op == kUniform) {
            for (std::size_t t = 0; t < n; ++t) {
                if (rng.next() & 1) child.place(t, other.resource[t], other.units[t]);
            }
            return;
        }
        std::size_t a = rng.below(n), b = rng.below(n);
        if (a > b) std::swap(a, b);
        for (std::size_t t = a; t < b; ++t)
            child.place(t, other.resource[t], other.units[t]);
    }

    /// Scores the brood and admits its members. Returns whether the best improved.
    bool settle() {
        const Evaluation before = best_evaluation();
        duplicates_ = 0;
        scaffold_.score(children_, scores_);
        for (std::size_t i = 0; i < scores_.size(); ++i) {
            if (admit({std::move(children_[i]), scores_[i]}, false) && operators_[i] != kNone)
                crossovers_.reward(operators_[i]);
        }
        return better(best_evaluation(), before, sense_);
    }

    Evaluation best_evaluation() const {
        Evaluation best = population_.front().evaluation;
        for (const Member& m : population_) {
            if (better(m.evaluation, best, sense_)) best = m.evaluation;
        }
        return best;
    }

    /// Adds `child` (growing the population up to its size when `fill`), else replaces the
    /// worst member if the child beats it and is not a duplicate.
    bool admit(Member child, bool fill) {
        for (const Member& m : population_) {
            if (m.evaluation.objective == child.evaluation.objective &&
                m.evaluation.violation == child.evaluation.violation &&
                m.allocation == child.allocation) {
                ++duplicates_;
                return false;
            }
        }
        if (fill && population_.size() < static_cast<std::size_t>(o_.population)) {
            population_.push_back(std::move(child));
            return true;
        }
        std::size_t worst = 0;
        for (std::size_t i = 1; i < population_.size(); ++i) {
            if (better(population_[worst].evaluation, population_[i].evaluation, sense_)) worst = i;
        }
        if (!better(child.evaluation, population_[worst].evaluation, sense_)) return false;
        population_[worst] = std::move(child);
        return true;
    }

    /// Keeps the elite; the others become heavily mutated, improved copies of the starts, in
    /// turn (copies of the best fell back into its basin: on gapc, gapd and type E the
    /// starts gave 0.06 / 0.42 % and 0.83 % on e20100, against 0.14 / 0.47 % and 1.41 %).
    void restart(std::uint64_t generation) {
        std::sort(population_.begin(), population_.end(), [this](const Member& a, const Member& b) {
            return better(a.evaluation, b.evaluation, sense_);
        });
        const auto elite = std::min(population_.size(), static_cast<std::size_t>(o_.elite));
        const std::size_t n = evaluator_.problem().num_tasks();
        std::vector<Allocation> fresh;
        for (std::size_t i = elite; i < population_.size() && !tracker_.should_stop(); ++i) {
            Rng rng = scaffold_.stream(detail::Purpose::restart, generation, i);
            Allocation a = pool_.empty() ? population_[0].allocation
                                         : pool_[(restarts_ * 7 + i) % pool_.size()];
            memetic_.mutate(a, std::max<std::size_t>(2, n / 8), rng);
            memetic_.improve(a, o_.search_effort, rng, &memetic_.mutated());
            fresh.push_back(std::move(a));
        }
        ++restarts_;
        population_.resize(elite);
        scaffold_.score(fresh, scores_);
        for (std::size_t i = 0; i < scores_.size(); ++i)
            admit({std::move(fresh[i]), scores_[i]}, true);
    }

    const GeneticOptions& o_;
    Evaluator& evaluator_;
    SearchTracker& tracker_;
    Sense sense_;
    detail::Population scaffold_;
    detail::Memetic& memetic_;
    Rng rng_;  // selection
    std::vector<Member> population_;
    std::vector<Allocation> children_;
    std::vector<std::size_t> operators_;
    std::vector<std::vector<std::uint32_t>> changed_;  // per child: genes not its parent's
    std::vector<Rng> rngs_;                            // per child: its stream
    std::vector<detail::Memetic::Job> jobs_;
    std::vector<Evaluation> scores_;
    std::vector<Allocation> pool_;  // the starts, for restarts
    std::size_t restarts_ = 0;
    Adaptive<2> crossovers_;
    std::size_t duplicates_ = 0;    // children of this generation that were already members
    std::uint64_t generation_ = 1;  // the next generation step() runs
    int since_gain_ = 0;            // generations without a new best
};

}  // namespace

const OptionTable<GeneticOptions>& genetic_option_table() {
    using S = GeneticOptions;
    using Scale = OptionSpec::Scale;
    static const OptionTable<S> table = [] {
        OptionTable<S> t;
        t.integer("population", &S::population, "members kept", 2, 10000, Scale::log)
            .tune_range(4, 200)
            .integer("brood", &S::brood, "children per generation, scored as one parallel batch", 1,
                     10000, Scale::log)
            .tune_range(1, 64)
            .integer("tournament", &S::tournament, "members drawn per tournament selection", 1, 64)
            .tune_range(1, 8)
            .real("crossover_rate", &S::crossover_rate,
                  "probability a child is a crossover of two parents", 0, 1)
            .integer("restart_after", &S::restart_after,
                     "generations without a new best before a restart", 1, 1e9, Scale::log)
            .tune_range(10, 10000)
            .integer("elite", &S::elite, "members kept at a restart", 1, 10000, Scale::log)
            .tune_range(1, 16)
            .not_above("elite", "population");
        detail::add_memetic_rows(t);
        return t;
    }();
    return table;
}

GeneticAlgorithm::GeneticAlgorithm(GeneticOptions options, std::uint64_t seed)
    : options_(options), seed_(seed) {
    genetic_option_table().validate(options_);
}

Result GeneticAlgorithm::solve(Evaluator& evaluator, const RunSettings& termination,
                               Observer* observer) {
    return detail::solve_with<Ga>(options_, seed_, evaluator, termination, observer);
}

std::unique_ptr<IslandSearch> GeneticAlgorithm::make_island(std::uint64_t seed,
                                                            Evaluator& evaluator,
                                                            SearchTracker& tracker) const {
    return std::make_unique<Ga>(options_, seed, evaluator, tracker);
}

}  // namespace allocopt
