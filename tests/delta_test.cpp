#include "allocopt/delta.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "allocopt/io/problem_yaml.hpp"

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
Problem gap_problem(std::size_t n, std::size_t m) {
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
    d.objective.terms = {{Metric::cost, 1.0}, {Metric::unplaced, 100.0}};
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

TEST(DeltaState, OtherObjectivesFallBackToFullEvaluation) {
    check_against_full(etc_problem(40, 4, {{Metric::flowtime, 1.0}}), false);
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

}  // namespace
}  // namespace allocopt
