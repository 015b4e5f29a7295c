#pragma once
// The devices a task takes on a resource when the allocation does not name them
// (docs/sharing.md §Problems with devices): shared by the Evaluator and the packing heuristics,
// so that a heuristic's bins and the Evaluator agree on what fits.

#include <cstdint>

#include "allocopt/problem.hpp"

namespace allocopt::detail {

/// With `used[d]` already taken on device d of a resource with devices `have`: for one
/// device, the one with the least free capacity that still holds the share (lowest index among
/// equals); for several, the lowest-indexed ones that hold it. 0 when too few do.
inline std::uint64_t choose_devices(const Devices& have, const int* used,
                                    const DeviceRequest& want) {
    if (want.count == 1) {
        int best = -1;
        for (int d = 0; d < have.count; ++d) {
            const int free = have.capacity - used[d];
            if (free >= want.share && (best < 0 || free < have.capacity - used[best])) best = d;
        }
        return best < 0 ? 0 : std::uint64_t{1} << best;
    }
    std::uint64_t mask = 0;
    int taken = 0;
    for (int d = 0; d < have.count && taken < want.count; ++d) {
        if (have.capacity - used[d] >= want.share) {
            mask |= std::uint64_t{1} << d;
            ++taken;
        }
    }
    return taken == want.count ? mask : 0;
}

}  // namespace allocopt::detail
