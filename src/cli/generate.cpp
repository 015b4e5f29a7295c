// allocopt generate etc|gap|cluster: draws a random problem from a seed and writes it as YAML.

#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "allocopt/generators.hpp"
#include "allocopt/io/problem_writer.hpp"
#include "allocopt/io/result_io.hpp"
#include "cli/common.hpp"
#include "detail/text.hpp"

namespace allocopt::cli {

namespace {

namespace gen = allocopt::generators;

struct Output {
    std::string path;  ///< empty = stdout
    bool quiet = false;
};

void add_output_options(CLI::App& command, Output& output, std::uint64_t& seed) {
    command.add_option("--seed", seed, "Random seed; the same seed and options give the same file")
        ->default_val(1)
        ->check(whole_number(0));
    command
        .add_option("-o,--output", output.path,
                    "Write the problem here (atomically); default or -: standard output")
        ->check(output_path());
    command.add_flag("-q,--quiet", output.quiet, "With -o, print nothing but errors");
}

/// The file -o names, opened before the problem is drawn so that an unwritable path fails
/// first; null for standard output.
std::unique_ptr<OutputFile> open_file(const Output& output) {
    return output.path.empty() ? nullptr : open_output(output.path);
}

/// Writes the problem with the canonical command line as a header comment, so that the file
/// says how to make it again.
int emit(const Problem& problem, const std::string& command, const Output& output,
         OutputFile* file) {
    write_output(file, problem_text(problem, {"made by: " + command}));
    if (file && !output.quiet) {
        std::cout << "wrote " << output.path << ": problem '" << problem.name() << "', "
                  << problem.num_tasks() << " tasks on " << problem.num_resources()
                  << " resources, objective " << problem.objective().describe() << '\n';
    }
    return kOk;
}

// ---------------------------------------------------------------------------------------------

struct EtcCommand {
    gen::EtcSpec spec;
    std::string consistency = "c";
    std::string task_heterogeneity = "hi";
    std::string machine_heterogeneity = "hi";
    Output output;
};

gen::Heterogeneity heterogeneity(const std::string& level) {
    return level == "hi" || level == "high" ? gen::Heterogeneity::high : gen::Heterogeneity::low;
}

int run_etc(EtcCommand& c) {
    const auto file = open_file(c.output);
    const char first = c.consistency.front();  // c, s or i, checked by CLI11
    c.spec.consistency = first == 'c'   ? gen::Consistency::consistent
                         : first == 's' ? gen::Consistency::semi_consistent
                                        : gen::Consistency::inconsistent;
    c.spec.task_heterogeneity = heterogeneity(c.task_heterogeneity);
    c.spec.machine_heterogeneity = heterogeneity(c.machine_heterogeneity);
    auto level = [](gen::Heterogeneity h) { return h == gen::Heterogeneity::high ? "hi" : "lo"; };
    std::ostringstream command;
    command << "allocopt generate etc --tasks " << c.spec.tasks << " --machines " << c.spec.machines
            << " --consistency " << first << " --task-heterogeneity "
            << level(c.spec.task_heterogeneity) << " --machine-heterogeneity "
            << level(c.spec.machine_heterogeneity) << " --seed " << c.spec.seed;
    return emit(gen::generate_etc(c.spec), command.str(), c.output, file.get());
}

void add_etc(CLI::App& parent, int& exit_code) {
    auto* command = parent.add_subcommand(
        "etc",
        "A Braun et al. (2001) ETC instance, range-based: tau_i = U[1, R_task), ETC[i][j] =\n"
        "tau_i * U[1, R_mach); R_task = 100 (lo) or 3000 (hi), R_mach = 10 (lo) or 1000 (hi).\n"
        "Consistent: rows sorted; semi-consistent: even machine columns sorted in each row;\n"
        "inconsistent: as drawn. Makespan, in the shape '--from braun-etc' imports.\n"
        "Examples:\n"
        "  allocopt generate etc --seed 1 -o u_c_hihi.yaml\n"
        "  allocopt generate etc --tasks 1024 --machines 32 --consistency i "
        "--task-heterogeneity hi --machine-heterogeneity lo --seed 7 -o etc.yaml");
    auto c = std::make_shared<EtcCommand>();
    command->add_option("--tasks", c->spec.tasks, "Number of tasks")
        ->default_val(512)
        ->check(whole_number(1, kMaxInt));
    command->add_option("--machines", c->spec.machines, "Number of machines")
        ->default_val(16)
        ->check(whole_number(1, kMaxInt));
    command
        ->add_option("--consistency", c->consistency,
                     "c (consistent), s (semi-consistent) or i (inconsistent)")
        ->check(CLI::IsMember({"c", "s", "i", "consistent", "semi-consistent", "inconsistent"}))
        ->default_str("c");
    command
        ->add_option("--task-heterogeneity", c->task_heterogeneity,
                     "lo (R_task = 100) or hi (R_task = 3000)")
        ->check(CLI::IsMember({"lo", "hi", "low", "high"}))
        ->default_str("hi");
    command
        ->add_option("--machine-heterogeneity", c->machine_heterogeneity,
                     "lo (R_mach = 10) or hi (R_mach = 1000)")
        ->check(CLI::IsMember({"lo", "hi", "low", "high"}))
        ->default_str("hi");
    add_output_options(*command, c->output, c->spec.seed);
    command->callback([c, &exit_code] { exit_code = guarded([&] { return run_etc(*c); }); });
}

// ---------------------------------------------------------------------------------------------

struct GapCommand {
    gen::GapSpec spec;
    std::string type = "d";
    Output output;
};

int run_gap(GapCommand& c) {
    const auto file = open_file(c.output);
    c.spec.type = c.type == "c"   ? gen::GapType::c
                  : c.type == "d" ? gen::GapType::d
                                  : gen::GapType::e;
    std::ostringstream command;
    command << "allocopt generate gap --type " << c.type << " --agents " << c.spec.agents
            << " --jobs " << c.spec.jobs << " --seed " << c.spec.seed;
    return emit(gen::generate_gap(c.spec), command.str(), c.output, file.get());
}

void add_gap(CLI::App& parent, int& exit_code) {
    auto* command = parent.add_subcommand(
        "gap",
        "A generalized assignment instance of type C, D (Chu & Beasley 1997) or E (Laguna et\n"
        "al. 1995), minimising cost, in the shape '--from orlib-gap' imports:\n"
        "  C: r = U[5,25], c = U[10,50], b_i = floor(0.8 sum_j r_ij / m)\n"
        "  D: r = U[1,100], c = 111 - r + U[-10,10], b_i as C\n"
        "  E: r = int(1 - 10 ln U(0,1]), c = int(1000/r - 10 U[0,1]) (truncated),\n"
        "     b_i = floor(max(0.8 sum_j r_ij / m, max_j r_ij))\n"
        "Examples:\n"
        "  allocopt generate gap --type d --agents 10 --jobs 100 --seed 1 -o d10100.yaml\n"
        "  allocopt generate gap --type e --agents 20 --jobs 200 --seed 2 -o e20200.yaml");
    auto c = std::make_shared<GapCommand>();
    command->add_option("--type", c->type, "Instance type: c, d or e")
        ->check(CLI::IsMember({"c", "d", "e"}))
        ->default_str("d");
    command->add_option("--agents", c->spec.agents, "Number of agents (m)")
        ->default_val(10)
        ->check(whole_number(1, kMaxInt));
    command->add_option("--jobs", c->spec.jobs, "Number of jobs (n)")
        ->default_val(100)
        ->check(whole_number(1, kMaxInt));
    add_output_options(*command, c->output, c->spec.seed);
    command->callback([c, &exit_code] { exit_code = guarded([&] { return run_gap(*c); }); });
}

// ---------------------------------------------------------------------------------------------

constexpr const char* kDefaultMix = "training=0.4,inference=0.3,preprocessing=0.2,serving=0.1";

struct ClusterCommand {
    gen::ClusterSpec spec;
    std::string mix = kDefaultMix;
    Output output;
};

int run_cluster(ClusterCommand& c) {
    c.spec.mix = gen::parse_job_mix(c.mix);
    const auto file = open_file(c.output);
    std::ostringstream command;
    command << "allocopt generate cluster --jobs " << c.spec.jobs << " --nodes " << c.spec.nodes
            << " --mix " << c.mix << " --arrival-rate " << c.spec.arrival_rate << " --cpu-price "
            << c.spec.cpu_core_price << " --seed " << c.spec.seed;
    return emit(gen::generate_cluster(c.spec), command.str(), c.output, file.get());
}

void add_cluster(CLI::App& parent, int& exit_code) {
    auto* command = parent.add_subcommand(
        "cluster",
        "A GPU-cluster scheduling problem drawn from real data (compiled in; see\n"
        "problems/data/SOURCES.md): nodes from Alibaba's 2023 GPU cluster, pods' CPU, memory,\n"
        "GPU requests and run times from its trace, per-GPU speeds, training durations and\n"
        "1/2/4/8-GPU speed-ups from Gavel's throughputs. Training, inference and serving run on\n"
        "GPU nodes, preprocessing on CPU-only nodes; serving has priority 5 and a deadline.\n"
        "Times in hours; minimises weighted completion + cost (USD). Every task fits a node.\n"
        "Examples:\n"
        "  allocopt generate cluster --seed 1 -o cluster.yaml\n"
        "  allocopt generate cluster --jobs 500 --nodes 32 --mix training=0.7,serving=0.3 "
        "--arrival-rate 6 --seed 3 -o c.yaml");
    auto c = std::make_shared<ClusterCommand>();
    command->add_option("--jobs", c->spec.jobs, "Number of jobs")
        ->default_val(200)
        ->check(whole_number(1, kMaxInt));
    command->add_option("--nodes", c->spec.nodes, "Number of nodes")
        ->default_val(16)
        ->check(whole_number(1, kMaxInt));
    command
        ->add_option("--mix", c->mix,
                     "Shares of the job kinds, KIND=SHARE,... over training, inference, "
                     "preprocessing, serving (kinds left out get 0)")
        ->default_str(kDefaultMix);
    command
        ->add_option("--arrival-rate", c->spec.arrival_rate,
                     "Poisson arrivals, jobs per hour; 0 = every job at time 0")
        ->default_val(0)
        ->check(non_negative_number());
    command
        ->add_option("--cpu-price", c->spec.cpu_core_price,
                     "USD per core-hour of CPU-only nodes (the data gives none)")
        ->default_val(0.03)
        ->check(non_negative_number());
    add_output_options(*command, c->output, c->spec.seed);
    command->callback([c, &exit_code] { exit_code = guarded([&] { return run_cluster(*c); }); });
}

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "generate",
        "Draw a random problem (Braun ETC, GAP type C/D/E, or a GPU cluster from real data)\n"
        "and write it as YAML. The same options and --seed give the same bytes.\n"
        "Examples:\n"
        "  allocopt generate etc --consistency s --seed 1 -o etc.yaml\n"
        "  allocopt generate gap --type e --seed 1 -o gap.yaml\n"
        "  allocopt generate cluster --jobs 200 --nodes 16 --seed 1 -o cluster.yaml\n"
        "Run 'allocopt generate etc|gap|cluster --help' for each generator's options.");
    // A misspelt generator lands in GENERATOR, so that the message can name it (CLI11 would
    // only say that a subcommand is required).
    auto unknown = std::make_shared<std::string>();
    command->add_option("GENERATOR", *unknown, "etc, gap or cluster")->group("");  // hidden
    command->require_subcommand(0, 1);
    add_etc(*command, exit_code);
    add_gap(*command, exit_code);
    add_cluster(*command, exit_code);
    command->callback([command, unknown, &exit_code] {
        if (!command->get_subcommands().empty()) return;
        const std::vector<std::string> names = {"etc", "gap", "cluster"};
        std::cerr << "allocopt: error: "
                  << (unknown->empty() ? "generate needs a generator"
                                       : "unknown generator '" + *unknown + "'" +
                                             detail::did_you_mean(*unknown, names))
                  << "; expected etc, gap or cluster (run 'allocopt generate --help')\n";
        exit_code = kBadInput;
    });
}

}  // namespace allocopt::cli
