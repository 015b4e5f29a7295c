// A packing problem with devices as a cluster, and the placement policies as solvers
// (sharing.hpp, docs/sharing.md §Policies as solvers).

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "allocopt/allocation.hpp"
#include "allocopt/error.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/sharing.hpp"

namespace allocopt::sharing {

namespace {

/// Large enough for any real capacity, small enough that sums of a few stay in range.
constexpr double kLargest = 4611686018427387904.0;  // 2^62

std::int64_t round_down(double capacity) {
    return static_cast<std::int64_t>(std::floor(std::min(capacity, kLargest)));
}

std::int64_t round_up(double demand) {
    return static_cast<std::int64_t>(std::ceil(std::min(demand, kLargest)));
}

std::string task_key(std::size_t i, std::string_view field) {
    return "tasks[" + std::to_string(i) + "]." + std::string(field);
}

/// The problem's dimensions as the pods see them: index of `cpu` and `memory` (0 = none).
struct Dimensions {
    std::size_t cpu = 0, memory = 0;
};

Dimensions check_dimensions(const Problem& p) {
    if (p.mode() != Mode::packing)
        throw InputError("mode", std::string(mode_name(p.mode())),
                         "the placement policies place tasks on a packing problem (mode: packing)");
    Dimensions d;
    for (std::size_t k = 1; k < p.num_dimensions(); ++k) {
        const std::string& name = p.dimensions()[k];
        if (name == "cpu") {
            d.cpu = k;
        } else if (name == "memory") {
            d.memory = k;
        } else {
            throw InputError("dimensions", name,
                             "the placement policies know the dimensions units, cpu and memory "
                             "and the devices, not this one");
        }
        if (p.has_demand_matrix(k))
            throw InputError("demand." + name, "(a matrix)",
                             "the placement policies need one demand per task, not one per "
                             "task and resource");
    }
    return d;
}

/// Bit mask of the device models a task may use, checked against its `allowed` list.
std::uint64_t allowed_models(const Problem& p, const Cluster& cluster, std::size_t i) {
    const std::size_t m = p.num_resources();
    bool every = true;
    for (std::size_t j = 0; j < m && every; ++j)
        every = p.allowed(i, j);
    if (every) return 0;
    const Task& t = p.task(i);
    const std::string names = t.allowed.empty() ? std::string() : t.allowed.front();
    if (t.devices.count == 0)
        throw InputError(task_key(i, "allowed"), names,
                         "the placement policies restrict a task to device models, and this "
                         "task asks for no devices");
    std::uint64_t models = 0;
    for (std::size_t j = 0; j < m; ++j)
        if (p.allowed(i, j) && cluster.nodes[j].model >= 0)
            models |= std::uint64_t{1} << cluster.nodes[j].model;
    for (std::size_t j = 0; j < m; ++j) {
        const int model = cluster.nodes[j].model;
        const bool by_model = model >= 0 && (models >> model & 1U);
        if (by_model != p.allowed(i, j))
            throw InputError(task_key(i, "allowed"), names,
                             "the placement policies restrict a task to device models; this "
                             "list allows resource " +
                                 p.resource(j).id +
                                 (by_model ? " not, though it has an allowed model"
                                           : ", which has no allowed device model"));
    }
    return models;
}

}  // namespace

SharingProblem sharing_problem(const Problem& p) {
    const Dimensions dim = check_dimensions(p);
    SharingProblem out;
    Cluster& cluster = out.cluster;
    cluster.name = p.name();
    bool capacity_set = false;
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        const Resource& r = p.resource(j);
        Node& node = cluster.nodes.emplace_back();
        node.id = r.id;
        node.units = round_down(p.capacity(j, 0));
        node.cpu = dim.cpu ? round_down(p.capacity(j, dim.cpu)) : 0;
        node.memory = dim.memory ? round_down(p.capacity(j, dim.memory)) : 0;
        node.devices = r.devices.count;
        if (r.devices.count == 0) continue;
        if (capacity_set && r.devices.capacity != cluster.device_capacity)
            throw InputError("resources[" + std::to_string(j) + "].devices.capacity",
                             std::to_string(r.devices.capacity),
                             "the placement policies need one device capacity on every resource (" +
                                 std::to_string(cluster.device_capacity) + " before this one)");
        cluster.device_capacity = r.devices.capacity;
        capacity_set = true;
        const std::optional<int> model = cluster.model_index(r.devices.model);
        if (model) {
            node.model = *model;
        } else {
            if (cluster.models.size() == static_cast<std::size_t>(kMaxDevices))
                throw InputError("resources[" + std::to_string(j) + "].devices.model",
                                 r.devices.model,
                                 "the placement policies tell at most 64 device models apart");
            node.model = static_cast<int>(cluster.models.size());
            cluster.models.push_back(r.devices.model);
        }
    }
    out.order.resize(p.num_tasks());
    std::iota(out.order.begin(), out.order.end(), std::size_t{0});
    std::stable_sort(out.order.begin(), out.order.end(), [&](std::size_t a, std::size_t b) {
        return p.task(a).arrival < p.task(b).arrival;
    });
    out.pods.reserve(p.num_tasks());
    // Tasks share a few allowed lists: each is checked against the resources once.
    std::map<std::vector<std::string>, std::uint64_t> models_of;
    for (const std::size_t i : out.order) {
        const Task& t = p.task(i);
        if (!t.units.fixed())
            throw InputError(task_key(i, "units"),
                             std::to_string(t.units.min) + ".." + std::to_string(t.units.max),
                             "the placement policies place tasks with a fixed unit count");
        Pod& pod = out.pods.emplace_back();
        pod.id = t.id;
        pod.units = t.units.min;
        pod.cpu = dim.cpu ? round_up(p.demand(i, 0, dim.cpu)) : 0;
        pod.memory = dim.memory ? round_up(p.demand(i, 0, dim.memory)) : 0;
        pod.devices = t.devices.count;
        pod.share = t.devices.count > 0 ? t.devices.share : 0;
        const auto known = models_of.find(t.allowed);
        if (known != models_of.end() && (t.devices.count > 0 || t.allowed.empty())) {
            pod.models = known->second;
        } else {
            pod.models = allowed_models(p, cluster, i);
            models_of.emplace(t.allowed, pod.models);
        }
    }
    return out;
}

bool policies_apply(const Problem& problem) {
    try {
        (void)sharing_problem(problem);
        return true;
    } catch (const InputError&) {
        return false;
    }
}

ProblemData problem_data(const Cluster& cluster, std::span<const Pod> pods) {
    ProblemData data;
    data.name = cluster.name;
    data.mode = Mode::packing;
    data.objective = {Sense::minimize, {{Metric::unplaced, 1.0}}};
    const double slots = static_cast<double>(std::max<std::size_t>(pods.size(), 1));
    for (const Node& node : cluster.nodes) {
        Resource& r = data.resources.emplace_back();
        r.id = node.id;
        r.kind = node.model >= 0 ? cluster.models[static_cast<std::size_t>(node.model)] : "cpu";
        r.capacity = {{std::string(kUnitsDimension), slots},
                      {"cpu", node.cpu > 0 ? static_cast<double>(node.cpu) : 0.5},
                      {"memory", node.memory > 0 ? static_cast<double>(node.memory) : 0.5}};
        r.devices.count = node.devices;
        r.devices.capacity = cluster.device_capacity;
        if (node.model >= 0) r.devices.model = cluster.models[static_cast<std::size_t>(node.model)];
    }
    for (const Pod& pod : pods) {
        Task& t = data.tasks.emplace_back();
        t.id = pod.id;
        t.optional = true;
        t.demand = {{"cpu", static_cast<double>(pod.cpu)},
                    {"memory", static_cast<double>(pod.memory)}};
        t.devices.count = pod.devices;
        t.devices.share = pod.share;
        for (std::size_t m = 0; m < cluster.models.size(); ++m)
            if (pod.models >> m & 1U) t.allowed.push_back(cluster.models[m]);
    }
    return data;
}

Allocation place_online(const Problem& problem, PlacementPolicy policy, std::uint64_t seed,
                        const std::function<bool()>& stop) {
    const SharingProblem view = sharing_problem(problem);
    ReplayOptions options;
    options.policy = policy;
    options.seed = seed;
    options.stop = stop;
    const std::vector<Shape> target = policy == PlacementPolicy::fgd
                                          ? target_workload(view.pods, options.coverage)
                                          : std::vector<Shape>{};
    const ReplayResult run = replay(view.cluster, view.pods, target, options);
    Allocation a(problem.num_tasks());
    if (problem.has_devices()) a.devices.assign(problem.num_tasks(), 0);
    for (std::size_t k = 0; k < view.order.size(); ++k) {
        if (run.node[k] < 0) continue;
        const std::size_t i = view.order[k];
        a.place(i, run.node[k], static_cast<std::int32_t>(view.pods[k].units));
        if (problem.has_devices()) a.devices[i] = run.devices[k];
    }
    return a;
}

}  // namespace allocopt::sharing
