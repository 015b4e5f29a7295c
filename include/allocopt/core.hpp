#pragma once
// Umbrella header of allocopt::core: the model, the Evaluator and the solvers, for a program
// that builds its problems in code and solves them (no YAML or JSON; allocopt.hpp adds io).

#include "allocopt/allocation.hpp"
#include "allocopt/baseline.hpp"
#include "allocopt/delta.hpp"
#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/metrics.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/options.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/solve.hpp"
#include "allocopt/solver.hpp"
#include "allocopt/solvers/constructive.hpp"
#include "allocopt/solvers/genetic.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "allocopt/solvers/local_search.hpp"
#include "allocopt/solvers/registry.hpp"
#include "allocopt/solvers/swarm.hpp"
#include "allocopt/version.hpp"
