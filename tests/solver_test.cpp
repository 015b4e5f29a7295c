#include "allocopt/solver.hpp"

#include <gtest/gtest.h>

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
