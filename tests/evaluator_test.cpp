#include "allocopt/evaluator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <tuple>

#include "allocopt/io/problem_yaml.hpp"
#include "detail/evaluator_internals.hpp"

namespace allocopt {
namespace {

// One 4-unit GPU and three tasks; linear scaling, so duration = workload / units.
//   a: arrives 0, 2 units, 4 long, priority 1
//   b: arrives 1, 4 units, 3 long, priority 3
//   c: arrives 0, 2 units, 1 long, priority 2
Problem three_tasks(const std::string& policy) {
    return parse_problem(R"(
name: three
policy: )" + policy + R"(
resources:
  - {id: gpu, kind: gpu, capacity: {units: 4}}
tasks:
  - {id: a, workload: 8, units: 2, arrival: 0, priority: 1}
  - {id: b, workload: 12, units: 4, arrival: 1, priority: 3}
  - {id: c, workload: 2, units: 2, arrival: 0, priority: 2}
objective: {minimize: makespan}
allocation:
  - {task: a, resource: gpu, units: 2}
  - {task: b, resource: gpu, units: 4}
  - {task: c, resource: gpu, units: 2}
)")
        .problem;
}

Allocation all_on_gpu() {
    Allocation a(3);
    a.place(0, 0, 2);
    a.place(1, 0, 4);
    a.place(2, 0, 2);
    return a;
}

void expect_schedule(const Report& r, std::vector<double> start, std::vector<double> end) {
    for (std::size_t i = 0; i < start.size(); ++i) {
        EXPECT_DOUBLE_EQ(r.start[i], start[i]) << "task " << i;
        EXPECT_DOUBLE_EQ(r.end[i], end[i]) << "task " << i;
    }
}

TEST(Evaluator, FcfsRunsInArrivalOrderWithoutOvertaking) {
    // a and c share the GPU from 0; b needs all 4 units, so it waits for a to end at 4.
    const Problem p = three_tasks("fcfs");
    Evaluator ev(p);
    const Report r = ev.report(all_on_gpu());
    expect_schedule(r, {0, 4, 0}, {4, 7, 1});
    EXPECT_DOUBLE_EQ(r.metric(Metric::makespan), 7);
    EXPECT_DOUBLE_EQ(r.metric(Metric::flowtime), 12);
    EXPECT_TRUE(r.evaluation.feasible());
    EXPECT_DOUBLE_EQ(ev.evaluate(all_on_gpu()).objective, 7);
}

TEST(Evaluator, SjfRunsShortestFirst) {
    // Order c (1), b (3), a (4): c at 0, b at its arrival 1 once c is done, a after b.
    const Problem p = three_tasks("sjf");
    const Report r = Evaluator(p).report(all_on_gpu());
    expect_schedule(r, {4, 1, 0}, {8, 4, 1});
    EXPECT_DOUBLE_EQ(r.metric(Metric::makespan), 8);
}

TEST(Evaluator, PriorityRunsHighestFirst) {
    // Order b (3), c (2), a (1): b at 1, c when b ends at 4, a beside c at 4.
    const Problem p = three_tasks("priority");
    const Report r = Evaluator(p).report(all_on_gpu());
    expect_schedule(r, {4, 1, 4}, {8, 4, 5});
    EXPECT_DOUBLE_EQ(r.metric(Metric::weighted_completion), 1 * 8 + 3 * 4 + 2 * 5);
    EXPECT_DOUBLE_EQ(r.metric(Metric::mean_response), (8.0 + 3.0 + 5.0) / 3.0);
}

// One 4-unit GPU, all arriving at 0, linear scaling (work = workload = duration x units):
//   a: 1 unit, 6 long (work 6, priority 9); b: 4 units, 2 long (work 8);
//   c: 2 units, 4 long (work 8);            d: 2 units, 1 long (work 2).
Problem four_tasks(bool backfill) {
    return parse_problem(std::string(R"(
name: four
policy: ljf
backfill: )") + (backfill ? "true" : "false") +
                         R"(
resources:
  - {id: gpu, kind: gpu, capacity: {units: 4}}
tasks:
  - {id: a, workload: 6, units: 1, priority: 9}
  - {id: b, workload: 8, units: 4}
  - {id: c, workload: 8, units: 2}
  - {id: d, workload: 2, units: 2}
objective: {minimize: makespan}
)")
        .problem;
}

Report four_tasks_report(bool backfill) {
    Allocation a(4);
    const std::int32_t units[] = {1, 4, 2, 2};
    for (std::size_t i = 0; i < 4; ++i)
        a.place(i, 0, units[i]);
    return Evaluator(four_tasks(backfill)).report(a);
}

// ljf: a, c, b, d (by duration 6, 4, 2, 1). a and c start at 0 (3 units); b needs all four
// and waits for a to end at 6; d may not overtake b and waits for it to end at 8. By work
// the order would be b, c, a, d; by priority a first; fcfs runs a, b waits for all four.
TEST(Evaluator, LjfRunsTheLongestFirst) {
    EXPECT_EQ(four_tasks(false).policy(), Policy::ljf);
    EXPECT_FALSE(four_tasks(false).backfill());
    const Report r = four_tasks_report(false);
    expect_schedule(r, {0, 6, 0, 8}, {6, 8, 4, 9});
    EXPECT_DOUBLE_EQ(r.metric(Metric::makespan), 9);
}

// With backfilling, d (2 units for 1) starts when c ends at 4, beside a, before b, which is
// ahead of it in the queue: it ends at 5, before b's start at 6, which it does not delay.
TEST(Evaluator, BackfillingStartsATaskBeforeOneAheadOfItWithoutDelayingIt) {
    EXPECT_TRUE(four_tasks(true).backfill());
    const Report r = four_tasks_report(true);
    expect_schedule(r, {0, 6, 0, 4}, {6, 8, 4, 5});
    EXPECT_DOUBLE_EQ(r.metric(Metric::makespan), 8);
}

// Backfilling against its definition, computed here the slow way: in queue order, each task
// starts at the earliest time not before its arrival at which its units fit beside every task
// placed before it for its whole duration. That time is its arrival or the end of a placed
// task, and a fit need only be checked where the usage rises: at the candidate itself and at
// each placed start inside the window. 200 random problems of 3 resources and 40-90 tasks, and
// 10 of 250-350 tasks on one resource (profiles of hundreds of segments); resources of 8 units
// (every unit count's tail followed) or 12 (more counts than are followed), fcfs queues or ljf
// ones (longest first: most tasks start after every gap), arrivals or none.
TEST(Evaluator, BackfillingStartsEachTaskAtTheEarliestTimeItFits) {
    std::mt19937 rng(17);
    for (int round = 0; round < 210; ++round) {
        SCOPED_TRACE(round);
        const bool big = round >= 200;
        const std::uint32_t resources = big ? 1 : 3;
        const int n = big ? 250 + static_cast<int>(rng() % 101) : 40 + static_cast<int>(rng() % 51);
        const std::int32_t capacity = round % 2 == 0 ? 8 : 12;
        const bool ljf = round % 4 >= 2, arrivals = round % 3 != 0;
        std::string yaml =
            std::string("policy: ") + (ljf ? "ljf" : "fcfs") + "\nbackfill: true\nresources:\n";
        for (std::uint32_t j = 0; j < resources; ++j) {
            yaml += "  - {id: r" + std::to_string(j) +
                    ", capacity: {units: " + std::to_string(capacity) + "}}\n";
        }
        yaml += "tasks:\n";
        std::vector<std::int32_t> units(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            units[static_cast<std::size_t>(i)] =
                1 + static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(capacity));
            yaml += "  - {id: t" + std::to_string(i) +
                    ", workload: " + std::to_string(1 + rng() % 40) +
                    ", units: " + std::to_string(units[static_cast<std::size_t>(i)]) +
                    ", arrival: " + std::to_string(arrivals ? rng() % 30 : 0) + "}\n";
        }
        yaml += "objective: {minimize: makespan}\n";
        const Problem p = parse_problem(yaml).problem;
        ASSERT_TRUE(p.backfill());
        Allocation a(p.num_tasks());
        for (std::size_t i = 0; i < p.num_tasks(); ++i)
            a.place(i, static_cast<std::int32_t>(rng() % resources), units[i]);
        Evaluator ev(p);
        const Report r = ev.report(a);
        for (std::size_t j = 0; j < resources; ++j) {
            std::vector<std::size_t> queue;
            for (std::size_t i = 0; i < p.num_tasks(); ++i) {
                if (a.resource[i] == static_cast<std::int32_t>(j)) queue.push_back(i);
            }
            std::stable_sort(queue.begin(), queue.end(), [&](std::size_t x, std::size_t y) {
                if (ljf) {  // longest first, then most units, then arrival
                    const double dx = ev.duration(x, j, units[x]), dy = ev.duration(y, j, units[y]);
                    if (dx != dy) return dx > dy;
                    if (units[x] != units[y]) return units[x] > units[y];
                }
                return p.arrival(x) < p.arrival(y);
            });
            struct Placed {
                double start, end;
                std::int32_t units;
            };
            std::vector<Placed> placed;
            const auto used_at = [&](double t) {
                std::int32_t sum = 0;
                for (const Placed& q : placed) {
                    if (q.start <= t && t < q.end) sum += q.units;
                }
                return sum;
            };
            for (const std::size_t i : queue) {
                const double dur = ev.duration(i, j, units[i]);
                std::vector<double> candidates{p.arrival(i)};
                for (const Placed& q : placed) {
                    if (q.end > p.arrival(i)) candidates.push_back(q.end);
                }
                std::sort(candidates.begin(), candidates.end());
                double start = -1;
                for (const double t : candidates) {
                    bool fits = used_at(t) + units[i] <= capacity;
                    for (const Placed& q : placed) {
                        if (fits && q.start > t && q.start < t + dur)
                            fits = used_at(q.start) + units[i] <= capacity;
                    }
                    if (fits) {
                        start = t;
                        break;
                    }
                }
                ASSERT_GE(start, 0.0);
                EXPECT_EQ(r.start[i], start) << "task " << i << " on r" << j;
                placed.push_back({start, start + dur, units[i]});
            }
        }
    }
}

// Backfilling with arrivals, a second dimension and a task too big for the resource. One
// resource of 4 units and 10 memory; queue (fcfs): big (5 units, 1 long, arrives 0: too big,
// so it runs alone, once every task before it has ended), long (2 units, 6 memory, 4 long,
// arrives 1), wide (2 units, 6 memory, 1 long, arrives 2: memory keeps it off beside long),
// small (1 unit, 1 memory, 1 long, arrives 3: beside long, before wide, not before 3).
// (A second resource, unused, makes big a valid task.)
TEST(Evaluator, BackfillingKeepsArrivalsEveryDimensionAndRunsATooBigTaskAlone) {
    const Problem p = parse_problem(R"(
name: backfill
policy: fcfs
backfill: true
resources:
  - {id: r, capacity: {units: 4, memory: 10}}
  - {id: spare, capacity: {units: 5, memory: 10}}
tasks:
  - {id: big, workload: 5, units: 5, arrival: 0}
  - {id: long, workload: 8, units: 2, arrival: 1, demand: {memory: 6}}
  - {id: wide, workload: 2, units: 2, arrival: 2, demand: {memory: 6}}
  - {id: small, workload: 1, units: 1, arrival: 3, demand: {memory: 1}}
objective: {minimize: makespan}
)")
                          .problem;
    Allocation a(4);
    const std::int32_t units[] = {5, 2, 2, 1};
    for (std::size_t i = 0; i < 4; ++i)
        a.place(i, 0, units[i]);
    const Report r = Evaluator(p).report(a);
    // big 0-1 (alone: nothing before it); long at its arrival 1, to 5; wide: from its arrival
    // it would overlap long (memory 12): after long, 5-6; small at its arrival 3 beside long
    // (3 units, 7 memory), to 4.
    expect_schedule(r, {0, 1, 5, 3}, {1, 5, 6, 4});
    EXPECT_FALSE(r.evaluation.feasible());  // big is a capacity violation
    EXPECT_GT(r.capacity_violation, 0);
}

TEST(Evaluator, LjfRespectsArrivalsAndBreaksTiesByUnitsThenArrival) {
    // three_tasks (durations a 4, b 3, c 1): order a, b, c. a runs 0-4; b arrives at 1 and
    // waits for all four units until 4; c may not overtake b and waits until b ends at 7.
    const Report r = Evaluator(three_tasks("ljf")).report(all_on_gpu());
    expect_schedule(r, {0, 4, 7}, {4, 7, 8});
    // Equal durations: the task with more units first, whatever the index.
    const Problem units = parse_problem(R"(
name: units
policy: ljf
resources:
  - {id: gpu, kind: gpu, capacity: {units: 2}}
tasks:
  - {id: one, workload: 3, units: 1}
  - {id: two, workload: 6, units: 2}
objective: {minimize: makespan}
)")
                              .problem;
    Allocation u(2);
    u.place(0, 0, 1);
    u.place(1, 0, 2);
    const Report ru = Evaluator(units).report(u);
    EXPECT_DOUBLE_EQ(ru.start[1], 0);
    EXPECT_DOUBLE_EQ(ru.start[0], 3);
    // Equal durations and units: the earlier arrival first, whatever the index.
    const Problem tie = parse_problem(R"(
name: tie
policy: ljf
resources:
  - {id: gpu, kind: gpu, capacity: {units: 1}}
tasks:
  - {id: late, workload: 3, arrival: 2}
  - {id: early, workload: 3, arrival: 1}
objective: {minimize: makespan}
)")
                            .problem;
    Allocation b(2);
    b.place(0, 0, 1);
    b.place(1, 0, 1);
    const Report t = Evaluator(tie).report(b);
    EXPECT_DOUBLE_EQ(t.start[1], 1);
    EXPECT_DOUBLE_EQ(t.start[0], 4);
}

TEST(Evaluator, UtilizationAndParallelismOverTime) {
    const Problem p = three_tasks("fcfs");
    const Report r = Evaluator(p).report(all_on_gpu());
    // busy unit-time 2*4 + 4*3 + 2*1 = 22 over 4 units x makespan 7.
    EXPECT_DOUBLE_EQ(r.utilization[0], 22.0 / 28.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::utilization), 22.0 / 28.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::parallelism), 8.0 / 7.0);
}

TEST(Evaluator, SeedExampleThroughTheReport) {
    const ProblemFile file = read_problem_file(ALLOCOPT_PROBLEMS "/seed-example.yaml");
    const Report r = Evaluator(file.problem).report(*file.allocation);
    EXPECT_DOUBLE_EQ(r.metric(Metric::work_per_utilization), 70.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::degree_of_parallelism), 3500.0 / 600.0);
    // preprocessing 10 x 100 / 4 units = 250; training 5 x 500 / 2 units = 1250.
    EXPECT_DOUBLE_EQ(r.end[0], 250.0);
    EXPECT_DOUBLE_EQ(r.end[1], 1250.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::makespan), 1250.0);
    EXPECT_DOUBLE_EQ(r.seed.total_work, 3500.0);
}

Problem braun_like(int n, int m, const std::string& objective) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(1.0, 100.0);
    ProblemData d;
    for (int j = 0; j < m; ++j) {
        d.resources.push_back({"m" + std::to_string(j), "cpu", {{"units", 1}}});
    }
    for (int i = 0; i < n; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        d.tasks.push_back(t);
    }
    d.time = Matrix(n, m);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < m; ++j)
            d.time(i, j) = u(rng);
    }
    d.objective.terms.clear();
    if (objective == "makespan") {
        d.objective.terms.emplace_back(Metric::makespan, 1.0);
    } else {  // a term the load path cannot serve forces the general path
        d.objective.terms.emplace_back(Metric::makespan, 1.0);
        d.objective.terms.emplace_back(Metric::flowtime, 0.0);
    }
    return Problem(std::move(d));
}

std::vector<Allocation> random_allocations(const Problem& p, int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<Allocation> out;
    for (int c = 0; c < count; ++c) {
        Allocation a(p.num_tasks());
        for (std::size_t i = 0; i < p.num_tasks(); ++i) {
            a.place(i, static_cast<std::int32_t>(rng() % p.num_resources()), 1);
        }
        out.push_back(std::move(a));
    }
    return out;
}

TEST(Evaluator, LoadPathAgreesWithTheGeneralSchedule) {
    const Problem fast = braun_like(64, 8, "makespan");
    const Problem slow = braun_like(64, 8, "weighted");
    Evaluator fast_ev(fast), slow_ev(slow);
    ASSERT_EQ(detail::internals(fast_ev).path, detail::EvaluatorPath::load);
    ASSERT_EQ(detail::internals(slow_ev).path, detail::EvaluatorPath::general);
    for (const Allocation& a : random_allocations(fast, 200, 3)) {
        const Evaluation x = fast_ev.evaluate(a), y = slow_ev.evaluate(a);
        EXPECT_DOUBLE_EQ(x.objective, y.objective);
        EXPECT_DOUBLE_EQ(x.objective, fast_ev.report(a).metric(Metric::makespan));
        EXPECT_EQ(x.violation, 0.0);
    }
}

TEST(Evaluator, BatchEqualsSerialForOneAndTwoThreads) {
    const Problem p = braun_like(128, 8, "weighted");
    const std::vector<Allocation> candidates = random_allocations(p, 101, 11);
    std::vector<Evaluation> serial;
    Evaluator one(p, {.threads = 1});
    for (const Allocation& a : candidates)
        serial.push_back(one.evaluate(a));
    for (int threads : {1, 2}) {
        Evaluator ev(p, {.threads = threads});
        std::vector<Evaluation> batch(candidates.size());
        ev.evaluate_batch(candidates, batch);
        for (std::size_t c = 0; c < candidates.size(); ++c) {
            EXPECT_EQ(batch[c].objective, serial[c].objective) << "threads " << threads;
            EXPECT_EQ(batch[c].violation, serial[c].violation);
        }
        EXPECT_EQ(ev.evaluations(), candidates.size());
    }
}

// On the load path evaluate_batch scores four candidates side by side; a group with an
// unplaced task, and the last few, one at a time. Every result must be the serial one, bit
// for bit, and the makespan the report's: candidates with an unplaced task or a wrong unit
// count sit in some groups and not in others.
TEST(Evaluator, TheLoadPathsGroupsScoreAsOneCandidateAtATime) {
    const Problem p = braun_like(300, 8, "makespan");
    std::vector<Allocation> candidates = random_allocations(p, 23, 9);
    candidates[2].resource[7] = Allocation::kUnplaced;
    candidates[6].units[3] = 2;
    candidates[11].units[299] = 3;
    candidates[11].resource[0] = Allocation::kUnplaced;
    candidates[21].resource[5] = Allocation::kUnplaced;
    Evaluator one(p, {.threads = 1});
    ASSERT_EQ(detail::internals(one).path, detail::EvaluatorPath::load);
    std::vector<Evaluation> batch(candidates.size());
    one.evaluate_batch(candidates, batch);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        SCOPED_TRACE(c);
        const Evaluation serial = one.evaluate(candidates[c]);
        EXPECT_EQ(batch[c].objective, serial.objective);
        EXPECT_EQ(batch[c].violation, serial.violation);
        const Report r = one.report(candidates[c]);
        EXPECT_DOUBLE_EQ(batch[c].objective, r.metric(Metric::makespan));
        EXPECT_DOUBLE_EQ(batch[c].violation, r.evaluation.violation);
        EXPECT_EQ(batch[c].feasible(), c != 2 && c != 6 && c != 11 && c != 21);
    }
}

// A batch of little work is scored on the calling thread (under 0.2 ms, see
// evaluate_batch); this one (300 x 4096 tasks, about 1 ms) goes to the team.
TEST(Evaluator, ALargeBatchEqualsSerialForOneAndTwoThreads) {
    const Problem p = braun_like(4096, 16, "makespan");
    const std::vector<Allocation> candidates = random_allocations(p, 300, 5);
    Evaluator one(p, {.threads = 1}), two(p, {.threads = 2});
    std::vector<Evaluation> batch(candidates.size());
    two.evaluate_batch(candidates, batch);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        const Evaluation serial = one.evaluate(candidates[c]);
        EXPECT_EQ(batch[c].objective, serial.objective);
        EXPECT_EQ(batch[c].violation, serial.violation);
    }
    EXPECT_EQ(two.evaluations(), candidates.size());
}

TEST(Evaluator, OverfullPackingMeasuresViolationAsRelativeOverflow) {
    const Problem p = parse_problem(R"(
mode: packing
resources:
  - {id: small, capacity: {units: 4, memory_gb: 10}, fixed_cost: 5}
  - {id: big, capacity: {units: 8, memory_gb: 100}, fixed_cost: 20}
tasks:
  - {id: x, units: 3, demand: {memory_gb: 8}}
  - {id: y, units: 3, demand: {memory_gb: 7}}
  - {id: z, units: 1, demand: {memory_gb: 1}, optional: true}
  - {id: w, units: 1}
objective: {minimize: cost}
)")
                          .problem;
    Evaluator ev(p);
    ASSERT_EQ(detail::internals(ev).path, detail::EvaluatorPath::packing);
    Allocation a(4);
    a.place(0, 0, 3);
    a.place(1, 0, 3);  // small now holds 6 of 4 units and 15 of 10 GB
    // z (optional) and w (not optional) stay unplaced.
    const Report r = ev.report(a);
    EXPECT_DOUBLE_EQ(r.capacity_violation, 2.0 / 4.0 + 5.0 / 10.0);
    EXPECT_DOUBLE_EQ(r.placement_violation, 1.0);
    EXPECT_DOUBLE_EQ(r.evaluation.violation, 2.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::cost), 5.0);
    EXPECT_DOUBLE_EQ(r.metric(Metric::unplaced), 2.0);
    EXPECT_EQ(ev.evaluate(a).violation, r.evaluation.violation);

    a.place(1, 1, 3);
    a.place(3, 1, 1);
    const Evaluation fixed = ev.evaluate(a);
    EXPECT_TRUE(fixed.feasible());
    EXPECT_DOUBLE_EQ(fixed.objective, 25.0);
}

TEST(Evaluator, FeasibilityFirstComparison) {
    const Evaluation feasible{100, 0}, slightly{1, 0.5}, badly{0, 2};
    EXPECT_TRUE(better(feasible, slightly, Sense::minimize));
    EXPECT_TRUE(better(slightly, badly, Sense::minimize));
    EXPECT_TRUE(better(Evaluation{5, 0}, feasible, Sense::minimize));
    EXPECT_TRUE(better(feasible, Evaluation{5, 0}, Sense::maximize));
    EXPECT_FALSE(better(feasible, feasible, Sense::minimize));
}

TEST(Evaluator, ParallelForRunsEveryIndexOnceAndRethrows) {
    const Problem p = braun_like(8, 2, "makespan");
    for (int threads : {1, 2}) {
        const Evaluator ev(p, {.threads = threads});
        std::vector<int> hits(100, 0);
        ev.parallel_for(hits.size(), [&](std::size_t i) { ++hits[i]; });
        EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), 100);
        EXPECT_THROW(ev.parallel_for(10,
                                     [](std::size_t i) {
                                         if (i == 7) throw std::runtime_error("seven");
                                     }),
                     std::runtime_error);
    }
}

// Queues replayed event by event, independently of list_schedule: each resource's tasks
// sorted by the policy's rule written out here, then each task starts at the first instant
// that fits. Strict: from max(arrival, previous start), where the tasks before it that have
// not ended leave room for it. Backfilled: from its arrival, where the tasks before it leave
// room for it over its whole run. Covers the per-unit layout (capacity <= 64), the heap
// (capacity above it, or a second dimension), the backfilled profile with and without its
// per-count cache, and the sorted and precomputed queue orders (every count fixed).
struct ReplayCase {
    Policy policy;
    double capacity;
    bool fixed_counts;
    bool memory;
    bool backfill = false;
};

std::vector<std::size_t> replay_queue(const Problem& p, const Allocation& a,
                                      const std::vector<double>& duration, std::size_t j) {
    std::vector<std::size_t> q;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (a.resource[i] == static_cast<std::int32_t>(j)) q.push_back(i);
    }
    const auto key = [&](std::size_t i) {
        const Task& t = p.task(i);
        const double d = duration[i], u = a.units[i];
        switch (p.policy()) {
            case Policy::fcfs:
                return std::tuple(t.arrival, 0.0, 0.0, i);
            case Policy::sjf:
                return std::tuple(d, 0.0, 0.0, i);
            case Policy::priority:
                return std::tuple(-t.priority, t.arrival, 0.0, i);
            case Policy::ljf:
                return std::tuple(-d, -u, t.arrival, i);
        }
        return std::tuple(0.0, 0.0, 0.0, i);
    };
    std::sort(q.begin(), q.end(), [&](std::size_t x, std::size_t y) { return key(x) < key(y); });
    return q;
}

TEST(Evaluator, StrictQueuesMatchAnEventByEventReplay) {
    const std::vector<ReplayCase> cases = {
        {Policy::fcfs, 8, false, false},     {Policy::sjf, 8, false, false},
        {Policy::ljf, 8, false, false},      {Policy::priority, 8, false, false},
        {Policy::ljf, 8, true, false},       {Policy::sjf, 8, true, false},
        {Policy::ljf, 100, true, false},     {Policy::fcfs, 100, false, false},
        {Policy::ljf, 8, true, true},        {Policy::fcfs, 7.5, false, false},
        {Policy::ljf, 64, false, false},     {Policy::priority, 65, true, false},
        {Policy::ljf, 8, true, false, true}, {Policy::fcfs, 8, false, false, true},
        {Policy::sjf, 8, false, true, true}, {Policy::priority, 2000, false, false, true},
    };
    std::mt19937_64 rng(7);
    for (const ReplayCase& c : cases) {
        SCOPED_TRACE(std::string(policy_name(c.policy)) + " capacity " +
                     std::to_string(c.capacity) + (c.fixed_counts ? " fixed" : " variable") +
                     (c.memory ? " memory" : "") + (c.backfill ? " backfill" : ""));
        ProblemData d;
        d.name = "replay";
        d.policy = c.policy;
        d.backfill = c.backfill;
        for (int j = 0; j < 3; ++j) {
            Resource r{.id = "r" + std::to_string(j), .kind = "gpu"};
            r.capacity = {{"units", c.capacity}};
            if (c.memory) r.capacity["memory"] = 40;
            r.speed = 1.0 + 0.5 * j;
            d.resources.push_back(r);
        }
        const int top = static_cast<int>(std::min(c.capacity, 8.0));
        std::uniform_int_distribution<int> count(1, top), arrival(0, 6), work(0, 9);
        for (int i = 0; i < 60; ++i) {
            Task t{.id = "t" + std::to_string(i)};
            t.workload = 1 + work(rng);  // ties in duration, so the tie-breaks matter
            t.arrival = arrival(rng);
            t.priority = work(rng) % 3;
            const int u = count(rng);
            t.units = c.fixed_counts ? UnitChoice::exactly(u) : UnitChoice::range(1, top);
            if (c.memory) t.demand["memory"] = 5.0 * (1 + work(rng) % 4);
            d.tasks.push_back(t);
        }
        d.objective.terms = {{Metric::makespan, 1.0}};
        const Problem p(d);
        Evaluator ev(p);
        for (int round = 0; round < 5; ++round) {
            Allocation a(p.num_tasks());
            std::vector<double> duration(p.num_tasks());
            for (std::size_t i = 0; i < p.num_tasks(); ++i) {
                const auto j = static_cast<std::int32_t>(rng() % 3);
                const int u = c.fixed_counts ? p.task(i).units.min : count(rng);
                a.place(i, j, u);
                duration[i] = p.duration(i, static_cast<std::size_t>(j), u);
            }
            const Report r = ev.report(a);
            for (std::size_t j = 0; j < 3; ++j) {
                std::vector<std::size_t> earlier;
                double previous = 0;
                for (const std::size_t i : replay_queue(p, a, duration, j)) {
                    const double u = a.units[i];
                    const double mem = c.memory ? p.task(i).demand.at("memory") : 0.0;
                    const double from =
                        c.backfill ? p.task(i).arrival : std::max(p.task(i).arrival, previous);
                    // The instants at which room can appear: `from`, and later ends.
                    std::vector<double> at = {from};
                    for (const std::size_t k : earlier) {
                        if (r.end[k] > from) at.push_back(r.end[k]);
                    }
                    std::sort(at.begin(), at.end());
                    // Room at instant x beside the earlier tasks running then.
                    const auto room_at = [&](double x) {
                        double used = 0, used_mem = 0;
                        for (const std::size_t k : earlier) {
                            if (r.start[k] <= x && r.end[k] > x) {
                                used += a.units[k];
                                if (c.memory) used_mem += p.task(k).demand.at("memory");
                            }
                        }
                        return used + u <= c.capacity && used_mem + mem <= 40;
                    };
                    double start = at.back();
                    for (const double t : at) {
                        bool fits = room_at(t);
                        // Backfilled: also wherever an earlier task starts during the run.
                        for (const std::size_t k : earlier) {
                            if (c.backfill && r.start[k] > t && r.start[k] < t + duration[i]) {
                                fits = fits && room_at(r.start[k]);
                            }
                        }
                        if (fits) {
                            start = t;
                            break;
                        }
                    }
                    ASSERT_EQ(r.start[i], start) << "task " << i << " on r" << j;
                    ASSERT_EQ(r.end[i], start + duration[i]) << "task " << i;
                    previous = start;
                    earlier.push_back(i);
                }
            }
        }
    }
}

TEST(Evaluator, TasksTooBigForAResourceWithUnderOneUnitRunOneAfterAnother) {
    // gpu0 has half a unit: no task fits it, so each waits until the one before has ended
    // (and counts as a capacity violation); a strict queue of oversized tasks is sequential.
    const Problem p = parse_problem(R"(
name: half
resources:
  - {id: gpu0, kind: gpu, capacity: {units: 0.5}}
  - {id: gpu1, kind: gpu, capacity: {units: 4}}
tasks:
  - {id: a, workload: 2, units: 1}
  - {id: b, workload: 2, units: 1}
  - {id: c, workload: 2, units: 1}
objective: {minimize: makespan}
)")
                          .problem;
    Allocation a(3);
    for (std::size_t i = 0; i < 3; ++i)
        a.place(i, 0, 1);
    Evaluator ev(p);
    const Report r = ev.report(a);
    expect_schedule(r, {0, 2, 4}, {2, 4, 6});
    EXPECT_GT(r.capacity_violation, 0);
}

}  // namespace
}  // namespace allocopt
