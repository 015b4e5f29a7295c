#include "allocopt/solvers/genetic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "solvers/memetic.hpp"
#include "solvers/memetic_rows.hpp"

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

class Ga {
  public:
    Ga(const GeneticOptions& o, std::uint64_t seed, Evaluator& evaluator, SearchTracker& tracker)
        : o_(o),
          seed_(seed),
          evaluator_(evaluator),
          tracker_(tracker),
          sense_(evaluator.problem().objective().sense),
          memetic_(evaluator, tracker),
          rng_(seed, 0) {}

    void run() {
        if (memetic_.exhaust_small_space()) return;  // a proven optimum: nothing left to do
        initialise();
        if (population_.empty()) return;  // stopped before the first member was scored
        std::uint64_t generation = 0;
        int since_gain = 0;
        while (!tracker_.should_stop()) {
            ++generation;
            breed(generation);
            const bool gained = settle();
            since_gain = gained ? 0 : since_gain + 1;
            // Converged: every child is already a member. Restart; when restarts keep
            // converging to the same best, the search space is exhausted (tiny problems).
            all_duplicates_ = duplicates_ == children_.size() ? all_duplicates_ + 1 : 0;
            if (all_duplicates_ >= kConverged) {
                const Evaluation best = best_evaluation();
                fruitless_ = better(best, best_at_convergence_, sense_) ? 1 : fruitless_ + 1;
                best_at_convergence_ = best;
                if (fruitless_ > kFruitlessRestarts) return;
                all_duplicates_ = 0;
                since_gain = o_.restart_after;  // restart now
            }
            crossovers_.decay();
            if (since_gain >= o_.restart_after) {
                restart(generation);
                since_gain = 0;
            }
        }
    }

    std::optional<double> lower_bound(const Evaluation& best) const {
        return memetic_.lower_bound(best);
    }

  private:
    void initialise() {
        const auto size = static_cast<std::size_t>(o_.population);
        std::vector<Allocation> starts = memetic_.starts(size, o_.price_iterations);
        pool_ = starts;
        if (starts.empty()) starts.push_back(memetic_.random_allocation(rng_));
        // Top up with mutated copies of the starts, improved.
        const std::size_t n = evaluator_.problem().num_tasks();
        for (std::size_t i = 0; starts.size() < size && !tracker_.should_stop(); ++i) {
            Allocation a = starts[i % starts.size()];
            Rng rng(seed_, 1'000'000 + i);
            memetic_.mutate(a, std::max<std::size_t>(2, n / 10), rng);
            memetic_.improve(a, o_.search_effort, rng, &memetic_.mutated());
            starts.push_back(std::move(a));
        }
        score(starts);
        for (std::size_t i = 0; i < scores_.size(); ++i)
            admit({std::move(starts[i]), scores_[i]}, true);
    }

    /// Scores `batch` through the Evaluator (one parallel batch) and offers each to the
    /// tracker, in order. Only as many as the evaluation budget allows are scored: the first
    /// scores_.size().
    void score(const std::vector<Allocation>& batch) {
        const auto fit =
            static_cast<std::size_t>(std::min<std::uint64_t>(batch.size(), tracker_.budget()));
        scores_.assign(fit, Evaluation{});
        evaluator_.evaluate_batch(std::span(batch).first(fit), scores_);
        for (std::size_t i = 0; i < fit; ++i)
            tracker_.offer(batch[i], scores_[i]);
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
        const std::size_t n = evaluator_.problem().num_tasks();
        for (int b = 0; b < o_.brood && !tracker_.should_stop(); ++b) {
            // One stream per child: the draws of a child do not depend on the others'.
            Rng rng(seed_, generation * 1024 + static_cast<std::uint64_t>(b) + 1);
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
            std::vector<std::uint32_t>& changed = changed_[children_.size()];
            changed.clear();
            for (std::size_t t = 0; t < n; ++t) {
                if (child.resource[t] != parent.resource[t] || child.units[t] != parent.units[t])
                    changed.push_back(static_cast<std::uint32_t>(t));
            }
            children_.push_back(std::move(child));
            operators_.push_back(op);
            rngs_.push_back(rng);
        }
        // The improvement step: the children's local searches, in parallel where possible.
        jobs_.clear();
        for (std::size_t i = 0; i < children_.size(); ++i) {
            if (!changed_[i].empty()) jobs_.push_back({&children_[i], &changed_[i], rngs_[i]});
        }
        memetic_.improve_all(jobs_, o_.search_effort);
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
        score(children_);
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
            Rng rng(seed_, (generation << 20) + i);
            Allocation a = pool_.empty() ? population_[0].allocation
                                         : pool_[(restarts_ * 7 + i) % pool_.size()];
            memetic_.mutate(a, std::max<std::size_t>(2, n / 8), rng);
            memetic_.improve(a, o_.search_effort, rng, &memetic_.mutated());
            fresh.push_back(std::move(a));
        }
        ++restarts_;
        population_.resize(elite);
        score(fresh);
        for (std::size_t i = 0; i < scores_.size(); ++i)
            admit({std::move(fresh[i]), scores_[i]}, true);
    }

    const GeneticOptions& o_;
    std::uint64_t seed_;
    Evaluator& evaluator_;
    SearchTracker& tracker_;
    Sense sense_;
    detail::Memetic memetic_;
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
    std::size_t duplicates_ = 0;  // children of this generation that were already members
    int all_duplicates_ = 0;      // generations in a row made only of duplicates
    int fruitless_ = 0;           // convergences in a row with the same best
    Evaluation best_at_convergence_{0, std::numeric_limits<double>::infinity()};
    static constexpr int kConverged = 50;
    static constexpr int kFruitlessRestarts = 3;
};

}  // namespace

const OptionTable<GeneticOptions>& genetic_option_table() {
    using S = GeneticOptions;
    using Scale = OptionSpec::Scale;
    static const OptionTable<S> table = [] {
        OptionTable<S> t;
        t.integer("population", &S::population, "members kept", 2, 10000, Scale::log)
            .integer("brood", &S::brood, "children per generation, scored as one parallel batch", 1,
                     10000, Scale::log)
            .integer("tournament", &S::tournament, "members drawn per tournament selection", 1, 64)
            .real("crossover_rate", &S::crossover_rate,
                  "probability a child is a crossover of two parents", 0, 1)
            .integer("restart_after", &S::restart_after,
                     "generations without a new best before a restart", 1, 1e9, Scale::log)
            .integer("elite", &S::elite, "members kept at a restart", 1, 10000, Scale::log)
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
    SearchTracker tracker(evaluator, termination, observer);
    Ga search(options_, seed_, evaluator, tracker);
    search.run();
    Result result = tracker.finish();
    result.lower_bound = search.lower_bound(result.evaluation);
    return result;
}

}  // namespace allocopt
