// allocopt solve --pareto (docs/pareto.md): bad metric lists and references exit 2 naming the
// value and write nothing; a front is written as YAML (read back: every point's assignment
// re-scored by `allocopt evaluate` to the values written), as CSV, and drawn as SVG.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/cli_support.hpp"
#include "io/svg_check.hpp"

namespace {

using namespace allocopt::test;
using allocopt::testing::check_svg;

namespace fs = std::filesystem;

const std::string kSeed = ALLOCOPT_PROBLEMS "/seed-example.yaml";
const std::string kCluster = ALLOCOPT_PROBLEMS "/gpu-cluster.yaml";

class ParetoCli : public ScratchDirTest {};

TEST_F(ParetoCli, BadMetricListsExitTwoAndWriteNothing) {
    const std::string out = file("front.yaml"), svg = file("front.svg");
    const std::string tail = " --max-evals 500 -o " + quoted(out) + " --pareto-svg " + quoted(svg);
    struct Case {
        std::string list, says;
    };
    for (const Case& c :
         {Case{"makespan", "two or three"}, Case{"makespan,cost,flowtime,efficiency", "got 4"},
          Case{"makespan,makespan", "twice"}, Case{"makespan,costs", "did you mean 'cost'"}}) {
        const Outcome r = run("solve " + quoted(kSeed) + " --pareto " + quoted(c.list) + tail);
        EXPECT_EQ(r.status, 2) << c.list << ": " << r.err;
        EXPECT_NE(r.err.find("--pareto"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c.list), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out)) << c.list;
        EXPECT_FALSE(fs::exists(svg)) << c.list;
    }
    const Outcome ref =
        run("solve " + quoted(kSeed) + " --pareto makespan,cost --pareto-ref 1,x" + tail);
    EXPECT_EQ(ref.status, 2) << ref.err;
    EXPECT_NE(ref.err.find("--pareto-ref"), std::string::npos) << ref.err;
    const Outcome solver =
        run("solve " + quoted(kSeed) + " --pareto makespan,cost --solver pso" + tail);
    EXPECT_EQ(solver.status, 2) << solver.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(ParetoCli, WritesTheFrontEvaluateAgrees) {
    const std::string out = file("front.yaml"), svg = file("front.svg");
    const Outcome r =
        run("solve " + quoted(kCluster) + " --pareto makespan,cost --max-evals 3000 --seed 4 -o " +
            quoted(out) + " --pareto-svg " + quoted(svg));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("hypervolume"), std::string::npos) << r.out;
    const YAML::Node doc = YAML::LoadFile(out);
    EXPECT_EQ(doc["pareto"]["metrics"][0].as<std::string>(), "makespan");
    EXPECT_GT(doc["pareto"]["hypervolume"].as<double>(), 0);
    EXPECT_LE(doc["pareto"]["evaluations"].as<long>(), 3000);
    const YAML::Node points = doc["points"];
    ASSERT_GE(points.size(), 2u);
    // The two ends and one point between them (each `evaluate` reads the whole problem).
    for (const std::size_t k : {std::size_t{0}, points.size() / 2, points.size() - 1}) {
        // The point's assignment as an allocation file, scored by `allocopt evaluate`.
        const std::string one = file("point.yaml");
        {
            YAML::Emitter e;
            YAML::Node a;
            a["assignment"] = points[k]["assignment"];
            e << a;
            std::ofstream(one) << e.c_str();
        }
        const Outcome ev =
            run("evaluate " + quoted(kCluster) + " --allocation " + quoted(one) + " --format yaml");
        ASSERT_EQ(ev.status, 0) << ev.err;
        const YAML::Node metrics = YAML::Load(ev.out)["metrics"];
        for (const std::string m : {"makespan", "cost"}) {
            const double want = metrics[m].as<double>();
            EXPECT_NEAR(points[k]["values"][m].as<double>(), want, 1e-9 * std::max(1.0, want))
                << "point " << k << " " << m;
        }
    }
    check_svg(read_text(svg));
    EXPECT_NE(read_text(svg).find("makespan (lower is better)"), std::string::npos);
}

TEST_F(ParetoCli, WritesCsvAndDrawsThreeMetrics) {
    const std::string out = file("front.csv"), svg = file("front.svg");
    const Outcome r = run("solve " + quoted(kCluster) +
                          " --pareto makespan,efficiency,cost --max-evals 3000 -q -o " +
                          quoted(out) + " --pareto-svg " + quoted(svg));
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(out);
    std::string header;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("point,makespan,efficiency,cost,", 0), 0u) << header;
    const std::string picture = read_text(svg);
    check_svg(picture);
    // Three panels: each metric on two axes.
    EXPECT_NE(picture.find("efficiency (higher is better)"), std::string::npos);
    EXPECT_NE(picture.find("cost (lower is better)"), std::string::npos);
    std::string row;
    ASSERT_TRUE(static_cast<bool>(std::getline(in, row)));
    EXPECT_EQ(row.rfind("0,", 0), 0u) << row;
}

}  // namespace
