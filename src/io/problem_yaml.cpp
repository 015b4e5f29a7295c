#include "allocopt/io/problem_yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "detail/text.hpp"
#include "io/yaml_values.hpp"

namespace allocopt {

namespace {

using detail::YamlNode;
using detail::YamlValues;

// A resource entry's `count` expands it into this many resources; beyond this a file is
// more likely a mistake than a cluster.
constexpr int kMaxCount = 1'000'000;

std::string at(const std::string& list, std::size_t index) {
    return list + "[" + std::to_string(index) + "]";
}

/// Reads the `allocation:` (in a problem file) or `assignment:` (in a result) list.
class AllocationReader {
  public:
    AllocationReader(std::string file, const Problem& problem)
        : in_(std::move(file)), problem_(problem) {}

    Allocation read(std::string_view text) {
        const YamlNode root = in_.load(text);
        if (!root.is_map()) {
            in_.fail(root, "", YamlValues::show(root),
                     "expected a mapping with an 'allocation' or 'assignment' list");
        }
        const char* name = root["assignment"] ? "assignment" : "allocation";
        const YamlNode list = root[name];
        if (!list) {
            in_.fail(root, "allocation", "", "no 'allocation' or 'assignment' list in this file");
        }
        return read_list(list, name);
    }

    Allocation read_list(const YamlNode& list, const std::string& name) {
        in_.expect_list(list, name);
        in_.remember(name, list);
        std::vector<std::string> task_ids, resource_ids;
        for (const Task& t : problem_.tasks())
            task_ids.push_back(t.id);
        for (const Resource& r : problem_.resources())
            resource_ids.push_back(r.id);
        Allocation allocation(problem_.num_tasks());
        std::vector<int> entry_of_task(problem_.num_tasks(), -1);
        for (std::size_t e = 0; e < list.size(); ++e) {
            const YamlNode entry = list[e];
            const std::string key = at(name, e);
            in_.expect_map(entry, key);
            in_.check_keys(entry, key, {"task", "resource", "units", "start", "end", "devices"});
            if (!entry["task"]) in_.fail(entry, key + ".task", "", "each entry needs a task");
            const std::string task = in_.text(entry["task"], key + ".task");
            const auto i = problem_.task_index(task);
            if (!i) {
                in_.fail(entry["task"], key + ".task", task,
                         "no such task" + detail::did_you_mean(task, task_ids));
            }
            if (entry_of_task[*i] >= 0) {
                in_.fail(entry["task"], key + ".task", task,
                         "task listed twice (first at " +
                             at(name, static_cast<std::size_t>(entry_of_task[*i])) + ")");
            }
            entry_of_task[*i] = static_cast<int>(e);
            in_.remember(at("allocation", *i), entry);
            const YamlNode resource = entry["resource"];
            if (!resource || resource.is_null()) continue;  // unplaced
            const std::string rid = in_.text(resource, key + ".resource");
            in_.remember(at("allocation", *i) + ".resource", resource);
            const auto j = problem_.resource_index(rid);
            if (!j) {
                in_.fail(resource, key + ".resource", rid,
                         "no such resource" + detail::did_you_mean(rid, resource_ids));
            }
            int units = problem_.task(*i).units.min;
            if (entry["units"]) {
                units = in_.integer(entry["units"], key + ".units");
                in_.remember(at("allocation", *i) + ".units", entry["units"]);
            }
            allocation.place(*i, static_cast<std::int32_t>(*j), units);
            if (const YamlNode devices = entry["devices"]) {
                in_.expect_list(devices, key + ".devices");
                in_.remember(at("allocation", *i) + ".devices", devices);
                std::uint64_t mask = 0;
                for (std::size_t d = 0; d < devices.size(); ++d) {
                    const std::string dkey = key + ".devices[" + std::to_string(d) + "]";
                    const int device = in_.integer(devices[d], dkey);
                    if (device < 0 || device >= kMaxResourceDevices || (mask >> device & 1U) != 0) {
                        in_.fail(devices[d], dkey, std::to_string(device),
                                 device < 0 || device >= kMaxResourceDevices
                                     ? "a device number is in [0, 63]"
                                     : "device listed twice");
                    }
                    mask |= std::uint64_t{1} << device;
                }
                if (allocation.devices.empty()) allocation.devices.assign(problem_.num_tasks(), 0);
                allocation.devices[*i] = mask;
            }
        }
        try {
            check_decisions(problem_, allocation);
        } catch (const InputError& error) {
            // Keys come back as allocation[task index]; name the file's entry instead.
            std::string key = error.key();
            const SourcePosition where = in_.locate(key);
            if (key.rfind("allocation[", 0) == 0) {
                const auto close = key.find(']');
                const std::size_t i = std::stoul(key.substr(11, close - 11));
                if (i < entry_of_task.size() && entry_of_task[i] >= 0) {
                    key = at(name, static_cast<std::size_t>(entry_of_task[i])) +
                          key.substr(close + 1);
                }
            } else if (key == "allocation") {
                key = name;
            }
            throw InputError(key, error.value(), error.message(), where);
        }
        return allocation;
    }

  private:
    YamlValues in_;
    const Problem& problem_;
};

/// Reads docs/design.md §Problem files into ProblemData, remembering where each key was
/// written so that errors raised by Problem's validation can be placed in the file.
class ProblemReader {
  public:
    explicit ProblemReader(std::string file) : in_(std::move(file)) {}

    /// With `owner` (the string `text` views), the text is freed once parsed, and the tree too
    /// before the Problem is built when the file has no allocation: the peak of memory is
    /// then the Problem's, not the Problem's plus the file's.
    ProblemFile read(std::string_view text, const ReadOptions& options,
                     std::string* owner = nullptr);

  private:
    void read_resources(const YamlNode& list, ProblemData& data);
    Resource read_resource(const YamlNode& node, const std::string& key, int& count);
    void read_tasks(const YamlNode& list, ProblemData& data);
    Task read_task(const YamlNode& node, const std::string& key);
    UnitChoice read_units(const YamlNode& node, const std::string& key);
    Scaling read_scaling(const YamlNode& node, const std::string& key);
    std::map<std::string, double> read_amounts(const YamlNode& node, const std::string& key);
    Matrix read_matrix(const YamlNode& node, const std::string& key, std::size_t rows,
                       std::size_t cols);
    /// `speedups`: per type and kind a factor (into data.speedups) or a table per unit count
    /// (into data.speedup_tables).
    void read_speedups(const YamlNode& node, ProblemData& data);
    Objective read_objective(const YamlNode& node);
    /// Duplicate resource ids, told in the file's terms (which entry, made by which `count`).
    void check_resource_ids(const YamlNode& list, const ProblemData& data) const;
    void read_hard(const YamlNode& node, ProblemData& data);
    /// Maps a key of the expanded model (resources[k] after `count`) to the file's key.
    std::string file_key(const std::string& key) const;
    InputError place(const InputError& error) const;

    YamlValues in_;
    // Expanded resources [first, first + count) come from file entry `entry`.
    struct Expansion {
        std::size_t first, count, entry;
    };
    std::vector<Expansion> expansions_;
};

ProblemFile ProblemReader::read(std::string_view text, const ReadOptions& options,
                                std::string* owner) {
    const YamlNode root = in_.load(text, options.progress);
    if (owner) std::string().swap(*owner);
    if (!root.is_map()) {
        in_.fail(root, "", YamlValues::show(root),
                 "expected a problem: a mapping with 'resources' and 'tasks'");
    }
    in_.check_keys(
        root, "",
        {"name", "description", "mode", "policy", "backfill", "resources", "tasks", "speedups",
         "time", "cost", "demand", "objective", "horizon", "hard", "allocation"});
    ProblemData data;
    if (root["name"]) data.name = in_.text(root["name"], "name");
    if (root["description"]) in_.text(root["description"], "description");
    if (const YamlNode mode = root["mode"]) {
        const std::string s = in_.text(mode, "mode");
        if (s == "schedule")
            data.mode = Mode::schedule;
        else if (s == "packing")
            data.mode = Mode::packing;
        else
            in_.fail(mode, "mode", s, "expected schedule or packing");
    }
    if (const YamlNode policy = root["policy"]) {
        const std::string s = in_.text(policy, "policy");
        if (const std::optional<Policy> known = parse_policy(s))
            data.policy = *known;
        else
            in_.fail(policy, "policy", s, "expected fcfs, sjf, ljf or priority");
    }
    if (root["backfill"]) data.backfill = in_.boolean(root["backfill"], "backfill");
    if (!root["resources"]) in_.fail(root, "resources", "", "a problem needs 'resources'");
    if (!root["tasks"]) in_.fail(root, "tasks", "", "a problem needs 'tasks'");
    read_resources(root["resources"], data);
    check_resource_ids(root["resources"], data);
    read_tasks(root["tasks"], data);
    const std::size_t n = data.tasks.size(), m = data.resources.size();
    if (root["speedups"]) read_speedups(root["speedups"], data);
    if (root["time"]) data.time = read_matrix(root["time"], "time", n, m);
    if (root["cost"]) data.cost = read_matrix(root["cost"], "cost", n, m);
    if (const YamlNode demand = root["demand"]) {
        in_.expect_map(demand, "demand");
        in_.remember("demand", demand);
        for (std::size_t k = 0; k < demand.size(); ++k) {
            const std::string dim = in_.text(demand.key(k), "demand");
            const std::string dkey = "demand." + dim;
            in_.note_key(dkey, demand.key(k), demand.value(k));
            if (data.demand.count(dim)) in_.fail(demand.key(k), dkey, dim, "duplicate key");
            data.demand[dim] = read_matrix(demand.value(k), dkey, n, m);
        }
    }
    if (root["objective"]) data.objective = read_objective(root["objective"]);
    if (const YamlNode horizon = root["horizon"]) {
        in_.remember("horizon", horizon);
        data.horizon = in_.number(horizon, "horizon");
    }
    if (root["hard"]) read_hard(root["hard"], data);
    const bool has_allocation = static_cast<bool>(root["allocation"]);
    if (owner && !has_allocation) in_.release_tree();

    std::optional<Problem> problem;
    try {
        problem.emplace(std::move(data));
    } catch (const InputError& e) {
        throw place(e);
    }
    ProblemFile out{std::move(*problem), std::nullopt};
    if (has_allocation) {
        out.allocation =
            AllocationReader(in_.file(), out.problem).read_list(root["allocation"], "allocation");
    }
    return out;
}

void ProblemReader::read_resources(const YamlNode& list, ProblemData& data) {
    in_.expect_list(list, "resources");
    in_.remember("resources", list);
    for (std::size_t e = 0; e < list.size(); ++e) {
        const std::string key = at("resources", e);
        int count = 1;
        Resource base = read_resource(list[e], key, count);
        expansions_.push_back({data.resources.size(), static_cast<std::size_t>(count), e});
        if (data.resources.size() + static_cast<std::size_t>(count) > kMaxCount) {
            in_.fail(list[e]["count"] ? list[e]["count"] : list[e], key + ".count",
                     std::to_string(count),
                     "too many resources in one problem: with this entry there are " +
                         std::to_string(data.resources.size() + static_cast<std::size_t>(count)) +
                         " (at most " + std::to_string(kMaxCount) + ")");
        }
        if (count == 1 && !list[e]["count"]) {
            data.resources.push_back(std::move(base));
            continue;
        }
        data.add_resources(base, static_cast<std::size_t>(count));
    }
}

Resource ProblemReader::read_resource(const YamlNode& node, const std::string& key, int& count) {
    in_.expect_map(node, key);
    in_.remember(key, node);
    in_.check_keys(node, key,
                   {"id", "kind", "count", "capacity", "speed", "cost_per_hour", "fixed_cost",
                    "weight", "devices"});
    Resource r;
    if (!node["id"]) in_.fail(node, key + ".id", "", "every resource needs an id");
    auto field = [&](const char* name) {
        in_.remember(key + "." + name, node[name]);
        return in_.number(node[name], key + "." + name);
    };
    r.id = in_.text(node["id"], key + ".id");
    in_.remember(key + ".id", node["id"]);
    r.kind = node["kind"] ? in_.text(node["kind"], key + ".kind") : "any";
    if (node["count"]) {
        in_.remember(key + ".count", node["count"]);
        count = in_.integer(node["count"], key + ".count");
        if (count < 1) {
            in_.fail(node["count"], key + ".count", std::to_string(count), "must be at least 1");
        }
        if (count > kMaxCount) {
            in_.fail(node["count"], key + ".count", std::to_string(count),
                     "too many copies (at most " + std::to_string(kMaxCount) + ")");
        }
    }
    if (!node["capacity"]) {
        in_.fail(node, key + ".capacity", "", "every resource needs a capacity with 'units'");
    }
    if (node["capacity"].is_scalar()) {
        in_.fail(node["capacity"], key + ".capacity", YamlValues::show(node["capacity"]),
                 "expected a mapping of dimensions to amounts, e.g. {units: " +
                     node["capacity"].str() + "}");
    }
    r.capacity = read_amounts(node["capacity"], key + ".capacity");
    if (node["speed"]) r.speed = field("speed");
    if (node["cost_per_hour"]) r.cost_per_hour = field("cost_per_hour");
    if (node["fixed_cost"]) r.fixed_cost = field("fixed_cost");
    if (node["weight"]) r.weight = field("weight");
    if (const YamlNode devices = node["devices"]) {
        const std::string dkey = key + ".devices";
        in_.expect_map(devices, dkey);
        in_.remember(dkey, devices);
        in_.check_keys(devices, dkey, {"count", "capacity", "model"});
        if (!devices["count"]) in_.fail(devices, dkey + ".count", "", "devices need a count");
        in_.remember(dkey + ".count", devices["count"]);
        r.devices.count = in_.integer(devices["count"], dkey + ".count");
        if (devices["capacity"]) {
            in_.remember(dkey + ".capacity", devices["capacity"]);
            r.devices.capacity = in_.integer(devices["capacity"], dkey + ".capacity");
        }
        if (devices["model"]) {
            in_.remember(dkey + ".model", devices["model"]);
            r.devices.model = in_.text(devices["model"], dkey + ".model");
        }
    }
    return r;
}

void ProblemReader::read_tasks(const YamlNode& list, ProblemData& data) {
    in_.expect_list(list, "tasks");
    in_.remember("tasks", list);
    data.tasks.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        data.tasks.push_back(read_task(list[i], at("tasks", i)));
    }
}

Task ProblemReader::read_task(const YamlNode& node, const std::string& key) {
    in_.expect_map(node, key);
    in_.remember(key, node);
    in_.check_keys(node, key,
                   {"id", "kind", "workload", "frequency", "priority", "arrival", "deadline",
                    "demand", "units", "scaling", "allowed", "optional", "type", "devices"});
    Task t;
    if (!node["id"]) in_.fail(node, key + ".id", "", "every task needs an id");
    t.id = in_.text(node["id"], key + ".id");
    in_.remember(key + ".id", node["id"]);
    if (const YamlNode kind = node["kind"]) {
        const std::string s = in_.text(kind, key + ".kind");
        bool known = false;
        for (const TaskKind k : {TaskKind::compute, TaskKind::data, TaskKind::training,
                                 TaskKind::inference, TaskKind::serving}) {
            if (s != task_kind_name(k)) continue;
            t.kind = k;
            known = true;
        }
        if (!known) {
            in_.fail(kind, key + ".kind", s,
                     "expected compute, data, training, inference or serving" +
                         detail::did_you_mean(
                             s, {"compute", "data", "training", "inference", "serving"}));
        }
    }
    auto field = [&](const char* name, double& target) {
        if (!node[name]) return;
        in_.remember(key + "." + name, node[name]);
        target = in_.number(node[name], key + "." + name);
    };
    field("workload", t.workload);
    field("frequency", t.frequency);
    field("priority", t.priority);
    field("arrival", t.arrival);
    field("deadline", t.deadline);
    if (node["demand"]) t.demand = read_amounts(node["demand"], key + ".demand");
    if (node["units"]) t.units = read_units(node["units"], key + ".units");
    if (node["scaling"]) t.scaling = read_scaling(node["scaling"], key + ".scaling");
    if (const YamlNode allowed = node["allowed"]) {
        in_.expect_list(allowed, key + ".allowed");
        for (std::size_t a = 0; a < allowed.size(); ++a) {
            const std::string akey = key + ".allowed" + "[" + std::to_string(a) + "]";
            in_.remember(akey, allowed[a]);
            t.allowed.push_back(in_.text(allowed[a], akey));
        }
    }
    if (node["optional"]) t.optional = in_.boolean(node["optional"], key + ".optional");
    if (const YamlNode type = node["type"]) {
        in_.remember(key + ".type", type);
        t.type = in_.text(type, key + ".type");
        if (t.type.empty()) in_.fail(type, key + ".type", "\"\"", "leave 'type' out for none");
    }
    if (const YamlNode devices = node["devices"]) {
        const std::string dkey = key + ".devices";
        in_.expect_map(devices, dkey);
        in_.remember(dkey, devices);
        in_.check_keys(devices, dkey, {"count", "share"});
        if (!devices["share"]) {
            in_.fail(devices, dkey + ".share", "",
                     "devices need a share per device, e.g. {count: 1, share: 500}");
        }
        t.devices.count = 1;
        if (devices["count"]) {
            in_.remember(dkey + ".count", devices["count"]);
            t.devices.count = in_.integer(devices["count"], dkey + ".count");
        }
        in_.remember(dkey + ".share", devices["share"]);
        t.devices.share = in_.integer(devices["share"], dkey + ".share");
    }
    return t;
}

UnitChoice ProblemReader::read_units(const YamlNode& node, const std::string& key) {
    in_.remember(key, node);
    if (node.is_scalar()) return UnitChoice::exactly(in_.integer(node, key));
    if (node.is_list()) {
        if (node.size() == 0) in_.fail(node, key, "[]", "the list of unit counts is empty");
        std::vector<int> values;
        for (std::size_t k = 0; k < node.size(); ++k) {
            const std::string ukey = at(key, k);
            const int u = in_.integer(node[k], ukey);
            if (u < 1) in_.fail(node[k], ukey, std::to_string(u), "unit counts must be >= 1");
            values.push_back(u);
        }
        return UnitChoice::list(std::move(values));
    }
    if (node.is_map()) {
        in_.check_keys(node, key, {"min", "max"});
        if (!node["min"] || !node["max"]) {
            in_.fail(node, key, "a mapping", "a unit range needs both min and max");
        }
        const int lo = in_.integer(node["min"], key + ".min");
        const int hi = in_.integer(node["max"], key + ".max");
        if (lo < 1) in_.fail(node["min"], key + ".min", std::to_string(lo), "must be >= 1");
        if (lo > hi) {
            in_.fail(node, key, std::to_string(lo) + " > " + std::to_string(hi),
                     "min must not exceed max");
        }
        return UnitChoice::range(lo, hi);
    }
    in_.fail(node, key, YamlValues::show(node),
             "expected a unit count, {min, max} or a list of counts");
}

Scaling ProblemReader::read_scaling(const YamlNode& node, const std::string& key) {
    in_.remember(key, node);
    Scaling s;
    if (node.is_scalar()) {
        if (node.str() != "linear") {
            in_.fail(node, key, node.str(),
                     "expected linear, {amdahl: p} or {table: {units: speed-up, ...}}");
        }
        return s;
    }
    in_.expect_map(node, key);
    in_.check_keys(node, key, {"amdahl", "table"});
    if (node.size() != 1) in_.fail(node, key, "a mapping", "give either amdahl or table");
    if (const YamlNode p = node["amdahl"]) {
        s.type = Scaling::Type::amdahl;
        s.parallel_fraction = in_.number(p, key + ".amdahl");
        if (s.parallel_fraction < 0 || s.parallel_fraction > 1) {
            in_.fail(p, key + ".amdahl", node["amdahl"].str(),
                     "the parallel fraction must be in [0, 1]");
        }
        return s;
    }
    const YamlNode table = node["table"];
    in_.expect_map(table, key + ".table");
    in_.remember(key + ".table", table);
    if (table.size() == 0) in_.fail(table, key + ".table", "{}", "the table is empty");
    s.type = Scaling::Type::table;
    for (std::size_t k = 0; k < table.size(); ++k) {
        const int units = in_.integer(table.key(k), key + ".table");
        if (units < 1)
            in_.fail(table.key(k), key + ".table", std::to_string(units), "must be >= 1");
        const std::string ekey = key + ".table." + std::to_string(units);
        in_.note_key(ekey, table.key(k), table.value(k));
        in_.remember(ekey, table.value(k));
        for (const auto& entry : s.table) {
            if (entry.first == units)
                in_.fail(table.key(k), ekey, table.key(k).str(), "duplicate key");
        }
        const double speedup = in_.number(table.value(k), ekey);
        if (speedup <= 0)
            in_.fail(table.value(k), ekey, table.value(k).str(), "must be greater than 0");
        s.table.emplace_back(units, speedup);
    }
    std::sort(s.table.begin(), s.table.end());
    return s;
}

std::map<std::string, double> ProblemReader::read_amounts(const YamlNode& node,
                                                          const std::string& key) {
    in_.expect_map(node, key);
    in_.remember(key, node);
    std::map<std::string, double> out;
    for (std::size_t k = 0; k < node.size(); ++k) {
        const std::string name = in_.text(node.key(k), key);
        const std::string vkey = key + "." + name;
        in_.note_key(vkey, node.key(k), node.value(k));
        if (out.count(name)) in_.fail(node.key(k), vkey, name, "duplicate key");
        in_.remember(vkey, node.value(k));
        out[name] = in_.number(node.value(k), vkey);
    }
    return out;
}

Matrix ProblemReader::read_matrix(const YamlNode& node, const std::string& key, std::size_t rows,
                                  std::size_t cols) {
    in_.expect_list(node, key);
    in_.remember(key, node);
    if (node.size() != rows) {
        in_.fail(node, key, std::to_string(node.size()) + " rows",
                 "matrix must have one row per task (" + std::to_string(rows) + ")");
    }
    Matrix out(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (std::size_t i = 0; i < rows; ++i) {
        const YamlNode row = node[i];
        const std::string rkey = at(key, i);
        in_.expect_list(row, rkey);
        in_.remember(rkey, row);  // places Problem's errors about a cell (a total too large)
        if (row.size() != cols) {
            in_.fail(row, rkey, std::to_string(row.size()) + " values",
                     "each row needs one value per resource (" + std::to_string(cols) + ")");
        }
        for (std::size_t j = 0; j < cols; ++j) {
            // The key is built only for an error: a matrix may hold millions of cells.
            double v = 0;
            const YamlNode cell = row[j];
            if (!YamlValues::try_number(cell, v) || v < 0) {
                const std::string vkey = rkey + "[" + std::to_string(j) + "]";
                v = in_.number(cell, vkey);
                in_.fail(cell, vkey, cell.str(), "must not be negative");
            }
            out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
        }
    }
    return out;
}

void ProblemReader::read_speedups(const YamlNode& node, ProblemData& data) {
    in_.expect_map(node, "speedups");
    in_.remember("speedups", node);
    for (std::size_t k = 0; k < node.size(); ++k) {
        const std::string type = in_.text(node.key(k), "speedups");
        const std::string key = "speedups." + type;
        in_.note_key(key, node.key(k), node.value(k));
        if (data.speedups.count(type) || data.speedup_tables.count(type))
            in_.fail(node.key(k), key, type, "duplicate key");
        const YamlNode row = node.value(k);
        if (row.is_scalar()) {
            in_.fail(row, key, YamlValues::show(row),
                     "expected a mapping of resource kinds to speed factors, e.g. {gpu: 2}, or "
                     "to tables per unit count, e.g. {gpu: {1: 1, 2: 1.8}}");
        }
        in_.expect_map(row, key);
        in_.remember(key, row);
        // Problem checks each factor, kind and unit count.
        std::map<std::string, double>& factors = data.speedups[type];
        std::map<std::string, UnitSpeeds>& tables = data.speedup_tables[type];
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string kind = in_.text(row.key(c), key);
            const std::string vkey = key + "." + kind;
            in_.note_key(vkey, row.key(c), row.value(c));
            if (factors.count(kind) || tables.count(kind))
                in_.fail(row.key(c), vkey, kind, "duplicate key");
            in_.remember(vkey, row.value(c));
            const YamlNode value = row.value(c);
            if (value.is_scalar()) {
                factors[kind] = in_.number(value, vkey);
                continue;
            }
            in_.expect_map(value, vkey);
            if (value.size() == 0) in_.fail(value, vkey, "{}", "the table is empty");
            UnitSpeeds& speeds = tables[kind];
            for (std::size_t e = 0; e < value.size(); ++e) {
                const int units = in_.integer(value.key(e), vkey);
                if (units < 1) in_.fail(value.key(e), vkey, std::to_string(units), "must be >= 1");
                const std::string ekey = vkey + "." + std::to_string(units);
                in_.note_key(ekey, value.key(e), value.value(e));
                in_.remember(ekey, value.value(e));
                for (const auto& entry : speeds) {
                    if (entry.first == units)
                        in_.fail(value.key(e), ekey, value.key(e).str(), "duplicate key");
                }
                speeds.emplace_back(units, in_.number(value.value(e), ekey));
            }
            std::sort(speeds.begin(), speeds.end());
        }
        if (factors.empty()) data.speedups.erase(type);
        if (tables.empty()) data.speedup_tables.erase(type);
        if (row.size() == 0) data.speedups[type];  // Problem refuses the empty row
    }
}

Objective ProblemReader::read_objective(const YamlNode& node) {
    if (node.is_scalar()) {
        in_.fail(node, "objective", node.str(),
                 "expected {minimize: METRIC} or {maximize: METRIC}, e.g. {minimize: " +
                     node.str() + "}");
    }
    in_.expect_map(node, "objective");
    in_.remember("objective", node);
    in_.check_keys(node, "objective", {"minimize", "maximize"});
    if (node.size() != 1) {
        in_.fail(node, "objective", "a mapping", "give exactly one of minimize or maximize");
    }
    Objective objective;
    const bool minimize = static_cast<bool>(node["minimize"]);
    objective.sense = minimize ? Sense::minimize : Sense::maximize;
    const std::string key = minimize ? "objective.minimize" : "objective.maximize";
    const YamlNode what = node[minimize ? "minimize" : "maximize"];
    std::vector<std::string> names;
    for (Metric m : kAllMetrics)
        names.emplace_back(metric_name(m));
    auto metric = [&](const YamlNode& n) {
        const std::string name = in_.text(n, key);
        auto parsed = parse_metric(name);
        if (!parsed) in_.fail(n, key, name, "unknown metric" + detail::did_you_mean(name, names));
        return *parsed;
    };
    objective.terms.clear();
    if (what.is_map()) {
        if (what.size() == 0) in_.fail(what, key, "{}", "the weighted sum has no terms");
        for (std::size_t k = 0; k < what.size(); ++k) {
            const Metric m = metric(what.key(k));
            for (const auto& term : objective.terms) {
                if (term.first == m) in_.fail(what.key(k), key, what.key(k).str(), "duplicate key");
            }
            const std::string wkey = key + "." + what.key(k).str();
            in_.note_key(wkey, what.key(k), what.value(k));
            objective.terms.emplace_back(m, in_.number(what.value(k), wkey));
        }
    } else {
        objective.terms.emplace_back(metric(what), 1.0);
    }
    return objective;
}

void ProblemReader::read_hard(const YamlNode& node, ProblemData& data) {
    in_.expect_list(node, "hard");
    in_.remember("hard", node);
    for (std::size_t k = 0; k < node.size(); ++k) {
        const std::string s = in_.text(node[k], at("hard", k));
        if (s == "deadlines") {
            data.hard_deadlines = true;
        } else if (s == "horizon") {
            data.hard_horizon = true;
        } else {
            in_.fail(node[k], at("hard", k), s,
                     "expected deadlines or horizon" +
                         detail::did_you_mean(s, {"deadlines", "horizon"}));
        }
    }
}

void ProblemReader::check_resource_ids(const YamlNode& list, const ProblemData& data) const {
    // Which file entry made each expanded resource, and whether by `count`.
    struct Origin {
        std::size_t entry;
        bool counted;
    };
    std::map<std::string, Origin, std::less<>> seen;
    for (const Expansion& e : expansions_) {
        const YamlNode entry = list[e.entry];
        const bool counted = static_cast<bool>(entry["count"]);
        const std::string key = at("resources", e.entry) + ".id";
        for (std::size_t c = 0; c < e.count; ++c) {
            const std::string& id = data.resources[e.first + c].id;
            auto [it, inserted] = seen.emplace(id, Origin{e.entry, counted});
            if (inserted) continue;
            const Origin first = it->second;
            const std::string earlier = at("resources", first.entry);
            std::string message;
            if (counted) {
                message = "resource id '" + id + "', made by this entry's count, is already used" +
                          (first.counted ? " (made by the count of " : " (by ") + earlier + ")";
            } else if (first.counted) {
                message = "duplicate resource id: " + earlier + " already makes '" + id +
                          "' with its count";
            } else {
                message = "duplicate resource id (first at " + earlier + ")";
            }
            in_.fail(entry["id"], key, id, message);
        }
    }
}

std::string ProblemReader::file_key(const std::string& key) const {
    const std::string prefix = "resources[";
    if (key.rfind(prefix, 0) != 0) return key;
    const auto close = key.find(']');
    if (close == std::string::npos) return key;
    std::size_t index = 0;
    try {
        index = std::stoul(key.substr(prefix.size(), close - prefix.size()));
    } catch (const std::exception&) {
        return key;
    }
    for (const Expansion& e : expansions_) {
        if (index >= e.first && index < e.first + e.count) {
            return at("resources", e.entry) + key.substr(close + 1);
        }
    }
    return key;
}

InputError ProblemReader::place(const InputError& error) const {
    const std::string key = file_key(error.key());
    return InputError(key, error.value(), error.message(), in_.locate(key));
}

}  // namespace

std::string read_file_text(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError("", "", "this is a directory, not a file", {path, 0, 0});
    }
    errno = 0;  // so that a stale value is not reported
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int error = errno;
        throw InputError("", "",
                         std::string("cannot open file") +
                             (error != 0 ? std::string(": ") + std::strerror(error) : ""),
                         {path, 0, 0});
    }
    // Read in place, without a second copy of the text: the size is a hint (0 for a pipe),
    // and the loop reads whatever the stream holds.
    std::string text;
    const auto size = std::filesystem::is_regular_file(path, ec)
                          ? std::filesystem::file_size(path, ec)
                          : std::uintmax_t{0};
    text.reserve(ec ? 0 : static_cast<std::size_t>(size) + 1);  // + 1: room to see the end
    constexpr std::size_t kChunk = 1 << 20;
    while (in) {
        const std::size_t old = text.size();
        const std::size_t want = text.capacity() > old ? text.capacity() - old : kChunk;
        text.resize(old + want);
        in.read(text.data() + old, static_cast<std::streamsize>(want));
        text.resize(old + static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw InputError("", "", "cannot read file", {path, 0, 0});
    return text;
}

ProblemFile parse_problem(std::string_view text, const std::string& file_name,
                          const ReadOptions& options) {
    return ProblemReader(file_name).read(text, options);
}

ProblemFile read_problem_file(const std::string& path, const ReadOptions& options) {
    std::string text = read_file_text(path);
    return ProblemReader(path).read(text, options, &text);
}

Problem read_problem(const std::string& path) {
    return read_problem_file(path).problem;
}

Allocation parse_allocation(std::string_view text, const Problem& problem,
                            const std::string& file_name) {
    return AllocationReader(file_name, problem).read(text);
}

Allocation read_allocation(const std::string& path, const Problem& problem) {
    return parse_allocation(read_file_text(path), problem, path);
}

}  // namespace allocopt
