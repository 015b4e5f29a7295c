#include "allocopt/io/problem_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>
#include <sstream>
#include <string>

#include "allocopt/io/result_io.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

/// Numbers go out as their shortest round-trip text (yaml-cpp would round doubles to its
/// default precision); yaml-cpp leaves such text unquoted.
void number(YAML::Emitter& out, double value) {
    out << detail::format_number(value);
}

void amounts(YAML::Emitter& out, const std::map<std::string, double>& values, bool units_first) {
    out << YAML::Flow << YAML::BeginMap;
    if (units_first) {
        if (auto it = values.find(std::string(kUnitsDimension)); it != values.end()) {
            out << YAML::Key << it->first << YAML::Value;
            number(out, it->second);
        }
    }
    for (const auto& [name, value] : values) {
        if (units_first && name == kUnitsDimension) continue;
        out << YAML::Key << name << YAML::Value;
        number(out, value);
    }
    out << YAML::EndMap;
}

void resource(YAML::Emitter& out, const Resource& r) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << r.id;
    out << YAML::Key << "kind" << YAML::Value << r.kind;
    out << YAML::Key << "capacity" << YAML::Value;
    amounts(out, r.capacity, true);
    auto field = [&](const char* key, double value, double default_value) {
        if (value == default_value) return;
        out << YAML::Key << key << YAML::Value;
        number(out, value);
    };
    field("speed", r.speed, 1.0);
    field("cost_per_hour", r.cost_per_hour, 0.0);
    field("fixed_cost", r.fixed_cost, 0.0);
    field("weight", r.weight, 1.0);
    if (r.devices.count > 0) {
        out << YAML::Key << "devices" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "count" << YAML::Value << r.devices.count;
        out << YAML::Key << "capacity" << YAML::Value << r.devices.capacity;
        if (!r.devices.model.empty()) out << YAML::Key << "model" << YAML::Value << r.devices.model;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void units(YAML::Emitter& out, const UnitChoice& u) {
    if (!u.values.empty()) {
        out << YAML::Flow << YAML::BeginSeq;
        for (int v : u.values)
            out << v;
        out << YAML::EndSeq;
    } else if (u.fixed()) {
        out << u.min;
    } else {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "min" << YAML::Value << u.min
            << YAML::Key << "max" << YAML::Value << u.max << YAML::EndMap;
    }
}

void scaling(YAML::Emitter& out, const Scaling& s) {
    out << YAML::Flow << YAML::BeginMap;
    if (s.type == Scaling::Type::amdahl) {
        out << YAML::Key << "amdahl" << YAML::Value;
        number(out, s.parallel_fraction);
    } else {
        out << YAML::Key << "table" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [count, speedup] : s.table) {
            out << YAML::Key << count << YAML::Value;
            number(out, speedup);
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void task(YAML::Emitter& out, const Task& t) {
    const Task defaults;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << t.id;
    if (t.kind != defaults.kind) {
        out << YAML::Key << "kind" << YAML::Value << std::string(task_kind_name(t.kind));
    }
    if (!t.type.empty()) out << YAML::Key << "type" << YAML::Value << t.type;
    auto field = [&](const char* key, double value, double default_value) {
        if (value == default_value) return;
        out << YAML::Key << key << YAML::Value;
        number(out, value);
    };
    field("workload", t.workload, defaults.workload);
    field("frequency", t.frequency, defaults.frequency);
    field("priority", t.priority, defaults.priority);
    field("arrival", t.arrival, defaults.arrival);
    if (std::isfinite(t.deadline)) field("deadline", t.deadline, defaults.deadline);
    if (!t.demand.empty()) {
        out << YAML::Key << "demand" << YAML::Value;
        amounts(out, t.demand, false);
    }
    if (!(t.units.values.empty() && t.units.fixed() && t.units.min == 1)) {
        out << YAML::Key << "units" << YAML::Value;
        units(out, t.units);
    }
    if (t.scaling.type != Scaling::Type::linear) {
        out << YAML::Key << "scaling" << YAML::Value;
        scaling(out, t.scaling);
    }
    if (!t.allowed.empty()) {
        out << YAML::Key << "allowed" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const std::string& name : t.allowed)
            out << name;
        out << YAML::EndSeq;
    }
    if (t.optional) out << YAML::Key << "optional" << YAML::Value << true;
    if (t.devices.count > 0) {
        out << YAML::Key << "devices" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "count" << YAML::Value << t.devices.count;
        out << YAML::Key << "share" << YAML::Value << t.devices.share;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

/// A dense matrix, one flow row per task.
void matrix(YAML::Emitter& out, const Matrix& values) {
    out << YAML::BeginSeq;
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
        out << YAML::Flow << YAML::BeginSeq;
        for (Eigen::Index j = 0; j < values.cols(); ++j)
            number(out, values(i, j));
        out << YAML::EndSeq;
    }
    out << YAML::EndSeq;
}

void objective(YAML::Emitter& out, const Objective& o) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << std::string(sense_name(o.sense))
        << YAML::Value;
    if (o.single()) {
        out << std::string(metric_name(o.terms.front().first));
    } else {
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& [metric, weight] : o.terms) {
            out << YAML::Key << std::string(metric_name(metric)) << YAML::Value;
            number(out, weight);
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

}  // namespace

std::string problem_text(const Problem& problem, const ProblemTextOptions& options) {
    const ProblemData& data = problem.data();
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << data.name;
    out << YAML::Key << "mode" << YAML::Value << std::string(mode_name(data.mode));
    out << YAML::Key << "policy" << YAML::Value << std::string(policy_name(data.policy));
    if (data.backfill) out << YAML::Key << "backfill" << YAML::Value << true;
    out << YAML::Key << "resources" << YAML::Value << YAML::BeginSeq;
    for (const Resource& r : problem.resources())
        resource(out, r);
    out << YAML::EndSeq;
    if (!data.speedups.empty() || !data.speedup_tables.empty()) {
        // One row per type: its factors and its tables per unit count, by kind.
        std::set<std::string> types;
        for (const auto& [type, row] : data.speedups)
            types.insert(type);
        for (const auto& [type, row] : data.speedup_tables)
            types.insert(type);
        out << YAML::Key << "speedups" << YAML::Value << YAML::BeginMap;
        for (const std::string& type : types) {
            out << YAML::Key << type << YAML::Value;
            const auto tables = data.speedup_tables.find(type);
            if (tables == data.speedup_tables.end()) {
                amounts(out, data.speedups.at(type), false);
                continue;
            }
            const auto factors = data.speedups.find(type);
            std::set<std::string> kinds;
            if (factors != data.speedups.end()) {
                for (const auto& [kind, factor] : factors->second)
                    kinds.insert(kind);
            }
            for (const auto& [kind, speeds] : tables->second)
                kinds.insert(kind);
            out << YAML::Flow << YAML::BeginMap;
            for (const std::string& kind : kinds) {
                out << YAML::Key << kind << YAML::Value;
                if (const auto t = tables->second.find(kind); t != tables->second.end()) {
                    out << YAML::Flow << YAML::BeginMap;
                    for (const auto& [count, factor] : t->second) {
                        out << YAML::Key << count << YAML::Value;
                        number(out, factor);
                    }
                    out << YAML::EndMap;
                } else {
                    number(out, factors->second.at(kind));
                }
            }
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::Key << "tasks" << YAML::Value << YAML::BeginSeq;
    for (const Task& t : problem.tasks())
        task(out, t);
    out << YAML::EndSeq;
    if (problem.has_time_matrix()) {
        out << YAML::Key << "time" << YAML::Value;
        matrix(out, data.time);
    }
    if (problem.has_cost_matrix()) {
        out << YAML::Key << "cost" << YAML::Value;
        matrix(out, data.cost);
    }
    bool any_demand = false;
    for (std::size_t k = 1; k < problem.num_dimensions(); ++k)
        any_demand = any_demand || problem.has_demand_matrix(k);
    if (any_demand) {
        out << YAML::Key << "demand" << YAML::Value << YAML::BeginMap;
        for (std::size_t k = 1; k < problem.num_dimensions(); ++k) {
            if (!problem.has_demand_matrix(k)) continue;
            out << YAML::Key << problem.dimensions()[k] << YAML::Value;
            matrix(out, problem.demand_matrix(k));
        }
        out << YAML::EndMap;
    }
    out << YAML::Key << "objective" << YAML::Value;
    objective(out, data.objective);
    if (std::isfinite(data.horizon)) {
        out << YAML::Key << "horizon" << YAML::Value;
        number(out, data.horizon);
    }
    if (data.hard_deadlines || data.hard_horizon) {
        out << YAML::Key << "hard" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        if (data.hard_deadlines) out << "deadlines";
        if (data.hard_horizon) out << "horizon";
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;

    std::ostringstream text;
    if (!options.comment.empty()) {
        std::istringstream lines(options.comment);
        for (std::string line; std::getline(lines, line);)
            text << (line.empty() ? "#" : "# " + line) << '\n';
    }
    text << out.c_str() << '\n';
    return text.str();
}

void write_problem(const std::string& path, const Problem& problem,
                   const ProblemTextOptions& options) {
    write_text_atomic(path, problem_text(problem, options));
}

}  // namespace allocopt
