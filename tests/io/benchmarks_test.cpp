#include "allocopt/io/benchmarks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "io/error_of.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) {
    return std::string(ALLOCOPT_TEST_DATA) + "/benchmarks/" + name;
}

std::string instances(const std::string& name) {
    return std::string(ALLOCOPT_BENCH_INSTANCES) + "/" + name;
}

/// Files in `dir` whose names end with `suffix`, sorted.
std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string path = entry.path().string();
        if (entry.is_regular_file() && path.ends_with(suffix)) paths.push_back(path);
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

struct Where {
    std::string file;
    int line;
    int column;
    std::string key;
    std::string value;
};

void expect_error(const InputError& error, const Where& where) {
    SCOPED_TRACE(error.what());
    EXPECT_EQ(error.position().file, where.file);
    EXPECT_EQ(error.position().line, where.line);
    EXPECT_EQ(error.position().column, where.column);
    EXPECT_EQ(error.key(), where.key);
    EXPECT_EQ(error.value(), where.value);
}

std::size_t load_dimension(const Problem& problem) {
    const auto k = problem.dimension_index("load");
    EXPECT_TRUE(k.has_value());
    return k.value_or(0);
}

// ---------------------------------------------------------------------------------------------
// Braun et al. ETC

TEST(ImportBraun, EveryShippedInstanceIs512TasksBy16Machines) {
    const std::vector<std::string> paths = files_in(instances("braun-etc"), ".0");
    ASSERT_EQ(paths.size(), 12u);
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        const Problem p = import_braun_etc(path);
        EXPECT_EQ(p.name(), fs::path(path).filename().string());
        EXPECT_EQ(p.num_tasks(), 512u);
        EXPECT_EQ(p.num_resources(), 16u);
        EXPECT_EQ(p.mode(), Mode::schedule);
        EXPECT_EQ(p.objective().terms.front().first, Metric::makespan);
        EXPECT_EQ(p.objective().sense, Sense::minimize);
        ASSERT_TRUE(p.has_time_matrix());
        EXPECT_GT(p.data().time.minCoeff(), 0.0);
    }
}

TEST(ImportBraun, TaskMajorValuesOfUcHihi) {
    const Problem p = import_braun_etc(instances("braun-etc/u_c_hihi.0"));
    EXPECT_EQ(p.name(), "u_c_hihi.0");
    EXPECT_DOUBLE_EQ(p.time(0, 0), 91753.195312);  // line 1
    EXPECT_DOUBLE_EQ(p.time(0, 1), 263115.4375);   // line 2
    EXPECT_DOUBLE_EQ(p.time(1, 0), 4334.463379);   // line 17
    EXPECT_DOUBLE_EQ(p.time(511, 15), 2113779.0);  // line 8192
    EXPECT_EQ(p.task(0).id, "t0");
    EXPECT_EQ(p.task(511).id, "t511");
    EXPECT_EQ(p.resource(15).id, "m15");
    EXPECT_DOUBLE_EQ(p.capacity(3, 0), 1.0);
    EXPECT_TRUE(p.task(7).units.fixed());
    EXPECT_EQ(p.task(7).units.min, 1);
    EXPECT_EQ(p.policy(), Policy::fcfs);
}

TEST(ImportBraun, MachinesAndTasksOptions) {
    const Problem inferred = import_braun_etc(data("etc_ok.0"), {3, 0});
    const Problem given = import_braun_etc(data("etc_ok.0"), {3, 2});
    for (const Problem* p : {&inferred, &given}) {
        EXPECT_EQ(p->num_tasks(), 2u);
        EXPECT_EQ(p->num_resources(), 3u);
        EXPECT_DOUBLE_EQ(p->time(0, 0), 10.5);
        EXPECT_DOUBLE_EQ(p->time(1, 0), 40.0);
        EXPECT_DOUBLE_EQ(p->time(1, 2), 0.25);
    }
}

TEST(ImportBraun, TruncatedFileNamesTheMissingEntry) {
    const std::string path = data("etc_truncated.0");
    expect_error(error_of([&] {
                     import_braun_etc(path, {3, 2});
                 }),
                 {path, 5, 3, "time[1][2]", "end of file"});
}

TEST(ImportBraun, NonNumericToken) {
    const std::string path = data("etc_bad_token.0");
    expect_error(error_of([&] {
                     import_braun_etc(path, {3, 2});
                 }),
                 {path, 3, 3, "time[0][2]", "12x5"});
}

TEST(ImportBraun, NegativeValue) {
    const std::string path = data("etc_negative.0");
    expect_error(error_of([&] {
                     import_braun_etc(path, {3, 0});
                 }),
                 {path, 4, 1, "time[1][0]", "-4"});
}

// A number each finite but too large for the totals the Evaluator sums is refused by the
// model, at the token that holds it.
TEST(ImportBraun, ValueTooLargeForTheTotals) {
    const std::string path = data("etc_huge.0");
    const InputError error = error_of([&] { import_braun_etc(path, {3, 2}); });
    expect_error(error, {path, 5, 1, "time[1][1]", "1e+308"});
    EXPECT_NE(error.message().find("too large"), std::string::npos) << error.what();
}

TEST(ImportBraun, NanAndInfinity) {
    const std::string nan_path = data("etc_nan.0");
    expect_error(error_of([&] {
                     import_braun_etc(nan_path, {3, 0});
                 }),
                 {nan_path, 2, 1, "time[0][1]", "nan"});
    const std::string inf_path = data("etc_inf.0");
    expect_error(error_of([&] {
                     import_braun_etc(inf_path, {3, 0});
                 }),
                 {inf_path, 5, 1, "time[1][1]", "inf"});
}

TEST(ImportBraun, CountNotAMultipleOfMachines) {
    const std::string path = data("etc_seven.0");
    expect_error(error_of([&] {
                     import_braun_etc(path, {3, 0});
                 }),
                 {path, 7, 2, "time", "7 numbers"});
}

TEST(ImportBraun, MoreNumbersThanTasksTimesMachines) {
    const std::string path = data("etc_ok.0");
    expect_error(error_of([&] { import_braun_etc(path, {3, 1}); }), {path, 4, 1, "time", "4e1"});
}

TEST(ImportBraun, EmptyFile) {
    const std::string path = data("etc_empty.0");
    expect_error(error_of([&] { import_braun_etc(path); }), {path, 1, 1, "time", "end of file"});
}

TEST(ImportBraun, ZeroMachinesOrNegativeTasks) {
    const std::string path = data("etc_ok.0");
    expect_error(error_of([&] { import_braun_etc(path, {0, 0}); }), {path, 0, 0, "machines", "0"});
    expect_error(error_of([&] { import_braun_etc(path, {3, -1}); }), {path, 0, 0, "tasks", "-1"});
}

TEST(ImportBraun, MissingFile) {
    const std::string path = data("no-such-file.0");
    expect_error(error_of([&] { import_braun_etc(path); }), {path, 0, 0, "path", path});
}

// ---------------------------------------------------------------------------------------------
// OR-Library / Yagiura GAP

TEST(ImportGap, EveryInstanceOfEveryShippedFile) {
    const std::vector<std::string> paths = files_in(instances("gap"), ".txt");
    ASSERT_EQ(paths.size(), 16u);
    int total = 0;
    for (const std::string& path : paths) {
        const std::string stem = fs::path(path).stem().string();
        const int count = count_gap_instances(path);
        const bool lettered = std::isalpha(static_cast<unsigned char>(stem.back()));
        EXPECT_EQ(count, lettered ? 6 : 5) << path;  // gapa..gapd hold 6, gap1..gap12 hold 5
        for (int k = 1; k <= count; ++k) {
            SCOPED_TRACE(path + " #" + std::to_string(k));
            const Problem p = import_orlib_gap(path, {k, false});
            EXPECT_EQ(p.name(), stem + "-" + std::to_string(k));
            EXPECT_EQ(p.mode(), Mode::packing);
            EXPECT_EQ(p.objective().terms.front().first, Metric::cost);
            EXPECT_EQ(p.data().cost.rows(), static_cast<Eigen::Index>(p.num_tasks()));
            EXPECT_EQ(p.data().cost.cols(), static_cast<Eigen::Index>(p.num_resources()));
            EXPECT_TRUE(p.has_demand_matrix(load_dimension(p)));
            EXPECT_DOUBLE_EQ(p.capacity(0, 0), static_cast<double>(p.num_tasks()));
            ++total;
        }
    }
    EXPECT_EQ(total, 84);
}

TEST(ImportGap, EveryYagiuraTypeEFileIsOneInstance) {
    const std::vector<std::string> paths = files_in(instances("gap/yagiura_typeE"), "00");
    ASSERT_EQ(paths.size(), 6u);
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        EXPECT_EQ(count_gap_instances(path), 1);
        const Problem p = import_orlib_gap(path);
        const std::string name = fs::path(path).filename().string();  // e.g. e10200
        EXPECT_EQ(p.name(), name);
        EXPECT_EQ(p.num_resources(), std::stoul(name.substr(1, 2)));
        EXPECT_EQ(p.num_tasks(), std::stoul(name.substr(3)));
    }
    const Problem e05100 = import_orlib_gap(instances("gap/yagiura_typeE/e05100"));
    EXPECT_DOUBLE_EQ(e05100.data().cost(0, 0), 80.0);
    EXPECT_DOUBLE_EQ(e05100.capacity(4, load_dimension(e05100)), 174.0);
}

TEST(ImportGap, Gap1Instance1IsTransposedToTaskMajor) {
    const Problem p = import_orlib_gap(instances("gap/gap1.txt"));
    ASSERT_EQ(p.num_tasks(), 15u);
    ASSERT_EQ(p.num_resources(), 5u);
    EXPECT_EQ(p.task(14).id, "j14");
    EXPECT_EQ(p.resource(4).id, "a4");
    const Matrix& cost = p.data().cost;  // cost(job, agent) = file row agent, column job
    EXPECT_DOUBLE_EQ(cost(0, 0), 17.0);
    EXPECT_DOUBLE_EQ(cost(0, 1), 23.0);
    EXPECT_DOUBLE_EQ(cost(14, 2), 24.0);
    EXPECT_DOUBLE_EQ(cost(7, 4), 16.0);
    const std::size_t load = load_dimension(p);
    EXPECT_DOUBLE_EQ(p.demand(1, 0, load), 15.0);
    EXPECT_DOUBLE_EQ(p.demand(9, 3, load), 7.0);
    EXPECT_DOUBLE_EQ(p.capacity(0, load), 36.0);
    EXPECT_DOUBLE_EQ(p.capacity(4, load), 33.0);
    EXPECT_DOUBLE_EQ(p.capacity(2, 0), 15.0);
}

TEST(ImportGap, AllocationCostsRecomputedByHand) {
    const Problem p = import_orlib_gap(instances("gap/gap1.txt"));
    const Matrix& cost = p.data().cost;
    // Every job on agent 0: the sum of the file's first cost row, 17 + 21 + ... + 16.
    EXPECT_DOUBLE_EQ(cost.col(0).sum(), 294.0);
    // Job j on agent j mod 5: 17 + 16 + 16 + 22 + 21 + 15 + 19 + ... (file entry c[j mod 5][j]).
    double round_robin = 0;
    for (std::size_t j = 0; j < p.num_tasks(); ++j)
        round_robin += cost(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j % 5));
    EXPECT_DOUBLE_EQ(round_robin, 278.0);
    // OPTIMA.md: c515-1 has min optimum 261 and max optimum 336; any assignment lies between the
    // sums of the per-job minimum and maximum costs.
    EXPECT_LE(cost.rowwise().minCoeff().sum(), 261.0);
    EXPECT_GE(cost.rowwise().maxCoeff().sum(), 336.0);
}

TEST(ImportGap, LastInstanceOfGapdMaximized) {
    const Problem p = import_orlib_gap(instances("gap/gapd.txt"), {6, true});
    EXPECT_EQ(p.name(), "gapd-6");
    EXPECT_EQ(p.objective().sense, Sense::maximize);
    ASSERT_EQ(p.num_tasks(), 200u);
    ASSERT_EQ(p.num_resources(), 20u);
    EXPECT_DOUBLE_EQ(p.data().cost(199, 19), 92.0);
    EXPECT_DOUBLE_EQ(p.demand(199, 19, load_dimension(p)), 20.0);
    EXPECT_DOUBLE_EQ(p.capacity(19, load_dimension(p)), 428.0);
}

TEST(ImportGap, SmallFilesInBothLayouts) {
    const Problem second = import_orlib_gap(data("gap_two.txt"), {2, false});
    EXPECT_EQ(second.name(), "gap_two-2");
    EXPECT_DOUBLE_EQ(second.data().cost(0, 1), 3.0);
    EXPECT_DOUBLE_EQ(second.data().cost(2, 0), 4.0);
    EXPECT_DOUBLE_EQ(second.demand(2, 1, load_dimension(second)), 2.0);
    EXPECT_DOUBLE_EQ(second.capacity(1, load_dimension(second)), 6.0);
    EXPECT_EQ(count_gap_instances(data("gap_two.txt")), 2);
    for (const char* name : {"gap_single.txt", "gap_one_line.txt"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(count_gap_instances(data(name)), 1);
        const Problem single = import_orlib_gap(data(name));
        EXPECT_EQ(single.name(), fs::path(name).stem().string());
        EXPECT_DOUBLE_EQ(single.data().cost(2, 1), 6.0);
        EXPECT_DOUBLE_EQ(single.demand(0, 1, load_dimension(single)), 10.0);
    }
}

TEST(ImportGap, TruncatedFileNamesEntryAndInstance) {
    const std::string path = data("gap_truncated.txt");
    const InputError error = error_of([&] { import_orlib_gap(path); });
    expect_error(error, {path, 13, 3, "capacity[1]", "end of file"});
    EXPECT_NE(error.message().find("instance 2 of 2"), std::string::npos) << error.message();
}

TEST(ImportGap, NonNumericToken) {
    const std::string path = data("gap_bad_token.txt");
    expect_error(error_of([&] { import_orlib_gap(path); }), {path, 4, 6, "cost[1][2]", "x7"});
}

TEST(ImportGap, CostTooLargeForTheTotalsIsNamedAsInTheFile) {
    const std::string path = data("gap_huge_cost.txt");
    const InputError error = error_of([&] { import_orlib_gap(path); });
    expect_error(error, {path, 0, 0, "cost[1][2]", "2e+300"});  // agent 1, job 2
    EXPECT_NE(error.message().find("task 'j2'"), std::string::npos) << error.what();
}

TEST(ImportGap, NegativeLoad) {
    const std::string path = data("gap_negative.txt");
    expect_error(error_of([&] { import_orlib_gap(path); }), {path, 5, 4, "load[0][1]", "-2"});
}

TEST(ImportGap, ZeroAgentsAndFractionalCounts) {
    const std::string zero = data("gap_zero_agents.txt");
    expect_error(error_of([&] { import_orlib_gap(zero); }), {zero, 2, 2, "agents", "0"});
    const std::string fractional = data("gap_fractional_count.txt");
    expect_error(error_of([&] { import_orlib_gap(fractional); }),
                 {fractional, 2, 2, "agents", "2.5"});
}

TEST(ImportGap, ZeroCapacity) {
    const std::string path = data("gap_zero_capacity.txt");
    expect_error(error_of([&] { import_orlib_gap(path); }), {path, 7, 2, "capacity[0]", "0"});
}

TEST(ImportGap, ExtraNumbersAfterTheLastInstance) {
    const std::string path = data("gap_extra.txt");
    expect_error(error_of([&] { import_orlib_gap(path); }), {path, 8, 2, "instances", "99"});
}

TEST(ImportGap, InstanceIndexOutOfRange) {
    const std::string path = data("gap_two.txt");
    expect_error(error_of([&] {
                     import_orlib_gap(path, {3, false});
                 }),
                 {path, 1, 2, "instance", "3"});
    expect_error(error_of([&] {
                     import_orlib_gap(path, {0, false});
                 }),
                 {path, 1, 2, "instance", "0"});
    const std::string single = data("gap_single.txt");
    expect_error(error_of([&] {
                     import_orlib_gap(single, {2, false});
                 }),
                 {single, 1, 1, "instance", "2"});
}

TEST(ImportGap, JobThatFitsNoAgentIsReportedInTheFile) {
    // The model's check words the key and value; the importer only places the error in the file.
    const std::string path = data("gap_job_fits_nowhere.txt");
    const InputError error = error_of([&] { import_orlib_gap(path); });
    EXPECT_EQ(error.position().file, path);
    EXPECT_NE(std::string(error.what()).find("j2"), std::string::npos) << error.what();
}

// ---------------------------------------------------------------------------------------------
// Cloud balancing

TEST(ImportCloud, EveryShippedSet) {
    const std::vector<std::string> paths = files_in(instances("cloudbalancing"), ".computers.csv");
    ASSERT_EQ(paths.size(), 9u);
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        const Problem p = import_cloudbalancing(path);
        const std::string& name = p.name();  // e.g. 100computers-300processes
        EXPECT_EQ(path, instances("cloudbalancing/" + name + ".computers.csv"));
        EXPECT_EQ(p.num_resources(), std::stoul(name));
        EXPECT_EQ(p.num_tasks(), std::stoul(name.substr(name.find('-') + 1)));
        EXPECT_EQ(p.mode(), Mode::packing);
        EXPECT_EQ(p.objective().terms.front().first, Metric::cost);
        EXPECT_EQ(p.objective().sense, Sense::minimize);
    }
}

TEST(ImportCloud, SpotValues) {
    const Problem p =
        import_cloudbalancing(instances("cloudbalancing/4computers-12processes"
                                        ".processes.csv"));
    EXPECT_EQ(p.name(), "4computers-12processes");
    const std::size_t j = p.resource_index("3").value();
    EXPECT_DOUBLE_EQ(p.resource(j).fixed_cost, 1270.0);
    EXPECT_DOUBLE_EQ(p.capacity(j, 0), 12.0);  // units: one per process, never binding
    EXPECT_DOUBLE_EQ(p.capacity(j, p.dimension_index("cpu").value()), 8.0);
    EXPECT_DOUBLE_EQ(p.capacity(j, p.dimension_index("memory").value()), 32.0);
    EXPECT_DOUBLE_EQ(p.capacity(j, p.dimension_index("network").value()), 12.0);

    const Problem large = import_cloudbalancing(
        instances("cloudbalancing/10000computers-14998processes.computers.csv"));
    EXPECT_DOUBLE_EQ(large.resource(large.resource_index("9999").value()).fixed_cost, 660.0);
    const Problem hundred =
        import_cloudbalancing(instances("cloudbalancing/100computers-300processes.computers.csv"));
    const std::size_t i = hundred.task_index("299").value();
    EXPECT_DOUBLE_EQ(hundred.task(i).demand.at("memory"), 31.0);
}

TEST(ImportCloud, CostsTooLargeForTheTotalsAreNamedWithTheirRow) {
    const std::string path = data("huge.computers.csv");
    const InputError error = error_of([&] { import_cloudbalancing(path); });
    expect_error(error, {path, 3, 1, "resources[1].fixed_cost", "1e+300"});
}

TEST(ImportCloud, TaskAndResourceIdsMayCoincide) {
    const Problem p = import_cloudbalancing(data("tiny.computers.csv"));
    EXPECT_EQ(p.name(), "tiny");
    ASSERT_EQ(p.num_tasks(), 3u);
    ASSERT_EQ(p.num_resources(), 2u);
    EXPECT_EQ(p.task_index("0"), 0u);
    EXPECT_EQ(p.resource_index("0"), 0u);
    EXPECT_DOUBLE_EQ(p.task(2).demand.at("network"), 5.0);
    EXPECT_DOUBLE_EQ(p.resource(1).fixed_cost, 660.0);
}

TEST(ImportCloud, CrlfAndBlankLines) {
    const Problem p = import_cloudbalancing(data("crlf.processes.csv"));
    EXPECT_EQ(p.num_resources(), 1u);
    EXPECT_EQ(p.resource(0).id, "0");
    EXPECT_DOUBLE_EQ(p.resource(0).fixed_cost, 4800.0);
}

TEST(ImportCloud, WrongHeader) {
    const std::string path = data("badheader.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 1, 4, "header", "cpu"});
}

TEST(ImportCloud, TooFewColumns) {
    const std::string path = data("shortrow.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }),
                 {path, 3, 8, "cost", "end of file"});
}

TEST(ImportCloud, TooManyColumns) {
    const std::string path = data("longrow.processes.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 3, 9, "columns", "7"});
}

TEST(ImportCloud, NonNumericField) {
    const std::string path = data("badnumber.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 3, 5, "memory", "four"});
}

TEST(ImportCloud, ZeroCapacity) {
    const std::string path = data("zerocpu.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 2, 3, "cpu_power", "0"});
}

TEST(ImportCloud, DuplicateId) {
    const std::string path = data("duplicate.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 4, 1, "id", "0"});
}

TEST(ImportCloud, NoRows) {
    const std::string path = data("norows.computers.csv");
    expect_error(error_of([&] { import_cloudbalancing(path); }), {path, 2, 1, "id", "end of file"});
}

TEST(ImportCloud, ProcessThatFitsNoComputerIsReportedInTheProcessesFile) {
    const InputError error = error_of([] { import_cloudbalancing(data("toobig.computers.csv")); });
    EXPECT_EQ(error.position().file, data("toobig.processes.csv"));
    EXPECT_TRUE(error.key().starts_with("tasks[1]")) << error.what();
}

TEST(ImportCloud, MissingPartnerFileOrUnexpectedName) {
    const std::string partner = data("nopair.processes.csv");
    expect_error(error_of([&] { import_cloudbalancing(data("nopair.computers.csv")); }),
                 {partner, 0, 0, "path", partner});
    const std::string odd = data("tiny.csv");
    expect_error(error_of([&] { import_cloudbalancing(odd); }), {odd, 0, 0, "path", odd});
}

// ---------------------------------------------------------------------------------------------
// Format names (the CLI's --from FORMAT)

TEST(ImportProblem, DispatchesByFormatName) {
    for (const std::string& name : benchmark_format_names()) {
        const auto format = parse_benchmark_format(name);
        ASSERT_TRUE(format.has_value()) << name;
        EXPECT_EQ(benchmark_format_name(*format), name);
    }
    ImportOptions options;
    options.gap.instance = 2;
    options.braun.machines = 3;
    EXPECT_EQ(import_problem("orlib-gap", data("gap_two.txt"), options).name(), "gap_two-2");
    EXPECT_EQ(import_problem("braun-etc", data("etc_ok.0"), options).num_tasks(), 2u);
    EXPECT_EQ(import_problem("cloudbalancing", data("tiny.computers.csv")).num_tasks(), 3u);
}

TEST(ImportProblem, UnknownFormatSuggestsTheNearestName) {
    const InputError error = error_of([] { import_problem("orlib_gap", "x.txt"); });
    EXPECT_EQ(error.key(), "format");
    EXPECT_EQ(error.value(), "orlib_gap");
    EXPECT_NE(error.message().find("did you mean 'orlib-gap'"), std::string::npos);
}

}  // namespace
}  // namespace allocopt
