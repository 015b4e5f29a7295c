#pragma once
// The picture of a GPU-sharing replay (docs/sharing.md §Replay): the allocated share of the
// device capacity against the share requested so far, one line per run.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace allocopt {

/// One run's curve: after pod i, arrived[i] device capacity requested so far and
/// allocated[i] placed (milli-devices).
struct SharingCurve {
    std::string label;
    std::vector<std::int64_t> arrived;
    std::vector<std::int64_t> allocated;
};

/// A standalone SVG: x = arrived, y = allocated, both in % of `capacity` (> 0), the diagonal
/// (everything placed) dashed, a mark at 100 % arrived, a legend. Runs with the same policy
/// share a colour; each line keeps at most about 1000 points.
std::string sharing_curve_svg(std::span<const SharingCurve> curves, std::int64_t capacity,
                              const std::string& title);

}  // namespace allocopt
