#pragma once
// The problem model (docs/design.md §Model): resources, tasks, optional per-pair matrices, an
// objective and a mode. Build a ProblemData (plain, friendly to fill by hand or from a
// file), then construct a Problem from it: the constructor validates everything and the
// result is immutable.

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "allocopt/objective.hpp"

namespace allocopt {

/// Dense n x m per-pair data, row-major (one row per task).
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class Mode : std::uint8_t { schedule, packing };
/// The order of a resource's queue in schedule mode (docs/design.md §Model "Modes"): fcfs by
/// arrival, sjf by duration, priority by priority, ljf by duration longest first.
enum class Policy : std::uint8_t { fcfs, sjf, priority, ljf };
/// What a task is, for people and pictures (colours, summaries); the Evaluator does not read it.
/// `compute` is any computation not named more precisely.
enum class TaskKind : std::uint8_t { compute, data, training, inference, serving };

std::string_view mode_name(Mode mode);
std::string_view policy_name(Policy policy);
/// The policy named `name` (as policy_name() writes it), or nothing.
std::optional<Policy> parse_policy(std::string_view name);
std::string_view task_kind_name(TaskKind kind);

inline constexpr std::string_view kUnitsDimension = "units";
inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// How a task speeds up with more units.
struct Scaling {
    enum class Type : std::uint8_t { linear, amdahl, table };
    Type type = Type::linear;
    double parallel_fraction = 1.0;               ///< Amdahl's p, in [0, 1]
    std::vector<std::pair<int, double>> table{};  ///< (units, speed-up), sorted by units

    /// Speed-up with `units` >= 1 units. For a table, `units` must be one of its keys.
    double speedup(int units) const;
};

/// The unit counts a task may use: every integer in [min, max], or only `values` when given.
struct UnitChoice {
    int min = 1;
    int max = 1;
    std::vector<int> values{};  ///< sorted and unique; empty = every integer in [min, max]

    bool fixed() const { return min == max; }
    bool allows(int units) const;
    /// Number of admissible unit counts.
    int count() const;
    /// The k-th admissible unit count, 0 <= k < count(), in increasing order.
    int nth(int k) const;

    static UnitChoice exactly(int units) { return {units, units, {}}; }
    static UnitChoice range(int lo, int hi) { return {lo, hi, {}}; }
    static UnitChoice list(std::vector<int> values);
};

/// Devices inside a resource (docs/sharing.md §Model): `count` devices of one model, each of
/// `capacity` (GPUs: 1000 milli-GPU). A task takes a share of one of them or whole ones, and
/// the decision names which (Allocation::devices). count 0 = none.
struct Devices {
    int count = 0;        ///< 0 .. kMaxResourceDevices
    int capacity = 1000;  ///< per device, > 0
    std::string model{};  ///< a label `allowed` lists may name, like a resource kind
};

/// The most devices one resource may hold (a task's devices are a 64-bit mask).
inline constexpr int kMaxResourceDevices = 64;

/// What a task asks of a resource's devices: `share` of each of `count` devices, either a
/// share of one device (count 1, share below the capacity) or whole devices (share = the
/// resource's device capacity). count 0 = none.
struct DeviceRequest {
    int count = 0;  ///< >= 0
    int share = 0;  ///< per device, >= 1 when count > 0
};

struct Resource {
    std::string id{};
    std::string kind{};
    std::map<std::string, double> capacity{};  ///< must contain "units"; every value > 0
    double speed = 1.0;                        ///< relative speed, > 0
    double cost_per_hour = 0.0;                ///< per unit per time unit, >= 0
    double fixed_cost = 0.0;                   ///< paid once if anything is placed on it, >= 0
    double weight = 1.0;                       ///< weight in the seed's utilization sum, > 0
    Devices devices{};                         ///< devices inside (GPUs shared per device)
};

struct Task {
    std::string id{};
    TaskKind kind = TaskKind::compute;
    double workload = 1.0;   ///< work per execution, >= 0
    double frequency = 1.0;  ///< executions, > 0
    double priority = 0.0;   ///< higher runs first under Policy::priority
    double arrival = 0.0;    ///< >= 0
    double deadline = kInfinity;
    std::map<std::string, double> demand{};  ///< per dimension other than "units", >= 0
    UnitChoice units{};
    Scaling scaling{};
    std::vector<std::string> allowed{};  ///< resource ids or kinds; empty = any resource
    bool optional = false;               ///< may stay unplaced without violation
    std::string type{};                  ///< a row of ProblemData::speedups; empty = no type
    DeviceRequest devices{};             ///< devices asked for on the chosen resource
};

/// Relative speed factors per task type and resource kind: speedups[type][kind] > 0.
using Speedups = std::map<std::string, std::map<std::string, double>>;

/// A measured speed per unit count: (units >= 1, factor > 0) pairs, sorted by units, each
/// count once.
using UnitSpeeds = std::vector<std::pair<int, double>>;

/// Speed factors per unit count, per task type and resource kind (docs/design.md §Speed-up
/// table): with u units on a resource of that kind a task of that type runs at
/// speed_j x table[u], which replaces both speedups[type][kind] and the task's own `scaling`
/// there. In YAML a table is written in place of a factor in `speedups`.
using SpeedupTables = std::map<std::string, std::map<std::string, UnitSpeeds>>;

/// The id of copy `index` of a resource written once with a count: `ID-index` (the YAML
/// `count:`, docs/design.md §Problem files).
std::string counted_resource_id(std::string_view id, std::size_t index);

/// Everything a Problem is made of, before validation. Resources are already expanded (no
/// `count`: add_resources() expands them); matrices are either empty (0 x 0) or n x m.
struct ProblemData {
    std::string name = "unnamed";
    Mode mode = Mode::schedule;
    Policy policy = Policy::fcfs;
    std::vector<Resource> resources;
    std::vector<Task> tasks;
    Matrix time;        ///< time of one execution on one unit
    Speedups speedups;  ///< per (task type, resource kind); not with `time`
    /// Per (task type, resource kind) speed per unit count; a pair is either here or in
    /// `speedups`, never both; not with `time`.
    SpeedupTables speedup_tables;
    Matrix cost;                           ///< total cost of task i on resource j
    std::map<std::string, Matrix> demand;  ///< resource-specific demand per dimension
    Objective objective;
    double horizon = kInfinity;  ///< end of the planning window (throughput, efficiency)
    bool hard_deadlines = false;
    bool hard_horizon = false;
    /// Schedule mode: lay each resource's queue out with conservative backfilling (a task may
    /// start before one ahead of it in the queue, never delaying it) instead of as a strict
    /// queue (docs/design.md §Model "Modes").
    bool backfill = false;

    /// Appends `count` identical copies of `prototype` to `resources`, with ids `ID-0 ..
    /// ID-(count-1)` (counted_resource_id()): the YAML `count:` in code, and the reader's
    /// own expansion. Ids are checked later, by Problem's constructor. Throws InputError
    /// (key "count") when `count` is 0.
    void add_resources(const Resource& prototype, std::size_t count);
};

/// A validated, immutable problem. Accessors used by the Evaluator are O(1) and read flat
/// arrays; nothing of size n x m is built unless a matrix was given.
class Problem {
  public:
    /// Validates `data`. Throws InputError naming the key path (e.g. `tasks[3].units.min`)
    /// and the value for anything invalid: non-finite numbers, out-of-range values, duplicate
    /// ids, unknown `allowed` names or dimensions, matrices of the wrong shape, a task that no
    /// allowed resource can ever hold, numbers so large that the Evaluator's totals (sums of
    /// durations, costs, work, priority x completion, demand) could overflow; and for
    /// `speedups`: a factor that is not finite and > 0, a kind no resource has, a table given
    /// with a `time` matrix, a task type that is not a row (`tasks[i].type`), a row lacking
    /// the kind of a resource its task may be placed on (`speedups.TYPE`, value the kind); for
    /// `speedup_tables`: a unit count < 1 or given twice, a factor that is not finite and > 0,
    /// a pair given both as a factor and as a table (`speedups.TYPE.KIND`), an admissible unit
    /// count of a task of that type that fits a resource of that kind where the task may be
    /// placed, and that the table lacks (`speedups.TYPE.KIND`, value the count).
    explicit Problem(ProblemData data);

    /// The validated input. Its `demand` map is moved into per-dimension storage: read demand
    /// matrices through demand_matrix().
    const ProblemData& data() const { return data_; }
    const std::string& name() const { return data_.name; }
    Mode mode() const { return data_.mode; }
    Policy policy() const { return data_.policy; }
    bool backfill() const { return data_.backfill; }
    const Objective& objective() const { return data_.objective; }

    std::size_t num_tasks() const { return data_.tasks.size(); }
    std::size_t num_resources() const { return data_.resources.size(); }
    /// Capacity dimensions; dimension 0 is always "units".
    const std::vector<std::string>& dimensions() const { return dimensions_; }
    std::size_t num_dimensions() const { return dimensions_.size(); }
    std::optional<std::size_t> dimension_index(std::string_view name) const;

    const Task& task(std::size_t i) const { return data_.tasks[i]; }
    const Resource& resource(std::size_t j) const { return data_.resources[j]; }
    std::span<const Task> tasks() const { return data_.tasks; }
    std::span<const Resource> resources() const { return data_.resources; }
    std::optional<std::size_t> task_index(std::string_view id) const;
    /// Task i's arrival, read from a flat array (the layout loops read it for every task).
    double arrival(std::size_t i) const { return arrival_[i]; }
    /// Task i's place in the part of the queue order that does not depend on the allocation:
    /// by (arrival, index) under fcfs and ljf (ljf's tie-break after duration and units), by
    /// (priority descending, arrival, index) under priority, by index under sjf. Ranks are
    /// 0..n-1, each once.
    std::int32_t queue_rank(std::size_t i) const { return queue_rank_[i]; }
    /// queue_rank() of every task.
    std::span<const std::int32_t> queue_ranks() const { return queue_rank_; }
    /// The tasks in queue_rank() order: under fcfs and priority, the queue order itself.
    std::span<const std::int32_t> tasks_by_queue_rank() const { return by_queue_rank_; }
    std::optional<std::size_t> resource_index(std::string_view id) const;

    /// Capacity of resource j in dimension k (0 when the resource does not declare it).
    double capacity(std::size_t j, std::size_t k) const { return capacity_[j * dims() + k]; }
    /// Demand of task i on resource j in dimension k >= 1 (the matrix value when one is given
    /// for k, else the task's own demand). Dimension 0 (units) comes from the unit count.
    double demand(std::size_t i, std::size_t j, std::size_t k) const {
        const Matrix& matrix = demand_matrix_[k];
        return matrix.size() != 0 ? matrix(i, j) : demand_[i * dims() + k];
    }
    bool has_demand_matrix(std::size_t k) const { return demand_matrix_[k].size() != 0; }
    /// The resource-specific demand matrix of dimension k (0 x 0 when not given).
    const Matrix& demand_matrix(std::size_t k) const { return demand_matrix_[k]; }

    /// Time of one execution of task i on one unit of resource j: the `time` matrix when
    /// given, else workload_i / (speed_j x speedup factor of (type_i, kind_j)); the factor is
    /// 1 for a task without a type, and for a pair its row lacks (only where i may not be
    /// placed: validation refuses the others).
    double time(std::size_t i, std::size_t j) const {
        if (has_time_) return data_.time(i, j);
        const double speed = data_.resources[j].speed;
        if (factor_.empty()) return data_.tasks[i].workload / speed;
        return data_.tasks[i].workload /
               (speed * factor_[static_cast<std::size_t>(type_row_[i] + kind_of_[j])]);
    }
    bool has_time_matrix() const { return has_time_; }

    /// Duration of task i on resource j with `units` units: frequency_i x time(i, j) /
    /// speedup(units) (docs/design.md §Model); where a per-unit-count table covers (type_i,
    /// kind_j), frequency_i x workload_i / (speed_j x table[units]) instead. `units` >= 1, and
    /// one of the table's keys when the task's scaling is a table. Every part of the library
    /// that needs a duration (Evaluator, incremental evaluation, heuristics, bounds) reads it
    /// here.
    double duration(std::size_t i, std::size_t j, int units) const {
        const Task& t = data_.tasks[i];
        if (unit_width_ != 0) [[unlikely]] {
            const std::int32_t at = table_at_[static_cast<std::size_t>(type_row_[i] + kind_of_[j])];
            if (at >= 0) {
                const int u = units < unit_width_ ? units : unit_width_ - 1;
                return t.frequency * t.workload /
                       (data_.resources[j].speed * unit_factor_[static_cast<std::size_t>(at + u)]);
            }
        }
        return t.frequency * time(i, j) / t.scaling.speedup(units);
    }
    /// Whether some (type, kind) pair has a speed per unit count (ProblemData::speedup_tables).
    bool has_unit_tables() const { return unit_width_ != 0; }
    /// Cost of task i on resource j with `units` units, without fixed costs: the `cost`
    /// matrix entry when given, else duration(i, j, units) x units x cost_per_hour_j.
    double pair_cost(std::size_t i, std::size_t j, int units) const {
        if (has_cost_matrix()) return data_.cost(i, j);
        return duration(i, j, units) * units * data_.resources[j].cost_per_hour;
    }
    bool has_speedups() const { return !factor_.empty(); }
    bool has_cost_matrix() const { return data_.cost.size() != 0; }

    /// Whether task i may be placed on resource j (its `allowed` list; any when empty).
    bool allowed(std::size_t i, std::size_t j) const {
        const int set = allowed_set_[i];
        return set < 0 || allowed_mask_[static_cast<std::size_t>(set) * num_resources() + j];
    }
    /// Whether any task has an `allowed` list (else every placement is allowed).
    bool has_restrictions() const { return !allowed_mask_.empty(); }
    /// Whether task i can ever run on j: allowed, its smallest unit count and every demand
    /// fit the empty resource.
    bool can_host(std::size_t i, std::size_t j) const;

    double horizon() const { return data_.horizon; }

    /// Whether any task asks for devices: allocations then say which devices each such task
    /// takes (Allocation::devices), and the Evaluator checks every device's capacity.
    bool has_devices() const { return has_devices_; }
    /// Offset of resource j's first device in a flat array of every resource's devices
    /// (device_offset(m) = the total).
    std::size_t device_offset(std::size_t j) const { return device_offset_[j]; }

  private:
    std::size_t dims() const { return dimensions_.size(); }
    void validate_resources();
    void validate_tasks();
    void validate_matrices();
    void validate_objective() const;
    void build_allowed();
    void build_speedups();
    void check_speedup_rows() const;
    void build_unit_tables(const std::vector<std::string>& types);
    void check_unit_tables() const;
    void check_every_task_fits() const;
    void check_totals_stay_finite() const;
    void validate_devices();
    void build_queue_ranks();

    ProblemData data_;
    std::vector<std::string> dimensions_;
    std::vector<double> capacity_;       // m x d
    std::vector<double> demand_;         // n x d (column 0 unused)
    std::vector<Matrix> demand_matrix_;  // per dimension, 0 x 0 when not given
    bool has_time_ = false;
    // With speedups: the factor of (type t, kind k) is factor_[t x kinds + k], row 0 being
    // the tasks without a type (all 1). Per task the offset of its row, per resource its kind.
    std::vector<std::string> kinds_;        // sorted
    std::vector<std::int32_t> type_row_;    // n
    std::vector<std::int32_t> kind_of_;     // m
    std::vector<double> factor_;            // (types + 1) x kinds
    std::vector<std::uint8_t> has_factor_;  // (types + 1) x kinds: given in the table
    // With speedup_tables: per (type row, kind) as factor_, the offset of its table in
    // unit_factor_ (-1: none); each table holds unit_width_ factors, indexed by unit count
    // (counts it lacks hold the factor of the nearest smaller count it has, else its first).
    // unit_width_ = 0 when there are no tables.
    std::vector<std::int32_t> table_at_;  // (types + 1) x kinds
    std::vector<double> unit_factor_;     // tables x unit_width_
    int unit_width_ = 0;
    std::vector<int> allowed_set_;            // per task: index of its allowed set, -1 = any
    std::vector<std::uint8_t> allowed_mask_;  // sets x m
    std::map<std::string, std::size_t, std::less<>> task_index_;
    std::map<std::string, std::size_t, std::less<>> resource_index_;
    bool has_devices_ = false;
    std::vector<std::size_t> device_offset_;   // m + 1
    std::vector<double> arrival_;              // n
    std::vector<std::int32_t> queue_rank_;     // n
    std::vector<std::int32_t> by_queue_rank_;  // n: its inverse
};

}  // namespace allocopt
