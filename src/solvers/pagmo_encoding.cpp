#include "solvers/pagmo_encoding.hpp"

#include <algorithm>
#include <cmath>

namespace allocopt::detail {

namespace {

/// The integer gene `x` holds, in [0, last]: rounded to the nearest, clamped, NaN as 0.
int gene(double x, int last) {
    if (!(x > 0)) return 0;  // also NaN
    if (x >= last) return last;
    return static_cast<int>(std::lround(x));
}

}  // namespace

PagmoEncoding::PagmoEncoding(const Problem& problem)
    : problem_(problem), unit_gene_(problem.num_tasks(), -1) {
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    first_.reserve(n + 1);
    first_.push_back(0);
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t r = 0; r < m; ++r) {
            if (problem.can_host(t, r)) hosts_.push_back(static_cast<std::int32_t>(r));
        }
        first_.push_back(hosts_.size());
        const std::size_t choices = first_[t + 1] - first_[t] + (problem.task(t).optional ? 1 : 0);
        last_.push_back(static_cast<std::int32_t>(std::max<std::size_t>(choices, 1) - 1));
        min_units_.push_back(problem.task(t).units.min);
        lower_.push_back(0);
        upper_.push_back(static_cast<double>(std::max<std::size_t>(choices, 2) - 1));
    }
    for (std::size_t t = 0; t < n; ++t) {
        const int counts = problem.task(t).units.count();
        if (counts <= 1) continue;
        unit_gene_[t] = static_cast<std::int32_t>(lower_.size());
        lower_.push_back(0);
        upper_.push_back(counts - 1);
    }
}

void PagmoEncoding::decode(std::span<const double> x, Allocation& out) const {
    const std::size_t n = problem_.num_tasks();
    out.resource.resize(n);
    out.units.resize(n);
    out.devices.clear();
    for (std::size_t t = 0; t < n; ++t) {
        const auto hosts = static_cast<int>(first_[t + 1] - first_[t]);
        const int k = gene(x[t], last_[t]);
        if (k >= hosts) {  // an optional task left out (or a task no resource can host)
            out.resource[t] = Allocation::kUnplaced;
            out.units[t] = 0;
            continue;
        }
        const std::int32_t r = hosts_[first_[t] + static_cast<std::size_t>(k)];
        out.resource[t] = r;
        if (unit_gene_[t] < 0) {
            out.units[t] = min_units_[t];
            continue;
        }
        const Task& task = problem_.task(t);
        // The chosen count, lowered to the largest the resource holds (its smallest fits: the
        // resource can host the task).
        const double held = problem_.capacity(static_cast<std::size_t>(r), 0);
        int u = gene(x[static_cast<std::size_t>(unit_gene_[t])], task.units.count() - 1);
        while (u > 0 && task.units.nth(u) > held)
            --u;
        out.units[t] = task.units.nth(u);
    }
}

std::vector<double> PagmoEncoding::encode(const Allocation& allocation) const {
    std::vector<double> x(dimension(), 0.0);
    for (std::size_t t = 0; t < problem_.num_tasks(); ++t) {
        const auto begin = hosts_.begin() + static_cast<std::ptrdiff_t>(first_[t]);
        const auto end = hosts_.begin() + static_cast<std::ptrdiff_t>(first_[t + 1]);
        if (!allocation.placed(t)) {
            x[t] = problem_.task(t).optional ? static_cast<double>(end - begin) : 0.0;
            continue;
        }
        const auto at = std::lower_bound(begin, end, allocation.resource[t]);
        x[t] = at != end && *at == allocation.resource[t] ? static_cast<double>(at - begin) : 0.0;
        if (unit_gene_[t] < 0) continue;
        // The admissible counts increase with k: the first k whose count reaches the unit count.
        const UnitChoice& units = problem_.task(t).units;
        int lo = 0, hi = units.count() - 1;
        while (lo < hi) {
            const int mid = lo + (hi - lo) / 2;
            if (units.nth(mid) < allocation.units[t]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        x[static_cast<std::size_t>(unit_gene_[t])] = lo;
    }
    return x;
}

double pagmo_score(const Evaluation& evaluation, Sense sense) {
    if (!evaluation.feasible()) return kInfeasible * (1 + evaluation.violation);
    return sense == Sense::minimize ? evaluation.objective : -evaluation.objective;
}

}  // namespace allocopt::detail
