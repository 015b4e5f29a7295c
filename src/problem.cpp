#include "allocopt/problem.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include "allocopt/error.hpp"
#include "detail/text.hpp"

namespace allocopt {

std::string_view mode_name(Mode mode) {
    return mode == Mode::schedule ? "schedule" : "packing";
}

std::string_view policy_name(Policy policy) {
    switch (policy) {
        case Policy::fcfs:
            return "fcfs";
        case Policy::sjf:
            return "sjf";
        case Policy::priority:
            return "priority";
        case Policy::ljf:
            return "ljf";
    }
    return "?";
}

std::optional<Policy> parse_policy(std::string_view name) {
    for (const Policy policy : {Policy::fcfs, Policy::sjf, Policy::ljf, Policy::priority}) {
        if (policy_name(policy) == name) return policy;
    }
    return std::nullopt;
}

std::string_view task_kind_name(TaskKind kind) {
    switch (kind) {
        case TaskKind::compute:
            return "compute";
        case TaskKind::data:
            return "data";
        case TaskKind::training:
            return "training";
        case TaskKind::inference:
            return "inference";
        case TaskKind::serving:
            return "serving";
    }
    return "compute";
}

double Scaling::speedup(int units) const {
    switch (type) {
        case Type::linear:
            return static_cast<double>(units);
        case Type::amdahl:
            return 1.0 / ((1.0 - parallel_fraction) + parallel_fraction / units);
        case Type::table: {
            auto it = std::lower_bound(
                table.begin(), table.end(), units,
                [](const std::pair<int, double>& entry, int u) { return entry.first < u; });
            if (it != table.end() && it->first == units) return it->second;
            return 1.0;  // validated problems never get here
        }
    }
    return 1.0;
}

bool UnitChoice::allows(int units) const {
    if (units < min || units > max) return false;
    return values.empty() || std::binary_search(values.begin(), values.end(), units);
}

int UnitChoice::count() const {
    return values.empty() ? max - min + 1 : static_cast<int>(values.size());
}

int UnitChoice::nth(int k) const {
    return values.empty() ? min + k : values[k];
}

UnitChoice UnitChoice::list(std::vector<int> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    UnitChoice choice;
    choice.min = values.empty() ? 1 : values.front();
    choice.max = values.empty() ? 1 : values.back();
    choice.values = std::move(values);
    return choice;
}

std::string counted_resource_id(std::string_view id, std::size_t index) {
    return std::string(id) + "-" + std::to_string(index);
}

void ProblemData::add_resources(const Resource& prototype, std::size_t count) {
    if (count == 0) throw InputError("count", "0", "must be at least 1");
    for (std::size_t c = 0; c < count; ++c) {
        resources.push_back(prototype);
        resources.back().id = counted_resource_id(prototype.id, c);
    }
}

namespace {

using detail::format_number;

std::string at(std::string_view list, std::size_t index) {
    return std::string(list) + "[" + std::to_string(index) + "]";
}

void require_finite(double value, const std::string& key) {
    if (!std::isfinite(value)) {
        throw InputError(key, format_number(value), "must be a finite number");
    }
}

void require_positive(double value, const std::string& key) {
    require_finite(value, key);
    if (value <= 0) throw InputError(key, format_number(value), "must be greater than 0");
}

void require_non_negative(double value, const std::string& key) {
    require_finite(value, key);
    if (value < 0) throw InputError(key, format_number(value), "must not be negative");
}

void require_id(const std::string& id, const std::string& key) {
    if (id.empty()) throw InputError(key, "\"\"", "an id must not be empty");
}

}  // namespace

Problem::Problem(ProblemData data) : data_(std::move(data)) {
    if (data_.resources.empty()) {
        throw InputError("resources", "", "a problem needs at least one resource");
    }
    if (data_.tasks.empty()) throw InputError("tasks", "", "a problem needs at least one task");
    if (!(data_.horizon > 0) || std::isnan(data_.horizon)) {
        throw InputError("horizon", format_number(data_.horizon), "must be greater than 0");
    }
    validate_resources();
    validate_tasks();
    validate_matrices();
    validate_objective();
    validate_devices();
    build_allowed();
    build_speedups();
    check_every_task_fits();
    check_totals_stay_finite();
    build_queue_ranks();
}

void Problem::build_queue_ranks() {
    const std::size_t n = data_.tasks.size();
    arrival_.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        arrival_[i] = data_.tasks[i].arrival;
    by_queue_rank_.resize(n);
    std::iota(by_queue_rank_.begin(), by_queue_rank_.end(), 0);
    const auto& tasks = data_.tasks;
    if (data_.policy == Policy::fcfs || data_.policy == Policy::ljf) {
        std::stable_sort(by_queue_rank_.begin(), by_queue_rank_.end(),
                         [&](std::int32_t x, std::int32_t y) {
                             return tasks[static_cast<std::size_t>(x)].arrival <
                                    tasks[static_cast<std::size_t>(y)].arrival;
                         });
    } else if (data_.policy == Policy::priority) {
        std::stable_sort(
            by_queue_rank_.begin(), by_queue_rank_.end(), [&](std::int32_t x, std::int32_t y) {
                const Task& a = tasks[static_cast<std::size_t>(x)];
                const Task& b = tasks[static_cast<std::size_t>(y)];
                return a.priority != b.priority ? a.priority > b.priority : a.arrival < b.arrival;
            });
    }
    queue_rank_.resize(n);
    for (std::size_t r = 0; r < n; ++r)
        queue_rank_[static_cast<std::size_t>(by_queue_rank_[r])] = static_cast<std::int32_t>(r);
}

void Problem::validate_resources() {
    // Dimension 0 is units; the others in order of first appearance, so that ids are stable.
    dimensions_ = {std::string(kUnitsDimension)};
    for (std::size_t j = 0; j < data_.resources.size(); ++j) {
        const Resource& r = data_.resources[j];
        const std::string key = at("resources", j);
        require_id(r.id, key + ".id");
        if (auto [it, inserted] = resource_index_.emplace(r.id, j); !inserted) {
            throw InputError(
                key + ".id", r.id,
                "duplicate resource id (first at " + at("resources", it->second) + ")");
        }
        if (!r.capacity.count(std::string(kUnitsDimension))) {
            throw InputError(key + ".capacity", "", "capacity must include 'units'");
        }
        for (const auto& [dim, value] : r.capacity) {
            require_id(dim, key + ".capacity");
            require_positive(value, key + ".capacity." + dim);
            if (std::find(dimensions_.begin(), dimensions_.end(), dim) == dimensions_.end()) {
                dimensions_.push_back(dim);
            }
        }
        require_positive(r.speed, key + ".speed");
        require_non_negative(r.cost_per_hour, key + ".cost_per_hour");
        require_non_negative(r.fixed_cost, key + ".fixed_cost");
        require_positive(r.weight, key + ".weight");
    }
    const std::size_t d = dimensions_.size();
    capacity_.assign(data_.resources.size() * d, 0.0);
    for (std::size_t j = 0; j < data_.resources.size(); ++j) {
        for (const auto& [dim, value] : data_.resources[j].capacity) {
            capacity_[j * d + *dimension_index(dim)] = value;
        }
    }
}

void Problem::validate_tasks() {
    const std::size_t d = dimensions_.size();
    demand_.assign(data_.tasks.size() * d, 0.0);
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const Task& t = data_.tasks[i];
        const std::string key = at("tasks", i);
        require_id(t.id, key + ".id");
        if (auto [it, inserted] = task_index_.emplace(t.id, i); !inserted) {
            throw InputError(key + ".id", t.id,
                             "duplicate task id (first at " + at("tasks", it->second) + ")");
        }
        require_non_negative(t.workload, key + ".workload");
        require_positive(t.frequency, key + ".frequency");
        require_finite(t.priority, key + ".priority");
        require_non_negative(t.arrival, key + ".arrival");
        if (std::isnan(t.deadline) || t.deadline <= 0) {
            throw InputError(key + ".deadline", format_number(t.deadline),
                             "must be greater than 0");
        }
        for (const auto& [dim, value] : t.demand) {
            const std::string dkey = key + ".demand." + dim;
            if (dim == kUnitsDimension) {
                throw InputError(dkey, format_number(value),
                                 "units are requested with the task's 'units' key, not in demand");
            }
            auto k = dimension_index(dim);
            if (!k) {
                throw InputError(dkey, dim,
                                 "no resource has this capacity dimension" +
                                     detail::did_you_mean(dim, dimensions_));
            }
            require_non_negative(value, dkey);
            demand_[i * d + *k] = value;
        }
        const UnitChoice& u = t.units;
        if (u.min < 1) {
            throw InputError(key + ".units", std::to_string(u.min), "unit counts must be >= 1");
        }
        if (u.min > u.max) {
            throw InputError(key + ".units", std::to_string(u.min) + " > " + std::to_string(u.max),
                             "min must not exceed max");
        }
        for (int v : u.values) {
            if (v < u.min || v > u.max) {
                throw InputError(key + ".units", std::to_string(v),
                                 "unit count outside [min, max]");
            }
        }
        const Scaling& s = t.scaling;
        if (s.type == Scaling::Type::amdahl &&
            !(s.parallel_fraction >= 0.0 && s.parallel_fraction <= 1.0)) {
            throw InputError(key + ".scaling.amdahl", format_number(s.parallel_fraction),
                             "the parallel fraction must be in [0, 1]");
        }
        if (s.type == Scaling::Type::table) {
            for (const auto& [units, speedup] : s.table) {
                require_positive(speedup, key + ".scaling.table." + std::to_string(units));
            }
            for (int k = 0; k < u.count(); ++k) {
                const int units = u.nth(k);
                bool found = std::any_of(s.table.begin(), s.table.end(),
                                         [&](const auto& e) { return e.first == units; });
                if (!found) {
                    throw InputError(key + ".scaling.table", std::to_string(units),
                                     "the speed-up table has no entry for this unit count");
                }
            }
        }
    }
}

void Problem::validate_matrices() {
    const auto n = static_cast<Eigen::Index>(data_.tasks.size());
    const auto m = static_cast<Eigen::Index>(data_.resources.size());
    auto check = [&](const Matrix& matrix, const std::string& key) {
        if (matrix.rows() != n || matrix.cols() != m) {
            std::ostringstream shape;
            shape << matrix.rows() << " x " << matrix.cols();
            throw InputError(key, shape.str(),
                             "matrix must be " + std::to_string(n) + " tasks x " +
                                 std::to_string(m) + " resources");
        }
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < m; ++j) {
                require_non_negative(
                    matrix(i, j), key + "[" + std::to_string(i) + "][" + std::to_string(j) + "]");
            }
        }
    };
    has_time_ = data_.time.size() != 0;
    if (has_time_) check(data_.time, "time");
    if (data_.cost.size() != 0) check(data_.cost, "cost");
    demand_matrix_.assign(dimensions_.size(), Matrix());
    for (auto& [dim, matrix] : data_.demand) {
        const std::string key = "demand." + dim;
        if (dim == kUnitsDimension) {
            throw InputError(key, dim, "units are requested with each task's 'units' key");
        }
        auto k = dimension_index(dim);
        if (!k) {
            throw InputError(
                key, dim,
                "no resource has this capacity dimension" + detail::did_you_mean(dim, dimensions_));
        }
        check(matrix, key);
        demand_matrix_[*k] = std::move(matrix);
    }
    data_.demand.clear();
}

void Problem::validate_objective() const {
    if (data_.objective.terms.empty()) {
        throw InputError("objective", "", "the objective needs at least one metric");
    }
    for (const auto& [metric, weight] : data_.objective.terms) {
        require_finite(weight, "objective." + std::string(metric_name(metric)));
    }
}

void Problem::validate_devices() {
    const std::size_t m = data_.resources.size();
    device_offset_.assign(m + 1, 0);
    for (std::size_t j = 0; j < m; ++j) {
        const Devices& dev = data_.resources[j].devices;
        const std::string key = at("resources", j) + ".devices";
        if (dev.count < 0 || dev.count > kMaxResourceDevices) {
            throw InputError(
                key + ".count", std::to_string(dev.count),
                "a resource holds 0 to " + std::to_string(kMaxResourceDevices) + " devices");
        }
        if (dev.capacity < 1) {
            throw InputError(key + ".capacity", std::to_string(dev.capacity),
                             "a device's capacity must be at least 1");
        }
        device_offset_[j + 1] = device_offset_[j] + static_cast<std::size_t>(dev.count);
    }
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const DeviceRequest& want = data_.tasks[i].devices;
        const std::string key = at("tasks", i) + ".devices";
        if (want.count < 0 || want.count > kMaxResourceDevices) {
            throw InputError(
                key + ".count", std::to_string(want.count),
                "a task asks for 0 to " + std::to_string(kMaxResourceDevices) + " devices");
        }
        if (want.count == 0) {
            if (want.share != 0) {
                throw InputError(key + ".share", std::to_string(want.share),
                                 "a share needs a device count of at least 1");
            }
            continue;
        }
        if (want.share < 1) {
            throw InputError(key + ".share", std::to_string(want.share),
                             "a task with devices needs a share of at least 1 per device");
        }
        has_devices_ = true;
    }
    if (has_devices_ && data_.mode != Mode::packing) {
        throw InputError("mode", std::string(mode_name(data_.mode)),
                         "tasks that ask for devices need mode: packing (devices are not yet "
                         "scheduled over time)");
    }
}

void Problem::build_allowed() {
    // Tasks naming the same allowed list share one mask of m bytes: memory stays
    // O(n + sets x m) however many tasks there are.
    // A name may be a resource's kind, its id, or its devices' model (a GPU model).
    std::set<std::string> kinds;
    for (const Resource& r : data_.resources) {
        kinds.insert(r.kind);
        if (r.devices.count > 0 && !r.devices.model.empty()) kinds.insert(r.devices.model);
    }
    std::vector<std::string> names(kinds.begin(), kinds.end());
    for (const Resource& r : data_.resources)
        names.push_back(r.id);

    std::map<std::vector<std::string>, int> sets;
    const std::size_t m = data_.resources.size();
    allowed_set_.assign(data_.tasks.size(), -1);
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const auto& allowed = data_.tasks[i].allowed;
        if (allowed.empty()) continue;
        for (std::size_t a = 0; a < allowed.size(); ++a) {
            const std::string& name = allowed[a];
            if (!kinds.count(name) && !resource_index_.count(name)) {
                throw InputError(at("tasks", i) + ".allowed" + "[" + std::to_string(a) + "]", name,
                                 "no resource has this id, kind or device model" +
                                     detail::did_you_mean(name, names));
            }
        }
        std::vector<std::string> sorted = allowed;
        std::sort(sorted.begin(), sorted.end());
        auto [it, inserted] = sets.emplace(sorted, static_cast<int>(sets.size()));
        if (inserted) {
            allowed_mask_.resize(allowed_mask_.size() + m, 0);
            std::uint8_t* mask = allowed_mask_.data() + static_cast<std::size_t>(it->second) * m;
            for (std::size_t j = 0; j < m; ++j) {
                const Resource& r = data_.resources[j];
                mask[j] = std::binary_search(sorted.begin(), sorted.end(), r.kind) ||
                          std::binary_search(sorted.begin(), sorted.end(), r.id) ||
                          (r.devices.count > 0 && !r.devices.model.empty() &&
                           std::binary_search(sorted.begin(), sorted.end(), r.devices.model));
            }
        }
        allowed_set_[i] = it->second;
    }
}

void Problem::build_speedups() {
    const Speedups& table = data_.speedups;
    const SpeedupTables& tables = data_.speedup_tables;
    if (table.empty() && tables.empty()) {
        for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
            if (!data_.tasks[i].type.empty()) {
                throw InputError(at("tasks", i) + ".type", data_.tasks[i].type,
                                 "the problem has no 'speedups' table to give this type's "
                                 "speed factors");
            }
        }
        return;
    }
    if (has_time_) {
        throw InputError("speedups", "",
                         "give either a 'time' matrix or 'speedups', not both (the matrix "
                         "would override every factor)");
    }
    std::set<std::string> kinds;
    for (const Resource& r : data_.resources)
        kinds.insert(r.kind);
    kinds_.assign(kinds.begin(), kinds.end());
    const std::size_t nk = kinds_.size();
    const auto kind_index = [&](std::string_view kind) {
        return static_cast<std::size_t>(std::lower_bound(kinds_.begin(), kinds_.end(), kind) -
                                        kinds_.begin());
    };
    // The rows: every type of either map, in sorted order.
    std::vector<std::string> types;
    for (const auto& [type, row] : table)
        types.push_back(type);
    for (const auto& [type, row] : tables)
        types.push_back(type);
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    // Row 0: tasks without a type. A pair a row lacks keeps factor 1 (see time()).
    factor_.assign((types.size() + 1) * nk, 1.0);
    has_factor_.assign((types.size() + 1) * nk, 0);
    std::fill(has_factor_.begin(), has_factor_.begin() + static_cast<std::ptrdiff_t>(nk), 1);
    const auto check_kind = [&](const std::string& key, const std::string& kind) {
        if (!kinds.count(kind)) {
            throw InputError(key + "." + kind, kind,
                             "no resource has this kind" + detail::did_you_mean(kind, kinds_));
        }
    };
    for (std::size_t r = 0; r < types.size(); ++r) {
        const std::string& type = types[r];
        const std::string key = "speedups." + type;
        require_id(type, "speedups");
        const auto it = table.find(type);
        const auto jt = tables.find(type);
        const bool none =
            (it == table.end() || it->second.empty()) && (jt == tables.end() || jt->second.empty());
        if (none) throw InputError(key, "{}", "a type needs a factor for some kind");
        const std::size_t offset = (r + 1) * nk;
        if (it != table.end()) {
            for (const auto& [kind, factor] : it->second) {
                require_positive(factor, key + "." + kind);
                check_kind(key, kind);
                factor_[offset + kind_index(kind)] = factor;
                has_factor_[offset + kind_index(kind)] = 1;
            }
        }
        if (jt == tables.end()) continue;
        for (const auto& [kind, speeds] : jt->second) {
            check_kind(key, kind);
            if (has_factor_[offset + kind_index(kind)]) {
                throw InputError(key + "." + kind, kind,
                                 "given both as a factor and as a table per unit count");
            }
            if (speeds.empty()) {
                throw InputError(key + "." + kind, "{}", "a table needs at least one unit count");
            }
            for (std::size_t e = 0; e < speeds.size(); ++e) {
                const auto [units, factor] = speeds[e];
                if (units < 1) {
                    throw InputError(key + "." + kind, std::to_string(units),
                                     "unit counts in a table must be whole numbers >= 1");
                }
                if (e > 0 && units <= speeds[e - 1].first) {
                    throw InputError(key + "." + kind, std::to_string(units),
                                     "unit counts must be given once each, in increasing order");
                }
                require_positive(factor, key + "." + kind + "." + std::to_string(units));
            }
            // time() reads the factor at the smallest unit count.
            factor_[offset + kind_index(kind)] = speeds.front().second;
            has_factor_[offset + kind_index(kind)] = 1;
        }
    }
    type_row_.assign(data_.tasks.size(), 0);
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const std::string& type = data_.tasks[i].type;
        if (type.empty()) continue;
        const auto it = std::lower_bound(types.begin(), types.end(), type);
        if (it == types.end() || *it != type) {
            throw InputError(at("tasks", i) + ".type", type,
                             "no such row in 'speedups'" + detail::did_you_mean(type, types));
        }
        const auto row = static_cast<std::size_t>(std::distance(types.begin(), it)) + 1;
        type_row_[i] = static_cast<std::int32_t>(row * nk);
    }
    kind_of_.resize(data_.resources.size());
    for (std::size_t j = 0; j < data_.resources.size(); ++j)
        kind_of_[j] = static_cast<std::int32_t>(kind_index(data_.resources[j].kind));
    check_speedup_rows();
    build_unit_tables(types);
    check_unit_tables();
}

void Problem::build_unit_tables(const std::vector<std::string>& types) {
    const SpeedupTables& tables = data_.speedup_tables;
    if (tables.empty()) return;
    const std::size_t nk = kinds_.size();
    // The width: every unit count a task of a type with tables may take, and every key.
    int width = 0;
    for (const auto& [type, row] : tables) {
        for (const auto& [kind, speeds] : row)
            width = std::max(width, speeds.back().first);
    }
    for (const Task& t : data_.tasks) {
        if (!t.type.empty() && tables.count(t.type)) width = std::max(width, t.units.max);
    }
    ++width;
    std::size_t count = 0;
    for (const auto& [type, row] : tables)
        count += row.size();
    constexpr std::size_t kMostFactors = std::size_t{1} << 24;
    if (count * static_cast<std::size_t>(width) > kMostFactors) {
        throw InputError("speedups", std::to_string(width - 1),
                         "tables per unit count up to this many units take too much memory (" +
                             std::to_string(count) + " tables x " + std::to_string(width) +
                             " unit counts; at most " + std::to_string(kMostFactors) + ")");
    }
    table_at_.assign(factor_.size(), -1);
    unit_factor_.assign(count * static_cast<std::size_t>(width), 0.0);
    std::size_t next = 0;
    for (std::size_t r = 0; r < types.size(); ++r) {
        const auto jt = tables.find(types[r]);
        if (jt == tables.end()) continue;
        for (const auto& [kind, speeds] : jt->second) {
            const std::size_t k = static_cast<std::size_t>(
                std::lower_bound(kinds_.begin(), kinds_.end(), kind) - kinds_.begin());
            table_at_[(r + 1) * nk + k] = static_cast<std::int32_t>(next);
            double* slots = unit_factor_.data() + next;
            std::size_t e = 0;
            for (int u = 0; u < width; ++u) {
                while (e + 1 < speeds.size() && speeds[e + 1].first <= u)
                    ++e;
                slots[u] = speeds[e].second;
            }
            next += static_cast<std::size_t>(width);
        }
    }
    unit_width_ = width;
}

void Problem::check_unit_tables() const {
    // Every admissible unit count of a task whose type has a table for kind K, that fits some
    // resource of kind K where the task may be placed, must be a key of that table.
    if (unit_width_ == 0) return;
    const std::size_t m = data_.resources.size(), nk = kinds_.size();
    std::map<std::pair<int, std::int32_t>, std::vector<const UnitChoice*>> seen;
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const Task& t = data_.tasks[i];
        const std::int32_t row = type_row_[i];
        if (row == 0) continue;
        // Tasks with the same allowed set, row and unit choice need one check.
        auto& choices = seen[{allowed_set_[i], row}];
        const bool repeat = std::any_of(choices.begin(), choices.end(), [&](const UnitChoice* c) {
            return c->min == t.units.min && c->max == t.units.max && c->values == t.units.values;
        });
        if (repeat) continue;
        choices.push_back(&t.units);
        std::vector<double> room(nk, 0);  // per kind: the most units of an allowed resource
        for (std::size_t j = 0; j < m; ++j) {
            if (allowed(i, j)) {
                const auto k = static_cast<std::size_t>(kind_of_[j]);
                room[k] = std::max(room[k], capacity(j, 0));
            }
        }
        for (std::size_t k = 0; k < nk; ++k) {
            const std::int32_t table = table_at_[static_cast<std::size_t>(row) + k];
            if (table < 0) continue;
            const UnitSpeeds& speeds = data_.speedup_tables.at(t.type).at(kinds_[k]);
            for (int c = 0; c < t.units.count() && t.units.nth(c) <= room[k]; ++c) {
                const int units = t.units.nth(c);
                const bool found = std::binary_search(
                    speeds.begin(), speeds.end(), std::pair<int, double>{units, 0.0},
                    [](const auto& a, const auto& b) { return a.first < b.first; });
                if (found) continue;
                throw InputError("speedups." + t.type + "." + kinds_[k], std::to_string(units),
                                 "the table lacks this unit count, which task '" + t.id + "' (" +
                                     at("tasks", i) +
                                     ") may take on a resource of this kind: give its factor, "
                                     "or leave the kind out of the task's 'allowed' list");
            }
        }
    }
}

void Problem::check_speedup_rows() const {
    // Every kind a typed task may be placed on needs a factor in its row. Per allowed set, the
    // first resource of each kind it allows; each (set, type) pair is checked once:
    // O(n log n + sets x m + pairs x kinds).
    const std::size_t m = data_.resources.size(), nk = kinds_.size();
    std::map<int, std::vector<std::size_t>> first_of_kind;  // allowed set -> per kind (m: none)
    std::set<std::pair<int, std::int32_t>> checked;         // (allowed set, row offset)
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        const std::int32_t row = type_row_[i];
        if (row == 0 || !checked.emplace(allowed_set_[i], row).second) continue;
        auto [it, fresh] = first_of_kind.try_emplace(allowed_set_[i], nk, m);
        if (fresh) {
            for (std::size_t j = m; j-- > 0;) {
                if (allowed(i, j)) it->second[static_cast<std::size_t>(kind_of_[j])] = j;
            }
        }
        for (std::size_t k = 0; k < nk; ++k) {
            const std::size_t j = it->second[k];
            if (j == m || has_factor_[static_cast<std::size_t>(row) + k]) continue;
            const Task& t = data_.tasks[i];
            const Resource& r = data_.resources[j];
            throw InputError("speedups." + t.type, r.kind,
                             "this row lacks kind '" + r.kind + "', where task '" + t.id + "' (" +
                                 at("tasks", i) + ") may be placed (resource '" + r.id +
                                 "'): give its factor, or leave the kind out of the task's "
                                 "'allowed' list");
        }
    }
}

bool Problem::can_host(std::size_t i, std::size_t j) const {
    if (!allowed(i, j)) return false;
    if (data_.tasks[i].units.min > capacity(j, 0)) return false;
    for (std::size_t k = 1; k < dims(); ++k) {
        if (demand(i, j, k) > capacity(j, k)) return false;
    }
    const DeviceRequest& want = data_.tasks[i].devices;
    const Devices& have = data_.resources[j].devices;
    return want.count == 0 || (want.count <= have.count && want.share <= have.capacity);
}

void Problem::check_every_task_fits() const {
    const std::size_t m = data_.resources.size();
    for (std::size_t i = 0; i < data_.tasks.size(); ++i) {
        bool fits = false;
        for (std::size_t j = 0; j < m && !fits; ++j)
            fits = can_host(i, j);
        if (fits) continue;
        // Name the one need that no allowed resource meets, when there is one; else the task.
        const Task& t = data_.tasks[i];
        const std::string key = at("tasks", i);
        for (std::size_t k = 0; k < dims(); ++k) {
            double largest = 0;
            bool met = false;
            for (std::size_t j = 0; j < m && !met; ++j) {
                if (!allowed(i, j)) continue;
                const double need = k == 0 ? t.units.min : demand(i, j, k);
                met = need <= capacity(j, k);
                largest = std::max(largest, capacity(j, k));
            }
            if (met) continue;
            const std::string& dim = dimensions_[k];
            const std::string tail = " but no allowed resource has that much (the largest has " +
                                     format_number(largest) + ")";
            if (k == 0) {
                throw InputError(key + ".units", std::to_string(t.units.min),
                                 "task '" + t.id + "' needs at least " +
                                     std::to_string(t.units.min) + " units" + tail);
            }
            if (has_demand_matrix(k)) {
                throw InputError("demand." + dim + "[" + std::to_string(i) + "]", t.id,
                                 "task '" + t.id + "' needs more " + dim +
                                     " on every allowed resource than it has");
            }
            throw InputError(key + ".demand." + dim, format_number(demand_[i * dims() + k]),
                             "task '" + t.id + "' needs " + format_number(demand_[i * dims() + k]) +
                                 " " + dim + tail);
        }
        if (t.devices.count > 0) {
            int most = 0;
            bool met = false;
            for (std::size_t j = 0; j < m && !met; ++j) {
                if (!allowed(i, j)) continue;
                const Devices& have = data_.resources[j].devices;
                met = t.devices.count <= have.count && t.devices.share <= have.capacity;
                if (t.devices.share <= have.capacity) most = std::max(most, have.count);
            }
            if (!met) {
                throw InputError(key + ".devices.count", std::to_string(t.devices.count),
                                 "task '" + t.id + "' needs " + std::to_string(t.devices.count) +
                                     " devices with " + std::to_string(t.devices.share) +
                                     " free each, but no allowed resource has that many (the "
                                     "most is " +
                                     std::to_string(most) + ")");
            }
        }
        std::string what = "units " + std::to_string(t.units.min);
        for (const auto& [dim, value] : t.demand) {
            what += ", " + dim + " " + format_number(value);
        }
        throw InputError(
            key, t.id,
            "no allowed resource can hold all of this task's needs at once (" + what + ")");
    }
}

namespace {

/// Every total the Evaluator sums must stay below this, leaving headroom below the largest
/// double (about 1.8e308) for the weighted sums and ratios built from the totals.
constexpr double kTotalLimit = 1e300;

/// a x b for bounds: 0 when either is 0, so that 0 x inf (nothing of something unbounded)
/// stays 0 instead of NaN.
double times(double a, double b) {
    return a == 0 || b == 0 ? 0.0 : a * b;
}

/// One number that a task's contribution to a total is made of; `size` says how much it
/// weighs in that contribution (1 / value for a divisor). An error names the heaviest.
struct Factor {
    std::string key;
    double value;
    double size;
};

Factor heaviest(const std::vector<Factor>& factors) {
    const Factor* out = &factors.front();
    for (const Factor& f : factors) {
        if (!(f.size <= out->size)) out = &f;
    }
    return *out;
}

/// A running sum of worst-case contributions that must stay below the limit.
class Total {
  public:
    explicit Total(std::string what) : what_(std::move(what)) {}

    /// Adds `contribution`. Past the limit, throws an InputError naming `who()` ("task 't3'")
    /// and the heaviest of `factors()`; both are called only then, so the check allocates
    /// nothing while the sums stay small.
    template <typename Who, typename Factors>
    void add(double contribution, Who&& who, Factors&& factors) {
        sum_ += contribution;
        if (sum_ <= kTotalLimit) return;  // also false for NaN
        const Factor f = heaviest(factors());
        throw InputError(f.key, format_number(f.value),
                         "too large: " + who() + " brings the worst-case " + what_ + " to " +
                             format_number(sum_) + ", above the limit of " +
                             format_number(kTotalLimit) + " that keeps results finite");
    }
    double sum() const { return sum_; }

  private:
    std::string what_;
    double sum_ = 0;
};

}  // namespace

void Problem::check_totals_stay_finite() const {
    // Worst cases per task, over every resource (a solver's candidate may place a task
    // anywhere) and every admissible unit count: one pass over the matrices when given, else
    // O(n + types x m). Each bound is at least what the Evaluator can compute.
    const std::size_t n = data_.tasks.size(), m = data_.resources.size(), d = dims();
    const auto& resources = data_.resources;
    // Per resource: the slowest and fastest speeds, the largest cost_per_hour / speed and
    // weight / speed, the largest and smallest weights, and per dimension the smallest positive
    // capacity. With speedups, speed means speed x factor, per row of the table (row 0: the
    // tasks without a type).
    const std::size_t nk = std::max<std::size_t>(kinds_.size(), 1);
    const std::size_t rows = factor_.empty() ? 1 : factor_.size() / nk;
    // A pair with a table per unit count: its smallest factor for the long totals, its largest
    // for the shortest duration.
    std::vector<double> low = factor_, high = factor_;
    std::vector<std::uint8_t> row_has_table(rows, 0);
    for (std::size_t p = 0; p < table_at_.size(); ++p) {
        if (table_at_[p] < 0) continue;
        const double* slots = unit_factor_.data() + table_at_[p];
        low[p] = *std::min_element(slots, slots + unit_width_);
        high[p] = *std::max_element(slots, slots + unit_width_);
        row_has_table[p / nk] = 1;
    }
    const auto speed_at = [&](std::size_t row, std::size_t j) {
        if (factor_.empty()) return resources[j].speed;
        return resources[j].speed * low[row * nk + static_cast<std::size_t>(kind_of_[j])];
    };
    const auto fast_speed_at = [&](std::size_t row, std::size_t j) {
        if (factor_.empty()) return resources[j].speed;
        return resources[j].speed * high[row * nk + static_cast<std::size_t>(kind_of_[j])];
    };
    std::vector<std::size_t> slowest(rows, 0), fastest(rows, 0), priciest(rows, 0),
        weighty(rows, 0);
    for (std::size_t row = 0; row < rows; ++row) {
        for (std::size_t j = 1; j < m; ++j) {
            const Resource& r = resources[j];
            const double s = speed_at(row, j);
            if (s < speed_at(row, slowest[row])) slowest[row] = j;
            if (fast_speed_at(row, j) > fast_speed_at(row, fastest[row])) fastest[row] = j;
            const std::size_t jc = priciest[row], jw = weighty[row];
            if (r.cost_per_hour / s > resources[jc].cost_per_hour / speed_at(row, jc)) {
                priciest[row] = j;
            }
            if (r.weight / s > resources[jw].weight / speed_at(row, jw)) weighty[row] = j;
        }
    }
    std::size_t weightiest = 0, lightest = 0;
    for (std::size_t j = 1; j < m; ++j) {
        const Resource& r = resources[j];
        if (r.weight < resources[lightest].weight) lightest = j;
        if (r.weight > resources[weightiest].weight) weightiest = j;
    }
    std::vector<std::size_t> tightest(d, m);  // per dimension, m = none declared
    for (std::size_t k = 0; k < d; ++k) {
        for (std::size_t j = 0; j < m; ++j) {
            const double cap = capacity(j, k);
            if (cap > 0 && (tightest[k] == m || cap < capacity(tightest[k], k))) tightest[k] = j;
        }
    }
    const auto resource_factor = [&](std::size_t j, const std::string& field, double value,
                                     double size) {
        return Factor{at("resources", j) + "." + field, value, size};
    };
    const auto pair_key = [](const std::string& name, std::size_t i, std::size_t j) {
        return name + "[" + std::to_string(i) + "][" + std::to_string(j) + "]";
    };
    using Factors = std::vector<Factor>;

    Total durations("sum of task durations"), busy("sum of units x duration"),
        weighted_busy("sum of weighted units x duration"), costs("total cost"),
        work("total work (workload x frequency)"), concurrent("sum of max(workload, frequency)"),
        used("sum of units x frequency x weight"), violation("capacity violation"),
        deadlines("deadline violation");
    std::vector<Total> demands;
    for (std::size_t k = 0; k < d; ++k)
        demands.emplace_back("total " + dimensions_[k] + " demand");
    for (std::size_t j = 0; j < m; ++j) {
        const double fixed = resources[j].fixed_cost;
        costs.add(
            fixed, [&] { return "resource '" + resources[j].id + "'"; },
            [&] { return Factors{resource_factor(j, "fixed_cost", fixed, 1)}; });
    }

    double latest_arrival = 0;
    std::size_t latest = 0;  // the task of the latest arrival
    double longest_duration = -1;
    std::size_t longest = 0;       // the task of the longest duration
    Factor long_factor{"", 0, 0};  // the heaviest factor of that duration
    double shortest = kInfinity;   // the shortest positive duration, which a makespan can be
    std::size_t short_task = 0;
    Factor short_factor{"", 0, 0};  // the heaviest factor of its shortness
    double most_work = 0;           // the largest workload
    std::size_t most_work_task = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Task& t = data_.tasks[i];
        const auto who = [&] { return "task '" + t.id + "'"; };
        const auto key = [&](const std::string& field) { return at("tasks", i) + "." + field; };
        const std::size_t row = factor_.empty() ? 0 : static_cast<std::size_t>(type_row_[i]) / nk;
        // The smallest speed-up and the largest units / speed-up over admissible unit counts.
        double slow = t.scaling.speedup(t.units.min);
        int slow_units = t.units.min;
        double spread = t.units.max / t.scaling.speedup(t.units.max);
        if (t.scaling.type == Scaling::Type::linear) spread = 1.0;
        if (t.scaling.type == Scaling::Type::table) {
            slow = kInfinity;
            spread = 0;
            for (const auto& [units, speedup] : t.scaling.table) {
                if (!t.units.allows(units)) continue;
                if (speedup < slow) slow = speedup, slow_units = units;
                spread = std::max(spread, units / speedup);
            }
        }
        // The largest speed-up over admissible unit counts (for the shortest duration).
        double fast = t.scaling.speedup(t.units.max);
        int fast_units = t.units.max;
        if (t.scaling.type == Scaling::Type::table) {
            fast = 0;
            for (const auto& [units, speedup] : t.scaling.table) {
                if (t.units.allows(units) && speedup > fast) fast = speedup, fast_units = units;
            }
        }
        // A table per unit count divides the workload by its own factor instead: with its
        // extreme factors in `low` and `high`, bound the scaling's part by 1 and units / 1.
        if (row_has_table[row]) {
            slow = std::min(slow, 1.0);
            spread = std::max(spread, static_cast<double>(t.units.max));
            fast = std::max(fast, 1.0);
        }
        // The longest time of one execution on one unit, and the largest time x cost_per_hour
        // and time x weight, with the resource that has each.
        double longest_time = 0, time_cost = 0, time_weight = 0, pair_cost = 0;
        double shortest_time = kInfinity;  // positive
        std::size_t jt = 0, jc = 0, jw = 0, jp = 0, js = 0;
        if (has_time_) {
            for (std::size_t j = 0; j < m; ++j) {
                const double time = data_.time(i, j);
                if (time > longest_time) longest_time = time, jt = j;
                if (time > 0 && time < shortest_time) shortest_time = time, js = j;
                if (times(time, resources[j].cost_per_hour) > time_cost) {
                    time_cost = times(time, resources[j].cost_per_hour), jc = j;
                }
                if (time * resources[j].weight > time_weight) {
                    time_weight = time * resources[j].weight, jw = j;
                }
            }
        } else {
            jt = slowest[row], jc = priciest[row], jw = weighty[row], js = fastest[row];
            longest_time = t.workload / speed_at(row, jt);
            if (t.workload > 0) shortest_time = t.workload / fast_speed_at(row, js);
            time_cost = times(t.workload, resources[jc].cost_per_hour / speed_at(row, jc));
            time_weight = times(t.workload, resources[jw].weight / speed_at(row, jw));
        }
        if (has_cost_matrix()) {
            for (std::size_t j = 0; j < m; ++j) {
                if (data_.cost(i, j) > pair_cost) pair_cost = data_.cost(i, j), jp = j;
            }
        }
        // The numbers each contribution is made of, built only for an error message.
        const auto frequency = [&] { return Factor{key("frequency"), t.frequency, t.frequency}; };
        const auto workload = [&] { return Factor{key("workload"), t.workload, t.workload}; };
        const auto units = [&] {
            return Factor{key("units"), static_cast<double>(t.units.max), spread};
        };
        const auto time_of = [&](std::size_t j) {
            if (has_time_)
                return Factor{pair_key("time", i, j), data_.time(i, j), data_.time(i, j)};
            return workload();
        };
        const auto speed_of = [&](std::size_t j) {
            const double s = has_time_ ? 1.0 : resources[j].speed;
            const Factor own = resource_factor(j, "speed", s, 1 / s);
            if (row == 0) return own;
            const double f = low[row * nk + static_cast<std::size_t>(kind_of_[j])];
            return heaviest({own, {"speedups." + t.type + "." + resources[j].kind, f, 1 / f}});
        };
        const auto duration_factors = [&] {
            return Factors{time_of(jt),
                           speed_of(jt),
                           frequency(),
                           {key("scaling.table." + std::to_string(slow_units)), slow, 1 / slow}};
        };

        const double duration = times(t.frequency, longest_time) / slow;
        durations.add(duration, who, duration_factors);
        if (duration > longest_duration) {
            longest_duration = duration, longest = i;
            long_factor = heaviest(duration_factors());
        }
        const auto fast_factor = [&] {
            if (t.scaling.type != Scaling::Type::table) {
                return Factor{key("units"), static_cast<double>(t.units.max), fast};
            }
            return Factor{key("scaling.table." + std::to_string(fast_units)), fast, fast};
        };
        if (const double brief = t.frequency * shortest_time / fast; brief < shortest) {
            shortest = brief, short_task = i;
            Factor time = time_of(js);
            time.size = 1 / time.value;  // here a small time weighs
            Factor speed = speed_of(js);
            speed.size = 1 / speed.size;
            short_factor = heaviest(
                {time, speed, {key("frequency"), t.frequency, 1 / t.frequency}, fast_factor()});
        }
        if (t.workload > most_work) most_work = t.workload, most_work_task = i;
        busy.add(times(t.frequency, longest_time) * spread, who, [&] {
            return Factors{time_of(jt), speed_of(jt), frequency(), units()};
        });
        weighted_busy.add(times(t.frequency, time_weight) * spread, who, [&] {
            const double weight = resources[jw].weight;
            return Factors{time_of(jw), speed_of(jw), frequency(), units(),
                           resource_factor(jw, "weight", weight, weight)};
        });
        if (has_cost_matrix()) {
            costs.add(pair_cost, who, [&] {
                return Factors{{pair_key("cost", i, jp), pair_cost, pair_cost}};
            });
        } else {
            costs.add(times(t.frequency, time_cost) * spread, who, [&] {
                const double cph = resources[jc].cost_per_hour;
                return Factors{time_of(jc), speed_of(jc), frequency(), units(),
                               resource_factor(jc, "cost_per_hour", cph, cph)};
            });
        }
        work.add(times(t.workload, t.frequency), who, [&] {
            return Factors{workload(), frequency()};
        });
        concurrent.add(std::max(t.workload, t.frequency), who, [&] {
            return Factors{workload(), frequency()};
        });
        const double max_weight = resources[weightiest].weight;
        used.add(t.units.max * t.frequency * max_weight, who, [&] {
            return Factors{units(), frequency(),
                           resource_factor(weightiest, "weight", max_weight, max_weight)};
        });
        // Demand per dimension, and the capacity violation it can cause where capacity is
        // smallest.
        for (std::size_t k = 0; k < d; ++k) {
            double need = t.units.max;
            std::size_t jd = 0;
            if (k > 0 && has_demand_matrix(k)) {
                need = 0;
                for (std::size_t j = 0; j < m; ++j) {
                    if (demand(i, j, k) > need) need = demand(i, j, k), jd = j;
                }
            } else if (k > 0) {
                need = demand_[i * d + k];
            }
            const auto need_factor = [&] {
                const std::string& dim = dimensions_[k];
                if (k == 0) return units();
                if (has_demand_matrix(k))
                    return Factor{pair_key("demand." + dim, i, jd), need, need};
                return Factor{key("demand." + dim), need, need};
            };
            demands[k].add(need, who, [&] { return Factors{need_factor()}; });
            const std::size_t jk = tightest[k];
            const double cap = jk < m ? capacity(jk, k) : 1.0;
            violation.add(need / cap, who, [&] {
                return Factors{
                    need_factor(),
                    resource_factor(jk < m ? jk : 0, "capacity." + dimensions_[k], cap, 1 / cap)};
            });
        }
        if (t.arrival > latest_arrival) latest_arrival = t.arrival, latest = i;
    }

    // Completion times: a task ends at most at the latest arrival plus every duration.
    const auto longest_task = [&] { return "task '" + data_.tasks[longest].id + "'"; };
    const auto long_factors = [&] { return Factors{long_factor}; };
    Total end("latest completion time");
    end.add(
        latest_arrival, [&] { return "task '" + data_.tasks[latest].id + "'"; },
        [&] {
            return Factors{{at("tasks", latest) + ".arrival", latest_arrival, latest_arrival}};
        });
    end.add(durations.sum(), longest_task, long_factors);
    const double last_end = end.sum();
    Total flowtime("sum of completion times");
    flowtime.add(static_cast<double>(n) * last_end, longest_task, long_factors);
    Total weighted("sum of priority x completion time");
    for (std::size_t i = 0; i < n; ++i) {
        const Task& t = data_.tasks[i];
        const auto who = [&] { return "task '" + t.id + "'"; };
        weighted.add(times(std::abs(t.priority), last_end), who, [&] {
            return Factors{{at("tasks", i) + ".priority", t.priority, std::abs(t.priority)}};
        });
        if (data_.hard_deadlines && std::isfinite(t.deadline)) {
            deadlines.add(last_end / t.deadline, who, [&] {
                return Factors{{at("tasks", i) + ".deadline", t.deadline, 1 / t.deadline}};
            });
        }
    }
    // Ratios: work per unit of horizon (or of makespan, which is at least the shortest
    // positive duration when it is not 0), work per weighted busy time, work per weighted use.
    Total throughput("work per unit of time (throughput)");
    const double lightest_weight = resources[lightest].weight;
    const auto light_factor = [&] {
        return resource_factor(lightest, "weight", lightest_weight, 1 / lightest_weight);
    };
    if (std::isfinite(data_.horizon)) {
        const auto horizon = [&] { return Factors{{"horizon", data_.horizon, 1 / data_.horizon}}; };
        const auto who = [] { return std::string("the horizon"); };
        throughput.add(work.sum() / data_.horizon, who, horizon);
        if (data_.hard_horizon) deadlines.add(last_end / data_.horizon, who, horizon);
    } else if (std::isfinite(shortest)) {
        throughput.add(
            work.sum() / shortest,
            [&] { return "the shortest duration, of task '" + data_.tasks[short_task].id + "',"; },
            [&] { return Factors{short_factor}; });
    }
    Total efficiency("work per weighted busy time (efficiency)");
    if (std::isfinite(shortest)) {
        efficiency.add(
            work.sum() / shortest / lightest_weight,
            [&] { return "the shortest duration, of task '" + data_.tasks[short_task].id + "',"; },
            [&] {
                return Factors{short_factor, light_factor()};
            });
    }
    Total per_use("work per weighted use (work_per_utilization)");
    per_use.add(
        most_work / lightest_weight,
        [&] { return "task '" + data_.tasks[most_work_task].id + "'"; },
        [&] {
            const double w = data_.tasks[most_work_task].workload;
            return Factors{{at("tasks", most_work_task) + ".workload", w, w}, light_factor()};
        });

    // The objective: each weight times the bound on its metric.
    double bound[std::size(kAllMetrics)] = {};
    bound[static_cast<std::size_t>(Metric::makespan)] = last_end;
    bound[static_cast<std::size_t>(Metric::flowtime)] = flowtime.sum();
    bound[static_cast<std::size_t>(Metric::weighted_completion)] = weighted.sum();
    bound[static_cast<std::size_t>(Metric::mean_response)] = last_end;
    bound[static_cast<std::size_t>(Metric::cost)] = costs.sum();
    bound[static_cast<std::size_t>(Metric::deadline_misses)] = static_cast<double>(n);
    bound[static_cast<std::size_t>(Metric::unplaced)] = static_cast<double>(n);
    bound[static_cast<std::size_t>(Metric::throughput)] = throughput.sum();
    bound[static_cast<std::size_t>(Metric::utilization)] = violation.sum();  // units / capacity
    bound[static_cast<std::size_t>(Metric::parallelism)] = static_cast<double>(n);
    bound[static_cast<std::size_t>(Metric::efficiency)] = efficiency.sum();
    bound[static_cast<std::size_t>(Metric::work_per_utilization)] = per_use.sum();
    bound[static_cast<std::size_t>(Metric::degree_of_parallelism)] = concurrent.sum();
    bound[static_cast<std::size_t>(Metric::load_imbalance)] = static_cast<double>(m);
    Total objective("objective value");
    for (const auto& [metric, weight] : data_.objective.terms) {
        const std::string name(metric_name(metric));
        objective.add(
            times(std::abs(weight), bound[static_cast<std::size_t>(metric)]),
            [&] { return "the weight of " + name; },
            // A copy: clang 14 cannot capture a structured binding (the TSan pass builds with it).
            [&, w = weight] {
                return Factors{{"objective." + name, w, std::abs(w)}};
            });
    }
}

std::optional<std::size_t> Problem::dimension_index(std::string_view name) const {
    for (std::size_t k = 0; k < dimensions_.size(); ++k) {
        if (dimensions_[k] == name) return k;
    }
    return std::nullopt;
}

std::optional<std::size_t> Problem::task_index(std::string_view id) const {
    auto it = task_index_.find(id);
    if (it == task_index_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::size_t> Problem::resource_index(std::string_view id) const {
    auto it = resource_index_.find(id);
    if (it == resource_index_.end()) return std::nullopt;
    return it->second;
}

}  // namespace allocopt
