#include "cli/common.hpp"

#include <exception>
#include <iostream>

#include "allocopt/error.hpp"

namespace allocopt::cli {

int guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const InputError& e) {
        std::cerr << e.what() << '\n';
        return kBadInput;
    } catch (const std::bad_alloc&) {
        std::cerr << "allocopt: error: out of memory\n";
        return kInternal;
    } catch (const std::exception& e) {
        std::cerr << "allocopt: internal error: " << e.what() << '\n';
        return kInternal;
    }
}

CLI::Option* add_format_option(CLI::App& command, std::string& target) {
    target = "table";
    return command.add_option("--format", target, "Output format")
        ->check(CLI::IsMember({"table", "yaml", "json"}))
        ->default_str("table");
}

}  // namespace allocopt::cli
