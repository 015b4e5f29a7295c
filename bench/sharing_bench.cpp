// allocopt-bench-sharing: the GPU-sharing replay (docs/sharing.md) on Alibaba's default trace,
// 1,213 nodes, inflated to 130 % of the GPU capacity (about 10,800 pods), seed 42.
//
//   BM_FgdNodeUpdate        FGD's fragmentation of one node for the trace's target workload
//                           (35 shapes): what a placement recomputes for the node it changed
//   BM_Replay/POLICY        a whole replay with each of the six policies (pods per second)
//   BM_TraceDelta/move      DeltaState::score_move on the trace as a problem (8,152 pods as
//                           tasks, FGD's placement as the start): a pod to a random node
//   BM_TraceDelta/full      a full evaluation of the same allocation, for the ratio
//
// bench/fgd.sh runs it (medians of 5 repetitions) into bench/RESULTS.md.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <random>

#include "allocopt/delta.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/sharing.hpp"

namespace {

using namespace allocopt;

struct Trace {
    sharing::Cluster cluster;
    std::vector<sharing::Pod> pods;
    std::vector<sharing::Shape> target;
    std::vector<sharing::Pod> arrivals;
};

const Trace& trace() {
    static const Trace t = [] {
        Trace out;
        out.cluster = import_alibaba_nodes(ALLOCOPT_BENCH_PROBLEMS
                                           "/alibaba-gpu/openb_node_list_gpu_node.csv");
        out.pods = import_alibaba_pods(
            ALLOCOPT_BENCH_PROBLEMS "/alibaba-gpu/openb_pod_list_default.csv", out.cluster);
        out.target = sharing::target_workload(out.pods);
        out.arrivals = sharing::arrival_sequence(out.pods, out.cluster, 42, true, 130.0);
        return out;
    }();
    return t;
}

/// A cluster half way through an FGD replay: nodes in varied states.
sharing::ClusterState half_full(const Trace& t) {
    sharing::ClusterState state(t.cluster);
    const std::size_t half = t.arrivals.size() / 2;
    sharing::ReplayOptions options;
    const sharing::ReplayResult r =
        sharing::replay(t.cluster, std::span(t.arrivals).first(half), t.target, options);
    for (std::size_t i = 0; i < half; ++i) {
        if (r.node[i] >= 0)
            state.place(t.arrivals[i], static_cast<std::size_t>(r.node[i]), r.devices[i]);
    }
    return state;
}

void BM_FgdNodeUpdate(benchmark::State& bm) {
    const Trace& t = trace();
    const sharing::ClusterState state = half_full(t);
    sharing::FragmentationMeasure measure(t.target);
    std::size_t j = 0;
    double sum = 0.0;
    for (auto _ : bm) {
        sum += measure(state.cpu_free(j), state.devices_free(j), t.cluster.nodes[j].model);
        j = j + 1 == state.size() ? 0 : j + 1;
    }
    benchmark::DoNotOptimize(sum);
    bm.SetItemsProcessed(bm.iterations());
}
BENCHMARK(BM_FgdNodeUpdate);

void BM_Replay(benchmark::State& bm, sharing::PlacementPolicy policy) {
    const Trace& t = trace();
    sharing::ReplayOptions options;
    options.policy = policy;
    for (auto _ : bm) {
        const sharing::ReplayResult r = sharing::replay(t.cluster, t.arrivals, t.target, options);
        benchmark::DoNotOptimize(r.placed);
    }
    bm.SetItemsProcessed(bm.iterations() * static_cast<std::int64_t>(t.arrivals.size()));
}
BENCHMARK_CAPTURE(BM_Replay, random, sharing::PlacementPolicy::random)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, dot_product, sharing::PlacementPolicy::dot_product)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, gpu_clustering, sharing::PlacementPolicy::gpu_clustering)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, gpu_packing, sharing::PlacementPolicy::gpu_packing)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, best_fit, sharing::PlacementPolicy::best_fit)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, fgd, sharing::PlacementPolicy::fgd)->Unit(benchmark::kMillisecond);

/// The default trace as a problem, with FGD's placement of it.
struct TraceProblem {
    Problem problem;
    Allocation start;
};

const TraceProblem& trace_problem() {
    static const TraceProblem t = [] {
        Problem p = import_alibaba_problem(
            ALLOCOPT_BENCH_PROBLEMS "/alibaba-gpu/openb_node_list_gpu_node.csv",
            ALLOCOPT_BENCH_PROBLEMS "/alibaba-gpu/openb_pod_list_default.csv");
        Allocation a = sharing::place_online(p, sharing::PlacementPolicy::fgd, 42);
        return TraceProblem{std::move(p), std::move(a)};
    }();
    return t;
}

void BM_TraceDelta_move(benchmark::State& bm) {
    const TraceProblem& t = trace_problem();
    Evaluator ev(t.problem, {.threads = 1});
    DeltaState delta(ev, t.start);
    std::mt19937 rng(4);
    constexpr std::size_t kMoves = 4096;
    std::vector<std::pair<std::uint32_t, std::int32_t>> moves(kMoves);
    for (auto& [task, node] : moves) {
        task = static_cast<std::uint32_t>(rng() % t.problem.num_tasks());
        node = static_cast<std::int32_t>(rng() % t.problem.num_resources());
    }
    std::size_t k = 0;
    for (auto _ : bm) {
        const auto& [task, node] = moves[k++ & (kMoves - 1)];
        benchmark::DoNotOptimize(delta.score_move(task, node, 1));
    }
    bm.SetItemsProcessed(bm.iterations());
}
BENCHMARK(BM_TraceDelta_move)->Name("BM_TraceDelta/move");

void BM_TraceDelta_full(benchmark::State& bm) {
    const TraceProblem& t = trace_problem();
    Evaluator ev(t.problem, {.threads = 1});
    for (auto _ : bm)
        benchmark::DoNotOptimize(ev.evaluate(t.start));
    bm.SetItemsProcessed(bm.iterations());
}
BENCHMARK(BM_TraceDelta_full)->Name("BM_TraceDelta/full")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
