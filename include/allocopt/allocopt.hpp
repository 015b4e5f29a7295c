#pragma once
// Umbrella header: everything a program embedding allocopt needs.

#include "allocopt/allocation.hpp"
#include "allocopt/error.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/metrics.hpp"
#include "allocopt/objective.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/version.hpp"
