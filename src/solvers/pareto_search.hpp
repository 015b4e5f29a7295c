#pragma once
// What the two front searches share (include/allocopt/pareto.hpp): scoring a batch on every
// metric, the archive of feasible non-dominated points, and the limits. src/pareto.cpp runs
// ours; src/solvers/pagmo_adapter.cpp feeds pagmo's nsga2 through the same pieces.

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "allocopt/evaluator.hpp"
#include "allocopt/pareto.hpp"
#include "allocopt/solver.hpp"

namespace allocopt::detail {

/// Per metric a copy of the problem whose objective is that metric alone (in its natural
/// sense) and an Evaluator of it. Scores are kept minimised: a maximised metric is negated.
class ParetoScorer {
  public:
    ParetoScorer(const Problem& problem, const std::vector<Metric>& metrics, int threads);
    ParetoScorer(const ParetoScorer&) = delete;
    ParetoScorer& operator=(const ParetoScorer&) = delete;

    std::size_t objectives() const { return evaluators_.size(); }
    const Problem& problem(std::size_t m) const { return *problems_[m]; }
    Evaluator& evaluator(std::size_t m) { return *evaluators_[m]; }
    Sense sense(std::size_t m) const { return senses_[m]; }
    /// Scores by every Evaluator since construction.
    std::uint64_t evaluations() const;

    /// Scores each candidate on every metric (one batch per metric): into `objectives`
    /// (candidates x metrics, minimised) and `violation` (per candidate), both resized.
    void score(std::span<const Allocation> candidates, std::vector<double>& objectives,
               std::vector<double>& violation);

  private:
    std::vector<std::unique_ptr<Problem>> problems_;
    std::vector<std::unique_ptr<Evaluator>> evaluators_;
    std::vector<Sense> senses_;
    std::vector<Evaluation> scores_;
};

/// The feasible non-dominated points scored so far (minimised objectives). A point equal to
/// one already there is not added (the first stays). Past kCapacity points the most crowded
/// one is dropped.
class ParetoArchive {
  public:
    explicit ParetoArchive(std::size_t objectives) : objectives_(objectives) {}
    /// Offers one scored candidate; returns whether it entered.
    bool offer(const Allocation& allocation, std::span<const double> objectives, double violation);
    std::size_t size() const { return allocations_.size(); }
    const Allocation& allocation(std::size_t k) const { return allocations_[k]; }
    std::span<const double> objectives(std::size_t k) const {
        return {values_.data() + k * objectives_, objectives_};
    }
    static constexpr std::size_t kCapacity = 1000;

  private:
    void drop_most_crowded();
    std::size_t objectives_;
    std::vector<Allocation> allocations_;
    std::vector<double> values_;  // size() x objectives_
};

/// The limits of one front search: the evaluations of every metric's Evaluator together,
/// the clock, stall (no new point on the front) and the interrupt.
class ParetoLimits {
  public:
    ParetoLimits(ParetoScorer& scorer, const RunSettings& settings, Observer* observer);
    /// Whether to stop now (and why: reason()).
    bool should_stop();
    /// Evaluations left (UINT64_MAX without a budget).
    std::uint64_t budget() const;
    bool has_budget() const { return settings_.max_evaluations != 0; }
    const StopClock& clock() const { return clock_; }
    bool expired() const { return clock_.expired(); }
    double seconds() const;
    /// Seconds left before the time limit.
    double seconds_left() const;
    /// A new point entered the front (for the stall limits).
    void gained();
    StopReason reason() const { return reason_; }
    /// Records why a search stopped on its own account (a step that would overrun the time).
    void stopped(StopReason reason) { reason_ = reason; }
    Observer* observer() const { return observer_; }
    const RunSettings& settings() const { return settings_; }

  private:
    ParetoScorer& scorer_;
    RunSettings settings_;
    Observer* observer_;
    std::chrono::steady_clock::time_point start_;
    StopClock clock_;
    std::uint64_t last_gain_evaluations_ = 0;
    double last_gain_seconds_ = 0;
    StopReason reason_ = StopReason::finished;
};

/// Scores `candidates` (as many as the budget allows: budget / metrics; none once the clock
/// or the interrupt has stopped the run, unless `past_the_clock`), offers each to the archive
/// in order; returns how many were scored. Objectives and violations land in the two vectors
/// (resized to what was scored).
std::size_t score_and_archive(std::span<const Allocation> candidates, ParetoScorer& scorer,
                              ParetoArchive& archive, ParetoLimits& limits,
                              std::vector<double>& objectives, std::vector<double>& violation,
                              bool past_the_clock = false);

/// Our heuristic starts for every metric alone (Memetic::starts on that metric's Evaluator,
/// each given an equal share of `fraction` of the budget and of the time left), without
/// duplicates; not yet scored on the other metrics.
std::vector<Allocation> pareto_starts(ParetoScorer& scorer, ParetoLimits& limits,
                                      std::size_t per_metric, double fraction);

/// pagmo's nsga2 on the metrics (src/solvers/pagmo_adapter.cpp): `starts` first in its
/// initial population (empty: unseeded), the rest random; every candidate to the archive.
/// Throws InputError (key "--solver") in a build without pagmo.
void run_pagmo_nsga2(ParetoScorer& scorer, ParetoArchive& archive, ParetoLimits& limits,
                     const std::vector<Allocation>& starts, int population, std::uint64_t seed);

}  // namespace allocopt::detail
