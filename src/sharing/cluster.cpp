// The device-level cluster state, policy names and FGD's target workload (sharing.hpp).

#include <algorithm>
#include <bit>
#include <map>
#include <stdexcept>
#include <tuple>

#include "allocopt/rng.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::sharing {

std::int64_t Cluster::total_devices() const {
    std::int64_t total = 0;
    for (const Node& node : nodes)
        total += node.devices;
    return total;
}

std::int64_t Cluster::total_device_capacity() const {
    return total_devices() * device_capacity;
}

std::optional<int> Cluster::model_index(std::string_view model) const {
    for (std::size_t m = 0; m < models.size(); ++m)
        if (models[m] == model) return static_cast<int>(m);
    return std::nullopt;
}

ClusterState::ClusterState(const Cluster& cluster) : cluster_(&cluster) {
    const std::size_t n = cluster.nodes.size();
    cpu_.resize(n);
    memory_.resize(n);
    units_.resize(n);
    device_total_.resize(n);
    pods_.assign(n, 0);
    offset_.resize(n + 1);
    offset_[0] = 0;
    for (std::size_t j = 0; j < n; ++j) {
        const Node& node = cluster.nodes[j];
        if (node.devices < 0 || node.devices > kMaxDevices)
            throw std::invalid_argument("sharing::ClusterState: node " + node.id +
                                        " has a device count out of range");
        cpu_[j] = node.cpu;
        memory_[j] = node.memory;
        units_[j] = node.units;
        device_total_[j] = std::int64_t{node.devices} * cluster.device_capacity;
        offset_[j + 1] = offset_[j] + static_cast<std::size_t>(node.devices);
    }
    device_free_.assign(offset_[n], cluster.device_capacity);
}

bool ClusterState::fits(const Pod& pod, std::size_t j) const {
    if (cpu_[j] < pod.cpu || memory_[j] < pod.memory || units_[j] < pod.units) return false;
    if (pod.devices == 0) return true;
    const int model = cluster_->nodes[j].model;
    if (pod.models != 0 && (model < 0 || !(pod.models >> model & 1U))) return false;
    if (device_total_[j] < pod.device_demand()) return false;
    int enough = 0;
    for (std::size_t d = offset_[j]; d < offset_[j + 1]; ++d)
        enough += device_free_[d] >= pod.share;
    return enough >= pod.devices;
}

void ClusterState::place(const Pod& pod, std::size_t j, std::uint64_t mask) {
    const std::size_t count = offset_[j + 1] - offset_[j];
    if (std::popcount(mask) != pod.devices || (count < 64 && (mask >> count) != 0))
        throw std::logic_error("sharing::ClusterState::place: the device mask does not match");
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
        const std::size_t d = offset_[j] + static_cast<std::size_t>(std::countr_zero(bits));
        if (device_free_[d] < pod.share)
            throw std::logic_error("sharing::ClusterState::place: a device lacks the share");
    }
    if (cpu_[j] < pod.cpu || memory_[j] < pod.memory || units_[j] < pod.units)
        throw std::logic_error("sharing::ClusterState::place: the node lacks CPU, memory or units");
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
        device_free_[offset_[j] + static_cast<std::size_t>(std::countr_zero(bits))] -= pod.share;
    cpu_[j] -= pod.cpu;
    memory_[j] -= pod.memory;
    units_[j] -= pod.units;
    device_total_[j] -= pod.device_demand();
    allocated_ += pod.device_demand();
    ++pods_[j];
}

namespace {

constexpr std::pair<PlacementPolicy, std::string_view> kPolicyNames[] = {
    {PlacementPolicy::random, "random"},
    {PlacementPolicy::dot_product, "dot-product"},
    {PlacementPolicy::gpu_clustering, "gpu-clustering"},
    {PlacementPolicy::gpu_packing, "gpu-packing"},
    {PlacementPolicy::best_fit, "best-fit"},
    {PlacementPolicy::fgd, "fgd"},
};

}  // namespace

std::string_view policy_name(PlacementPolicy policy) {
    for (const auto& [value, name] : kPolicyNames)
        if (value == policy) return name;
    return "?";
}

std::optional<PlacementPolicy> parse_policy(std::string_view name) {
    for (const auto& [value, known] : kPolicyNames)
        if (known == name) return value;
    return std::nullopt;
}

std::vector<std::string> policy_names() {
    std::vector<std::string> names;
    for (const auto& entry : kPolicyNames)
        names.emplace_back(entry.second);
    return names;
}

std::vector<Shape> target_workload(std::span<const Pod> pods, double coverage) {
    // A shape is (CPU, share, devices, models); memory is not part of it.
    using Key = std::tuple<std::int64_t, int, int, std::uint64_t>;
    std::map<Key, std::size_t> counts;
    for (const Pod& pod : pods)
        ++counts[Key{pod.cpu, pod.share, pod.devices, pod.models}];
    std::vector<std::pair<std::size_t, Key>> order;
    order.reserve(counts.size());
    for (const auto& [key, count] : counts)
        order.emplace_back(count, key);
    // Most frequent first; equal counts by decreasing shape (as the study's simulator sorts
    // them), so that the result does not depend on the order of the pods.
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    const double total = static_cast<double>(pods.size());
    std::vector<Shape> shapes;
    double covered = 0.0;
    for (const auto& [count, key] : order) {
        if (covered >= coverage * total) break;
        covered += static_cast<double>(count);
        const auto& [cpu, share, devices, models] = key;
        shapes.push_back({cpu, devices, share, models, static_cast<double>(count)});
    }
    for (Shape& shape : shapes)
        shape.weight /= covered;
    return shapes;
}

}  // namespace allocopt::sharing
