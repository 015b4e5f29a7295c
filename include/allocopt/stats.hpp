#pragma once
// Statistics for the offline tuner's races (iterated racing, as in irace): after each round of
// runs, the Friedman test over the instances seen so far decides whether the candidate
// configurations differ, and its post-hoc comparison drops those whose rank sums fall behind
// the best by more than a critical difference. A sign test compares two candidates. Around
// them, the distributions those tests need: chi-square's upper tail and Student's t.
//
// Everything here is a pure function of its arguments. Bad arguments throw
// std::invalid_argument quoting the value; no function returns NaN. The distributions are
// accurate to about 1e-13 relative up to a thousand degrees of freedom; beyond, the
// log-gamma terms of their normalising constants cost digits in proportion (about 1e-12 at
// 1e4, 1e-10 at 1e6), which is still far below what a test decision can notice.

#include <vector>

namespace allocopt::stats {

/// 1-based ranks of `values` in ascending order (the smallest has rank 1). Equal values share
/// the mean of the ranks they span: {10, 20, 20, 30} ranks as {1, 2.5, 2.5, 4}. Infinities
/// rank as the extremes they are. Throws std::invalid_argument for a NaN (it has no rank).
std::vector<double> ranks(const std::vector<double>& values);

/// P(X >= x) for X chi-square distributed with `df` degrees of freedom: the regularized upper
/// incomplete gamma function Q(df/2, x/2). `df` must be finite and > 0, `x` not NaN;
/// x <= 0 gives 1 and x = +inf gives 0. Throws std::invalid_argument otherwise.
double chi_square_sf(double x, double df);

/// P(T <= t) for T Student-t distributed with `df` degrees of freedom, through the regularized
/// incomplete beta function. `df` must be finite and > 0, `t` not NaN (t = -inf gives 0,
/// +inf gives 1). Throws std::invalid_argument otherwise.
double student_t_cdf(double t, double df);

/// The t with student_t_cdf(t, df) = p, to about 1e-12 relative, for p in (0, 1) (exclusive)
/// and finite df > 0; p = 0.5 gives 0 and quantile(1 - p) = -quantile(p). For tiny df and
/// extreme p the quantile may lie beyond the range of a double: it is then returned as
/// -inf or +inf. Throws std::invalid_argument for p or df out of range.
double student_t_quantile(double p, double df);

/// The exact two-sided p-value of the sign test: with n = wins + losses trials (ties already
/// left out by the caller), min(1, 2 P(X <= min(wins, losses))) for X ~ Binomial(n, 1/2); 1
/// when n = 0. Computed in log space, so n in the millions is fine. Throws
/// std::invalid_argument when wins or losses is negative.
double sign_test_p(int wins, int losses);

/// The outcome of friedman_test over k candidates.
struct FriedmanResult {
    /// R_j: candidate j's ranks summed over the blocks (rank 1 = best = smallest value).
    std::vector<double> rank_sums;
    /// The Friedman statistic T (Conover's T1, ties corrected); 0 when every block is all ties.
    double statistic = 0;
    /// P(chi-square with k - 1 degrees of freedom >= statistic).
    double p_value = 1;
    /// How far behind the best rank sum a candidate may be and survive; +inf when the test
    /// was not significant (p_value >= alpha) or there is a single block.
    double critical_difference = 0;
    /// Per candidate: whether its rank sum is within critical_difference of the best.
    std::vector<bool> survives;
};

/// The Friedman test with Conover's post-hoc comparison (Conover 1999, "Practical
/// Nonparametric Statistics", section 5.8), as irace uses it to race configurations.
/// blocks[i][j] is the cost of candidate j on block (instance) i; smaller is better and only
/// the order within a block matters. With R_ij the ranks within block i (ties averaged),
/// R_j = sum_i R_ij, A = sum_ij R_ij^2, C = b k (k+1)^2 / 4 over b blocks:
///
///   T  = (k - 1) sum_j (R_j - b (k+1) / 2)^2 / (A - C),  p = chi_square_sf(T, k - 1)
///   CD = t_{1 - alpha/2, (b-1)(k-1)} sqrt(2 (b A - sum_j R_j^2) / ((b-1)(k-1)))
///
/// When p < alpha and b >= 2, candidate j survives iff R_j - min_j R_j <= CD (CD is 0 when
/// every block ranks the candidates alike: then only those tied with the best survive).
/// Otherwise all survive and CD = +inf.
///
/// Requires b >= 1 rows, each of the same length k >= 2, finite values, alpha in (0, 1);
/// throws std::invalid_argument naming the offending row, value or alpha otherwise.
FriedmanResult friedman_test(const std::vector<std::vector<double>>& blocks, double alpha = 0.05);

}  // namespace allocopt::stats
