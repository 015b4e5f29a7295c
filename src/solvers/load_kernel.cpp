#include "solvers/load_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace allocopt::detail {

LoadKernel::LoadKernel(const double* duration, std::size_t n, std::size_t m)
    : d_(duration), n_(n), m_(m), resource_(n, 0), load_(m, 0.0) {
    scratch_.reserve(n);
}

void LoadKernel::assign(const std::int32_t* resource) {
    std::fill(load_.begin(), load_.end(), 0.0);
    for (std::size_t t = 0; t < n_; ++t) {
        resource_[t] = resource[t];
        load_[static_cast<std::size_t>(resource[t])] +=
            d_[t * m_ + static_cast<std::size_t>(resource[t])];
    }
}

std::size_t LoadKernel::critical() const {
    return static_cast<std::size_t>(std::max_element(load_.begin(), load_.end()) - load_.begin());
}

double LoadKernel::makespan() const {
    return load_[critical()];
}

void LoadKernel::move(std::size_t t, std::int32_t r) {
    const auto from = static_cast<std::size_t>(resource_[t]);
    const auto to = static_cast<std::size_t>(r);
    load_[from] -= d_[t * m_ + from];
    load_[to] += d_[t * m_ + to];
    resource_[t] = r;
}

std::uint64_t LoadKernel::descend(std::uint64_t max_scores, bool chains, const StopClock* clock) {
    const std::uint64_t limit = max_scores ? max_scores : std::numeric_limits<std::uint64_t>::max();
    const StopClock never;
    Poll poll(clock ? *clock : never);
    std::uint64_t scores = 0;
    // How many of `count` candidates costing `each` scores fit in what is left.
    auto fit = [&](std::size_t count, std::uint64_t each) {
        if (each == 0) return count;
        return static_cast<std::size_t>(std::min<std::uint64_t>(count, (limit - scores) / each));
    };
    if (m_ < 2) return 0;
    while (scores < limit && !poll(n_)) {
        const std::size_t c = critical();
        const double limit_load = load_[c] * (1 - 1e-12);  // strictly below the makespan
        scratch_.clear();
        for (std::size_t t = 0; t < n_; ++t) {
            if (static_cast<std::size_t>(resource_[t]) == c) scratch_.push_back(t);
        }
        // Moves off c: the one that leaves the two resources' larger load smallest.
        double best = limit_load;
        std::size_t best_t = n_, best_s = n_;
        std::int32_t best_r = -1;
        std::size_t scan = fit(scratch_.size(), m_ - 1), scanned = 0;
        for (; scanned < scan && !poll(m_); ++scanned) {
            const std::uint32_t t = scratch_[scanned];
            const double* row = d_ + static_cast<std::size_t>(t) * m_;
            const double left = load_[c] - row[c];
            for (std::size_t r = 0; r < m_; ++r) {
                const double v = std::max(left, load_[r] + row[r]);
                if (r != c && v < best) {
                    best = v;
                    best_t = t;
                    best_r = static_cast<std::int32_t>(r);
                }
            }
        }
        scores += scanned * (m_ - 1);
        if (scanned < scratch_.size()) break;  // out of budget or time
        if (best_t < n_) {
            move(best_t, best_r);
            continue;
        }
        // Swaps of a task on c with a task elsewhere.
        const std::uint64_t others = n_ - scratch_.size();
        scan = fit(scratch_.size(), others);
        for (scanned = 0; scanned < scan && !poll(n_); ++scanned) {
            const std::uint32_t t = scratch_[scanned];
            const double* row_t = d_ + static_cast<std::size_t>(t) * m_;
            const double base = load_[c] - row_t[c];
            for (std::size_t s = 0; s < n_; ++s) {
                const auto r = static_cast<std::size_t>(resource_[s]);
                const double* row_s = d_ + s * m_;
                const double on_c = base + row_s[c];
                if (r == c || on_c >= best) continue;
                const double on_r = load_[r] - row_s[r] + row_t[r];
                const double v = std::max(on_c, on_r);
                if (v < best) {
                    best = v;
                    best_t = t;
                    best_s = s;
                }
            }
        }
        scores += scanned * others;
        if (scanned < scratch_.size()) break;
        if (best_t == n_ && chains) {
            // Ejection chains: t goes c -> r, a task s on r makes room by going r -> q.
            std::size_t best_q = m_;
            std::int32_t chain_r = -1;
            scan = fit(scratch_.size(), n_);
            for (scanned = 0; scanned < scan && !poll(n_); ++scanned) {
                const std::uint32_t t = scratch_[scanned];
                const double* row_t = d_ + static_cast<std::size_t>(t) * m_;
                const double on_c = load_[c] - row_t[c];
                for (std::size_t s = 0; s < n_; ++s) {
                    const auto r = static_cast<std::size_t>(resource_[s]);
                    if (r == c) continue;
                    const double* row_s = d_ + s * m_;
                    const double on_r = load_[r] + row_t[r] - row_s[r];
                    if (std::max(on_c, on_r) >= best) continue;
                    for (std::size_t q = 0; q < m_; ++q) {
                        if (q == c || q == r) continue;
                        const double v = std::max(std::max(on_c, on_r), load_[q] + row_s[q]);
                        if (v < best) {
                            best = v;
                            best_t = t;
                            best_s = s;
                            best_q = q;
                            chain_r = static_cast<std::int32_t>(r);
                        }
                    }
                }
            }
            scores += scanned * n_;
            if (scanned < scratch_.size()) break;
            if (best_t < n_) {
                move(best_s, static_cast<std::int32_t>(best_q));
                move(best_t, chain_r);
                continue;
            }
        }
        if (best_t == n_) break;  // local optimum
        const std::int32_t r = resource_[best_s];
        move(best_s, static_cast<std::int32_t>(c));
        move(best_t, r);
    }
    return scores;
}

std::uint64_t LoadKernel::ruin_recreate(std::size_t k, Rng& rng) {
    k = std::min(k, n_);
    if (k == 0) return 0;
    const std::size_t c = critical();
    scratch_.clear();
    for (std::size_t t = 0; t < n_; ++t) {
        if (static_cast<std::size_t>(resource_[t]) == c) scratch_.push_back(t);
    }
    // Partial Fisher-Yates over the critical tasks, then random tasks for the rest.
    const std::size_t from_critical = std::min(scratch_.size(), (k + 1) / 2);
    for (std::size_t i = 0; i < from_critical; ++i) {
        std::swap(scratch_[i], scratch_[i + rng.below(scratch_.size() - i)]);
    }
    scratch_.resize(from_critical);
    for (std::uint32_t t : scratch_) {
        load_[c] -= d_[t * m_ + c];
        resource_[t] = -1;
    }
    for (std::size_t tries = 0; scratch_.size() < k && tries < 4 * k; ++tries) {
        const auto t = static_cast<std::uint32_t>(rng.below(n_));
        if (resource_[t] < 0) continue;
        load_[static_cast<std::size_t>(resource_[t])] -=
            d_[t * m_ + static_cast<std::size_t>(resource_[t])];
        resource_[t] = -1;
        scratch_.push_back(t);
    }
    // Largest first: by the task's shortest duration anywhere.
    auto shortest = [this](std::uint32_t t) {
        const double* row = d_ + static_cast<std::size_t>(t) * m_;
        return *std::min_element(row, row + m_);
    };
    std::sort(scratch_.begin(), scratch_.end(), [&](std::uint32_t a, std::uint32_t b) {
        const double sa = shortest(a), sb = shortest(b);
        return sa != sb ? sa > sb : a < b;
    });
    for (std::uint32_t t : scratch_) {
        const double* row = d_ + static_cast<std::size_t>(t) * m_;
        std::size_t best_r = 0;
        double best = load_[0] + row[0];
        for (std::size_t r = 1; r < m_; ++r) {
            const double v = load_[r] + row[r];
            if (v < best) {
                best = v;
                best_r = r;
            }
        }
        load_[best_r] += row[best_r];
        resource_[t] = static_cast<std::int32_t>(best_r);
    }
    return scratch_.size() * m_;
}

PriceSeeds price_directed(const double* d, std::size_t n, std::size_t m, int iterations,
                          std::size_t keep, double step, const std::function<bool()>& stop,
                          std::uint64_t max_scores, const StopClock* clock) {
    PriceSeeds out;
    const std::uint64_t limit = max_scores ? max_scores : std::numeric_limits<std::uint64_t>::max();
    const StopClock never;
    Poll poll(clock ? *clock : never);
    std::vector<double> price(m, 1.0), load(m);
    std::vector<std::int32_t> resource(n);
    LoadKernel kernel(d, n, m);
    std::vector<std::pair<double, std::vector<std::int32_t>>> kept;
    for (int it = 0; it < iterations; ++it) {
        if (limit - out.scores < n * m) break;  // the sweep does not fit in the budget
        std::fill(load.begin(), load.end(), 0.0);
        double dual = 0, price_sum = 0;
        for (double p : price)
            price_sum += p;
        for (std::size_t t = 0; t < n; ++t) {
            if (poll(m)) {
                out.scores += t * m;  // the sweep cut short: its assignment is not used
                break;
            }
            const double* row = d + t * m;
            std::size_t best_j = 0;
            double best = price[0] * row[0];
            for (std::size_t j = 1; j < m; ++j) {
                const double v = price[j] * row[j];
                if (v < best) {
                    best = v;
                    best_j = j;
                }
            }
            resource[t] = static_cast<std::int32_t>(best_j);
            load[best_j] += row[best_j];
            dual += best;
        }
        if (poll.fired()) break;
        out.scores += n * m;
        // With prices normalised to sum 1, sum_t min_j price_j d_tj bounds the makespan.
        out.lower_bound = std::max(out.lower_bound, dual / price_sum);
        double mean = 0;
        for (double l : load)
            mean += l;
        mean /= static_cast<double>(m);
        if (it % 10 == 0) {
            if (stop && stop()) break;
            kernel.assign(resource.data());
            if (limit == out.scores) break;
            out.scores += kernel.descend(limit - out.scores, false, clock);
            const double v = kernel.makespan();
            bool seen = false;
            for (const auto& k : kept)
                seen = seen || k.first == v;
            if (!seen) {
                kept.emplace_back(v, kernel.resource());
                std::sort(kept.begin(), kept.end(),
                          [](const auto& a, const auto& b) { return a.first < b.first; });
                if (kept.size() > keep) kept.pop_back();
            }
        }
        // Multiplicative update: overloaded resources get dearer.
        const double eta = step / std::sqrt(1.0 + it);
        for (std::size_t j = 0; j < m; ++j)
            price[j] *= std::exp(eta * (load[j] / mean - 1));
    }
    for (auto& k : kept)
        out.assignments.push_back(std::move(k.second));
    return out;
}

}  // namespace allocopt::detail
