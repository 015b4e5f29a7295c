#include "allocopt/delta.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "allocopt/generators.hpp"
#include "allocopt/io/gavel.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "detail/evaluator_internals.hpp"

namespace allocopt {
namespace {

Problem etc_problem(std::size_t n, std::size_t m, std::vector<std::pair<Metric, double>> terms) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(1.0, 1000.0);
    ProblemData d;
    for (std::size_t j = 0; j < m; ++j) {
        d.resources.push_back({"m" + std::to_string(j), "cpu", {{"units", 1}}});
    }
    d.time = Matrix(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    for (std::size_t i = 0; i < n; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.optional = i % 7 == 0;
        d.tasks.push_back(t);
        for (std::size_t j = 0; j < m; ++j)
            d.time(i, j) = u(rng);
    }
    d.objective.terms = std::move(terms);
    return Problem(std::move(d));
}

// GAP-like: per-pair costs and a per-pair demand on `load`, plus cloud-like fixed costs.
Problem gap_problem(std::size_t n, std::size_t m,
                    std::vector<std::pair<Metric, double>> terms = {{Metric::cost, 1.0},
                                                                    {Metric::unplaced, 100.0}}) {
    std::mt19937 rng(9);
    std::uniform_int_distribution<int> cost(10, 50), demand(5, 25);
    ProblemData d;
    d.mode = Mode::packing;
    for (std::size_t j = 0; j < m; ++j) {
        Resource r{"a" + std::to_string(j), "agent", {{"units", 1000}, {"load", 60}}};
        r.fixed_cost = static_cast<double>(j % 3) * 7;
        d.resources.push_back(r);
    }
    d.cost = Matrix(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    Matrix load(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
    for (std::size_t i = 0; i < n; ++i) {
        Task t;
        t.id = "j" + std::to_string(i);
        t.optional = i % 5 == 0;
        d.tasks.push_back(t);
        for (std::size_t j = 0; j < m; ++j) {
            d.cost(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = cost(rng);
            load(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = demand(rng);
        }
    }
    d.demand["load"] = load;
    d.objective.terms = std::move(terms);
    return Problem(std::move(d));
}

Allocation random_start(const Problem& p, std::mt19937& rng) {
    Allocation a(p.num_tasks());
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        a.place(i, static_cast<std::int32_t>(rng() % p.num_resources()), 1);
    }
    return a;
}

void expect_close(const Evaluation& delta, const Evaluation& full, const char* what, int step) {
    const double scale = std::max(1.0, std::abs(full.objective));
    ASSERT_NEAR(delta.objective, full.objective, 1e-9 * scale) << what << " at step " << step;
    ASSERT_NEAR(delta.violation, full.violation, 1e-9) << what << " at step " << step;
}

// 10^4 random moves and swaps: each delta score equals a full evaluation of the changed
// allocation; applied moves keep the state equal to a full evaluation; undo restores it.
void check_against_full(const Problem& p, bool expect_incremental) {
    Evaluator ev(p, {.threads = 1});
    std::mt19937 rng(42);
    DeltaState state(ev, random_start(p, rng));
    ASSERT_EQ(state.incremental(), expect_incremental);
    const auto m = static_cast<std::int32_t>(p.num_resources());
    for (int step = 0; step < 10000; ++step) {
        const std::size_t t = rng() % p.num_tasks();
        Allocation changed = state.allocation();
        Evaluation delta;
        const int kind = static_cast<int>(rng() % 3);
        const std::size_t other = rng() % p.num_tasks();
        const std::int32_t r = p.task(t).optional && rng() % 4 == 0
                                   ? Allocation::kUnplaced
                                   : static_cast<std::int32_t>(rng() % static_cast<unsigned>(m));
        if (kind == 0) {
            delta = state.score_swap(t, other);
            changed.place(t, state.allocation().resource[other], state.allocation().units[other]);
            changed.place(other, state.allocation().resource[t], state.allocation().units[t]);
        } else {
            delta = state.score_move(t, r, 1);
            changed.place(t, r, 1);
        }
        expect_close(delta, ev.evaluate(changed), "score", step);
        if (rng() % 2 == 0) {
            const Allocation before = state.allocation();
            const Evaluation applied =
                kind == 0 ? state.apply_swap(t, other) : state.apply_move(t, r, 1);
            ASSERT_EQ(state.allocation(), changed);
            expect_close(applied, ev.evaluate(changed), "apply", step);
            if (rng() % 4 == 0) {
                state.undo();
                ASSERT_EQ(state.allocation(), before);
                expect_close(state.current(), ev.evaluate(before), "undo", step);
            }
        }
    }
}

TEST(DeltaState, MakespanMovesMatchFullEvaluation) {
    check_against_full(etc_problem(200, 16, {{Metric::makespan, 1.0}}), true);
}

TEST(DeltaState, LoadBalanceMovesMatchFullEvaluation) {
    check_against_full(etc_problem(120, 5, {{Metric::makespan, 1.0}, {Metric::load_imbalance, 50}}),
                       true);
}

TEST(DeltaState, TwoResourcesStillFindTheLargestUntouchedLoad) {
    check_against_full(etc_problem(30, 2, {{Metric::makespan, 1.0}}), true);
}

TEST(DeltaState, PackingCostAndViolationMovesMatchFullEvaluation) {
    check_against_full(gap_problem(60, 6), true);
}

TEST(DeltaState, FlowtimeOnTheGeneralPathIsIncremental) {
    check_against_full(etc_problem(40, 4, {{Metric::flowtime, 1.0}}), true);
}

TEST(DeltaState, OtherPackingObjectivesFallBackToFullEvaluation) {
    check_against_full(gap_problem(30, 4, {{Metric::makespan, 1.0}}), false);
}

TEST(DeltaState, EveryScoreCountsAsAnEvaluation) {
    const Problem p = etc_problem(20, 4, {{Metric::makespan, 1.0}});
    Evaluator ev(p);
    std::mt19937 rng(1);
    DeltaState state(ev, random_start(p, rng));
    const auto before = ev.evaluations();
    state.score_move(0, 1, 1);
    state.score_swap(0, 1);
    EXPECT_EQ(ev.evaluations(), before + 2);
}

TEST(DeltaState, ALocalCounterTakesTheCountsInsteadOfTheEvaluator) {
    const Problem p = gap_problem(30, 5);
    Evaluator ev(p);
    std::mt19937 rng(2);
    std::uint64_t local = 0;
    const auto before = ev.evaluations();
    DeltaState state(ev, random_start(p, rng), &local);
    ASSERT_TRUE(state.incremental());
    const std::uint64_t after_start = local;
    state.score_move(0, 1, 1);
    state.apply_swap(0, 1);
    EXPECT_EQ(local, after_start + 2);
    EXPECT_EQ(ev.evaluations(), before);
}

// A swap exchanges resources only: each task keeps its own unit count, which another task's
// count need not be admissible for (the bug behind 31 invalid tasks on gpu-cluster.yaml).
// Checked on the three kinds of state: packing (delta), schedule (full) and load.
TEST(DeltaState, ASwapKeepsEachTasksOwnUnitCount) {
    for (const Mode mode : {Mode::packing, Mode::schedule}) {
        ProblemData d;
        d.mode = mode;
        d.resources = {{"a", "gpu", {{"units", 8}}}, {"b", "gpu", {{"units", 8}}}};
        Task one, eight;
        one.id = "one";
        one.units = UnitChoice::exactly(1);
        eight.id = "eight";
        eight.units = UnitChoice::list({4, 8});
        d.tasks = {one, eight};
        d.objective.terms = {{mode == Mode::packing ? Metric::cost : Metric::flowtime, 1.0}};
        const Problem p(std::move(d));
        Evaluator ev(p, {.threads = 1});
        Allocation a(2);
        a.place(0, 0, 1);
        a.place(1, 1, 8);
        DeltaState state(ev, a);
        const Evaluation scored = state.score_swap(0, 1);
        const Evaluation applied = state.apply_swap(0, 1);
        EXPECT_EQ(state.allocation().resource, (std::vector<std::int32_t>{1, 0}));
        EXPECT_EQ(state.allocation().units, (std::vector<std::int32_t>{1, 8}));
        EXPECT_TRUE(applied.feasible());
        EXPECT_EQ(scored.objective, applied.objective);
        EXPECT_EQ(applied.objective, ev.evaluate(state.allocation()).objective);
    }
}

// The Evaluator and every delta state count an inadmissible unit count as a violation, on
// every path, so that a search bug can never again be reported as feasible.
TEST(DeltaState, AnInadmissibleUnitCountIsAViolationOnEveryPath) {
    const Problem load = etc_problem(6, 3, {{Metric::makespan, 1.0}});
    const Problem packing = gap_problem(6, 3);
    for (const Problem* p : {&load, &packing}) {
        Evaluator ev(*p, {.threads = 1});
        Allocation a(p->num_tasks());
        for (std::size_t i = 0; i < p->num_tasks(); ++i)
            a.place(i, static_cast<std::int32_t>(i % p->num_resources()), 1);
        DeltaState state(ev, a);
        const double before = state.current().violation;
        EXPECT_EQ(before, ev.evaluate(a).violation);
        const Evaluation moved = state.score_move(1, 2, 3);  // 3 units: not admissible
        EXPECT_GT(moved.violation, before);
        Allocation b = a;
        b.place(1, 2, 3);
        EXPECT_EQ(moved.violation, ev.evaluate(b).violation);
        EXPECT_EQ(ev.report(b).evaluation.violation, ev.evaluate(b).violation);
    }
}

// --- Schedule kind: the general path (list scheduling per resource) ---

// Every placement a search could try, and some it never should: any resource (allowed or
// not), any admissible count and now and then an inadmissible one or one above the
// resource's units, unplaced.
std::int32_t random_units(const Problem& p, std::size_t t, std::mt19937& rng) {
    const UnitChoice& u = p.task(t).units;
    if (rng() % 10 == 0) return u.max + 1 + static_cast<std::int32_t>(rng() % 3);  // inadmissible
    return u.nth(static_cast<int>(rng() % static_cast<unsigned>(u.count())));
}

std::int32_t random_resource(const Problem& p, std::size_t t, std::mt19937& rng) {
    if (rng() % 12 == 0) return Allocation::kUnplaced;
    const auto m = static_cast<unsigned>(p.num_resources());
    for (int tries = 0; tries < 4; ++tries) {  // mostly allowed resources, sometimes not
        const auto r = static_cast<std::int32_t>(rng() % m);
        if (p.allowed(t, static_cast<std::size_t>(r)) || rng() % 8 == 0) return r;
    }
    return static_cast<std::int32_t>(rng() % m);
}

void expect_same_score(const Evaluation& delta, const Evaluation& full, const char* what,
                       int step) {
    const double scale = std::max(1.0, std::abs(full.objective));
    ASSERT_NEAR(delta.objective, full.objective, 1e-9 * scale) << what << " at step " << step;
    ASSERT_EQ(delta.feasible(), full.feasible())
        << what << " at step " << step << ": " << delta.violation << " vs " << full.violation;
    ASSERT_NEAR(delta.violation, full.violation, 1e-9 * std::max(1.0, full.violation))
        << what << " at step " << step;
}

// Random moves (to another resource, unplaced, or another count on the same resource),
// swaps, applies, undos and resyncs: every score equals a fresh evaluation of the changed
// allocation, in value (1e-9 relative) and feasibility (exactly).
void check_schedule_against_full(const Problem& p, int steps, unsigned seed = 42) {
    Evaluator ev(p, {.threads = 1});
    ASSERT_EQ(detail::internals(ev).path, detail::EvaluatorPath::general);
    std::mt19937 rng(seed);
    Allocation start(p.num_tasks());
    for (std::size_t t = 0; t < p.num_tasks(); ++t) {
        start.place(t, random_resource(p, t, rng), random_units(p, t, rng));
    }
    DeltaState state(ev, start);
    ASSERT_TRUE(state.incremental());
    ASSERT_TRUE(state.approximate());
    expect_same_score(state.current(), ev.evaluate(start), "start", -1);
    const std::size_t n = p.num_tasks();
    for (int step = 0; step < steps; ++step) {
        const std::size_t t = rng() % n;
        const Allocation& a = state.allocation();
        Allocation changed = a;
        const int kind = static_cast<int>(rng() % 4);
        std::size_t other = rng() % n;
        std::int32_t r = random_resource(p, t, rng), u = random_units(p, t, rng);
        if (kind == 1 && a.resource[t] >= 0) r = a.resource[t];  // a count change in place
        Evaluation delta;
        if (kind == 0) {
            delta = state.score_swap(t, other);
            changed.place(t, a.resource[other], a.units[t]);
            changed.place(other, a.resource[t], a.units[other]);
        } else {
            delta = state.score_move(t, r, u);
            changed.place(t, r, u);
        }
        expect_same_score(delta, ev.evaluate(changed), "score", step);
        if (rng() % 3 == 0) {
            const Allocation before = state.allocation();
            const Evaluation applied =
                kind == 0 ? state.apply_swap(t, other) : state.apply_move(t, r, u);
            ASSERT_EQ(state.allocation(), changed);
            expect_same_score(applied, ev.evaluate(changed), "apply", step);
            if (rng() % 4 == 0) {
                state.undo();
                ASSERT_EQ(state.allocation(), before);
                expect_same_score(state.current(), ev.evaluate(before), "undo", step);
            }
        }
        if (rng() % 500 == 0) {
            state.resync();
            expect_same_score(state.current(), ev.evaluate(state.allocation()), "resync", step);
        }
    }
}

TEST(DeltaSchedule, SmallClusterMovesMatchFullEvaluation) {
    generators::ClusterSpec spec;
    spec.jobs = 60;
    spec.nodes = 6;
    check_schedule_against_full(generators::generate_cluster(spec), 4000);
}

TEST(DeltaSchedule, ClusterWithArrivalsMatchesFullEvaluation) {
    generators::ClusterSpec spec;
    spec.jobs = 80;
    spec.nodes = 8;
    spec.arrival_rate = 20;
    spec.seed = 3;
    check_schedule_against_full(generators::generate_cluster(spec), 4000);
}

TEST(DeltaSchedule, MediumClusterMovesMatchFullEvaluation) {
    generators::ClusterSpec spec;
    spec.jobs = 400;
    spec.nodes = 24;
    spec.arrival_rate = 5;
    spec.seed = 7;
    check_schedule_against_full(generators::generate_cluster(spec), 1500);
}

TEST(DeltaSchedule, TheGpuClusterExampleMatchesFullEvaluation) {
    check_schedule_against_full(read_problem(ALLOCOPT_PROBLEMS "/gpu-cluster.yaml"), 2000);
}

// A hand-made problem that has every case: three dimensions with a resource-specific
// memory matrix, arrivals, deadlines, ties in priority and arrival, unit ranges and lists
// with linear and Amdahl scaling, optional tasks, restricted placements, a task too big for
// the small resources, fixed costs and weights.
Problem hand_made(Policy policy, std::vector<std::pair<Metric, double>> terms, Sense sense,
                  bool hard, double horizon, bool backfill = false) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    ProblemData d;
    d.policy = policy;
    d.backfill = backfill;
    const double units[] = {1, 2, 4, 8, 2, 16};
    for (std::size_t j = 0; j < 6; ++j) {
        Resource r{"r" + std::to_string(j),
                   j < 4 ? "gpu" : "cpu",
                   {{"units", units[j]}, {"cpu", j == 1 ? 8.0 : 32.0}, {"mem", 64}}};
        r.speed = 0.5 + static_cast<double>(j % 3) * 0.5;
        r.cost_per_hour = 0.1 * static_cast<double>(j + 1);
        r.fixed_cost = j % 2 ? 3.0 : 0.0;
        r.weight = 1.0 + static_cast<double>(j % 2);
        d.resources.push_back(r);
    }
    const std::size_t n = 40;
    Matrix mem(static_cast<Eigen::Index>(n), 6);
    for (std::size_t i = 0; i < n; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = i % 13 == 5 ? 0.0 : 1.0 + std::floor(unit(rng) * 20);  // ties for sjf, ljf
        t.frequency = i % 3 == 0 ? 2 : 1;
        t.priority = static_cast<double>(rng() % 3) - (i % 11 == 0 ? 2.0 : 0.0);
        t.arrival = i % 4 == 0 ? 0.0 : std::floor(unit(rng) * 10);
        if (i % 5 == 0) t.deadline = t.arrival + 5 + unit(rng) * 30;
        t.demand["cpu"] = i == 7 ? 12.0 : std::floor(unit(rng) * 6);  // t7 too big for r1
        if (i % 3 == 0) t.units = UnitChoice::range(1, 4);
        if (i % 3 == 1) t.units = UnitChoice::list({1, 2, 8});
        if (i % 2 == 0) t.scaling.type = Scaling::Type::amdahl;
        t.scaling.parallel_fraction = 0.9;
        if (i % 6 == 0) t.allowed = {"gpu"};
        t.optional = i % 7 == 3;
        d.tasks.push_back(t);
        for (Eigen::Index j = 0; j < 6; ++j)
            mem(static_cast<Eigen::Index>(i), j) = std::floor(unit(rng) * 40);
    }
    d.demand["mem"] = mem;
    d.objective.sense = sense;
    d.objective.terms = std::move(terms);
    d.horizon = horizon;
    d.hard_deadlines = hard;
    d.hard_horizon = hard && std::isfinite(horizon);
    return Problem(std::move(d));
}

TEST(DeltaSchedule, EveryPolicyMatchesFullEvaluation) {
    for (const bool backfill : {false, true}) {
        for (const Policy policy : {Policy::fcfs, Policy::sjf, Policy::priority, Policy::ljf}) {
            SCOPED_TRACE(std::to_string(static_cast<int>(policy)) + (backfill ? " backfill" : ""));
            check_schedule_against_full(
                hand_made(policy, {{Metric::flowtime, 1.0}, {Metric::cost, 0.5}}, Sense::minimize,
                          false, kInfinity, backfill),
                3000);
        }
    }
}

// Backfilling with the makespan alone: the tie key (DeltaState::tie_key) of every score and
// every state equals the sum of squared per-resource makespans of a fresh evaluation.
TEST(DeltaSchedule, BackfillingAndTheTieKeyMatchFullEvaluation) {
    const Problem p =
        hand_made(Policy::ljf, {{Metric::makespan, 1.0}}, Sense::minimize, false, kInfinity, true);
    check_schedule_against_full(p, 2000, 13);
    Evaluator ev(p, {.threads = 1});
    const auto squares = [&](const Allocation& a) {
        const Report r = ev.report(a);
        std::vector<double> end(p.num_resources(), 0.0);
        for (std::size_t t = 0; t < p.num_tasks(); ++t) {
            if (a.resource[t] < 0) continue;
            double& e = end[static_cast<std::size_t>(a.resource[t])];
            e = std::max(e, r.end[t]);
        }
        double sum = 0;
        for (double e : end)
            sum += e * e;
        return sum;
    };
    std::mt19937 rng(5);
    Allocation a(p.num_tasks());
    for (std::size_t t = 0; t < p.num_tasks(); ++t)
        a.place(t, 3, p.task(t).units.min);
    DeltaState state(ev, a);
    EXPECT_NEAR(state.tie_key(), squares(a), 1e-9 * squares(a));
    for (int step = 0; step < 300; ++step) {
        const std::size_t t = rng() % p.num_tasks();
        const auto r = static_cast<std::int32_t>(rng() % p.num_resources());
        if (!p.can_host(t, static_cast<std::size_t>(r))) continue;
        Allocation b = state.allocation();
        b.place(t, r, p.task(t).units.min);
        state.score_move(t, r, p.task(t).units.min);
        EXPECT_NEAR(state.scored_tie_key(), squares(b), 1e-9 * squares(b)) << step;
        if (step % 2 == 0) {
            state.apply_move(t, r, p.task(t).units.min);
            EXPECT_NEAR(state.tie_key(), squares(b), 1e-9 * squares(b)) << step;
        }
    }
    // Another objective has no tie key.
    const Problem flow =
        hand_made(Policy::ljf, {{Metric::flowtime, 1.0}}, Sense::minimize, false, kInfinity, true);
    Evaluator fe(flow, {.threads = 1});
    EXPECT_EQ(DeltaState(fe, a).tie_key(), 0.0);
}

// Gavel's seed-0 100-job set (fixed units, a time matrix, a speed-up table, types not
// allowed): the two orders of its importer.
TEST(DeltaSchedule, GavelJobSetMatchesFullEvaluation) {
    const std::string jobs = std::string(ALLOCOPT_PROBLEMS) + "/gavel/jobs_seed0_n100.csv";
    for (const bool backfill : {true, false}) {
        for (const Policy policy : {Policy::ljf, Policy::fcfs}) {
            SCOPED_TRACE(std::to_string(static_cast<int>(policy)) + (backfill ? " backfill" : ""));
            check_schedule_against_full(import_gavel(jobs, {}, policy, backfill), 1500);
        }
    }
}

// The same set with GPU counts to choose and speed tables per count (--units variable): the
// durations of every count come from Problem::duration's tables; and its efficiency under a
// hard horizon.
TEST(DeltaSchedule, GavelVariableUnitsMatchFullEvaluation) {
    const std::string jobs = std::string(ALLOCOPT_PROBLEMS) + "/gavel/jobs_seed0_n100.csv";
    GavelOptions options;
    options.units = GavelUnits::variable;
    for (const bool backfill : {true, false}) {
        SCOPED_TRACE(backfill ? "backfill" : "strict");
        options.backfill = backfill;
        check_schedule_against_full(import_gavel(jobs, options), 1500);
    }
    options.objective = GavelObjective::efficiency;
    options.horizon = 40;  // hours
    check_schedule_against_full(import_gavel(jobs, options), 1500);
}

TEST(DeltaSchedule, HardDeadlinesAndHorizonMatchFullEvaluation) {
    for (const Policy policy : {Policy::fcfs, Policy::sjf, Policy::priority, Policy::ljf}) {
        SCOPED_TRACE(static_cast<int>(policy));
        check_schedule_against_full(
            hand_made(policy, {{Metric::makespan, 1.0}, {Metric::deadline_misses, 3.0}},
                      Sense::minimize, true, 60.0),
            3000, 5);
    }
}

TEST(DeltaSchedule, EveryMetricMatchesFullEvaluation) {
    for (const Metric metric : kAllMetrics) {
        SCOPED_TRACE(static_cast<int>(metric));
        for (const double horizon : {kInfinity, 25.0}) {
            const Sense sense = metric == Metric::throughput || metric == Metric::utilization ||
                                        metric == Metric::efficiency
                                    ? Sense::maximize
                                    : Sense::minimize;
            check_schedule_against_full(
                hand_made(Policy::priority, {{metric, 1.0}}, sense, false, horizon), 800, 9);
        }
    }
}

// A swap of two tasks on one resource changes nothing; a unit change in place re-queues the
// task (under sjf and ljf its duration, hence its place, changes).
TEST(DeltaSchedule, SameResourceChangesMatchFullEvaluation) {
    for (const Policy policy : {Policy::sjf, Policy::ljf}) {
        SCOPED_TRACE(static_cast<int>(policy));
        const Problem p =
            hand_made(policy, {{Metric::flowtime, 1.0}}, Sense::minimize, false, kInfinity);
        Evaluator ev(p, {.threads = 1});
        Allocation a(p.num_tasks());
        for (std::size_t t = 0; t < p.num_tasks(); ++t)
            a.place(t, 3, p.task(t).units.min);  // all on r3 (8 units)
        DeltaState state(ev, a);
        EXPECT_EQ(state.score_swap(0, 1).objective, state.current().objective);
        Allocation b = a;
        b.place(0, 3, 4);
        expect_same_score(state.score_move(0, 3, 4), ev.evaluate(b), "in place", 0);
        expect_same_score(state.apply_move(0, 3, 4), ev.evaluate(b), "in place", 1);
        state.undo();
        expect_same_score(state.current(), ev.evaluate(a), "undo", 2);
    }
}

// Where a fresh evaluation scores a move exactly as the current allocation (a task moved
// between identical nodes, its schedule unchanged: gpu-cluster.yaml has eight g2 nodes),
// the delta score is exactly the current score too, not an improvement or a loss of a few
// ulps left by the sums (which a descent would take, or wander on).
TEST(DeltaSchedule, AMoveThatAFreshEvaluationScoresAsATieIsATie) {
    const Problem p = read_problem(ALLOCOPT_PROBLEMS "/gpu-cluster.yaml");
    Evaluator ev(p, {.threads = 1});
    DeltaState state(ev, heuristics::min_min(p));
    const double exact = ev.evaluate(state.allocation()).objective;
    std::mt19937 rng(8);
    int ties = 0;
    for (int step = 0; step < 20000; ++step) {
        const std::size_t t = rng() % p.num_tasks();
        const auto r = static_cast<std::int32_t>(rng() % p.num_resources());
        const std::int32_t u = state.allocation().units[t];
        if (!p.can_host(t, static_cast<std::size_t>(r)) ||
            u > p.capacity(static_cast<std::size_t>(r), 0)) {
            continue;
        }
        const Evaluation e = state.score_move(t, r, u);
        if (std::abs(e.objective - exact) > 1e-9 * exact) continue;  // clearly no tie
        Allocation changed = state.allocation();
        changed.place(t, r, u);
        if (ev.evaluate(changed).objective != exact) continue;
        ++ties;
        ASSERT_EQ(e.objective, state.current().objective) << "step " << step;
    }
    EXPECT_GT(ties, 10);
}

// The schedule kind keeps its own scratch: states counting locally may run in parallel.
TEST(DeltaSchedule, ParallelStatesWithLocalCountersAgreeWithSerialOnes) {
    generators::ClusterSpec spec;
    spec.jobs = 120;
    spec.nodes = 8;
    const Problem p = generators::generate_cluster(spec);
    Evaluator ev(p, {.threads = 4});
    std::vector<Allocation> starts;
    std::mt19937 rng(3);
    for (int k = 0; k < 8; ++k) {
        Allocation a(p.num_tasks());
        for (std::size_t t = 0; t < p.num_tasks(); ++t)
            a.place(t, random_resource(p, t, rng), p.task(t).units.min);
        starts.push_back(a);
    }
    auto run = [&](std::size_t k, std::uint64_t& counter) {
        DeltaState state(ev, starts[k], &counter);
        std::mt19937 local(static_cast<unsigned>(k));
        double sum = 0;
        for (int step = 0; step < 300; ++step) {
            const std::size_t t = local() % p.num_tasks();
            const auto r = static_cast<std::int32_t>(local() % p.num_resources());
            sum += step % 5 == 0 ? state.apply_move(t, r, p.task(t).units.min).objective
                                 : state.score_move(t, r, p.task(t).units.min).objective;
        }
        return sum;
    };
    std::vector<double> parallel(starts.size()), serial(starts.size());
    std::vector<std::uint64_t> counts(starts.size(), 0);
    const auto before = ev.evaluations();
    ev.parallel_for(starts.size(), [&](std::size_t k) { parallel[k] = run(k, counts[k]); });
    EXPECT_EQ(ev.evaluations(), before);
    for (std::size_t k = 0; k < starts.size(); ++k) {
        std::uint64_t c = 0;
        serial[k] = run(k, c);
        EXPECT_EQ(parallel[k], serial[k]);
        EXPECT_EQ(counts[k], c);
        EXPECT_EQ(c, 301u);  // the start and 300 scores or applies
    }
}

}  // namespace
}  // namespace allocopt
