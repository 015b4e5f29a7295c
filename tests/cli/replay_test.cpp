// allocopt replay on the bundled Alibaba trace (src/cli/replay.cpp): the report's formats,
// seeds and threads, the curve and the picture, and how bad input and outputs are refused.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"
#include "io/svg_check.hpp"

namespace allocopt::test {
namespace {

const std::string kDir = std::string(ALLOCOPT_PROBLEMS) + "/alibaba-gpu/";
const std::string kNodes = kDir + "openb_node_list_gpu_node.csv";
const std::string kPods = kDir + "openb_pod_list_default.csv";

std::string replay(const std::string& args) {
    return "replay --from alibaba-gpu " + quoted(kNodes) + " " + quoted(kPods) + " " + args;
}

/// `text` without the lines that hold a "seconds" field.
std::string without_seconds(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.find("\"seconds\"") == std::string::npos) out += line + "\n";
    }
    return out;
}

std::size_t lines_of(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class ReplayCli : public ScratchDirTest {};

TEST_F(ReplayCli, JsonReportsBothMetricsAndTheRun) {
    const Outcome r = run(replay("--policy best-fit --seed 42 --format json"));
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["trace"], "openb_pod_list_default");
    EXPECT_EQ(doc["nodes"], 1213);
    EXPECT_EQ(doc["devices"], 6212);
    EXPECT_EQ(doc["capacity_milli"], 6212000);
    EXPECT_EQ(doc["shuffled"], true);
    EXPECT_EQ(doc["policy"], "best-fit");
    for (const char* key : {"allocated_at_100", "allocated_at_130"}) {
        ASSERT_TRUE(doc[key].is_number()) << key;
        EXPECT_GT(doc[key].get<double>(), 50.0) << key;
        EXPECT_LT(doc[key].get<double>(), 100.0) << key;
    }
    EXPECT_NEAR(doc["unallocated_at_100"].get<double>(),
                100.0 - doc["allocated_at_100"].get<double>(), 1e-3);
    ASSERT_EQ(doc["runs"].size(), 1u);
    const nlohmann::json& run0 = doc["runs"][0];
    EXPECT_EQ(run0["policy"], "best-fit");
    EXPECT_EQ(run0["seed"], 42);
    EXPECT_GT(run0["pods"].get<int>(), 8152);  // inflated to 130 %
    EXPECT_EQ(run0["placed"].get<int>() + run0["skipped"].get<int>(), run0["pods"].get<int>());
    EXPECT_EQ(run0["allocated_at_100"], doc["allocated_at_100"]);
    EXPECT_EQ(doc["medians"].size(), 1u);
}

TEST_F(ReplayCli, SeedsGiveOneRunEachAndMedians) {
    const Outcome r = run(replay("--policy dot-product --seeds 42-44 --format json"));
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["runs"].size(), 3u);
    std::vector<double> values;
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(doc["runs"][k]["seed"], 42 + k);
        EXPECT_EQ(doc["runs"][k]["policy"], "dot-product");
        values.push_back(doc["runs"][k]["allocated_at_100"].get<double>());
    }
    ASSERT_EQ(doc["medians"].size(), 1u);
    const nlohmann::json& m = doc["medians"][0];
    EXPECT_EQ(m["seeds"], 3);
    std::sort(values.begin(), values.end());
    EXPECT_DOUBLE_EQ(m["allocated_at_100"].get<double>(), values[1]);
    EXPECT_DOUBLE_EQ(m["min_allocated_at_100"].get<double>(), values[0]);
    EXPECT_DOUBLE_EQ(m["max_allocated_at_100"].get<double>(), values[2]);
    EXPECT_DOUBLE_EQ(doc["allocated_at_100"].get<double>(), values[1]);
    // The table says the same, with its medians line.
    const Outcome table = run(replay("--policy dot-product --seeds 42-44"));
    ASSERT_EQ(table.status, 0) << table.err;
    EXPECT_TRUE(contains(table.out, "medians over the seeds")) << table.out;
    EXPECT_TRUE(contains(table.out, "x3")) << table.out;
}

TEST_F(ReplayCli, ThreadsChangeNothingButTheTimes) {
    const std::string args = "--policy random,dot-product --seeds 42-43 --format json";
    const Outcome one = run(replay(args + " --threads 1"));
    const Outcome two = run(replay(args + " --threads 2"));
    ASSERT_EQ(one.status, 0) << one.err;
    ASSERT_EQ(two.status, 0) << two.err;
    EXPECT_TRUE(contains(one.out, "\"seconds\""));
    const std::string a = without_seconds(one.out), b = without_seconds(two.out);
    EXPECT_EQ(a, b);
    EXPECT_EQ(nlohmann::json::parse(one.out)["runs"].size(), 4u);
    // Another seed is another replay.
    const Outcome other = run(replay("--policy random,dot-product --seed 45 --format json"));
    ASSERT_EQ(other.status, 0) << other.err;
    EXPECT_NE(without_seconds(other.out), a);
}

TEST_F(ReplayCli, CsvHasOneLinePerRun) {
    const Outcome r = run(replay("--policy all --inflate 0 --keep-order --format csv"));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(lines_of(r.out), 7u) << r.out;
    EXPECT_TRUE(r.out.starts_with("policy,seed,pods,placed,skipped,")) << r.out;
    // Not inflated: the 8,152 pods of the file.
    EXPECT_TRUE(contains(r.out, "\nfgd,42,8152,")) << r.out;
}

TEST_F(ReplayCli, AnUnknownPolicyOrFormatIsAUsageError) {
    const Outcome policy = run(replay("--policy fdg"));
    EXPECT_EQ(policy.status, 2);
    EXPECT_TRUE(contains(policy.err, "unknown policy 'fdg'")) << policy.err;
    EXPECT_TRUE(contains(policy.err, "did you mean 'fgd'")) << policy.err;
    EXPECT_TRUE(policy.out.empty());
    const Outcome nope = run(replay("--policy nope"));
    EXPECT_EQ(nope.status, 2);
    EXPECT_TRUE(contains(nope.err, "unknown policy 'nope'")) << nope.err;
    const Outcome list = run(replay("--policy fgd,best-fitt"));
    EXPECT_EQ(list.status, 2);
    EXPECT_TRUE(contains(list.err, "did you mean 'best-fit'")) << list.err;

    const Outcome from = run("replay --from other " + quoted(kNodes) + " " + quoted(kPods));
    EXPECT_EQ(from.status, 2);
    EXPECT_TRUE(contains(from.err, "unknown format 'other'")) << from.err;
    const Outcome one_file = run("replay --from alibaba-gpu " + quoted(kNodes));
    EXPECT_EQ(one_file.status, 2);
    EXPECT_TRUE(contains(one_file.err, "two files")) << one_file.err;
    const Outcome seeds = run(replay("--seeds 44-42"));
    EXPECT_EQ(seeds.status, 2);
}

TEST_F(ReplayCli, AMissingFileIsNamed) {
    const std::string missing = file("absent-pods.csv");
    const Outcome r = run("replay --from alibaba-gpu " + quoted(kNodes) + " " + quoted(missing) +
                          " -o " + quoted(file("report.txt")));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, missing)) << r.err;
    EXPECT_TRUE(contains(r.err, "no such file")) << r.err;
    EXPECT_FALSE(std::filesystem::exists(file("report.txt")));
}

TEST_F(ReplayCli, AMalformedPodListIsRefusedAtItsFieldWithNothingWritten) {
    const std::string pods = file("pods.csv");
    std::ofstream(pods) << "name,cpu_milli,memory_mib,num_gpu,gpu_milli\n"
                           "p1,1000,2048,1,500\n"
                           "p2,1000,2048,2,500\n";
    const std::string report = file("report.json");
    const std::string curve = file("curve.csv");
    const Outcome r = run("replay --from alibaba-gpu " + quoted(kNodes) + " " + quoted(pods) +
                          " --format json -o " + quoted(report) + " --curve " + quoted(curve));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, pods + ":3:16:")) << r.err;
    EXPECT_TRUE(contains(r.err, "gpu_milli")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(std::filesystem::exists(report));
    EXPECT_FALSE(std::filesystem::exists(curve));
    EXPECT_EQ(entries(), 1u);  // the pod list alone: no temporary file left behind
}

TEST_F(ReplayCli, ANodeListWithoutDevicesIsRefused) {
    const std::string nodes = file("nodes.csv");
    std::ofstream(nodes) << "sn,cpu_milli,memory_mib,gpu,model\nc1,8000,1024,0,\n";
    const Outcome r = run("replay --from alibaba-gpu " + quoted(nodes) + " " + quoted(kPods));
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(contains(r.err, "no devices")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(ReplayCli, CurveHasOneRowPerPod) {
    const std::string curve = file("curve.csv");
    const Outcome r =
        run(replay("--policy gpu-clustering --seed 7 --format json --curve " + quoted(curve)));
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    const std::size_t pods = doc["runs"][0]["pods"].get<std::size_t>();
    const std::string text = read_text(curve);
    ASSERT_EQ(lines_of(text), pods + 1);
    EXPECT_TRUE(text.starts_with("policy,seed,pod,arrived_pct,allocated_pct\n"));
    EXPECT_TRUE(contains(text, "\ngpu-clustering,7,1,"));
    EXPECT_TRUE(contains(text, "\ngpu-clustering,7," + std::to_string(pods) + ","));
    // Arrived never falls, allocated never passes it.
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    double last = 0.0;
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        const std::size_t c3 = line.find(',', line.find(',', line.find(',') + 1) + 1);
        const std::size_t c4 = line.find(',', c3 + 1);
        const double arrived = std::stod(line.substr(c3 + 1, c4 - c3 - 1));
        const double allocated = std::stod(line.substr(c4 + 1));
        EXPECT_GE(arrived, last);
        EXPECT_LE(allocated, arrived + 1e-4);
        last = arrived;
        ++rows;
    }
    EXPECT_EQ(rows, pods);
    EXPECT_GT(last, 129.0);
    EXPECT_LT(last, 131.0);
}

TEST_F(ReplayCli, SvgIsWellFormed) {
    const std::string svg = file("curve.svg");
    const Outcome r = run(
        replay("--policy fgd,best-fit --svg " + quoted(svg) + " -o " + quoted(file("report.txt"))));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(contains(read_text(file("report.txt")), "best-fit"));
    const std::string text = read_text(svg);
    const auto root = allocopt::testing::check_svg(text);
    ASSERT_NE(root, nullptr);
    // One line per run, labelled.
    EXPECT_EQ(root->count([](const auto& e) { return e.name == "polyline"; }), 2u) << text;
    EXPECT_TRUE(contains(text, "fgd seed 42"));
    EXPECT_TRUE(contains(text, "best-fit seed 42"));
}

TEST_F(ReplayCli, AnOutputInAMissingDirectoryExits4) {
    const std::string target = file("no/such/dir/report.json");
    const Outcome r = run(replay("--policy random --format json -o " + quoted(target)));
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_FALSE(std::filesystem::exists(target));
    const Outcome svg = run(replay("--policy random --svg " + quoted(file("none/x.svg"))));
    EXPECT_EQ(svg.status, 4) << svg.err;
}

// The same trace as a Problem with devices (docs/sharing.md §Problems with devices): read by
// every command that reads a problem, with --pods naming the pod list.
TEST_F(ReplayCli, TheTraceIsAProblemForValidateAndNeedsItsPodList) {
    const Outcome ok = run("validate --from alibaba-gpu " + quoted(kNodes) + " --pods " +
                           quoted(kDir + "openb_pod_list_multigpu20.csv"));
    ASSERT_EQ(ok.status, 0) << ok.err;
    EXPECT_NE(ok.out.find("8324 tasks"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("on 1213 resources"), std::string::npos) << ok.out;
    const Outcome missing = run("validate --from alibaba-gpu " + quoted(kNodes));
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("--pods PODS.csv"), std::string::npos) << missing.err;
}

TEST_F(ReplayCli, SolveWritesTheDevicesAndEvaluateChecksThem) {
    // The bundled example: solve it, then evaluate the result file, whose assignment rows name
    // the devices each pod took; a result edited to overfill a device is refused as infeasible.
    const std::string problem = std::string(ALLOCOPT_PROBLEMS) + "/gpu-sharing.yaml";
    const std::string placed = file("placed.yaml");
    const Outcome solved =
        run("solve " + quoted(problem) + " --solver first-fit -q -o " + quoted(placed));
    ASSERT_EQ(solved.status, 0) << solved.err;
    std::ifstream in(placed);
    std::stringstream text;
    text << in.rdbuf();
    const std::string result = text.str();
    EXPECT_NE(result.find("devices: [0]"), std::string::npos) << result.substr(0, 2000);
    const Outcome checked = run("evaluate " + quoted(problem) + " --allocation " + quoted(placed));
    EXPECT_EQ(checked.status, 0) << checked.err << checked.out;
    EXPECT_NE(checked.out.find("(feasible)"), std::string::npos) << checked.out;
    // Put every whole-GPU pod of node openb-node-0837 on its device 0.
    std::string edited;
    std::istringstream lines(result);
    std::string line;
    bool in_node = false;
    int moved = 0;
    while (std::getline(lines, line)) {
        if (line.find("resource: ") != std::string::npos)
            in_node = line.find("openb-node-0837") != std::string::npos;
        const std::size_t at = line.find("devices: [");
        if (in_node && at != std::string::npos && line.find(',') == std::string::npos) {
            line = line.substr(0, at) + "devices: [0]";
            ++moved;
        }
        edited += line + "\n";
    }
    ASSERT_GE(moved, 2) << result.substr(0, 2000);
    const std::string bad = file("bad.yaml");
    std::ofstream(bad) << edited;
    const Outcome refused = run("evaluate " + quoted(problem) + " --allocation " + quoted(bad));
    EXPECT_EQ(refused.status, 1) << refused.err << refused.out;
    EXPECT_NE(refused.out.find("(INFEASIBLE)"), std::string::npos) << refused.out;
}

}  // namespace
}  // namespace allocopt::test
