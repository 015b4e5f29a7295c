// Pareto fronts (include/allocopt/pareto.hpp, docs/pareto.md): parsing, hypervolume, the
// shared scoring / archive / limits of src/solvers/pareto_search.hpp, and our NSGA-II.
#include "allocopt/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "allocopt/error.hpp"
#include "allocopt/options.hpp"
#include "allocopt/rng.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "solvers/memetic.hpp"
#include "solvers/pareto_search.hpp"

namespace allocopt {

Sense natural_sense(Metric metric) {
    switch (metric) {
        case Metric::throughput:
        case Metric::utilization:
        case Metric::parallelism:
        case Metric::efficiency:
        case Metric::work_per_utilization:
        case Metric::degree_of_parallelism:
            return Sense::maximize;
        default:
            return Sense::minimize;
    }
}

namespace {

std::vector<std::string> split_commas(std::string_view list) {
    std::vector<std::string> parts;
    std::size_t from = 0;
    while (true) {
        const std::size_t comma = list.find(',', from);
        std::string part(list.substr(from, comma == std::string_view::npos ? comma : comma - from));
        const auto first = part.find_first_not_of(" \t");
        const auto last = part.find_last_not_of(" \t");
        parts.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
        if (comma == std::string_view::npos) break;
        from = comma + 1;
    }
    return parts;
}

}  // namespace

std::vector<Metric> parse_pareto_metrics(std::string_view list, std::string_view key) {
    const std::string k(key);
    const std::string text(list);
    const std::vector<std::string> parts = split_commas(list);
    if (parts.size() < 2 || parts.size() > 3) {
        throw InputError(k, text,
                         "expected two or three metrics separated by commas, e.g. "
                         "makespan,cost; got " +
                             std::to_string(parts.size()));
    }
    std::vector<std::string> names;
    for (Metric m : kAllMetrics)
        names.emplace_back(metric_name(m));
    std::vector<Metric> metrics;
    for (const std::string& part : parts) {
        const std::optional<Metric> m = parse_metric(part);
        if (!m) {
            throw InputError(k, text, "unknown metric '" + part + "'" + did_you_mean(part, names));
        }
        if (std::find(metrics.begin(), metrics.end(), *m) != metrics.end())
            throw InputError(k, text, "metric '" + part + "' is given twice");
        metrics.push_back(*m);
    }
    return metrics;
}

std::vector<double> parse_number_list(std::string_view list, std::size_t count,
                                      std::string_view key) {
    const std::string k(key);
    const std::string text(list);
    const std::vector<std::string> parts = split_commas(list);
    if (parts.size() != count) {
        throw InputError(k, text,
                         "expected " + std::to_string(count) +
                             " numbers separated by commas, one per metric; got " +
                             std::to_string(parts.size()));
    }
    std::vector<double> values;
    for (const std::string& part : parts) {
        std::size_t used = 0;
        double v = 0;
        try {
            v = std::stod(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (part.empty() || used != part.size() || !std::isfinite(v))
            throw InputError(k, text, "'" + part + "' is not a finite number");
        values.push_back(v);
    }
    return values;
}

std::string_view pareto_method_name(ParetoMethod method) {
    return method == ParetoMethod::nsga2 ? "nsga2" : "pagmo-nsga2";
}

bool dominates(std::span<const double> a, std::span<const double> b) {
    bool strictly = false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k] > b[k]) return false;
        if (a[k] < b[k]) strictly = true;
    }
    return strictly;
}

namespace {

/// The 2-D hypervolume of (x, y) points, all strictly below the reference: sorted by x, a
/// sweep adds the strip each point adds below the lowest y so far.
double sweep_2d(std::vector<std::pair<double, double>>& points, double rx, double ry) {
    std::sort(points.begin(), points.end());
    double area = 0;
    double lowest = ry;
    for (const auto& [x, y] : points) {
        if (y >= lowest) continue;
        area += (rx - x) * (lowest - y);
        lowest = y;
    }
    return area;
}

}  // namespace

double hypervolume(std::span<const std::vector<double>> points, std::span<const double> reference) {
    const std::size_t d = reference.size();
    if (d < 1 || d > 3) throw std::invalid_argument("hypervolume: 1 to 3 dimensions only");
    std::vector<const std::vector<double>*> inside;
    for (const std::vector<double>& p : points) {
        if (p.size() != d) throw std::invalid_argument("hypervolume: a point of the wrong size");
        bool below = true;
        for (std::size_t k = 0; k < d; ++k)
            below = below && p[k] < reference[k];
        if (below) inside.push_back(&p);
    }
    if (inside.empty()) return 0;
    if (d == 1) {
        double best = reference[0];
        for (const auto* p : inside)
            best = std::min(best, (*p)[0]);
        return reference[0] - best;
    }
    std::vector<std::pair<double, double>> plane;
    if (d == 2) {
        for (const auto* p : inside)
            plane.emplace_back((*p)[0], (*p)[1]);
        return sweep_2d(plane, reference[0], reference[1]);
    }
    // 3-D: slices between consecutive distinct z; a slice's area is the 2-D hypervolume of
    // the points at or below its bottom.
    std::sort(inside.begin(), inside.end(),
              [](const auto* a, const auto* b) { return (*a)[2] < (*b)[2]; });
    double volume = 0;
    for (std::size_t k = 0; k < inside.size(); ++k) {
        const double z = (*inside[k])[2];
        const double next = k + 1 < inside.size() ? (*inside[k + 1])[2] : reference[2];
        if (next <= z) continue;  // same z as the next point: its slice starts there
        plane.clear();
        for (std::size_t q = 0; q <= k; ++q)
            plane.emplace_back((*inside[q])[0], (*inside[q])[1]);
        volume += sweep_2d(plane, reference[0], reference[1]) * (next - z);
    }
    return volume;
}

std::vector<double> default_reference(std::span<const std::vector<double>> values,
                                      std::span<const Sense> senses) {
    std::vector<double> reference(senses.size(), 0);
    for (std::size_t m = 0; m < senses.size(); ++m) {
        const bool up = senses[m] == Sense::minimize;
        double worst =
            up ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        double best = -worst;
        for (const std::vector<double>& v : values) {
            worst = up ? std::max(worst, v[m]) : std::min(worst, v[m]);
            best = up ? std::min(best, v[m]) : std::max(best, v[m]);
        }
        if (values.empty()) worst = best = 0;
        double margin = 0.1 * std::abs(worst - best);
        if (margin == 0) margin = worst != 0 ? 0.1 * std::abs(worst) : 1;
        reference[m] = up ? worst + margin : worst - margin;
    }
    return reference;
}

double front_hypervolume(std::span<const std::vector<double>> values,
                         std::span<const double> reference, std::span<const Sense> senses) {
    std::vector<std::vector<double>> minimised(values.begin(), values.end());
    std::vector<double> ref(reference.begin(), reference.end());
    for (std::size_t m = 0; m < senses.size(); ++m) {
        if (senses[m] != Sense::maximize) continue;
        ref[m] = -ref[m];
        for (std::vector<double>& v : minimised)
            v[m] = -v[m];
    }
    return hypervolume(minimised, ref);
}

namespace detail {

// ---- ParetoScorer ------------------------------------------------------------------------

ParetoScorer::ParetoScorer(const Problem& problem, const std::vector<Metric>& metrics,
                           int threads) {
    for (const Metric metric : metrics) {
        ProblemData data = problem.data();
        // data() keeps the demand matrices in the problem's own storage: put them back.
        data.demand.clear();
        for (std::size_t k = 1; k < problem.num_dimensions(); ++k) {
            if (problem.has_demand_matrix(k))
                data.demand[problem.dimensions()[k]] = problem.demand_matrix(k);
        }
        data.objective = Objective{natural_sense(metric), {{metric, 1.0}}};
        problems_.push_back(std::make_unique<Problem>(std::move(data)));
        evaluators_.push_back(
            std::make_unique<Evaluator>(*problems_.back(), EvaluatorOptions{.threads = threads}));
        senses_.push_back(natural_sense(metric));
    }
}

std::uint64_t ParetoScorer::evaluations() const {
    std::uint64_t total = 0;
    for (const auto& e : evaluators_)
        total += e->evaluations();
    return total;
}

void ParetoScorer::score(std::span<const Allocation> candidates, std::vector<double>& objectives,
                         std::vector<double>& violation) {
    const std::size_t n = candidates.size(), k = evaluators_.size();
    objectives.assign(n * k, 0);
    violation.assign(n, 0);
    scores_.resize(n);
    for (std::size_t m = 0; m < k; ++m) {
        evaluators_[m]->evaluate_batch(candidates, scores_);
        const double sign = senses_[m] == Sense::maximize ? -1 : 1;
        for (std::size_t c = 0; c < n; ++c) {
            objectives[c * k + m] = sign * scores_[c].objective;
            // Constraints do not depend on the objective: every metric's violation agrees.
            if (m == 0) violation[c] = scores_[c].violation;
        }
    }
}

// ---- ParetoArchive -----------------------------------------------------------------------

bool ParetoArchive::offer(const Allocation& allocation, std::span<const double> objectives,
                          double violation) {
    if (violation > 0) return false;
    for (std::size_t k = 0; k < size(); ++k) {
        const std::span<const double> there = this->objectives(k);
        if (std::equal(there.begin(), there.end(), objectives.begin()) ||
            dominates(there, objectives))
            return false;
    }
    // Drop the points the newcomer dominates (order kept).
    std::size_t kept = 0;
    for (std::size_t k = 0; k < size(); ++k) {
        if (dominates(objectives, this->objectives(k))) continue;
        if (kept != k) {
            allocations_[kept] = std::move(allocations_[k]);
            std::copy_n(values_.begin() + static_cast<std::ptrdiff_t>(k * objectives_), objectives_,
                        values_.begin() + static_cast<std::ptrdiff_t>(kept * objectives_));
        }
        ++kept;
    }
    allocations_.resize(kept);
    values_.resize(kept * objectives_);
    allocations_.push_back(allocation);
    values_.insert(values_.end(), objectives.begin(), objectives.end());
    if (size() > kCapacity) drop_most_crowded();
    return true;
}

namespace {

/// Crowding distances of `count` points (`values`: count x k), NSGA-II's: per objective,
/// the normalised gap between each point's neighbours, the extremes infinite.
std::vector<double> crowding(const std::vector<const double*>& points, std::size_t k) {
    const std::size_t count = points.size();
    std::vector<double> distance(count, 0);
    std::vector<std::size_t> order(count);
    for (std::size_t m = 0; m < k; ++m) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return points[a][m] < points[b][m]; });
        const double lo = points[order.front()][m], hi = points[order.back()][m];
        distance[order.front()] = distance[order.back()] = std::numeric_limits<double>::infinity();
        if (hi <= lo) continue;
        for (std::size_t q = 1; q + 1 < count; ++q) {
            distance[order[q]] += (points[order[q + 1]][m] - points[order[q - 1]][m]) / (hi - lo);
        }
    }
    return distance;
}

}  // namespace

void ParetoArchive::drop_most_crowded() {
    std::vector<const double*> points;
    for (std::size_t k = 0; k < size(); ++k)
        points.push_back(values_.data() + k * objectives_);
    const std::vector<double> distance = crowding(points, objectives_);
    const std::size_t drop = static_cast<std::size_t>(
        std::min_element(distance.begin(), distance.end()) - distance.begin());
    allocations_.erase(allocations_.begin() + static_cast<std::ptrdiff_t>(drop));
    values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(drop * objectives_),
                  values_.begin() + static_cast<std::ptrdiff_t>((drop + 1) * objectives_));
}

// ---- ParetoLimits ------------------------------------------------------------------------

ParetoLimits::ParetoLimits(ParetoScorer& scorer, const RunSettings& settings, Observer* observer)
    : scorer_(scorer),
      settings_(settings),
      observer_(observer),
      start_(std::chrono::steady_clock::now()) {
    settings_.time_limit = settings.effective_time_limit();
    clock_ = StopClock::starting(start_, settings_.time_limit, settings.interrupt);
}

double ParetoLimits::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double ParetoLimits::seconds_left() const {
    if (settings_.time_limit <= 0) return std::numeric_limits<double>::infinity();
    return std::max(0.0, settings_.time_limit - seconds());
}

std::uint64_t ParetoLimits::budget() const {
    if (settings_.max_evaluations == 0) return std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t used = scorer_.evaluations();
    return used >= settings_.max_evaluations ? 0 : settings_.max_evaluations - used;
}

void ParetoLimits::gained() {
    last_gain_evaluations_ = scorer_.evaluations();
    last_gain_seconds_ = seconds();
}

bool ParetoLimits::should_stop() {
    const std::uint64_t used = scorer_.evaluations();
    const double now = seconds();
    if (settings_.interrupt && settings_.interrupt->load(std::memory_order_relaxed)) {
        reason_ = StopReason::interrupted;
    } else if (settings_.max_evaluations != 0 &&
               used + scorer_.objectives() > settings_.max_evaluations) {
        // Not enough left to score one more candidate on every metric.
        reason_ = StopReason::evaluations;
    } else if (settings_.time_limit > 0 && now >= settings_.time_limit) {
        reason_ = StopReason::time;
    } else if (settings_.stall_evaluations != 0 &&
               used - last_gain_evaluations_ >= settings_.stall_evaluations) {
        reason_ = StopReason::stall;
    } else if (settings_.stall_seconds > 0 && now - last_gain_seconds_ >= settings_.stall_seconds) {
        reason_ = StopReason::stall;
    } else {
        if (observer_) observer_->on_tick({used, now, 0, false}, used, now);
        return false;
    }
    return true;
}

// ---- shared steps ------------------------------------------------------------------------

std::size_t score_and_archive(std::span<const Allocation> candidates, ParetoScorer& scorer,
                              ParetoArchive& archive, ParetoLimits& limits,
                              std::vector<double>& objectives, std::vector<double>& violation,
                              bool past_the_clock) {
    const std::size_t k = scorer.objectives();
    const std::uint64_t allowed = limits.expired() && !past_the_clock ? 0 : limits.budget() / k;
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(candidates.size(), allowed));
    scorer.score(candidates.first(count), objectives, violation);
    for (std::size_t c = 0; c < count; ++c) {
        if (archive.offer(candidates[c], std::span<const double>(objectives.data() + c * k, k),
                          violation[c]))
            limits.gained();
    }
    return count;
}

std::vector<Allocation> pareto_starts(ParetoScorer& scorer, ParetoLimits& limits,
                                      std::size_t per_metric, double fraction) {
    std::vector<Allocation> starts;
    const std::size_t k = scorer.objectives();
    for (std::size_t m = 0; m < k; ++m) {
        if (limits.should_stop()) break;
        RunSettings share;
        share.interrupt = limits.settings().interrupt;
        // An equal share of what is left for each metric still to start.
        const double parts = static_cast<double>(k - m);
        if (limits.has_budget()) {
            share.max_evaluations =
                static_cast<std::uint64_t>(fraction * static_cast<double>(limits.budget()) / parts);
            if (share.max_evaluations == 0) continue;
        }
        const double left = limits.seconds_left();
        if (std::isfinite(left)) share.time_limit = std::max(1e-3, fraction * left / parts);
        if (limits.observer())
            limits.observer()->on_phase(
                "starts: " +
                std::string(metric_name(scorer.problem(m).objective().terms.front().first)));
        SearchTracker tracker(scorer.evaluator(m), share, nullptr);
        Memetic memetic(scorer.evaluator(m), tracker);
        std::vector<Allocation> found = memetic.starts(per_metric, 3000);
        if (tracker.has_best()) found.push_back(tracker.best());
        for (Allocation& a : found) {
            if (std::find(starts.begin(), starts.end(), a) == starts.end())
                starts.push_back(std::move(a));
        }
    }
    return starts;
}

#ifndef ALLOCOPT_HAVE_PAGMO
void run_pagmo_nsga2(ParetoScorer&, ParetoArchive&, ParetoLimits&, const std::vector<Allocation>&,
                     int, std::uint64_t) {
    throw InputError("--solver", "pagmo-nsga2",
                     "this build has no pagmo (ALLOCOPT_WITH_PAGMO=OFF): use --solver ga for "
                     "our NSGA-II");
}
#endif

// ---- our NSGA-II -------------------------------------------------------------------------

namespace {

/// The purpose byte of the front search's streams (Rng::keyed): its own.
constexpr std::uint8_t kParetoPurpose = 0x50;
enum Stream : std::uint64_t { top_up_stream = 0, child_stream = 1 };

/// Re-places tasks on resources that can host them, with an admissible unit count that fits
/// (or leaves an optional task unplaced): the mutation. Per task its hosts, flat.
class Replacer {
  public:
    explicit Replacer(const Problem& p) : problem_(p) {
        first_.push_back(0);
        for (std::size_t i = 0; i < p.num_tasks(); ++i) {
            for (std::size_t j = 0; j < p.num_resources(); ++j) {
                if (p.can_host(i, j)) hosts_.push_back(static_cast<std::int32_t>(j));
            }
            first_.push_back(hosts_.size());
        }
    }

    void replace(Allocation& a, std::size_t i, Rng& rng) const {
        const std::size_t count = first_[i + 1] - first_[i];
        const Task& task = problem_.task(i);
        const std::size_t pick = rng.below(count + (task.optional ? 1 : 0));
        if (pick == count || count == 0) {
            a.place(i, Allocation::kUnplaced, 0);
            return;
        }
        const std::int32_t j = hosts_[first_[i] + pick];
        const double cap = problem_.capacity(static_cast<std::size_t>(j), 0);
        int k = static_cast<int>(rng.below(static_cast<std::uint64_t>(task.units.count())));
        while (k > 0 && task.units.nth(k) > cap)
            --k;
        a.place(i, j, task.units.nth(k));
    }

    void mutate(Allocation& a, Rng& rng) const {
        const std::size_t n = problem_.num_tasks();
        const std::size_t moves = 1 + rng.below(std::min<std::size_t>(n, 4));
        for (std::size_t q = 0; q < moves; ++q)
            replace(a, rng.below(n), rng);
    }

    Allocation random(Rng& rng) const {
        Allocation a(problem_.num_tasks());
        for (std::size_t i = 0; i < a.size(); ++i)
            replace(a, i, rng);
        return a;
    }

  private:
    const Problem& problem_;
    std::vector<std::int32_t> hosts_;
    std::vector<std::size_t> first_;
};

struct Member {
    Allocation allocation;
    std::vector<double> objectives;  // minimised
    double violation = 0;
    int rank = 0;
    double crowd = 0;
};

/// Constrained domination: feasible before infeasible, less violation first, then Pareto.
bool beats(const Member& a, const Member& b) {
    const bool fa = a.violation <= 0, fb = b.violation <= 0;
    if (fa != fb) return fa;
    if (!fa) return a.violation < b.violation;
    return dominates(a.objectives, b.objectives);
}

/// Ranks (0 = the first front) and crowding distances of every member, NSGA-II's.
void rank_and_crowd(std::vector<Member>& members) {
    const std::size_t n = members.size();
    std::vector<std::vector<std::size_t>> dominated(n);
    std::vector<int> count(n, 0);
    std::vector<std::size_t> front;
    for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = 0; b < n; ++b) {
            if (a == b) continue;
            if (beats(members[a], members[b]))
                dominated[a].push_back(b);
            else if (beats(members[b], members[a]))
                ++count[a];
        }
        if (count[a] == 0) front.push_back(a);
    }
    int rank = 0;
    while (!front.empty()) {
        std::vector<const double*> points;
        for (std::size_t a : front) {
            members[a].rank = rank;
            points.push_back(members[a].objectives.data());
        }
        const std::vector<double> distance = crowding(points, members[front[0]].objectives.size());
        std::vector<std::size_t> next;
        for (std::size_t q = 0; q < front.size(); ++q) {
            // Infeasible members rank by violation alone: the less, the more "crowded" room.
            members[front[q]].crowd =
                members[front[q]].violation > 0 ? -members[front[q]].violation : distance[q];
            for (std::size_t b : dominated[front[q]]) {
                if (--count[b] == 0) next.push_back(b);
            }
        }
        std::sort(next.begin(), next.end());
        front = std::move(next);
        ++rank;
    }
}

bool survives_before(const Member& a, const Member& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.crowd > b.crowd;
}

class Nsga2 {
  public:
    Nsga2(ParetoScorer& scorer, ParetoArchive& archive, ParetoLimits& limits, int population,
          std::uint64_t seed)
        : scorer_(scorer),
          archive_(archive),
          limits_(limits),
          size_(static_cast<std::size_t>(population)),
          seed_(seed),
          replacer_(scorer.problem(0)) {}

    void run(const std::vector<Allocation>& starts) {
        // The initial population: the starts, then mutated copies of them in turn (random
        // allocations when there are none).
        std::vector<Allocation> initial(
            starts.begin(),
            starts.begin() + static_cast<std::ptrdiff_t>(std::min(starts.size(), size_)));
        for (std::size_t q = 0; initial.size() < size_; ++q) {
            Rng rng = Rng::keyed(seed_, kParetoPurpose, top_up_stream, q);
            if (starts.empty()) {
                initial.push_back(replacer_.random(rng));
            } else {
                initial.push_back(starts[q % starts.size()]);
                replacer_.mutate(initial.back(), rng);
            }
        }
        if (limits_.observer()) limits_.observer()->on_phase("nsga2: initial population");
        add(initial, members_);
        if (members_.empty()) return;
        rank_and_crowd(members_);
        std::vector<Allocation> children(size_);
        std::vector<Member> born;
        for (std::uint64_t generation = 1; generation < Rng::kGenerations && !limits_.should_stop();
             ++generation) {
            for (std::size_t c = 0; c < size_; ++c) {
                Rng rng = Rng::keyed(seed_, kParetoPurpose, child_stream + generation, c);
                const Member& a = tournament(rng);
                const Member& b = tournament(rng);
                children[c] = a.allocation;
                if (rng.uniform() < kCrossover) {
                    for (std::size_t i = 0; i < children[c].size(); ++i) {
                        if (rng.below(2) != 0)
                            children[c].place(i, b.allocation.resource[i], b.allocation.units[i]);
                    }
                }
                replacer_.mutate(children[c], rng);
            }
            born.clear();
            if (add(children, born) == 0) break;
            for (Member& m : born) {
                const bool twin =
                    std::any_of(members_.begin(), members_.end(), [&](const Member& x) {
                        return x.violation == m.violation && x.objectives == m.objectives;
                    });
                if (!twin) members_.push_back(std::move(m));
            }
            rank_and_crowd(members_);
            std::stable_sort(members_.begin(), members_.end(), survives_before);
            if (members_.size() > size_) members_.resize(size_);
            if (limits_.observer() && generation % 16 == 0) {
                limits_.observer()->on_phase("nsga2: generation " + std::to_string(generation) +
                                             ", " + std::to_string(archive_.size()) +
                                             " points on the front");
            }
        }
    }

  private:
    static constexpr double kCrossover = 0.9;

    /// Scores `batch` (within the budget) into members appended to `out`; returns how many.
    std::size_t add(const std::vector<Allocation>& batch, std::vector<Member>& out) {
        const std::size_t scored =
            score_and_archive(batch, scorer_, archive_, limits_, objectives_, violation_);
        const std::size_t k = scorer_.objectives();
        for (std::size_t c = 0; c < scored; ++c) {
            Member m;
            m.allocation = batch[c];
            m.objectives.assign(objectives_.begin() + static_cast<std::ptrdiff_t>(c * k),
                                objectives_.begin() + static_cast<std::ptrdiff_t>((c + 1) * k));
            m.violation = violation_[c];
            out.push_back(std::move(m));
        }
        return scored;
    }

    /// Binary tournament: the lower rank, then the larger crowding distance.
    const Member& tournament(Rng& rng) const {
        const Member& a = members_[rng.below(members_.size())];
        const Member& b = members_[rng.below(members_.size())];
        return survives_before(b, a) ? b : a;
    }

    ParetoScorer& scorer_;
    ParetoArchive& archive_;
    ParetoLimits& limits_;
    std::size_t size_;
    std::uint64_t seed_;
    Replacer replacer_;
    std::vector<Member> members_;
    std::vector<double> objectives_, violation_;
};

}  // namespace

}  // namespace detail

namespace {
/// `value` as %g: 3, not 3.000000.
std::string plain_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

/// The share of the budget and of the time that the heuristic starts may take.
constexpr double kStartsShare = 0.3;
}  // namespace

ParetoFront solve_pareto(const Problem& problem, const ParetoOptions& options,
                         const RunSettings& settings, Observer* observer) {
    const std::size_t k = options.metrics.size();
    if (k < 2 || k > 3) {
        std::string list;
        for (Metric m : options.metrics)
            list += (list.empty() ? "" : ",") + std::string(metric_name(m));
        throw InputError("--pareto", list, "expected two or three metrics");
    }
    for (std::size_t a = 0; a < k; ++a) {
        for (std::size_t b = a + 1; b < k; ++b) {
            if (options.metrics[a] == options.metrics[b])
                throw InputError("--pareto", std::string(metric_name(options.metrics[a])),
                                 "metric given twice");
        }
    }
    if (options.method == ParetoMethod::nsga2 && options.population < 4)
        throw InputError("population", std::to_string(options.population), "at least 4");
    if (options.method == ParetoMethod::pagmo_nsga2 &&
        (options.population < 8 || options.population % 4 != 0)) {
        throw InputError("population", std::to_string(options.population),
                         "pagmo's nsga2 wants a multiple of 4, at least 8");
    }
    if (options.population > 100000)
        throw InputError("population", std::to_string(options.population), "at most 100000");
    if (!options.reference.empty() && options.reference.size() != k)
        throw InputError("--pareto-ref", std::to_string(options.reference.size()) + " numbers",
                         "one per metric");
    if (settings.target)
        throw InputError("--target", plain_number(*settings.target),
                         "a front has no single value to reach: not with --pareto");
    if (settings.islands > 1)
        throw InputError("--islands", std::to_string(settings.islands), "not with --pareto");
    run_settings_table().validate(settings);

    detail::ParetoScorer scorer(problem, options.metrics, settings.threads);
    detail::ParetoArchive archive(k);
    detail::ParetoLimits limits(scorer, settings, observer);
    ParetoFront front;
    front.metrics = options.metrics;
    for (std::size_t m = 0; m < k; ++m)
        front.senses.push_back(scorer.sense(m));

    if (problem.num_tasks() == 0) {
        std::vector<double> objectives, violation;
        const std::vector<Allocation> none{Allocation(0)};
        detail::score_and_archive(none, scorer, archive, limits, objectives, violation);
        limits.should_stop();
    } else {
        const auto per_metric =
            static_cast<std::size_t>(std::max(1, options.population / static_cast<int>(k)));
        std::vector<Allocation> starts;
        if (options.method == ParetoMethod::nsga2) {
            starts = detail::pareto_starts(scorer, limits, per_metric, kStartsShare);
            detail::Nsga2 search(scorer, archive, limits, options.population, settings.seed);
            search.run(starts);
        } else {
            if (options.seeded)
                starts = detail::pareto_starts(scorer, limits, per_metric, kStartsShare);
            detail::run_pagmo_nsga2(scorer, archive, limits, starts, options.population,
                                    settings.seed);
        }
        limits.should_stop();
        // Stopped before anything was scored (Ctrl-C or the clock during the starts): the
        // front still gets a point, as a single-objective run still gets an allocation: the
        // first start, or else the fcfs heuristic's allocation (O(n log n + n m)), scored
        // past the clock (not past the budget).
        if (archive.size() == 0) {
            const std::vector<Allocation> one{starts.empty() ? heuristics::fcfs(problem)
                                                             : starts.front()};
            std::vector<double> objectives, violation;
            detail::score_and_archive(one, scorer, archive, limits, objectives, violation, true);
        }
    }

    std::vector<std::size_t> order(archive.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::lexicographical_compare(
            archive.objectives(a).begin(), archive.objectives(a).end(),
            archive.objectives(b).begin(), archive.objectives(b).end());
    });
    std::vector<std::vector<double>> values;
    for (const std::size_t q : order) {
        ParetoPoint point{archive.allocation(q), {}};
        for (std::size_t m = 0; m < k; ++m) {
            const double v = archive.objectives(q)[m];
            point.values.push_back(front.senses[m] == Sense::maximize ? -v : v);
        }
        values.push_back(point.values);
        front.points.push_back(std::move(point));
    }
    front.reference_given = !options.reference.empty();
    front.reference =
        front.reference_given ? options.reference : default_reference(values, front.senses);
    front.hypervolume = front_hypervolume(values, front.reference, front.senses);
    front.evaluations = scorer.evaluations();
    front.seconds = limits.seconds();
    front.stop = limits.reason();
    if (archive.size() == 0)
        front.notes.push_back("no feasible allocation found: the front is empty");
    return front;
}

}  // namespace allocopt
