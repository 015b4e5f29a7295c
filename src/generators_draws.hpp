#pragma once
// What the generators (src/generators_*.cpp, one per problem family) share: our own uniform
// draws from Rng, so that an instance is the same with every standard library, the rounding of
// drawn values and the checks of a spec's counts. Internal.

#include <string>

#include "allocopt/rng.hpp"

namespace allocopt::generators::detail {

/// Uniform in [lo, hi).
double uniform(Rng& rng, double lo, double hi);

/// Uniform over the integers lo..hi (both included), lo <= hi.
int uniform_int(Rng& rng, int lo, int hi);

/// Uniform in (0, 1]: never 0, so that its logarithm is finite.
double uniform_open_closed(Rng& rng);

/// `value` kept to `digits` significant digits (printf rounding is exact and monotone, so a
/// sorted row stays sorted).
double significant(double value, int digits = 6);

/// Throws InputError (key `key`) when `value` < 1.
void require_at_least_one(int value, const char* key);

/// Throws InputError (key `key`) unless `value` is a finite number >= 0.
void require_non_negative(double value, const char* key);

/// `value` in decimal, padded with zeros on the left to `width` digits.
std::string zero_padded(int value, int width);

}  // namespace allocopt::generators::detail
