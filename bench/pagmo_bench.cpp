// allocopt-bench-pagmo: candidates scored per second on one core, through pagmo2's
// problem::fitness path and through our batch evaluation, on the Braun instance u_c_hihi.0
// (512 tasks x 16 machines, makespan). Issue #18's throughput comparison; bench/pagmo.sh
// --throughput runs it (5 repetitions, medians) and writes the section `pagmo-throughput`.
//
//   BM_PagmoFitness/user-udp       pagmo::problem::fitness on a user-defined problem as a pagmo
//                                  user writes it: the decision vector's doubles read as machine
//                                  indices, the loads summed from a row-major ETC matrix, the
//                                  makespan returned (one objective)
//   BM_PagmoFitness/allocopt-udp   pagmo::problem::fitness on a user-defined problem that
//                                  decodes the vector into an Allocation and scores it with
//                                  Evaluator::evaluate (every metric, as our solvers' path)
//   BM_Evaluate                    Evaluator::evaluate, one candidate at a time
//   BM_Batch/threads:1             Evaluator::evaluate_batch of 256 candidates on one thread
//
// Every case scores the same 256 random candidates in turn; items_per_second is candidates
// scored per second. pagmo's headers are in this bench only (not in the library's build).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <pagmo/problem.hpp>
#include <pagmo/types.hpp>

#include "allocopt/evaluator.hpp"
#include "allocopt/io/benchmarks.hpp"

namespace {

using namespace allocopt;

constexpr std::size_t kCandidates = 256;

const Problem& braun() {
    static const Problem p = import_braun_etc(ALLOCOPT_BENCH_INSTANCES "/braun-etc/u_c_hihi.0");
    return p;
}

/// kCandidates random machine choices per task (every Braun task runs anywhere, one unit).
const std::vector<std::vector<std::int32_t>>& genes() {
    static const std::vector<std::vector<std::int32_t>> out = [] {
        const Problem& p = braun();
        std::mt19937 rng(7);
        std::vector<std::vector<std::int32_t>> v(kCandidates);
        for (auto& g : v) {
            g.resize(p.num_tasks());
            for (auto& r : g)
                r = static_cast<std::int32_t>(rng() % p.num_resources());
        }
        return v;
    }();
    return out;
}

std::vector<pagmo::vector_double> decision_vectors() {
    std::vector<pagmo::vector_double> out;
    for (const auto& g : genes())
        out.emplace_back(g.begin(), g.end());
    return out;
}

std::pair<pagmo::vector_double, pagmo::vector_double> machine_bounds(const Problem& p) {
    return {pagmo::vector_double(p.num_tasks(), 0.0),
            pagmo::vector_double(p.num_tasks(), double(p.num_resources() - 1))};
}

/// What a pagmo user writes for this problem.
struct UserUdp {
    std::vector<double> etc;  // row-major, task x machine
    std::size_t tasks = 0, machines = 0;

    pagmo::vector_double fitness(const pagmo::vector_double& x) const {
        std::vector<double> load(machines, 0.0);
        for (std::size_t i = 0; i < tasks; ++i) {
            const auto j = static_cast<std::size_t>(x[i]);
            load[j] += etc[i * machines + j];
        }
        return {*std::max_element(load.begin(), load.end())};
    }
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
        return machine_bounds(braun());
    }
    pagmo::vector_double::size_type get_nix() const { return tasks; }
};

/// Our Evaluator behind pagmo's fitness path (the shape of our pagmo solvers' adapter, without
/// its budget book-keeping).
struct AllocoptUdp {
    Evaluator* evaluator = nullptr;

    pagmo::vector_double fitness(const pagmo::vector_double& x) const {
        Allocation a(x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            a.place(i, static_cast<std::int32_t>(x[i]), 1);
        return {evaluator->evaluate(a).objective};
    }
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
        return machine_bounds(braun());
    }
    pagmo::vector_double::size_type get_nix() const { return braun().num_tasks(); }
};

void run_pagmo(benchmark::State& state, const pagmo::problem& problem) {
    const std::vector<pagmo::vector_double> xs = decision_vectors();
    std::size_t c = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(problem.fitness(xs[c++ % kCandidates]));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_PagmoFitness_user(benchmark::State& state) {
    const Problem& p = braun();
    UserUdp udp;
    udp.tasks = p.num_tasks();
    udp.machines = p.num_resources();
    udp.etc.resize(udp.tasks * udp.machines);
    for (std::size_t i = 0; i < udp.tasks; ++i) {
        for (std::size_t j = 0; j < udp.machines; ++j)
            udp.etc[i * udp.machines + j] = p.time(i, j);
    }
    run_pagmo(state, pagmo::problem{udp});
}

void BM_PagmoFitness_allocopt(benchmark::State& state) {
    Evaluator ev(braun(), {.threads = 1});
    run_pagmo(state, pagmo::problem{AllocoptUdp{&ev}});
}

std::vector<Allocation> allocations() {
    std::vector<Allocation> out;
    for (const auto& g : genes()) {
        Allocation a(g.size());
        for (std::size_t i = 0; i < g.size(); ++i)
            a.place(i, g[i], 1);
        out.push_back(std::move(a));
    }
    return out;
}

void BM_Evaluate(benchmark::State& state) {
    Evaluator ev(braun(), {.threads = 1});
    const std::vector<Allocation> candidates = allocations();
    std::size_t c = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ev.evaluate(candidates[c++ % kCandidates]));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_Batch(benchmark::State& state) {
    Evaluator ev(braun(), {.threads = 1});
    const std::vector<Allocation> candidates = allocations();
    std::vector<Evaluation> results(candidates.size());
    for (auto _ : state) {
        ev.evaluate_batch(candidates, results);
        benchmark::DoNotOptimize(results.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kCandidates));
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::RegisterBenchmark("BM_PagmoFitness/user-udp", BM_PagmoFitness_user);
    benchmark::RegisterBenchmark("BM_PagmoFitness/allocopt-udp", BM_PagmoFitness_allocopt);
    benchmark::RegisterBenchmark("BM_Evaluate", BM_Evaluate);
    benchmark::RegisterBenchmark("BM_Batch/threads:1", BM_Batch);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
