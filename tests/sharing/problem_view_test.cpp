// The placement policies as solvers (sharing.hpp §sharing_problem, place_online;
// src/sharing/problem_view.cpp): a cluster and its pods as a problem and back, the forms of
// problem the policies refuse, and placements that agree with the replay and pass
// check_allocation, the independent check.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "allocopt/allocation.hpp"
#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/sharing.hpp"
#include "allocopt/solvers/registry.hpp"

namespace allocopt::sharing {
namespace {

Node node(std::string id, std::int64_t cpu, int devices, int model) {
    Node n;
    n.id = std::move(id);
    n.cpu = cpu;
    n.memory = 1 << 20;
    n.devices = devices;
    n.model = model;
    return n;
}

Pod pod(std::string id, std::int64_t cpu, int devices, int share, std::uint64_t models = 0) {
    Pod p;
    p.id = std::move(id);
    p.cpu = cpu;
    p.memory = 1024;
    p.devices = devices;
    p.share = share;
    p.models = models;
    return p;
}

/// Three nodes of two models and a CPU-only node; pods of every kind.
struct Small {
    Cluster cluster;
    std::vector<Pod> pods;
};

Small small() {
    Small s;
    s.cluster.models = {"A", "B"};
    s.cluster.nodes = {node("a0", 32000, 4, 0), node("a1", 16000, 2, 0), node("b0", 32000, 8, 1),
                       node("c0", 64000, 0, -1)};
    int k = 0;
    for (int round = 0; round < 4; ++round) {
        s.pods.push_back(pod("p" + std::to_string(k++), 4000, 1, 500));
        s.pods.push_back(pod("p" + std::to_string(k++), 2000, 1, 250, 0b10));
        s.pods.push_back(pod("p" + std::to_string(k++), 8000, 2, 1000, 0b01));
        s.pods.push_back(pod("p" + std::to_string(k++), 6000, 0, 0));
        s.pods.push_back(pod("p" + std::to_string(k++), 1000, 1, 1000));
    }
    return s;
}

TEST(SharingProblem, ClusterAndPodsComeBackFromTheirProblem) {
    const Small s = small();
    const Problem problem(problem_data(s.cluster, s.pods));
    const SharingProblem view = sharing_problem(problem);
    ASSERT_EQ(view.cluster.nodes.size(), s.cluster.nodes.size());
    EXPECT_EQ(view.cluster.device_capacity, 1000);
    for (std::size_t j = 0; j < s.cluster.nodes.size(); ++j) {
        const Node& a = s.cluster.nodes[j];
        const Node& b = view.cluster.nodes[j];
        EXPECT_EQ(b.id, a.id);
        EXPECT_EQ(b.cpu, a.cpu);
        EXPECT_EQ(b.memory, a.memory);
        EXPECT_EQ(b.devices, a.devices);
        ASSERT_EQ(b.model >= 0, a.model >= 0);
        if (a.model >= 0) {
            EXPECT_EQ(view.cluster.models[static_cast<std::size_t>(b.model)],
                      s.cluster.models[static_cast<std::size_t>(a.model)]);
        }
        EXPECT_EQ(b.units, static_cast<std::int64_t>(s.pods.size()));  // never binding
    }
    ASSERT_EQ(view.pods.size(), s.pods.size());
    for (std::size_t i = 0; i < s.pods.size(); ++i) {
        EXPECT_EQ(view.order[i], i);
        const Pod& a = s.pods[i];
        const Pod& b = view.pods[i];
        EXPECT_EQ(b.id, a.id);
        EXPECT_EQ(b.cpu, a.cpu);
        EXPECT_EQ(b.memory, a.memory);
        EXPECT_EQ(b.devices, a.devices);
        EXPECT_EQ(b.share, a.share);
        EXPECT_EQ(b.models, a.models) << a.id;  // the same model names, the same order here
        EXPECT_EQ(b.units, 1);
    }
}

TEST(SharingProblem, EveryPolicyPlacesAsTheReplayDoesAndPassesTheIndependentCheck) {
    const Small s = small();
    const Problem problem(problem_data(s.cluster, s.pods));
    for (const std::string& name : policy_names()) {
        SCOPED_TRACE(name);
        const PlacementPolicy policy = *parse_policy(name);
        const Allocation a = place_online(problem, policy, 7);
        EXPECT_NO_THROW(check_allocation(problem, a));
        ReplayOptions options;
        options.policy = policy;
        options.seed = 7;
        const ReplayResult r = replay(s.cluster, s.pods, target_workload(s.pods), options);
        std::size_t placed = 0;
        for (std::size_t i = 0; i < s.pods.size(); ++i) {
            EXPECT_EQ(a.resource[i], r.node[i]) << s.pods[i].id;
            if (r.node[i] < 0) continue;
            ++placed;
            EXPECT_EQ(a.units[i], 1);
            EXPECT_EQ(a.devices_of(i), r.devices[i]) << s.pods[i].id;
        }
        EXPECT_EQ(placed, r.placed);
        EXPECT_GT(r.skipped, 0U);  // the cluster is too small for all: skips are exercised
        Evaluator evaluator(problem);
        const Evaluation e = evaluator.evaluate(a);
        EXPECT_TRUE(e.feasible());
        EXPECT_EQ(e.objective, static_cast<double>(r.skipped));
    }
}

TEST(SharingProblem, TasksArriveInOrderOfArrivalAndSlotsAreKept) {
    const Small s = small();
    ProblemData data = problem_data(s.cluster, s.pods);
    // The last task arrives first; node a0 has room for only two tasks.
    for (Task& t : data.tasks)
        t.arrival = 1.0;
    data.tasks.back().arrival = 0.0;
    data.resources[0].capacity["units"] = 2;
    const Problem problem(std::move(data));
    const SharingProblem view = sharing_problem(problem);
    EXPECT_EQ(view.order.front(), s.pods.size() - 1);
    EXPECT_EQ(view.order[1], 0U);
    EXPECT_EQ(view.cluster.nodes[0].units, 2);
    for (const std::string& name : policy_names()) {
        SCOPED_TRACE(name);
        const Allocation a = place_online(problem, *parse_policy(name), 3);
        EXPECT_NO_THROW(check_allocation(problem, a));
        int on_a0 = 0;
        for (std::int32_t r : a.resource)
            on_a0 += r == 0;
        EXPECT_LE(on_a0, 2);
    }
}

TEST(SharingProblem, FractionalCapacitiesRoundDownAndDemandsUp) {
    const Small s = small();
    ProblemData data = problem_data(s.cluster, s.pods);
    data.resources[0].capacity["cpu"] = 4000.9;
    data.tasks[0].demand["cpu"] = 3999.2;
    const SharingProblem view = sharing_problem(Problem(std::move(data)));
    EXPECT_EQ(view.cluster.nodes[0].cpu, 4000);
    EXPECT_EQ(view.pods[0].cpu, 4000);
}

TEST(SharingProblem, StoppedAtOnceEveryTaskStaysUnplaced) {
    const Small s = small();
    const Problem problem(problem_data(s.cluster, s.pods));
    const Allocation a = place_online(problem, PlacementPolicy::fgd, 1, [] { return true; });
    for (std::size_t i = 0; i < problem.num_tasks(); ++i)
        EXPECT_FALSE(a.placed(i));
    ReplayOptions options;
    options.stop = [] { return true; };
    const ReplayResult r = replay(s.cluster, s.pods, {}, options);
    EXPECT_TRUE(r.stopped);
    EXPECT_EQ(r.skipped, s.pods.size());
}

std::string refusal(ProblemData data) {
    const Problem problem(std::move(data));
    try {
        (void)sharing_problem(problem);
    } catch (const InputError& e) {
        return e.key() + " = " + e.value() + ": " + e.message();
    }
    return "accepted";
}

TEST(SharingProblem, ProblemsThePoliciesCannotReadAreRefusedByKey) {
    const Small s = small();
    const ProblemData base = problem_data(s.cluster, s.pods);

    ProblemData schedule = base;
    schedule.mode = Mode::schedule;
    schedule.objective = {Sense::minimize, {{Metric::makespan, 1.0}}};
    for (Task& t : schedule.tasks) {  // devices are for packing only
        t.devices = {};
        t.allowed.clear();
    }
    EXPECT_NE(refusal(schedule).find("mode = schedule"), std::string::npos) << refusal(schedule);

    ProblemData extra = base;
    for (Resource& r : extra.resources)
        r.capacity["disk"] = 100;
    EXPECT_NE(refusal(extra).find("dimensions = disk"), std::string::npos) << refusal(extra);

    ProblemData matrix = base;
    matrix.demand["cpu"] = Matrix::Constant(static_cast<Eigen::Index>(base.tasks.size()),
                                            static_cast<Eigen::Index>(base.resources.size()), 1.0);
    EXPECT_NE(refusal(matrix).find("demand.cpu"), std::string::npos) << refusal(matrix);

    ProblemData units = base;
    units.tasks[2].units = UnitChoice::range(1, 2);
    EXPECT_NE(refusal(units).find("tasks[2].units = 1..2"), std::string::npos) << refusal(units);

    ProblemData capacity = base;
    capacity.resources[2].devices.capacity = 100;
    for (Task& t : capacity.tasks) {  // the pods of model B still fit its smaller devices
        if (t.allowed == std::vector<std::string>{"B"}) t.devices.share = 50;
    }
    EXPECT_NE(refusal(capacity).find("resources[2].devices.capacity = 100"), std::string::npos)
        << refusal(capacity);

    // A list that picks one of two nodes of model A: not a choice of models.
    ProblemData by_id = base;
    by_id.tasks[2].allowed = {"a0"};
    EXPECT_NE(refusal(by_id).find("tasks[2].allowed = a0"), std::string::npos) << refusal(by_id);
    ProblemData cpu_task = base;
    cpu_task.tasks[3].allowed = {"c0"};
    EXPECT_NE(refusal(cpu_task).find("tasks[3].allowed = c0"), std::string::npos)
        << refusal(cpu_task);
    // Naming the resources of a model one by one is a choice of that model.
    ProblemData by_all = base;
    by_all.tasks[2].allowed = {"a0", "a1"};
    EXPECT_EQ(refusal(by_all), "accepted");
}

TEST(SharingProblem, ThePoliciesAreSolversByNameAndTheShortNamesPointThere) {
    const Small s = small();
    const Problem problem(problem_data(s.cluster, s.pods));
    for (const std::string& name : policy_names()) {
        SCOPED_TRACE(name);
        const SolverEntry& entry = find_solver("sharing-" + name);
        RunSettings run;
        run.max_evaluations = 10;
        Evaluator evaluator(problem);
        const Result result = entry.make({}, 5)->solve(evaluator, run, nullptr);
        ASSERT_TRUE(result.found);
        EXPECT_NO_THROW(check_allocation(problem, result.allocation));
        EXPECT_EQ(result.allocation.resource,
                  place_online(problem, *parse_policy(name), 5).resource);
    }
    try {
        (void)find_solver("fgd");
        FAIL() << "fgd is the replay's name, not a solver's";
    } catch (const InputError& e) {
        EXPECT_NE(e.message().find("did you mean 'sharing-fgd'"), std::string::npos) << e.what();
    }
    // The existing packing heuristic keeps its name.
    EXPECT_EQ(find_solver("best-fit").name, "best-fit");
}

TEST(SharingProblem, FgdOnTheBundledTraceEqualsItsReplayInTraceOrder) {
    const std::string dir = std::string(ALLOCOPT_PROBLEMS) + "/alibaba-gpu/";
    const Cluster cluster = import_alibaba_nodes(dir + "openb_node_list_gpu_node.csv");
    const std::vector<Pod> pods = import_alibaba_pods(dir + "openb_pod_list_default.csv", cluster);
    const Problem problem = import_alibaba_problem(dir + "openb_node_list_gpu_node.csv",
                                                   dir + "openb_pod_list_default.csv");
    const Allocation a = place_online(problem, PlacementPolicy::fgd, 42);
    ReplayOptions options;
    options.seed = 42;
    const ReplayResult r = replay(cluster, pods, target_workload(pods), options);
    ASSERT_EQ(a.resource.size(), r.node.size());
    EXPECT_EQ(a.resource, r.node);
    std::size_t placed = 0;
    for (std::size_t i = 0; i < pods.size(); ++i)
        placed += a.placed(i);
    EXPECT_EQ(placed, r.placed);
    EXPECT_GT(r.skipped, 0U);
    EXPECT_NO_THROW(check_allocation(problem, a));
}

}  // namespace
}  // namespace allocopt::sharing
