#include "allocopt/solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "allocopt/error.hpp"

namespace allocopt {
namespace {

Problem two_machines() {
    ProblemData d;
    d.resources = {{"m0", "cpu", {{"units", 1}}}, {"m1", "cpu", {{"units", 1}}}};
    for (int i = 0; i < 4; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = 1 + i;
        d.tasks.push_back(t);
    }
    return Problem(std::move(d));
}

// Walks through allocations (task i on machine bit i of k) until the tracker says stop.
StopReason run(const Problem& p, const RunSettings& termination, int* steps = nullptr) {
    Evaluator ev(p);
    SearchTracker tracker(ev, termination, nullptr);
    int k = 0;
    while (!tracker.should_stop()) {
        Allocation a(p.num_tasks());
        for (std::size_t i = 0; i < p.num_tasks(); ++i)
            a.place(i, (k >> i) & 1, 1);
        tracker.offer(a, ev.evaluate(a));
        ++k;
    }
    if (steps) *steps = k;
    return tracker.reason();
}

TEST(SearchTracker, StopsAtTheEvaluationBudget) {
    int steps = 0;
    EXPECT_EQ(run(two_machines(), {.max_evaluations = 7}, &steps), StopReason::evaluations);
    EXPECT_EQ(steps, 7);
}

TEST(SearchTracker, StopsWhenTheTargetIsReached) {
    // Loads 1+2+3+4 = 10 split 5/5 is optimal: makespan 5, first met at k = 6 (t1, t2 on m1).
    int steps = 0;
    EXPECT_EQ(run(two_machines(), {.max_evaluations = 100, .target = 5.0}, &steps),
              StopReason::target);
    EXPECT_EQ(steps, 7);
}

TEST(SearchTracker, StopsOnStall) {
    int steps = 0;
    EXPECT_EQ(run(two_machines(), {.max_evaluations = 1000, .stall_evaluations = 20}, &steps),
              StopReason::stall);
    EXPECT_LT(steps, 1000);
}

TEST(SearchTracker, StopsWhenInterrupted) {
    std::atomic<bool> interrupt{true};
    int steps = 0;
    EXPECT_EQ(run(two_machines(), {.interrupt = &interrupt}, &steps), StopReason::interrupted);
    EXPECT_EQ(steps, 0);
}

TEST(SearchTracker, OutOfTimeStopsForTimeOnlyUnderATimeLimit) {
    const Problem p = two_machines();
    Evaluator ev(p);
    SearchTracker timed(ev, {.time_limit = 60}, nullptr);
    EXPECT_FALSE(timed.should_stop());
    timed.out_of_time();
    EXPECT_TRUE(timed.should_stop());
    EXPECT_EQ(timed.reason(), StopReason::time);
    SearchTracker budget(ev, {.max_evaluations = 10}, nullptr);
    budget.out_of_time();
    EXPECT_FALSE(budget.should_stop());
}

TEST(SearchTracker, KeepsTheBestAndATraceOfImprovements) {
    const Problem p = two_machines();
    Evaluator ev(p);
    SearchTracker tracker(ev, {}, nullptr);
    Allocation all_on_m0(4), split(4);
    for (std::size_t i = 0; i < 4; ++i) {
        all_on_m0.place(i, 0, 1);
        split.place(i, i == 0 || i == 3 ? 1 : 0, 1);
    }
    EXPECT_TRUE(tracker.offer(all_on_m0, ev.evaluate(all_on_m0)));
    EXPECT_TRUE(tracker.offer(split, ev.evaluate(split)));
    EXPECT_FALSE(tracker.offer(all_on_m0, ev.evaluate(all_on_m0)));
    const Result r = tracker.finish();
    EXPECT_EQ(r.allocation, split);
    EXPECT_DOUBLE_EQ(r.evaluation.objective, 5.0);
    ASSERT_EQ(r.trace.size(), 2u);
    EXPECT_DOUBLE_EQ(r.trace[0].best, 10.0);
    EXPECT_EQ(r.evaluations, 3u);
}

TEST(SearchTracker, SaysWhenItHasNoAllocation) {
    const Problem p = two_machines();
    Evaluator ev(p);
    SearchTracker tracker(ev, {}, nullptr);
    EXPECT_FALSE(tracker.finish().found);
    Allocation a(4);
    for (std::size_t i = 0; i < 4; ++i)
        a.place(i, 0, 1);
    tracker.offer(a, ev.evaluate(a));
    EXPECT_TRUE(tracker.finish().found);
}

// A 4-unit GPU and a 2-unit CPU under fcfs (ties by task index). Hand-checked schedule:
//   train (8 work, 4 units, linear) on gpu: 0 .. 2, the whole GPU;
//   tune  (3 work, 1 unit)          on gpu: waits for train, 2 .. 5;
//   prep  (4 work, 2 units)         on cpu: 0 .. 2;
//   extra (optional)                unplaced.
TEST(SearchTracker, GivesEachTasksPlacementByIdWithItsSchedule) {
    ProblemData d;
    d.resources = {{"gpu", "gpu", {{"units", 4}}}, {"cpu", "cpu", {{"units", 2}}}};
    auto task = [](std::string id, double workload, UnitChoice units) {
        Task t;
        t.id = std::move(id);
        t.workload = workload;
        t.units = units;
        return t;
    };
    d.tasks = {task("train", 8, UnitChoice::range(1, 4)), task("tune", 3, UnitChoice::exactly(1)),
               task("prep", 4, UnitChoice::list({1, 2})), task("extra", 1, UnitChoice::exactly(1))};
    d.tasks[3].optional = true;
    const Problem p(std::move(d));
    Evaluator ev(p);
    Allocation a(4);
    a.place(0, 0, 4);
    a.place(1, 0, 1);
    a.place(2, 1, 2);
    SearchTracker tracker(ev, {}, nullptr);
    tracker.offer(a, ev.evaluate(a));
    const Result r = tracker.finish();

    ASSERT_EQ(r.placements.size(), 4u);
    const Placement& train = r.placements[0];
    EXPECT_EQ(train.task, "train");
    EXPECT_EQ(train.resource, "gpu");
    EXPECT_EQ(train.units, 4);
    EXPECT_DOUBLE_EQ(train.start, 0.0);
    EXPECT_DOUBLE_EQ(train.end, 2.0);
    const Placement& tune = r.placements[1];
    EXPECT_EQ(tune.task, "tune");
    EXPECT_EQ(tune.resource, "gpu");
    EXPECT_EQ(tune.units, 1);
    EXPECT_DOUBLE_EQ(tune.start, 2.0);
    EXPECT_DOUBLE_EQ(tune.end, 5.0);
    const Placement& prep = r.placements[2];
    EXPECT_EQ(prep.task, "prep");
    EXPECT_EQ(prep.resource, "cpu");
    EXPECT_EQ(prep.units, 2);
    EXPECT_DOUBLE_EQ(prep.start, 0.0);
    EXPECT_DOUBLE_EQ(prep.end, 2.0);
    const Placement& extra = r.placements[3];
    EXPECT_EQ(extra.task, "extra");
    EXPECT_FALSE(extra.resource.has_value());
    EXPECT_EQ(extra.units, 0);
    EXPECT_TRUE(std::isnan(extra.start));
    EXPECT_TRUE(std::isnan(extra.end));

    // The same numbers as the Report of the same allocation.
    const Report report = ev.report(a);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(r.placements[i].start, report.start[i]);
        EXPECT_EQ(r.placements[i].end, report.end[i]);
    }
    EXPECT_DOUBLE_EQ(r.evaluation.objective, 5.0);  // makespan
}

TEST(SearchTracker, GivesNoPlacementsWithoutAnAllocation) {
    const Problem p = two_machines();
    Evaluator ev(p);
    EXPECT_TRUE(SearchTracker(ev, {}, nullptr).finish().placements.empty());
}

TEST(SearchTracker, CountsDownTheBudgetAndPollsTheClock) {
    const Problem p = two_machines();
    Evaluator ev(p);
    std::atomic<bool> interrupt{false};
    SearchTracker tracker(ev, {.max_evaluations = 3, .interrupt = &interrupt}, nullptr);
    EXPECT_EQ(tracker.budget(), 3u);
    Allocation a(4);
    for (std::size_t i = 0; i < 4; ++i)
        a.place(i, 0, 1);
    ev.evaluate(a);
    ev.count_evaluations(1);
    EXPECT_EQ(tracker.budget(), 1u);
    ev.count_evaluations(5);
    EXPECT_EQ(tracker.budget(), 0u);
    EXPECT_FALSE(tracker.expired());
    interrupt = true;
    EXPECT_TRUE(tracker.expired());
    EXPECT_EQ(SearchTracker(ev, {}, nullptr).budget(), std::numeric_limits<std::uint64_t>::max());
    SearchTracker timed(ev, {.time_limit = 0.5}, nullptr);
    Poll poll(timed.clock(), 1);
    EXPECT_FALSE(poll());
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_TRUE(poll());
    EXPECT_TRUE(poll.fired());
}

}  // namespace
}  // namespace allocopt
