// Iterated racing (allocopt/tune.hpp, docs/tuning.md): the design, the races, the sampling.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "allocopt/rng.hpp"
#include "allocopt/stats.hpp"
#include "allocopt/tune.hpp"

namespace allocopt {

namespace {

using Type = OptionSpec::Type;
using Clock = std::chrono::steady_clock;

// Purposes of the tuner's keyed random streams (Rng::keyed).
constexpr std::uint8_t kOrderStream = 1;   // the order of the training instances
constexpr std::uint8_t kSampleStream = 2;  // candidate k of race j
constexpr std::uint8_t kRunStream = 3;     // the seed of a training run
constexpr std::uint8_t kTestStream = 4;    // the seed of a test run

/// A finite key that orders outcomes as the search does: feasible by value (in the direction
/// of the objective), then infeasible by violation, then runs that found nothing.
double order_key(const TuneOutcome& o, bool maximize) {
    if (!o.found) return 1e300;
    if (!o.feasible) return 1e250 + std::min(o.violation, 1e40) * 1e200;
    return maximize ? -o.value : o.value;
}

double uniform_in(Rng& rng, const TuneParameter& p) {
    if (p.log)
        return std::exp(std::log(p.low) + rng.uniform() * (std::log(p.high) - std::log(p.low)));
    return p.low + rng.uniform() * (p.high - p.low);
}

/// A number of parameter p in [0, 1] (log scale in the logarithm).
double to_unit(const TuneParameter& p, double v) {
    if (p.high <= p.low) return 0.5;
    if (p.log) return (std::log(v) - std::log(p.low)) / (std::log(p.high) - std::log(p.low));
    return (v - p.low) / (p.high - p.low);
}

double from_unit(const TuneParameter& p, double u) {
    if (p.log) return std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)));
    return p.low + u * (p.high - p.low);
}

/// Integers rounded; reals to 4 significant digits (irace's default), so that a configuration
/// reads back from its text exactly and tiny differences do not make new candidates.
double settle(const TuneParameter& p, double v) {
    v = std::clamp(v, p.low, p.high);
    if (p.spec.type == Type::integer)
        return std::clamp(std::round(v), std::ceil(p.low), std::floor(p.high));
    if (v == 0) return 0;
    const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(v))));
    return std::clamp(std::round(v * scale) / scale, p.low, p.high);
}

double normal(Rng& rng) {
    const double u1 = 1 - rng.uniform();  // (0, 1]
    const double u2 = rng.uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

struct Candidate {
    int id = 0;
    int born = 0;
    ParameterSpace::Values values;
    std::string key;
    std::vector<double> spread;              // per numeric parameter, in unit space
    std::vector<std::vector<double>> probs;  // per choice parameter, over its choices
};

class Tuner {
  public:
    Tuner(const ParameterSpace& space, const std::vector<TuneInstance>& training,
          const std::vector<TuneInstance>& test, const TuneSettings& settings, RunPool& pool,
          TuneJournal* journal, TuneObserver* observer)
        : space_(space),
          training_(training),
          test_(test),
          s_(settings),
          pool_(pool),
          journal_(journal),
          observer_(observer),
          start_(Clock::now()) {
        order_.resize(training_.size());
        std::iota(order_.begin(), order_.end(), 0);
        Rng rng = Rng::keyed(s_.seed, kOrderStream, 0, 0);
        for (std::size_t i = order_.size(); i > 1; --i)
            std::swap(order_[i - 1], order_[rng.below(i)]);
    }

    TuneResult run();

  private:
    // -- runs
    TuneJob job_for(const Candidate& c, int slot) const;
    void run_slots(const std::vector<std::pair<int, int>>& wanted);  // (candidate, slot)
    const TuneOutcome* outcome(int candidate, int slot) const;

    // -- scores
    int instance_of(int slot) const { return order_[slot % training_.size()]; }
    std::optional<double> reference(int instance) const;
    double score(int candidate, int slot) const;
    double mean_score(int candidate) const;

    // -- the design
    void race(int race_no, std::vector<int>& alive, std::uint64_t budget, int first_test,
              int min_survivors, int elite_slots);
    std::vector<int> rank_alive(const std::vector<int>& alive, std::vector<double>* mean_ranks);
    Candidate sample_uniform(int race, int index);
    Candidate sample_near(const std::vector<int>& elites, int race, int index, int races);
    bool add_candidate(Candidate c);

    void progress(int race, int alive, int leader);
    void run_test(TuneResult& result);
    TuneCandidate describe(int candidate) const;

    const ParameterSpace& space_;
    const std::vector<TuneInstance>& training_;
    const std::vector<TuneInstance>& test_;
    const TuneSettings& s_;
    RunPool& pool_;
    TuneJournal* journal_;
    TuneObserver* observer_;
    Clock::time_point start_;

    std::vector<int> order_;
    std::vector<Candidate> candidates_;
    std::set<std::string> keys_;
    std::map<std::pair<int, int>, TuneOutcome> results_;               // (candidate, slot)
    std::map<std::pair<std::string, int>, TuneOutcome> test_results_;  // (key, job index)
    std::uint64_t spent_ = 0;
    std::uint64_t replayed_ = 0;
    int races_planned_ = 0;
    std::vector<TunePoint> trace_;
    std::map<int, double> last_mean_rank_;
};

TuneJob Tuner::job_for(const Candidate& c, int slot) const {
    TuneJob job;
    job.instance = instance_of(slot);
    job.replicate = slot / static_cast<int>(training_.size());
    job.seed = Rng::keyed(s_.seed, kRunStream, static_cast<std::uint64_t>(job.replicate),
                          static_cast<std::uint64_t>(job.instance))
                   .next();
    job.config = c.key;
    return job;
}

const TuneOutcome* Tuner::outcome(int candidate, int slot) const {
    const auto it = results_.find({candidate, slot});
    return it == results_.end() ? nullptr : &it->second;
}

void Tuner::run_slots(const std::vector<std::pair<int, int>>& wanted) {
    std::vector<std::string> texts;
    std::vector<std::pair<int, int>> pending;
    std::vector<TuneJob> jobs;
    for (const auto& [c, slot] : wanted) {
        TuneJob job = job_for(candidates_[static_cast<std::size_t>(c)], slot);
        ++spent_;
        if (journal_) {
            if (auto done = journal_->find(job)) {
                results_[{c, slot}] = *done;
                ++replayed_;
                continue;
            }
        }
        texts.push_back(tune_job_text(job));
        pending.emplace_back(c, slot);
        jobs.push_back(std::move(job));
    }
    bool interrupted = false;
    pool_.run(texts, [&](std::size_t i, const std::string& reply) {
        const TuneOutcome o = parse_tune_outcome(reply);
        if (o.interrupted) {
            interrupted = true;  // cut short: not a result of this configuration
            return;
        }
        if (journal_) journal_->record(jobs[i], o);
        results_[pending[i]] = o;
    });
    if (interrupted || (s_.interrupt && s_.interrupt->load()))
        throw TuneInterrupted("tuning interrupted");
}

std::optional<double> Tuner::reference(int instance) const {
    const TuneInstance& in = training_[static_cast<std::size_t>(instance)];
    if (in.reference) return in.reference;
    if (in.problem.objective().sense == Sense::maximize) return std::nullopt;
    std::optional<double> best;
    const int n = static_cast<int>(training_.size());
    for (const auto& [key, o] : results_) {
        if (order_[key.second % n] != instance || !o.bound) continue;
        best = best ? std::max(*best, *o.bound) : *o.bound;
    }
    return best;
}

double Tuner::score(int candidate, int slot) const {
    const TuneOutcome& o = results_.at({candidate, slot});
    const int instance = instance_of(slot);
    const bool maximize =
        training_[static_cast<std::size_t>(instance)].problem.objective().sense == Sense::maximize;
    if (const auto ref = reference(instance)) {
        if (!o.found) return 1e9;
        if (!o.feasible) return 1e6 + std::min(o.violation, 1e6);
        const double gap =
            (maximize ? *ref - o.value : o.value - *ref) / std::max(std::abs(*ref), 1e-12);
        return std::max(gap, 0.0);
    }
    // No reference: the run's rank among every run on this slot, scaled to [0, 1].
    const double mine = order_key(o, maximize);
    int below = 0, equal = 0, n = 0;
    for (const auto& [key, other] : results_) {
        if (key.second != slot) continue;
        const double k = order_key(other, maximize);
        below += k < mine;
        equal += k == mine;
        ++n;
    }
    return n <= 1 ? 0 : (below + (equal - 1) / 2.0) / (n - 1);
}

double Tuner::mean_score(int candidate) const {
    double sum = 0;
    int n = 0;
    for (auto it = results_.lower_bound({candidate, 0});
         it != results_.end() && it->first.first == candidate; ++it) {
        sum += score(candidate, it->first.second);
        ++n;
    }
    return n ? sum / n : std::numeric_limits<double>::infinity();
}

void Tuner::progress(int race, int alive, int leader) {
    TunePoint point;
    point.runs = spent_;
    point.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    point.best_score = leader >= 0 ? mean_score(leader) : std::nan("");
    point.alive = alive;
    trace_.push_back(point);
    if (!observer_) return;
    TuneProgress p;
    p.race = race;
    p.races_planned = races_planned_;
    p.runs = spent_;
    p.budget = s_.budget;
    p.replayed = replayed_;
    p.alive = alive;
    p.best_id = leader >= 0 ? candidates_[static_cast<std::size_t>(leader)].id : -1;
    p.best_score = point.best_score;
    p.seconds = point.seconds;
    observer_->on_progress(p);
}

/// The alive candidates best first by their rank sums over the slots all of them ran (ties
/// by sampling order), each with its mean rank there.
std::vector<int> Tuner::rank_alive(const std::vector<int>& alive, std::vector<double>* mean_ranks) {
    std::vector<std::vector<double>> blocks;
    for (int slot = 0;; ++slot) {
        std::vector<double> row;
        for (int c : alive) {
            const TuneOutcome* o = outcome(c, slot);
            if (!o) break;
            row.push_back(order_key(
                *o,
                training_[static_cast<std::size_t>(instance_of(slot))].problem.objective().sense ==
                    Sense::maximize));
        }
        if (row.size() != alive.size()) break;
        blocks.push_back(std::move(row));
    }
    std::vector<double> sums(alive.size(), 0);
    for (const auto& row : blocks) {
        const std::vector<double> r = stats::ranks(row);
        for (std::size_t i = 0; i < r.size(); ++i)
            sums[i] += r[i];
    }
    std::vector<int> order(alive.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sums[a] < sums[b]; });
    std::vector<int> out;
    if (mean_ranks) mean_ranks->clear();
    for (int i : order) {
        out.push_back(alive[static_cast<std::size_t>(i)]);
        if (mean_ranks) mean_ranks->push_back(blocks.empty() ? 0 : sums[i] / blocks.size());
    }
    return out;
}

void Tuner::race(int race_no, std::vector<int>& alive, std::uint64_t budget, int first_test,
                 int min_survivors, int elite_slots) {
    std::uint64_t left = budget;
    // The first test comes once every candidate has run the first `first_test` slots and
    // the newcomers have caught up with the elites on the slots those had run (elitist
    // racing: an elite is judged on all its evidence). No decision falls before it, so all
    // those runs go to the pool as one batch, which keeps every worker busy; when the race
    // cannot pay for the whole batch it goes slot by slot. Either way the batches depend on
    // the design alone, never on the pool's size, and so do the decisions.
    const int first_check = std::max(first_test, elite_slots);
    // After slots 0..seen-1 have been run by every alive candidate: test, report, and say
    // whether the race is over.
    auto decide = [&](int seen) {
        if (seen >= first_check && (seen - first_check) % s_.each_test == 0 && alive.size() > 1) {
            std::vector<std::vector<double>> blocks;
            for (int b = 0; b < seen; ++b) {
                const bool maximize =
                    training_[static_cast<std::size_t>(instance_of(b))].problem.objective().sense ==
                    Sense::maximize;
                std::vector<double> row;
                for (int c : alive)
                    row.push_back(order_key(*outcome(c, b), maximize));
                blocks.push_back(std::move(row));
            }
            const stats::FriedmanResult f = stats::friedman_test(blocks, s_.alpha);
            std::vector<int> kept;
            for (std::size_t i = 0; i < alive.size(); ++i) {
                if (f.survives[i]) kept.push_back(alive[i]);
            }
            alive = kept;
        }
        const std::vector<int> ranked = rank_alive(alive, nullptr);
        progress(race_no, static_cast<int>(alive.size()), ranked.empty() ? -1 : ranked.front());
        return seen >= first_check && static_cast<int>(alive.size()) <= min_survivors;
    };
    auto missing = [&](int from, int to) {
        std::vector<std::pair<int, int>> need;
        for (int c : alive) {
            for (int b = from; b < to; ++b) {
                if (!outcome(c, b)) need.emplace_back(c, b);
            }
        }
        return need;
    };
    int next = 0;  // the first slot not yet run by every alive candidate
    if (const auto batch = missing(0, first_check); batch.size() <= left) {
        left -= batch.size();
        run_slots(batch);
        next = first_check;
        if (decide(next)) next = -1;
    }
    for (int slot = next; slot >= 0; ++slot) {
        const auto need = missing(slot, slot + 1);
        if (need.size() > left) break;  // this slot cannot be paid for in full
        left -= need.size();
        run_slots(need);
        if (decide(slot + 1)) break;
    }
    // Candidates the budget never let run are not part of the result.
    std::erase_if(alive, [&](int c) { return !outcome(c, 0); });
}

bool Tuner::add_candidate(Candidate c) {
    c.key = space_.key(c.values);
    if (!keys_.insert(c.key).second) return false;
    c.id = static_cast<int>(candidates_.size());
    candidates_.push_back(std::move(c));
    return true;
}

Candidate Tuner::sample_uniform(int race, int index) {
    const auto& params = space_.parameters();
    Candidate c;
    c.born = race;
    Rng rng = Rng::keyed(s_.seed, kSampleStream, static_cast<std::uint64_t>(race),
                         static_cast<std::uint64_t>(index));
    for (int attempt = 0; attempt < 100; ++attempt) {
        c.values = space_.defaults();
        for (std::size_t i = 0; i < params.size(); ++i) {
            const TuneParameter& p = params[i];
            if (p.fixed) continue;
            if (p.choices.empty()) {
                c.values[i] = settle(p, uniform_in(rng, p));
            } else {
                c.values[i] = p.choices[rng.below(p.choices.size())];
            }
        }
        space_.deactivate(c.values);
        if (space_.valid(c.values) && !keys_.count(space_.key(c.values))) break;
    }
    c.spread.assign(params.size(), 0.5);
    c.probs.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i].choices.empty())
            c.probs[i].assign(params[i].choices.size(), 1.0 / params[i].choices.size());
    }
    return c;
}

Candidate Tuner::sample_near(const std::vector<int>& elites, int race, int index, int races) {
    const auto& params = space_.parameters();
    Rng rng = Rng::keyed(s_.seed, kSampleStream, static_cast<std::uint64_t>(race),
                         static_cast<std::uint64_t>(index));
    // The parent: elite r (0 = best) with probability proportional to n - r.
    const auto n = elites.size();
    std::uint64_t pick = rng.below(n * (n + 1) / 2);
    std::size_t r = 0;
    while (pick >= n - r) {
        pick -= n - r;
        ++r;
    }
    const Candidate& parent = candidates_[static_cast<std::size_t>(elites[r])];
    Candidate c = parent;
    c.born = race;
    const int free = std::max(1, space_.free_count());
    const double shrink = std::pow(1.0 / std::max<std::size_t>(2, n), 1.0 / free);
    // irace: (j - 1) / N_iter; past the planned races, still below 1 so that no value is lost.
    const double pull = (race - 1.0) / std::max(race, races);
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i].choices.empty()) {
            auto& pr = c.probs[i];
            const auto at = std::find(params[i].choices.begin(), params[i].choices.end(),
                                      static_cast<int>(parent.values[i]));
            for (double& x : pr)
                x *= 1 - pull;
            if (at != params[i].choices.end()) pr[at - params[i].choices.begin()] += pull;
        } else {
            c.spread[i] *= shrink;
        }
    }
    for (int attempt = 0; attempt < 100; ++attempt) {
        c.values = parent.values;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const TuneParameter& p = params[i];
            if (p.fixed) {
                c.values[i] = p.spec.parse(*p.fixed);
                continue;
            }
            if (!p.choices.empty()) {
                double u = rng.uniform(), acc = 0;
                std::size_t k = 0;
                for (; k + 1 < c.probs[i].size(); ++k) {
                    acc += c.probs[i][k];
                    if (u < acc) break;
                }
                c.values[i] = p.choices[k];
            } else if (std::isnan(parent.values[i])) {
                c.values[i] = settle(p, uniform_in(rng, p));  // inactive in the parent
            } else {
                const double mid = to_unit(p, parent.values[i]);
                double u = mid;
                for (int t = 0; t < 100; ++t) {  // a normal truncated to the range
                    u = mid + c.spread[i] * normal(rng);
                    if (u >= 0 && u <= 1) break;
                    u = std::clamp(u, 0.0, 1.0);
                }
                c.values[i] = settle(p, from_unit(p, u));
            }
        }
        space_.deactivate(c.values);
        if (space_.valid(c.values) && !keys_.count(space_.key(c.values))) break;
    }
    return c;
}

TuneCandidate Tuner::describe(int candidate) const {
    const Candidate& c = candidates_[static_cast<std::size_t>(candidate)];
    TuneCandidate out;
    out.id = c.id;
    out.values = c.values;
    out.options = space_.options(c.values);
    out.born = c.born;
    std::set<int> instances;
    for (auto it = results_.lower_bound({candidate, 0});
         it != results_.end() && it->first.first == candidate; ++it) {
        ++out.runs;
        instances.insert(instance_of(it->first.second));
    }
    out.instances = static_cast<int>(instances.size());
    out.mean_score = mean_score(candidate);
    const auto r = last_mean_rank_.find(candidate);
    out.mean_rank = r == last_mean_rank_.end() ? std::nan("") : r->second;
    return out;
}

void Tuner::run_test(TuneResult& result) {
    const std::string tuned = space_.key(result.best.values);
    const std::string base = space_.key(space_.solver_defaults());
    const int reps = std::max(1, s_.test_replicates);
    std::vector<std::string> texts;
    std::vector<std::pair<std::string, int>> pending;
    std::vector<TuneJob> jobs;
    for (const std::string& key : std::set<std::string>{tuned, base}) {
        for (std::size_t i = 0; i < test_.size(); ++i) {
            for (int rep = 0; rep < reps; ++rep) {
                TuneJob job;
                job.test = true;
                job.instance = static_cast<int>(i);
                job.replicate = rep;
                job.seed =
                    Rng::keyed(s_.seed, kTestStream, static_cast<std::uint64_t>(rep), i).next();
                job.config = key;
                const int index = static_cast<int>(i) * reps + rep;
                if (journal_) {
                    if (auto done = journal_->find(job)) {
                        test_results_[{key, index}] = *done;
                        continue;
                    }
                }
                texts.push_back(tune_job_text(job));
                pending.emplace_back(key, index);
                jobs.push_back(job);
            }
        }
    }
    bool interrupted = false;
    pool_.run(texts, [&](std::size_t i, const std::string& reply) {
        const TuneOutcome o = parse_tune_outcome(reply);
        if (o.interrupted) {
            interrupted = true;
            return;
        }
        if (journal_) journal_->record(jobs[i], o);
        test_results_[pending[i]] = o;
    });
    if (interrupted || (s_.interrupt && s_.interrupt->load()))
        throw TuneInterrupted("tuning interrupted");
    for (std::size_t i = 0; i < test_.size(); ++i) {
        const TuneInstance& in = test_[i];
        const bool maximize = in.problem.objective().sense == Sense::maximize;
        auto mean_of = [&](const std::string& key, std::optional<double>& bound) {
            double sum = 0;
            for (int rep = 0; rep < reps; ++rep) {
                const TuneOutcome& o = test_results_.at({key, static_cast<int>(i) * reps + rep});
                if (!o.feasible) return std::nan("");
                sum += o.value;
                if (o.bound) bound = bound ? std::max(*bound, *o.bound) : *o.bound;
            }
            return sum / reps;
        };
        std::optional<double> bound;
        TuneTestRow row;
        row.instance = in.name;
        row.tuned = mean_of(tuned, bound);
        row.defaults = mean_of(base, bound);
        std::optional<double> ref = in.reference;
        if (!ref && !maximize) ref = bound;
        if (!ref && !std::isnan(row.tuned) && !std::isnan(row.defaults))
            ref = maximize ? std::max(row.tuned, row.defaults) : std::min(row.tuned, row.defaults);
        auto gap = [&](double v) {
            if (std::isnan(v) || !ref) return std::nan("");
            return (maximize ? *ref - v : v - *ref) / std::max(std::abs(*ref), 1e-12);
        };
        row.tuned_gap = gap(row.tuned);
        row.default_gap = gap(row.defaults);
        const double kt = std::isnan(row.tuned) ? 1e300 : (maximize ? -row.tuned : row.tuned);
        const double kd =
            std::isnan(row.defaults) ? 1e300 : (maximize ? -row.defaults : row.defaults);
        const double tol = 1e-9 * std::max({1.0, std::abs(kt), std::abs(kd)});
        row.outcome = std::abs(kt - kd) <= tol ? 0 : (kt < kd ? 1 : -1);
        result.test.push_back(row);
    }
}

TuneResult Tuner::run() {
    const int free = space_.free_count();
    const int design_races = static_cast<int>(std::floor(2 + std::log2(free)));
    const int min_survivors = design_races;
    races_planned_ = design_races;

    // The first race: the defaults and uniform samples. A budget too small for the design
    // plans fewer races, then fewer candidates on fewer instances, rather than failing.
    std::uint64_t remaining = s_.budget;
    while (races_planned_ > 1 && remaining / static_cast<std::uint64_t>(races_planned_) <
                                     2 * static_cast<std::uint64_t>(s_.first_test + 1))
        --races_planned_;
    std::uint64_t b1 = remaining / static_cast<std::uint64_t>(races_planned_);
    int first = s_.first_test;
    std::uint64_t n1 = b1 / static_cast<std::uint64_t>(first + 1);
    if (n1 < 2) {
        n1 = std::min<std::uint64_t>(2, b1);
        first = static_cast<int>(std::max<std::uint64_t>(1, b1 / std::max<std::uint64_t>(n1, 1)));
    }
    Candidate defaults;
    defaults.values = space_.defaults();
    defaults.born = 1;
    {
        Candidate shape = sample_uniform(1, 0);  // for the spreads and probabilities
        defaults.spread = shape.spread;
        defaults.probs = shape.probs;
    }
    add_candidate(defaults);
    for (std::uint64_t k = 1; k < n1; ++k)
        add_candidate(sample_uniform(1, static_cast<int>(k)));
    std::vector<int> alive(candidates_.size());
    std::iota(alive.begin(), alive.end(), 0);

    int race_no = 1;
    int elite_slots = 0;
    std::vector<int> elites;
    for (;;) {
        const std::uint64_t before = spent_;
        race(race_no, alive, b1, first, min_survivors, elite_slots);
        remaining = s_.budget - spent_;
        std::vector<double> mean_ranks;
        const std::vector<int> ranked = rank_alive(alive, &mean_ranks);
        elites.assign(ranked.begin(),
                      ranked.begin() + std::min<std::ptrdiff_t>(min_survivors, ranked.size()));
        last_mean_rank_.clear();
        for (std::size_t i = 0; i < elites.size(); ++i)
            last_mean_rank_[elites[i]] = mean_ranks[i];
        elite_slots = 0;
        for (const auto& [key, o] : results_) {
            if (std::find(elites.begin(), elites.end(), key.first) != elites.end())
                elite_slots = std::max(elite_slots, key.second + 1);
        }
        if (spent_ == before || remaining < static_cast<std::uint64_t>(s_.first_test)) break;

        // The next race: elites and candidates sampled around them.
        ++race_no;
        const int races_left = std::max(1, races_planned_ - race_no + 1);
        b1 = remaining / static_cast<std::uint64_t>(races_left);
        const std::uint64_t n =
            b1 / static_cast<std::uint64_t>(s_.first_test + std::min(5, race_no));
        std::uint64_t fresh = n > elites.size() ? n - elites.size() : 1;
        fresh = std::min<std::uint64_t>(fresh, remaining);
        alive = elites;
        const std::size_t had = candidates_.size();
        for (std::uint64_t k = 0; k < fresh; ++k) {
            Candidate c = sample_near(elites, race_no, static_cast<int>(k), races_planned_);
            if (add_candidate(std::move(c)))
                alive.push_back(static_cast<int>(candidates_.size()) - 1);
        }
        if (candidates_.size() == had) break;  // the space has nothing new to offer
        first = s_.first_test;
    }

    TuneResult result;
    for (int e : elites)
        result.elites.push_back(describe(e));
    // The final best: the lowest mean score over all its runs.
    std::stable_sort(
        result.elites.begin(), result.elites.end(),
        [](const TuneCandidate& a, const TuneCandidate& b) { return a.mean_score < b.mean_score; });
    if (!result.elites.empty()) result.best = result.elites.front();
    result.runs = spent_;
    result.replayed = replayed_;
    result.races = race_no;
    result.candidates = static_cast<int>(candidates_.size());
    result.trace = trace_;
    bool any_ref = false, all_ref = true;
    std::set<int> ran;  // instances some run was on (a small budget may leave some out)
    for (const auto& [key, o] : results_)
        ran.insert(instance_of(key.second));
    for (int i : ran) {
        const bool has = reference(i).has_value();
        any_ref |= has;
        all_ref &= has;
    }
    result.score_kind = all_ref ? "gap" : any_ref ? "mixed" : "rank";
    // Whether the options changed nothing: on every slot, every candidate that ran it got
    // the same outcome (a per-run budget that the solver's fixed start phase uses up).
    std::map<int, const TuneOutcome*> first_on_slot;
    int compared = 0;
    result.all_tied = true;
    for (const auto& [key, o] : results_) {
        const auto [it, fresh] = first_on_slot.emplace(key.second, &o);
        if (fresh) continue;
        ++compared;
        const TuneOutcome& a = *it->second;
        if (a.found != o.found || a.feasible != o.feasible ||
            (a.found && (a.value != o.value || a.violation != o.violation))) {
            result.all_tied = false;
            break;
        }
    }
    result.all_tied = result.all_tied && compared > 0;
    result.race_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (!test_.empty()) run_test(result);
    result.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return result;
}

}  // namespace

TuneResult tune(const ParameterSpace& space, const std::vector<TuneInstance>& training,
                const std::vector<TuneInstance>& test, const TuneSettings& settings, RunPool& pool,
                TuneJournal* journal, TuneObserver* observer) {
    if (training.empty()) throw InputError("instances", "", "the training set is empty");
    if (settings.budget == 0) throw InputError("budget", "0", "the budget must be at least 1 run");
    if (settings.budget < training.size())
        throw InputError("budget", std::to_string(settings.budget),
                         "the budget is smaller than the " + std::to_string(training.size()) +
                             " training instances: every instance needs at least one run");
    if (settings.max_evaluations == 0 && !(settings.time_limit > 0))
        throw InputError("max-evals", "",
                         "each run needs a limit: --max-evals E (reproducible) or --time-limit S");
    if (settings.first_test < 1 || settings.each_test < 1)
        throw InputError("first-test", std::to_string(settings.first_test),
                         "the test schedule must be at least 1 instance");
    if (!(settings.alpha > 0 && settings.alpha < 1))
        throw InputError("alpha", std::to_string(settings.alpha), "expected a number in (0, 1)");
    Tuner tuner(space, training, test, settings, pool, journal, observer);
    return tuner.run();
}

}  // namespace allocopt
