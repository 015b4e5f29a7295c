// allocopt: the command-line front end. Each subcommand lives in its own file under src/cli/.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "allocopt/version.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

int main(int argc, char** argv) {
    using namespace allocopt::cli;
    CLI::App app{
        "allocopt decides which GPU/CPU resource each AI workload (training, inference, data\n"
        "preprocessing, serving) runs on, and with how many units.\n\n"
        "Examples:\n"
        "  allocopt validate problems/seed-example.yaml\n"
        "  allocopt metrics problems/seed-example.yaml --format yaml\n"
        "  allocopt evaluate problems/seed-example.yaml --format json\n"
        "  allocopt solve --from braun-etc bench/instances/braun-etc/u_c_hihi.0 -o best.yaml\n"
        "  allocopt solvers\n"
        "  allocopt generate cluster --seed 1 -o cluster.yaml\n\n"
        "Run 'allocopt COMMAND --help' for the options of one command.\n\n"
        "Exit codes: 0 ok; 1 no feasible solution (solve) or an infeasible allocation\n"
        "(evaluate); 2 bad input or usage; 3 internal error; 4 I/O error (an output that\n"
        "cannot be written: missing directory, no permission, disk full); 130 solve stopped\n"
        "by Ctrl-C (SIGINT), 143 by SIGTERM, after writing the best found.",
        "allocopt"};
    app.set_version_flag("--version", std::string("allocopt ") + allocopt::kVersion);
    app.require_subcommand(1);
    app.fallthrough(false);

    int exit_code = kOk;
    add_validate_command(app, exit_code);
    add_metrics_command(app, exit_code);
    add_evaluate_command(app, exit_code);
    add_solve_command(app, exit_code);
    add_solvers_command(app, exit_code);
    add_generate_command(app, exit_code);

    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands({}))
        names.push_back(sub->get_name());
    if (argc > 1 && argv[1][0] != '-' &&
        std::find(names.begin(), names.end(), argv[1]) == names.end()) {
        std::cerr << "allocopt: error: unknown command '" << argv[1] << "'"
                  << allocopt::detail::did_you_mean(argv[1], names)
                  << "; run 'allocopt --help' for the list\n";
        return kBadInput;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, version or the usage error
        // Help or version that did not reach standard output is an I/O error too.
        return code != 0 ? kBadInput : guarded([] { return kOk; });
    }
    return exit_code;
}
