// The six placement policies and the replay (sharing.hpp, docs/sharing.md §Policies).
//
// Each policy gives every node that can take the arriving pod a whole-number score, as the
// study's scheduler plugins do (the truncations are part of the policies: they make ties),
// and the pod goes to the best node. Ties go to the node that comes first in one random
// order of the nodes drawn per seed (the study's scheduler breaks ties by node name, and
// prefixes every name with a seeded random number). Inside the node, the policy chooses the
// devices.

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

#include "allocopt/rng.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::sharing {

namespace {

constexpr std::uint8_t kRankStream = 3;
constexpr std::uint8_t kPolicyStream = 4;
constexpr int kNoScore = std::numeric_limits<int>::min();

/// The devices a pod takes by default: the `devices` lowest-indexed devices with `share` free
/// (for whole devices: the lowest-indexed free ones).
std::uint64_t lowest_devices(std::span<const int> free, const Pod& pod) {
    std::uint64_t mask = 0;
    int taken = 0;
    for (std::size_t d = 0; d < free.size() && taken < pod.devices; ++d) {
        if (free[d] >= pod.share) {
            mask |= std::uint64_t{1} << d;
            ++taken;
        }
    }
    return mask;
}

/// For a share of one device: the device with the least free capacity that still fits
/// (lowest index among equals).
std::uint64_t best_fit_device(std::span<const int> free, const Pod& pod) {
    if (pod.devices != 1) return 0;
    std::size_t best = free.size();
    for (std::size_t d = 0; d < free.size(); ++d)
        if (free[d] >= pod.share && (best == free.size() || free[d] < free[best])) best = d;
    return std::uint64_t{1} << best;
}

/// The study's score for a change of fragmentation: 100 x sigmoid(decrease / capacity),
/// truncated to a whole number.
int fgd_score(double before, double after, int capacity) {
    const double x = (before - after) / capacity;
    return static_cast<int>(100.0 / (1.0 + std::exp(-x)));
}

/// The classes of GpuClustering: 0 for a share of one device, k for k whole devices.
int device_class(const Pod& pod, int capacity) {
    return pod.partial(capacity) ? 0 : pod.devices;
}

class Replayer {
  public:
    Replayer(const Cluster& cluster, std::span<const Shape> target, const ReplayOptions& options)
        : cluster_(cluster),
          state_(cluster),
          options_(options),
          capacity_(cluster.device_capacity),
          fragmentation_(target),
          rng_(Rng::keyed(options.seed, kPolicyStream, 0, 0)) {
        const std::size_t n = cluster.nodes.size();
        order_.resize(n);
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        Rng rank = Rng::keyed(options.seed, kRankStream, 0, 0);
        for (std::size_t i = n; i > 1; --i)
            std::swap(order_[i - 1], order_[rank.below(i)]);
        // The scores' scales: the largest node's CPU and device capacity (128 cores and 8
        // GPUs in the study's cluster, the constants of its plugins).
        for (const Node& node : cluster.nodes) {
            cpu_scale_ = std::max(cpu_scale_, static_cast<double>(node.cpu));
            device_scale_ = std::max(device_scale_, static_cast<double>(node.devices) * capacity_);
        }
        cpu_scale_ = std::max(cpu_scale_, 1.0);
        device_scale_ = std::max(device_scale_, 1.0);
        if (options.policy == PlacementPolicy::gpu_clustering) classes_.resize(n);
        if (options.policy == PlacementPolicy::fgd) {
            frag_.resize(n);
            version_.assign(n, 0);
            for (std::size_t j = 0; j < n; ++j)
                frag_[j] = node_frag(j);
        }
        scratch_.resize(static_cast<std::size_t>(kMaxDevices));
    }

    /// Places one pod; returns the node (or -1) and the devices taken.
    std::pair<std::int32_t, std::uint64_t> place(const Pod& pod, std::int32_t shape) {
        std::size_t best = order_.size();
        int best_score = kNoScore;
        std::uint64_t best_mask = 0;
        if (options_.policy == PlacementPolicy::random) {
            feasible_.clear();
            for (std::size_t j : order_)
                if (state_.fits(pod, j)) feasible_.push_back(j);
            if (feasible_.empty()) return {-1, 0};
            best = feasible_[rng_.below(feasible_.size())];
            best_mask = random_devices(state_.devices_free(best), pod);
        } else {
            for (std::size_t j : order_) {
                if (!state_.fits(pod, j)) continue;
                std::uint64_t mask = 0;
                const int score = this->score(pod, shape, j, mask);
                if (score > best_score) {
                    best_score = score;
                    best = j;
                    best_mask = mask;
                }
            }
            if (best == order_.size()) return {-1, 0};
            if (options_.policy != PlacementPolicy::fgd || best_mask == 0)
                best_mask = choose_devices(state_.devices_free(best), pod);
        }
        state_.place(pod, best, pod.devices > 0 ? best_mask : 0);
        after_place(pod, best);
        return {static_cast<std::int32_t>(best), pod.devices > 0 ? best_mask : 0};
    }

    const ClusterState& state() const { return state_; }

    /// The shapes of the arriving pods, for FGD's per-node cache.
    void set_shapes(std::size_t count) {
        if (options_.policy != PlacementPolicy::fgd) return;
        shapes_ = count;
        const std::size_t entries = cluster_.nodes.size() * count;
        // A cache of (node, shape) scores while the node does not change; without one (very
        // large inputs) each score is computed afresh.
        if (entries <= (std::size_t{1} << 26)) cache_.assign(entries, CacheEntry{});
    }

  private:
    struct CacheEntry {
        std::uint32_t version = 0;  // node version + 1; 0 = empty
        int score = 0;
        std::uint64_t mask = 0;
    };

    double node_frag(std::size_t j) {
        return fragmentation_(state_.cpu_free(j), state_.devices_free(j), cluster_.nodes[j].model);
    }

    std::uint64_t choose_devices(std::span<const int> free, const Pod& pod) const {
        if (pod.devices == 0) return 0;
        if (pod.partial(capacity_)) return best_fit_device(free, pod);
        return lowest_devices(free, pod);
    }

    std::uint64_t random_devices(std::span<const int> free, const Pod& pod) {
        if (pod.devices == 0) return 0;
        if (!pod.partial(capacity_)) return lowest_devices(free, pod);
        int fitting = 0;
        for (int f : free)
            fitting += f >= pod.share;
        int pick = static_cast<int>(rng_.below(static_cast<std::uint64_t>(fitting)));
        for (std::size_t d = 0; d < free.size(); ++d) {
            if (free[d] >= pod.share && pick-- == 0) return std::uint64_t{1} << d;
        }
        return 0;
    }

    int score(const Pod& pod, std::int32_t shape, std::size_t j, std::uint64_t& mask) {
        const std::span<const int> free = state_.devices_free(j);
        const double cpu_free = static_cast<double>(state_.cpu_free(j));
        const double device_free = static_cast<double>(state_.device_free_total(j));
        const double cpu = static_cast<double>(pod.cpu);
        const double demand = static_cast<double>(pod.device_demand());
        switch (options_.policy) {
            case PlacementPolicy::dot_product: {
                // Tetris-style alignment of free resources with the request, each scaled by
                // the largest node; the study's plugin scores 100 x (1 - dot / 2) and so takes
                // the node whose free resources align *least* with the pod (docs/sharing.md).
                const double dot = (cpu_free / cpu_scale_) * (cpu / cpu_scale_) +
                                   (device_free / device_scale_) * (demand / device_scale_);
                return static_cast<int>(100.0 * (1.0 - dot / 2.0));
            }
            case PlacementPolicy::best_fit: {
                const double left = 0.5 * (cpu_free - cpu) / cpu_scale_ +
                                    0.5 * (device_free - demand) / device_scale_;
                return static_cast<int>((1.0 - left) * 100.0);
            }
            case PlacementPolicy::gpu_clustering:
                return clustering_score(pod, j);
            case PlacementPolicy::gpu_packing:
                return packing_score(pod, free);
            case PlacementPolicy::fgd:
                return cached_fgd(pod, shape, j, mask);
            case PlacementPolicy::random:
                break;
        }
        return 0;
    }

    int clustering_score(const Pod& pod, std::size_t j) const {
        if (pod.devices == 0) return 0;
        const double used = device_scale_ - static_cast<double>(state_.device_free_total(j));
        const int base = static_cast<int>(25.0 * used / device_scale_);
        const std::vector<std::pair<int, int>>& classes = classes_[j];
        if (classes.empty()) return base + 25;
        const int mine = device_class(pod, capacity_);
        for (const auto& [cls, count] : classes) {
            if (cls == mine) return classes.size() == 1 ? base + 75 : base + 50;
        }
        return base;
    }

    int packing_score(const Pod& pod, std::span<const int> free) {
        if (pod.devices == 0) return 0;
        const int n = static_cast<int>(free.size());
        int full = 0;
        for (int f : free)
            full += f == capacity_;
        if (full == n) return std::max(33 - full, full);  // an idle node: fewer devices first
        // The devices the pod would take, least free first (stable).
        for (int d = 0; d < n; ++d)
            scratch_[static_cast<std::size_t>(d)] = d;
        std::stable_sort(scratch_.begin(), scratch_.begin() + n, [&](int a, int b) {
            return free[static_cast<std::size_t>(a)] < free[static_cast<std::size_t>(b)];
        });
        int taken = 0, whole = 0, percent = 0;
        for (int k = 0; k < n && taken < pod.devices; ++k) {
            const int f = free[static_cast<std::size_t>(scratch_[static_cast<std::size_t>(k)])];
            if (f < pod.share) continue;
            ++taken;
            whole += f == capacity_;
            percent += f * 100 / capacity_;
        }
        if (whole > 0) return std::max(50 - whole, 33);  // opens a free device on a used node
        return std::max(100 - percent / 10, 50);         // fills devices already shared
    }

    int cached_fgd(const Pod& pod, std::int32_t shape, std::size_t j, std::uint64_t& mask) {
        if (cache_.empty() || shape < 0) return fgd(pod, j, mask);
        CacheEntry& entry = cache_[j * shapes_ + static_cast<std::size_t>(shape)];
        if (entry.version != version_[j] + 1) {
            entry.score = fgd(pod, j, entry.mask);
            entry.version = version_[j] + 1;
        }
        mask = entry.mask;
        return entry.score;
    }

    /// FGD's score of node j for `pod`, and for a share of one device the device to take.
    int fgd(const Pod& pod, std::size_t j, std::uint64_t& mask) {
        const std::span<const int> free = state_.devices_free(j);
        const int model = cluster_.nodes[j].model;
        const std::int64_t cpu_after = state_.cpu_free(j) - pod.cpu;
        std::copy(free.begin(), free.end(), scratch_.begin());
        const std::span<int> after(scratch_.data(), free.size());
        if (pod.partial(capacity_)) {
            int best = kNoScore;
            mask = 0;
            for (std::size_t d = 0; d < free.size(); ++d) {
                if (free[d] < pod.share) continue;
                // Devices with the same free capacity give the same score: the first counts.
                if (std::find(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(d),
                              free[d]) != free.begin() + static_cast<std::ptrdiff_t>(d))
                    continue;
                after[d] -= pod.share;
                const int s =
                    fgd_score(frag_[j], fragmentation_(cpu_after, after, model), capacity_);
                after[d] += pod.share;
                if (s > best) {
                    best = s;
                    mask = std::uint64_t{1} << d;
                }
            }
            return best;
        }
        mask = pod.devices > 0 ? lowest_devices(free, pod) : 0;
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
            after[static_cast<std::size_t>(std::countr_zero(bits))] -= pod.share;
        return fgd_score(frag_[j], fragmentation_(cpu_after, after, model), capacity_);
    }

    void after_place(const Pod& pod, std::size_t j) {
        if (options_.policy == PlacementPolicy::gpu_clustering && pod.devices > 0) {
            const int mine = device_class(pod, capacity_);
            auto& classes = classes_[j];
            auto it = std::find_if(classes.begin(), classes.end(),
                                   [&](const auto& c) { return c.first == mine; });
            if (it == classes.end()) {
                classes.emplace_back(mine, 1);
            } else {
                ++it->second;
            }
        }
        if (options_.policy == PlacementPolicy::fgd) {
            frag_[j] = node_frag(j);  // only the node that changed
            ++version_[j];
        }
    }

    const Cluster& cluster_;
    ClusterState state_;
    ReplayOptions options_;
    int capacity_;
    FragmentationMeasure fragmentation_;
    Rng rng_;
    std::vector<std::size_t> order_;  // the nodes in tie-breaking order
    double cpu_scale_ = 0.0, device_scale_ = 0.0;
    std::vector<std::vector<std::pair<int, int>>> classes_;  // per node: (class, pods)
    std::vector<double> frag_;                               // per node: FGD's measure now
    std::vector<std::uint32_t> version_;                     // per node: placements so far
    std::vector<CacheEntry> cache_;                          // node x shape
    std::size_t shapes_ = 0;
    std::vector<std::size_t> feasible_;
    std::vector<int> scratch_;
};

}  // namespace

FragmentationMeasure::FragmentationMeasure(std::span<const Shape> target)
    : shapes_(target.begin(), target.end()) {
    for (const Shape& s : shapes_) {
        if (s.devices > 0 && std::find(shares_.begin(), shares_.end(), s.share) == shares_.end())
            shares_.push_back(s.share);
    }
    for (const Shape& s : shapes_) {
        const auto at = std::find(shares_.begin(), shares_.end(), s.share);
        share_index_.push_back(s.devices > 0 ? static_cast<int>(at - shares_.begin()) : -1);
    }
    count_.resize(shares_.size());
    below_.resize(shares_.size());
}

double FragmentationMeasure::operator()(std::int64_t cpu_free, std::span<const int> free,
                                        int model) {
    std::int64_t total = 0;
    for (int f : free)
        total += f;
    if (total == 0) return 0.0;
    for (std::size_t k = 0; k < shares_.size(); ++k) {
        int count = 0;
        std::int64_t below = 0;
        for (int f : free) {
            if (f >= shares_[k]) {
                ++count;
            } else {
                below += f;
            }
        }
        count_[k] = count;
        below_[k] = below;
    }
    // A shape counts all free capacity as lost unless it fits here (model, CPU and enough
    // devices with its share free); then only the devices too full for it.
    double sum = 0.0;
    for (std::size_t s = 0; s < shapes_.size(); ++s) {
        const Shape& shape = shapes_[s];
        std::int64_t frag = total;
        const int k = share_index_[s];
        if (k >= 0 && (shape.models == 0 || (model >= 0 && (shape.models >> model & 1U))) &&
            count_[static_cast<std::size_t>(k)] >= shape.devices && cpu_free >= shape.cpu) {
            frag = below_[static_cast<std::size_t>(k)];
        }
        sum += shape.weight * static_cast<double>(frag);
    }
    return sum;
}

double node_fragmentation(const ClusterState& state, std::size_t node,
                          std::span<const Shape> target) {
    FragmentationMeasure fragmentation(target);
    return fragmentation(state.cpu_free(node), state.devices_free(node),
                         state.cluster().nodes[node].model);
}

ReplayResult replay(const Cluster& cluster, std::span<const Pod> arrivals,
                    std::span<const Shape> target, const ReplayOptions& options) {
    ReplayResult result;
    result.capacity = cluster.total_device_capacity();
    const std::size_t n = arrivals.size();
    result.node.resize(n);
    result.devices.resize(n);
    result.arrived.resize(n);
    result.allocated.resize(n);
    // The pods' shapes as far as scores see them (memory only decides whether a node fits).
    std::map<std::tuple<std::int64_t, int, int, std::uint64_t>, std::int32_t> ids;
    std::vector<std::int32_t> shape(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Pod& p = arrivals[i];
        shape[i] = ids.emplace(std::tuple{p.cpu, p.devices, p.share, p.models},
                               static_cast<std::int32_t>(ids.size()))
                       .first->second;
    }
    Replayer replayer(cluster, target, options);
    replayer.set_shapes(ids.size());
    std::int64_t arrived = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Pod& pod = arrivals[i];
        arrived += pod.device_demand();
        if (!result.stopped && options.stop && i % 256 == 0) result.stopped = options.stop();
        // Once stopped, every pod left is skipped.
        const auto [node, mask] = result.stopped ? std::pair<std::int32_t, std::uint64_t>{-1, 0}
                                                 : replayer.place(pod, shape[i]);
        result.node[i] = node;
        result.devices[i] = mask;
        result.arrived[i] = arrived;
        result.allocated[i] = replayer.state().allocated();
        (node >= 0 ? result.placed : result.skipped) += 1;
    }
    return result;
}

}  // namespace allocopt::sharing
