// The GPU-cluster generator (parse_job_mix, generate_cluster; see generators.hpp): nodes of
// Alibaba's GPU cluster, jobs from Gavel's throughputs and Alibaba's pods (generators_data.cpp).

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/rng.hpp"
#include "detail/text.hpp"
#include "generators_data.hpp"
#include "generators_draws.hpp"

namespace allocopt::generators {

using detail::require_at_least_one;
using detail::require_non_negative;
using detail::significant;
using detail::uniform;
using detail::uniform_open_closed;

namespace {

using detail::NodeType;
using detail::Pod;
using detail::Qos;
using detail::Throughput;

enum class JobKind : std::uint8_t { training, inference, preprocessing, serving };
constexpr std::array<std::string_view, 4> kJobKindNames = {"training", "inference", "preprocessing",
                                                           "serving"};

enum class GpuClass : std::uint8_t { v100, p100, k80 };
/// Resource kinds of the GPU nodes, indexed by GpuClass.
constexpr std::array<std::string_view, 3> kGpuClassNames = {"v100", "p100", "k80"};
/// USD per GPU-hour, Gavel's `gcp` prices (scheduler/utils.py), indexed by GpuClass.
constexpr std::array<double, 3> kGpuPrice = {0.74, 0.43, 0.135};

constexpr double kHour = 3600.0;
constexpr double kShortestRun = 60.0;      // s: pod run times are clipped to this ...
constexpr double kLongestRun = 600'000.0;  // s: ... and this (Gavel's longest duration)
constexpr double kPreprocessingAmdahl = 0.95;
constexpr double kHighPriority = 5.0;       // Gavel's weight for its high-priority jobs
constexpr double kHighPriorityShare = 0.2;  // Gavel: 20 % of jobs
constexpr std::array<double, 3> kSloFactors = {1.2, 2.0, 10.0};  // Gavel

/// The Gavel class each Alibaba GPU model is measured as (see generate_cluster's contract).
std::optional<GpuClass> gpu_class(std::string_view model) {
    if (model == "none") return std::nullopt;
    if (model == "P100" || model == "T4") return GpuClass::p100;
    return GpuClass::v100;  // V100M16, V100M32, A10, G2, G3
}

double throughput(const Throughput& t, GpuClass c) {
    switch (c) {
        case GpuClass::v100:
            return t.v100;
        case GpuClass::p100:
            return t.p100;
        case GpuClass::k80:
            return t.k80;
    }
    return 0;
}

struct Node {
    const NodeType* type;
    std::optional<GpuClass> gpu;  // nullopt = CPU-only
};

/// Index of a row drawn in proportion to node_count among rows accepted by `keep`.
template <typename Keep>
std::size_t draw_node_type(Rng& rng, Keep&& keep) {
    const auto types = detail::node_types();
    std::uint64_t total = 0;
    for (const NodeType& t : types)
        total += keep(t) ? static_cast<std::uint64_t>(t.node_count) : 0;
    std::uint64_t pick = rng.below(total);
    for (std::size_t k = 0; k < types.size(); ++k) {
        if (!keep(types[k])) continue;
        const auto count = static_cast<std::uint64_t>(types[k].node_count);
        if (pick < count) return k;
        pick -= count;
    }
    return types.size() - 1;  // unreachable: pick < total
}

/// Node type rows: drawn by node count, then one replaced where the mix needs a kind of node
/// that none of the draws is; sorted by table row so that ids come grouped by model.
std::vector<std::size_t> draw_node_rows(const ClusterSpec& spec, bool need_gpu, bool need_cpu) {
    Rng rng(spec.seed, 1);
    auto any = [](const NodeType&) { return true; };
    auto is_gpu = [](const NodeType& t) { return t.gpus_per_node > 0; };
    auto is_cpu = [](const NodeType& t) { return t.gpus_per_node == 0; };
    std::vector<std::size_t> rows;
    for (int k = 0; k < spec.nodes; ++k)
        rows.push_back(draw_node_type(rng, any));
    const auto types = detail::node_types();
    auto has = [&](auto&& pred) {
        return std::any_of(rows.begin(), rows.end(), [&](std::size_t r) { return pred(types[r]); });
    };
    if (need_cpu && !has(is_cpu)) rows.back() = draw_node_type(rng, is_cpu);
    if (need_gpu && !has(is_gpu)) rows.front() = draw_node_type(rng, is_gpu);
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

/// Job counts per kind: jobs x share, rounded by largest remainder (ties to the earlier kind).
std::array<int, 4> kind_counts(int jobs, const JobMix& mix) {
    const std::array<double, 4> share = {mix.training, mix.inference, mix.preprocessing,
                                         mix.serving};
    double sum = 0;
    for (double s : share)
        sum += s;
    std::array<int, 4> count{};
    std::array<double, 4> remainder{};
    int given = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const double exact = jobs * share[k] / sum;
        count[k] = static_cast<int>(std::floor(exact));
        remainder[k] = exact - count[k];
        given += count[k];
    }
    while (given < jobs) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < 4; ++k) {
            if (remainder[k] > remainder[best]) best = k;
        }
        ++count[best];
        remainder[best] = -1;
        ++given;
    }
    return count;
}

/// The drawn nodes, and jobs drawn from the trace so that each fits one of them.
class ClusterBuilder {
  public:
    ClusterBuilder(const ClusterSpec& spec, const std::vector<std::size_t>& rows) : spec_(spec) {
        const auto types = detail::node_types();
        for (std::size_t r : rows)
            nodes_.push_back({&types[r], gpu_class(types[r].gpu_model)});
        for (const Node& node : nodes_) {
            if (node.gpu) {
                max_gpus_ = std::max(max_gpus_, node.type->gpus_per_node);
            } else {
                max_cores_ = std::max(max_cores_, node.type->cpu_milli / 1000);
            }
        }
        for (const Throughput& t : detail::gavel_throughputs()) {
            if (t.scale_factor != 1) continue;
            bool runs_everywhere = true;
            for (const Node& node : nodes_) {
                runs_everywhere = runs_everywhere && (!node.gpu || throughput(t, *node.gpu) > 0);
            }
            if (runs_everywhere) job_types_.push_back(&t);
        }
        for (const Node& node : nodes_) {
            if (!node.gpu) continue;
            const std::string kind(kGpuClassNames[static_cast<std::size_t>(*node.gpu)]);
            if (std::find(gpu_kinds_.begin(), gpu_kinds_.end(), kind) == gpu_kinds_.end())
                gpu_kinds_.push_back(kind);
        }
        std::sort(gpu_kinds_.begin(), gpu_kinds_.end());
    }

    std::vector<Resource> resources() const;
    /// The speed-up row of every job type: its single-GPU throughput on each GPU class of the
    /// nodes relative to a V100's, to 6 significant digits.
    Speedups speedups() const;

    /// Indices of the trace's pods that suit `kind` and fit some node that may run it.
    std::vector<std::size_t> pod_pool(JobKind kind) const;

    Task make_task(JobKind kind, std::size_t index, const std::vector<std::size_t>& pool,
                   Rng& rng) const;

  private:
    /// Whether GPU node `node` can host `pod` with `gpus` GPUs.
    static bool fits(const Node& node, const Pod& pod, int gpus);
    bool fits_gpu_node(const Pod& pod, int gpus) const;
    Task training(Rng& rng, const Pod& pod) const;
    Task pod_job(JobKind kind, Rng& rng, const Pod& pod) const;
    Task preprocessing(const Pod& pod) const;

    const ClusterSpec& spec_;
    std::vector<Node> nodes_;
    int max_gpus_ = 0;
    int max_cores_ = 0;
    std::vector<const Throughput*> job_types_;  // single-GPU rows that run on every GPU node
    std::vector<std::string> gpu_kinds_;        // of the nodes, sorted
};

/// A task type naming a Gavel job type: "resnet-18-bs64", "a3c", ...
std::string job_type_label(const Throughput& job) {
    std::string label = lower(job.job_type);
    if (job.batch_size > 0) label += "-bs" + std::to_string(job.batch_size);
    return label;
}

/// A job type's single-GPU speed on class `c` relative to a V100, to 6 significant digits.
double speed_factor(const Throughput& job, GpuClass c) {
    return significant(throughput(job, c) / job.v100);
}

Speedups ClusterBuilder::speedups() const {
    Speedups out;
    for (const Throughput* job : job_types_) {
        auto& row = out[job_type_label(*job)];
        for (const Node& node : nodes_) {
            if (node.gpu)
                row[std::string(kGpuClassNames[static_cast<std::size_t>(*node.gpu)])] =
                    speed_factor(*job, *node.gpu);
        }
    }
    return out;
}

std::vector<Resource> ClusterBuilder::resources() const {
    std::vector<Resource> out;
    std::vector<std::pair<std::string, int>> used;  // id prefix -> next number
    for (const Node& node : nodes_) {
        const NodeType& t = *node.type;
        const std::string prefix = node.gpu ? lower(t.gpu_model) : "cpu";
        auto it = std::find_if(used.begin(), used.end(),
                               [&](const auto& entry) { return entry.first == prefix; });
        if (it == used.end()) it = used.insert(used.end(), {prefix, 0});
        Resource r;
        r.id = prefix + "-" + std::to_string(it->second++);
        const double cores = t.cpu_milli / 1000.0;
        const double memory_gb = t.memory_mib / 1024.0;
        if (node.gpu) {
            r.kind = kGpuClassNames[static_cast<std::size_t>(*node.gpu)];
            r.capacity = {{std::string(kUnitsDimension), t.gpus_per_node},
                          {"cpu", cores},
                          {"memory_gb", memory_gb}};
            r.cost_per_hour = kGpuPrice[static_cast<std::size_t>(*node.gpu)];
        } else {
            r.kind = "cpu";
            r.capacity = {{std::string(kUnitsDimension), cores}, {"memory_gb", memory_gb}};
            r.cost_per_hour = spec_.cpu_core_price;
        }
        out.push_back(std::move(r));
    }
    return out;
}

bool ClusterBuilder::fits(const Node& node, const Pod& pod, int gpus) {
    return node.gpu && node.type->gpus_per_node >= gpus && node.type->cpu_milli >= pod.cpu_milli &&
           node.type->memory_mib >= pod.memory_mib;
}

bool ClusterBuilder::fits_gpu_node(const Pod& pod, int gpus) const {
    return std::any_of(nodes_.begin(), nodes_.end(),
                       [&](const Node& node) { return fits(node, pod, gpus); });
}

std::vector<std::size_t> ClusterBuilder::pod_pool(JobKind kind) const {
    const auto pods = detail::alibaba_pods();
    std::vector<std::size_t> pool;
    if (kind != JobKind::preprocessing && job_types_.empty()) return pool;
    for (std::size_t k = 0; k < pods.size(); ++k) {
        const Pod& p = pods[k];
        bool suits = false;
        switch (kind) {
            case JobKind::training:  // requests only: the duration comes from Gavel
                suits =
                    p.num_gpu > 0 && p.gpu_milli == 1000 && p.qos != Qos::ls && fits_gpu_node(p, 1);
                break;
            case JobKind::inference:
                suits = p.num_gpu > 0 && p.qos == Qos::be && p.runtime_s >= 0 &&
                        fits_gpu_node(p, p.num_gpu);
                break;
            case JobKind::serving:
                suits = p.num_gpu > 0 && p.qos == Qos::ls && p.runtime_s >= 0 &&
                        fits_gpu_node(p, p.num_gpu);
                break;
            case JobKind::preprocessing:
                suits = p.num_gpu == 0 && p.runtime_s >= 0 &&
                        std::any_of(nodes_.begin(), nodes_.end(), [&](const Node& node) {
                            return !node.gpu && node.type->memory_mib >= p.memory_mib;
                        });
                break;
        }
        if (suits) pool.push_back(k);
    }
    return pool;
}

Task ClusterBuilder::training(Rng& rng, const Pod& pod) const {
    const Throughput& job = *job_types_[rng.below(job_types_.size())];
    // Gavel's duration distribution (scheduler/utils.py), on one V100.
    const double exponent = rng.uniform() < 0.8 ? uniform(rng, 1.5, 3.0) : uniform(rng, 3.0, 4.0);
    const double hours = significant(60.0 * std::pow(10.0, exponent) / kHour);
    Task t;
    t.kind = TaskKind::training;
    t.type = job_type_label(job);
    t.workload = hours;
    t.demand = {{"cpu", pod.cpu_milli / 1000.0}, {"memory_gb", pod.memory_mib / 1024.0}};
    std::vector<int> units;
    for (const Throughput& row : detail::gavel_throughputs()) {
        if (row.job_type != job.job_type || row.batch_size != job.batch_size) continue;
        if (row.scale_factor > max_gpus_ || row.v100 <= 0) continue;
        units.push_back(row.scale_factor);
        const double speedup = std::min<double>(row.scale_factor, row.v100 / job.v100);
        t.scaling.table.emplace_back(row.scale_factor, significant(speedup));
    }
    if (units.size() > 1) {
        t.units = UnitChoice::list(units);
        t.scaling.type = Scaling::Type::table;
        std::sort(t.scaling.table.begin(), t.scaling.table.end());
    } else {
        t.scaling.table.clear();  // one GPU: linear, the default
    }
    return t;
}

Task ClusterBuilder::pod_job(JobKind kind, Rng& rng, const Pod& pod) const {
    const Throughput& proxy = *job_types_[rng.below(job_types_.size())];
    const double run = std::clamp<double>(pod.runtime_s, kShortestRun, kLongestRun) / kHour;
    Task t;
    t.kind = kind == JobKind::serving ? TaskKind::serving : TaskKind::inference;
    t.type = job_type_label(proxy);
    t.units = UnitChoice::exactly(pod.num_gpu);
    // The pod ran on num_gpu GPUs; linear scaling makes one GPU take num_gpu times longer.
    t.workload = significant(run * pod.num_gpu);
    t.demand = {{"cpu", pod.cpu_milli / 1000.0}, {"memory_gb", pod.memory_mib / 1024.0}};
    if (kind == JobKind::serving) {
        std::array<bool, 3> hosts{};  // per GPU class: whether a node of it can host the pod
        for (const Node& node : nodes_) {
            if (fits(node, pod, pod.num_gpu)) hosts[static_cast<std::size_t>(*node.gpu)] = true;
        }
        double fastest = kInfinity;  // shortest duration there, as Problem::time gives it
        for (std::size_t c = 0; c < hosts.size(); ++c) {
            if (!hosts[c]) continue;
            const double time = t.workload / speed_factor(proxy, static_cast<GpuClass>(c));
            fastest = std::min(fastest, time / pod.num_gpu);
        }
        const double slo = kSloFactors[rng.below(kSloFactors.size())];
        t.deadline = slo * fastest;  // the arrival is added by the caller
    }
    return t;
}

Task ClusterBuilder::preprocessing(const Pod& pod) const {
    const int cores = std::max(1, (pod.cpu_milli + 999) / 1000);
    Task t;
    t.kind = TaskKind::data;
    t.units = UnitChoice::range(1, std::max(1, std::min(cores, max_cores_)));
    t.scaling.type = Scaling::Type::amdahl;
    t.scaling.parallel_fraction = kPreprocessingAmdahl;
    const double run = std::clamp<double>(pod.runtime_s, kShortestRun, kLongestRun) / kHour;
    t.workload = significant(run * t.scaling.speedup(cores));  // one core's time
    t.demand = {{"memory_gb", pod.memory_mib / 1024.0}};
    return t;
}

Task ClusterBuilder::make_task(JobKind kind, std::size_t index,
                               const std::vector<std::size_t>& pool, Rng& rng) const {
    const Pod& pod = detail::alibaba_pods()[pool[rng.below(pool.size())]];
    Task t;
    switch (kind) {
        case JobKind::training:
            t = training(rng, pod);
            break;
        case JobKind::inference:
        case JobKind::serving:
            t = pod_job(kind, rng, pod);
            break;
        case JobKind::preprocessing:
            t = preprocessing(pod);
            break;
    }
    t.id = std::string(kJobKindNames[static_cast<std::size_t>(kind)]) + "-" + std::to_string(index);
    if (kind == JobKind::preprocessing)
        t.allowed = {"cpu"};
    else
        t.allowed = gpu_kinds_;
    if (kind == JobKind::serving) {
        t.priority = kHighPriority;
    } else {
        t.priority = rng.uniform() < kHighPriorityShare ? kHighPriority : 1.0;
    }
    return t;
}

void validate(const ClusterSpec& spec) {
    require_at_least_one(spec.jobs, "jobs");
    require_at_least_one(spec.nodes, "nodes");
    const JobMix& mix = spec.mix;
    for (double share : {mix.training, mix.inference, mix.preprocessing, mix.serving})
        require_non_negative(share, "mix");
    if (mix.training + mix.inference + mix.preprocessing + mix.serving <= 0) {
        throw InputError("mix", "0", "the shares of the job kinds sum to 0");
    }
    require_non_negative(spec.arrival_rate, "arrival_rate");
    require_non_negative(spec.cpu_core_price, "cpu_core_price");
}

}  // namespace

JobMix parse_job_mix(std::string_view text) {
    JobMix mix{0, 0, 0, 0};
    std::array<bool, 4> seen{};
    const std::vector<std::string> names(kJobKindNames.begin(), kJobKindNames.end());
    auto trim = [](std::string_view s) {
        while (!s.empty() && s.front() == ' ')
            s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ')
            s.remove_suffix(1);
        return s;
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view item = trim(text.substr(start, comma - start));
        start = comma + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            throw InputError("mix", std::string(item),
                             "expected KIND=SHARE, e.g. training=0.4,inference=0.3,"
                             "preprocessing=0.2,serving=0.1");
        }
        const std::string_view name = trim(item.substr(0, eq));
        const std::string_view value = trim(item.substr(eq + 1));
        const auto kind = std::find(kJobKindNames.begin(), kJobKindNames.end(), name);
        if (kind == kJobKindNames.end()) {
            throw InputError("mix", std::string(name),
                             "unknown job kind (expected training, inference, preprocessing or "
                             "serving)" +
                                 allocopt::detail::did_you_mean(name, names));
        }
        const auto k = static_cast<std::size_t>(kind - kJobKindNames.begin());
        if (seen[k]) throw InputError("mix", std::string(name), "job kind given twice");
        seen[k] = true;
        double share = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), share);
        if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
            !std::isfinite(share) || share < 0) {
            throw InputError("mix", std::string(item), "a share must be a finite number >= 0");
        }
        std::array<double*, 4> target = {&mix.training, &mix.inference, &mix.preprocessing,
                                         &mix.serving};
        *target[k] = share;
    }
    if (mix.training + mix.inference + mix.preprocessing + mix.serving <= 0) {
        throw InputError("mix", std::string(text), "the shares of the job kinds sum to 0");
    }
    return mix;
}

Problem generate_cluster(const ClusterSpec& spec) {
    validate(spec);
    const std::array<int, 4> counts = kind_counts(spec.jobs, spec.mix);
    const auto count = [&](JobKind k) { return counts[static_cast<std::size_t>(k)]; };
    const bool need_cpu = count(JobKind::preprocessing) > 0;
    const bool need_gpu = spec.jobs > count(JobKind::preprocessing);
    if (need_cpu && need_gpu && spec.nodes < 2) {
        throw InputError("nodes", std::to_string(spec.nodes),
                         "the mix has both GPU jobs and preprocessing, which runs on CPU-only "
                         "nodes: use 2 or more nodes, or a mix without preprocessing");
    }
    const ClusterBuilder cluster(spec, draw_node_rows(spec, need_gpu, need_cpu));

    std::vector<JobKind> kinds;
    for (std::size_t k = 0; k < 4; ++k)
        kinds.insert(kinds.end(), static_cast<std::size_t>(counts[k]), static_cast<JobKind>(k));
    Rng order(spec.seed, 2);
    for (std::size_t i = kinds.size(); i > 1; --i)  // Fisher-Yates
        std::swap(kinds[i - 1], kinds[order.below(i)]);

    std::array<std::vector<std::size_t>, 4> pools;
    for (std::size_t k = 0; k < 4; ++k) {
        if (counts[k] == 0) continue;
        pools[k] = cluster.pod_pool(static_cast<JobKind>(k));
        if (pools[k].empty()) {  // the trace has small pods of every kind: a safeguard only
            throw InputError("nodes", std::to_string(spec.nodes),
                             "no drawn node can host any " + std::string(kJobKindNames[k]) +
                                 " pod of the trace: use more nodes");
        }
    }

    ProblemData data;
    data.name = "cluster-" + std::to_string(spec.jobs) + "x" + std::to_string(spec.nodes) +
                "-seed" + std::to_string(spec.seed);
    data.mode = Mode::schedule;
    data.policy = Policy::priority;
    data.objective = {Sense::minimize, {{Metric::weighted_completion, 1.0}, {Metric::cost, 1.0}}};
    data.resources = cluster.resources();
    // O(n + m): times come from the speed-up rows of the job types drawn.
    const Speedups speedups = cluster.speedups();
    data.tasks.reserve(kinds.size());
    Rng rng(spec.seed, 3);
    double arrival = 0;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        const JobKind kind = kinds[i];
        Task t = cluster.make_task(kind, i, pools[static_cast<std::size_t>(kind)], rng);
        t.arrival = significant(arrival);
        if (kind == JobKind::serving) t.deadline = significant(t.arrival + t.deadline);
        if (spec.arrival_rate > 0)
            arrival += -std::log(uniform_open_closed(rng)) / spec.arrival_rate;
        if (!t.type.empty() && !data.speedups.count(t.type))
            data.speedups.emplace(t.type, speedups.at(t.type));
        data.tasks.push_back(std::move(t));
    }
    return Problem(std::move(data));
}

}  // namespace allocopt::generators
