#include "allocopt/io/solver_config.hpp"

#include <cmath>
#include <string>

#include "allocopt/io/problem_yaml.hpp"
#include "io/yaml_values.hpp"

namespace allocopt {

namespace {

std::uint64_t count(const detail::YamlValues& y, const detail::YamlNode& node,
                    const std::string& key) {
    const double v = y.number(node, key);
    if (v < 0 || v != std::floor(v) || v > 1e18) {
        y.fail(node, key, detail::YamlValues::show(node), "expected a whole number >= 0");
    }
    return static_cast<std::uint64_t>(v);
}

double seconds(const detail::YamlValues& y, const detail::YamlNode& node, const std::string& key) {
    const double v = y.number(node, key);  // finite
    if (v < 0) y.fail(node, key, detail::YamlValues::show(node), "expected seconds >= 0");
    return v;
}

}  // namespace

void SolverConfig::apply(OptionValues& values) const {
    for (const Option& o : options) {
        try {
            values.set(o.name, o.value);
        } catch (const InputError& e) {
            throw InputError("options." + o.name, o.value, e.message(), o.position);
        }
    }
}

SolverConfig parse_solver_config(const std::string& text, const std::string& file) {
    detail::YamlValues y(file);
    const detail::YamlNode root = y.load(text);
    y.expect_map(root, "");
    y.check_keys(root, "",
                 {"solver", "seed", "threads", "time-limit", "max-evals", "target", "stall-evals",
                  "stall-seconds", "options"});
    SolverConfig c;
    for (std::size_t k = 0; k < root.size(); ++k) {
        const std::string key = root.key(k).str();
        const detail::YamlNode v = root.value(k);
        if (key == "solver") {
            c.solver = y.text(v, key);
            c.solver_position = y.position(v);
        } else if (key == "seed") {
            c.seed = count(y, v, key);
        } else if (key == "threads") {
            const std::uint64_t threads = count(y, v, key);
            if (threads > static_cast<std::uint64_t>(kMaxThreads)) {
                y.fail(v, key, y.show(v),
                       "expected at most " + std::to_string(kMaxThreads) + " threads");
            }
            c.threads = static_cast<int>(threads);
        } else if (key == "time-limit") {
            c.time_limit = seconds(y, v, key);
        } else if (key == "max-evals") {
            c.max_evaluations = count(y, v, key);
        } else if (key == "target") {
            c.target = y.number(v, key);
        } else if (key == "stall-evals") {
            c.stall_evaluations = count(y, v, key);
        } else if (key == "stall-seconds") {
            c.stall_seconds = seconds(y, v, key);
        } else if (key == "options") {
            if (v.is_null()) continue;
            y.expect_map(v, key);
            for (std::size_t o = 0; o < v.size(); ++o) {
                const detail::YamlNode name_node = v.key(o), value = v.value(o);
                const std::string name = y.text(name_node, key);
                const std::string path = "options." + name;
                y.note_key(path, name_node, value);
                for (const SolverConfig::Option& seen : c.options) {
                    if (seen.name == name) y.fail(name_node, path, name, "duplicate key");
                }
                if (!value.is_scalar()) {
                    y.fail(value, path, y.show(value), "expected a single value");
                }
                c.options.push_back({name, value.str(), y.position(name_node)});
            }
        }
    }
    return c;
}

SolverConfig read_solver_config(const std::string& path) {
    return parse_solver_config(read_file_text(path), path);
}

}  // namespace allocopt
