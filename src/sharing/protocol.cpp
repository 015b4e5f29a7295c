// The study's protocol (docs/sharing.md §Protocol): the arrival sequence and the metric.

#include <algorithm>
#include <cmath>

#include "allocopt/rng.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::sharing {

namespace {

// Rng::keyed purposes of the protocol's streams (replay.cpp has the policy's).
constexpr std::uint8_t kShuffleStream = 1;
constexpr std::uint8_t kInflateStream = 2;

}  // namespace

std::vector<Pod> arrival_sequence(std::span<const Pod> pods, const Cluster& cluster,
                                  std::uint64_t seed, bool shuffle, double inflate_percent) {
    std::vector<Pod> arrivals(pods.begin(), pods.end());
    if (shuffle) {
        Rng rng = Rng::keyed(seed, kShuffleStream, 0, 0);
        for (std::size_t i = arrivals.size(); i > 1; --i)
            std::swap(arrivals[i - 1], arrivals[rng.below(i)]);
    }
    if (inflate_percent <= 0.0 || pods.empty()) return arrivals;
    const double target =
        inflate_percent / 100.0 * static_cast<double>(cluster.total_device_capacity());
    double requested = 0.0;
    for (const Pod& pod : pods)
        requested += static_cast<double>(pod.device_demand());
    // Extras are drawn from the list as given (not the shuffled one), with replacement. As in
    // the study's simulator, a draw is refused, and the drawing ends, when its per-device share
    // would take the total past the target; so pods without devices never end it, and a
    // multi-device pod may overshoot the target by less than its demand.
    Rng rng = Rng::keyed(seed, kInflateStream, 0, 0);
    const bool any_devices =
        std::any_of(pods.begin(), pods.end(), [](const Pod& p) { return p.devices > 0; });
    if (!any_devices) return arrivals;
    while (true) {
        const Pod& pick = pods[rng.below(pods.size())];
        if (requested + static_cast<double>(pick.share) > target) break;
        requested += static_cast<double>(pick.device_demand());
        arrivals.push_back(pick);
    }
    return arrivals;
}

double ReplayResult::allocated_at(double arrived_percent) const {
    if (arrived.empty() || capacity <= 0) return 0.0;
    const double scale = 100.0 / static_cast<double>(capacity);
    // The study's metric: the mean allocated share over every record whose arrived share
    // rounds to the given percent (within half a point), else within one point, else the
    // record nearest to it.
    for (double half_width : {0.5, 1.0}) {
        double sum = 0.0;
        std::size_t count = 0;
        for (std::size_t i = 0; i < arrived.size(); ++i) {
            const double a = static_cast<double>(arrived[i]) * scale;
            if (std::abs(a - arrived_percent) <= half_width) {
                sum += static_cast<double>(allocated[i]) * scale;
                ++count;
            }
        }
        if (count > 0) return sum / static_cast<double>(count);
    }
    std::size_t nearest = 0;
    double distance = INFINITY;
    for (std::size_t i = 0; i < arrived.size(); ++i) {
        const double d = std::abs(static_cast<double>(arrived[i]) * scale - arrived_percent);
        if (d < distance) {
            distance = d;
            nearest = i;
        }
    }
    return static_cast<double>(allocated[nearest]) * scale;
}

}  // namespace allocopt::sharing
