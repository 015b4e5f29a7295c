// ParameterSpace (allocopt/tune.hpp): the solver's options table seen as a search space.

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "allocopt/solve.hpp"
#include "allocopt/solvers/registry.hpp"
#include "allocopt/tune.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

using Type = OptionSpec::Type;

bool is_number(Type t) {
    return t == Type::integer || t == Type::real;
}

/// Splits `NAME=VALUE`; throws InputError (key = flag) when there is no '=' or no name.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& flag) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw InputError(flag, text,
                         "expected NAME=" + std::string(flag == "--fix" ? "VALUE" : "LOW:HIGH"));
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto at = text.find(sep, start);
        out.push_back(text.substr(start, at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

}  // namespace

ParameterSpace::ParameterSpace(std::string_view solver, const std::vector<std::string>& narrow,
                               const std::vector<std::string>& fix)
    : solver_(solver) {
    const SolverEntry& entry = find_solver(solver);
    for (const OptionSpec& spec : entry.options) {
        if (spec.type == Type::text || spec.optional) continue;
        TuneParameter p;
        p.spec = spec;
        p.low = std::isnan(spec.tune_min) ? spec.min : spec.tune_min;
        p.high = std::isnan(spec.tune_max) ? spec.max : spec.tune_max;
        p.log = spec.scale == OptionSpec::Scale::log && p.low > 0;
        if (!is_number(spec.type)) {
            for (int i = 0; i <= static_cast<int>(spec.max); ++i)
                p.choices.push_back(i);
        }
        if (!spec.tuned) p.fixed = spec.default_text;
        parameters_.push_back(std::move(p));
    }
    std::vector<std::string> names;
    for (const TuneParameter& p : parameters_)
        names.emplace_back(p.spec.name);
    std::set<std::string> seen;
    auto find = [&](const std::string& name, const std::string& flag,
                    const std::string& text) -> TuneParameter& {
        for (TuneParameter& p : parameters_) {
            if (p.spec.name == name) {
                if (!seen.insert(name).second)
                    throw InputError(flag, text, "'" + name + "' is given more than once");
                return p;
            }
        }
        throw InputError(flag, text,
                         "solver " + solver_ + " has no tunable option '" + name + "'" +
                             did_you_mean(name, names));
    };
    for (const std::string& text : narrow) {
        // NAME alone: tune the row over its own range (a row fixed by default included).
        const auto [name, range] = text.find('=') == std::string::npos
                                       ? std::pair<std::string, std::string>{text, ""}
                                       : split_assignment(text, "--param");
        TuneParameter& p = find(name, "--param", text);
        p.fixed.reset();  // --param brings in a row that is not tuned by default
        if (range.empty() && text.find('=') == std::string::npos) continue;
        if (is_number(p.spec.type)) {
            const auto colon = range.find(':');
            if (colon == std::string::npos)
                throw InputError("--param", text, "expected " + name + "=LOW:HIGH");
            const double lo = p.spec.parse(range.substr(0, colon));  // in bounds, or throws
            const double hi = p.spec.parse(range.substr(colon + 1));
            if (lo > hi)
                throw InputError("--param", text, "the range is reversed: LOW must be <= HIGH");
            p.low = lo;
            p.high = hi;
            p.log = p.spec.scale == OptionSpec::Scale::log && lo > 0;
        } else {
            p.choices.clear();
            for (const std::string& c : split(range, ',')) {
                const int index = static_cast<int>(p.spec.parse(c));
                if (std::find(p.choices.begin(), p.choices.end(), index) == p.choices.end())
                    p.choices.push_back(index);
            }
            std::sort(p.choices.begin(), p.choices.end());
        }
    }
    for (const std::string& text : fix) {
        const auto [name, value] = split_assignment(text, "--fix");
        TuneParameter& p = find(name, "--fix", text);
        p.spec.parse(value);  // throws for a value the row refuses
        p.fixed = value;
    }
    if (parameters_.empty())
        throw InputError("solver", solver_,
                         "solver " + solver_ + " has no options to tune (allocopt solvers)");
    if (free_count() == 0)
        throw InputError("--fix", "",
                         "every option of solver " + solver_ +
                             " is fixed: there is nothing to tune (free one with --param)");
    if (!valid(defaults()))
        throw InputError("--fix", "",
                         "the fixed values contradict the solver's other defaults (see the "
                         "solver's message with allocopt solve --opt)");
}

int ParameterSpace::free_count() const {
    return static_cast<int>(std::count_if(parameters_.begin(), parameters_.end(),
                                          [](const TuneParameter& p) { return !p.fixed; }));
}

ParameterSpace::Values ParameterSpace::defaults() const {
    Values v;
    for (const TuneParameter& p : parameters_) {
        double x = p.fixed ? p.spec.parse(*p.fixed) : p.spec.default_value;
        if (!p.fixed && p.choices.empty()) {
            x = std::clamp(x, p.low, p.high);  // a default outside a narrowed range
        } else if (!p.fixed && std::find(p.choices.begin(), p.choices.end(), static_cast<int>(x)) ==
                                   p.choices.end()) {
            x = p.choices.front();
        }
        v.push_back(x);
    }
    deactivate(v);
    return v;
}

ParameterSpace::Values ParameterSpace::solver_defaults() const {
    Values v;
    for (const TuneParameter& p : parameters_)
        v.push_back(p.spec.default_value);
    deactivate(v);
    return v;
}

void ParameterSpace::deactivate(Values& v) const {
    // Conditions refer to earlier rows (a table states a row's condition after the row it
    // depends on), so one pass in table order settles chains of them.
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        const OptionSpec& s = parameters_[i].spec;
        if (s.depends_on.empty()) continue;
        bool on = false;
        for (std::size_t j = 0; j < parameters_.size(); ++j) {
            if (parameters_[j].spec.name != s.depends_on) continue;
            if (std::isnan(v[j])) break;
            const std::string shown = parameters_[j].spec.show(v[j]);
            on = std::find(s.when.begin(), s.when.end(), shown) != s.when.end();
        }
        if (!on) v[i] = std::nan("");
    }
}

OptionList ParameterSpace::options(const Values& v) const {
    OptionList out;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        if (std::isnan(v[i])) continue;
        const OptionSpec& s = parameters_[i].spec;
        out.emplace_back(std::string(s.name),
                         s.type == Type::real ? detail::format_number(v[i]) : s.show(v[i]));
    }
    return out;
}

std::string ParameterSpace::key(const Values& v) const {
    std::string out;
    for (const auto& [name, value] : options(v))
        out += (out.empty() ? "" : ",") + name + "=" + value;
    return out;
}

ParameterSpace::Values ParameterSpace::parse_key(std::string_view key) const {
    Values v(parameters_.size(), std::nan(""));
    for (const std::string& item : split(std::string(key), ',')) {
        const auto eq = item.find('=');
        bool known = false;
        for (std::size_t i = 0; i < parameters_.size() && eq != std::string::npos; ++i) {
            if (parameters_[i].spec.name != item.substr(0, eq)) continue;
            v[i] = parameters_[i].spec.parse(item.substr(eq + 1));
            known = true;
        }
        if (!known)
            throw InputError("config", std::string(key),
                             "not a configuration of solver " + solver_ + ": '" + item + "'");
    }
    Values active = v;
    for (double& x : active) {
        if (std::isnan(x)) x = 0;  // placeholders so that deactivate() can judge conditions
    }
    deactivate(active);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (std::isnan(v[i]) != std::isnan(active[i]))
            throw InputError("config", std::string(key),
                             "not a configuration of solver " + solver_ + ": option " +
                                 std::string(parameters_[i].spec.name) +
                                 (std::isnan(v[i]) ? " is missing" : " does not apply"));
    }
    return v;
}

bool ParameterSpace::valid(const Values& v) const {
    try {
        make_solver(solver_, options(v), 1);
        return true;
    } catch (const InputError&) {
        return false;
    }
}

}  // namespace allocopt
