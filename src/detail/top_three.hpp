#pragma once
// The three largest of m values, for the delta states' maxima: a move changes at most two
// resources, so the largest value of the others is always among the three.

#include <array>
#include <cstddef>
#include <cstdint>

namespace allocopt::detail {

/// Indices of the three largest of value(0) .. value(m - 1), largest first, the lower index
/// on ties (-1 where m < 3).
template <class Value>
std::array<std::int32_t, 3> top_three(std::size_t m, Value value) {
    std::array<std::int32_t, 3> top = {-1, -1, -1};
    for (std::size_t j = 0; j < m; ++j) {
        const double v = value(j);
        const auto above = [&](std::int32_t other) {
            return other < 0 || v > value(static_cast<std::size_t>(other));
        };
        const auto jj = static_cast<std::int32_t>(j);
        if (above(top[0])) {
            top = {jj, top[0], top[1]};
        } else if (above(top[1])) {
            top = {top[0], jj, top[1]};
        } else if (above(top[2])) {
            top[2] = jj;
        }
    }
    return top;
}

}  // namespace allocopt::detail
