// allocopt: the command-line front end. Each subcommand lives in its own file under src/cli/.

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "allocopt/version.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

namespace {

// The OpenMP wait policy (README, "Threads on a shared machine"). An OpenMP thread without
// work either spins or sleeps. libgomp, unless told otherwise, spins some 300000 rounds
// (milliseconds) at each barrier and after each parallel region; where other processes hold
// the cores, the spinning takes the CPU from the thread that has work, and `solve
// --threads 2` ran slower than `--threads 1` (1.8x on Braun u_c_hihi.0 at load average 11,
// bench/threads.sh). Asleep (passive) a thread costs a wake-up of microseconds per region,
// which the solvers' parallel regions (milliseconds) hardly notice. So `solve` runs with
// OMP_WAIT_POLICY=passive unless the user has set OMP_WAIT_POLICY, GOMP_SPINCOUNT or
// KMP_BLOCKTIME: a policy in the environment wins.
//
// libgomp reads its environment once, when it is loaded, before main(): setenv() here is
// too late for it (and a .preinit_array function runs before glibc sets `environ`, so its
// setenv() is lost). The process therefore executes itself again, once, with the variable
// set; ALLOCOPT_WAIT_POLICY marks the second start. Where that cannot be done (no
// /proc/self/exe) the run goes on with the runtime's default; LLVM's libomp, which reads
// the variable at the first parallel region, still sees the setenv().
constexpr const char* kWaitPolicyMark = "ALLOCOPT_WAIT_POLICY";

bool user_sets_wait_policy() {
    return std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") ||
           std::getenv("KMP_BLOCKTIME");
}

void choose_wait_policy(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "solve") != 0) return;  // the only parallel command
    if (std::getenv(kWaitPolicyMark) || user_sets_wait_policy()) return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0 || setenv(kWaitPolicyMark, "1", 1) != 0)
        return;
#if defined(__linux__)
    execv("/proc/self/exe", argv);  // returns only on failure: go on in this process
#endif
}

}  // namespace

int main(int argc, char** argv) {
    using namespace allocopt::cli;
    choose_wait_policy(argc, argv);
    CLI::App app{
        "allocopt decides which GPU/CPU resource each AI workload (training, inference, data\n"
        "preprocessing, serving) runs on, and with how many units.\n\n"
        "Examples:\n"
        "  allocopt validate problems/seed-example.yaml\n"
        "  allocopt metrics problems/seed-example.yaml --format yaml\n"
        "  allocopt evaluate problems/seed-example.yaml --format json\n"
        "  allocopt solve --from braun-etc bench/instances/braun-etc/u_c_hihi.0 -o best.yaml\n"
        "  allocopt solvers\n"
        "  allocopt generate cluster --seed 1 -o cluster.yaml\n"
        "  allocopt plot ga-1.yaml ga-2.yaml fcfs.yaml -o conv.svg\n\n"
        "Run 'allocopt COMMAND --help' for the options of one command.\n\n"
        "Exit codes: 0 ok; 1 no feasible solution (solve) or an infeasible allocation\n"
        "(evaluate); 2 bad input or usage; 3 internal error; 4 I/O error (an output that\n"
        "cannot be written: missing directory, no permission, disk full); 130 solve, tune or\n"
        "replay stopped by Ctrl-C (SIGINT), 143 by SIGTERM (solve writes the best found; tune\n"
        "keeps every finished run in its --state file; replay writes nothing).",
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
    add_plot_command(app, exit_code);
    add_tune_command(app, exit_code);
    add_replay_command(app, exit_code);

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
