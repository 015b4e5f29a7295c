#include "allocopt/solvers/swarm.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>
#include <span>

#include "solvers/memetic_rows.hpp"
#include "solvers/population.hpp"

namespace allocopt {

namespace {

struct Particle {
    Allocation position;
    Evaluation score;
    Eigen::ArrayXd velocity;
    Allocation best;
    Evaluation best_score;
    int since_gain = 0;
};

class Pso final : public IslandSearch {
  public:
    Pso(const SwarmOptions& o, std::uint64_t seed, Evaluator& evaluator, SearchTracker& tracker)
        : o_(o),
          evaluator_(evaluator),
          tracker_(tracker),
          sense_(evaluator.problem().objective().sense),
          n_(evaluator.problem().num_tasks()),
          scaffold_(seed, evaluator, tracker),
          memetic_(scaffold_.memetic()) {}

    void run() {
        if (!start()) return;
        while (step()) {
        }
    }

    bool start() override {
        if (memetic_.exhaust_small_space()) return false;  // a proven optimum: nothing left
        initialise();
        return !swarm_.empty();
    }

    bool step() override {
        const std::uint64_t iteration = iteration_;
        if (!scaffold_.more(iteration)) return false;
        const double progress =
            std::min(1.0, static_cast<double>(iteration) / std::max(1, o_.inertia_iterations));
        const double inertia = o_.inertia_max - (o_.inertia_max - o_.inertia_min) * progress;
        rngs_.clear();
        for (std::size_t i = 0; i < swarm_.size() && !tracker_.should_stop(); ++i) {
            rngs_.push_back(scaffold_.stream(detail::Purpose::step, iteration, i));
            fly(i, inertia, rngs_.back());
        }
        // The improvement step: every moved particle's local search, in parallel where
        // possible.
        jobs_.clear();
        for (std::size_t i = 0; i < rngs_.size(); ++i) {
            if (!changed_[i].empty())
                jobs_.push_back({&swarm_[i].position, &changed_[i], rngs_[i]});
        }
        // The particles' scoring is held back from their improvement (see Ga::breed).
        if (tracker_.has_budget()) tracker_.hold_back(rngs_.size());
        memetic_.improve_all(jobs_, o_.search_effort);
        tracker_.hold_back(0);
        // Converged: every particle sits on its own best. All but the leader restart.
        const bool novel = score_and_update();
        const auto verdict = scaffold_.converged(!novel, leader().best_score);
        if (verdict == detail::Population::Verdict::end) return false;
        reinitialise_stagnant(iteration, verdict == detail::Population::Verdict::restart);
        ++iteration_;
        return true;
    }

    /// The best personal bests.
    std::vector<Migrant> emigrants(std::size_t count) const override {
        std::vector<std::size_t> order(swarm_.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        count = std::min(count, order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count),
                          order.end(), [this](std::size_t a, std::size_t b) {
                              if (better(swarm_[a].best_score, swarm_[b].best_score, sense_))
                                  return true;
                              if (better(swarm_[b].best_score, swarm_[a].best_score, sense_))
                                  return false;
                              return a < b;  // ties: the lower index first
                          });
        std::vector<Migrant> out;
        for (std::size_t k = 0; k < count; ++k)
            out.push_back({swarm_[order[k]].best, swarm_[order[k]].best_score});
        return out;
    }

    /// A migrant takes the place of the particle with the worst personal best, when it beats
    /// it and no particle has it for its best: position and best, at rest.
    void immigrate(std::span<const Migrant> migrants) override {
        for (const Migrant& m : migrants) {
            if (swarm_.empty()) return;
            std::size_t worst = 0;
            bool known = false;
            for (std::size_t j = 0; j < swarm_.size(); ++j) {
                known = known || swarm_[j].best == m.allocation;
                if (better(swarm_[worst].best_score, swarm_[j].best_score, sense_)) worst = j;
            }
            if (known || !better(m.evaluation, swarm_[worst].best_score, sense_)) continue;
            Particle& p = swarm_[worst];
            p.position = m.allocation;
            p.score = m.evaluation;
            p.best = m.allocation;
            p.best_score = m.evaluation;
            p.velocity.setZero();
            p.since_gain = 0;
        }
    }

    std::optional<double> lower_bound(const Evaluation& best) const override {
        return scaffold_.lower_bound(best);
    }

  private:
    void initialise() {
        const auto size = static_cast<std::size_t>(std::max(1, o_.particles));
        std::vector<Allocation> starts =
            scaffold_.starts(size, o_.price_iterations, o_.search_effort);
        if (starts.size() > size) starts.resize(size);
        std::vector<Evaluation> scores;
        scaffold_.score(starts, scores);
        for (std::size_t i = 0; i < scores.size(); ++i) {
            Particle p;
            p.position = starts[i];
            p.score = scores[i];
            p.velocity = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(n_));
            p.best = std::move(starts[i]);
            p.best_score = scores[i];
            swarm_.push_back(std::move(p));
        }
    }

    /// The guide of particle i: the swarm's best personal best, or its ring neighbourhood's.
    const Allocation& guide(std::size_t i) const {
        const std::size_t s = swarm_.size();
        std::size_t best = i;
        if (o_.topology == SwarmOptions::Topology::ring) {
            const auto radius = std::min(static_cast<std::size_t>(o_.ring_radius), s / 2);
            for (std::size_t d = 1; d <= std::max<std::size_t>(radius, 1); ++d) {
                for (std::size_t j : {(i + s - d % s) % s, (i + d) % s}) {
                    if (better(swarm_[j].best_score, swarm_[best].best_score, sense_)) best = j;
                }
            }
        } else {
            for (std::size_t j = 0; j < s; ++j) {
                if (better(swarm_[j].best_score, swarm_[best].best_score, sense_)) best = j;
            }
        }
        return swarm_[best].best;
    }

    void fly(std::size_t i, double inertia, Rng& rng) {
        Particle& p = swarm_[i];
        before_ = p.position;
        const Allocation& g = guide(i);
        const auto n = static_cast<Eigen::Index>(n_);
        r1_.resize(n);
        r2_.resize(n);
        towards_best_.resize(n);
        towards_guide_.resize(n);
        for (Eigen::Index t = 0; t < n; ++t) {
            const auto k = static_cast<std::size_t>(t);
            r1_[t] = rng.uniform();
            r2_[t] = rng.uniform();
            towards_best_[t] = p.position.resource[k] != p.best.resource[k] ? 1.0 : 0.0;
            towards_guide_[t] = p.position.resource[k] != g.resource[k] ? 1.0 : 0.0;
        }
        const ArrayPull best_pull = o_.cognitive * r1_ * towards_best_;
        const ArrayPull guide_pull = o_.social * r2_ * towards_guide_;
        p.velocity = (inertia * p.velocity + best_pull + guide_pull)
                         .min(o_.velocity_max)
                         .max(-o_.velocity_max);
        for (Eigen::Index t = 0; t < n; ++t) {
            const double pull = best_pull[t] + guide_pull[t];
            if (pull <= 0 || p.velocity[t] <= 0) continue;
            if (rng.uniform() >= 1 - std::exp(-p.velocity[t])) continue;
            const auto k = static_cast<std::size_t>(t);
            const Allocation& to = rng.uniform() * pull < best_pull[t] ? p.best : g;
            p.position.place(k, to.resource[k], to.units[k]);
        }
        if (rng.uniform() < o_.mutation_rate) {
            memetic_.mutate(p.position, o_.ruin_min, o_.ruin_max, rng);
        }
        // The particle was locally optimal: only the tasks that moved will be searched.
        if (changed_.size() <= i) changed_.resize(i + 1);
        detail::Population::changed_tasks(p.position, before_, changed_[i]);
    }

    /// Scores the swarm, updates the personal bests. Returns whether any particle stands
    /// somewhere new (off its personal best).
    bool score_and_update() {
        bool novel = false;
        positions_.clear();
        for (const Particle& p : swarm_)
            positions_.push_back(p.position);
        // Only as many as the evaluation budget allows are scored; the others keep their
        // last score (the search stops at once).
        scaffold_.score(positions_, scores_);
        for (std::size_t i = 0; i < scores_.size(); ++i) {
            Particle& p = swarm_[i];
            p.score = scores_[i];
            novel = novel || p.position != p.best;
            if (better(p.score, p.best_score, sense_)) {
                p.best = p.position;
                p.best_score = p.score;
                p.since_gain = 0;
            } else {
                ++p.since_gain;
            }
        }
        return novel;
    }

    std::size_t leader_index() const {
        std::size_t leader = 0;
        for (std::size_t j = 1; j < swarm_.size(); ++j) {
            if (better(swarm_[j].best_score, swarm_[leader].best_score, sense_)) leader = j;
        }
        return leader;
    }
    const Particle& leader() const { return swarm_[leader_index()]; }

    /// Restarts the particles stuck for reinit_after iterations (`everyone`: all but the
    /// leader) from mutated copies of the leader's best.
    void reinitialise_stagnant(std::uint64_t iteration, bool everyone) {
        const std::size_t leader = leader_index();
        for (std::size_t i = 0; i < swarm_.size(); ++i) {
            Particle& p = swarm_[i];
            if (i == leader || (!everyone && p.since_gain < o_.reinit_after)) continue;
            if (tracker_.should_stop()) break;
            Rng rng = scaffold_.stream(detail::Purpose::restart, iteration, i);
            Allocation position = swarm_[leader].best;
            memetic_.mutate(position, std::max<std::size_t>(2, n_ / 8), rng);
            memetic_.improve(position, o_.search_effort, rng, &memetic_.mutated());
            if (tracker_.budget() == 0) break;  // no evaluation left to score it
            p.position = std::move(position);
            p.score = evaluator_.evaluate(p.position);
            tracker_.offer(p.position, p.score);
            p.best = p.position;
            p.best_score = p.score;
            p.velocity.setZero();
            p.since_gain = 0;
        }
    }

    using ArrayPull = Eigen::ArrayXd;

    const SwarmOptions& o_;
    Evaluator& evaluator_;
    SearchTracker& tracker_;
    Sense sense_;
    std::size_t n_;
    detail::Population scaffold_;
    detail::Memetic& memetic_;
    std::vector<Particle> swarm_;
    std::vector<Allocation> positions_;
    std::vector<Evaluation> scores_;
    Eigen::ArrayXd r1_, r2_, towards_best_, towards_guide_;
    Allocation before_;                                // a particle's position before it flies
    std::vector<std::vector<std::uint32_t>> changed_;  // per particle: tasks that moved
    std::vector<Rng> rngs_;                            // per particle: this iteration's stream
    std::vector<detail::Memetic::Job> jobs_;
    std::uint64_t iteration_ = 1;  // the next iteration step() runs
};

}  // namespace

const OptionTable<SwarmOptions>& swarm_option_table() {
    using S = SwarmOptions;
    using Scale = OptionSpec::Scale;
    static const OptionTable<S> table = [] {
        OptionTable<S> t;
        t.integer("particles", &S::particles,
                  "swarm size, scored as one parallel batch per iteration", 1, 10000, Scale::log)
            .tune_range(2, 128)
            .real("inertia_max", &S::inertia_max, "inertia w at the start", 0, 2)
            .real("inertia_min", &S::inertia_min, "inertia w after inertia_iterations", 0, 2)
            .integer("inertia_iterations", &S::inertia_iterations,
                     "iterations over which w falls from max to min", 1, 1e9, Scale::log)
            .tune_range(10, 10000)
            .real("cognitive", &S::cognitive, "c1: pull towards the particle's own best", 0, 10)
            .tune_range(0, 4)
            .real("social", &S::social, "c2: pull towards the guide (swarm or ring best)", 0, 10)
            .tune_range(0, 4)
            .real("velocity_max", &S::velocity_max, "bound on each task's velocity", 0.01, 100,
                  Scale::log)
            .tune_range(0.5, 20)
            .choice("topology", &S::topology,
                    "guide: the swarm's best (global) or the best of the ring neighbourhood",
                    {"global", "ring"})
            .integer("ring_radius", &S::ring_radius,
                     "particles on each side that make up a ring neighbourhood", 1, 64)
            .tune_range(1, 8)
            .only_when("topology", {"ring"})
            .integer("reinit_after", &S::reinit_after,
                     "iterations without a personal gain before a particle restarts", 1, 1e9,
                     Scale::log)
            .tune_range(10, 10000)
            .not_above("inertia_min", "inertia_max");
        detail::add_memetic_rows(t);
        return t;
    }();
    return table;
}

ParticleSwarm::ParticleSwarm(SwarmOptions options, std::uint64_t seed)
    : options_(options), seed_(seed) {
    swarm_option_table().validate(options_);
}

Result ParticleSwarm::solve(Evaluator& evaluator, const RunSettings& termination,
                            Observer* observer) {
    return detail::solve_with<Pso>(options_, seed_, evaluator, termination, observer);
}

std::unique_ptr<IslandSearch> ParticleSwarm::make_island(std::uint64_t seed, Evaluator& evaluator,
                                                         SearchTracker& tracker) const {
    return std::make_unique<Pso>(options_, seed, evaluator, tracker);
}

}  // namespace allocopt
