#include "allocopt/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "detail/text.hpp"

namespace allocopt::stats {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative change below which a series or continued fraction has converged: a few ulps.
constexpr double kEpsilon = 4 * std::numeric_limits<double>::epsilon();
// Stands in for a zero denominator in Lentz's method.
constexpr double kTiny = 1e-300;
// Far more terms than any df a race produces needs (about sqrt(df) of them); reaching it
// means the arguments are beyond what these expansions are for.
constexpr int kMaxTerms = 10'000'000;

std::string quote(double value) {
    return "'" + detail::format_number(value) + "'";
}

void check_df(const char* function, double df) {
    if (!(df > 0) || std::isinf(df))
        throw std::invalid_argument(std::string(function) + ": the degrees of freedom must be a " +
                                    "finite number > 0, not " + quote(df));
}

[[noreturn]] void no_convergence(const char* what) {
    throw std::runtime_error(std::string(what) + " did not converge");
}

/// b0 + a1 / (b1 + a2 / (b2 + ...)) with a(j), b(j) the partial numerators and denominators
/// for j >= 1, by the modified Lentz method (which never divides by a zero it creates).
template <class A, class B>
double continued_fraction(double b0, A a, B b, const char* what) {
    double f = b0 == 0 ? kTiny : b0;
    double c = f, d = 0;
    for (int j = 1; j < kMaxTerms; ++j) {
        const double aj = a(j), bj = b(j);
        d = bj + aj * d;
        c = bj + aj / c;
        if (d == 0) d = kTiny;
        if (c == 0) c = kTiny;
        d = 1 / d;
        const double step = c * d;
        f *= step;
        if (std::abs(step - 1) < kEpsilon) return f;
    }
    no_convergence(what);
}

/// x^a e^-x / Gamma(a), the factor common to both expansions of the incomplete gamma.
double gamma_prefactor(double a, double x) {
    return std::exp(a * std::log(x) - x - std::lgamma(a));
}

/// The regularized upper incomplete gamma function Q(a, x) for a > 0, x > 0.
double upper_incomplete_gamma(double a, double x) {
    if (x < a + 1) {
        // P(a, x) = prefactor * sum_n x^n / (a (a+1) ... (a+n)). Q = 1 - P is not small here
        // (0.08 at worst for a >= 1/2, x < a + 1), so the subtraction costs a digit at most.
        double term = 1 / a, sum = term;
        for (int n = 1; n < kMaxTerms; ++n) {
            term *= x / (a + n);
            sum += term;
            if (term < sum * kEpsilon) return 1 - gamma_prefactor(a, x) * sum;
        }
        no_convergence("the incomplete gamma series");
    }
    // Q(a, x) = prefactor / (x+1-a - 1(1-a) / (x+3-a - 2(2-a) / (x+5-a - ...))).
    const double f = continued_fraction(
        x + 1 - a, [a](int j) { return -j * (j - a); }, [a, x](int j) { return x + 2 * j + 1 - a; },
        "the incomplete gamma continued fraction");
    return gamma_prefactor(a, x) / f;
}

/// A point x of [0, 1] with y = 1 - x and their logarithms, each computed without
/// cancellation or overflow by the caller (x may underflow while log x is fine).
struct UnitPoint {
    double x, y, log_x, log_y;
};

/// The regularized incomplete beta function I_x(a, b) for a, b > 0.
double incomplete_beta(double a, double b, const UnitPoint& p) {
    if (p.y == 0) return 1;
    // The continued fraction converges fast below the mean; above it use
    // I_x(a, b) = 1 - I_y(b, a).
    if (p.x > (a + 1) / (a + b + 2)) return 1 - incomplete_beta(b, a, {p.y, p.x, p.log_y, p.log_x});
    const double log_prefactor =
        a * p.log_x + b * p.log_y + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b);
    // I_x(a, b) = prefactor / (a (1 + d1 / (1 + d2 / (1 + ...)))) with
    // d(2m+1) = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)), d(2m) = m(b-m) x / ((a+2m-1)(a+2m)).
    const auto d = [a, b, x = p.x](int j) {
        const double m = static_cast<double>(j / 2);  // j = 2m + 1 or j = 2m
        if (j % 2 == 1) return -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
        return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    };
    const double f = continued_fraction(
        1, d, [](int) { return 1.0; }, "the incomplete beta continued fraction");
    return std::exp(log_prefactor) / (a * f);
}

/// P(T <= t) for t <= 0: half the two-sided tail I_x(df/2, 1/2) at x = df / (df + t^2),
/// written with r = |t| / sqrt(df) or its inverse s (whichever is at most 1) so that neither
/// t^2 nor 1 - x is ever formed, and with log s taken apart: s underflows to 0 for the
/// |t| near the top of the double range that small df and extreme p call for.
double t_lower_tail(double t, double df) {
    if (std::isinf(t)) return 0;
    const double root_df = std::sqrt(df);
    UnitPoint p;
    if (std::abs(t) >= root_df) {
        const double s = root_df / std::abs(t), log_1ps2 = std::log1p(s * s);
        const double log_s = std::log(root_df) - std::log(std::abs(t));
        p = {s * s / (1 + s * s), 1 / (1 + s * s), 2 * log_s - log_1ps2, -log_1ps2};
    } else {
        const double r = std::abs(t) / root_df, log_1pr2 = std::log1p(r * r);
        p = {1 / (1 + r * r), r * r / (1 + r * r), -log_1pr2, 2 * std::log(r) - log_1pr2};
    }
    return 0.5 * incomplete_beta(df / 2, 0.5, p);
}

double t_density(double t, double df) {
    const double log_norm =
        std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * std::acos(-1.0));
    const double r = std::abs(t) / std::sqrt(df);  // log(1 + r^2), without overflow
    const double log_1pr2 = r <= 1 ? std::log1p(r * r) : 2 * std::log(r) + std::log1p(1 / (r * r));
    return std::exp(log_norm - (df + 1) / 2 * log_1pr2);
}

/// The t <= 0 with P(T <= t) = q, for q in (0, 0.5]: Newton's method on the cdf, kept inside
/// a bracket that shrinks at every step, with a bisection whenever Newton would leave it or
/// stalls.
double t_lower_quantile(double q, double df) {
    if (q == 0.5) return 0;
    // Bracket [lo, hi] with cdf(lo) <= q < cdf(hi), found by doubling: its ends are within a
    // factor 2 of each other (or it is [-1, 0]), so bisection alone would need ~50 steps.
    double lo = -1, hi = 0;
    while (t_lower_tail(lo, df) > q) {
        hi = lo;
        lo *= 2;
        if (std::isinf(lo)) return -kInf;
    }
    double t = (lo + hi) / 2;
    double width_before = hi - lo;
    for (int iteration = 0; iteration < 2000; ++iteration) {
        const double f = t_lower_tail(t, df) - q;
        if (f == 0) return t;
        (f < 0 ? lo : hi) = t;
        const double slope = t_density(t, df);
        const double newton = slope > 0 ? t - f / slope : std::nan("");
        if (slope > 0 && std::abs(newton - t) <= 1e-14 * std::abs(t)) return newton;
        if (hi - lo <= 2 * std::numeric_limits<double>::epsilon() * std::abs(lo)) return t;
        // Bisect when Newton leaves the bracket, and when the bracket has not halved over the
        // last two steps (Newton crawling along a flat tail).
        const bool stalled = iteration % 2 == 1 && hi - lo > width_before / 2;
        if (iteration % 2 == 1) width_before = hi - lo;
        t = newton > lo && newton < hi && !stalled ? newton : lo + (hi - lo) / 2;
    }
    no_convergence("student_t_quantile");
}

}  // namespace

std::vector<double> ranks(const std::vector<double>& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (std::isnan(values[i]))
            throw std::invalid_argument("ranks: value " + std::to_string(i) + " is " +
                                        quote(values[i]) + ", which has no rank");
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> result(values.size());
    for (std::size_t first = 0; first < order.size();) {
        std::size_t last = first + 1;  // one past the run of values equal to order[first]'s
        while (last < order.size() && values[order[last]] == values[order[first]])
            ++last;
        // Positions first..last-1 hold ranks first+1..last; their mean is exact in a double.
        const double shared = (static_cast<double>(first + 1) + static_cast<double>(last)) / 2;
        for (std::size_t i = first; i < last; ++i)
            result[order[i]] = shared;
        first = last;
    }
    return result;
}

double chi_square_sf(double x, double df) {
    check_df("chi_square_sf", df);
    if (std::isnan(x)) throw std::invalid_argument("chi_square_sf: x is " + quote(x));
    if (x <= 0) return 1;
    if (std::isinf(x)) return 0;
    return upper_incomplete_gamma(df / 2, x / 2);
}

double student_t_cdf(double t, double df) {
    check_df("student_t_cdf", df);
    if (std::isnan(t)) throw std::invalid_argument("student_t_cdf: t is " + quote(t));
    return t <= 0 ? t_lower_tail(t, df) : 1 - t_lower_tail(-t, df);
}

double student_t_quantile(double p, double df) {
    check_df("student_t_quantile", df);
    if (!(p > 0 && p < 1))
        throw std::invalid_argument("student_t_quantile: p must be in (0, 1), not " + quote(p));
    // 1 - p is exact for p >= 0.5, so the upper half loses nothing by symmetry.
    return p <= 0.5 ? t_lower_quantile(p, df) : -t_lower_quantile(1 - p, df);
}

double sign_test_p(int wins, int losses) {
    if (wins < 0 || losses < 0)
        throw std::invalid_argument("sign_test_p: wins and losses must be >= 0, not " +
                                    std::to_string(wins) + " and " + std::to_string(losses));
    const double n = static_cast<double>(wins) + losses;
    const double m = std::min(wins, losses);
    if (2 * m >= n) return 1;  // includes n = 0: P(X <= n/2) >= 1/2
    // P(X <= m) = sum_{i <= m} C(n, i) / 2^n. Since m < n/2 the terms grow with i: factor out
    // the last, then add the others as ratios C(n, i-1) / C(n, i) = i / (n - i + 1) until
    // they no longer count.
    const double log_last =
        std::lgamma(n + 1) - std::lgamma(m + 1) - std::lgamma(n - m + 1) - n * std::log(2.0);
    double sum = 1, term = 1;
    for (double i = m; i >= 1 && term > kEpsilon * sum; --i) {
        term *= i / (n - i + 1);
        sum += term;
    }
    return std::min(1.0, 2 * std::exp(log_last + std::log(sum)));
}

FriedmanResult friedman_test(const std::vector<std::vector<double>>& blocks, double alpha) {
    if (!(alpha > 0 && alpha < 1))
        throw std::invalid_argument("friedman_test: alpha must be in (0, 1), not " + quote(alpha));
    if (blocks.empty()) throw std::invalid_argument("friedman_test: no blocks");
    const std::size_t k = blocks.front().size();
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].size() != k || k < 2)
            throw std::invalid_argument("friedman_test: row " + std::to_string(i) + " has length " +
                                        std::to_string(blocks[i].size()) +
                                        (k < 2 ? ", but at least 2 candidates are needed"
                                               : ", but row 0 has length " + std::to_string(k)));
        for (std::size_t j = 0; j < k; ++j)
            if (!std::isfinite(blocks[i][j]))
                throw std::invalid_argument("friedman_test: value [" + std::to_string(i) + "][" +
                                            std::to_string(j) + "] is " + quote(blocks[i][j]) +
                                            ", not a finite number");
    }

    // Ranks are multiples of 1/2, so A, C and sum_j R_j^2 are exact in doubles: A == C and
    // b A - sum_j R_j^2 <= 0 are exact tests, not rounding accidents.
    const double b = static_cast<double>(blocks.size()), kd = static_cast<double>(k);
    FriedmanResult result;
    result.rank_sums.assign(k, 0);
    double a_sum = 0;
    for (const auto& block : blocks) {
        const std::vector<double> r = ranks(block);
        for (std::size_t j = 0; j < k; ++j) {
            result.rank_sums[j] += r[j];
            a_sum += r[j] * r[j];
        }
    }
    const double c = b * kd * (kd + 1) * (kd + 1) / 4;
    double spread = 0, sum_squares = 0;
    for (double rj : result.rank_sums) {
        spread += (rj - b * (kd + 1) / 2) * (rj - b * (kd + 1) / 2);
        sum_squares += rj * rj;
    }
    result.statistic = a_sum == c ? 0 : (kd - 1) * spread / (a_sum - c);
    result.p_value = a_sum == c ? 1 : chi_square_sf(result.statistic, kd - 1);

    result.critical_difference = kInf;
    if (result.p_value < alpha && blocks.size() >= 2) {
        const double df = (b - 1) * (kd - 1);
        const double excess = b * a_sum - sum_squares;
        result.critical_difference =
            excess <= 0 ? 0 : student_t_quantile(1 - alpha / 2, df) * std::sqrt(2 * excess / df);
    }
    const double best = *std::min_element(result.rank_sums.begin(), result.rank_sums.end());
    result.survives.resize(k);
    for (std::size_t j = 0; j < k; ++j)
        result.survives[j] = result.rank_sums[j] - best <= result.critical_difference;
    return result;
}

}  // namespace allocopt::stats
