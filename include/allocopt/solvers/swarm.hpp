#pragma once
// The particle swarm (`--solver pso`): a discrete, memetic PSO over allocations.
//
// Why this encoding. A continuous position per (task, resource) pair decoded by argmax needs
// n x m numbers per particle (1.9 M for cloud balancing's 2400 x 800, times position,
// velocity and personal best); rounding one number per task to a resource index imposes an
// order on resources that means nothing (pagmo's pso_gen, measured here, ends ~285 % above
// the best known Braun makespans). So, as in the set-based and probability PSOs, a particle's
// position is an Allocation, and its velocity is a per-task Eigen array: the urge of that
// task to leave its resource for the one its personal best or its guide (the swarm's best,
// or its ring neighbourhood's) uses:
//
//   v_t <- clamp(w v_t + c1 r1 [x_t != pbest_t] + c2 r2 [x_t != guide_t], -vmax, vmax)
//   task t moves with probability 1 - exp(-v_t) (v_t > 0), to pbest_t or guide_t in
//   proportion to c1 r1 and c2 r2.
//
// The inertia w falls linearly from `inertia_max` to `inertia_min` over `inertia_iterations`
// iterations. Particles may also mutate (ruin-and-recreate on makespan problems, random
// re-placements elsewhere), every particle is improved by the same delta-evaluated local
// search as the GA's children, and a particle whose personal best has not improved for
// `reinit_after` iterations restarts from a mutated copy of the swarm's best.
//
// The swarm is scored as one batch per iteration through the Evaluator (OpenMP); the PSO
// loop is sequential and its draws come from Rng(seed, stream): same seed, same result,
// whatever the thread count.

#include <cstdint>
#include <vector>

#include "allocopt/islands.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

/// The swarm's parameters. Each is described once, with its bounds, in swarm_option_table();
/// the initialisers here are the defaults.
struct SwarmOptions {
    enum class Topology : std::uint8_t { global, ring };
    int particles = 16;
    double inertia_max = 0.9;
    double inertia_min = 0.4;
    int inertia_iterations = 200;
    double cognitive = 1.5;
    double social = 1.5;
    double velocity_max = 4.0;
    Topology topology = Topology::global;
    int ring_radius = 1;
    double mutation_rate = 0.5;
    int ruin_min = 2;
    int ruin_max = 8;
    std::uint64_t search_effort = 0;
    int reinit_after = 100;
    int price_iterations = 3000;
};

/// The options table of `pso` (`allocopt solvers` shows it).
const OptionTable<SwarmOptions>& swarm_option_table();

class ParticleSwarm : public Solver, public IslandSolver {
  public:
    /// Throws InputError naming the option and quoting its value when `options` breaks a
    /// bound of swarm_option_table().
    ParticleSwarm(SwarmOptions options, std::uint64_t seed);

    Result solve(Evaluator& evaluator, const RunSettings& termination, Observer* observer) override;
    /// One island's swarm (islands.hpp), seeded `seed`: an immigrant takes the place of the
    /// particle with the worst personal best when it beats it.
    std::unique_ptr<IslandSearch> make_island(std::uint64_t seed, Evaluator& evaluator,
                                              SearchTracker& tracker) const override;

  private:
    SwarmOptions options_;
    std::uint64_t seed_;
};

}  // namespace allocopt
