// allocopt-bench-evaluator: how fast the Evaluator scores allocations.
//
//   BM_Baseline/braun512x16            a plain hand-written makespan loop (uint8_t genes,
//                                      row-major double matrix): the yardstick
//   BM_FullEval/braun512x16            Evaluator::evaluate on u_c_hihi.0 (load path)
//   BM_DeltaMove/braun512x16           DeltaState::score_move, random task and machine
//   BM_DeltaMove/gapd-6                the same on GAP D instance 6 (the packing kind)
//   BM_Batch/braun512x16/threads:N     evaluate_batch of 2048 candidates on N threads
//   BM_FullEval/schedule2000x64gpu     list scheduling: 2000 jobs on 64 8-GPU nodes, SJF,
//                                      unit choices with Amdahl scaling, memory demands
//   BM_FullEval/structured100000x1000  10^5 tasks x 10^3 resources without matrices
//   BM_FullEval/clusterNxM             generate_cluster (priority policy, 3 dimensions,
//                                      weighted_completion + cost): a full list schedule
//   BM_DeltaMove/clusterNxM            DeltaState::score_move there (schedule kind: the two
//                                      touched queues laid out again), random task, a
//                                      resource that can host it, an admissible count
//   BM_FullEval/gavel700-Q             Gavel's seed-0 700-job set (problems/gavel/), ljf
//   BM_DeltaMove/gavel700-Q            queues, Q = backfill (the importer's default) or
//                                      strict: a full evaluation and a delta move
//   BM_Batch/gavel700-backfill/threads:T  evaluate_batch of 256 backfilled Gavel plans on
//                                      T = 1, 2, 4, 8, 16 threads (up to the machine's cores)
//
// Each reports items_per_second (allocations or moves scored per second); the structured
// case also reports the process's peak RSS. bench/evaluator.sh runs it and records medians.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "allocopt/delta.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/gavel.hpp"

namespace {

using namespace allocopt;

const Problem& braun() {
    static const Problem p = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_hihi.0");
    return p;
}

std::vector<Allocation> random_allocations(const Problem& p, int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<Allocation> out;
    for (int c = 0; c < count; ++c) {
        Allocation a(p.num_tasks());
        for (std::size_t i = 0; i < p.num_tasks(); ++i) {
            const Task& t = p.task(i);
            std::int32_t r;
            do {
                r = static_cast<std::int32_t>(rng() % p.num_resources());
            } while (!p.can_host(i, static_cast<std::size_t>(r)));
            int u = t.units.nth(static_cast<int>(rng() % static_cast<unsigned>(t.units.count())));
            while (u > p.capacity(static_cast<std::size_t>(r), 0))
                u = t.units.min;
            a.place(i, r, u);
        }
        out.push_back(std::move(a));
    }
    return out;
}

void BM_Baseline(benchmark::State& state) {
    const Problem& p = braun();
    const std::size_t n = p.num_tasks(), m = p.num_resources();
    std::vector<double> etc(n * m);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j)
            etc[i * m + j] = p.time(i, j);
    }
    std::vector<std::vector<std::uint8_t>> genes;
    for (const Allocation& a : random_allocations(p, 64, 1)) {
        genes.emplace_back(a.resource.begin(), a.resource.end());
    }
    std::vector<double> load(m);
    std::size_t c = 0;
    for (auto _ : state) {
        const std::uint8_t* g = genes[c++ & 63].data();
        std::fill(load.begin(), load.end(), 0.0);
        for (std::size_t i = 0; i < n; ++i)
            load[g[i]] += etc[i * m + g[i]];
        double makespan = 0;
        for (double l : load)
            makespan = std::max(makespan, l);
        benchmark::DoNotOptimize(makespan);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void full_eval(benchmark::State& state, const Problem& p) {
    Evaluator ev(p, {.threads = 1});
    const std::vector<Allocation> candidates = random_allocations(p, 64, 2);
    std::size_t c = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ev.evaluate(candidates[c++ & 63]));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_FullEval_braun(benchmark::State& state) {
    full_eval(state, braun());
}

/// DeltaState::score_move: random task, a resource it may use, the task's smallest count.
void delta_moves(benchmark::State& state, const Problem& p) {
    Evaluator ev(p, {.threads = 1});
    DeltaState delta(ev, random_allocations(p, 1, 3).front());
    std::mt19937 rng(4);
    constexpr std::size_t kMoves = 4096;
    std::vector<std::pair<std::uint32_t, std::int32_t>> moves(kMoves);
    for (auto& [t, r] : moves) {
        do {
            t = static_cast<std::uint32_t>(rng() % p.num_tasks());
            r = static_cast<std::int32_t>(rng() % p.num_resources());
        } while (!p.can_host(t, static_cast<std::size_t>(r)));
    }
    std::size_t k = 0;
    for (auto _ : state) {
        const auto& [t, r] = moves[k++ & (kMoves - 1)];
        benchmark::DoNotOptimize(delta.score_move(t, r, p.task(t).units.min));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_DeltaMove_gap(benchmark::State& state) {
    static const Problem p = import_orlib_gap(ALLOCOPT_BENCH_INSTANCES "/gap/gapd.txt", {6, false});
    delta_moves(state, p);
}

void BM_DeltaMove(benchmark::State& state) {
    delta_moves(state, braun());
}

void batch(benchmark::State& state, const Problem& p, int threads, int count) {
    Evaluator ev(p, {.threads = threads});
    const std::vector<Allocation> candidates = random_allocations(p, count, 5);
    std::vector<Evaluation> results(candidates.size());
    for (auto _ : state) {
        ev.evaluate_batch(candidates, results);
        benchmark::DoNotOptimize(results.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * count);
}

/// 2048 candidates, 1-2 ms of work: 256 (about 0.1 ms) is under evaluate_batch's 0.2 ms
/// threshold, below which a batch stays on the calling thread whatever `threads` says. Their
/// 8 MB of genes do not fit the caches, so one thread scores fewer a second than on 256.
void BM_Batch(benchmark::State& state, int threads) {
    batch(state, braun(), threads, 2048);
}

Problem gpu_cluster(int jobs, int nodes) {
    std::mt19937 rng(6);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    ProblemData d;
    d.name = "gpu-cluster";
    d.policy = Policy::sjf;
    for (int j = 0; j < nodes; ++j) {
        Resource r{"node" + std::to_string(j),
                   j % 4 == 0 ? "a100" : "v100",
                   {{"units", 8}, {"memory_gb", 640}},
                   j % 4 == 0 ? 2.0 : 1.0,
                   2.0};
        d.resources.push_back(r);
    }
    for (int i = 0; i < jobs; ++i) {
        Task t;
        t.id = "job" + std::to_string(i);
        t.workload = 10 + 990 * u01(rng);
        t.frequency = 1 + static_cast<int>(5 * u01(rng));
        t.arrival = 3600 * u01(rng);
        t.units = UnitChoice::list({1, 2, 4, 8});
        t.scaling.type = Scaling::Type::amdahl;
        t.scaling.parallel_fraction = 0.8 + 0.19 * u01(rng);
        t.demand = {{"memory_gb", 10 + 60 * u01(rng)}};
        d.tasks.push_back(t);
    }
    d.objective.terms = {{Metric::makespan, 1.0}, {Metric::mean_response, 0.5}};
    return Problem(std::move(d));
}

void BM_FullEval_schedule(benchmark::State& state) {
    static const Problem p = gpu_cluster(2000, 64);
    full_eval(state, p);
}

Problem structured(int tasks, int resources) {
    ProblemData d;
    d.name = "structured";
    for (int j = 0; j < resources; ++j) {
        d.resources.push_back({"r" + std::to_string(j),
                               j % 2 ? "gpu" : "cpu",
                               {{"units", 4}},
                               1.0 + (j % 7) * 0.25,
                               1.0});
    }
    std::mt19937 rng(8);
    for (int i = 0; i < tasks; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = 1 + rng() % 100;
        t.units = UnitChoice::range(1, 2);
        d.tasks.push_back(t);
    }
    return Problem(std::move(d));
}

void BM_FullEval_structured(benchmark::State& state) {
    static const Problem p = structured(100000, 1000);
    Evaluator ev(p, {.threads = 1});
    const std::vector<Allocation> candidates = random_allocations(p, 4, 9);
    std::size_t c = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(ev.evaluate(candidates[c++ & 3]));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    state.counters["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

const Problem& cluster(int jobs, int nodes) {
    static std::vector<std::unique_ptr<Problem>> made;
    for (const auto& p : made) {
        if (p->num_tasks() == static_cast<std::size_t>(jobs) &&
            p->num_resources() == static_cast<std::size_t>(nodes)) {
            return *p;
        }
    }
    generators::ClusterSpec spec;
    spec.jobs = jobs;
    spec.nodes = nodes;
    made.push_back(std::make_unique<Problem>(generators::generate_cluster(spec)));
    return *made.back();
}

void BM_FullEval_cluster(benchmark::State& state, int jobs, int nodes) {
    full_eval(state, cluster(jobs, nodes));
}

void BM_DeltaMove_cluster(benchmark::State& state, int jobs, int nodes) {
    const Problem& p = cluster(jobs, nodes);
    Evaluator ev(p, {.threads = 1});
    DeltaState delta(ev, random_allocations(p, 1, 3).front());
    std::mt19937 rng(4);
    constexpr std::size_t kMoves = 4096;
    struct Move {
        std::uint32_t t;
        std::int32_t r, u;
    };
    std::vector<Move> moves(kMoves);
    for (auto& [t, r, u] : moves) {
        t = static_cast<std::uint32_t>(rng() % p.num_tasks());
        do {
            r = static_cast<std::int32_t>(rng() % p.num_resources());
        } while (!p.can_host(t, static_cast<std::size_t>(r)));
        const UnitChoice& c = p.task(t).units;
        u = c.nth(static_cast<int>(rng() % static_cast<unsigned>(c.count())));
        if (u > p.capacity(static_cast<std::size_t>(r), 0)) u = c.min;
    }
    std::size_t k = 0;
    for (auto _ : state) {
        const auto& [t, r, u] = moves[k++ & (kMoves - 1)];
        benchmark::DoNotOptimize(delta.score_move(t, r, u));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

const Problem& gavel700(bool backfill) {
    static const Problem with =
        import_gavel(ALLOCOPT_BENCH_PROBLEMS "/gavel/jobs_seed0_n700.csv", {}, Policy::ljf, true);
    static const Problem without =
        import_gavel(ALLOCOPT_BENCH_PROBLEMS "/gavel/jobs_seed0_n700.csv", {}, Policy::ljf, false);
    return backfill ? with : without;
}

void BM_FullEval_gavel(benchmark::State& state, bool backfill) {
    full_eval(state, gavel700(backfill));
}

void BM_DeltaMove_gavel(benchmark::State& state, bool backfill) {
    delta_moves(state, gavel700(backfill));
}

void BM_Batch_gavel(benchmark::State& state, int threads) {
    batch(state, gavel700(true), threads, 256);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::RegisterBenchmark("BM_Baseline/braun512x16", BM_Baseline);
    benchmark::RegisterBenchmark("BM_FullEval/braun512x16", BM_FullEval_braun);
    benchmark::RegisterBenchmark("BM_DeltaMove/braun512x16", BM_DeltaMove);
    benchmark::RegisterBenchmark("BM_DeltaMove/gapd-6", BM_DeltaMove_gap);
    benchmark::RegisterBenchmark("BM_Batch/braun512x16/threads:1", BM_Batch, 1)->UseRealTime();
    benchmark::RegisterBenchmark("BM_Batch/braun512x16/threads:2", BM_Batch, 2)->UseRealTime();
    benchmark::RegisterBenchmark("BM_FullEval/schedule2000x64gpu", BM_FullEval_schedule);
    benchmark::RegisterBenchmark("BM_FullEval/structured100000x1000", BM_FullEval_structured);
    for (const auto& [jobs, nodes] : {std::pair{2000, 64}, std::pair{10000, 256}}) {
        const std::string size = std::to_string(jobs) + "x" + std::to_string(nodes);
        benchmark::RegisterBenchmark(("BM_FullEval/cluster" + size).c_str(), BM_FullEval_cluster,
                                     jobs, nodes);
        benchmark::RegisterBenchmark(("BM_DeltaMove/cluster" + size).c_str(), BM_DeltaMove_cluster,
                                     jobs, nodes);
    }
    for (const bool backfill : {true, false}) {
        const std::string q = backfill ? "backfill" : "strict";
        benchmark::RegisterBenchmark(("BM_FullEval/gavel700-" + q).c_str(), BM_FullEval_gavel,
                                     backfill);
        benchmark::RegisterBenchmark(("BM_DeltaMove/gavel700-" + q).c_str(), BM_DeltaMove_gavel,
                                     backfill);
    }
    // Batch scaling on a heavier candidate (a backfilled Gavel plan, ~250 us): 1, 2, 4, 8, 16
    // threads, as many as the machine has.
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    for (const int threads : {1, 2, 4, 8, 16}) {
        if (static_cast<unsigned>(threads) > cores && threads > 2) break;
        benchmark::RegisterBenchmark(
            ("BM_Batch/gavel700-backfill/threads:" + std::to_string(threads)).c_str(),
            BM_Batch_gavel, threads)
            ->UseRealTime();
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
