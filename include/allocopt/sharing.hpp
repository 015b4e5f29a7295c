#pragma once
// GPU sharing (docs/sharing.md): nodes that hold devices (GPUs), pods that ask for a share of
// one device or for whole devices on one node, and the online placement policies of the
// fragmentation study on Alibaba's GPU cluster (Weng et al., USENIX ATC 2023), replayed pod
// by pod.
//
// Everything is integral and exact: CPU in milli-cores, memory in MiB, a device's capacity
// and a pod's share in milli-devices. A node's state is a few contiguous integers, so that
// a placement test is a handful of comparisons and a policy's score touches one node.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace allocopt {
// The problem model, for the policies as solvers (sharing_problem() below); the replay itself
// needs none of it.
class Problem;
struct ProblemData;
struct Allocation;
}  // namespace allocopt

namespace allocopt::sharing {

/// The most devices one node may hold (a pod's devices are a bit mask).
inline constexpr int kMaxDevices = 64;

struct Node {
    std::string id;
    std::int64_t cpu = 0;     ///< milli-cores, >= 0
    std::int64_t memory = 0;  ///< MiB, >= 0
    int devices = 0;          ///< 0 .. kMaxDevices
    int model = -1;           ///< index into Cluster::models; -1 when the node has no devices
    /// Slots (a problem's `units` dimension, sharing_problem()); the study's nodes have no
    /// such limit.
    std::int64_t units = std::numeric_limits<std::int64_t>::max();
};

struct Cluster {
    std::string name = "cluster";
    std::vector<Node> nodes;
    std::vector<std::string> models;  ///< device models, in order of first appearance
    int device_capacity = 1000;       ///< capacity of every device (milli-devices), > 0

    std::int64_t total_devices() const;
    /// Total device capacity, devices x device_capacity: the 100 % of the protocol.
    std::int64_t total_device_capacity() const;
    std::optional<int> model_index(std::string_view name) const;
};

/// A pod asks for `devices` devices of `share` each, on one node: 0 devices (CPU only), one
/// device of which it takes `share` < capacity (it shares the device with others), or k
/// whole devices (share = capacity).
struct Pod {
    std::string id;
    std::int64_t cpu = 0;      ///< milli-cores, >= 0
    std::int64_t memory = 0;   ///< MiB, >= 0
    int devices = 0;           ///< >= 0
    int share = 0;             ///< per device, 1 .. capacity when devices > 0, else 0
    std::uint64_t models = 0;  ///< bit m allows Cluster::models[m]; 0 = any model
    std::int64_t units = 0;    ///< slots taken of Node::units (0 in the study's traces)

    /// Device capacity the pod asks for: devices x share.
    std::int64_t device_demand() const { return std::int64_t{devices} * share; }
    bool partial(int capacity) const { return devices == 1 && share < capacity; }
};

/// The free resources of every node while pods are placed. Device d of node j is
/// device_free()[offset(j) + d].
class ClusterState {
  public:
    explicit ClusterState(const Cluster& cluster);

    const Cluster& cluster() const { return *cluster_; }
    std::size_t size() const { return cpu_.size(); }
    std::int64_t cpu_free(std::size_t j) const { return cpu_[j]; }
    std::int64_t memory_free(std::size_t j) const { return memory_[j]; }
    std::int64_t units_free(std::size_t j) const { return units_[j]; }
    std::span<const int> devices_free(std::size_t j) const {
        return {device_free_.data() + offset_[j], offset_[j + 1] - offset_[j]};
    }
    /// Free device capacity of node j, summed over its devices.
    std::int64_t device_free_total(std::size_t j) const { return device_total_[j]; }
    /// Pods placed on node j so far.
    int pods_on(std::size_t j) const { return pods_[j]; }

    /// Whether node j can take `pod` now: model allowed, CPU, memory and units free, and
    /// `devices` devices each with `share` free.
    bool fits(const Pod& pod, std::size_t j) const;
    /// Takes `pod`'s resources on node j, devices in `mask` (exactly pod.devices bits, each a
    /// device with pod.share free). Throws std::logic_error otherwise.
    void place(const Pod& pod, std::size_t j, std::uint64_t mask);

    /// Device capacity allocated so far, over the cluster.
    std::int64_t allocated() const { return allocated_; }

  private:
    const Cluster* cluster_;
    std::vector<std::int64_t> cpu_, memory_, units_, device_total_;
    std::vector<std::size_t> offset_;  // size() + 1
    std::vector<int> device_free_;
    std::vector<int> pods_;
    std::int64_t allocated_ = 0;
};

/// The six policies of the study (docs/sharing.md §Policies).
enum class PlacementPolicy : std::uint8_t {
    random,
    dot_product,
    gpu_clustering,
    gpu_packing,
    best_fit,
    fgd
};

/// `random`, `dot-product`, `gpu-clustering`, `gpu-packing`, `best-fit`, `fgd`.
std::string_view policy_name(PlacementPolicy policy);
std::optional<PlacementPolicy> parse_policy(std::string_view name);
std::vector<std::string> policy_names();

/// One pod shape of the target workload with its frequency (FGD).
struct Shape {
    std::int64_t cpu = 0;
    int devices = 0;
    int share = 0;
    std::uint64_t models = 0;
    double weight = 0.0;  ///< frequency, the shapes' weights sum to 1
};

/// The most frequent shapes of `pods` (CPU, device count, share, models; memory ignored) in
/// decreasing frequency, as many as cover `coverage` of the pods, with their frequencies
/// renormalised over the shapes kept. Ties in frequency are ordered by shape, so that the
/// result does not depend on the pods' order.
std::vector<Shape> target_workload(std::span<const Pod> pods, double coverage = 0.95);

/// The protocol's arrival sequence (docs/sharing.md §Protocol): the pods, shuffled with
/// `seed` when `shuffle`, then pods drawn with replacement from `pods` as given and appended
/// until the next draw's per-device share would take the device capacity asked for past
/// `inflate_percent` % of the cluster's (the study's rule). inflate_percent <= 0 keeps the
/// list as it is.
std::vector<Pod> arrival_sequence(std::span<const Pod> pods, const Cluster& cluster,
                                  std::uint64_t seed, bool shuffle, double inflate_percent);

struct ReplayOptions {
    PlacementPolicy policy = PlacementPolicy::fgd;
    std::uint64_t seed = 42;  ///< random choices (policy random, ties)
    double coverage = 0.95;   ///< of the target workload (fgd)
    /// Polled every few hundred pods when set: once it returns true, the pods not yet placed
    /// are skipped (ReplayResult::stopped).
    std::function<bool()> stop{};
};

/// What happened to each arriving pod, and the running totals.
struct ReplayResult {
    std::vector<std::int32_t> node;       ///< per pod: node index, -1 = skipped
    std::vector<std::uint64_t> devices;   ///< per pod: the devices taken (bit mask)
    std::vector<std::int64_t> arrived;    ///< per pod: device capacity asked for so far
    std::vector<std::int64_t> allocated;  ///< per pod: device capacity allocated after it
    std::int64_t capacity = 0;            ///< the cluster's device capacity
    std::size_t placed = 0;
    std::size_t skipped = 0;
    bool stopped = false;  ///< ReplayOptions::stop fired: the rest of the pods were skipped

    /// Allocated share of the capacity (percent) when `arrived_percent` % of it has been
    /// asked for: the study's reduction, the mean over the records (one per pod) whose arrived
    /// share lies within half a point of it; else within one point; else the nearest record.
    double allocated_at(double arrived_percent) const;
};

/// Places `arrivals` one by one on an empty `cluster` with the chosen policy; a pod that
/// fits nowhere is skipped. `target` is FGD's target workload (target_workload() of the
/// original trace); other policies ignore it.
ReplayResult replay(const Cluster& cluster, std::span<const Pod> arrivals,
                    std::span<const Shape> target, const ReplayOptions& options);

/// FGD's measure (docs/sharing.md §Policies): the expected device capacity of a node that
/// the target workload could not use, in milli-devices. Shapes are grouped by share, so that
/// one pass over the node's devices per distinct share serves every shape; a call allocates
/// nothing. replay() keeps one per run and calls it for the node a placement changed.
class FragmentationMeasure {
  public:
    explicit FragmentationMeasure(std::span<const Shape> target);

    /// F of a node with `cpu_free` milli-cores and devices `free` of model `model` (-1: none).
    double operator()(std::int64_t cpu_free, std::span<const int> free, int model);

  private:
    std::vector<Shape> shapes_;
    std::vector<int> shares_;          // the distinct shares of the device shapes
    std::vector<int> share_index_;     // per shape: index into shares_, -1 for CPU only
    std::vector<int> count_;           // per share: devices with at least that share free
    std::vector<std::int64_t> below_;  // per share: free capacity of the other devices
};

/// FGD's measure of node `node` in `state` (a FragmentationMeasure built for the call).
double node_fragmentation(const ClusterState& state, std::size_t node,
                          std::span<const Shape> target);

/// A packing problem with devices seen as a cluster (docs/sharing.md §Policies as solvers):
/// resources become nodes, tasks become pods in arrival order.
struct SharingProblem {
    Cluster cluster;                 ///< one node per resource, in resource order
    std::vector<Pod> pods;           ///< one pod per task, in `order`
    std::vector<std::size_t> order;  ///< the task of each pod: tasks by arrival, stably
};

/// The cluster and pods of `problem`, for the placement policies. The problem must be in
/// packing mode; its dimensions other than `units` may be `cpu` and `memory` only, without
/// resource-specific demand matrices; every task has a fixed unit count; every resource with
/// devices has the same device capacity; and a task's `allowed` list must pick its resources
/// by device model (a pod of the model kind), every resource for a task without devices.
/// Capacities are rounded down to whole numbers and demands up, so that a placement the pods
/// fit is one the problem allows. Throws InputError naming the key and value that does not fit.
SharingProblem sharing_problem(const Problem& problem);

/// Whether sharing_problem() reads `problem` (it would not throw).
bool policies_apply(const Problem& problem);

/// The packing problem of a cluster and its pods (in order): a resource per node with
/// capacities units (one slot per pod, never binding), cpu and memory (a node without CPU or
/// memory gets 0.5, which no pod asking for some can use: capacities must be > 0), and its
/// devices; an optional task per pod, allowed on the pod's device models; objective: fewest
/// unplaced tasks. sharing_problem() of the result gives the cluster and pods back.
ProblemData problem_data(const Cluster& cluster, std::span<const Pod> pods);

/// Places the tasks of `problem` one by one in arrival order with `policy` (the replay of
/// docs/sharing.md on sharing_problem(), FGD's target workload taken from the tasks
/// themselves); a task that fits nowhere, or that comes after `stop` fired, stays unplaced.
/// Every placed task that asks for devices names them.
Allocation place_online(const Problem& problem, PlacementPolicy policy, std::uint64_t seed,
                        const std::function<bool()>& stop = {});

}  // namespace allocopt::sharing
