#pragma once
// A random GPU-sharing problem for the solver-wide tests (tests/solvers/): nodes of 0, 1, 2, 4
// or 8 devices of two models, pods asking for a share of one device, for whole devices, or
// for CPU only, some restricted to one model (sharing::problem_data()).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "allocopt/problem.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::test {

inline Problem random_sharing_problem(std::uint64_t seed, int nodes, int pods) {
    std::mt19937_64 rng(seed);
    sharing::Cluster cluster;
    cluster.name = "sharing-" + std::to_string(seed);
    cluster.models = {"A", "B"};
    const int device_counts[] = {0, 1, 2, 4, 8};
    for (int j = 0; j < nodes; ++j) {
        sharing::Node& node = cluster.nodes.emplace_back();
        node.id = "n" + std::to_string(j);
        node.devices = device_counts[rng() % 5];
        node.model = node.devices > 0 ? static_cast<int>(rng() % 2) : -1;
        node.cpu = 8000 * (1 + static_cast<std::int64_t>(rng() % 8));
        node.memory = 32768 * (1 + static_cast<std::int64_t>(rng() % 4));
    }
    if (nodes > 0) {  // node 0 can take any pod on its own
        cluster.nodes[0].devices = 8;
        cluster.nodes[0].model = 0;
        cluster.nodes[0].cpu = 64000;
        cluster.nodes[0].memory = 131072;
    }
    const int shares[] = {100, 250, 500, 700, 1000};
    std::vector<sharing::Pod> list;
    for (int i = 0; i < pods; ++i) {
        sharing::Pod& pod = list.emplace_back();
        pod.id = "p" + std::to_string(i);
        pod.cpu = 1000 * (1 + static_cast<std::int64_t>(rng() % 8));
        pod.memory = 1024 * (1 + static_cast<std::int64_t>(rng() % 16));
        const unsigned kind = static_cast<unsigned>(rng() % 10);
        if (kind < 6) {
            pod.devices = 1;
            pod.share = shares[rng() % 5];
        } else if (kind < 8) {
            pod.devices = 1 << (rng() % 4);  // 1, 2, 4 or 8 whole devices
            pod.share = 1000;
        }
        // Restricted to model A, which node 0 always has: every pod fits somewhere.
        if (pod.devices > 0 && rng() % 4 == 0) pod.models = 0b01;
    }
    return Problem(sharing::problem_data(cluster, list));
}

}  // namespace allocopt::test
