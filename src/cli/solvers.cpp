// allocopt solvers: every solver with its options table (name, type, default, bounds).

#include <iomanip>
#include <iostream>

#include "allocopt/solvers/registry.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

namespace allocopt::cli {

namespace {

std::string_view type_name(OptionSpec::Type type) {
    switch (type) {
        case OptionSpec::Type::integer:
            return "integer";
        case OptionSpec::Type::real:
            return "real";
        case OptionSpec::Type::boolean:
            return "boolean";
        case OptionSpec::Type::choice:
            return "choice";
    }
    return "?";
}

std::string shown_default(const OptionSpec& s) {
    if (s.type == OptionSpec::Type::boolean) return s.default_value != 0 ? "true" : "false";
    if (s.type == OptionSpec::Type::choice) {
        return std::string(s.choices[static_cast<std::size_t>(s.default_value)]);
    }
    return detail::format_number(s.default_value);
}

int run() {
    for (const SolverEntry& e : solver_registry()) {
        std::cout << std::left << std::setw(22) << e.name << e.description << '\n';
        for (const OptionSpec& s : e.options) {
            std::cout << "    --opt " << std::setw(20) << s.name << std::setw(9)
                      << type_name(s.type) << "default " << shown_default(s);
            if (s.type == OptionSpec::Type::choice) {
                std::cout << ", one of";
                for (auto c : s.choices)
                    std::cout << ' ' << c;
            } else if (s.type != OptionSpec::Type::boolean) {
                std::cout << ", in [" << detail::format_number(s.min) << ", "
                          << detail::format_number(s.max) << "]";
            }
            std::cout << "  " << s.description << '\n';
        }
    }
    return kOk;
}

}  // namespace

void add_solvers_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand("solvers",
                                       "List every solver with its options, defaults and bounds.\n"
                                       "Example: allocopt solvers");
    command->callback([&exit_code] { exit_code = guarded(run); });
}

}  // namespace allocopt::cli
