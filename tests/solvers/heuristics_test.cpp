#include "allocopt/solvers/heuristics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"

namespace allocopt {
namespace {

namespace h = heuristics;
using Heuristic = std::function<Allocation(const Problem&, const StopClock&)>;

std::string instances(const std::string& name) {
    return std::string(ALLOCOPT_BENCH_INSTANCES) + "/" + name;
}

const std::vector<std::pair<std::string, Heuristic>>& all_heuristics() {
    static const std::vector<std::pair<std::string, Heuristic>> list = {
        {"min_min", h::min_min},
        {"max_min", h::max_min},
        {"sufferage", h::sufferage},
        {"mct", h::mct},
        {"met", h::met},
        {"olb", h::olb},
        {"fcfs", h::fcfs},
        {"sjf", h::sjf},
        {"ljf", h::ljf},
        {"priority", h::priority},
        {"first_fit", h::first_fit},
        {"first_fit_decreasing", h::first_fit_decreasing},
        {"best_fit", h::best_fit},
        {"regret_greedy", h::regret_greedy},
    };
    return list;
}

using Amounts = std::map<std::string, double>;

Resource resource(const std::string& id, Amounts capacity, double speed = 1.0,
                  double fixed_cost = 0.0) {
    Resource r;
    r.id = id;
    r.capacity = std::move(capacity);
    r.speed = speed;
    r.fixed_cost = fixed_cost;
    return r;
}

Task task(const std::string& id, double workload = 1.0, Amounts demand = {}) {
    Task t;
    t.id = id;
    t.workload = workload;
    t.demand = std::move(demand);
    return t;
}

Task queued(const std::string& id, double workload, double arrival, double priority,
            Amounts demand = {}) {
    Task t = task(id, workload, std::move(demand));
    t.arrival = arrival;
    t.priority = priority;
    return t;
}

/// One-unit machines m0.. and one-unit tasks t0.. with the given ETC rows (Braun's model).
Problem etc_problem(const std::vector<std::vector<double>>& etc) {
    ProblemData d;
    d.name = "etc";
    const std::size_t n = etc.size(), m = etc.front().size();
    for (std::size_t j = 0; j < m; ++j)
        d.resources.push_back(resource("m" + std::to_string(j), {{"units", 1}}));
    for (std::size_t i = 0; i < n; ++i)
        d.tasks.push_back(task("t" + std::to_string(i)));
    d.time.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j)
            d.time(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = etc[i][j];
    }
    return Problem(std::move(d));
}

std::vector<std::int32_t> resources_of(const Allocation& a) {
    return a.resource;
}

double makespan(const Problem& p, const Allocation& a) {
    Evaluator ev(p);
    return ev.report(a).metric(Metric::makespan);
}

/// Every placed task on a host with an admissible unit count within the host's unit capacity;
/// with `complete`, every task placed.
void expect_valid(const Problem& p, const Allocation& a, bool complete) {
    ASSERT_EQ(a.size(), p.num_tasks());
    ASSERT_EQ(a.units.size(), p.num_tasks());
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        SCOPED_TRACE("task " + std::to_string(i));
        if (!complete && !a.placed(i)) continue;
        ASSERT_TRUE(a.placed(i));
        ASSERT_GE(a.resource[i], 0);
        ASSERT_LT(static_cast<std::size_t>(a.resource[i]), p.num_resources());
        const auto j = static_cast<std::size_t>(a.resource[i]);
        EXPECT_TRUE(p.can_host(i, j));
        EXPECT_TRUE(p.task(i).units.allows(a.units[i]));
        EXPECT_LE(a.units[i], p.capacity(j, 0));
    }
}

// ---------------------------------------------------------------------------------------------
// Grid heuristics, by hand. Two one-unit machines, three tasks:
//          m0   m1
//   t0      1    2
//   t1      2    4
//   t2      6  7.5

Problem three_by_two() {
    return etc_problem({{1, 2}, {2, 4}, {6, 7.5}});
}

TEST(Heuristics, MinMinByHand) {
    // Finishes (m0, m1): t0 (1, 2) t1 (2, 4) t2 (6, 7.5): t0 -> m0 at 1.
    // Then t1 (3, 4) t2 (7, 7.5): t1 -> m0 at 3. Then t2 (9, 7.5): t2 -> m1.
    const Problem p = three_by_two();
    const Allocation a = h::min_min(p);
    EXPECT_EQ(resources_of(a), (std::vector<std::int32_t>{0, 0, 1}));
    EXPECT_DOUBLE_EQ(makespan(p, a), 7.5);
}

TEST(Heuristics, MaxMinByHand) {
    // Best finishes t0 1, t1 2, t2 6: t2 -> m0 (ready 6). Then t0 (7, 2), t1 (8, 4): the larger
    // best is t1 -> m1 (ready 4). Then t0 (7, 6) -> m1.
    const Problem p = three_by_two();
    const Allocation a = h::max_min(p);
    EXPECT_EQ(resources_of(a), (std::vector<std::int32_t>{1, 1, 0}));
    EXPECT_DOUBLE_EQ(makespan(p, a), 6);
}

TEST(Heuristics, SufferageByHand) {
    // Pass 1: t0 claims m0 (sufferage 2-1 = 1); t1 takes m0 from it (4-2 = 2 > 1); t2 also
    // wants m0 but 7.5-6 = 1.5 < 2. t1 -> m0 (ready 2).
    // Pass 2: t0 (3, 2) claims m1 with sufferage 1; t2 (8, 7.5) claims m1 with 0.5 < 1: t0 -> m1.
    // Pass 3: t2 (8, 9.5) -> m0.
    const Problem p = three_by_two();
    const Allocation a = h::sufferage(p);
    EXPECT_EQ(resources_of(a), (std::vector<std::int32_t>{1, 0, 0}));
    EXPECT_DOUBLE_EQ(makespan(p, a), 8);
}

TEST(Heuristics, MctMetOlbByHand) {
    const Problem p = three_by_two();
    // MCT in index order: t0 (1, 2) -> m0; t1 (3, 4) -> m0; t2 (9, 7.5) -> m1.
    EXPECT_EQ(resources_of(h::mct(p)), (std::vector<std::int32_t>{0, 0, 1}));
    // MET: m0 is fastest for every task.
    EXPECT_EQ(resources_of(h::met(p)), (std::vector<std::int32_t>{0, 0, 0}));
    // OLB: t0 -> m0 (both ready at 0, lower index); t1 -> m1 (0 < 1); t2 -> m0 (1 < 4).
    const Allocation olb = h::olb(p);
    EXPECT_EQ(resources_of(olb), (std::vector<std::int32_t>{0, 1, 0}));
    EXPECT_DOUBLE_EQ(makespan(p, olb), 7);
}

TEST(Heuristics, TiesGoToTheLowestTaskThenTheLowestMachine) {
    // Identical tasks and machines: Min-Min fills the machines round-robin from m0, in task order.
    const Problem p = etc_problem({{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}});
    const std::vector<std::int32_t> round_robin{0, 1, 2, 0};
    EXPECT_EQ(resources_of(h::min_min(p)), round_robin);
    EXPECT_EQ(resources_of(h::max_min(p)), round_robin);
    EXPECT_EQ(resources_of(h::mct(p)), round_robin);
    EXPECT_EQ(resources_of(h::olb(p)), round_robin);
    EXPECT_EQ(resources_of(h::met(p)), (std::vector<std::int32_t>{0, 0, 0, 0}));
}

TEST(Heuristics, UnitCountThatFinishesEarliestAndFits) {
    // A 4-unit GPU and a 1-unit CPU. Task a scales linearly over 1..8 units: 4 units on the GPU
    // (8 / 4 = 2) beats the CPU (8). Task b's table makes 2 units its fastest count.
    ProblemData d;
    d.resources = {resource("gpu", {{"units", 4}}), resource("cpu", {{"units", 1}})};
    Task linear = task("a", 8);
    linear.units = UnitChoice::range(1, 8);
    d.tasks.push_back(linear);
    Task b = task("b", 6);
    b.units = UnitChoice::list({1, 2, 4});
    b.scaling.type = Scaling::Type::table;
    b.scaling.table = {{1, 1.0}, {2, 3.0}, {4, 2.0}};
    d.tasks.push_back(b);
    const Problem p(std::move(d));
    const Allocation a = h::mct(p);
    EXPECT_EQ(a.resource, (std::vector<std::int32_t>{0, 0}));
    EXPECT_EQ(a.units, (std::vector<std::int32_t>{4, 2}));
    const Allocation packed = h::first_fit(p);  // schedule mode: earliest finish, too
    EXPECT_EQ(packed.units, (std::vector<std::int32_t>{4, 2}));
}

// ---------------------------------------------------------------------------------------------
// The seed's policies, by hand.

TEST(Heuristics, PoliciesInScheduleModeByHand) {
    // Two one-unit machines of speed 1 and 2 (duration = workload / speed):
    //          workload  arrival  priority   m0  m1
    //   t0         4        0        1        4   2
    //   t1         2        1        3        2   1
    //   t2         6        0        2        6   3
    ProblemData d;
    d.resources = {resource("m0", {{"units", 1}}, 1), resource("m1", {{"units", 1}}, 2)};
    d.tasks = {queued("t0", 4, 0, 1), queued("t1", 2, 1, 3), queued("t2", 6, 0, 2)};
    const Problem p(std::move(d));
    // fcfs: t0, t2, t1. t0 (4, 2) -> m1; t2 (6, 2+3) -> m1; t1 (1+2, 5+1) -> m0.
    EXPECT_EQ(resources_of(h::fcfs(p)), (std::vector<std::int32_t>{1, 0, 1}));
    // sjf (fastest durations 2, 1, 3): t1, t0, t2. t1 (3, 1+1) -> m1; t0 (4, 2+2) tie -> m0;
    // t2 (4+6, 2+3) -> m1.
    EXPECT_EQ(resources_of(h::sjf(p)), (std::vector<std::int32_t>{0, 1, 1}));
    // priority: t1, t2, t0. t1 -> m1 (ready 2); t2 (6, 2+3) -> m1; t0 (4, 5+2) -> m0.
    EXPECT_EQ(resources_of(h::priority(p)), (std::vector<std::int32_t>{0, 1, 1}));
    // ljf (work on the fastest host 2, 1, 3): t2, t0, t1. t2 (6, 3) -> m1; t0 (4, 3+2) -> m0;
    // t1 (4+2, 3+1) -> m1.
    EXPECT_EQ(resources_of(h::ljf(p)), (std::vector<std::int32_t>{0, 1, 1}));
}

TEST(Heuristics, PoliciesInPackingModeFirstFitInPolicyOrder) {
    // r0 holds two of the three 5 GB tasks: the last one in policy order goes to r1.
    //          arrival  workload  priority
    //   a         0        3         2
    //   b         1        2         1
    //   c         2        1         3
    ProblemData d;
    d.mode = Mode::packing;
    d.resources = {resource("r0", {{"units", 4}, {"mem", 10}}),
                   resource("r1", {{"units", 4}, {"mem", 10}})};
    d.tasks = {queued("a", 3, 0, 2, {{"mem", 5}}), queued("b", 2, 1, 1, {{"mem", 5}}),
               queued("c", 1, 2, 3, {{"mem", 5}})};
    const Problem p(std::move(d));
    EXPECT_EQ(resources_of(h::fcfs(p)), (std::vector<std::int32_t>{0, 0, 1}));      // a b c
    EXPECT_EQ(resources_of(h::sjf(p)), (std::vector<std::int32_t>{1, 0, 0}));       // c b a
    EXPECT_EQ(resources_of(h::priority(p)), (std::vector<std::int32_t>{0, 1, 0}));  // c a b
    EXPECT_EQ(resources_of(h::ljf(p)), (std::vector<std::int32_t>{0, 0, 1}));       // a b c
}

// ---------------------------------------------------------------------------------------------
// Packing heuristics, by hand.

/// Three resources of 10 units and 10 GB; one-unit tasks needing `mem` GB each.
Problem memory_packing(const std::vector<double>& mem) {
    ProblemData d;
    d.mode = Mode::packing;
    d.objective = {Sense::minimize, {{Metric::cost, 1.0}}};
    for (int j = 0; j < 3; ++j)
        d.resources.push_back(resource("r" + std::to_string(j), {{"units", 10}, {"mem", 10}}));
    for (std::size_t i = 0; i < mem.size(); ++i)
        d.tasks.push_back(task("t" + std::to_string(i), 1, {{"mem", mem[i]}}));
    return Problem(std::move(d));
}

TEST(Heuristics, FirstFitBestFitAndFirstFitDecreasingByHand) {
    // Tasks of 5, 7, 3, 2 GB.
    const Problem p = memory_packing({5, 7, 3, 2});
    // First fit: 5 -> r0; 7 -> r1 (12 > 10); 3 -> r0 (8); 2 -> r0 (10).
    EXPECT_EQ(resources_of(h::first_fit(p)), (std::vector<std::int32_t>{0, 1, 0, 0}));
    // Best fit: 5 -> r0 (all empty, lowest index); 7 -> r1; 3 leaves r0 with 2 GB and r1 with
    // 0 (units slack equal): r1; 2 -> r0 (3 GB left) rather than the empty r2.
    EXPECT_EQ(resources_of(h::best_fit(p)), (std::vector<std::int32_t>{0, 1, 1, 0}));
    // FFD, sizes 0.5 0.7 0.3 0.2: 7 -> r0; 5 -> r1; 3 -> r0 (10); 2 -> r1 (7).
    EXPECT_EQ(resources_of(h::first_fit_decreasing(p)), (std::vector<std::int32_t>{1, 0, 0, 1}));
    // A task that fits nowhere any more stays unplaced.
    const Problem full = memory_packing({6, 6, 6, 6});
    const std::vector<std::int32_t> three_placed{0, 1, 2, Allocation::kUnplaced};
    EXPECT_EQ(resources_of(h::first_fit(full)), three_placed);
    EXPECT_EQ(resources_of(h::best_fit(full)), three_placed);
    EXPECT_EQ(resources_of(h::regret_greedy(full)), three_placed);
}

TEST(Heuristics, FixedCostsMakeFfdAndBestFitFillUsedResourcesFirst) {
    // r0 is cheap but small, r1 large and dear per GB, r2 large and cheap per GB; 3 GB tasks.
    // Opening picks the least fixed cost per relative capacity (units 1 + mem / 12):
    // r0 100 / (1 + 4/12) = 75, r1 300 / 2 = 150, r2 180 / 2 = 90: r0 first, then r2.
    ProblemData d;
    d.mode = Mode::packing;
    d.objective = {Sense::minimize, {{Metric::cost, 1.0}}};
    d.resources = {resource("r0", {{"units", 4}, {"mem", 4}}, 1, 100),
                   resource("r1", {{"units", 4}, {"mem", 12}}, 1, 300),
                   resource("r2", {{"units", 4}, {"mem", 12}}, 1, 180)};
    for (int i = 0; i < 4; ++i)
        d.tasks.push_back(task("t" + std::to_string(i), 1, {{"mem", 3}}));
    const Problem p(std::move(d));
    Evaluator ev(p);
    // t0 opens r0; t1 no longer fits r0 and opens r2; t2 and t3 join r2.
    const std::vector<std::int32_t> expected{0, 2, 2, 2};
    EXPECT_EQ(resources_of(h::first_fit_decreasing(p)), expected);
    EXPECT_EQ(resources_of(h::best_fit(p)), expected);
    EXPECT_DOUBLE_EQ(ev.evaluate(h::best_fit(p)).objective, 280);
    // Plain first fit goes by index: t0 -> r0, then r1 (300) for the rest.
    EXPECT_EQ(resources_of(h::first_fit(p)), (std::vector<std::int32_t>{0, 1, 1, 1}));
}

TEST(Heuristics, RegretGreedyByHand) {
    // Two agents of capacity 10; job loads 6, 5, 4 (the same on both); costs:
    //          a0  a1  regret
    //   t0      1   4     3
    //   t1      2   8     6
    //   t2      3   4     1
    // t1 (largest regret) -> a0 (load 5). t0 no longer fits a0: infinite regret -> a1.
    // t2 -> a0 (cost 3, load 9). Total 9, the optimum; cheapest-first would give
    // t0 -> a0, t1 -> a1, t2 -> a0 = 12.
    ProblemData d;
    d.mode = Mode::packing;
    d.objective = {Sense::minimize, {{Metric::cost, 1.0}}};
    d.resources = {resource("a0", {{"units", 3}, {"load", 10}}),
                   resource("a1", {{"units", 3}, {"load", 10}})};
    const std::vector<double> load{6, 5, 4};
    for (int i = 0; i < 3; ++i)
        d.tasks.push_back(task("t" + std::to_string(i), 1, {{"load", load[i]}}));
    d.cost.resize(3, 2);
    d.cost << 1, 4, 2, 8, 3, 4;
    const Problem p(std::move(d));
    Evaluator ev(p);
    const Allocation a = h::regret_greedy(p);
    EXPECT_EQ(resources_of(a), (std::vector<std::int32_t>{1, 0, 0}));
    EXPECT_DOUBLE_EQ(ev.evaluate(a).objective, 9);
    EXPECT_TRUE(ev.evaluate(a).feasible());
}

/// Min-Min (or Max-Min) as the definition says, O(n^2 m), with arrivals: the reference for
/// the fast versions.
std::vector<std::int32_t> naive_batch(const std::vector<std::vector<double>>& etc,
                                      const std::vector<double>& arrival, bool largest) {
    const std::size_t n = etc.size(), m = etc.front().size();
    std::vector<double> ready(m, 0.0);
    std::vector<std::int32_t> machine(n, -1);
    for (std::size_t step = 0; step < n; ++step) {
        double pick_finish = largest ? -1 : kInfinity;
        std::size_t pick = n, pick_machine = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (machine[i] >= 0) continue;
            double finish = kInfinity;
            std::size_t best = 0;
            for (std::size_t j = 0; j < m; ++j) {
                const double f = std::max(ready[j], arrival[i]) + etc[i][j];
                if (f < finish) finish = f, best = j;
            }
            if (largest ? finish > pick_finish : finish < pick_finish) {
                pick_finish = finish, pick = i, pick_machine = best;
            }
        }
        machine[pick] = static_cast<std::int32_t>(pick_machine);
        ready[pick_machine] = pick_finish;
    }
    return machine;
}

TEST(Heuristics, FastMinMinAndMaxMinEqualTheDefinition) {
    std::mt19937 rng(7);
    for (int round = 0; round < 40; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        // Small integers make many ties, which must break the same way. Odd rounds have
        // arrivals, which take min_min off its sorted-list path.
        std::uniform_int_distribution<int> value(1, round % 4 < 2 ? 5 : 1000);
        const std::size_t n = 60, m = static_cast<std::size_t>(round % 5 + 2);
        std::vector<std::vector<double>> etc(n, std::vector<double>(m));
        std::vector<double> arrival(n, 0.0);
        ProblemData d;
        d.time.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
        for (std::size_t j = 0; j < m; ++j)
            d.resources.push_back(resource("m" + std::to_string(j), {{"units", 1}}));
        for (std::size_t i = 0; i < n; ++i) {
            if (round % 2 == 1) arrival[i] = value(rng);
            d.tasks.push_back(queued("t" + std::to_string(i), 1, arrival[i], 0));
            for (std::size_t j = 0; j < m; ++j) {
                etc[i][j] = value(rng);
                d.time(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = etc[i][j];
            }
        }
        const Problem p(std::move(d));
        EXPECT_EQ(resources_of(h::min_min(p)), naive_batch(etc, arrival, false));
        EXPECT_EQ(resources_of(h::max_min(p)), naive_batch(etc, arrival, true));
    }
}

// ---------------------------------------------------------------------------------------------
// Braun et al.: Min-Min reproduces the published makespans.

TEST(Heuristics, MinMinReproducesThePublishedBraunMakespans) {
    const std::vector<std::pair<std::string, double>> published = {
        {"u_c_hihi.0", 8460675.003}, {"u_c_hilo.0", 161805.434},  {"u_c_lohi.0", 275837.356},
        {"u_c_lolo.0", 5441.428},    {"u_i_hihi.0", 3513919.281}, {"u_i_hilo.0", 80755.679},
        {"u_i_lohi.0", 120517.709},  {"u_i_lolo.0", 2785.645},    {"u_s_hihi.0", 5160342.819},
        {"u_s_hilo.0", 104375.164},  {"u_s_lohi.0", 140284.489},  {"u_s_lolo.0", 3806.828},
    };
    for (const auto& [name, value] : published) {
        SCOPED_TRACE(name);
        const Problem p = import_braun_etc(instances("braun-etc/" + name));
        Evaluator ev(p);
        const auto t0 = std::chrono::steady_clock::now();
        const Allocation a = h::min_min(p);
        const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - t0;
        expect_valid(p, a, true);
        const double score = ev.evaluate(a).objective;
        EXPECT_DOUBLE_EQ(score, ev.report(a).metric(Metric::makespan));
        EXPECT_NEAR(score, value, 0.0005);  // the published value is rounded to 3 decimals
        std::printf("[ min-min  ] %-11s %14.3f  (%.2f ms)\n", name.c_str(), score, ms.count());
    }
}

// ---------------------------------------------------------------------------------------------
// Every heuristic on every kind of benchmark: complete, valid.

TEST(Heuristics, EveryHeuristicGivesACompleteValidAllocation) {
    const std::vector<Problem> problems = [] {
        std::vector<Problem> v;
        v.push_back(import_braun_etc(instances("braun-etc/u_c_hihi.0")));
        v.push_back(import_orlib_gap(instances("gap/gap1.txt")));
        v.push_back(import_cloudbalancing(
            instances("cloudbalancing/100computers-300processes.computers.csv")));
        return v;
    }();
    // First-fit packing (the policies in packing mode, too) has no look-ahead: on the tight
    // GAP instance it leaves a few jobs unplaced, as its contract allows.
    const auto may_leave_unplaced = [](const Problem& p, const std::string& name) {
        return p.name() == "gap1-1" && name != "regret_greedy" && !name.ends_with("_min") &&
               name != "sufferage" && name != "mct" && name != "met" && name != "olb";
    };
    for (const Problem& p : problems) {
        Evaluator ev(p);
        for (const auto& [name, heuristic] : all_heuristics()) {
            SCOPED_TRACE(p.name() + " / " + name);
            const Allocation a = heuristic(p, StopClock{});
            expect_valid(p, a, !may_leave_unplaced(p, name));
            const Evaluation e = ev.evaluate(a);
            const auto unplaced = std::count(a.resource.begin(), a.resource.end(), -1);
            std::printf("[ %-20s ] %-26s objective %14.3f violation %7.4f unplaced %ld\n",
                        name.c_str(), p.name().c_str(), e.objective, e.violation,
                        static_cast<long>(unplaced));
        }
    }
}

// A heuristic cut short by its clock still returns a complete allocation: the tasks it had
// not placed go by the cheap finishing rule (MCT, or first fit in the packing model).
TEST(Heuristics, CutShortByTheClockEachStillGivesACompleteAllocation) {
    std::atomic<bool> fired{true};
    const StopClock stop(std::nullopt, &fired);
    for (const Problem& p : {import_braun_etc(instances("braun-etc/u_c_hihi.0")),
                             import_cloudbalancing(instances(
                                 "cloudbalancing/100computers-300processes.computers.csv"))}) {
        const Allocation mct = h::mct(p);
        for (const auto& [name, heuristic] : all_heuristics()) {
            SCOPED_TRACE(p.name() + " / " + name);
            const Allocation a = heuristic(p, stop);
            expect_valid(p, a, true);
            // The clock is read while the ready-time table is built, before the first
            // placement: a schedule heuristic is then MCT in index order (met has no table).
            if (p.mode() == Mode::schedule && name != "regret_greedy" && name != "met") {
                EXPECT_EQ(a, mct);
            }
        }
    }
}

// A clock that fires part-way: still complete (the deadline is already past after a few
// thousand steps of the O(n^2) heuristics on 2000 tasks).
TEST(Heuristics, CutShortPartWayEachStillGivesACompleteAllocation) {
    ProblemData d;
    for (int j = 0; j < 8; ++j)
        d.resources.push_back(resource("m" + std::to_string(j), {{"units", 1}}, 1.0 + j % 3));
    for (int i = 0; i < 2000; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = 1 + (i * 7919) % 101;
        d.tasks.push_back(t);
    }
    const Problem p(std::move(d));
    for (const auto& [name, heuristic] : all_heuristics()) {
        SCOPED_TRACE(name);
        const StopClock stop(std::chrono::steady_clock::now() + std::chrono::microseconds(200),
                             nullptr);
        expect_valid(p, heuristic(p, stop), true);
    }
}

// ---------------------------------------------------------------------------------------------
// GAP: regret greedy is feasible on all 60 OR-Library instances gap1..gap12.

TEST(Heuristics, RegretGreedyIsFeasibleOnEveryOrLibraryGapInstance) {
    // Minimisation optima (OPTIMA.md), five instances per file.
    const std::vector<std::vector<double>> optima = {
        {261, 269, 256, 274, 251}, {277, 269, 260, 269, 267}, {438, 415, 446, 430, 411},
        {423, 424, 426, 395, 406}, {403, 389, 383, 384, 396}, {525, 527, 519, 516, 521},
        {646, 662, 662, 645, 649}, {797, 783, 800, 789, 792}, {482, 476, 496, 497, 488},
        {638, 638, 654, 635, 639}, {573, 583, 589, 578, 581}, {974, 956, 941, 954, 945},
    };
    double sum_gap = 0, worst_gap = 0;
    int count = 0;
    for (std::size_t f = 0; f < optima.size(); ++f) {
        const std::string path = instances("gap/gap" + std::to_string(f + 1) + ".txt");
        double file_gap = 0;
        for (int k = 1; k <= 5; ++k) {
            const Problem p = import_orlib_gap(path, GapOptions{k, false});
            SCOPED_TRACE(p.name());
            Evaluator ev(p);
            const Allocation a = h::regret_greedy(p);
            const Evaluation e = ev.evaluate(a);
            EXPECT_TRUE(e.feasible()) << "violation " << e.violation;
            const double optimum = optima[f][static_cast<std::size_t>(k - 1)];
            EXPECT_GE(e.objective, optimum);
            const double gap = 100 * (e.objective - optimum) / optimum;
            file_gap += gap / 5;
            sum_gap += gap;
            worst_gap = std::max(worst_gap, gap);
            ++count;
        }
        std::printf("[ regret   ] gap%-2zu mean %.2f %% above the optimum\n", f + 1, file_gap);
    }
    std::printf("[ regret   ] gap1..gap12: mean %.2f %%, worst %.2f %% above the optima\n",
                sum_gap / count, worst_gap);
}

// ---------------------------------------------------------------------------------------------
// Cloud balancing: first fit decreasing and best fit are feasible.

TEST(Heuristics, PackingHeuristicsAreFeasibleOnTheCloudBalancingSets) {
    const std::vector<std::pair<std::string, Heuristic>> heuristics = {
        {"first_fit", h::first_fit},
        {"ffd", h::first_fit_decreasing},
        {"best_fit", h::best_fit},
        {"regret", h::regret_greedy},
    };
    for (const std::string name : {"100computers-300processes", "200computers-600processes",
                                   "400computers-1200processes", "800computers-2400processes"}) {
        const Problem p =
            import_cloudbalancing(instances("cloudbalancing/" + name + ".computers.csv"));
        Evaluator ev(p);
        for (const auto& [heuristic, run] : heuristics) {
            // Regret greedy is quadratic in the tasks (0.7 s on the 800 set in Release): the
            // small sets show its cost.
            if (heuristic == "regret" && p.num_tasks() > 600) continue;
            SCOPED_TRACE(name + " / " + heuristic);
            const auto t0 = std::chrono::steady_clock::now();
            const Allocation a = run(p, StopClock{});
            const std::chrono::duration<double, std::milli> ms =
                std::chrono::steady_clock::now() - t0;
            const Evaluation e = ev.evaluate(a);
            EXPECT_TRUE(e.feasible()) << "violation " << e.violation;
            std::printf("[ cloud    ] %-27s %-9s cost %9.0f (%.1f ms)\n", name.c_str(),
                        heuristic.c_str(), e.objective, ms.count());
        }
    }
}

}  // namespace
}  // namespace allocopt

namespace allocopt {
namespace {

TEST(ResourceClasses, IdenticalNodesShareAClassUnlessNamedById) {
    ProblemData d;
    const auto node = [](std::string id, std::string kind, double units) {
        Resource r;
        r.id = std::move(id);
        r.kind = std::move(kind);
        r.capacity = {{"units", units}};
        return r;
    };
    d.resources = {node("g-0", "gpu", 8), node("g-1", "gpu", 8), node("c-0", "cpu", 64),
                   node("g-2", "gpu", 8), node("g-3", "gpu", 4), node("g-4", "gpu", 8)};
    Task t;
    t.id = "t";
    t.allowed = {"g-4", "gpu"};  // names g-4 by id: it stands apart from its twins
    d.tasks = {t};
    const Problem p(std::move(d));
    const std::vector<std::int32_t> expected = {0, 0, 1, 0, 2, 3};
    EXPECT_EQ(heuristics::resource_classes(p), expected);
    EXPECT_EQ(heuristics::distinct_resources(p), 4u);
}

/// MCT as the header describes it, by a scan of every resource: the reference the class-based
/// ready times must reproduce, ties included.
Allocation mct_by_scan(const Problem& p) {
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    std::vector<double> ready(m, 0.0);
    Allocation a(n);
    for (std::size_t i = 0; i < n; ++i) {
        double best = kInfinity;
        std::int32_t best_j = -1;
        int best_u = 0;
        for (std::size_t j = 0; j < m; ++j) {
            if (!p.can_host(i, j)) continue;
            const int u = heuristics::fastest_units(p, i, j);
            if (u == 0) continue;
            const double finish = std::max(ready[j], p.task(i).arrival) + p.duration(i, j, u);
            if (finish < best) best = finish, best_j = static_cast<std::int32_t>(j), best_u = u;
        }
        if (best_j < 0) continue;
        const auto j = static_cast<std::size_t>(best_j);
        const double start = std::max(ready[j], p.task(i).arrival);
        ready[j] = start + best_u * p.duration(i, j, best_u) / p.capacity(j, 0);
        a.place(i, best_j, best_u);
    }
    return a;
}

TEST(ResourceClasses, ClassBasedMctGivesWhatAScanGives) {
    // Generated clusters repeat node types; with arrivals, several nodes of a class are often
    // ready before a task arrives (the lowest index of those must win).
    for (const double rate : {0.0, 4.0}) {
        const Problem p = generators::generate_cluster(
            {.jobs = 400, .nodes = 24, .arrival_rate = rate, .seed = 3});
        ASSERT_LT(heuristics::distinct_resources(p), p.num_resources());
        EXPECT_EQ(heuristics::mct(p), mct_by_scan(p)) << "arrival rate " << rate;
    }
}

}  // namespace
}  // namespace allocopt
