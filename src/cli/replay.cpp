// allocopt replay: the GPU-sharing placement protocol of the fragmentation study (docs/
// sharing.md) for one or more policies and seeds on an Alibaba node list and pod list.

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/io/sharing_svg.hpp"
#include "allocopt/sharing.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

namespace allocopt::cli {

namespace {

using sharing::PlacementPolicy;

// Ctrl-C (SIGINT) or SIGTERM: the runs in progress finish (a replay takes well under a
// second), no other starts, nothing is written (the outputs' temporary files are removed) and
// the exit code is 130 or 143.
std::atomic<int> g_replay_signal{0};

extern "C" void on_replay_signal(int signal) {
    g_replay_signal.store(signal);
}

/// Installs the handlers for its lifetime.
struct SignalScope {
    SignalScope() {
        g_replay_signal.store(0);
        std::signal(SIGINT, on_replay_signal);
        std::signal(SIGTERM, on_replay_signal);
    }
    ~SignalScope() {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;
};

struct Options {
    std::string from;
    std::vector<std::string> files;
    std::string policy = "fgd";
    std::uint64_t seed = 42;
    std::string seeds;
    double inflate = 130.0;
    bool keep_order = false;
    double coverage = 0.95;
    std::string format = "table";
    std::string curve;
    std::string svg;
    std::string placements;
    std::string output;
    int threads = 1;
};

struct Run {
    PlacementPolicy policy{};
    std::uint64_t seed = 0;
    std::size_t pods = 0;
    std::size_t placed = 0;
    std::size_t skipped = 0;
    double at_100 = 0.0;
    double at_130 = 0.0;
    double seconds = 0.0;
    sharing::ReplayResult result;
};

std::string policy_list() {
    std::string text;
    for (const std::string& name : sharing::policy_names())
        text.append(text.empty() ? "" : ", ").append(name);
    return text;
}

std::vector<PlacementPolicy> parse_policies(const std::string& text) {
    if (text == "all") {
        std::vector<PlacementPolicy> all;
        for (const std::string& name : sharing::policy_names())
            all.push_back(*sharing::parse_policy(name));
        return all;
    }
    std::vector<PlacementPolicy> policies;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string name = text.substr(start, comma - start);
        const std::optional<PlacementPolicy> policy = sharing::parse_policy(name);
        if (!policy) {
            throw InputError("--policy", name,
                             "unknown policy '" + name + "'" +
                                 detail::did_you_mean(name, sharing::policy_names()) + " (one of " +
                                 policy_list() + ", a comma-separated list, or all)");
        }
        if (std::find(policies.begin(), policies.end(), *policy) == policies.end())
            policies.push_back(*policy);
        start = comma + 1;
    }
    return policies;
}

/// `S` or `A-B` (inclusive, at most 10000 seeds).
std::vector<std::uint64_t> parse_seeds(const Options& o) {
    if (o.seeds.empty()) return {o.seed};
    const std::string& text = o.seeds;
    const std::size_t dash = text.find('-');
    auto number = [&](const std::string& part) {
        if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos ||
            part.size() > 18) {
            throw InputError("--seeds", text,
                             "expected a seed or a range A-B of whole numbers, got '" + text + "'");
        }
        return std::stoull(part);
    };
    const std::uint64_t first = number(text.substr(0, dash));
    const std::uint64_t last = dash == std::string::npos ? first : number(text.substr(dash + 1));
    if (last < first || last - first >= 10000) {
        throw InputError("--seeds", text, "a range A-B needs A <= B and at most 10000 seeds");
    }
    std::vector<std::uint64_t> seeds;
    for (std::uint64_t s = first; s <= last; ++s)
        seeds.push_back(s);
    return seeds;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double round_to(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

struct Summary {
    PlacementPolicy policy{};
    std::size_t runs = 0;
    double at_100 = 0.0, at_130 = 0.0, min_100 = 0.0, max_100 = 0.0, mean_130 = 0.0,
           stdev_130 = 0.0, seconds = 0.0;
};

std::vector<Summary> summarize(const std::vector<PlacementPolicy>& policies,
                               const std::vector<Run>& runs) {
    std::vector<Summary> out;
    for (PlacementPolicy policy : policies) {
        std::vector<double> at_100, at_130, seconds;
        for (const Run& run : runs) {
            if (run.policy != policy) continue;
            at_100.push_back(run.at_100);
            at_130.push_back(run.at_130);
            seconds.push_back(run.seconds);
        }
        Summary s;
        s.policy = policy;
        s.runs = at_100.size();
        s.at_100 = median(at_100);
        s.at_130 = median(at_130);
        s.min_100 = *std::min_element(at_100.begin(), at_100.end());
        s.max_100 = *std::max_element(at_100.begin(), at_100.end());
        double sum = 0.0;
        for (double v : at_130)
            sum += v;
        s.mean_130 = sum / static_cast<double>(at_130.size());
        double squares = 0.0;
        for (double v : at_130)
            squares += (v - s.mean_130) * (v - s.mean_130);
        s.stdev_130 =
            at_130.size() > 1 ? std::sqrt(squares / static_cast<double>(at_130.size() - 1)) : 0.0;
        s.seconds = median(seconds);
        out.push_back(s);
    }
    return out;
}

std::string fixed(double value, int decimals) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << value;
    return out.str();
}

std::string table(const Options& o, const sharing::Cluster& cluster, const std::vector<Run>& runs,
                  const std::vector<Summary>& summaries, const std::string& trace) {
    std::ostringstream out;
    out << trace << " on " << cluster.nodes.size() << " nodes, " << cluster.total_devices()
        << " devices; " << (o.keep_order ? "file order" : "shuffled") << ", inflated to "
        << fixed(o.inflate, 0) << " % of the device capacity\n";
    out << std::left << std::setw(16) << "policy" << std::right << std::setw(8) << "seed"
        << std::setw(8) << "pods" << std::setw(9) << "skipped" << std::setw(12) << "alloc@100%"
        << std::setw(12) << "unalloc@100" << std::setw(12) << "alloc@130%" << std::setw(9)
        << "seconds" << '\n';
    for (const Run& run : runs) {
        out << std::left << std::setw(16) << sharing::policy_name(run.policy) << std::right
            << std::setw(8) << run.seed << std::setw(8) << run.pods << std::setw(9) << run.skipped
            << std::setw(12) << fixed(run.at_100, 2) << std::setw(12)
            << fixed(100.0 - run.at_100, 2) << std::setw(12) << fixed(run.at_130, 2) << std::setw(9)
            << fixed(run.seconds, 3) << '\n';
    }
    if (runs.size() > summaries.size()) {
        out << "medians over the seeds:\n";
        for (const Summary& s : summaries) {
            out << std::left << std::setw(16) << sharing::policy_name(s.policy) << std::right
                << std::setw(8) << ("x" + std::to_string(s.runs)) << std::setw(8) << ""
                << std::setw(9) << "" << std::setw(12) << fixed(s.at_100, 2) << std::setw(12)
                << fixed(100.0 - s.at_100, 2) << std::setw(12) << fixed(s.at_130, 2) << std::setw(9)
                << fixed(s.seconds, 3) << "   range@100 " << fixed(s.min_100, 2) << ".."
                << fixed(s.max_100, 2) << '\n';
        }
    }
    return out.str();
}

std::string json(const Options& o, const sharing::Cluster& cluster, const std::vector<Run>& runs,
                 const std::vector<Summary>& summaries, const std::string& trace) {
    nlohmann::ordered_json doc;
    doc["trace"] = trace;
    doc["nodes"] = cluster.nodes.size();
    doc["devices"] = cluster.total_devices();
    doc["capacity_milli"] = cluster.total_device_capacity();
    doc["shuffled"] = !o.keep_order;
    doc["inflate_percent"] = o.inflate;
    if (summaries.size() == 1) {
        doc["policy"] = sharing::policy_name(summaries[0].policy);
        doc["allocated_at_100"] = round_to(summaries[0].at_100, 4);
        doc["allocated_at_130"] = round_to(summaries[0].at_130, 4);
        doc["unallocated_at_100"] = round_to(100.0 - summaries[0].at_100, 4);
    }
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Run& run : runs) {
        nlohmann::ordered_json r;
        r["policy"] = sharing::policy_name(run.policy);
        r["seed"] = run.seed;
        r["pods"] = run.pods;
        r["placed"] = run.placed;
        r["skipped"] = run.skipped;
        r["allocated_at_100"] = round_to(run.at_100, 4);
        r["allocated_at_130"] = round_to(run.at_130, 4);
        r["unallocated_at_100"] = round_to(100.0 - run.at_100, 4);
        r["seconds"] = round_to(run.seconds, 4);
        list.push_back(std::move(r));
    }
    doc["runs"] = std::move(list);
    nlohmann::ordered_json medians = nlohmann::ordered_json::array();
    for (const Summary& s : summaries) {
        nlohmann::ordered_json m;
        m["policy"] = sharing::policy_name(s.policy);
        m["seeds"] = s.runs;
        m["allocated_at_100"] = round_to(s.at_100, 4);
        m["unallocated_at_100"] = round_to(100.0 - s.at_100, 4);
        m["min_allocated_at_100"] = round_to(s.min_100, 4);
        m["max_allocated_at_100"] = round_to(s.max_100, 4);
        m["allocated_at_130"] = round_to(s.at_130, 4);
        m["mean_allocated_at_130"] = round_to(s.mean_130, 4);
        m["stdev_allocated_at_130"] = round_to(s.stdev_130, 4);
        m["seconds"] = round_to(s.seconds, 4);
        medians.push_back(std::move(m));
    }
    doc["medians"] = std::move(medians);
    return doc.dump(2) + "\n";
}

std::string csv(const std::vector<Run>& runs) {
    std::ostringstream out;
    out << "policy,seed,pods,placed,skipped,allocated_at_100,allocated_at_130,seconds\n";
    for (const Run& run : runs) {
        out << sharing::policy_name(run.policy) << ',' << run.seed << ',' << run.pods << ','
            << run.placed << ',' << run.skipped << ',' << fixed(run.at_100, 4) << ','
            << fixed(run.at_130, 4) << ',' << fixed(run.seconds, 4) << '\n';
    }
    return out.str();
}

/// Where every pod of every run went: the node's id (empty when skipped) and its devices, by
/// index on the node, `|`-separated. What an independent check replays (bench/fgd.py).
std::string placements_csv(const std::vector<Run>& runs, const sharing::Cluster& cluster,
                           const std::vector<std::vector<sharing::Pod>>& arrivals) {
    std::string out = "policy,seed,pod,pod_id,node,devices\n";
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const Run& run = runs[k];
        const sharing::ReplayResult& r = run.result;
        const std::string prefix =
            std::string(sharing::policy_name(run.policy)) + "," + std::to_string(run.seed) + ",";
        for (std::size_t i = 0; i < r.node.size(); ++i) {
            out.append(prefix).append(std::to_string(i + 1)).append(",");
            out.append(arrivals[k][i].id).append(",");
            if (r.node[i] >= 0) out.append(cluster.nodes[static_cast<std::size_t>(r.node[i])].id);
            out.append(",");
            bool first = true;
            for (std::uint64_t bits = r.devices[i]; bits != 0; bits &= bits - 1) {
                out.append(first ? "" : "|").append(std::to_string(std::countr_zero(bits)));
                first = false;
            }
            out.append("\n");
        }
    }
    return out;
}

/// Every pod of every run: arrived and allocated, in percent of the device capacity.
std::string curve_csv(const std::vector<Run>& runs) {
    std::string out = "policy,seed,pod,arrived_pct,allocated_pct\n";
    char line[128];
    for (const Run& run : runs) {
        const sharing::ReplayResult& r = run.result;
        const double scale = 100.0 / static_cast<double>(r.capacity);
        const std::string prefix =
            std::string(sharing::policy_name(run.policy)) + "," + std::to_string(run.seed) + ",";
        for (std::size_t i = 0; i < r.arrived.size(); ++i) {
            std::snprintf(line, sizeof line, "%zu,%.4f,%.4f\n", i + 1,
                          static_cast<double>(r.arrived[i]) * scale,
                          static_cast<double>(r.allocated[i]) * scale);
            out.append(prefix).append(line);
        }
    }
    return out;
}

int run(const Options& o) {
    if (o.from != "alibaba-gpu") {
        throw InputError("--from", o.from,
                         "unknown format '" + o.from + "'" +
                             detail::did_you_mean(o.from, {"alibaba-gpu"}) +
                             " (replay reads --from alibaba-gpu NODES.csv PODS.csv)");
    }
    if (o.files.size() != 2) {
        throw InputError("FILES", std::to_string(o.files.size()),
                         "replay needs two files, NODES.csv and PODS.csv (got " +
                             std::to_string(o.files.size()) + ")");
    }
    const std::vector<PlacementPolicy> policies = parse_policies(o.policy);
    const std::vector<std::uint64_t> seeds = parse_seeds(o);
    // Outputs are opened before the work, so that a path that cannot be written fails first.
    const std::unique_ptr<OutputFile> output =
        o.output.empty() || o.output == "-" ? nullptr : open_output(o.output);
    const std::unique_ptr<OutputFile> curve = o.curve.empty() ? nullptr : open_output(o.curve);
    const std::unique_ptr<OutputFile> picture = o.svg.empty() ? nullptr : open_output(o.svg);
    const std::unique_ptr<OutputFile> placements =
        o.placements.empty() ? nullptr : open_output(o.placements);

    const sharing::Cluster cluster = import_alibaba_nodes(o.files[0]);
    const std::vector<sharing::Pod> pods = import_alibaba_pods(o.files[1], cluster);
    if (cluster.total_devices() == 0) {
        throw InputError("gpu", "0", "the node list has no devices: nothing to replay",
                         {o.files[0]});
    }
    const std::vector<sharing::Shape> target = sharing::target_workload(pods, o.coverage);
    std::string trace = o.files[1];
    if (const std::size_t slash = trace.rfind('/'); slash != std::string::npos)
        trace.erase(0, slash + 1);
    if (trace.ends_with(".csv")) trace.resize(trace.size() - 4);

    std::vector<Run> runs(policies.size() * seeds.size());
    for (std::size_t p = 0; p < policies.size(); ++p) {
        for (std::size_t s = 0; s < seeds.size(); ++s) {
            runs[p * seeds.size() + s].policy = policies[p];
            runs[p * seeds.size() + s].seed = seeds[s];
        }
    }
    const bool keep_curves = curve || picture || placements;
    std::vector<std::vector<sharing::Pod>> sequences(placements ? runs.size() : 0);
    auto one_run = [&](Run& run) {
        const auto start = std::chrono::steady_clock::now();
        const std::vector<sharing::Pod> arrivals =
            sharing::arrival_sequence(pods, cluster, run.seed, !o.keep_order, o.inflate);
        sharing::ReplayOptions options;
        options.policy = run.policy;
        options.seed = run.seed;
        sharing::ReplayResult result = sharing::replay(cluster, arrivals, target, options);
        run.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        run.pods = arrivals.size();
        run.placed = result.placed;
        run.skipped = result.skipped;
        run.at_100 = result.allocated_at(100.0);
        run.at_130 = result.allocated_at(130.0);
        if (keep_curves) run.result = std::move(result);
        if (placements) sequences[static_cast<std::size_t>(&run - runs.data())] = arrivals;
    };
    // Runs are independent and each is deterministic: --threads changes only the wall time.
    const SignalScope signals;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t k = next++; k < runs.size() && g_replay_signal.load() == 0; k = next++)
            one_run(runs[k]);
    };
    std::vector<std::thread> threads;
    const std::size_t extra =
        std::min<std::size_t>(static_cast<std::size_t>(o.threads), runs.size()) - 1;
    for (std::size_t t = 0; t < extra; ++t)
        threads.emplace_back(worker);
    worker();
    for (std::thread& thread : threads)
        thread.join();
    if (const int signal = g_replay_signal.load(); signal != 0) {
        std::cerr << "allocopt: replay " << (signal == SIGTERM ? "terminated" : "interrupted")
                  << "; nothing was written\n";
        return signal == SIGTERM ? kTerminated : kInterrupted;
    }
    const std::vector<Summary> summaries = summarize(policies, runs);

    std::string text;
    if (o.format == "json") {
        text = json(o, cluster, runs, summaries, trace);
    } else if (o.format == "csv") {
        text = csv(runs);
    } else {
        text = table(o, cluster, runs, summaries, trace);
    }
    if (curve) curve->commit(curve_csv(runs));
    if (placements) placements->commit(placements_csv(runs, cluster, sequences));
    if (picture) {
        std::vector<SharingCurve> curves;
        for (const Run& run : runs) {
            curves.push_back({std::string(sharing::policy_name(run.policy)) + " seed " +
                                  std::to_string(run.seed),
                              run.result.arrived, run.result.allocated});
        }
        picture->commit(sharing_curve_svg(curves, cluster.total_device_capacity(), trace));
    }
    write_output(output.get(), text);
    return kOk;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "replay",
        "Replay the GPU-sharing placement protocol of Weng et al. (ATC 2023) on an Alibaba\n"
        "node list and pod list: shuffle the pods with the seed, inflate them to --inflate %\n"
        "of the GPU capacity, place them one by one with a policy, and report the allocated\n"
        "share of the GPU capacity when 100 % and 130 % of it has been requested.\n"
        "Policies: random, dot-product, gpu-clustering, gpu-packing, best-fit, fgd.\n"
        "Example: allocopt replay --policy fgd --from alibaba-gpu\n"
        "           problems/alibaba-gpu/openb_node_list_gpu_node.csv\n"
        "           problems/alibaba-gpu/openb_pod_list_default.csv --seeds 42-51");
    auto o = std::make_shared<Options>();
    command->add_option("FILES", o->files, "NODES.csv PODS.csv")->required();
    command->add_option("--from", o->from, "Input format: alibaba-gpu")->required();
    command->add_option("--policy", o->policy,
                        "Policy, a comma-separated list, or all (default fgd)");
    command
        ->add_option("--seed", o->seed,
                     "Seed of the shuffle, the inflation and random "
                     "choices (default 42)")
        ->check(whole_number(0));
    command->add_option("--seeds", o->seeds, "Several seeds, A-B, with their medians");
    command
        ->add_option("--inflate", o->inflate,
                     "Draw pods with replacement until this % of the GPU capacity is "
                     "requested (default 130; 0 = the list as it is)")
        ->check(non_negative_number());
    command->add_flag("--keep-order", o->keep_order, "Do not shuffle the pod list");
    command
        ->add_option("--coverage", o->coverage,
                     "Share of the pods that FGD's target workload covers (default 0.95)")
        ->check(CLI::Range(0.01, 1.0));
    command->add_option("--format", o->format, "table (default), json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    command->add_option("--curve", o->curve, "Write allocated vs arrived per pod (CSV)")
        ->check(output_path());
    command->add_option("--svg", o->svg, "Draw allocated vs arrived (SVG)")->check(output_path());
    command
        ->add_option("--placements", o->placements,
                     "Write where every pod went: node and devices (CSV)")
        ->check(output_path());
    command->add_option("-o,--output", o->output, "Write the report here (default stdout)")
        ->check(output_path());
    command->add_option("--threads", o->threads, "Runs at once (default 1)")
        ->check(whole_number(1, 1024));
    command->callback([o, &exit_code] { exit_code = guarded([&] { return run(*o); }); });
}

}  // namespace allocopt::cli
