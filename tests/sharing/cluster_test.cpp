// ClusterState (exact per-device feasibility and placement), the policy names and FGD's
// target workload (sharing.hpp, src/sharing/cluster.cpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocopt/sharing.hpp"

namespace allocopt::sharing {
namespace {

Node node(std::string id, std::int64_t cpu, std::int64_t memory, int devices, int model) {
    Node n;
    n.id = std::move(id);
    n.cpu = cpu;
    n.memory = memory;
    n.devices = devices;
    n.model = model;
    return n;
}

Pod pod(std::int64_t cpu, std::int64_t memory, int devices, int share, std::uint64_t models = 0) {
    Pod p;
    p.id = "p";
    p.cpu = cpu;
    p.memory = memory;
    p.devices = devices;
    p.share = share;
    p.models = models;
    return p;
}

std::vector<int> free_of(const ClusterState& state, std::size_t j) {
    const auto span = state.devices_free(j);
    return {span.begin(), span.end()};
}

// ---------------------------------------------------------------------------------------------
// Cluster

TEST(SharingCluster, TotalsAndModelIndex) {
    Cluster cluster;
    cluster.models = {"A10", "T4"};
    cluster.nodes = {node("a", 1000, 10, 8, 0), node("b", 1000, 10, 2, 1),
                     node("c", 1000, 10, 0, -1)};
    EXPECT_EQ(cluster.total_devices(), 10);
    EXPECT_EQ(cluster.total_device_capacity(), 10000);
    cluster.device_capacity = 100;
    EXPECT_EQ(cluster.total_device_capacity(), 1000);
    EXPECT_EQ(cluster.model_index("T4"), 1);
    EXPECT_EQ(cluster.model_index("A10"), 0);
    EXPECT_FALSE(cluster.model_index("t4").has_value());
}

TEST(SharingCluster, PolicyNamesRoundTrip) {
    const std::vector<std::string> names = policy_names();
    ASSERT_EQ(names, (std::vector<std::string>{"random", "dot-product", "gpu-clustering",
                                               "gpu-packing", "best-fit", "fgd"}));
    for (const std::string& name : names) {
        const auto policy = parse_policy(name);
        ASSERT_TRUE(policy.has_value()) << name;
        EXPECT_EQ(policy_name(*policy), name);
    }
    EXPECT_FALSE(parse_policy("best_fit").has_value());
    EXPECT_FALSE(parse_policy("FGD").has_value());
    EXPECT_FALSE(parse_policy("").has_value());
}

TEST(SharingCluster, PodDemandAndPartial) {
    EXPECT_EQ(pod(0, 0, 0, 0).device_demand(), 0);
    EXPECT_EQ(pod(0, 0, 1, 460).device_demand(), 460);
    EXPECT_EQ(pod(0, 0, 8, 1000).device_demand(), 8000);
    EXPECT_TRUE(pod(0, 0, 1, 460).partial(1000));
    EXPECT_FALSE(pod(0, 0, 1, 1000).partial(1000));
    EXPECT_FALSE(pod(0, 0, 2, 1000).partial(1000));
    EXPECT_FALSE(pod(0, 0, 0, 0).partial(1000));
}

// ---------------------------------------------------------------------------------------------
// ClusterState

TEST(SharingClusterState, StartsEmptyWithEveryDeviceFree) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("a", 32000, 1024, 3, 0), node("b", 8000, 512, 0, -1)};
    const ClusterState state(cluster);
    ASSERT_EQ(state.size(), 2u);
    EXPECT_EQ(state.cpu_free(0), 32000);
    EXPECT_EQ(state.memory_free(1), 512);
    EXPECT_EQ(free_of(state, 0), (std::vector<int>{1000, 1000, 1000}));
    EXPECT_TRUE(free_of(state, 1).empty());
    EXPECT_EQ(state.device_free_total(0), 3000);
    EXPECT_EQ(state.device_free_total(1), 0);
    EXPECT_EQ(state.allocated(), 0);
    EXPECT_EQ(state.pods_on(0), 0);
}

TEST(SharingClusterState, EightHalfUsedDevicesTakeNoWholeDeviceButAHalfShare) {
    Cluster cluster;
    cluster.models = {"V100"};
    cluster.nodes = {node("n", 96000, 1 << 20, 8, 0)};
    ClusterState state(cluster);
    const Pod half = pod(1000, 100, 1, 500);
    for (int d = 0; d < 8; ++d)
        state.place(half, 0, std::uint64_t{1} << d);
    EXPECT_EQ(free_of(state, 0), std::vector<int>(8, 500));
    // 4000 milli are free in all, but no one device has 1000 of them.
    EXPECT_EQ(state.device_free_total(0), 4000);
    EXPECT_FALSE(state.fits(pod(1000, 100, 1, 1000), 0));
    EXPECT_FALSE(state.fits(pod(1000, 100, 1, 501), 0));
    EXPECT_FALSE(state.fits(pod(1000, 100, 2, 1000), 0));
    EXPECT_TRUE(state.fits(pod(1000, 100, 1, 500), 0));
    EXPECT_TRUE(state.fits(pod(1000, 100, 1, 1), 0));
    EXPECT_TRUE(state.fits(pod(1000, 100, 0, 0), 0));
    EXPECT_THROW(state.place(pod(0, 0, 1, 1000), 0, 1), std::logic_error);
}

TEST(SharingClusterState, SeveralDevicesEachNeedTheirWholeShare) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("n", 64000, 1 << 20, 4, 0)};
    ClusterState state(cluster);
    // Devices 1, 2, 3 half used: 2500 milli free, one whole device.
    for (int d = 1; d < 4; ++d)
        state.place(pod(0, 0, 1, 500), 0, std::uint64_t{1} << d);
    EXPECT_EQ(free_of(state, 0), (std::vector<int>{1000, 500, 500, 500}));
    EXPECT_TRUE(state.fits(pod(0, 0, 1, 1000), 0));
    EXPECT_FALSE(state.fits(pod(0, 0, 2, 1000), 0));
    EXPECT_TRUE(state.fits(pod(0, 0, 4, 500), 0));  // a share on each of four devices
    EXPECT_FALSE(state.fits(pod(0, 0, 4, 501), 0));
    // Device 0 and one of the half-used ones do not make two whole devices.
    EXPECT_THROW(state.place(pod(0, 0, 2, 1000), 0, 0b0011), std::logic_error);

    Cluster two = cluster;
    ClusterState fresh(two);
    fresh.place(pod(0, 0, 1, 700), 0, 0b0100);
    fresh.place(pod(0, 0, 1, 1000), 0, 0b1000);
    EXPECT_EQ(free_of(fresh, 0), (std::vector<int>{1000, 1000, 300, 0}));
    EXPECT_TRUE(fresh.fits(pod(0, 0, 2, 1000), 0));
    EXPECT_FALSE(fresh.fits(pod(0, 0, 3, 1000), 0));
    EXPECT_TRUE(fresh.fits(pod(0, 0, 3, 300), 0));
    EXPECT_FALSE(fresh.fits(pod(0, 0, 4, 1), 0));
    fresh.place(pod(0, 0, 2, 1000), 0, 0b0011);
    EXPECT_EQ(free_of(fresh, 0), (std::vector<int>{0, 0, 300, 0}));
}

TEST(SharingClusterState, CpuAndMemoryLimitsAreExact) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("n", 8000, 4096, 2, 0), node("cpu", 8000, 4096, 0, -1)};
    ClusterState state(cluster);
    for (std::size_t j : {0u, 1u}) {
        EXPECT_TRUE(state.fits(pod(8000, 4096, 0, 0), j));
        EXPECT_FALSE(state.fits(pod(8001, 0, 0, 0), j));
        EXPECT_FALSE(state.fits(pod(0, 4097, 0, 0), j));
    }
    // Devices free, but not CPU or memory.
    EXPECT_FALSE(state.fits(pod(8001, 0, 1, 100), 0));
    EXPECT_FALSE(state.fits(pod(0, 4097, 1, 100), 0));
    // A node without devices takes no device pod, whatever else it has.
    EXPECT_FALSE(state.fits(pod(0, 0, 1, 1), 1));

    state.place(pod(6000, 4000, 1, 200), 0, 0b01);
    EXPECT_EQ(state.cpu_free(0), 2000);
    EXPECT_EQ(state.memory_free(0), 96);
    EXPECT_TRUE(state.fits(pod(2000, 96, 1, 800), 0));
    EXPECT_FALSE(state.fits(pod(2001, 96, 1, 800), 0));
    EXPECT_FALSE(state.fits(pod(2000, 97, 1, 800), 0));
    EXPECT_FALSE(state.fits(pod(2000, 97, 0, 0), 0));
    EXPECT_THROW(state.place(pod(2001, 0, 0, 0), 0, 0), std::logic_error);
    EXPECT_THROW(state.place(pod(0, 97, 0, 0), 0, 0), std::logic_error);
    // The other node is untouched.
    EXPECT_EQ(state.cpu_free(1), 8000);
    EXPECT_EQ(state.memory_free(1), 4096);
}

TEST(SharingClusterState, ModelMaskRestrictsDevicePodsOnly) {
    Cluster cluster;
    cluster.models = {"P100", "T4", "A10"};
    cluster.nodes = {node("p", 8000, 4096, 2, 0), node("t", 8000, 4096, 2, 1),
                     node("a", 8000, 4096, 2, 2), node("c", 8000, 4096, 0, -1)};
    const ClusterState state(cluster);
    auto fitting = [&](const Pod& p) {
        std::vector<std::size_t> where;
        for (std::size_t j = 0; j < state.size(); ++j)
            if (state.fits(p, j)) where.push_back(j);
        return where;
    };
    using V = std::vector<std::size_t>;
    EXPECT_EQ(fitting(pod(0, 0, 1, 500, 0)), (V{0, 1, 2}));  // 0 = any model
    EXPECT_EQ(fitting(pod(0, 0, 1, 500, 0b010)), (V{1}));
    EXPECT_EQ(fitting(pod(0, 0, 2, 1000, 0b101)), (V{0, 2}));
    EXPECT_EQ(fitting(pod(0, 0, 1, 500, 0b1000)), V{});  // a model no node has
    // A CPU-only pod is not filtered by model.
    EXPECT_EQ(fitting(pod(0, 0, 0, 0, 0b010)), (V{0, 1, 2, 3}));
}

TEST(SharingClusterState, PlaceRefusesAWrongMaskAndChangesNothing) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("n", 8000, 4096, 3, 0), node("m", 8000, 4096, 2, 0)};
    ClusterState state(cluster);
    state.place(pod(1000, 100, 1, 600), 0, 0b001);
    const std::vector<int> before = free_of(state, 0);
    const Pod one = pod(1000, 100, 1, 500);
    EXPECT_THROW(state.place(one, 0, 0), std::logic_error);                // no device
    EXPECT_THROW(state.place(one, 0, 0b110), std::logic_error);            // two devices for one
    EXPECT_THROW(state.place(one, 0, 0b1000), std::logic_error);           // device 3 of 3
    EXPECT_THROW(state.place(one, 0, 0b001), std::logic_error);            // 400 free < 500
    EXPECT_THROW(state.place(one, 1, 0b100), std::logic_error);            // node m has 2 devices
    EXPECT_THROW(state.place(pod(0, 0, 0, 0), 0, 0b1), std::logic_error);  // CPU pod, a device
    EXPECT_THROW(state.place(pod(0, 0, 2, 1000), 0, 0b011), std::logic_error);
    EXPECT_EQ(free_of(state, 0), before);
    EXPECT_EQ(state.cpu_free(0), 7000);
    EXPECT_EQ(state.memory_free(0), 3996);
    EXPECT_EQ(state.allocated(), 600);
    EXPECT_EQ(state.pods_on(0), 1);
    EXPECT_EQ(state.pods_on(1), 0);
    state.place(one, 0, 0b010);  // the right mask still works
    EXPECT_EQ(free_of(state, 0), (std::vector<int>{400, 500, 1000}));
}

TEST(SharingClusterState, AllocatedSumsTheDeviceCapacityTaken) {
    Cluster cluster;
    cluster.models = {"A", "B"};
    cluster.nodes = {node("a", 64000, 1 << 20, 8, 0), node("b", 64000, 1 << 20, 4, 1)};
    ClusterState state(cluster);
    state.place(pod(4000, 1000, 0, 0), 0, 0);           // CPU only: 0
    state.place(pod(4000, 1000, 1, 460), 0, 0b1);       // 460
    state.place(pod(4000, 1000, 1, 1000), 0, 0b10);     // 1000
    state.place(pod(4000, 1000, 4, 1000), 1, 0b1111);   // 4000
    state.place(pod(4000, 1000, 1, 250), 0, 0b1);       // 250
    state.place(pod(4000, 1000, 2, 1000), 0, 0b10100);  // 2000
    EXPECT_EQ(state.allocated(), 460 + 1000 + 4000 + 250 + 2000);
    EXPECT_EQ(state.device_free_total(0), 8000 - 460 - 1000 - 250 - 2000);
    EXPECT_EQ(state.device_free_total(1), 0);
    EXPECT_EQ(free_of(state, 0), (std::vector<int>{290, 0, 0, 1000, 0, 1000, 1000, 1000}));
    EXPECT_EQ(state.pods_on(0), 5);
    EXPECT_EQ(state.pods_on(1), 1);
    EXPECT_EQ(state.cpu_free(0), 64000 - 5 * 4000);
    EXPECT_EQ(state.memory_free(1), (1 << 20) - 1000);
    EXPECT_FALSE(state.fits(pod(0, 0, 1, 1), 1));
}

TEST(SharingClusterState, RefusesANodeWithTooManyDevices) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("n", 1, 1, kMaxDevices, 0)};
    EXPECT_NO_THROW(ClusterState{cluster});
    cluster.nodes[0].devices = kMaxDevices + 1;
    EXPECT_THROW(ClusterState{cluster}, std::invalid_argument);
    cluster.nodes[0].devices = -1;
    EXPECT_THROW(ClusterState{cluster}, std::invalid_argument);
}

TEST(SharingClusterState, SixtyFourDevicesUseTheWholeMask) {
    Cluster cluster;
    cluster.models = {"A"};
    cluster.nodes = {node("n", 1, 1, 64, 0)};
    ClusterState state(cluster);
    state.place(pod(0, 0, 1, 1000), 0, std::uint64_t{1} << 63);
    EXPECT_EQ(state.devices_free(0)[63], 0);
    EXPECT_FALSE(state.fits(pod(0, 0, 64, 1000), 0));
    EXPECT_TRUE(state.fits(pod(0, 0, 63, 1000), 0));
    state.place(pod(0, 0, 63, 1000), 0, ~std::uint64_t{0} >> 1);
    EXPECT_EQ(state.allocated(), 64000);
}

// ---------------------------------------------------------------------------------------------
// target_workload

struct Expected {
    std::int64_t cpu;
    int devices;
    int share;
    double weight;
};

void expect_shapes(const std::vector<Shape>& shapes, const std::vector<Expected>& expected) {
    ASSERT_EQ(shapes.size(), expected.size());
    double sum = 0.0;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
        SCOPED_TRACE("shape " + std::to_string(k));
        EXPECT_EQ(shapes[k].cpu, expected[k].cpu);
        EXPECT_EQ(shapes[k].devices, expected[k].devices);
        EXPECT_EQ(shapes[k].share, expected[k].share);
        EXPECT_DOUBLE_EQ(shapes[k].weight, expected[k].weight);
        sum += shapes[k].weight;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
}

/// Ten pods: shape A (a 500 share) five times, B (CPU only) three times, C (one whole
/// device) and D (two whole devices) once each. Memory differs within a shape.
std::vector<Pod> ten_pods() {
    std::vector<Pod> pods;
    for (int i = 0; i < 5; ++i)
        pods.push_back(pod(1000, 100 * i, 1, 500));
    for (int i = 0; i < 3; ++i)
        pods.push_back(pod(2000, 7 + i, 0, 0));
    pods.push_back(pod(4000, 1, 1, 1000));
    pods.push_back(pod(8000, 1, 2, 1000));
    return pods;
}

TEST(SharingTargetWorkload, ShortestPrefixReachingTheCoverageRenormalised) {
    const std::vector<Pod> pods = ten_pods();
    // 95 % of 10 = 9.5 pods: A, B, then the tie D, C by decreasing shape (D has more CPU).
    expect_shapes(
        target_workload(pods),
        {{1000, 1, 500, 0.5}, {2000, 0, 0, 0.3}, {8000, 2, 1000, 0.1}, {4000, 1, 1000, 0.1}});
    // 85 %: 8.5 pods: A, B, D (9 pods), weights over 9.
    expect_shapes(target_workload(pods, 0.85),
                  {{1000, 1, 500, 5.0 / 9}, {2000, 0, 0, 3.0 / 9}, {8000, 2, 1000, 1.0 / 9}});
    // 75 %: 7.5 pods: A, B (8 pods).
    expect_shapes(target_workload(pods, 0.75), {{1000, 1, 500, 5.0 / 8}, {2000, 0, 0, 3.0 / 8}});
    // 50 %: A alone covers exactly 5 pods.
    expect_shapes(target_workload(pods, 0.5), {{1000, 1, 500, 1.0}});
    expect_shapes(target_workload(pods, 0.3), {{1000, 1, 500, 1.0}});
    EXPECT_TRUE(target_workload(std::vector<Pod>{}).empty());
}

TEST(SharingTargetWorkload, ModelsArePartOfTheShapeMemoryIsNot) {
    std::vector<Pod> pods;
    for (int i = 0; i < 3; ++i)
        pods.push_back(pod(1000, 10 * i, 1, 500, 0b01));
    for (int i = 0; i < 2; ++i)
        pods.push_back(pod(1000, 99, 1, 500, 0b10));
    pods.push_back(pod(1000, 5, 1, 500, 0));
    const std::vector<Shape> shapes = target_workload(pods, 1.0);
    ASSERT_EQ(shapes.size(), 3u);
    EXPECT_EQ(shapes[0].models, 0b01u);
    EXPECT_DOUBLE_EQ(shapes[0].weight, 0.5);
    EXPECT_EQ(shapes[1].models, 0b10u);
    EXPECT_DOUBLE_EQ(shapes[1].weight, 2.0 / 6);
    EXPECT_EQ(shapes[2].models, 0u);
    EXPECT_DOUBLE_EQ(shapes[2].weight, 1.0 / 6);
}

TEST(SharingTargetWorkload, TiesAreOrderedByDecreasingShapeWhateverThePodOrder) {
    // Seven shapes of two pods each and one of three: every cut among the tied ones depends
    // on their order alone.
    std::vector<Pod> pods;
    const std::vector<Pod> kinds = {
        pod(500, 0, 0, 0),     pod(500, 0, 1, 300),  pod(500, 0, 1, 700), pod(4000, 0, 1, 1000),
        pod(4000, 0, 2, 1000), pod(4000, 0, 1, 300), pod(16000, 0, 0, 0)};
    for (const Pod& k : kinds) {
        pods.push_back(k);
        pods.push_back(k);
    }
    for (int i = 0; i < 3; ++i)
        pods.push_back(pod(2000, 0, 1, 500));
    const std::vector<Shape> reference = target_workload(pods, 0.6);
    // 60 % of 17 = 10.2 pods: the 3-pod shape, then four 2-pod shapes (11 pods).
    ASSERT_EQ(reference.size(), 5u);
    EXPECT_EQ(reference[0].cpu, 2000);
    // Decreasing (cpu, share, devices): 16000/0/0, 4000/1000/2, 4000/1000/1, 4000/300/1.
    EXPECT_EQ(reference[1].cpu, 16000);
    EXPECT_EQ(reference[2].devices, 2);
    EXPECT_EQ(reference[3].cpu, 4000);
    EXPECT_EQ(reference[3].devices, 1);
    EXPECT_EQ(reference[3].share, 1000);
    EXPECT_EQ(reference[4].cpu, 4000);
    EXPECT_EQ(reference[4].share, 300);
    EXPECT_DOUBLE_EQ(reference[0].weight, 3.0 / 11);
    // The same shapes, in the same order, whatever the order of the pods.
    const std::vector<Pod> original = pods;
    std::mt19937_64 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(pods.begin(), pods.end(), rng);
        for (double coverage : {0.3, 0.6, 0.95}) {
            SCOPED_TRACE("round " + std::to_string(round) + " coverage " +
                         std::to_string(coverage));
            const std::vector<Shape> expected = target_workload(original, coverage);
            const std::vector<Shape> got = target_workload(pods, coverage);
            ASSERT_EQ(got.size(), expected.size());
            for (std::size_t k = 0; k < got.size(); ++k) {
                EXPECT_EQ(got[k].cpu, expected[k].cpu) << k;
                EXPECT_EQ(got[k].devices, expected[k].devices) << k;
                EXPECT_EQ(got[k].share, expected[k].share) << k;
                EXPECT_EQ(got[k].models, expected[k].models) << k;
                EXPECT_DOUBLE_EQ(got[k].weight, expected[k].weight) << k;
            }
        }
    }
}

}  // namespace
}  // namespace allocopt::sharing
