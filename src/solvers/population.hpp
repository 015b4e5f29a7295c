#pragma once
// The scaffolding every population search shares (the GA and the PSO; a third method or an
// island wrapper reuses it): the keyed random streams, the starts topped up to the population
// size, scoring a batch within the budget, the changed-tasks diff that focuses the
// improvement step, the convergence test that ends a search whose restarts keep finding the
// same best, and the solve() wrapper.
//
// A search plugged into solve_with() is a class with
//   Search(const Options&, std::uint64_t seed, Evaluator&, SearchTracker&);
//   void run();                                              // until the tracker says stop
//   std::optional<double> lower_bound(const Evaluation& best) const;

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "allocopt/rng.hpp"
#include "allocopt/solver.hpp"
#include "solvers/memetic.hpp"

namespace allocopt::detail {

/// What a random stream is for: one purpose per kind of draw, so that no two draws of a run
/// share a stream (Rng::keyed: the purpose has bits of its own in the stream's key).
enum class Purpose : std::uint8_t {
    selection = 1,  ///< one stream for the whole run (the GA's tournaments)
    random_start,   ///< the start used when no heuristic gives one
    top_up,         ///< index: the top-up copy
    step,           ///< a generation's move (a child bred, a particle flown); index: who
    restart,        ///< a member or particle restarted; index: which
};

/// The starts, streams, scoring and convergence test of one population search. Holds the
/// shared memetic operators (starts, mutation, improvement).
class Population {
  public:
    Population(std::uint64_t seed, Evaluator& evaluator, SearchTracker& tracker);

    Memetic& memetic() { return memetic_; }
    const Memetic& memetic() const { return memetic_; }

    /// The stream of (purpose, generation, index) under this run's seed. `index` below
    /// Rng::kIndices (every population and brood size is); generation below
    /// Rng::kGenerations (see more()).
    Rng stream(Purpose purpose, std::uint64_t generation, std::uint64_t index) const {
        return Rng::keyed(seed_, static_cast<std::uint8_t>(purpose), generation, index);
    }

    /// Whether generation `generation` (1, 2, ...) may run: the tracker does not say stop, and
    /// the generation has streams of its own (a run ends, finished, after Rng::kGenerations - 1
    /// generations: at a microsecond each, more than 19 hours).
    bool more(std::uint64_t generation) {
        return generation < Rng::kGenerations && !tracker_.should_stop();
    }

    /// Memetic::starts (`heuristic` receives a copy of them, for later restarts), or a random
    /// allocation when there are none, topped up to `size` with mutated copies of them in
    /// turn, each improved by at most `effort` scores. Stops early when the tracker says stop;
    /// may hold more than `size` (Memetic::starts may give more).
    std::vector<Allocation> starts(std::size_t size, int price_iterations, std::uint64_t effort,
                                   std::vector<Allocation>* heuristic = nullptr);

    /// Scores the first allocations of `batch` that the budget allows (one parallel batch),
    /// offers each to the tracker in order, and leaves their scores in `scores` (resized to
    /// how many were scored).
    void score(std::span<const Allocation> batch, std::vector<Evaluation>& scores);

    /// The tasks whose resource or unit count differ between `now` and `before` (equal
    /// sizes), in order, into `changed`.
    static void changed_tasks(const Allocation& now, const Allocation& before,
                              std::vector<std::uint32_t>& changed);

    /// What the convergence test says after a generation.
    enum class Verdict : std::uint8_t {
        search,   ///< go on
        restart,  ///< converged: restart all but the best
        end,      ///< the restarts keep converging to the same best: the space is exhausted
    };
    /// The convergence test, once per generation: `converged` says whether the generation
    /// found nothing new (the GA: every child already a member; the PSO: every particle on
    /// its personal best), `best` is the population's best. After kConverged such
    /// generations in a row the search restarts; after more than kFruitlessRestarts
    /// convergences in a row to the same best, it ends (tiny problems).
    Verdict converged(bool converged, const Evaluation& best);
    static constexpr int kConverged = 50;
    static constexpr int kFruitlessRestarts = 3;

    std::optional<double> lower_bound(const Evaluation& best) const {
        return memetic_.lower_bound(best);
    }

  private:
    std::uint64_t seed_;
    Evaluator& evaluator_;
    SearchTracker& tracker_;
    Sense sense_;
    Memetic memetic_;
    int in_a_row_ = 0;   // converged generations in a row
    int fruitless_ = 0;  // convergences in a row with the same best
    Evaluation best_at_convergence_;
};

/// The solve() of a population search: runs `Search` (see the top of this file) under
/// `settings` and returns the tracker's Result with the search's lower bound. (`Settings`:
/// what SearchTracker takes, the run's limits.)
template <class Search, class Options, class Settings>
Result solve_with(const Options& options, std::uint64_t seed, Evaluator& evaluator,
                  const Settings& settings, Observer* observer) {
    SearchTracker tracker(evaluator, settings, observer);
    Search search(options, seed, evaluator, tracker);
    search.run();
    // A search that returns once a limit is reached, without asking the tracker again (the
    // budget spent by the starts, say), stopped for that limit: the Result says so, not
    // "finished".
    tracker.should_stop();
    Result result = tracker.finish();
    result.lower_bound = search.lower_bound(result.evaluation);
    return result;
}

}  // namespace allocopt::detail
