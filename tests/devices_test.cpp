// Devices in the problem model (docs/sharing.md §Problems with devices): validation
// (src/problem.cpp), the per-device checks of an allocation (src/allocation.cpp), the
// Evaluator's device packing (src/evaluator.cpp), delta moves on such problems (src/delta.cpp),
// the YAML forms (src/io/problem_yaml.cpp, problem_writer.cpp, result_io.cpp) and the Alibaba
// trace as a Problem, checked against the replay's placements.

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>

#include "allocopt/allocation.hpp"
#include "allocopt/delta.hpp"
#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/io/problem_writer.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/sharing.hpp"
#include "allocopt/solve.hpp"

namespace allocopt {
namespace {

// One node with 8 GPUs of 1000, and `tasks` extra task lines.
Problem eight_gpus(const std::string& tasks) {
    return parse_problem(R"(
name: eight
mode: packing
resources:
  - {id: n0, kind: V100, capacity: {units: 100, cpu: 64000}, devices: {count: 8, capacity: 1000, model: V100}}
  - {id: cpu, kind: cpu, capacity: {units: 100, cpu: 64000}}
tasks:
)" + tasks + R"(
objective: {minimize: unplaced}
)")
        .problem;
}

std::string half_tasks(int count) {
    std::string text;
    for (int i = 0; i < count; ++i)
        text += "  - {id: h" + std::to_string(i) +
                ", optional: true, demand: {cpu: 1000}, devices: {share: 500}}\n";
    return text;
}

std::string error_key(const std::string& yaml) {
    try {
        parse_problem(yaml);
    } catch (const InputError& e) {
        return e.key();
    }
    return "(no error)";
}

TEST(Devices, ValidationNamesTheKeyAndValue) {
    const std::string head = "mode: packing\nresources:\n";
    const std::string node =
        "  - {id: n, capacity: {units: 1}, devices: {count: 2, capacity: 1000, model: T4}}\n";
    const std::string tail = "objective: {minimize: unplaced}\n";
    EXPECT_EQ(error_key(head + "  - {id: n, capacity: {units: 1}, devices: {count: 65}}\n" +
                        "tasks:\n  - {id: a}\n" + tail),
              "resources[0].devices.count");
    EXPECT_EQ(
        error_key(head + "  - {id: n, capacity: {units: 1}, devices: {count: 2, capacity: 0}}\n" +
                  "tasks:\n  - {id: a}\n" + tail),
        "resources[0].devices.capacity");
    EXPECT_EQ(
        error_key(head + node + "tasks:\n  - {id: a, devices: {count: 1, share: 0}}\n" + tail),
        "tasks[0].devices.share");
    EXPECT_EQ(
        error_key(head + node + "tasks:\n  - {id: a, devices: {count: 0, share: 5}}\n" + tail),
        "tasks[0].devices.share");
    EXPECT_EQ(
        error_key(head + node + "tasks:\n  - {id: a, devices: {count: 3, share: 1000}}\n" + tail),
        "tasks[0].devices.count");
    EXPECT_EQ(error_key(head + node + "tasks:\n  - {id: a, devices: {share: 1500}}\n" + tail),
              "tasks[0].devices.count");
    EXPECT_EQ(error_key("resources:\n" + node + "tasks:\n  - {id: a, devices: {share: 500}}\n" +
                        "objective: {minimize: makespan}\n"),
              "mode");
    // `allowed` may name the devices' model; an unknown model is refused with a hint.
    EXPECT_EQ(error_key(head + node +
                        "tasks:\n  - {id: a, devices: {share: 500}, allowed: [T4]}\n" + tail),
              "(no error)");
    try {
        parse_problem(head + node + "tasks:\n  - {id: a, devices: {share: 500}, allowed: [T5]}\n" +
                      tail);
        FAIL() << "an unknown model was accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "tasks[0].allowed[0]");
        EXPECT_NE(e.message().find("did you mean 'T4'"), std::string::npos) << e.message();
    }
}

TEST(Devices, EightHalfUsedGpusCannotTakeAWholeGpuButTakeAnotherHalf) {
    // Eight halves named one per device, then a whole-GPU task and a half on device 0.
    std::string tasks = half_tasks(8);
    tasks += "  - {id: whole, optional: true, devices: {share: 1000}}\n";
    const Problem p = eight_gpus(tasks);
    Allocation a(p.num_tasks());
    a.devices.assign(p.num_tasks(), 0);
    for (std::size_t i = 0; i < 8; ++i) {
        a.place(i, 0, 1);
        a.devices[i] = std::uint64_t{1} << i;
    }
    Evaluator ev(p);
    EXPECT_TRUE(ev.evaluate(a).feasible());
    check_allocation(p, a);
    // The whole GPU, left to the Evaluator: no device has 1000 free.
    a.place(8, 0, 1);
    const Report r = ev.report(a);
    EXPECT_FALSE(r.evaluation.feasible());
    EXPECT_DOUBLE_EQ(r.capacity_violation, 1.0);  // one device's worth is missing
    EXPECT_EQ(r.devices[8], 0U);
    // Named on device 3, it overflows that device by 500 of 1000.
    a.devices[8] = std::uint64_t{1} << 3;
    EXPECT_DOUBLE_EQ(ev.report(a).capacity_violation, 0.5);
    EXPECT_THROW(check_allocation(p, a), InputError);
}

TEST(Devices, TheEvaluatorPacksSharesBestFitAndReportsItsChoice) {
    // 16 halves fit exactly, two per device; a 17th does not.
    const Problem p = eight_gpus(half_tasks(17));
    Allocation a(p.num_tasks());
    for (std::size_t i = 0; i < 16; ++i)
        a.place(i, 0, 1);
    Evaluator ev(p);
    const Report r = ev.report(a);
    ASSERT_TRUE(r.evaluation.feasible());
    ASSERT_EQ(r.devices.size(), p.num_tasks());
    std::vector<int> per_device(8, 0);
    for (std::size_t i = 0; i < 16; ++i) {
        ASSERT_EQ(std::popcount(r.devices[i]), 1) << i;
        ++per_device[static_cast<std::size_t>(std::countr_zero(r.devices[i]))];
    }
    for (int count : per_device)
        EXPECT_EQ(count, 2);
    // Best fit: the second half joins the first on device 0.
    EXPECT_EQ(r.devices[0], 1U);
    EXPECT_EQ(r.devices[1], 1U);
    // The reported choice, written into the allocation, passes the independent check.
    Allocation named = a;
    named.devices = r.devices;
    check_allocation(p, named);
    EXPECT_EQ(ev.evaluate(named).violation, 0.0);
    a.place(16, 0, 1);
    EXPECT_FALSE(ev.evaluate(a).feasible());
    EXPECT_EQ(ev.evaluate(a).objective, 0.0);  // every task placed, one without devices
}

TEST(Devices, AMaskThatIsNotTheTasksDevicesIsAPlacementViolation) {
    const Problem p =
        eight_gpus(half_tasks(1) + "  - {id: two, devices: {count: 2, share: 1000}}\n");
    Allocation a(p.num_tasks());
    a.place(0, 0, 1);
    a.place(1, 0, 1);
    a.devices = {std::uint64_t{1} << 9, 0b11};  // device 9 does not exist
    Evaluator ev(p);
    EXPECT_DOUBLE_EQ(ev.report(a).placement_violation, 1.0);
    EXPECT_THROW(check_decisions(p, a), InputError);
    a.devices = {0b1, 0b1};  // the two-device task names one device
    EXPECT_THROW(check_decisions(p, a), InputError);
    EXPECT_GT(ev.report(a).placement_violation, 0.0);
    a.devices = {0b1, 0b110};
    check_allocation(p, a);
    EXPECT_TRUE(ev.evaluate(a).feasible());
    // A task on a resource without devices cannot take any.
    a.place(1, 1, 1);
    EXPECT_FALSE(ev.evaluate(a).feasible());
}

/// Every score of `state` against a fresh evaluation of the allocation it stands for: each
/// move and swap is scored, applied (the allocation then names the devices the move took),
/// checked, undone and checked again.
void check_deltas_against_full(const Problem& p, Allocation start, unsigned seed, int steps) {
    Evaluator ev(p);
    DeltaState state(ev, start);
    ASSERT_TRUE(state.incremental());
    const Evaluation first = ev.evaluate(state.allocation());
    EXPECT_DOUBLE_EQ(state.current().objective, first.objective);
    EXPECT_NEAR(state.current().violation, first.violation, 1e-9);
    std::mt19937 rng(seed);
    const auto m = static_cast<std::int32_t>(p.num_resources());
    for (int step = 0; step < steps; ++step) {
        SCOPED_TRACE(step);
        const Evaluation before = state.current();
        const std::size_t t = rng() % p.num_tasks();
        Evaluation scored;
        const std::size_t u = rng() % p.num_tasks();
        // A swap keeps each task's unit count: both must be placed (DeltaState::score_swap).
        if (rng() % 3 == 0 && state.allocation().placed(t) && state.allocation().placed(u)) {
            scored = state.score_swap(t, u);
            EXPECT_EQ(state.current().violation, before.violation);  // scoring changes nothing
            state.apply_swap(t, u);
        } else {
            const auto r = static_cast<std::int32_t>(rng() % static_cast<unsigned>(m + 1)) - 1;
            scored = state.score_move(t, r, 1);
            state.apply_move(t, r, 1);
        }
        const Allocation& now = state.allocation();
        for (std::size_t i = 0; i < p.num_tasks(); ++i) {  // every device task names its devices
            const int want = p.task(i).devices.count;
            if (!now.placed(i) || want == 0) continue;
            const auto j = static_cast<std::size_t>(now.resource[i]);
            const int named = std::popcount(now.devices_of(i));
            EXPECT_EQ(named, p.resource(j).devices.count >= want ? want : 0) << i;
        }
        const Evaluation full = ev.evaluate(now);
        EXPECT_DOUBLE_EQ(scored.objective, full.objective);
        EXPECT_NEAR(scored.violation, full.violation, 1e-9);
        EXPECT_DOUBLE_EQ(state.current().objective, full.objective);
        EXPECT_NEAR(state.current().violation, full.violation, 1e-9);
        if (rng() % 4 == 0) {
            state.undo();
            EXPECT_DOUBLE_EQ(state.current().objective, before.objective);
            EXPECT_NEAR(state.current().violation, before.violation, 1e-9);
            const Evaluation back = ev.evaluate(state.allocation());
            EXPECT_NEAR(back.violation, before.violation, 1e-9);
        }
    }
}

TEST(Devices, DeltaMovesAreIncrementalAndScoreExactlyAsAFullEvaluation) {
    // One node overfull from the start: scores with violations and without.
    const Problem p =
        eight_gpus(half_tasks(10) + "  - {id: w, devices: {count: 4, share: 1000}}\n");
    Allocation a(p.num_tasks());
    for (std::size_t i = 0; i < p.num_tasks(); ++i)
        a.place(i, 0, 1);
    check_deltas_against_full(p, a, 1, 400);
}

TEST(Devices, DeltaMovesOnASmallClusterScoreExactlyAsAFullEvaluation) {
    // Nodes of 1, 2, 4 and 8 devices and one without; shares, whole devices and CPU pods,
    // some restricted by model; a start with devices named, chosen, and some overfull.
    std::string yaml = R"(
name: mixed
mode: packing
resources:
  - {id: a, kind: T4, capacity: {units: 50, cpu: 16000}, devices: {count: 1, capacity: 1000, model: T4}}
  - {id: b, kind: T4, capacity: {units: 50, cpu: 32000}, devices: {count: 2, capacity: 1000, model: T4}}
  - {id: c, kind: V100, capacity: {units: 50, cpu: 64000}, devices: {count: 4, capacity: 1000, model: V100}}
  - {id: d, kind: V100, capacity: {units: 50, cpu: 96000}, devices: {count: 8, capacity: 1000, model: V100}}
  - {id: e, kind: cpu, capacity: {units: 50, cpu: 64000}}
tasks:
)";
    const int shares[] = {250, 500, 700, 1000};
    for (int i = 0; i < 30; ++i) {
        const std::string id = "t" + std::to_string(i);
        const int kind = i % 6;
        if (kind == 5) {
            yaml += "  - {id: " + id + ", optional: true, demand: {cpu: 4000}}\n";
        } else if (kind == 4) {
            yaml += "  - {id: " + id + ", optional: true, demand: {cpu: 8000}, devices: {count: " +
                    std::to_string(2 + i % 3) + ", share: 1000}}\n";
        } else {
            yaml += "  - {id: " + id + ", optional: true, demand: {cpu: 2000}, devices: {share: " +
                    std::to_string(shares[kind]) + "}" +
                    (i % 7 == 0 ? std::string(", allowed: [V100]") : std::string()) + "}\n";
        }
    }
    yaml += "objective: {minimize: unplaced}\n";
    const Problem p = parse_problem(yaml).problem;
    std::mt19937 rng(7);
    for (unsigned seed : {1U, 2U, 3U}) {
        SCOPED_TRACE(seed);
        Allocation start(p.num_tasks());
        for (std::size_t i = 0; i < p.num_tasks(); ++i) {
            const auto r = static_cast<std::int32_t>(rng() % 6) - 1;
            if (r >= 0) start.place(i, r, 1);
        }
        check_deltas_against_full(p, start, seed, 600);
    }
}

TEST(Devices, TheYamlFormsRoundTrip) {
    const Problem p = eight_gpus(half_tasks(2) + "  - {id: w, devices: {count: 2, share: 1000}}\n");
    const Problem back = parse_problem(problem_text(p)).problem;
    EXPECT_EQ(back.resource(0).devices.count, 8);
    EXPECT_EQ(back.resource(0).devices.capacity, 1000);
    EXPECT_EQ(back.resource(0).devices.model, "V100");
    EXPECT_EQ(back.resource(1).devices.count, 0);
    EXPECT_EQ(back.task(2).devices.count, 2);
    EXPECT_EQ(back.task(2).devices.share, 1000);
    EXPECT_EQ(back.task(0).devices.count, 1);
    EXPECT_EQ(back.task(0).devices.share, 500);

    Allocation a(p.num_tasks());
    a.place(0, 0, 1);
    a.place(1, 0, 1);
    a.place(2, 0, 1);
    a.devices = {0b1, 0b1, 0b1100};
    const Allocation read = parse_allocation(allocation_text(p, a, OutputFormat::yaml), p);
    EXPECT_EQ(read, a);
    // The result document writes the Evaluator's choice where the allocation names none.
    Allocation chosen(p.num_tasks());
    chosen.place(0, 0, 1);
    chosen.place(2, 0, 1);
    const Allocation from_choice =
        parse_allocation(allocation_text(p, chosen, OutputFormat::yaml), p);
    EXPECT_TRUE(from_choice.devices.empty());

    try {
        parse_allocation("assignment:\n  - {task: h0, resource: n0, devices: [1, 1]}\n", p);
        FAIL() << "a device listed twice was accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "assignment[0].devices[1]");
        EXPECT_EQ(e.position().line, 2);
    }
    try {
        parse_allocation("assignment:\n  - {task: h0, resource: n0, devices: [0, 1]}\n", p);
        FAIL() << "two devices for a one-device task were accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "assignment[0].devices");
    }
}

TEST(Devices, TheReplaysPlacementsAreFeasibleInTheProblemModel) {
    // The model checked against an independent placement engine: a whole FGD replay of
    // Alibaba's default trace (shuffled, not inflated, so each pod is one task), turned into
    // an allocation, passes check_allocation and scores feasible with exactly the replay's
    // skipped pods unplaced.
    const std::string nodes = ALLOCOPT_PROBLEMS "/alibaba-gpu/openb_node_list_gpu_node.csv";
    const std::string pods_path = ALLOCOPT_PROBLEMS "/alibaba-gpu/openb_pod_list_default.csv";
    const Problem p = import_alibaba_problem(nodes, pods_path);
    ASSERT_EQ(p.num_resources(), 1213U);
    ASSERT_EQ(p.num_tasks(), 8152U);
    ASSERT_TRUE(p.has_devices());
    const sharing::Cluster cluster = import_alibaba_nodes(nodes);
    const std::vector<sharing::Pod> pods = import_alibaba_pods(pods_path, cluster);
    const std::vector<sharing::Pod> arrivals =
        sharing::arrival_sequence(pods, cluster, 42, true, 0);
    sharing::ReplayOptions options;
    const sharing::ReplayResult r =
        sharing::replay(cluster, arrivals, sharing::target_workload(pods), options);
    Allocation a(p.num_tasks());
    a.devices.assign(p.num_tasks(), 0);
    for (std::size_t k = 0; k < arrivals.size(); ++k) {
        if (r.node[k] < 0) continue;
        const std::size_t i = *p.task_index(arrivals[k].id);
        a.place(i, r.node[k], 1);
        a.devices[i] = r.devices[k];
    }
    check_allocation(p, a);
    Evaluator ev(p);
    const Report report = ev.report(a);
    EXPECT_EQ(report.evaluation.violation, 0.0);
    EXPECT_DOUBLE_EQ(report.metric(Metric::unplaced), static_cast<double>(r.skipped));
    EXPECT_EQ(report.devices, a.devices);
    // And a tampered allocation is caught by both: a whole-GPU pod moved onto a device that
    // is already full.
    std::size_t whole = p.num_tasks(), other = p.num_tasks();
    for (std::size_t i = 0; i < p.num_tasks() && (whole == p.num_tasks() || other == p.num_tasks());
         ++i) {
        if (!a.placed(i) || p.task(i).devices.count != 1) continue;
        if (p.task(i).devices.share == 1000 && whole == p.num_tasks()) {
            whole = i;
        } else if (other == p.num_tasks() && p.task(i).devices.share == 1000) {
            other = i;
        }
    }
    ASSERT_LT(other, p.num_tasks());
    Allocation bad = a;
    bad.resource[other] = a.resource[whole];
    bad.devices[other] = a.devices[whole];
    EXPECT_THROW(check_allocation(p, bad), InputError);
    EXPECT_GT(ev.evaluate(bad).violation, 0.0);
}

TEST(Devices, ProblemsWithoutDevicesKeepTheirFastPaths) {
    // No task asks for devices: nothing device-related is allocated or reported.
    const Problem p = parse_problem(R"(
mode: packing
resources:
  - {id: a, capacity: {units: 2}, devices: {count: 4}}
tasks:
  - {id: t}
objective: {minimize: cost}
)")
                          .problem;
    EXPECT_FALSE(p.has_devices());
    Allocation a(1);
    a.place(0, 0, 1);
    Evaluator ev(p);
    EXPECT_TRUE(ev.report(a).devices.empty());
}

TEST(Devices, EverySolverGivesAFeasibleAllocationAsItScoresIt) {
    // Heuristics that take tasks out of task order (first fit decreasing, best fit, regret)
    // choose devices in their own order; the allocation they return names those devices, so
    // the Evaluator scores what they built. Each solver's result, with the devices the
    // Evaluator reports, must pass the independent check.
    const Problem p = read_problem_file(ALLOCOPT_PROBLEMS "/gpu-sharing.yaml").problem;
    ASSERT_TRUE(p.has_devices());
    RunSettings settings;
    settings.max_evaluations = 3000;
    for (const char* name :
         {"first-fit", "first-fit-decreasing", "best-fit", "regret", "local-search", "ga", "pso"}) {
        // local-search starts from min-min by default, a scheduling rule that overfills
        // CPUs here; from first fit it starts feasible.
        const OptionList options =
            std::string(name) == "local-search" ? OptionList{{"init", "first-fit"}} : OptionList{};
        const Result r = solve(p, name, options, settings);
        ASSERT_TRUE(r.found) << name;
        Evaluator ev(p);
        const Report report = ev.report(r.allocation);
        EXPECT_TRUE(report.evaluation.feasible())
            << name << " violation " << report.evaluation.violation;
        EXPECT_DOUBLE_EQ(report.evaluation.objective, r.evaluation.objective) << name;
        Allocation named = r.allocation;
        named.devices = report.devices;
        EXPECT_NO_THROW(check_allocation(p, named)) << name;
        EXPECT_LT(report.metric(Metric::unplaced), 80.0) << name;
    }
    // On the whole trace, first fit decreasing fills nodes in an order where choosing the
    // devices again in task order finds no room for some (19.9 of violation before the bins
    // named their devices).
    const Problem trace =
        import_alibaba_problem(ALLOCOPT_PROBLEMS "/alibaba-gpu/openb_node_list_gpu_node.csv",
                               ALLOCOPT_PROBLEMS "/alibaba-gpu/openb_pod_list_default.csv");
    for (const char* name : {"first-fit-decreasing", "best-fit"}) {
        const Result r = solve(trace, name, {}, settings);
        EXPECT_TRUE(r.evaluation.feasible()) << name << " violation " << r.evaluation.violation;
    }
}

}  // namespace
}  // namespace allocopt
