#include "allocopt/io/solver_config.hpp"

#include <string>

#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solver.hpp"
#include "io/yaml_values.hpp"

namespace allocopt {

namespace {

bool is_row(const std::vector<OptionSpec>& rows, std::string_view key) {
    for (const OptionSpec& row : rows) {
        if (row.name == key) return true;
    }
    return false;
}

}  // namespace

const SolverConfig::Entry* SolverConfig::setting(std::string_view name) const {
    for (const Entry& e : settings) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

RunSettings SolverConfig::run_settings() const {
    OptionValues values(&run_settings_table().specs());
    apply_settings(values, [](std::string_view) { return false; });
    return run_settings_table().read(values);
}

void SolverConfig::apply_options(OptionValues& values) const {
    for (const Entry& o : options) {
        try {
            values.set(o.name, o.value);
        } catch (const InputError& e) {
            throw InputError("options." + o.name, o.value, e.message(), o.position);
        }
    }
}

SolverConfig parse_solver_config(const std::string& text, const std::string& file) {
    detail::YamlValues y(file);
    detail::YamlNode root = y.load(text);
    y.expect_map(root, "");
    const std::vector<OptionSpec>& rows = run_settings_table().specs();
    std::vector<std::string_view> keys;
    for (const OptionSpec& row : rows)
        keys.push_back(row.name);
    keys.push_back("options");
    // A result file: its `solver:` block holds the run's settings (the solver as `name`) and
    // what the run reported, which a configuration ignores.
    const bool result_file = root["solver"].is_map();
    std::string_view prefix;
    if (result_file) {
        root = root["solver"];
        prefix = "solver.";
        keys.erase(keys.begin());  // `solver` is `name` here
        for (std::string_view k :
             {"name", "evaluations", "seconds", "stop", "lower_bound", "notes"})
            keys.push_back(k);
    }
    y.check_keys(root, std::string(prefix.empty() ? "" : "solver"), keys);
    SolverConfig c;
    OptionValues check(&rows);
    for (std::size_t k = 0; k < root.size(); ++k) {
        std::string key = root.key(k).str();
        const detail::YamlNode v = root.value(k);
        if (result_file) {
            if (key == "name")
                key = "solver";
            else if (key != "options" && !is_row(rows, key))
                continue;  // what the run reported
        }
        if (key == "options") {
            if (v.is_null()) continue;
            y.expect_map(v, key);
            for (std::size_t o = 0; o < v.size(); ++o) {
                const detail::YamlNode name_node = v.key(o), value = v.value(o);
                const std::string name = y.text(name_node, key);
                const std::string path = "options." + name;
                y.note_key(path, name_node, value);
                for (const SolverConfig::Entry& seen : c.options) {
                    if (seen.name == name) y.fail(name_node, path, name, "duplicate key");
                }
                if (!value.is_scalar()) {
                    y.fail(value, path, y.show(value), "expected a single value");
                }
                c.options.push_back({name, value.str(), y.position(name_node)});
            }
            continue;
        }
        if (!v.is_scalar()) y.fail(v, key, y.show(v), "expected a single value");
        // YAML's spellings of infinity and not-a-number are refused by the row as words.
        const std::string value = v.str();
        try {
            if (value.empty()) throw InputError(key, value, "expected a value");
            check.set(key, value);
        } catch (const InputError& e) {
            y.fail(v, key, value, e.message());
        }
        c.settings.push_back({key, value, y.position(v)});
    }
    return c;
}

SolverConfig read_solver_config(const std::string& path) {
    return parse_solver_config(read_file_text(path), path);
}

}  // namespace allocopt
