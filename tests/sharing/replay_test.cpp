// The replay (sharing.hpp, src/sharing/replay.cpp and protocol.cpp): FGD's node
// fragmentation, each policy's choice on small clusters worked out by hand from the study's
// simulator (docs/sharing.md §Policies), the protocol's arrival sequence and metric, and an
// independent re-check of whole replays of the bundled trace.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::sharing {
namespace {

constexpr std::int64_t kMemory = std::int64_t{1} << 30;

Pod pod(std::int64_t cpu, int devices, int share, std::uint64_t models = 0,
        std::int64_t memory = 0) {
    Pod p;
    p.cpu = cpu;
    p.memory = memory;
    p.devices = devices;
    p.share = share;
    p.models = models;
    return p;
}

Shape shape(std::int64_t cpu, int devices, int share, double weight, std::uint64_t models = 0) {
    return {cpu, devices, share, models, weight};
}

/// One node per (cpu, devices), each of its own model "m<j>", so that a pod with models
/// 1 << j can only go to node j: how the tests put pods where they want before the pod
/// under test arrives.
Cluster cluster_of(const std::vector<std::pair<std::int64_t, int>>& nodes) {
    Cluster cluster;
    for (std::size_t j = 0; j < nodes.size(); ++j) {
        Node node;
        node.id = "n" + std::to_string(j);
        node.cpu = nodes[j].first;
        node.memory = kMemory;
        node.devices = nodes[j].second;
        node.model = node.devices > 0 ? static_cast<int>(cluster.models.size()) : -1;
        if (node.devices > 0) cluster.models.push_back("m" + std::to_string(j));
        cluster.nodes.push_back(node);
    }
    return cluster;
}

std::uint64_t on(int j) {
    return std::uint64_t{1} << j;
}

ReplayResult run(const Cluster& cluster, const std::vector<Pod>& arrivals, PlacementPolicy policy,
                 std::uint64_t seed, const std::vector<Shape>& target = {}) {
    ReplayOptions options;
    options.policy = policy;
    options.seed = seed;
    return replay(cluster, arrivals, target, options);
}

/// Replays with several seeds (each a different tie-breaking order of the nodes) and checks
/// that the last pod always goes to `node`, devices `mask`, and every other pod is placed.
void expect_last(const Cluster& cluster, const std::vector<Pod>& arrivals, PlacementPolicy policy,
                 std::int32_t node, std::uint64_t mask, const std::vector<Shape>& target = {}) {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        SCOPED_TRACE(std::string(policy_name(policy)) + " seed " + std::to_string(seed));
        const ReplayResult r = run(cluster, arrivals, policy, seed, target);
        ASSERT_EQ(r.node.size(), arrivals.size());
        EXPECT_EQ(r.skipped, 0u);
        EXPECT_EQ(r.node.back(), node);
        EXPECT_EQ(r.devices.back(), mask);
    }
}

// ---------------------------------------------------------------------------------------------
// node_fragmentation

class SharingFragmentation : public ::testing::Test {
  protected:
    // One node, 10 cores, four devices with 1000, 600, 300 and 0 milli free (1900 in all).
    SharingFragmentation() : cluster_(cluster_of({{10000, 4}, {10000, 0}})), state_(cluster_) {
        state_.place(pod(0, 1, 400), 0, 0b0010);
        state_.place(pod(0, 1, 700), 0, 0b0100);
        state_.place(pod(0, 1, 1000), 0, 0b1000);
    }
    double frag(const std::vector<Shape>& target, std::size_t node = 0) const {
        return node_fragmentation(state_, node, target);
    }
    Cluster cluster_;
    ClusterState state_;
};

TEST_F(SharingFragmentation, ACpuOnlyShapeCountsEveryFreeMilli) {
    ASSERT_EQ(state_.device_free_total(0), 1900);
    EXPECT_DOUBLE_EQ(frag({shape(1000, 0, 0, 1.0)}), 1900.0);
    // Also when the node lacks the CPU for it.
    EXPECT_DOUBLE_EQ(frag({shape(50000, 0, 0, 1.0)}), 1900.0);
}

TEST_F(SharingFragmentation, AFittingShapeCountsTheDevicesBelowItsShare) {
    EXPECT_DOUBLE_EQ(frag({shape(2000, 1, 500, 1.0)}), 300.0);  // 300 + 0 < 500
    EXPECT_DOUBLE_EQ(frag({shape(2000, 1, 200, 1.0)}), 0.0);    // only the empty device
    EXPECT_DOUBLE_EQ(frag({shape(0, 1, 700, 1.0)}), 900.0);     // 600 + 300
    EXPECT_DOUBLE_EQ(frag({shape(0, 1, 1000, 1.0)}), 900.0);
    EXPECT_DOUBLE_EQ(frag({shape(10000, 2, 600, 1.0)}), 300.0);  // exactly the CPU left
}

TEST_F(SharingFragmentation, AShapeThatDoesNotFitCountsEverything) {
    EXPECT_DOUBLE_EQ(frag({shape(0, 2, 1000, 1.0)}), 1900.0);       // one whole device only
    EXPECT_DOUBLE_EQ(frag({shape(0, 3, 600, 1.0)}), 1900.0);        // two devices with 600
    EXPECT_DOUBLE_EQ(frag({shape(10001, 1, 500, 1.0)}), 1900.0);    // lacks CPU
    EXPECT_DOUBLE_EQ(frag({shape(0, 1, 500, 1.0, 0b10)}), 1900.0);  // another model only
    EXPECT_DOUBLE_EQ(frag({shape(0, 1, 500, 1.0, 0b01)}), 300.0);   // its model
}

TEST_F(SharingFragmentation, ShapesAreWeightedByFrequency) {
    const std::vector<Shape> target = {shape(1000, 0, 0, 0.25), shape(2000, 1, 500, 0.25),
                                       shape(1000, 2, 1000, 0.25), shape(20000, 1, 500, 0.25)};
    EXPECT_DOUBLE_EQ(frag(target), 0.25 * (1900 + 300 + 1900 + 1900));
    const std::vector<Shape> two = {shape(0, 1, 500, 0.8), shape(0, 1, 1000, 0.2)};
    EXPECT_DOUBLE_EQ(frag(two), 0.8 * 300 + 0.2 * 900);
}

TEST_F(SharingFragmentation, NoFreeDeviceNoFragmentation) {
    EXPECT_DOUBLE_EQ(frag({shape(1000, 0, 0, 1.0)}, 1), 0.0);  // a node without devices
    ClusterState full(cluster_);
    full.place(pod(0, 4, 1000), 0, 0b1111);
    EXPECT_DOUBLE_EQ(node_fragmentation(full, 0, std::vector<Shape>{shape(1000, 0, 0, 1.0)}), 0.0);
    EXPECT_DOUBLE_EQ(node_fragmentation(full, 0, std::vector<Shape>{shape(0, 1, 500, 1.0)}), 0.0);
    // An empty target: nothing is fragmented.
    EXPECT_DOUBLE_EQ(frag({}), 0.0);
}

TEST_F(SharingFragmentation, TheCpuTakenCanStrandTheDevices) {
    state_.place(pod(7000, 0, 0), 0, 0);  // 3000 milli-cores left
    EXPECT_DOUBLE_EQ(frag({shape(3000, 1, 500, 1.0)}), 300.0);
    EXPECT_DOUBLE_EQ(frag({shape(3001, 1, 500, 1.0)}), 1900.0);
}

// ---------------------------------------------------------------------------------------------
// The policies, worked out by hand (docs/sharing.md; the study's plugins)

// Two 64-core nodes with 8 devices. Node 0 keeps all its CPU and 2 free devices; node 1
// keeps 8 cores and 7 free devices. The pod asks for 1 core and a whole device.
//   dot-product: 100 (1 - d/2), d = cpu_free/128 x cpu/128 + dev_free/8 x dev/8 (in the
//     scales of the largest node: 64 cores, 8 devices):
//     node 0: 1 x 1/64 + 2/8 x 1/8 = 0.046875 -> 97; node 1: 8/64 x 1/64 + 7/8 x 1/8 =
//     0.111328 -> 94: node 0, the least aligned.
//   best-fit: 100 (1 - (0.5 cpu_left/64 + 0.5 dev_left/8)):
//     node 0: 1 - (0.4921875 + 0.0625) -> 44; node 1: 1 - (0.0546875 + 0.375) -> 57: node 1.
std::vector<Pod> dot_versus_best_fit() {
    return {pod(0, 6, 1000, on(0)), pod(56000, 1, 1000, on(1)), pod(1000, 1, 1000)};
}

TEST(SharingPolicy, DotProductPicksTheNodeWhoseFreeResourcesAlignLeast) {
    const Cluster cluster = cluster_of({{64000, 8}, {64000, 8}});
    expect_last(cluster, dot_versus_best_fit(), PlacementPolicy::dot_product, 0, on(6));
}

TEST(SharingPolicy, BestFitPicksTheNodeLeftFullest) {
    const Cluster cluster = cluster_of({{64000, 8}, {64000, 8}});
    expect_last(cluster, dot_versus_best_fit(), PlacementPolicy::best_fit, 1, on(1));
}

TEST(SharingPolicy, BestFitPrefersTheFullerNode) {
    // Node 1 has half its CPU and devices 0, 1 taken: 0.5 x 15/32 + 0.5 x 1/4 -> 64 against
    // the empty node 0's 0.5 x 31/32 + 0.5 x 3/4 -> 14.
    const Cluster cluster = cluster_of({{32000, 4}, {32000, 4}});
    expect_last(cluster, {pod(16000, 2, 1000, on(1)), pod(1000, 1, 1000)},
                PlacementPolicy::best_fit, 1, on(2));
}

TEST(SharingPolicy, BestDeviceInsideTheNodeIsTheLeastFreeThatFits) {
    // One node, so the score does not matter: the devices are the policy's "best" choice.
    // 300 -> device 0 (all free, lowest); a whole device -> device 1 (lowest fully free);
    // 800 -> device 2 (device 0 has 700); 150 -> device 2 (200 free), not device 0 (700).
    const Cluster cluster = cluster_of({{64000, 4}});
    const std::vector<Pod> arrivals = {pod(0, 1, 300), pod(0, 1, 1000), pod(0, 1, 800),
                                       pod(0, 1, 150)};
    for (PlacementPolicy policy : {PlacementPolicy::dot_product, PlacementPolicy::best_fit,
                                   PlacementPolicy::gpu_packing, PlacementPolicy::gpu_clustering}) {
        SCOPED_TRACE(std::string(policy_name(policy)));
        const ReplayResult r = run(cluster, arrivals, policy, 3);
        EXPECT_EQ(r.node, (std::vector<std::int32_t>{0, 0, 0, 0}));
        EXPECT_EQ(r.devices, (std::vector<std::uint64_t>{0b0001, 0b0010, 0b0100, 0b0100}));
        EXPECT_EQ(r.allocated, (std::vector<std::int64_t>{300, 1300, 2100, 2250}));
    }
}

TEST(SharingPolicy, GpuPackingPrefersASharedDeviceOverAFreeOne) {
    // Node 0: device 0 half used -> 100 - 50/10 = 95; node 1 idle, 4 devices -> 33 - 4 = 29;
    // node 2: one whole device used, the pod would open a free one -> 50 - 1 = 49.
    const Cluster cluster = cluster_of({{64000, 4}, {64000, 4}, {64000, 4}});
    expect_last(cluster, {pod(0, 1, 500, on(0)), pod(0, 1, 1000, on(2)), pod(0, 1, 300)},
                PlacementPolicy::gpu_packing, 0, on(0));
    // Without a shared device: a used node (49) before an idle one (29).
    const Cluster two = cluster_of({{64000, 4}, {64000, 4}});
    expect_last(two, {pod(0, 1, 1000, on(1)), pod(0, 1, 300)}, PlacementPolicy::gpu_packing, 1,
                on(1));
}

TEST(SharingPolicy, GpuPackingFillsTheFullestSharedDeviceAndIdleSmallNodesFirst) {
    // 600 free -> 100 - 60/10 = 94; 300 free -> 100 - 30/10 = 97.
    const Cluster cluster = cluster_of({{64000, 2}, {64000, 2}});
    expect_last(cluster, {pod(0, 1, 400, on(0)), pod(0, 1, 700, on(1)), pod(0, 1, 250)},
                PlacementPolicy::gpu_packing, 1, on(0));
    // Idle nodes: 2 devices -> 31, 8 devices -> 25, 1 device -> 32.
    const Cluster idle = cluster_of({{64000, 8}, {64000, 2}});
    expect_last(idle, {pod(0, 1, 1000)}, PlacementPolicy::gpu_packing, 1, on(0));
    const Cluster idle1 = cluster_of({{64000, 2}, {64000, 8}, {64000, 1}});
    expect_last(idle1, {pod(0, 1, 1000)}, PlacementPolicy::gpu_packing, 2, on(0));
}

TEST(SharingPolicy, GpuClusteringPrefersANodeOfTheSameClass) {
    // Four nodes of 4 devices (base = 25 x used / 4000):
    //   node 0: a 200 share only            -> base 1 + 75 = 76 for another share
    //   node 1: a whole device and a share  -> base 7 + 50 = 57
    //   node 2: empty                       -> 0 + 25 = 25
    //   node 3: a whole device only         -> base 6 + 0 = 6 (+ 75 for a whole device)
    const std::vector<Pod> setup = {pod(0, 1, 200, on(0)), pod(0, 1, 1000, on(1)),
                                    pod(0, 1, 200, on(1)), pod(0, 1, 1000, on(3))};
    const Cluster cluster = cluster_of({{64000, 4}, {64000, 4}, {64000, 4}, {64000, 4}});
    std::vector<Pod> arrivals = setup;
    arrivals.push_back(pod(0, 1, 500));
    expect_last(cluster, arrivals, PlacementPolicy::gpu_clustering, 0, on(0));
    arrivals.back() = pod(0, 1, 1000);  // node 3 only holds its class: 81
    expect_last(cluster, arrivals, PlacementPolicy::gpu_clustering, 3, on(1));
    arrivals.back() = pod(0, 2, 1000);  // a class no node holds: the empty node, 25
    expect_last(cluster, arrivals, PlacementPolicy::gpu_clustering, 2, 0b0011);

    // Without node 0: the mixed node (57) before the empty one (25).
    const Cluster three = cluster_of({{64000, 4}, {64000, 4}, {64000, 4}});
    expect_last(
        three,
        {pod(0, 1, 1000, on(0)), pod(0, 1, 200, on(0)), pod(0, 1, 1000, on(2)), pod(0, 1, 500)},
        PlacementPolicy::gpu_clustering, 0, on(1));
    // Without the mixed node either: the empty node (25) before another class (6).
    const Cluster two = cluster_of({{64000, 4}, {64000, 4}});
    expect_last(two, {pod(0, 1, 1000, on(1)), pod(0, 1, 500)}, PlacementPolicy::gpu_clustering, 0,
                on(0));
}

TEST(SharingPolicy, GpuClusteringBaseFavoursTheMoreUsedNodeOfTheSameClass) {
    // Both hold shares only; node 1 has 800 used (base 5) against node 0's 200 (base 1).
    const Cluster cluster = cluster_of({{64000, 4}, {64000, 4}});
    expect_last(
        cluster,
        {pod(0, 1, 200, on(0)), pod(0, 1, 400, on(1)), pod(0, 1, 400, on(1)), pod(0, 1, 100)},
        PlacementPolicy::gpu_clustering, 1, on(0));
}

TEST(SharingPolicy, FgdPutsAShareOnTheHalfUsedDeviceWhenWholeDevicesAreTheTarget) {
    // Target: whole devices. After a 500 share on device 0 of node 1, F(node 1) = 500.
    // Another 500 share: node 1, device 0 -> F = 0, score 100 sigmoid(0.5) = 62; node 1,
    // device 1 -> no whole device left, F = 1000, 37; node 0 -> F 0 -> 500, 37.
    const std::vector<Shape> target = {shape(0, 1, 1000, 1.0)};
    const Cluster cluster = cluster_of({{64000, 2}, {64000, 2}});
    expect_last(cluster, {pod(0, 1, 500, on(1)), pod(0, 1, 500)}, PlacementPolicy::fgd, 1, on(0),
                target);
    const Cluster one = cluster_of({{64000, 2}});
    expect_last(one, {pod(0, 1, 500), pod(0, 1, 500)}, PlacementPolicy::fgd, 0, on(0), target);
}

TEST(SharingPolicy, FgdKeepsAFreeDeviceWhenTheRestWouldBeStranded) {
    // Target: 500 shares. Device 0 has 700 free; 300 more there would leave 400, too small
    // for the target (F = 400, score 40), while device 1 keeps 700 and 700 (F = 0, 50). Best
    // fit would take device 0.
    const std::vector<Shape> target = {shape(0, 1, 500, 1.0)};
    const Cluster one = cluster_of({{64000, 2}});
    const std::vector<Pod> arrivals = {pod(0, 1, 300), pod(0, 1, 300)};
    const ReplayResult r = run(one, arrivals, PlacementPolicy::fgd, 5, target);
    EXPECT_EQ(r.devices, (std::vector<std::uint64_t>{0b01, 0b10}));
    const ReplayResult best = run(one, arrivals, PlacementPolicy::best_fit, 5);
    EXPECT_EQ(best.devices, (std::vector<std::uint64_t>{0b01, 0b01}));
}

TEST(SharingPolicy, FgdKeepsCpuNextToFreeDevices) {
    // Target: 4 cores and a whole device. A 2-core CPU-only pod on node 0 (5 cores) would
    // leave 3 cores, stranding its device (F 0 -> 1000, score 26); on node 1 (16 cores) F
    // stays 0 (50). Best fit takes the fuller node 0.
    const std::vector<Shape> target = {shape(4000, 1, 1000, 1.0)};
    const Cluster cluster = cluster_of({{5000, 1}, {16000, 1}});
    expect_last(cluster, {pod(2000, 0, 0)}, PlacementPolicy::fgd, 1, 0, target);
    expect_last(cluster, {pod(2000, 0, 0)}, PlacementPolicy::best_fit, 0, 0);
}

TEST(SharingPolicy, RandomPicksAmongFeasibleNodesAndFittingDevices) {
    // Node 2 lacks the CPU.
    const Cluster cluster = cluster_of({{8000, 2}, {8000, 2}, {1000, 2}});
    std::map<std::int32_t, int> nodes;
    std::map<std::uint64_t, int> devices;
    for (std::uint64_t seed = 0; seed < 80; ++seed) {
        const ReplayResult r = run(cluster, {pod(4000, 1, 500)}, PlacementPolicy::random, seed);
        ++nodes[r.node[0]];
        ++devices[r.devices[0]];
    }
    EXPECT_EQ(nodes.size(), 2u);
    EXPECT_GT(nodes[0], 15);
    EXPECT_GT(nodes[1], 15);
    EXPECT_EQ(nodes.count(2), 0u);
    EXPECT_EQ(devices.size(), 2u);  // a share: either device
    EXPECT_GT(devices[0b01], 15);
    EXPECT_GT(devices[0b10], 15);
    // Whole devices: the lowest free ones.
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
        const ReplayResult r = run(cluster, {pod(0, 1, 1000, on(0)), pod(0, 1, 1000, on(0))},
                                   PlacementPolicy::random, seed);
        EXPECT_EQ(r.devices, (std::vector<std::uint64_t>{0b01, 0b10}));
    }
}

std::string policy_test_name(const ::testing::TestParamInfo<PlacementPolicy>& param) {
    std::string name(policy_name(param.param));
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

class SharingPolicyEach : public ::testing::TestWithParam<PlacementPolicy> {};

TEST_P(SharingPolicyEach, APodThatFitsNowhereIsSkippedAndTheReplayGoesOn) {
    const Cluster cluster = cluster_of({{8000, 2}, {8000, 2}});
    const std::vector<Pod> arrivals = {pod(1000, 1, 500),
                                       pod(1000, 3, 1000),        // more devices than a node has
                                       pod(9000, 0, 0),           // more CPU
                                       pod(1000, 1, 100, on(7)),  // a model no node has
                                       pod(1000, 1, 1000, 0, kMemory + 1),  // more memory
                                       pod(1000, 2, 1000),
                                       pod(0, 0, 0)};
    const std::vector<Shape> target = target_workload(arrivals);
    for (std::uint64_t seed : {1, 2, 3}) {
        const ReplayResult r = run(cluster, arrivals, GetParam(), seed, target);
        EXPECT_EQ(r.placed, 3u);
        EXPECT_EQ(r.skipped, 4u);
        for (std::size_t i = 1; i <= 4; ++i) {
            EXPECT_EQ(r.node[i], -1) << i;
            EXPECT_EQ(r.devices[i], 0u) << i;
        }
        EXPECT_GE(r.node[0], 0);
        EXPECT_GE(r.node[5], 0);
        EXPECT_GE(r.node[6], 0);
        EXPECT_EQ(std::popcount(r.devices[5]), 2);
        // The other node holds the 500 share: the two whole devices cannot go there.
        EXPECT_NE(r.node[5], r.node[0]);
        EXPECT_EQ(r.arrived, (std::vector<std::int64_t>{500, 3500, 3500, 3600, 4600, 6600, 6600}));
        EXPECT_EQ(r.allocated, (std::vector<std::int64_t>{500, 500, 500, 500, 500, 2500, 2500}));
        EXPECT_EQ(r.capacity, 4000);
    }
}

INSTANTIATE_TEST_SUITE_P(All, SharingPolicyEach,
                         ::testing::Values(PlacementPolicy::random, PlacementPolicy::dot_product,
                                           PlacementPolicy::gpu_clustering,
                                           PlacementPolicy::gpu_packing, PlacementPolicy::best_fit,
                                           PlacementPolicy::fgd),
                         policy_test_name);

// ---------------------------------------------------------------------------------------------
// allocated_at

ReplayResult curve(std::vector<std::int64_t> arrived, std::vector<std::int64_t> allocated) {
    ReplayResult r;
    r.capacity = 10000;  // 100 milli = 1 %
    r.arrived = std::move(arrived);
    r.allocated = std::move(allocated);
    return r;
}

TEST(SharingReplayMetric, MeanOverTheRecordsWithinHalfAPoint) {
    const ReplayResult r = curve({9000, 9940, 9960, 10000, 10050, 10060, 13000},
                                 {9000, 9400, 9500, 9600, 9700, 9900, 9950});
    EXPECT_DOUBLE_EQ(r.allocated_at(100.0), (95.0 + 96.0 + 97.0) / 3);
    EXPECT_DOUBLE_EQ(r.allocated_at(130.0), 99.5);
}

TEST(SharingReplayMetric, FallsBackToOnePointThenToTheNearestRecord) {
    const ReplayResult r = curve({9000, 9920, 10200, 12000}, {9000, 9900, 9950, 9990});
    EXPECT_DOUBLE_EQ(r.allocated_at(100.0), 99.0);  // only 99.2 within a point
    EXPECT_DOUBLE_EQ(r.allocated_at(130.0), 99.9);  // nearest: 120
    EXPECT_DOUBLE_EQ(r.allocated_at(50.0), 90.0);   // nearest: 90
    EXPECT_DOUBLE_EQ(curve({}, {}).allocated_at(100.0), 0.0);
}

// ---------------------------------------------------------------------------------------------
// arrival_sequence

std::vector<std::string> ids(const std::vector<Pod>& pods) {
    std::vector<std::string> out;
    for (const Pod& p : pods)
        out.push_back(p.id);
    return out;
}

std::int64_t demand(const std::vector<Pod>& pods, std::size_t first, std::size_t last) {
    std::int64_t sum = 0;
    for (std::size_t i = first; i < last; ++i)
        sum += pods[i].device_demand();
    return sum;
}

std::vector<Pod> numbered(int n) {
    std::vector<Pod> pods;
    for (int i = 0; i < n; ++i) {
        Pod p = pod(100 * i, i % 3 == 0 ? 0 : 1, i % 3 == 0 ? 0 : 100 + 10 * i);
        p.id = "p" + std::to_string(i);
        pods.push_back(p);
    }
    return pods;
}

TEST(SharingArrivals, WithoutInflationTheListOrAPermutationOfIt) {
    const std::vector<Pod> pods = numbered(60);
    const Cluster cluster = cluster_of({{64000, 8}});
    EXPECT_EQ(ids(arrival_sequence(pods, cluster, 42, false, 0.0)), ids(pods));
    EXPECT_EQ(ids(arrival_sequence(pods, cluster, 7, false, -1.0)), ids(pods));
    const std::vector<std::string> a = ids(arrival_sequence(pods, cluster, 42, true, 0.0));
    const std::vector<std::string> b = ids(arrival_sequence(pods, cluster, 43, true, 0.0));
    EXPECT_NE(a, ids(pods));
    EXPECT_NE(a, b);
    EXPECT_EQ(a, ids(arrival_sequence(pods, cluster, 42, true, 0.0)));
    std::vector<std::string> sorted = a, original = ids(pods);
    std::sort(sorted.begin(), sorted.end());
    std::sort(original.begin(), original.end());
    EXPECT_EQ(sorted, original);
    // The pods are copied whole.
    for (const Pod& p : arrival_sequence(pods, cluster, 42, true, 0.0)) {
        const int i = std::stoi(p.id.substr(1));
        EXPECT_EQ(p.cpu, pods[static_cast<std::size_t>(i)].cpu);
        EXPECT_EQ(p.share, pods[static_cast<std::size_t>(i)].share);
    }
}

TEST(SharingArrivals, InflationWithoutDevicePodsOrPastTheTargetAddsNothing) {
    std::vector<Pod> cpu_only = numbered(10);
    for (Pod& p : cpu_only) {
        p.devices = 0;
        p.share = 0;
    }
    const Cluster cluster = cluster_of({{64000, 8}});
    EXPECT_EQ(arrival_sequence(cpu_only, cluster, 1, false, 130.0).size(), 10u);
    // 20 pods asking 110..390 milli: 5,000 of 8,000; 40 % = 3,200 is already passed.
    const std::vector<Pod> pods = numbered(30);
    EXPECT_EQ(arrival_sequence(pods, cluster, 1, false, 40.0).size(), 30u);
    EXPECT_TRUE(arrival_sequence({}, cluster, 1, true, 130.0).empty());
}

TEST(SharingArrivals, ADrawIsCheckedOnItsPerDeviceShareSoSeveralDevicesOvershoot) {
    // One 8-device node (8,000 milli; 130 % = 10,400). The 8-device pod asks 8,000: a second
    // one is drawn because 8,000 + its per-device 1,000 <= 10,400, and takes the total to
    // 16,000; the next 8-device draw ends it. CPU-only draws never end the drawing.
    const Cluster cluster = cluster_of({{64000, 8}});
    Pod big = pod(1000, 8, 1000);
    big.id = "big";
    Pod small = pod(500, 0, 0);
    small.id = "cpu";
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        const std::vector<Pod> one =
            arrival_sequence(std::vector<Pod>{big}, cluster, seed, true, 130.0);
        EXPECT_EQ(ids(one), (std::vector<std::string>{"big", "big"}));
        const std::vector<Pod> mixed =
            arrival_sequence(std::vector<Pod>{small, big}, cluster, seed, false, 130.0);
        ASSERT_GE(mixed.size(), 3u);
        EXPECT_EQ(
            std::count_if(mixed.begin(), mixed.end(), [](const Pod& p) { return p.id == "big"; }),
            2);
        EXPECT_EQ(demand(mixed, 0, mixed.size()), 16000);
    }
}

// ---------------------------------------------------------------------------------------------
// The bundled trace

struct Trace {
    Cluster cluster;
    std::vector<Pod> pods;
    std::vector<Shape> target;
};

const Trace& default_trace() {
    static const Trace trace = [] {
        Trace t;
        const std::string dir = std::string(ALLOCOPT_PROBLEMS) + "/alibaba-gpu/";
        t.cluster = import_alibaba_nodes(dir + "openb_node_list_gpu_node.csv");
        t.pods = import_alibaba_pods(dir + "openb_pod_list_default.csv", t.cluster);
        t.target = target_workload(t.pods);
        return t;
    }();
    return trace;
}

TEST(SharingArrivals, InflatedTo130PercentOfTheBundledCluster) {
    const Trace& t = default_trace();
    ASSERT_EQ(t.cluster.total_device_capacity(), 6'212'000);
    const std::int64_t target = 8'075'600;  // 130 % of 6,212,000
    int max_share = 0;
    for (const Pod& p : t.pods)
        max_share = std::max(max_share, p.share);
    ASSERT_EQ(max_share, 1000);
    for (std::uint64_t seed : {42, 43}) {
        SCOPED_TRACE(seed);
        const std::vector<Pod> a = arrival_sequence(t.pods, t.cluster, seed, true, 130.0);
        const std::int64_t total = demand(a, 0, a.size());
        EXPECT_GE(total, target - max_share);
        EXPECT_LE(total, target + 7000);
        ASSERT_GT(a.size(), t.pods.size() + 2000);
        // The originals first, in the shuffled order, then copies of originals.
        const std::vector<Pod> shuffled = arrival_sequence(t.pods, t.cluster, seed, true, 0.0);
        EXPECT_EQ(ids(std::vector<Pod>(a.begin(),
                                       a.begin() + static_cast<std::ptrdiff_t>(t.pods.size()))),
                  ids(shuffled));
        EXPECT_NE(ids(shuffled), ids(t.pods));
        std::map<std::string, const Pod*> by_id;
        for (const Pod& p : t.pods)
            by_id[p.id] = &p;
        for (std::size_t i = t.pods.size(); i < a.size(); ++i) {
            const auto it = by_id.find(a[i].id);
            ASSERT_NE(it, by_id.end()) << a[i].id;
            EXPECT_EQ(a[i].cpu, it->second->cpu);
            EXPECT_EQ(a[i].memory, it->second->memory);
            EXPECT_EQ(a[i].devices, it->second->devices);
            EXPECT_EQ(a[i].share, it->second->share);
        }
        // The drawing stops at the first pod that would pass the target: every extra fit
        // under it when drawn (a multi-device pod is checked on its per-device share).
        std::int64_t running = demand(a, 0, t.pods.size());
        for (std::size_t i = t.pods.size(); i < a.size(); ++i) {
            EXPECT_LE(running + a[i].share, target) << i;
            running += a[i].device_demand();
        }
        // Same seed, same sequence; another seed, another.
        EXPECT_EQ(ids(arrival_sequence(t.pods, t.cluster, seed, true, 130.0)), ids(a));
        EXPECT_NE(ids(arrival_sequence(t.pods, t.cluster, seed + 10, true, 130.0)), ids(a));
    }
    // Kept in file order, the originals come first as they are.
    const std::vector<Pod> kept = arrival_sequence(t.pods, t.cluster, 42, false, 130.0);
    EXPECT_EQ(ids(std::vector<Pod>(kept.begin(),
                                   kept.begin() + static_cast<std::ptrdiff_t>(t.pods.size()))),
              ids(t.pods));
    EXPECT_GE(demand(kept, 0, kept.size()), target - max_share);
}

class SharingFullTrace : public ::testing::TestWithParam<PlacementPolicy> {};

TEST_P(SharingFullTrace, SameSeedSameReplay) {
    const Trace& t = default_trace();
    const std::vector<Pod> arrivals = arrival_sequence(t.pods, t.cluster, 42, true, 130.0);
    const ReplayResult a = run(t.cluster, arrivals, GetParam(), 42, t.target);
    const ReplayResult b = run(t.cluster, arrivals, GetParam(), 42, t.target);
    EXPECT_EQ(a.node, b.node);
    EXPECT_EQ(a.devices, b.devices);
    EXPECT_EQ(a.allocated, b.allocated);
    EXPECT_EQ(a.placed, b.placed);
    const ReplayResult c = run(t.cluster, arrivals, GetParam(), 43, t.target);
    // Another seed is another order of the nodes for ties (and other draws for random).
    EXPECT_NE(a.node, c.node);
    EXPECT_EQ(a.arrived, c.arrived);
}

// ----- An independent re-check of a whole replay, on plain vectors ---------------------------

struct Naive {
    std::vector<std::int64_t> cpu, memory;
    std::vector<std::vector<int>> free;
    std::vector<std::map<int, int>> classes;  // GPU pods per class: 0 = share, k = k devices

    explicit Naive(const Cluster& c) {
        for (const Node& n : c.nodes) {
            cpu.push_back(n.cpu);
            memory.push_back(n.memory);
            free.emplace_back(static_cast<std::size_t>(n.devices), 1000);
        }
        classes.resize(c.nodes.size());
    }
    std::int64_t gpu_free(std::size_t j) const {
        std::int64_t g = 0;
        for (int f : free[j])
            g += f;
        return g;
    }
};

bool model_ok(const Cluster& c, std::size_t j, std::uint64_t models) {
    return models == 0 || (c.nodes[j].model >= 0 && (models >> c.nodes[j].model & 1U));
}

bool naive_fits(const Naive& s, const Cluster& c, const Pod& p, std::size_t j) {
    if (s.cpu[j] < p.cpu || s.memory[j] < p.memory) return false;
    if (p.devices == 0) return true;
    if (!model_ok(c, j, p.models)) return false;
    int enough = 0;
    for (int f : s.free[j])
        enough += f >= p.share;
    return enough >= p.devices;
}

// The study's plugins with their constants (128 cores, 8 GPUs: the largest node of the trace).
constexpr double kCpuScale = 128000.0, kGpuScale = 8000.0;

int dot_score(const Naive& s, std::size_t j, const Pod& p) {
    const double d =
        (static_cast<double>(s.cpu[j]) / kCpuScale) * (static_cast<double>(p.cpu) / kCpuScale) +
        (static_cast<double>(s.gpu_free(j)) / kGpuScale) *
            (static_cast<double>(p.device_demand()) / kGpuScale);
    return static_cast<int>(100.0 * (1.0 - d / 2.0));
}

int best_fit_score(const Naive& s, std::size_t j, const Pod& p) {
    const double raw = 0.5 * static_cast<double>(s.cpu[j] - p.cpu) / kCpuScale +
                       0.5 * static_cast<double>(s.gpu_free(j) - p.device_demand()) / kGpuScale;
    return static_cast<int>((1.0 - raw) * 100.0);
}

int clustering_score(const Naive& s, std::size_t j, const Pod& p) {
    if (p.devices == 0) return 0;
    const int base = static_cast<int>(25 * (8000 - s.gpu_free(j)) / 8000);
    const std::map<int, int>& classes = s.classes[j];
    if (classes.empty()) return base + 25;
    const int mine = p.share < 1000 ? 0 : p.devices;
    if (!classes.count(mine)) return base;
    return classes.size() == 1 ? base + 75 : base + 50;
}

int packing_score(const Naive& s, std::size_t j, const Pod& p) {
    if (p.devices == 0) return 0;
    const std::vector<int>& free = s.free[j];
    const int n = static_cast<int>(free.size());
    const int idle = static_cast<int>(std::count(free.begin(), free.end(), 1000));
    if (idle == n) return std::max(33 - idle, idle);
    std::vector<int> sorted = free;
    std::stable_sort(sorted.begin(), sorted.end());
    int taken = 0, whole = 0, percent = 0;
    for (int f : sorted) {
        if (taken == p.devices) break;
        if (f < p.share) continue;
        ++taken;
        whole += f == 1000;
        percent += f * 100 / 1000;
    }
    if (whole > 0) return std::max(50 - whole, 33);
    return std::max(100 - percent / 10, 50);
}

double naive_frag(const Cluster& c, std::size_t j, std::int64_t cpu_free,
                  const std::vector<int>& free, const std::vector<Shape>& target) {
    std::int64_t total = 0;
    for (int f : free)
        total += f;
    double sum = 0.0;
    for (const Shape& k : target) {
        std::int64_t frag = total;
        if (k.devices > 0 && model_ok(c, j, k.models) && cpu_free >= k.cpu) {
            int count = 0;
            std::int64_t below = 0;
            for (int f : free) {
                if (f >= k.share) {
                    ++count;
                } else {
                    below += f;
                }
            }
            if (count >= k.devices) frag = below;
        }
        sum += k.weight * static_cast<double>(frag);
    }
    return sum;
}

int sigmoid_score(double before, double after) {
    return static_cast<int>(100.0 / (1.0 + std::exp(-((before - after) / 1000.0))));
}

/// FGD's score of node j and, for a share, the device it would take.
int fgd_score(const Naive& s, const Cluster& c, std::size_t j, const Pod& p,
              const std::vector<Shape>& target, int& device) {
    const double before = naive_frag(c, j, s.cpu[j], s.free[j], target);
    std::vector<int> after = s.free[j];
    device = -1;
    if (p.devices == 1 && p.share < 1000) {
        int best = -1;
        for (std::size_t d = 0; d < after.size(); ++d) {
            if (after[d] < p.share) continue;
            after[d] -= p.share;
            const int score =
                sigmoid_score(before, naive_frag(c, j, s.cpu[j] - p.cpu, after, target));
            after[d] += p.share;
            if (score > best) {
                best = score;
                device = static_cast<int>(d);
            }
        }
        return best;
    }
    int taken = 0;
    for (std::size_t d = 0; d < after.size() && taken < p.devices; ++d) {
        if (after[d] == 1000) {
            after[d] = 0;
            ++taken;
        }
    }
    return sigmoid_score(before, naive_frag(c, j, s.cpu[j] - p.cpu, after, target));
}

/// The devices the "best" choice takes: a share on the least free device that fits (lowest
/// index among equals), whole devices on the lowest free ones.
std::uint64_t best_devices(const std::vector<int>& free, const Pod& p) {
    if (p.devices == 0) return 0;
    if (p.devices == 1 && p.share < 1000) {
        int best = -1;
        for (std::size_t d = 0; d < free.size(); ++d) {
            if (free[d] >= p.share && (best < 0 || free[d] < free[static_cast<std::size_t>(best)]))
                best = static_cast<int>(d);
        }
        return std::uint64_t{1} << best;
    }
    std::uint64_t mask = 0;
    int taken = 0;
    for (std::size_t d = 0; d < free.size() && taken < p.devices; ++d) {
        if (free[d] == 1000) {
            mask |= std::uint64_t{1} << d;
            ++taken;
        }
    }
    return mask;
}

TEST_P(SharingFullTrace, IndependentRecheckOfTheDefaultTrace) {
    const PlacementPolicy policy = GetParam();
    const Trace& t = default_trace();
    const Cluster& c = t.cluster;
    std::int64_t max_cpu = 0;
    int max_devices = 0;
    for (const Node& n : c.nodes) {
        max_cpu = std::max(max_cpu, n.cpu);
        max_devices = std::max(max_devices, n.devices);
    }
    ASSERT_EQ(max_cpu, 128000);
    ASSERT_EQ(max_devices, 8);
    const std::vector<Pod> arrivals = arrival_sequence(t.pods, c, 42, true, 130.0);
    const ReplayResult r = run(c, arrivals, policy, 42, t.target);
    ASSERT_EQ(r.node.size(), arrivals.size());
    ASSERT_EQ(r.devices.size(), arrivals.size());
    ASSERT_EQ(r.arrived.size(), arrivals.size());
    ASSERT_EQ(r.allocated.size(), arrivals.size());
    EXPECT_EQ(r.capacity, 6'212'000);

    Naive s(c);
    std::int64_t arrived = 0, allocated = 0;
    std::size_t placed = 0, skipped = 0, scored = 0;
    const std::size_t n = c.nodes.size();
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        const Pod& p = arrivals[i];
        arrived += p.device_demand();
        ASSERT_EQ(r.arrived[i], arrived) << "pod " << i;
        const std::int32_t k = r.node[i];
        const std::uint64_t mask = r.devices[i];
        if (k < 0) {
            ++skipped;
            ASSERT_EQ(k, -1) << "pod " << i;
            ASSERT_EQ(mask, 0u) << "pod " << i;
            for (std::size_t j = 0; j < n; ++j)
                ASSERT_FALSE(naive_fits(s, c, p, j)) << "pod " << i << " skipped, fits node " << j;
            ASSERT_EQ(r.allocated[i], allocated) << "pod " << i;
            continue;
        }
        ASSERT_LT(static_cast<std::size_t>(k), n) << "pod " << i;
        const std::size_t j = static_cast<std::size_t>(k);
        ++placed;
        // The policy's own rule: the chosen node has the best score of the feasible ones.
        int chosen = 0, best = std::numeric_limits<int>::min();
        int fgd_device = -1;
        const bool check_score =
            policy != PlacementPolicy::random && (policy != PlacementPolicy::fgd || i % 10 == 0);
        if (check_score) {
            ++scored;
            for (std::size_t m = 0; m < n; ++m) {
                if (!naive_fits(s, c, p, m)) continue;
                int device = -1;
                int score = 0;
                switch (policy) {
                    case PlacementPolicy::dot_product:
                        score = dot_score(s, m, p);
                        break;
                    case PlacementPolicy::best_fit:
                        score = best_fit_score(s, m, p);
                        break;
                    case PlacementPolicy::gpu_clustering:
                        score = clustering_score(s, m, p);
                        break;
                    case PlacementPolicy::gpu_packing:
                        score = packing_score(s, m, p);
                        break;
                    case PlacementPolicy::fgd:
                        score = fgd_score(s, c, m, p, t.target, device);
                        break;
                    case PlacementPolicy::random:
                        break;
                }
                best = std::max(best, score);
                if (m == j) {
                    chosen = score;
                    fgd_device = device;
                }
            }
        }
        ASSERT_TRUE(naive_fits(s, c, p, j)) << "pod " << i << " on node " << j;
        if (check_score) {
            ASSERT_EQ(chosen, best) << "pod " << i << " on node " << j << " is not a best node";
        }
        // The devices: exactly `devices` distinct ones of the node, each with the share free.
        ASSERT_EQ(std::popcount(mask), p.devices) << "pod " << i;
        ASSERT_TRUE(p.devices == 0 || std::bit_width(mask) <= s.free[j].size()) << "pod " << i;
        if (p.devices > 0 && p.share == 1000) {
            // Whole devices: the lowest free ones, whatever the policy.
            ASSERT_EQ(mask, best_devices(s.free[j], p)) << "pod " << i;
        } else if (p.devices > 0 && policy == PlacementPolicy::fgd) {
            // A share under FGD: the device of the best score (when scored here).
            if (check_score) {
                ASSERT_EQ(mask, std::uint64_t{1} << fgd_device) << "pod " << i;
            }
        } else if (p.devices > 0 && policy != PlacementPolicy::random) {
            ASSERT_EQ(mask, best_devices(s.free[j], p)) << "pod " << i;  // the "best" device
        }
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
            int& f = s.free[j][static_cast<std::size_t>(std::countr_zero(bits))];
            ASSERT_GE(f, p.share) << "pod " << i;
            f -= p.share;
            ASSERT_GE(f, 0);
        }
        s.cpu[j] -= p.cpu;
        s.memory[j] -= p.memory;
        ASSERT_GE(s.cpu[j], 0) << "pod " << i;
        ASSERT_GE(s.memory[j], 0) << "pod " << i;
        if (p.devices > 0) ++s.classes[j][p.share < 1000 ? 0 : p.devices];
        allocated += p.device_demand();
        ASSERT_EQ(r.allocated[i], allocated) << "pod " << i;
    }
    EXPECT_EQ(r.placed, placed);
    EXPECT_EQ(r.skipped, skipped);
    EXPECT_GT(placed, arrivals.size() / 2);
    EXPECT_GT(skipped, 0u);
    if (policy != PlacementPolicy::random) {
        EXPECT_GT(scored, 100u);
    }
    std::int64_t free_total = 0;
    for (std::size_t j = 0; j < n; ++j)
        free_total += s.gpu_free(j);
    EXPECT_EQ(allocated + free_total, 6'212'000);
    EXPECT_EQ(arrived, demand(arrivals, 0, arrivals.size()));
    // The metric over the whole curve: a share of the capacity, below what arrived.
    const double at_100 = r.allocated_at(100.0);
    EXPECT_GT(at_100, 0.0);
    EXPECT_LE(at_100, 100.0);
}

INSTANTIATE_TEST_SUITE_P(All, SharingFullTrace,
                         ::testing::Values(PlacementPolicy::random, PlacementPolicy::dot_product,
                                           PlacementPolicy::gpu_clustering,
                                           PlacementPolicy::gpu_packing, PlacementPolicy::best_fit,
                                           PlacementPolicy::fgd),
                         policy_test_name);

}  // namespace
}  // namespace allocopt::sharing
