#include "allocopt/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace allocopt::stats {
namespace {

const double kPi = std::acos(-1.0);
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

/// Expects |actual - expected| <= tolerance * |expected|.
void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
    EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << what;
}

std::string at(double x, double df) {
    return "x = " + std::to_string(x) + ", df = " + std::to_string(df);
}

const std::vector<double> kGrid = {1e-6, 0.01, 0.1, 0.5, 1, 2, 3.5, 5, 10, 20, 40, 100, 300};

TEST(StatsRanks, SmallestIsOneAndTiesShareTheirMeanRank) {
    EXPECT_EQ(ranks({30, 10, 20}), (std::vector<double>{3, 1, 2}));
    EXPECT_EQ(ranks({10, 20, 20, 30}), (std::vector<double>{1, 2.5, 2.5, 4}));
    // Three tied for ranks 2..4 (mean 3), two tied for 5..6 (mean 5.5).
    EXPECT_EQ(ranks({7, 5, 1, 5, 7, 5}), (std::vector<double>{5.5, 3, 1, 3, 5.5, 3}));
    EXPECT_EQ(ranks({4, 4, 4}), (std::vector<double>{2, 2, 2}));
    EXPECT_EQ(ranks({-kInf, kInf, 0}), (std::vector<double>{1, 3, 2}));
    EXPECT_EQ(ranks({}), std::vector<double>{});
    EXPECT_THROW(ranks({1, kNan}), std::invalid_argument);
}

TEST(StatsChiSquare, MatchesClosedForms) {
    for (double x : kGrid) {
        // df = 2: the exponential distribution with mean 2.
        expect_relative(chi_square_sf(x, 2), std::exp(-x / 2), 1e-9, at(x, 2));
        // df = 1: the square of a standard normal.
        expect_relative(chi_square_sf(x, 1), std::erfc(std::sqrt(x / 2)), 1e-9, at(x, 1));
        // Even df: a Poisson probability, exp(-x/2) sum_{i < df/2} (x/2)^i / i!.
        for (int df = 4; df <= 20; df += 2) {
            double term = 1, sum = 0;
            for (int i = 0; i < df / 2; ++i) {
                sum += term;
                term *= x / 2 / (i + 1);
            }
            expect_relative(chi_square_sf(x, df), std::exp(-x / 2) * sum, 1e-9, at(x, df));
        }
    }
}

TEST(StatsChiSquare, MatchesTablesAndReferenceValues) {
    // The 0.95 quantiles of tables, given to 7 digits: about 3e-7 relative in the tail.
    EXPECT_NEAR(chi_square_sf(3.841459, 1), 0.05, 1e-7);
    EXPECT_NEAR(chi_square_sf(7.814728, 3), 0.05, 1e-7);
    EXPECT_NEAR(chi_square_sf(18.307038, 10), 0.05, 1e-7);
    // Odd, fractional and large df, computed with mpmath 1.3 (gammainc, 30 digits).
    expect_relative(chi_square_sf(6, 5), 0.30621891841327840, 1e-9, "Q(2.5, 3)");
    expect_relative(chi_square_sf(0.001, 0.5), 0.83504024923158716, 1e-9, "Q(0.25, 0.0005)");
    expect_relative(chi_square_sf(1000, 1000), 0.49405285382923964, 1e-9, "Q(500, 500)");
    expect_relative(chi_square_sf(200, 100), 1.1784500720979422e-08, 1e-9, "Q(50, 100)");
}

TEST(StatsChiSquare, EdgesAndBadArguments) {
    EXPECT_EQ(chi_square_sf(0, 3), 1);
    EXPECT_EQ(chi_square_sf(-2, 3), 1);
    EXPECT_EQ(chi_square_sf(kInf, 3), 0);
    EXPECT_EQ(chi_square_sf(1e6, 3), 0);  // underflows, and says so without NaN
    EXPECT_THROW(chi_square_sf(1, 0), std::invalid_argument);
    EXPECT_THROW(chi_square_sf(1, -1), std::invalid_argument);
    EXPECT_THROW(chi_square_sf(1, kInf), std::invalid_argument);
    EXPECT_THROW(chi_square_sf(1, kNan), std::invalid_argument);
    EXPECT_THROW(chi_square_sf(kNan, 1), std::invalid_argument);
    try {
        chi_square_sf(1, -2.5);
        FAIL() << "no error for df = -2.5";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("-2.5"), std::string::npos) << e.what();
    }
}

TEST(StatsStudentT, CdfMatchesClosedForms) {
    for (double t = -50; t <= 50; t += 0.25) {
        // df = 1: the Cauchy distribution.
        expect_relative(student_t_cdf(t, 1), 0.5 + std::atan(t) / kPi, 1e-9, at(t, 1));
        expect_relative(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-9, at(t, 2));
    }
    // Far tails, where the closed forms above cancel: P(T <= t) ~ 1 / (pi |t|) for df = 1.
    expect_relative(student_t_cdf(-1e8, 1), std::atan(1e-8) / kPi, 1e-9, "Cauchy tail");
    EXPECT_EQ(student_t_cdf(-kInf, 3), 0);
    EXPECT_EQ(student_t_cdf(kInf, 3), 1);
    EXPECT_EQ(student_t_cdf(0, 3), 0.5);
}

TEST(StatsStudentT, CdfMatchesReferenceValues) {
    // Computed with mpmath 1.3 (betainc, 30 digits).
    expect_relative(student_t_cdf(-3, 7), 0.0099710630659962690, 1e-9, "t = -3, df = 7");
    expect_relative(student_t_cdf(0.2, 3.5), 0.57372416515869275, 1e-9, "t = 0.2, df = 3.5");
    expect_relative(student_t_cdf(-2, 1000), 0.022885173246625820, 1e-9, "t = -2, df = 1000");
    expect_relative(student_t_cdf(-40, 0.5), 0.050704899964747178, 1e-9, "t = -40, df = 0.5");
    expect_relative(student_t_cdf(1e-8, 3), 0.50000000367552597, 1e-12, "t = 1e-8, df = 3");
}

TEST(StatsStudentT, QuantileMatchesClosedFormsAndTables) {
    for (double p : {1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.45, 0.55, 0.8, 0.975, 0.999999}) {
        // df = 1: tan(pi (p - 1/2)), written as -cot(pi p) and cot(pi (1 - p)) (1 - p is exact
        // above 1/2): near the poles of tan, pi (p - 1/2) would lose the digits under test.
        const double cauchy = p < 0.5 ? -1 / std::tan(kPi * p) : 1 / std::tan(kPi * (1 - p));
        expect_relative(student_t_quantile(p, 1), cauchy, 1e-12, at(p, 1));
        // df = 2: (2p - 1) / sqrt(2 p (1 - p)).
        expect_relative(student_t_quantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-12,
                        at(p, 2));
    }
    EXPECT_NEAR(student_t_quantile(0.975, 10), 2.2281389, 1e-7);
    EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062047, 1e-7);
    EXPECT_NEAR(student_t_quantile(0.975, 30), 2.0422725, 1e-7);
    EXPECT_NEAR(student_t_quantile(0.95, 5), 2.0150484, 1e-7);
    EXPECT_EQ(student_t_quantile(0.5, 7), 0);
}

TEST(StatsStudentT, QuantileInvertsTheCdf) {
    for (double df : {0.5, 1.0, 2.5, 3.0, 5.0, 10.0, 30.0, 100.0, 1000.0}) {
        for (double p : {1e-10, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5 - 1e-9, 0.5, 0.7, 0.9, 0.975,
                         0.999, 1 - 1e-6}) {
            const double t = student_t_quantile(p, df);
            expect_relative(student_t_cdf(t, df), p, 1e-10, at(p, df));
            // Symmetric, exactly, where 1 - p is exact (always for p >= 1/2); elsewhere 1 - p
            // is another probability, 1e-6 away in relative terms for p = 1e-10.
            if (1 - (1 - p) == p) {
                EXPECT_EQ(student_t_quantile(1 - p, df), -t) << at(p, df);
            }
        }
    }
    EXPECT_THROW(student_t_quantile(0, 3), std::invalid_argument);
    EXPECT_THROW(student_t_quantile(1, 3), std::invalid_argument);
    EXPECT_THROW(student_t_quantile(kNan, 3), std::invalid_argument);
    EXPECT_THROW(student_t_quantile(0.5, 0), std::invalid_argument);
    EXPECT_THROW(student_t_cdf(1, -1), std::invalid_argument);
    EXPECT_THROW(student_t_cdf(kNan, 1), std::invalid_argument);
}

TEST(StatsSignTest, ExactBinomialTails) {
    // 2 (C(10,0) + C(10,1)) / 2^10 = 22 / 1024.
    EXPECT_NEAR(sign_test_p(9, 1), 0.021484375, 1e-9 * 0.021484375);
    EXPECT_NEAR(sign_test_p(1, 9), 0.021484375, 1e-9 * 0.021484375);
    // 2 (1 + 12 + 66 + 220) / 4096.
    EXPECT_NEAR(sign_test_p(3, 9), 598.0 / 4096, 1e-9 * 598 / 4096);
    EXPECT_NEAR(sign_test_p(0, 20), 2 * std::pow(0.5, 20), 1e-9 * 2 * std::pow(0.5, 20));
    EXPECT_EQ(sign_test_p(5, 5), 1);
    EXPECT_EQ(sign_test_p(0, 0), 1);
    EXPECT_EQ(sign_test_p(1, 0), 1);  // 2 * 1/2
    EXPECT_THROW(sign_test_p(-1, 3), std::invalid_argument);
    EXPECT_THROW(sign_test_p(3, -1), std::invalid_argument);
}

TEST(StatsSignTest, LargeTrialCountsStayFinite) {
    // Exact sum with mpmath 1.3: 2 sum_{i <= 9800} C(19800, i) / 2^19800.
    const double p = sign_test_p(10000, 9800);
    EXPECT_GT(p, 0);
    EXPECT_LT(p, 1);
    expect_relative(p, 0.15729221878946233, 1e-9, "sign_test_p(10000, 9800)");
    // 2^-20000 underflows, yet the tail is a plain double (mpmath 1.3 again).
    expect_relative(sign_test_p(12000, 8000), 4.3969706693771709e-177, 1e-8,
                    "sign_test_p(12000, 8000)");
}

TEST(StatsFriedman, HandWorkedThreeByThree) {
    // Costs        ranks within block
    //   1  2  3    1    2    3
    //   2  1  3    2    1    3
    //   5  7  7    1    2.5  2.5
    // R = (4, 5.5, 8.5); b (k+1) / 2 = 6, so sum (R_j - 6)^2 = 4 + 0.25 + 6.25 = 10.5.
    // A = 14 + 14 + 13.5 = 41.5, C = 3 * 3 * 16 / 4 = 36, T = 2 * 10.5 / 5.5 = 42/11;
    // with 2 degrees of freedom p = exp(-T/2) = exp(-21/11) = 0.148...
    const std::vector<std::vector<double>> blocks = {{1, 2, 3}, {2, 1, 3}, {5, 7, 7}};
    const FriedmanResult r = friedman_test(blocks);
    EXPECT_EQ(r.rank_sums, (std::vector<double>{4, 5.5, 8.5}));
    EXPECT_NEAR(r.statistic, 42.0 / 11, 1e-12);
    EXPECT_NEAR(r.p_value, std::exp(-21.0 / 11), 1e-12);
    // Not significant at 0.05: everyone races on.
    EXPECT_EQ(r.critical_difference, kInf);
    EXPECT_EQ(r.survives, (std::vector<bool>{true, true, true}));

    // Significant at 0.2: b A - sum R_j^2 = 124.5 - 118.5 = 6, df = 2 * 2 = 4, so
    // CD = t_{0.9, 4} sqrt(2 * 6 / 4) = 1.5332063 * sqrt(3) = 2.6556; behind the best by
    // 0, 1.5 and 4.5, the third is out.
    const FriedmanResult loose = friedman_test(blocks, 0.2);
    EXPECT_NEAR(loose.critical_difference, 1.5332062740589441 * std::sqrt(3.0), 1e-9);
    EXPECT_EQ(loose.survives, (std::vector<bool>{true, true, false}));
}

TEST(StatsFriedman, AlwaysWorstCandidateIsEliminated) {
    // Candidates 0 and 1 take turns winning; candidate 2 is last on every one of 10 blocks.
    std::vector<std::vector<double>> blocks;
    for (int i = 0; i < 10; ++i)
        blocks.push_back(i % 2 == 0 ? std::vector<double>{1.0, 1.1, 9}
                                    : std::vector{2.0, 1.5, 7.0});
    // R = (15, 15, 30), A = 140, C = 120: T = 2 (25 + 25 + 100) / 20 = 15, p = exp(-7.5).
    // CD = t_{0.975, 18} sqrt(2 (1400 - 1350) / 18) = 2.1009220 * 2.3570226 = 4.95.
    const FriedmanResult r = friedman_test(blocks);
    EXPECT_EQ(r.rank_sums, (std::vector<double>{15, 15, 30}));
    EXPECT_NEAR(r.statistic, 15, 1e-12);
    EXPECT_NEAR(r.p_value, std::exp(-7.5), 1e-12);
    EXPECT_NEAR(r.critical_difference, 2.1009220402410380 * std::sqrt(100.0 / 18), 1e-9);
    EXPECT_EQ(r.survives, (std::vector<bool>{true, true, false}));
}

TEST(StatsFriedman, IdenticalRankingsLeaveOnlyTheBest) {
    // Every block ranks alike: b A - sum R_j^2 = 0, so the critical difference is 0 and only
    // the candidates tied with the best rank sum survive. Ranks (1.5, 1.5, 3) five times:
    // R = (7.5, 7.5, 15), A = 67.5, C = 60, T = 2 * 37.5 / 7.5 = 10, p = exp(-5).
    const std::vector<std::vector<double>> tied_best(5, {1, 1, 3});
    const FriedmanResult r = friedman_test(tied_best);
    EXPECT_NEAR(r.statistic, 10, 1e-12);
    EXPECT_NEAR(r.p_value, std::exp(-5.0), 1e-12);
    EXPECT_EQ(r.critical_difference, 0);
    EXPECT_EQ(r.survives, (std::vector<bool>{true, true, false}));

    const std::vector<std::vector<double>> strict(5, {1, 2, 3, 4});
    const FriedmanResult s = friedman_test(strict);
    EXPECT_LT(s.p_value, 0.05);
    EXPECT_EQ(s.critical_difference, 0);
    EXPECT_EQ(s.survives, (std::vector<bool>{true, false, false, false}));
}

TEST(StatsFriedman, AllTiesAndSingleBlocksKeepEveryone) {
    const FriedmanResult ties = friedman_test({{4, 4, 4}, {1, 1, 1}, {-2, -2, -2}});
    EXPECT_EQ(ties.statistic, 0);
    EXPECT_EQ(ties.p_value, 1);
    EXPECT_EQ(ties.critical_difference, kInf);
    EXPECT_EQ(ties.survives, (std::vector<bool>{true, true, true}));

    // One block can never be significant enough to drop anyone (there is no t to look up).
    const FriedmanResult one = friedman_test({{1, 2, 3, 4, 5}}, 0.999);
    EXPECT_EQ(one.rank_sums, (std::vector<double>{1, 2, 3, 4, 5}));
    EXPECT_EQ(one.critical_difference, kInf);
    EXPECT_EQ(one.survives, std::vector<bool>(5, true));
}

TEST(StatsFriedman, BadShapesAndValuesThrow) {
    EXPECT_THROW(friedman_test({}), std::invalid_argument);
    EXPECT_THROW(friedman_test({{1}, {2}}), std::invalid_argument);
    EXPECT_THROW(friedman_test({{1, 2}, {1, 2}}, 0), std::invalid_argument);
    EXPECT_THROW(friedman_test({{1, 2}, {1, 2}}, 1), std::invalid_argument);
    EXPECT_THROW(friedman_test({{1, 2}, {1, kNan}}), std::invalid_argument);
    EXPECT_THROW(friedman_test({{1, 2}, {kInf, 1}}), std::invalid_argument);
    try {
        friedman_test({{1, 2, 3}, {1, 2, 3}, {1, 2}});
        FAIL() << "no error for a short row";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("row 2 has length 2"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace allocopt::stats
