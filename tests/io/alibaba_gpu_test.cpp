// The Alibaba GPU-cluster importer (io/alibaba_gpu.hpp): the bundled files, and every refusal
// at its field (file, line, column, key = the column's name, value = the token).

#include "allocopt/io/alibaba_gpu.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/sharing.hpp"
#include "io/error_of.hpp"
#include "scratch_dir.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;

const std::string kNodesHeader = "sn,cpu_milli,memory_mib,gpu,model\n";
const std::string kPodsHeader = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\n";

std::string bundled(const std::string& name) {
    return std::string(ALLOCOPT_PROBLEMS) + "/alibaba-gpu/" + name;
}

class AlibabaGpuImport : public test::ScratchDirTest {
  protected:
    std::string write(const std::string& name, const std::string& text) const {
        return write_file(name, text);
    }
    /// Two V100 nodes and a T4 node.
    sharing::Cluster cluster() const {
        return import_alibaba_nodes(write("nodes.csv", kNodesHeader + "n1,64000,262144,8,V100M16\n"
                                                                      "n2,96000,393216,8,V100M32\n"
                                                                      "n3,32000,131072,2,T4\n"));
    }
    std::string pods(const std::string& rows) const {
        return write("pods.csv", kPodsHeader + rows);
    }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// The bundled trace

TEST(AlibabaGpuBundled, NodeListHasTheDocumentedCounts) {
    const sharing::Cluster c = import_alibaba_nodes(bundled("openb_node_list_gpu_node.csv"));
    EXPECT_EQ(c.name, "openb_node_list_gpu_node");
    EXPECT_EQ(c.nodes.size(), 1213u);
    EXPECT_EQ(c.total_devices(), 6212);
    EXPECT_EQ(c.total_device_capacity(), 6'212'000);
    EXPECT_EQ(c.device_capacity, 1000);
    EXPECT_EQ(c.models.size(), 7u);
    std::int64_t cpu = 0;
    for (const sharing::Node& n : c.nodes) {
        cpu += n.cpu;
        EXPECT_GE(n.devices, 1);
        EXPECT_LE(n.devices, 8);
        ASSERT_GE(n.model, 0);
        ASSERT_LT(static_cast<std::size_t>(n.model), c.models.size());
    }
    EXPECT_EQ(cpu, 107'018'000);  // 107,018 cores (problems/alibaba-gpu/README.md)
    EXPECT_EQ(c.nodes[0].id, "openb-node-0000");
    EXPECT_EQ(c.nodes[0].cpu, 64000);
    EXPECT_EQ(c.nodes[0].memory, 262144);
    EXPECT_EQ(c.nodes[0].devices, 2);
    EXPECT_EQ(c.models[static_cast<std::size_t>(c.nodes[0].model)], "P100");
}

TEST(AlibabaGpuBundled, PodListsHaveTheDocumentedCounts) {
    const sharing::Cluster c = import_alibaba_nodes(bundled("openb_node_list_gpu_node.csv"));
    struct List {
        const char* file;
        std::size_t pods;
        std::int64_t demand;
    };
    for (const List& list : {List{"openb_pod_list_default.csv", 8152, 6'086'800},
                             List{"openb_pod_list_cpu200.csv", 8832, 6'086'800},
                             List{"openb_pod_list_gpushare40.csv", 8152, 5'641'250},
                             List{"openb_pod_list_multigpu20.csv", 8324, 7'086'800}}) {
        SCOPED_TRACE(list.file);
        const std::vector<sharing::Pod> pods = import_alibaba_pods(bundled(list.file), c);
        EXPECT_EQ(pods.size(), list.pods);
        std::int64_t demand = 0;
        for (const sharing::Pod& p : pods) {
            demand += p.device_demand();
            EXPECT_EQ(p.models, 0u);  // every gpu_spec is empty
            EXPECT_TRUE(p.devices == 0 ? p.share == 0 : p.share >= 1 && p.share <= 1000);
            EXPECT_TRUE(p.devices <= 1 || p.share == 1000);
        }
        EXPECT_EQ(demand, list.demand);
    }
    const std::vector<sharing::Pod> pods =
        import_alibaba_pods(bundled("openb_pod_list_default.csv"), c);
    EXPECT_EQ(pods[1].id, "openb-pod-0001");
    EXPECT_EQ(pods[1].cpu, 6000);
    EXPECT_EQ(pods[1].memory, 12288);
    EXPECT_EQ(pods[1].devices, 1);
    EXPECT_EQ(pods[1].share, 460);
}

// ---------------------------------------------------------------------------------------------
// Valid files

TEST_F(AlibabaGpuImport, ColumnsAreFoundByNameAndGpuSpecResolvesModels) {
    const sharing::Cluster c = cluster();
    ASSERT_EQ(c.models, (std::vector<std::string>{"V100M16", "V100M32", "T4"}));
    EXPECT_EQ(c.name, "nodes");
    const std::string path = write("p.csv",
                                   "gpu_spec,extra,gpu_milli,num_gpu,memory_mib,cpu_milli,name\n"
                                   "V100M32|T4,x,500,1,1024,2000,a\n"
                                   ",y,1000,4,0,0,b\n"
                                   "\n"
                                   "T4,z,0,0,7,8,c\r\n");
    const std::vector<sharing::Pod> pods = import_alibaba_pods(path, c);
    ASSERT_EQ(pods.size(), 3u);
    EXPECT_EQ(pods[0].id, "a");
    EXPECT_EQ(pods[0].cpu, 2000);
    EXPECT_EQ(pods[0].memory, 1024);
    EXPECT_EQ(pods[0].devices, 1);
    EXPECT_EQ(pods[0].share, 500);
    EXPECT_EQ(pods[0].models, 0b110u);
    EXPECT_EQ(pods[1].models, 0u);
    EXPECT_EQ(pods[1].devices, 4);
    EXPECT_EQ(pods[1].share, 1000);
    EXPECT_EQ(pods[2].models, 0b100u);
    EXPECT_EQ(pods[2].devices, 0);
    EXPECT_EQ(pods[2].cpu, 8);
    // Empty names in a list are ignored, as in the study's simulator (they were refused as
    // an unknown model ""): "T4|" is T4, "|" is any model. A '+' sign is allowed.
    const std::string bars = write("b.csv", kPodsHeader +
                                                "a,+5,1,1,500,T4|\nb,1,1,1,500,|\n"
                                                "c,1,1,1,500,|V100M16||T4\n");
    const std::vector<sharing::Pod> barred = import_alibaba_pods(bars, c);
    ASSERT_EQ(barred.size(), 3u);
    EXPECT_EQ(barred[0].models, 0b100u);
    EXPECT_EQ(barred[0].cpu, 5);
    EXPECT_EQ(barred[1].models, 0u);
    EXPECT_EQ(barred[2].models, 0b101u);
    // Without a gpu_spec column every pod takes any model.
    const std::string plain =
        write("q.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\nq,1,1,1,1\n");
    EXPECT_EQ(import_alibaba_pods(plain, c).at(0).models, 0u);
}

TEST_F(AlibabaGpuImport, ANodeWithoutDevicesNeedsNoModel) {
    const sharing::Cluster c = import_alibaba_nodes(
        write("cpu.csv", kNodesHeader + "c1,8000,1024,0,\nc2,8000,1024,0,T4\n"));
    ASSERT_EQ(c.nodes.size(), 2u);
    EXPECT_EQ(c.nodes[0].model, -1);
    EXPECT_EQ(c.nodes[1].model, -1);
    EXPECT_TRUE(c.models.empty());
    EXPECT_EQ(c.total_devices(), 0);
}

// A pod that no node can ever hold is valid data: the replay skips it and goes on.
TEST_F(AlibabaGpuImport, APodAskingForNineDevicesIsImportedAndSkipped) {
    const sharing::Cluster c = cluster();
    const std::vector<sharing::Pod> list =
        import_alibaba_pods(pods("big,1000,1024,9,1000,\nsmall,1000,1024,1,1000,\n"), c);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].devices, 9);
    const sharing::ReplayResult r = sharing::replay(c, list, sharing::target_workload(list), {});
    EXPECT_EQ(r.node[0], -1);
    EXPECT_GE(r.node[1], 0);
    EXPECT_EQ(r.skipped, 1u);
    EXPECT_EQ(r.placed, 1u);
    EXPECT_EQ(r.arrived.back(), 10000);
    EXPECT_EQ(r.allocated.back(), 1000);
}

TEST_F(AlibabaGpuImport, AGpuPodAmongCpuOnlyNodesIsImportedAndSkipped) {
    const sharing::Cluster c =
        import_alibaba_nodes(write("cpu.csv", kNodesHeader + "c1,8000,4096,0,\nc2,8000,4096,0,\n"));
    const std::vector<sharing::Pod> list = import_alibaba_pods(
        pods("g,1000,1024,1,500,\ncpu,1000,1024,0,0,\ng2,1000,1024,2,1000,\ncpu2,8000,4096,0,0,\n"),
        c);
    ASSERT_EQ(list.size(), 4u);
    for (sharing::PlacementPolicy policy :
         {sharing::PlacementPolicy::fgd, sharing::PlacementPolicy::random,
          sharing::PlacementPolicy::best_fit}) {
        sharing::ReplayOptions options;
        options.policy = policy;
        const sharing::ReplayResult r =
            sharing::replay(c, list, sharing::target_workload(list), options);
        EXPECT_EQ(r.node[0], -1);
        EXPECT_GE(r.node[1], 0);
        EXPECT_EQ(r.node[2], -1);
        EXPECT_GE(r.node[3], 0);
        EXPECT_NE(r.node[1], r.node[3]);  // 8 cores: the other node
        EXPECT_EQ(r.skipped, 2u);
        EXPECT_EQ(r.capacity, 0);
        EXPECT_EQ(r.allocated.back(), 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals, each at its field

TEST_F(AlibabaGpuImport, AShareAboveOneDevice) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("ok,1,1,1,1000,\np1,1000,2048,1,1500,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 3, 16, "gpu_milli", "1500");
    EXPECT_TRUE(has(e.message(), "at most one device")) << e.message();
}

TEST_F(AlibabaGpuImport, ANegativeMemory) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1000,-5,0,0,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 2, 9, "memory_mib", "-5");
    EXPECT_TRUE(has(e.message(), "negative")) << e.message();
    const std::string nodes = write("n.csv", kNodesHeader + "n1,64000,-1,8,V100M16\n");
    expect_at(error_of([&] { import_alibaba_nodes(nodes); }), nodes, 2, 10, "memory_mib", "-1");
}

TEST_F(AlibabaGpuImport, NotANumber) {
    const sharing::Cluster c = cluster();
    // "+-5": from_chars would read -5 once the '+' is skipped (was taken as -5).
    for (const char* token : {"abc", "1.5", "12x", "0x10", "+-5", "+", "1e3"}) {
        const std::string path = pods(std::string("p1,") + token + ",2048,0,0,\n");
        const InputError e = error_of([&] { import_alibaba_pods(path, c); });
        expect_at(e, path, 2, 4, "cpu_milli", token);
        EXPECT_TRUE(has(e.message(), "whole number")) << e.message();
    }
    const std::string nodes = write("n.csv", kNodesHeader + "n1,64000,1024,two,V100M16\n");
    expect_at(error_of([&] { import_alibaba_nodes(nodes); }), nodes, 2, 15, "gpu", "two");
}

TEST_F(AlibabaGpuImport, AnEmptyField) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,,2048,0,0,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 2, 4, "cpu_milli", "");
    EXPECT_TRUE(has(e.message(), "empty")) << e.message();
    const std::string empty_id = pods("p1,1,1,0,0,\n,1,1,0,0,\n");
    expect_at(error_of([&] { import_alibaba_pods(empty_id, c); }), empty_id, 3, 1, "name", "\"\"");
}

TEST_F(AlibabaGpuImport, AMissingColumnInTheHeader) {
    const sharing::Cluster c = cluster();
    const std::string header = "name,cpu_milli,num_gpu,gpu_milli";
    const std::string path = write("p.csv", header + "\np1,1,0,0\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 1, 1, "header", header);
    EXPECT_TRUE(has(e.message(), "missing column 'memory_mib'")) << e.message();
    const std::string nodes = write("n.csv", "sn,cpu_milli,memory_mib,gpu\nn1,1,1,0\n");
    const InputError n = error_of([&] { import_alibaba_nodes(nodes); });
    expect_at(n, nodes, 1, 1, "header", "sn,cpu_milli,memory_mib,gpu");
    EXPECT_TRUE(has(n.message(), "missing column 'model'")) << n.message();
}

TEST_F(AlibabaGpuImport, ARowWithTooFewOrTooManyFields) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1000,2048,0,0,\np2,1000,2048,0\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    // Where the row ends: after its 14 characters.
    expect_at(e, path, 3, 15, "columns", "end of file");
    EXPECT_TRUE(has(e.message(), "4 fields, the header 6")) << e.message();
    const std::string extra = pods("p1,1000,2048,0,0,,surplus\n");
    const InputError x = error_of([&] { import_alibaba_pods(extra, c); });
    expect_at(x, extra, 2, 19, "columns", "surplus");
}

TEST_F(AlibabaGpuImport, ADuplicateId) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1,1,0,0,\np2,1,1,0,0,\np1,1,1,0,0,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 4, 1, "name", "p1");
    EXPECT_TRUE(has(e.message(), "first on line 2")) << e.message();
    const std::string nodes = write("n.csv", kNodesHeader + "n1,1,1,1,T4\n\nn1,1,1,1,T4\n");
    const InputError n = error_of([&] { import_alibaba_nodes(nodes); });
    expect_at(n, nodes, 4, 1, "sn", "n1");
    EXPECT_TRUE(has(n.message(), "first on line 2")) << n.message();
}

TEST_F(AlibabaGpuImport, AnUnknownModelWithADidYouMean) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1000,2048,1,500,V100M61\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 2, 20, "gpu_spec", "V100M61");
    EXPECT_TRUE(has(e.message(), "did you mean 'V100M16'")) << e.message();
    // The second model of a list, far from any name: no hint.
    const std::string second = pods("p1,1000,2048,1,500,V100M16|H100SXM5\n");
    const InputError s = error_of([&] { import_alibaba_pods(second, c); });
    expect_at(s, second, 2, 28, "gpu_spec", "H100SXM5");
    EXPECT_FALSE(has(s.message(), "did you mean")) << s.message();
}

TEST_F(AlibabaGpuImport, AShareBelowAWholeDeviceOnSeveralDevices) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1000,2048,2,500,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 2, 16, "gpu_milli", "500");
    EXPECT_TRUE(has(e.message(), "num_gpu 1 only")) << e.message();
}

TEST_F(AlibabaGpuImport, AShareWithoutDevicesOrDevicesWithoutShare) {
    const sharing::Cluster c = cluster();
    const std::string path = pods("p1,1000,2048,0,300,\n");
    const InputError e = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(e, path, 2, 16, "gpu_milli", "300");
    EXPECT_TRUE(has(e.message(), "num_gpu 0")) << e.message();
    const std::string zero = pods("p1,1000,2048,1,0,\n");
    expect_at(error_of([&] { import_alibaba_pods(zero, c); }), zero, 2, 16, "gpu_milli", "0");
}

TEST_F(AlibabaGpuImport, ANodeWithTooManyDevices) {
    const std::string path = write("n.csv", kNodesHeader +
                                                "n0,64000,262144,64,T4\n"
                                                "n1,64000,262144,65,T4\n");
    const InputError e = error_of([&] { import_alibaba_nodes(path); });
    expect_at(e, path, 3, 17, "gpu", "65");
    EXPECT_TRUE(has(e.message(), "at most 64 devices")) << e.message();
}

TEST_F(AlibabaGpuImport, ANodeWithDevicesAndNoModel) {
    const std::string path = write("n.csv", kNodesHeader + "n1,64000,262144,2,\n");
    const InputError e = error_of([&] { import_alibaba_nodes(path); });
    expect_at(e, path, 2, 19, "model", "\"\"");
    EXPECT_TRUE(has(e.message(), "needs a model")) << e.message();
}

TEST_F(AlibabaGpuImport, AnEmptyFile) {
    const std::string nodes = write("n.csv", "");
    const InputError e = error_of([&] { import_alibaba_nodes(nodes); });
    expect_at(e, nodes, 1, 1, "header", "end of file");
    EXPECT_TRUE(has(e.message(), "empty")) << e.message();
    const sharing::Cluster c = cluster();
    const std::string pods_path = write("p.csv", "");
    expect_at(error_of([&] { import_alibaba_pods(pods_path, c); }), pods_path, 1, 1, "header",
              "end of file");
}

TEST_F(AlibabaGpuImport, AFileWithOnlyAHeader) {
    const std::string nodes = write("n.csv", kNodesHeader);
    const InputError e = error_of([&] { import_alibaba_nodes(nodes); });
    expect_at(e, nodes, 2, 1, "sn", "end of file");
    EXPECT_TRUE(has(e.message(), "no rows")) << e.message();
    const sharing::Cluster c = cluster();
    const std::string path = pods("\n");  // a blank line is not a row
    const InputError p = error_of([&] { import_alibaba_pods(path, c); });
    expect_at(p, path, 3, 1, "name", "end of file");
    EXPECT_TRUE(has(p.message(), "no rows")) << p.message();
}

TEST_F(AlibabaGpuImport, AMissingFile) {
    const std::string path = (dir_ / "absent.csv").string();
    const InputError e = error_of([&] { import_alibaba_nodes(path); });
    EXPECT_EQ(e.key(), "path");
    EXPECT_EQ(e.value(), path);
    EXPECT_EQ(e.position().file, path);
}

}  // namespace
}  // namespace allocopt
