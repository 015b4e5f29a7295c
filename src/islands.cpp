// The island model (allocopt/islands.hpp, docs/islands.md): islands evolving in epochs on
// threads (or one per process of an IslandNetwork), synchronous migrations, and the decision
// to stop, taken by every process from the same reports.

#include "allocopt/islands.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <limits>
#include <stdexcept>
#include <thread>
#include <utility>

#include "allocopt/error.hpp"
#include "allocopt/rng.hpp"

namespace allocopt {

namespace {

// Purposes of the island model's own streams (Rng::keyed), apart from the searches' own
// (src/solvers/population.hpp uses 1-5 under each island's seed, not under the run's).
constexpr std::uint8_t kIslandSeed = 0xF0;
constexpr std::uint8_t kMigration = 0xF1;

/// Every island in this process: the threaded islands.
class ThreadNetwork final : public IslandNetwork {
  public:
    std::vector<std::uint32_t> local(std::uint32_t islands) const override {
        std::vector<std::uint32_t> all(islands);
        for (std::uint32_t i = 0; i < islands; ++i)
            all[i] = i;
        return all;
    }
    std::vector<IslandReport> exchange(std::vector<IslandReport> mine, std::uint32_t) override {
        return mine;
    }
    std::string describe(int threads) const override {
        return std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    }
};

/// One island held by this process.
struct Island {
    std::uint32_t index = 0;
    std::unique_ptr<Evaluator> evaluator;
    std::unique_ptr<SearchTracker> tracker;
    std::unique_ptr<IslandSearch> search;
    bool started = false;
    bool done = false;
    std::exception_ptr failure;

    /// The search is over: the tracker's reason (asked once more, as solve_with does, for a
    /// search that returned at a limit without asking), else finished.
    void end() {
        done = true;
        tracker->should_stop();
    }

    /// One epoch: the starts first, then `generations` generations (fewer when the search
    /// ends). A function of the island's state alone.
    void epoch(std::uint64_t generations) {
        if (done) return;
        try {
            if (!started) {
                started = true;
                if (!search->start()) return end();
            }
            for (std::uint64_t g = 0; g < generations; ++g) {
                if (!search->step()) return end();
            }
        } catch (...) {
            failure = std::current_exception();
            done = true;
        }
    }

    IslandReport report() const {
        IslandReport r;
        r.island = index;
        r.done = done;
        r.stop = done ? tracker->reason() : StopReason::finished;
        r.evaluations = evaluator->evaluations();
        if (tracker->has_best()) {
            r.best = Migrant{tracker->best(), tracker->best_evaluation()};
            r.bound = search->lower_bound(r.best->evaluation);
        }
        if (started) r.emigrants = search->emigrants(kMigrants);
        return r;
    }
};

/// Runs one epoch of every island, on `workers` threads (this one among them). Which thread
/// runs which island does not matter: an island touches only what is its own.
void run_epoch(std::vector<Island>& islands, std::uint64_t generations, int workers) {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k; (k = next.fetch_add(1)) < islands.size();)
            islands[k].epoch(generations);
    };
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w)
        threads.emplace_back(work);
    work();
    for (std::thread& t : threads)
        t.join();
    for (Island& island : islands) {
        if (island.failure) std::rethrow_exception(island.failure);
    }
}

/// The islands island `to` receives from at migration `epoch`.
std::vector<std::uint32_t> sources(IslandTopology topology, std::uint32_t to, std::uint32_t n,
                                   std::uint64_t seed, std::uint64_t epoch) {
    if (n < 2) return {};
    switch (topology) {
        case IslandTopology::ring:
            return {(to + n - 1) % n};
        case IslandTopology::full: {
            std::vector<std::uint32_t> all;
            for (std::uint32_t from = 0; from < n; ++from) {
                if (from != to) all.push_back(from);
            }
            return all;
        }
        case IslandTopology::random: {
            Rng rng = Rng::keyed(seed, kMigration, std::min(epoch, Rng::kGenerations - 1), to);
            return {static_cast<std::uint32_t>((to + 1 + rng.below(n - 1)) % n)};
        }
        case IslandTopology::none:
            break;
    }
    return {};
}

const char* topology_name(IslandTopology topology) {
    switch (topology) {
        case IslandTopology::ring:
            return "a ring";
        case IslandTopology::full:
            return "a full topology";
        case IslandTopology::random:
            return "a random topology";
        case IslandTopology::none:
            break;
    }
    return "no migration";
}

/// The priority of a reason to end the whole run, when islands give several.
int urgency(StopReason reason) {
    switch (reason) {
        case StopReason::interrupted:
            return 5;
        case StopReason::time:
            return 4;
        case StopReason::target:
            return 3;
        case StopReason::evaluations:
            return 2;
        case StopReason::stall:
            return 1;
        case StopReason::finished:
            break;
    }
    return 0;
}

/// The run seen from the migrations: the best over the islands, the trace, and whether and
/// why to stop. Every process builds the same one from the same reports (but for seconds).
class Coordinator {
  public:
    Coordinator(const RunSettings& settings, Sense sense, Observer* observer)
        : settings_(settings),
          sense_(sense),
          observer_(observer),
          start_(std::chrono::steady_clock::now()) {}

    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    /// What this process alone can see: the interrupt, the time limit, a stall in seconds.
    /// Shared through the reports, so that every process stops at the same migration.
    bool halt() const {
        const double now = seconds();
        if (settings_.interrupt && settings_.interrupt->load(std::memory_order_relaxed))
            return true;
        const double limit = settings_.effective_time_limit();
        if (limit > 0 && now >= limit) return true;
        return settings_.stall_seconds > 0 && has_best_ &&
               now - gain_seconds_ >= settings_.stall_seconds;
    }

    /// Takes the reports of a migration; returns whether the run stops here.
    bool take(const std::vector<IslandReport>& reports) {
        total_ = 0;
        bool all_done = true, halted = false;
        StopReason reason = StopReason::finished;
        for (const IslandReport& r : reports) {
            total_ += r.evaluations;
            all_done = all_done && r.done;
            halted = halted || r.wants_stop;
            if (r.done && urgency(r.stop) > urgency(reason)) reason = r.stop;
            if (r.bound) bound_ = std::max(bound_.value_or(*r.bound), *r.bound);
            if (r.best && (!has_best_ || better(r.best->evaluation, best_.evaluation, sense_))) {
                best_ = *r.best;
                has_best_ = true;
                gained_ = true;
            }
        }
        const double now = seconds();
        if (gained_) {
            gained_ = false;
            gain_evaluations_ = total_;
            gain_seconds_ = now;
            trace_.push_back(
                {total_, now, best_.evaluation.objective, best_.evaluation.feasible()});
            if (observer_) observer_->on_improvement(trace_.back());
        }
        if (observer_ && has_best_) observer_->on_tick(trace_.back(), total_, now);
        ++migrations_;
        // In order: what an island saw (interrupt, time), then what all of them see alike.
        if (halted || reason == StopReason::interrupted || reason == StopReason::time) {
            stop_ = urgency(reason) >= urgency(StopReason::time) ? reason : halted_reason(now);
            return true;
        }
        if (has_best_ && best_.evaluation.feasible() && settings_.target) {
            const double v = best_.evaluation.objective;
            if (sense_ == Sense::minimize ? v <= *settings_.target : v >= *settings_.target) {
                stop_ = StopReason::target;
                return true;
            }
        }
        if (optimal()) {
            stop_ = StopReason::finished;
            proven_ = true;
            return true;
        }
        if (settings_.stall_evaluations &&
            total_ - gain_evaluations_ >= settings_.stall_evaluations) {
            stop_ = StopReason::stall;
            return true;
        }
        if (all_done) {
            stop_ = reason;
            return true;
        }
        return false;
    }

    bool has_best() const { return has_best_; }
    const Migrant& best() const { return best_; }
    std::uint64_t total() const { return total_; }
    std::uint64_t migrations() const { return migrations_; }
    StopReason stop() const { return stop_; }
    bool proven() const { return proven_; }
    const std::vector<TracePoint>& trace() const { return trace_; }

    /// The largest bound an island proved, when the best holds it (as Result::lower_bound).
    std::optional<double> lower_bound() const {
        if (!bound_ || !has_best_ || !best_.evaluation.feasible()) return std::nullopt;
        return std::min(*bound_, best_.evaluation.objective);
    }

  private:
    /// Why a process asked to stop: the first that holds here, else the interrupt elsewhere.
    StopReason halted_reason(double now) const {
        if (settings_.interrupt && settings_.interrupt->load(std::memory_order_relaxed))
            return StopReason::interrupted;
        const double limit = settings_.effective_time_limit();
        if (limit > 0 && now >= limit) return StopReason::time;
        if (settings_.stall_seconds > 0 && now - gain_seconds_ >= settings_.stall_seconds)
            return StopReason::stall;
        return StopReason::interrupted;
    }

    bool optimal() const {
        if (sense_ != Sense::minimize || !bound_ || !has_best_ || !best_.evaluation.feasible())
            return false;
        return best_.evaluation.objective <= *bound_ * (1 + 1e-9);
    }

    const RunSettings& settings_;
    Sense sense_;
    Observer* observer_;
    std::chrono::steady_clock::time_point start_;
    bool has_best_ = false;
    bool gained_ = false;
    Migrant best_;
    std::optional<double> bound_;
    std::uint64_t total_ = 0;
    std::uint64_t gain_evaluations_ = 0;
    double gain_seconds_ = 0;
    std::uint64_t migrations_ = 0;
    StopReason stop_ = StopReason::finished;
    bool proven_ = false;
    std::vector<TracePoint> trace_;
};

/// Island i's share of a budget of `total` evaluations over `n` islands (0: no budget).
std::uint64_t share(std::uint64_t total, std::uint32_t n, std::uint32_t i) {
    if (total == 0) return 0;
    return total / n + (i < total % n ? 1 : 0);
}

void check(const Solver& solver, const RunSettings& settings) {
    run_settings_table().validate(settings);
    if (settings.islands <= 1) return;
    const std::string islands = std::to_string(settings.islands);
    if (!runs_on_islands(solver)) {
        throw InputError("islands", islands,
                         "solver '" + settings.solver +
                             "' is not a population search, which alone can run on islands");
    }
    if (settings.max_evaluations != 0 && settings.max_evaluations < settings.islands) {
        throw InputError("islands", islands,
                         "a budget of " + std::to_string(settings.max_evaluations) +
                             " evaluations cannot be shared among " + islands + " islands");
    }
}

}  // namespace

bool runs_on_islands(const Solver& solver) {
    return dynamic_cast<const IslandSolver*>(&solver) != nullptr;
}

std::uint64_t island_seed(std::uint64_t seed, std::uint32_t island) {
    return Rng::keyed(seed, kIslandSeed, 0, island).next();
}

Result solve_islands(const Solver& solver, Evaluator& evaluator, const RunSettings& settings,
                     Observer* observer, IslandNetwork* network) {
    check(solver, settings);
    if (settings.islands <= 1 && !network) {
        // The plain solver. Solver::solve is not const (a solver may keep state), but the
        // searches here keep theirs in the run.
        return const_cast<Solver&>(solver).solve(evaluator, settings, observer);
    }
    const auto& maker = dynamic_cast<const IslandSolver&>(solver);
    ThreadNetwork threads;
    IslandNetwork& net = network ? *network : threads;
    const std::uint32_t n = settings.islands;
    const Problem& problem = evaluator.problem();

    const std::vector<std::uint32_t> mine = net.local(n);
    const int cores = settings.threads > 0
                          ? settings.threads
                          : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const int workers = std::max(1, std::min(cores, static_cast<int>(mine.size())));
    std::vector<Island> islands(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) {
        Island& island = islands[k];
        island.index = mine[k];
        RunSettings own = settings;
        own.islands = 1;
        own.max_evaluations = share(settings.max_evaluations, n, island.index);
        island.evaluator = std::make_unique<Evaluator>(
            problem, EvaluatorOptions{.threads = std::max(1, cores / workers)});
        island.tracker = std::make_unique<SearchTracker>(*island.evaluator, own, nullptr);
        island.search = maker.make_island(island_seed(settings.seed, island.index),
                                          *island.evaluator, *island.tracker);
    }

    Coordinator run(settings, problem.objective().sense, observer);
    if (observer) observer->on_phase("islands: starts");
    for (std::uint64_t epoch = 0;; ++epoch) {
        run_epoch(islands, settings.migrate_every, workers);
        std::vector<IslandReport> reports;
        const bool halt = run.halt();
        for (const Island& island : islands) {
            reports.push_back(island.report());
            reports.back().wants_stop = halt;
        }
        reports = net.exchange(std::move(reports), n);
        if (run.take(reports)) break;
        if (observer) observer->on_phase("islands: epoch " + std::to_string(epoch + 1));
        if (settings.island_topology == IslandTopology::none) continue;
        for (Island& island : islands) {
            if (island.done) continue;
            std::vector<Migrant> in;
            for (std::uint32_t from :
                 sources(settings.island_topology, island.index, n, settings.seed, epoch)) {
                const std::vector<Migrant>& out = reports[from].emigrants;
                in.insert(in.end(), out.begin(), out.end());
            }
            island.search->immigrate(in);
            for (const Migrant& m : in)
                island.tracker->offer(m.allocation, m.evaluation);
        }
    }

    // The Result: the best over the islands, re-scored once (uncounted) for its placements.
    SearchTracker summary(evaluator, settings, nullptr);
    if (run.has_best()) summary.offer(run.best().allocation, run.best().evaluation, true);
    Result result = summary.finish();
    result.trace = run.trace();
    result.evaluations = run.total();
    result.seconds = run.seconds();
    result.stop = run.stop();
    result.lower_bound = run.lower_bound();
    result.notes.clear();
    for (const Island& island : islands) {
        if (island.index != 0) continue;  // island 0's notes stand for all (the same starts)
        Result own = island.tracker->finish();
        result.notes = std::move(own.notes);
    }
    result.notes.push_back(
        std::to_string(n) + " islands on " + topology_name(settings.island_topology) + ", " +
        std::to_string(run.migrations()) + (run.migrations() == 1 ? " epoch of " : " epochs of ") +
        std::to_string(settings.migrate_every) + " generations, on " + net.describe(workers));
    if (run.proven())
        result.notes.push_back(
            "stopped at a proven optimum: the value equals an island's lower bound");
    return result;
}

// The bytes of a report: fixed-width little-endian fields (the hosts of one MPI job share
// their byte order), doubles bit for bit.
namespace {

class Writer {
  public:
    template <class T>
    void put(T value) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &value, sizeof(T));
        out_.append(bytes, sizeof(T));
    }
    template <class T>
    void put_vector(const std::vector<T>& v) {
        put<std::uint64_t>(v.size());
        if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
    void put_migrant(const Migrant& m) {
        put_vector(m.allocation.resource);
        put_vector(m.allocation.units);
        put_vector(m.allocation.devices);
        put(m.evaluation.objective);
        put(m.evaluation.violation);
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

class Reader {
  public:
    explicit Reader(std::string_view in) : in_(in) {}
    template <class T>
    T get() {
        need(sizeof(T));
        T value;
        std::memcpy(&value, in_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return value;
    }
    template <class T>
    std::vector<T> get_vector() {
        const auto count = get<std::uint64_t>();
        if (count > (in_.size() - at_) / sizeof(T)) fail();
        std::vector<T> v(count);
        if (count) std::memcpy(v.data(), in_.data() + at_, count * sizeof(T));
        at_ += count * sizeof(T);
        return v;
    }
    Migrant get_migrant() {
        Migrant m;
        m.allocation.resource = get_vector<std::int32_t>();
        m.allocation.units = get_vector<std::int32_t>();
        m.allocation.devices = get_vector<std::uint64_t>();
        m.evaluation.objective = get<double>();
        m.evaluation.violation = get<double>();
        if (m.allocation.units.size() != m.allocation.resource.size()) fail();
        return m;
    }
    void end() const {
        if (at_ != in_.size()) fail();
    }

  private:
    void need(std::size_t bytes) const {
        if (in_.size() - at_ < bytes) fail();
    }
    [[noreturn]] static void fail() { throw std::runtime_error("island report: malformed bytes"); }
    std::string_view in_;
    std::size_t at_ = 0;
};

constexpr std::uint32_t kReportMagic = 0x314C5349;  // "ISL1"

}  // namespace

std::string encode(const IslandReport& r) {
    Writer w;
    w.put(kReportMagic);
    w.put(r.island);
    w.put<std::uint8_t>(r.done);
    w.put(static_cast<std::uint8_t>(r.stop));
    w.put<std::uint8_t>(r.wants_stop);
    w.put(r.evaluations);
    w.put<std::uint8_t>(r.best.has_value());
    if (r.best) w.put_migrant(*r.best);
    w.put<std::uint8_t>(r.bound.has_value());
    if (r.bound) w.put(*r.bound);
    w.put<std::uint64_t>(r.emigrants.size());
    for (const Migrant& m : r.emigrants)
        w.put_migrant(m);
    return w.take();
}

IslandReport decode(std::string_view bytes) {
    Reader in(bytes);
    if (in.get<std::uint32_t>() != kReportMagic)
        throw std::runtime_error("island report: not a report (wrong version or garbage)");
    IslandReport r;
    r.island = in.get<std::uint32_t>();
    r.done = in.get<std::uint8_t>() != 0;
    const auto stop = in.get<std::uint8_t>();
    if (stop > static_cast<std::uint8_t>(StopReason::interrupted))
        throw std::runtime_error("island report: unknown stop reason");
    r.stop = static_cast<StopReason>(stop);
    r.wants_stop = in.get<std::uint8_t>() != 0;
    r.evaluations = in.get<std::uint64_t>();
    if (in.get<std::uint8_t>()) r.best = in.get_migrant();
    if (in.get<std::uint8_t>()) r.bound = in.get<double>();
    const auto count = in.get<std::uint64_t>();
    for (std::uint64_t k = 0; k < count; ++k)
        r.emigrants.push_back(in.get_migrant());
    in.end();
    return r;
}

}  // namespace allocopt
