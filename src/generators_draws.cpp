#include "generators_draws.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "allocopt/error.hpp"
#include "detail/text.hpp"

namespace allocopt::generators::detail {

using allocopt::detail::format_number;

double uniform(Rng& rng, double lo, double hi) {
    return lo + (hi - lo) * rng.uniform();
}

int uniform_int(Rng& rng, int lo, int hi) {
    return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo) + 1));
}

double uniform_open_closed(Rng& rng) {
    return 1.0 - rng.uniform();
}

double significant(double value, int digits) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return std::strtod(buffer, nullptr);
}

void require_at_least_one(int value, const char* key) {
    if (value < 1) throw InputError(key, std::to_string(value), "must be at least 1");
}

void require_non_negative(double value, const char* key) {
    if (!std::isfinite(value) || value < 0) {
        throw InputError(key, format_number(value), "must be a finite number >= 0");
    }
}

std::string zero_padded(int value, int width) {
    std::string text = std::to_string(value);
    return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(text.size()))),
                       '0') +
           text;
}

}  // namespace allocopt::generators::detail
