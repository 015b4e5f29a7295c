// allocopt: the command-line front end. Each subcommand lives in its own file under src/cli/.

#include <CLI/CLI.hpp>
#include <iostream>

#include "allocopt/version.hpp"
#include "cli/common.hpp"

int main(int argc, char** argv) {
    using namespace allocopt::cli;
    CLI::App app{
        "allocopt decides which GPU/CPU resource each AI workload (training, inference, data\n"
        "preprocessing, serving) runs on, and with how many units.\n\n"
        "Examples:\n"
        "  allocopt validate problems/seed-example.yaml\n"
        "  allocopt metrics problems/seed-example.yaml --format yaml\n"
        "  allocopt evaluate problems/seed-example.yaml --format json\n\n"
        "Run 'allocopt COMMAND --help' for the options of one command.",
        "allocopt"};
    app.set_version_flag("--version", std::string("allocopt ") + allocopt::kVersion);
    app.require_subcommand(1);
    app.fallthrough(false);

    int exit_code = kOk;
    add_validate_command(app, exit_code);
    add_metrics_command(app, exit_code);
    add_evaluate_command(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, version or the usage error
        return code == 0 ? kOk : kBadInput;
    }
    return exit_code;
}
