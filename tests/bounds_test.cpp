// The LP lower bound (bounds.hpp): values computed by hand on tiny instances, never above a
// schedule that a solver found, and the forms it does not cover. Built without CLP, the
// function says it is unavailable.

#include "allocopt/bounds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "allocopt/evaluator.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/gavel.hpp"
#include "allocopt/solve.hpp"

namespace allocopt {
namespace {

const std::string kGavel = std::string(ALLOCOPT_PROBLEMS) + "/gavel/";

struct Job {
    int units;
    std::vector<double> time;  // per resource; < 0 = not allowed there
};

/// A schedule-mode makespan problem: resources r0.. with the given unit capacities, one task per
/// job with fixed units whose duration on r_j is time[j] (a speed-up table keeps it at that).
Problem tiny(const std::vector<double>& capacity, const std::vector<Job>& jobs) {
    ProblemData d;
    d.name = "tiny";
    d.objective = {Sense::minimize, {{Metric::makespan, 1.0}}};
    for (std::size_t j = 0; j < capacity.size(); ++j) {
        Resource& r = d.resources.emplace_back();
        r.id = "r" + std::to_string(j);
        r.capacity = {{"units", capacity[j]}};
    }
    d.time = Matrix::Zero(static_cast<Eigen::Index>(jobs.size()),
                          static_cast<Eigen::Index>(capacity.size()));
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        Task& t = d.tasks.emplace_back();
        t.id = "j" + std::to_string(i);
        t.units = UnitChoice::exactly(jobs[i].units);
        t.scaling.type = Scaling::Type::table;
        t.scaling.table = {{jobs[i].units, 1.0}};
        for (std::size_t j = 0; j < capacity.size(); ++j) {
            const double time = jobs[i].time[j];
            if (time >= 0) t.allowed.push_back("r" + std::to_string(j));
            d.time(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                std::max(time, 0.0);
        }
    }
    return Problem(std::move(d));
}

#if ALLOCOPT_HAVE_CLP

TEST(LpBound, IsAvailable) {
    EXPECT_TRUE(lp_bounds_available());
}

TEST(LpBound, OneResourceGivesTheLargerOfAreaAndLongestJob) {
    // Capacity 2; jobs (units, time) = (2, 3), (1, 4), (1, 2): area (6 + 4 + 2) / 2 = 6 > 4.
    const Problem p = tiny({2}, {{2, {3}}, {1, {4}}, {1, {2}}});
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_NEAR(*bound, 6.0, 1e-9);
    // One long job: its own time, 10, passes the area (10 + 2) / 2.
    EXPECT_NEAR(*lp_makespan_bound(tiny({2}, {{1, {10}}, {1, {2}}})), 10.0, 1e-9);
}

TEST(LpBound, TwoJobsOnTwoTypesSplitTheirTimeAsComputedByHand) {
    // Two one-unit types; both jobs take 1 on r0 and 2 on r1. With a fraction a of each job's
    // work on r0 (symmetric optimum): loads 2a on r0 and 4(1 - a) on r1, job time
    // a + 2(1 - a) <= T. Equal loads at a = 2/3 give T = 4/3, and the job time 4/3 fits.
    // Dual check: prices 2 on r0 and 1 on r1 give (2 + 2) / (2 + 1) = 4/3. The best
    // non-preemptive schedule takes 2.
    const Problem p = tiny({1, 1}, {{1, {1, 2}}, {1, {1, 2}}});
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_NEAR(*bound, 4.0 / 3.0, 1e-9);
}

TEST(LpBound, ThreeJobsWithUnitsAndAForbiddenTypeAsComputedByHand) {
    // r0: 2 units (V100s), r1: 1 unit (a K80). Job 0 takes both r0 units for 3 and cannot
    // run on r1; job 1 takes 1 on r0 or 3 on r1; job 2 takes 2 on either. Fractions a (job 1)
    // and b (job 2) on r0: r0 area 6 + a + 2b <= 2T, r1 3(1 - a) + 2(1 - b) <= T. Moving a
    // costs 1 unit-time on r0 per 3 saved on r1, b 2 per 2: b = 0, and 6 + a = 2(5 - 3a)
    // gives a = 4/7, T = 23/7 (job times 3, 13/7, 2 fit). Dual check: prices 3 on r0 and 1
    // on r1 give (2 x 3 x 3 + min(3, 3) + min(6, 2)) / (2 x 3 + 1) = 23/7.
    const Problem p = tiny({2, 1}, {{2, {3, -1}}, {1, {1, 3}}, {1, {2, 2}}});
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_NEAR(*bound, 23.0 / 7.0, 1e-9);
}

TEST(LpBound, IsWeightedAndCoversOnlyMinimizedMakespan) {
    ProblemData d = tiny({1, 1}, {{1, {1, 2}}, {1, {1, 2}}}).data();
    d.objective = {Sense::minimize, {{Metric::makespan, 3.0}}};
    EXPECT_NEAR(*lp_makespan_bound(Problem(d)), 4.0, 1e-9);
    d.objective = {Sense::minimize, {{Metric::makespan, 1.0}, {Metric::cost, 1.0}}};
    EXPECT_FALSE(lp_makespan_bound(Problem(d)).has_value());
    d.objective = {Sense::maximize, {{Metric::efficiency, 1.0}}};
    EXPECT_FALSE(lp_makespan_bound(Problem(d)).has_value());
    d.objective = {Sense::minimize, {{Metric::makespan, 1.0}}};
    d.mode = Mode::packing;
    EXPECT_FALSE(lp_makespan_bound(Problem(d)).has_value());
}

TEST(LpBound, OptionalTasksAreLeftOut) {
    ProblemData d = tiny({1, 1}, {{1, {1, 2}}, {1, {1, 2}}, {1, {50, 50}}}).data();
    EXPECT_NEAR(*lp_makespan_bound(Problem(d)), 50.0, 1e-9);
    d.tasks[2].optional = true;
    EXPECT_NEAR(*lp_makespan_bound(Problem(d)), 4.0 / 3.0, 1e-9);
}

/// The makespan of `allocation` by the Evaluator, which must find it feasible.
double makespan(const Problem& p, const Allocation& allocation) {
    Evaluator evaluator(p);
    const Evaluation e = evaluator.evaluate(allocation);
    EXPECT_TRUE(e.feasible());
    return e.objective;
}

TEST(LpBound, IsNeverAboveASolversScheduleOnAGavelSet) {
    const Problem p = import_gavel(kGavel + "jobs_seed0_n500.csv");
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    // Simple bounds the LP implies: the longest job on its fastest type, and the GPU-time of
    // every job on its cheapest type over all GPUs.
    double longest = 0, area = 0;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        double fastest = kInfinity, cheapest = kInfinity;
        for (std::size_t j = 0; j < p.num_resources(); ++j) {
            if (!p.allowed(i, j)) continue;
            const int u = p.task(i).units.min;
            fastest = std::min(fastest, p.duration(i, j, u));
            cheapest = std::min(cheapest, u * p.duration(i, j, u));
        }
        longest = std::max(longest, fastest);
        area += cheapest / (3 * 36);
    }
    EXPECT_GE(*bound, longest * (1 - 1e-9));
    EXPECT_GE(*bound, area * (1 - 1e-9));
    for (const char* solver : {"fcfs", "min-min"}) {
        SCOPED_TRACE(solver);
        const Result r =
            solve(p, solver, {}, {.threads = 1, .max_evaluations = 1000, .time_limit = 5});
        const double found = makespan(p, r.allocation);
        EXPECT_LE(*bound, found);
    }
    const Result ga = solve(p, "ga", {}, {.seed = 3, .threads = 2, .max_evaluations = 8'000});
    const double found = makespan(p, ga.allocation);
    EXPECT_LE(*bound, found);
    // The non-preemptive LP's bound: at least the LP's, never above a schedule; add_lp_bound()
    // reports the larger, with its note alone.
    const std::optional<double> nonpreemptive = lp_nonpreemptive_bound(p);
    ASSERT_TRUE(nonpreemptive.has_value());
    EXPECT_GE(*nonpreemptive, *bound * (1 - 1e-9));
    EXPECT_LE(*nonpreemptive, found);
    Result reported = ga;
    reported.lower_bound.reset();
    reported.notes.clear();
    ASSERT_TRUE(add_lp_bound(p, reported));
    EXPECT_EQ(*reported.lower_bound, std::max(*bound, *nonpreemptive));
    ASSERT_EQ(reported.notes.size(), 1u);
    EXPECT_EQ(reported.notes.back(), *nonpreemptive > *bound * (1 + 1e-9)
                                         ? "lower bound from the makespan LP over the ways that "
                                           "end within it (no preemption; COIN-OR CLP)"
                                         : "lower bound from the makespan LP (COIN-OR CLP)");
}

// Two resources of one unit; job 0 takes 6 on r0 or 12 on r1, job 1 takes 6 on r0 only. The
// LP runs a third of job 0 on r0 and two thirds on r1 over T = 9 (r0: 6 + 2, r1: 8, job 0's
// time 2 + 8 <= 9 fails at T = 8: x_r1 >= (12 - T) / 6 and 6 + 6 x_r1 <= T give T >= 9). A
// schedule that keeps job 0 on one resource ends at 12 on either: the non-preemptive bound.
TEST(NonPreemptiveLpBound, AJobTheLpSplitsRunsWholeOnOneResource) {
    const Problem p = tiny({1, 1}, {{1, {6, 12}}, {1, {6, -1}}});
    EXPECT_NEAR(*lp_makespan_bound(p), 9.0, 1e-9);
    EXPECT_NEAR(*lp_nonpreemptive_bound(p), 12.0, 1e-9);
}

// Random problems of 3 one-unit resources and 3-7 jobs, some not allowed everywhere: with one
// unit and no arrivals, a resource's makespan is the sum of its jobs' times, so the optimum is
// the best of every assignment. The non-preemptive bound lies between the LP's and it, and
// exceeds the LP's on some of them.
TEST(NonPreemptiveLpBound, LiesBetweenTheLpAndTheOptimumOfSmallProblems) {
    std::mt19937 rng(5);
    int above_lp = 0;
    for (int round = 0; round < 150; ++round) {
        SCOPED_TRACE(round);
        const std::size_t n = 3 + rng() % 5;
        std::vector<Job> jobs(n);
        for (Job& job : jobs) {
            job.units = 1;
            for (int j = 0; j < 3; ++j)
                job.time.push_back(rng() % 5 == 0 ? -1.0 : 1.0 + rng() % 20);
            if (*std::max_element(job.time.begin(), job.time.end()) < 0) job.time[0] = 7;
        }
        const Problem p = tiny({1, 1, 1}, jobs);
        double optimum = kInfinity;
        std::vector<int> at(n, 0);
        for (;;) {
            double load[3] = {0, 0, 0};
            bool allowed = true;
            for (std::size_t i = 0; i < n; ++i) {
                allowed = allowed && jobs[i].time[static_cast<std::size_t>(at[i])] >= 0;
                load[at[i]] += jobs[i].time[static_cast<std::size_t>(at[i])];
            }
            if (allowed) optimum = std::min(optimum, *std::max_element(load, load + 3));
            std::size_t k = 0;
            while (k < n && ++at[k] == 3)
                at[k++] = 0;
            if (k == n) break;
        }
        const std::optional<double> lp = lp_makespan_bound(p);
        const std::optional<double> bound = lp_nonpreemptive_bound(p);
        ASSERT_TRUE(lp && bound);
        EXPECT_GE(*bound, *lp * (1 - 1e-9));
        EXPECT_LE(*bound, optimum * (1 + 1e-9));
        if (*bound > *lp * (1 + 1e-6)) ++above_lp;
        // The rounding's plan is a schedule: never below the bound.
        const std::optional<Allocation> rounded = lp_makespan_rounding(p);
        ASSERT_TRUE(rounded.has_value());
        EXPECT_GE(makespan(p, *rounded), *bound * (1 - 1e-9));
    }
    EXPECT_GT(above_lp, 10);
}

// The rounding of Gavel's seed-2 set of 700 jobs: every job on a type where it ends within the
// non-preemptive bound, and the GPU-time of each type over its 36 GPUs within 0.1 % of the
// bound (the LP leaves two jobs split; the descent balances the rest).
TEST(NonPreemptiveLpBound, TheRoundingBalancesEachTypesGpuTimeOnAGavelSet) {
    const Problem p = import_gavel(kGavel + "jobs_seed2_n700.csv");
    const std::optional<double> bound = lp_nonpreemptive_bound(p);
    const std::optional<Allocation> rounded = lp_makespan_rounding(p);
    ASSERT_TRUE(bound && rounded);
    std::vector<double> area(p.num_resources(), 0.0);
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        ASSERT_GE(rounded->resource[i], 0);
        const auto j = static_cast<std::size_t>(rounded->resource[i]);
        const double d = p.duration(i, j, rounded->units[i]);
        EXPECT_LE(d, *bound * (1 + 1e-9)) << "job " << i;
        area[j] += rounded->units[i] * d / p.capacity(j, 0);
    }
    for (const double a : area)
        EXPECT_LE(a, *bound * 1.001);
    EXPECT_GE(makespan(p, *rounded), *bound * (1 - 1e-9));
}

// Two jobs of 1 on r0 or 2 on r1 (one unit each): the LP's bound is 4/3 (a third of a job on
// r1); without preemption some job takes 2 (both on r0, or one on r1): the bound is 2.
TEST(LpBound, AddLpBoundKeepsALargerBoundAndRefusesOneAboveTheValue) {
    const Problem p = tiny({1, 1}, {{1, {1, 2}}, {1, {1, 2}}});
    EXPECT_NEAR(*lp_makespan_bound(p), 4.0 / 3.0, 1e-9);
    EXPECT_NEAR(*lp_nonpreemptive_bound(p), 2.0, 1e-9);
    Result r;
    r.evaluation.objective = 2.5;
    r.lower_bound = 2.2;  // above both
    EXPECT_FALSE(add_lp_bound(p, r));
    EXPECT_EQ(*r.lower_bound, 2.2);
    r.lower_bound = 1.0;
    EXPECT_TRUE(add_lp_bound(p, r));
    EXPECT_NEAR(*r.lower_bound, 2.0, 1e-9);
    ASSERT_EQ(r.notes.size(), 1u);  // the larger bound's note alone
    EXPECT_NE(r.notes.back().find("no preemption"), std::string::npos);
    // A "solution" better than the bound: the bound is a bug there, and is not reported.
    r.lower_bound.reset();
    r.evaluation.objective = 1.0;
    EXPECT_FALSE(add_lp_bound(p, r));
    EXPECT_FALSE(r.lower_bound.has_value());
    EXPECT_NE(r.notes.back().find("above the value found"), std::string::npos);
}

TEST(LpBound, OnABraunInstanceItIsAtLeastTheAssignmentLp) {
    // u_s_hihi.0: the assignment LP (CBC) is 4063563.719 and the best known schedule
    // 4080153.449 (bench/instances/braun-etc/RESULTS.md). Gavel's LP adds "each task runs at
    // most T", so it is at least the former, and still at most the latter.
    const Problem p = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_s_hihi.0");
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_GE(*bound, 4063563.719 - 1e-3);
    EXPECT_LE(*bound, 4080153.449);
}

// Seed 0, N = 100: the longest job's run time is the LP bound, and the ljf start reaches
// it. The GA and the PSO then stop at once, finished, with a note, far inside their limits.
TEST(LpBound, APopulationSearchStopsAtAProvenOptimum) {
    const Problem p = import_gavel(kGavel + "jobs_seed0_n100.csv");
    const std::optional<double> bound = lp_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    for (const char* name : {"ga", "pso"}) {
        SCOPED_TRACE(name);
        RunSettings settings;
        settings.max_evaluations = 5'000'000;
        settings.time_limit = 60;
        const Result r = solve(p, name, {}, settings);
        EXPECT_EQ(r.stop, StopReason::finished);
        EXPECT_NEAR(r.evaluation.objective, *bound, 1e-9 * *bound);
        EXPECT_LT(r.evaluations, 100'000u);
        ASSERT_TRUE(r.lower_bound.has_value());  // the library's result carries the LP bound
        EXPECT_NEAR(*r.lower_bound, *bound, 1e-9 * *bound);
        ASSERT_FALSE(r.notes.empty());
        EXPECT_NE(r.notes.back().find("proven optimum"), std::string::npos) << r.notes.back();
    }
}

// A tracker told a bound stops once the best reaches it, and not before.
TEST(LpBound, ATrackerStopsAtTheBoundItIsGiven) {
    const Problem p = tiny({1, 1}, {{1, {4, 4}}, {1, {4, 4}}});  // one job each: 4; together 8
    Evaluator ev(p);
    Allocation both(2);
    both.place(0, 0, 1);
    both.place(1, 0, 1);
    Allocation split = both;
    split.place(1, 1, 1);
    ASSERT_DOUBLE_EQ(ev.evaluate(both).objective, 8.0);
    ASSERT_DOUBLE_EQ(ev.evaluate(split).objective, 4.0);
    for (const double bound : {4.0, 3.0}) {
        SCOPED_TRACE(bound);
        const RunSettings settings;
        SearchTracker tracker(ev, settings, nullptr);
        tracker.stop_at_bound(bound, "the bound four");
        tracker.offer(both, ev.evaluate(both));
        EXPECT_FALSE(tracker.should_stop());
        tracker.offer(split, ev.evaluate(split));
        EXPECT_EQ(tracker.should_stop(), bound == 4.0);
        const Result r = tracker.finish();
        EXPECT_EQ(r.stop, StopReason::finished);
        EXPECT_EQ(!r.notes.empty() && r.notes.back().find("the bound four") != std::string::npos,
                  bound == 4.0);
    }
}

#else

TEST(LpBound, IsUnavailableWithoutClp) {
    EXPECT_FALSE(lp_bounds_available());
    EXPECT_FALSE(lp_makespan_bound(tiny({1, 1}, {{1, {1, 2}}, {1, {1, 2}}})).has_value());
    Result r;
    r.evaluation.objective = 2.0;
    EXPECT_FALSE(add_lp_bound(tiny({1}, {{1, {1}}}), r));
    EXPECT_FALSE(r.lower_bound.has_value());
}

#endif

// The midpoint bound needs no LP solver: these run in every build.

double best_schedule(const Problem& p, const Allocation& a) {
    Evaluator evaluator(p, {.threads = 1});
    const Evaluation e = evaluator.evaluate(a);
    return e.feasible() ? e.objective : kInfinity;
}

TEST(MidpointBound, TwoJobsThatCannotShareAResourceRunOneAfterTheOther) {
    // 2 + 2 units on a 3-unit resource: the LP's area bound is 2 x 2 x 10 / 3 = 13.3, yet the
    // second job can only start when the first ends.
    const Problem p = tiny({3}, {{2, {10}}, {2, {10}}});
    const std::optional<double> bound = midpoint_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_NEAR(*bound, 20.0, 1e-9);
    Allocation a(2);
    a.place(0, 0, 2);
    a.place(1, 0, 2);
    EXPECT_NEAR(best_schedule(p, a), 20.0, 1e-9);  // the bound is the optimum here
}

TEST(MidpointBound, ATaskWithASecondWayIsForcedOnlyWhereItCanRun) {
    // Below 15 only r0 finishes either job in time, and both would be running at T/2 on its
    // 2 units; from 15 on they fit side by side, one on each resource.
    const Problem p = tiny({2, 2}, {{2, {10, 15}}, {2, {10, 15}}});
    EXPECT_NEAR(*midpoint_makespan_bound(p), 15.0, 1e-9);
    // Nothing competes: the longest job.
    EXPECT_NEAR(*midpoint_makespan_bound(tiny({8}, {{1, {5}}, {1, {7}}})), 7.0, 1e-9);
}

TEST(MidpointBound, CoversOnlyMinimizedMakespanAndIsWeighted) {
    ProblemData d = tiny({3}, {{2, {10}}, {2, {10}}}).data();
    d.objective = {Sense::minimize, {{Metric::makespan, 2.0}}};
    EXPECT_NEAR(*midpoint_makespan_bound(Problem(ProblemData(d))), 40.0, 1e-9);
    d.objective = {Sense::minimize, {{Metric::makespan, 1.0}, {Metric::flowtime, 1.0}}};
    EXPECT_FALSE(midpoint_makespan_bound(Problem(ProblemData(d))).has_value());
    d.objective = {Sense::maximize, {{Metric::utilization, 1.0}}};
    EXPECT_FALSE(midpoint_makespan_bound(Problem(ProblemData(d))).has_value());
}

/// Never above any schedule the Evaluator lays out, over every assignment of small random
/// problems (the exhaustive minimum over assignments, each laid out by the policy).
TEST(MidpointBound, IsNeverAboveTheBestScheduleOfAnyAssignment) {
    std::mt19937 rng(11);
    int tighter = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t m = 1 + rng() % 3, n = 2 + rng() % 4;
        std::vector<double> capacity(m);
        for (double& c : capacity)
            c = double(1 + rng() % 4);
        // Each job fits the largest resource, which hosts it; the others host it or not.
        const std::size_t largest = static_cast<std::size_t>(
            std::max_element(capacity.begin(), capacity.end()) - capacity.begin());
        std::vector<Job> jobs(n);
        for (Job& j : jobs) {
            j.units = 1 + static_cast<int>(rng() % static_cast<unsigned>(capacity[largest]));
            for (std::size_t r = 0; r < m; ++r) {
                const bool hosts = r == largest || rng() % 5 != 0;
                j.time.push_back(hosts ? double(1 + rng() % 20) : -1.0);
            }
        }
        const Problem p = tiny(capacity, jobs);
        const std::optional<double> bound = midpoint_makespan_bound(p);
        if (!bound) continue;
        // Every assignment of jobs to resources that host them with room for their units.
        double best = kInfinity;
        std::vector<std::size_t> pick(n, 0);
        for (;;) {
            Allocation a(n);
            bool ok = true;
            for (std::size_t i = 0; i < n && ok; ++i) {
                const double t = jobs[i].time[pick[i]];
                ok = t >= 0 && jobs[i].units <= capacity[pick[i]];
                a.place(i, static_cast<std::int32_t>(pick[i]), jobs[i].units);
            }
            if (ok) best = std::min(best, best_schedule(p, a));
            std::size_t k = 0;
            while (k < n && ++pick[k] == m)
                pick[k++] = 0;
            if (k == n) break;
        }
        if (best == kInfinity) continue;
        ASSERT_LE(*bound, best * (1 + 1e-9)) << "trial " << trial;
        double longest = 0;  // the trivial bound: each job's fastest way
        for (const Job& j : jobs) {
            double fastest = kInfinity;
            for (std::size_t r = 0; r < m; ++r) {
                if (j.time[r] >= 0 && j.units <= capacity[r])
                    fastest = std::min(fastest, j.time[r]);
            }
            if (fastest < kInfinity) longest = std::max(longest, fastest);
        }
        tighter += *bound > longest * (1 + 1e-9) ? 1 : 0;
    }
    EXPECT_GT(tighter, 10) << "the bound should beat the longest job on some instances";
}

TEST(MidpointBound, OnGavelsSeedOneSetItIsFarAboveTheLp) {
    // 193.01 h: bench/gavel_lp_check.py computes it by an implementation of its own from the
    // job file (and the LP's 174.9 h with GLPK).
    const Problem p = import_gavel(kGavel + "jobs_seed1_n500.csv");
    const std::optional<double> bound = midpoint_makespan_bound(p);
    ASSERT_TRUE(bound.has_value());
    EXPECT_NEAR(*bound / 3600, 193.01, 0.01);
    for (const char* solver : {"fcfs", "min-min"}) {
        SCOPED_TRACE(solver);
        const Result r =
            solve(p, solver, {}, {.threads = 1, .max_evaluations = 1000, .time_limit = 5});
        EXPECT_LE(*bound, best_schedule(p, r.allocation));
    }
    // add_midpoint_bound raises the reported bound, and refuses one above the value.
    Result r;
    r.found = true;
    r.evaluation.objective = *bound * 1.1;
    r.lower_bound = *bound * 0.9;
    ASSERT_TRUE(add_midpoint_bound(p, r));
    EXPECT_EQ(*r.lower_bound, *bound);
    r.evaluation.objective = *bound * 0.5;
    r.lower_bound.reset();
    EXPECT_FALSE(add_midpoint_bound(p, r));
    EXPECT_FALSE(r.lower_bound.has_value());
}

}  // namespace
}  // namespace allocopt
