// The integer encoding the pagmo solvers search (src/solvers/pagmo_encoding.hpp): plain
// arithmetic, tested without pagmo.

#include "solvers/pagmo_encoding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/rng.hpp"

namespace allocopt::detail {
namespace {

/// Three tasks, two resources: `a` admits 1, 2 or 4 units (and the small node holds 2), `b`
/// is optional and may only use the big node, `c` takes one unit anywhere.
Problem small_problem() {
    return parse_problem(R"(
resources:
  - {id: small, capacity: {units: 2}}
  - {id: big, capacity: {units: 8}}
tasks:
  - {id: a, workload: 10, units: [1, 2, 4]}
  - {id: b, workload: 5, optional: true, allowed: [big]}
  - {id: c, workload: 3}
objective: {minimize: makespan}
)")
        .problem;
}

TEST(PagmoEncoding, OneResourceGenePerTaskThenOneUnitGenePerTaskWithSeveralCounts) {
    const Problem p = small_problem();
    const PagmoEncoding e(p);
    ASSERT_EQ(e.dimension(), 4u);  // a, b, c, then a's unit count
    // a: two hosts; b: one host or unplaced; c: two hosts; a's counts: three.
    EXPECT_EQ(e.lower(), (std::vector<double>{0, 0, 0, 0}));
    EXPECT_EQ(e.upper(), (std::vector<double>{1, 1, 1, 2}));
}

TEST(PagmoEncoding, DecodesIndicesIntoHostsAndCountsLoweringWhatTheResourceCannotHold) {
    const Problem p = small_problem();
    const PagmoEncoding e(p);
    Allocation a;
    e.decode(std::vector<double>{1, 0, 0, 2}, a);  // a on big with 4, b on big, c on small
    EXPECT_EQ(a.resource, (std::vector<std::int32_t>{1, 1, 0}));
    EXPECT_EQ(a.units, (std::vector<std::int32_t>{4, 1, 1}));
    e.decode(std::vector<double>{0, 1, 1, 2}, a);  // a on small: 4 lowered to 2; b unplaced
    EXPECT_EQ(a.resource, (std::vector<std::int32_t>{0, Allocation::kUnplaced, 1}));
    EXPECT_EQ(a.units[0], 2);
    EXPECT_NO_THROW(check_decisions(p, a));
}

TEST(PagmoEncoding, AnyVectorDecodesToDecisionsTheProblemAdmits) {
    // What the continuous algorithms hand over: fractions, values out of bounds, NaN, infinity.
    const Problem p = small_problem();
    const PagmoEncoding e(p);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (const std::vector<double>& x :
         {std::vector<double>{0.49, 0.51, -3, 1.7}, std::vector<double>{nan, nan, nan, nan},
          std::vector<double>{inf, -inf, 1e300, -1e300}, std::vector<double>{7, 7, 7, 7}}) {
        Allocation a;
        e.decode(x, a);
        EXPECT_NO_THROW(check_decisions(p, a));
    }
    Allocation a;
    e.decode(std::vector<double>{0.49, 0.51, 1.6, 1.4}, a);  // rounded to the nearest gene
    EXPECT_EQ(a.resource, (std::vector<std::int32_t>{0, Allocation::kUnplaced, 1}));
    EXPECT_EQ(a.units[0], 2);
}

TEST(PagmoEncoding, EncodeThenDecodeGivesTheAllocationBack) {
    // The GPU cluster: allowed lists, unit choices per job, resources of different sizes.
    const Problem p = generators::generate_cluster({.jobs = 40, .nodes = 6, .seed = 3});
    const PagmoEncoding e(p);
    Rng rng(7);
    int tried = 0;
    for (int draw = 0; draw < 200; ++draw) {
        std::vector<double> x(e.dimension());
        for (std::size_t k = 0; k < x.size(); ++k)
            x[k] = static_cast<double>(rng.below(static_cast<std::uint64_t>(e.upper()[k]) + 1));
        Allocation a;
        e.decode(x, a);
        ASSERT_NO_THROW(check_decisions(p, a));
        Allocation back;
        e.decode(e.encode(a), back);
        EXPECT_EQ(back, a);
        ++tried;
    }
    EXPECT_EQ(tried, 200);
}

TEST(PagmoEncoding, TheScoreOrdersEvaluationsAsBetterDoesUpToTiesInViolation) {
    const std::vector<Evaluation> evaluations = {{3, 0},   {-2, 0},    {5, 0},    {1, 0.25},
                                                 {0, 0.5}, {-9, 1e-6}, {100, 40}, {3, 0.25}};
    for (const Sense sense : {Sense::minimize, Sense::maximize}) {
        for (const Evaluation& a : evaluations) {
            for (const Evaluation& b : evaluations) {
                SCOPED_TRACE(std::to_string(a.objective) + "/" + std::to_string(a.violation) +
                             " vs " + std::to_string(b.objective) + "/" +
                             std::to_string(b.violation));
                const double fa = pagmo_score(a, sense), fb = pagmo_score(b, sense);
                // Infeasible with the same violation: one number cannot also carry the
                // objective, so pagmo sees a tie where better() looks at the objective.
                if (!a.feasible() && a.violation == b.violation) {
                    EXPECT_EQ(fa, fb);
                } else {
                    EXPECT_EQ(better(a, b, sense), fa < fb);
                }
            }
            EXPECT_LT(pagmo_score(a, sense), kUnscored);
        }
    }
}

}  // namespace
}  // namespace allocopt::detail
