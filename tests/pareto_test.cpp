// Pareto fronts (include/allocopt/pareto.hpp): the hypervolume against hand-computed values,
// the metric list's errors, and fronts from both searches: mutually non-dominated, every
// point feasible and re-scored by an independent Evaluator to the values written, the same
// for one and two threads, the budget kept, and on a problem small enough to enumerate, the
// true front.

#include "allocopt/pareto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/solvers/pagmo.hpp"

namespace allocopt {
namespace {

using Points = std::vector<std::vector<double>>;

TEST(Hypervolume, TwoDimensionsStaircase) {
    // (1,3), (2,2), (3,1) against (4,4): strips of 3 x 1, 2 x 1 and 1 x 1.
    const Points p{{2, 2}, {1, 3}, {3, 1}};
    EXPECT_DOUBLE_EQ(hypervolume(p, std::vector<double>{4, 4}), 6);
    // A dominated point, a point beyond the reference and a duplicate add nothing.
    const Points q{{2, 2}, {1, 3}, {3, 1}, {3, 3}, {5, 0}, {2, 2}};
    EXPECT_DOUBLE_EQ(hypervolume(q, std::vector<double>{4, 4}), 6);
    EXPECT_DOUBLE_EQ(hypervolume(Points{}, std::vector<double>{4, 4}), 0);
    // On the reference's edge: no volume.
    EXPECT_DOUBLE_EQ(hypervolume(Points{{4, 1}}, std::vector<double>{4, 4}), 0);
}

TEST(Hypervolume, ThreeDimensions) {
    EXPECT_DOUBLE_EQ(hypervolume(Points{{1, 1, 1}}, std::vector<double>{2, 3, 4}), 6);
    // Two boxes: 2 x 2 x 1 and 1 x 1 x 2, overlapping in 1 x 1 x 1.
    EXPECT_DOUBLE_EQ(hypervolume(Points{{0, 0, 1}, {1, 1, 0}}, std::vector<double>{2, 2, 2}), 5);
    // Equal z: one slice of the 2-D area 2 x 1 + 1 x 1.
    EXPECT_DOUBLE_EQ(hypervolume(Points{{0, 1, 0}, {1, 0, 0}}, std::vector<double>{2, 2, 1}), 3);
    // Three points at three levels: (0,2,0), (1,1,1), (2,0,2) against (3,3,3).
    // z in [0,1): only (0,2): 3 x 1 = 3; [1,2): (0,2) and (1,1): 3 + 2 x 1 = 5;
    // [2,3): all three: 3 + 2 + 1 = 6. Total 14.
    EXPECT_DOUBLE_EQ(
        hypervolume(Points{{2, 0, 2}, {0, 2, 0}, {1, 1, 1}}, std::vector<double>{3, 3, 3}), 14);
    EXPECT_THROW(hypervolume(Points{{1, 1}}, std::vector<double>{1, 1, 1, 1}),
                 std::invalid_argument);
}

TEST(Hypervolume, MaximisedMetricsAreNegated) {
    // makespan 1 (minimised), efficiency 5 (maximised) against (2, 3): 1 x 2.
    const std::vector<Sense> senses{Sense::minimize, Sense::maximize};
    EXPECT_DOUBLE_EQ(front_hypervolume(Points{{1, 5}}, std::vector<double>{2, 3}, senses), 2);
    const std::vector<double> ref = default_reference(Points{{1, 5}, {3, 9}}, senses);
    // Worst makespan 3 + 0.2, worst efficiency 5 - 0.4.
    EXPECT_DOUBLE_EQ(ref[0], 3.2);
    EXPECT_DOUBLE_EQ(ref[1], 4.6);
}

TEST(ParetoMetrics, ParsesAndRefuses) {
    EXPECT_EQ(parse_pareto_metrics("makespan,cost"),
              (std::vector<Metric>{Metric::makespan, Metric::cost}));
    EXPECT_EQ(parse_pareto_metrics("makespan, cost ,efficiency").size(), 3u);
    auto message = [](std::string_view list) {
        try {
            parse_pareto_metrics(list);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message("makespan").find("two or three"), std::string::npos);
    EXPECT_NE(message("makespan,cost,flowtime,efficiency").find("got 4"), std::string::npos);
    EXPECT_NE(message("makespan,makespan").find("twice"), std::string::npos);
    const std::string unknown = message("makespan,costs");
    EXPECT_NE(unknown.find("'costs'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("did you mean 'cost'"), std::string::npos) << unknown;
    EXPECT_THROW(parse_number_list("1,x", 2, "--pareto-ref"), InputError);
    EXPECT_THROW(parse_number_list("1", 2, "--pareto-ref"), InputError);
    EXPECT_EQ(parse_number_list("1.5,2", 2, "--pareto-ref"), (std::vector<double>{1.5, 2}));
}

TEST(ParetoMetrics, NaturalSense) {
    EXPECT_EQ(natural_sense(Metric::makespan), Sense::minimize);
    EXPECT_EQ(natural_sense(Metric::cost), Sense::minimize);
    EXPECT_EQ(natural_sense(Metric::efficiency), Sense::maximize);
    EXPECT_EQ(natural_sense(Metric::throughput), Sense::maximize);
}

/// Checks what every front must be: points feasible, mutually non-dominated, each re-scored
/// by an Evaluator of the original problem (report(): an independent path) to its values.
void expect_valid_front(const Problem& problem, const ParetoFront& front) {
    const Evaluator evaluator(problem, {.threads = 1});
    const std::size_t k = front.metrics.size();
    std::vector<std::vector<double>> minimised;
    for (const ParetoPoint& p : front.points) {
        ASSERT_EQ(p.values.size(), k);
        const Report r = evaluator.report(p.allocation);
        EXPECT_TRUE(r.evaluation.feasible());
        std::vector<double> m;
        for (std::size_t q = 0; q < k; ++q) {
            const double want = r.metric(front.metrics[q]);
            EXPECT_NEAR(p.values[q], want, 1e-9 * std::max(1.0, std::abs(want)))
                << metric_name(front.metrics[q]);
            m.push_back(front.senses[q] == Sense::maximize ? -p.values[q] : p.values[q]);
        }
        minimised.push_back(m);
    }
    for (std::size_t a = 0; a < minimised.size(); ++a) {
        for (std::size_t b = 0; b < minimised.size(); ++b) {
            if (a == b) continue;
            EXPECT_FALSE(dominates(minimised[a], minimised[b])) << a << " dominates " << b;
            EXPECT_NE(minimised[a], minimised[b]) << a << " repeats " << b;
        }
    }
    EXPECT_NEAR(front.hypervolume,
                front_hypervolume(
                    [&] {
                        Points v;
                        for (const ParetoPoint& p : front.points)
                            v.push_back(p.values);
                        return v;
                    }(),
                    front.reference, front.senses),
                1e-12 * std::max(1.0, front.hypervolume));
}

Problem priced_problem(std::size_t n);

const Problem& priced() {
    static const Problem p = priced_problem(40);
    return p;
}

const Problem& cluster() {
    static const Problem p = generators::generate_cluster({.jobs = 30, .nodes = 5});
    return p;
}

class ParetoSearch : public ::testing::TestWithParam<ParetoMethod> {
  protected:
    void SetUp() override {
        if (GetParam() == ParetoMethod::pagmo_nsga2 && !pagmo_available())
            GTEST_SKIP() << "built without pagmo";
    }
    ParetoOptions options(std::vector<Metric> metrics) const {
        ParetoOptions o;
        o.metrics = std::move(metrics);
        o.method = GetParam();
        return o;
    }
};

TEST_P(ParetoSearch, FrontIsValidAndBudgetKept) {
    const RunSettings s{.seed = 3, .threads = 1, .max_evaluations = 6000};
    const ParetoFront f = solve_pareto(priced(), options({Metric::makespan, Metric::cost}), s);
    EXPECT_LE(f.evaluations, 6000u);
    EXPECT_EQ(f.stop, StopReason::evaluations);
    ASSERT_GE(f.points.size(), 5u);
    expect_valid_front(priced(), f);
    // On the cluster (unit choices, allowed lists, demands) too.
    const ParetoFront g = solve_pareto(cluster(), options({Metric::makespan, Metric::cost}), s);
    ASSERT_FALSE(g.points.empty());
    expect_valid_front(cluster(), g);
    EXPECT_GT(f.hypervolume, 0);
}

TEST_P(ParetoSearch, ThreeMetricsWithAMaximisedOne) {
    const RunSettings s{.seed = 5, .threads = 1, .max_evaluations = 6000};
    const ParetoFront f =
        solve_pareto(cluster(), options({Metric::makespan, Metric::cost, Metric::efficiency}), s);
    EXPECT_EQ(f.senses[2], Sense::maximize);
    ASSERT_FALSE(f.points.empty());
    expect_valid_front(cluster(), f);
}

TEST_P(ParetoSearch, SameFrontForOneAndTwoThreads) {
    ParetoOptions o = options({Metric::makespan, Metric::cost});
    o.seeded = true;
    const ParetoFront one =
        solve_pareto(priced(), o, {.seed = 9, .threads = 1, .max_evaluations = 4000});
    const ParetoFront two =
        solve_pareto(priced(), o, {.seed = 9, .threads = 2, .max_evaluations = 4000});
    ASSERT_GE(one.points.size(), 5u);
    ASSERT_EQ(one.points.size(), two.points.size());
    for (std::size_t k = 0; k < one.points.size(); ++k) {
        EXPECT_EQ(one.points[k].values, two.points[k].values);
        EXPECT_EQ(one.points[k].allocation, two.points[k].allocation);
    }
    EXPECT_EQ(one.evaluations, two.evaluations);
}

TEST_P(ParetoSearch, InterruptAndTimeLimitKept) {
    std::atomic<bool> stop{true};
    const ParetoFront f = solve_pareto(cluster(), options({Metric::makespan, Metric::cost}),
                                       {.seed = 1, .threads = 1, .interrupt = &stop});
    EXPECT_EQ(f.stop, StopReason::interrupted);
    // Stopped before anything was scored, the front still has a point, with its assignment,
    // scored as the Evaluator scores it.
    ASSERT_EQ(f.points.size(), 1U);
    expect_valid_front(cluster(), f);
    const auto start = std::chrono::steady_clock::now();
    const ParetoFront g = solve_pareto(cluster(), options({Metric::makespan, Metric::cost}),
                                       {.seed = 1, .threads = 1, .time_limit = 0.3});
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(took, 0.3 + 1.0 * ALLOCOPT_TEST_SLOWDOWN);
    expect_valid_front(cluster(), g);
}

INSTANTIATE_TEST_SUITE_P(Methods, ParetoSearch,
                         ::testing::Values(ParetoMethod::nsga2, ParetoMethod::pagmo_nsga2),
                         [](const auto& instance) {  // not `info`: the macro's parameter
                             return instance.param == ParetoMethod::nsga2 ? "nsga2" : "pagmo_nsga2";
                         });

/// `n` tasks on three resources of different speed and price, one unit each: makespan and
/// cost pull apart (the fast resources are the dear ones).
Problem priced_problem(std::size_t n) {
    ProblemData d;
    d.name = "priced";
    const double speed[] = {1, 2, 4};
    const double price[] = {1, 3, 10};
    for (int j = 0; j < 3; ++j) {
        Resource r;
        r.id = "r" + std::to_string(j);
        r.kind = "k";
        r.capacity = {{"units", 1}};
        r.speed = speed[j];
        r.cost_per_hour = price[j];
        d.resources.push_back(r);
    }
    const double work[] = {3, 5, 2, 7, 4, 6, 1, 8};
    for (std::size_t i = 0; i < n; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = work[i % 8] + static_cast<double>(i / 8);
        d.tasks.push_back(t);
    }
    return Problem(std::move(d));
}

/// Six tasks: 3^6 allocations, enumerable.
Problem small_problem() {
    return priced_problem(6);
}

/// The true front by enumeration: every one of the 3^6 allocations scored by report().
Points enumerated_front(const Problem& p, Metric a, Metric b) {
    const Evaluator evaluator(p, {.threads = 1});
    Points all;
    Allocation x(p.num_tasks());
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        if (i == p.num_tasks()) {
            const Report r = evaluator.report(x);
            if (r.evaluation.feasible()) all.push_back({r.metric(a), r.metric(b)});
            return;
        }
        for (std::int32_t j = 0; j < static_cast<std::int32_t>(p.num_resources()); ++j) {
            x.place(i, j, 1);
            visit(i + 1);
        }
    };
    visit(0);
    Points front;
    for (const auto& v : all) {
        const bool beaten =
            std::any_of(all.begin(), all.end(), [&](const auto& w) { return dominates(w, v); });
        if (!beaten && std::find(front.begin(), front.end(), v) == front.end()) front.push_back(v);
    }
    std::sort(front.begin(), front.end());
    return front;
}

TEST_P(ParetoSearch, FindsTheEnumeratedFront) {
    const Problem p = small_problem();
    const Points truth = enumerated_front(p, Metric::makespan, Metric::cost);
    ASSERT_GE(truth.size(), 4u);  // a front worth finding
    ParetoOptions o = options({Metric::makespan, Metric::cost});
    o.seeded = true;
    const ParetoFront f = solve_pareto(p, o, {.seed = 2, .threads = 1, .max_evaluations = 60000});
    expect_valid_front(p, f);
    Points found;
    for (const ParetoPoint& q : f.points)
        found.push_back(q.values);
    std::sort(found.begin(), found.end());
    // Nothing found beats the true front (an enumeration's front cannot be dominated).
    for (const auto& v : found) {
        for (const auto& t : truth)
            EXPECT_FALSE(dominates(v, t)) << v[0] << ", " << v[1];
    }
    // Ours finds all of it; pagmo's nsga2 (23 of 28 points at this budget when written) is
    // only held to the above.
    if (GetParam() == ParetoMethod::pagmo_nsga2) return;
    ASSERT_EQ(found.size(), truth.size());
    for (std::size_t k = 0; k < truth.size(); ++k) {
        EXPECT_NEAR(found[k][0], truth[k][0], 1e-9);
        EXPECT_NEAR(found[k][1], truth[k][1], 1e-9);
    }
}

TEST(ParetoSearchInput, RefusesWhatDoesNotApply) {
    ParetoOptions o;
    o.metrics = {Metric::makespan};
    EXPECT_THROW(solve_pareto(cluster(), o, {.max_evaluations = 10}), InputError);
    o.metrics = {Metric::makespan, Metric::cost};
    o.reference = {1};
    EXPECT_THROW(solve_pareto(cluster(), o, {.max_evaluations = 10}), InputError);
    o.reference = {};
    EXPECT_THROW(solve_pareto(cluster(), o, {.max_evaluations = 10, .target = 5.0}), InputError);
    o.method = ParetoMethod::pagmo_nsga2;
    o.population = 10;  // not a multiple of 4
    EXPECT_THROW(solve_pareto(cluster(), o, {.max_evaluations = 10}), InputError);
}

}  // namespace
}  // namespace allocopt
