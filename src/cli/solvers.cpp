// allocopt solvers: every solver with its options table (name, type, default, bounds, and
// the range `allocopt tune` samples).

#include <cmath>
#include <iomanip>
#include <iostream>

#include "allocopt/solvers/registry.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

namespace allocopt::cli {

namespace {

int run() {
    for (const SolverEntry& e : solver_registry()) {
        std::cout << std::left << std::setw(24) << e.name << e.description << '\n';
        for (const OptionSpec& s : e.options) {
            std::cout << "    --opt " << std::setw(20) << s.name << std::setw(9)
                      << option_type_name(s.type) << "default " << s.default_text << ", "
                      << s.domain();
            if (s.scale == OptionSpec::Scale::log) std::cout << " (log scale)";
            if (!s.depends_on.empty()) {
                std::cout << ", only when " << s.depends_on << " is";
                for (std::string_view w : s.when)
                    std::cout << ' ' << w;
            }
            // What `allocopt tune` samples (docs/tuning.md).
            if (!std::isnan(s.tune_min))
                std::cout << ", tuned in [" << detail::format_number(s.tune_min) << ", "
                          << detail::format_number(s.tune_max) << "]"
                          << (s.tuned ? "" : " when tune --param names it");
            else if (!s.tuned)
                std::cout << ", not tuned unless tune --param names it";
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
