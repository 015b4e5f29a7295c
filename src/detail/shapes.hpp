#pragma once
// The problem shapes that both a benchmark importer (io/benchmarks.hpp) and a generator
// (generators.hpp) build: a Braun ETC instance and a generalized assignment (GAP) instance.
// One builder each, so that an imported and a generated instance of the same numbers are the
// same Problem, and the Evaluator takes the same path on both.

#include <cstddef>
#include <string>
#include <vector>

#include "allocopt/problem.hpp"

namespace allocopt::detail {

/// A Braun ETC instance: schedule mode, FCFS, minimise makespan; machines `m0..` of kind
/// `machine` with capacity {units: 1}; tasks `t0..` of one unit; `time` = the n x m ETC matrix
/// (one row per task). The result is not validated: construct a Problem from it.
ProblemData etc_shape(std::string name, Matrix time);

/// The numbers of a GAP instance as OR-Library and Yagiura's files lay them out (agent-major).
struct GapTables {
    std::size_t agents = 0;
    std::size_t jobs = 0;
    std::vector<double> cost;      ///< agents x jobs, agent-major
    std::vector<double> load;      ///< agents x jobs, agent-major
    std::vector<double> capacity;  ///< per agent
};

/// A GAP instance: packing mode, the cost minimised or maximised (`sense`); agents `a0..` of
/// kind `agent` with capacity {units: jobs, load: capacity}; jobs `j0..` of one unit; task-major
/// `cost` and `demand.load` matrices (the tables transposed). Not validated, as above.
ProblemData gap_shape(std::string name, Sense sense, const GapTables& gap);

}  // namespace allocopt::detail
