#pragma once
// The island model (docs/islands.md): N populations of one population search, each with its
// own random streams, evolving side by side and trading their best members at synchronous
// migrations. `solve --islands N --migrate-every K` runs it on threads; under `mpirun -np N`
// the CLI runs one island per rank through an IslandNetwork of its own.
//
// The result for a fixed seed and island count is the same whatever the thread count or the
// number of processes: an island's draws are keyed by (seed, island), an epoch is a count of
// the island's own evaluations, everything crosses between islands only at migrations, and
// which migrants go where is a function of (seed, epoch, island) alone. An epoch is a count
// of generations (the first one also holds the starts), not of evaluations nor of seconds: a
// generation's cost varies by orders of magnitude between problems (30 ms on a 512 x 16 Braun
// instance, whose local search counts millions of looked-at moves).
//
// A solver takes part by implementing IslandSolver besides Solver: it makes one IslandSearch
// per island. Every IslandSearch must implement
//   start()       build the first population (the starts), within the tracker's limits;
//   step()        run one generation (an iteration), within the tracker's limits;
//   emigrants(k)  copies of its k best members, best first;
//   immigrate(m)  take the migrants in (each replaces a worse member; no duplicates);
//   lower_bound() what Solver::solve would report as Result::lower_bound.
// The GA and the PSO implement it (src/solvers/genetic.cpp, swarm.cpp).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/solver.hpp"

namespace allocopt {

/// A member of a population as it travels to another island: the allocation with the score
/// its island's Evaluator gave it (migrants are not scored again).
struct Migrant {
    Allocation allocation;
    Evaluation evaluation;
};

/// One population search on one island. Called from one thread at a time; the tracker it was
/// made with holds the island's limits (its share of the evaluation budget, the time limit,
/// the target, the interrupt).
class IslandSearch {
  public:
    virtual ~IslandSearch() = default;
    /// Builds the first population. Returns false when the search is over already (a
    /// limit was reached, or the problem was small enough to be solved outright).
    virtual bool start() = 0;
    /// One generation. Returns false once the search is over (a limit was reached, or its
    /// restarts keep converging to the same best); step() is not called again then.
    virtual bool step() = 0;
    /// Copies of the `count` best members (fewer when the population is smaller), best first.
    virtual std::vector<Migrant> emigrants(std::size_t count) const = 0;
    /// Takes `migrants` in, in order: each replaces the population's worst member when it is
    /// better and not already a member. Scores nothing.
    virtual void immigrate(std::span<const Migrant> migrants) = 0;
    /// A proven lower bound that holds for `best` (see Result::lower_bound), if any.
    virtual std::optional<double> lower_bound(const Evaluation& best) const = 0;
};

/// A solver that can run on islands (`ga`, `pso`). The island search must not outlive the
/// solver, `evaluator` or `tracker`.
class IslandSolver {
  public:
    virtual ~IslandSolver() = default;
    /// The search of one island, with its own random streams under `seed` (island_seed()).
    virtual std::unique_ptr<IslandSearch> make_island(std::uint64_t seed, Evaluator& evaluator,
                                                      SearchTracker& tracker) const = 0;
};

/// Whether `solver` can run on islands (implements IslandSolver).
bool runs_on_islands(const Solver& solver);

/// The seed of island `island` of a run seeded `seed`: distinct islands, distinct streams.
std::uint64_t island_seed(std::uint64_t seed, std::uint32_t island);

/// The best members an island sends at each migration (to each island it sends to).
inline constexpr std::size_t kMigrants = 1;

/// What one island tells the others at a migration.
struct IslandReport {
    std::uint32_t island = 0;
    bool done = false;                       ///< its search is over
    StopReason stop = StopReason::finished;  ///< why, when done
    bool wants_stop = false;                 ///< its process saw the interrupt or a stall
    std::uint64_t evaluations = 0;           ///< spent since the run began
    std::optional<Migrant> best;             ///< its best so far; empty before the first
    std::optional<double> bound;             ///< IslandSearch::lower_bound(best)
    std::vector<Migrant> emigrants;          ///< its kMigrants best members, best first
};

/// The report as bytes (exact: doubles bit for bit), for a network of processes.
std::string encode(const IslandReport& report);
/// The report back from encode()'s bytes. Throws std::runtime_error on malformed bytes.
IslandReport decode(std::string_view bytes);

/// How the islands of one run meet at a migration. The default (threads, one process) holds
/// every island; the CLI's MPI network holds one island per rank.
class IslandNetwork {
  public:
    virtual ~IslandNetwork() = default;
    /// The islands this process runs, of `islands` in all, in increasing order.
    virtual std::vector<std::uint32_t> local(std::uint32_t islands) const = 0;
    /// Every island's report, in island order, given this process's (in the order of
    /// local()). Every process calls it the same number of times.
    virtual std::vector<IslandReport> exchange(std::vector<IslandReport> mine,
                                               std::uint32_t islands) = 0;
    /// A few words for the Result's note: "2 threads", "3 MPI ranks".
    virtual std::string describe(int threads) const = 0;
};

/// Runs settings.islands islands of `solver` (an IslandSolver) on evaluator.problem(), with
/// migrations every settings.migrate_every generations of the islands on the topology
/// settings.island_topology, and returns the best over the islands. `evaluator` scores
/// nothing of the search (each island has an Evaluator of its own, with settings.threads
/// shared among them); it gives the Result's placements. Every process of `network` (null:
/// this process runs every island, on min(islands, threads) threads) returns the same Result
/// but for the seconds and the trace's times.
///
/// Limits: settings.max_evaluations is the total over the islands, split among them (island
/// i gets an equal share, the first ones one more), so it must be at least the island count;
/// the time limit, target and interrupt stop every island (an island that reaches one ends
/// its epoch; the others stop at the next migration); a stall is both each island's own (its
/// evaluations without a gain of its own, an immigrant included) and the run's (checked at
/// migrations, over all islands' evaluations since the best over them last improved).
/// With settings.islands == 1 it is solver.solve(evaluator, settings, observer).
///
/// Throws InputError (key `islands`) when `solver` cannot run on islands or the budget is
/// below the island count, and InputError for settings out of their bounds.
Result solve_islands(const Solver& solver, Evaluator& evaluator, const RunSettings& settings,
                     Observer* observer = nullptr, IslandNetwork* network = nullptr);

}  // namespace allocopt
