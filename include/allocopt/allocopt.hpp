#pragma once
// Umbrella header: everything a program embedding allocopt needs (allocopt::allocopt): the
// core (core.hpp, allocopt::core) and the readers and writers (allocopt::io).

#include "allocopt/core.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/gavel.hpp"
#include "allocopt/io/problem_writer.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/io/result_reader.hpp"
#include "allocopt/io/solver_config.hpp"
#include "allocopt/tune_state.hpp"
