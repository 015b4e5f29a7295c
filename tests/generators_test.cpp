#include "allocopt/generators.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_writer.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/solvers/heuristics.hpp"
#include "detail/evaluator_internals.hpp"
#include "generators_data.hpp"

namespace allocopt {
namespace {

namespace fs = std::filesystem;
namespace gen = generators;

std::string instances(const std::string& name) {
    return std::string(ALLOCOPT_BENCH_INSTANCES) + "/" + name;
}

template <typename Fn>
InputError error_of(Fn&& fn) {
    try {
        fn();
    } catch (const InputError& error) {
        return error;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError("", "", "(no error)");
}

/// Reads `problem`'s YAML back through a file, as `allocopt validate` and `solve` would.
Problem through_a_file(const Problem& problem) {
    const fs::path path =
        fs::temp_directory_path() / ("allocopt-generated-" + std::to_string(getpid()) + ".yaml");
    write_problem(path.string(), problem);
    Problem back = read_problem_file(path.string()).problem;
    fs::remove(path);
    return back;
}

/// Every task has a resource that can host it, and a heuristic's allocation is feasible.
void expect_feasible(const Problem& p, bool packing_heuristic = false) {
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        bool fits = false;
        for (std::size_t j = 0; j < p.num_resources() && !fits; ++j)
            fits = p.can_host(i, j);
        EXPECT_TRUE(fits) << p.task(i).id;
    }
    Evaluator evaluator(p, {.threads = 1});
    const Allocation a = packing_heuristic ? heuristics::regret_greedy(p) : heuristics::min_min(p);
    const Report report = evaluator.report(a);
    EXPECT_TRUE(report.evaluation.feasible())
        << p.name() << " violation " << report.evaluation.violation;
}

// ---------------------------------------------------------------------------------------------
// The embedded tables are the CSV files under problems/data, value for value.

std::vector<std::vector<std::string>> read_csv(const std::string& name) {
    std::ifstream in(std::string(ALLOCOPT_PROBLEMS) + "/data/" + name);
    EXPECT_TRUE(in) << name;
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::stringstream fields_in(line);
        for (std::string field; std::getline(fields_in, field, ',');)
            fields.push_back(field);
        if (!line.empty() && line.back() == ',') fields.emplace_back();
        rows.push_back(std::move(fields));
    }
    return rows;
}

TEST(GeneratorData, EmbeddedTablesMatchTheCsvFiles) {
    using namespace gen::detail;
    const auto nodes = read_csv("alibaba-gpu-v2023-node-types.csv");
    ASSERT_EQ(nodes.size(), node_types().size());
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        const NodeType& t = node_types()[k];
        EXPECT_EQ(nodes[k][0], t.gpu_model);
        EXPECT_EQ(std::stoi(nodes[k][1]), t.gpus_per_node);
        EXPECT_EQ(std::stoi(nodes[k][2]), t.cpu_milli);
        EXPECT_EQ(std::stoi(nodes[k][3]), t.memory_mib);
        EXPECT_EQ(std::stoi(nodes[k][4]), t.node_count);
    }
    const auto gavel = read_csv("gavel-throughputs.csv");
    ASSERT_EQ(gavel.size(), gavel_throughputs().size());
    for (std::size_t k = 0; k < gavel.size(); ++k) {
        const Throughput& t = gavel_throughputs()[k];
        EXPECT_EQ(gavel[k][0], t.job_type);
        EXPECT_EQ(gavel[k][1].empty() ? 0 : std::stoi(gavel[k][1]), t.batch_size);
        EXPECT_EQ(std::stoi(gavel[k][2]), t.scale_factor);
        EXPECT_EQ(std::stod(gavel[k][3]), t.v100);
        EXPECT_EQ(std::stod(gavel[k][4]), t.p100);
        EXPECT_EQ(std::stod(gavel[k][5]), t.k80);
    }
    const auto pods = read_csv("alibaba-gpu-v2023-pods-first2000.csv");
    ASSERT_EQ(pods.size(), 2000u);
    ASSERT_EQ(pods.size(), alibaba_pods().size());
    const std::map<std::string, Qos> qos = {{"LS", Qos::ls},
                                            {"BE", Qos::be},
                                            {"Burstable", Qos::burstable},
                                            {"Guaranteed", Qos::guaranteed}};
    for (std::size_t k = 0; k < pods.size(); ++k) {
        const Pod& p = alibaba_pods()[k];
        ASSERT_EQ(pods[k].size(), 11u) << k;
        EXPECT_EQ(std::stoi(pods[k][1]), p.cpu_milli) << k;
        EXPECT_EQ(std::stoi(pods[k][2]), p.memory_mib) << k;
        EXPECT_EQ(std::stoi(pods[k][3]), p.num_gpu) << k;
        EXPECT_EQ(std::stoi(pods[k][4]), p.gpu_milli) << k;
        EXPECT_EQ(qos.at(pods[k][6]), p.qos) << k;
        const int runtime =
            pods[k][10].empty() ? -1 : std::stoi(pods[k][9]) - std::stoi(pods[k][10]);
        EXPECT_EQ(runtime, p.runtime_s) << k;
    }
}

// ---------------------------------------------------------------------------------------------
// Braun ETC

gen::EtcSpec etc(gen::Consistency c, gen::Heterogeneity tasks, gen::Heterogeneity machines,
                 std::uint64_t seed = 1) {
    return {.tasks = 512,
            .machines = 16,
            .consistency = c,
            .task_heterogeneity = tasks,
            .machine_heterogeneity = machines,
            .seed = seed};
}

constexpr auto kHi = gen::Heterogeneity::high;
constexpr auto kLo = gen::Heterogeneity::low;

TEST(GenerateEtc, SameSeedSameBytesOtherSeedOtherBytes) {
    const gen::EtcSpec spec = etc(gen::Consistency::semi_consistent, kHi, kLo, 7);
    const std::string text = problem_text(gen::generate_etc(spec));
    EXPECT_EQ(problem_text(gen::generate_etc(spec)), text);
    gen::EtcSpec other = spec;
    other.seed = 8;
    EXPECT_NE(problem_text(gen::generate_etc(other)), text);
}

TEST(GenerateEtc, HasTheShapeOfTheBraunImporter) {
    const Problem ours = gen::generate_etc(etc(gen::Consistency::consistent, kHi, kHi));
    const Problem theirs = import_braun_etc(instances("braun-etc/u_c_hihi.0"));
    EXPECT_EQ(ours.name(), "u_c_hihi-512x16-seed1");
    EXPECT_EQ(ours.mode(), theirs.mode());
    EXPECT_EQ(ours.policy(), theirs.policy());
    EXPECT_EQ(ours.objective().terms, theirs.objective().terms);
    EXPECT_EQ(ours.dimensions(), theirs.dimensions());
    ASSERT_EQ(ours.num_resources(), theirs.num_resources());
    ASSERT_EQ(ours.num_tasks(), theirs.num_tasks());
    for (std::size_t j = 0; j < ours.num_resources(); ++j) {
        EXPECT_EQ(ours.resource(j).id, theirs.resource(j).id);
        EXPECT_EQ(ours.resource(j).kind, theirs.resource(j).kind);
        EXPECT_EQ(ours.resource(j).capacity, theirs.resource(j).capacity);
    }
    for (std::size_t i = 0; i < ours.num_tasks(); ++i) {
        EXPECT_EQ(ours.task(i).id, theirs.task(i).id);
        EXPECT_EQ(ours.task(i).workload, theirs.task(i).workload);
        EXPECT_EQ(ours.task(i).units.max, 1);
    }
    EXPECT_TRUE(ours.has_time_matrix());
    EXPECT_EQ(detail::internals(Evaluator(ours)).path, detail::EvaluatorPath::load);
    EXPECT_EQ(detail::internals(Evaluator(theirs)).path, detail::EvaluatorPath::load);
}

TEST(GenerateEtc, LabelsFollowTheLiterature) {
    EXPECT_EQ(gen::etc_label(etc(gen::Consistency::consistent, kHi, kHi)), "u_c_hihi");
    EXPECT_EQ(gen::etc_label(etc(gen::Consistency::semi_consistent, kLo, kHi)), "u_s_lohi");
    EXPECT_EQ(gen::etc_label(etc(gen::Consistency::inconsistent, kHi, kLo)), "u_i_hilo");
}

TEST(GenerateEtc, ConsistencyIsBraunsDefinition) {
    for (auto t : {kLo, kHi}) {
        for (auto m : {kLo, kHi}) {
            const Matrix c = gen::generate_etc(etc(gen::Consistency::consistent, t, m)).data().time;
            const Matrix s =
                gen::generate_etc(etc(gen::Consistency::semi_consistent, t, m)).data().time;
            const Matrix i =
                gen::generate_etc(etc(gen::Consistency::inconsistent, t, m)).data().time;
            int unsorted_rows = 0, unsorted_odd = 0;
            for (Eigen::Index r = 0; r < c.rows(); ++r) {
                // Consistent: each row ascending; and it is the inconsistent row, sorted (the
                // three share their draws).
                std::vector<double> row(c.row(r).begin(), c.row(r).end());
                EXPECT_TRUE(std::is_sorted(row.begin(), row.end())) << r;
                std::vector<double> drawn(i.row(r).begin(), i.row(r).end());
                unsorted_rows += !std::is_sorted(drawn.begin(), drawn.end());
                std::sort(drawn.begin(), drawn.end());
                EXPECT_EQ(drawn, row) << r;
                // Semi-consistent: even columns ascending; odd columns as drawn.
                std::vector<double> even, odd;
                for (Eigen::Index j = 0; j < s.cols(); ++j) {
                    if (j % 2 == 0) {
                        even.push_back(s(r, j));
                    } else {
                        odd.push_back(s(r, j));
                        EXPECT_EQ(s(r, j), i(r, j));
                    }
                }
                EXPECT_TRUE(std::is_sorted(even.begin(), even.end())) << r;
                unsorted_odd += !std::is_sorted(odd.begin(), odd.end());
            }
            EXPECT_GT(unsorted_rows, 500);
            EXPECT_GT(unsorted_odd, 400);
        }
    }
}

// The definitions above are the ones Braun et al.'s own instances follow.
TEST(GenerateEtc, BraunsFilesFollowTheSameConsistencyDefinitions) {
    for (const char* name : {"u_c_hihi.0", "u_c_lolo.0", "u_s_hihi.0", "u_s_lohi.0"}) {
        SCOPED_TRACE(name);
        const bool consistent = name[2] == 'c';
        const Matrix etc_matrix =
            import_braun_etc(instances(std::string("braun-etc/") + name)).data().time;
        int sorted_rows = 0;
        for (Eigen::Index r = 0; r < etc_matrix.rows(); ++r) {
            for (Eigen::Index j = 0; j + 2 < etc_matrix.cols(); j += 2)
                EXPECT_LE(etc_matrix(r, j), etc_matrix(r, j + 2)) << r;
            std::vector<double> row(etc_matrix.row(r).begin(), etc_matrix.row(r).end());
            sorted_rows += std::is_sorted(row.begin(), row.end());
        }
        EXPECT_EQ(sorted_rows, consistent ? 512 : 0);
    }
}

TEST(GenerateEtc, ValuesStayInTheRangesOfTheMethod) {
    for (auto t : {kLo, kHi}) {
        for (auto m : {kLo, kHi}) {
            const double r_task = t == kHi ? 3000 : 100, r_mach = m == kHi ? 1000 : 10;
            const Matrix etc_matrix =
                gen::generate_etc(etc(gen::Consistency::inconsistent, t, m, 3)).data().time;
            EXPECT_GE(etc_matrix.minCoeff(), 1.0);
            EXPECT_LE(etc_matrix.maxCoeff(), r_task * r_mach);
            // One task's values are tau_i x U[1, R_mach): their spread stays below R_mach.
            for (Eigen::Index r = 0; r < etc_matrix.rows(); ++r) {
                EXPECT_LE(etc_matrix.row(r).maxCoeff() / etc_matrix.row(r).minCoeff(),
                          r_mach * 1.00001);
            }
            // The mean of tau x U is about R_task / 2 x R_mach / 2.
            const double expected = (1 + r_task) / 2 * (1 + r_mach) / 2;
            EXPECT_NEAR(etc_matrix.mean() / expected, 1.0, 0.15);
        }
    }
}

TEST(GenerateEtc, RoundTripsAndSolves) {
    const Problem p = gen::generate_etc(
        {.tasks = 64, .machines = 8, .consistency = gen::Consistency::semi_consistent});
    const Problem back = through_a_file(p);
    EXPECT_EQ(back.data().time, p.data().time);
    EXPECT_EQ(problem_text(back), problem_text(p));
    expect_feasible(p);
}

TEST(GenerateEtc, RejectsEmptySizes) {
    EXPECT_EQ(error_of([] { gen::generate_etc({.tasks = 0}); }).key(), "tasks");
    EXPECT_EQ(error_of([] { gen::generate_etc({.machines = -1}); }).key(), "machines");
}

// ---------------------------------------------------------------------------------------------
// GAP

struct GapStats {
    double min_load = kInfinity, max_load = 0, mean_load = 0;
    double min_cost = kInfinity, max_cost = 0, mean_cost = 0;
    double min_ratio = kInfinity, max_ratio = 0;  // b_i / (0.8 sum_j r_ij / m)
    double min_sum = kInfinity, max_sum = 0;      // c_ij + r_ij
};

GapStats stats(const Problem& p) {
    const std::size_t load = *p.dimension_index("load");
    const Matrix& r = p.demand_matrix(load);
    const Matrix& c = p.data().cost;
    const double m = static_cast<double>(p.num_resources());
    GapStats s;
    s.min_load = r.minCoeff();
    s.max_load = r.maxCoeff();
    s.mean_load = r.mean();
    s.min_cost = c.minCoeff();
    s.max_cost = c.maxCoeff();
    s.mean_cost = c.mean();
    s.min_sum = (r + c).minCoeff();
    s.max_sum = (r + c).maxCoeff();
    for (std::size_t a = 0; a < p.num_resources(); ++a) {
        const double ratio =
            p.capacity(a, load) / (0.8 * r.col(static_cast<Eigen::Index>(a)).sum() / m);
        s.min_ratio = std::min(s.min_ratio, ratio);
        s.max_ratio = std::max(s.max_ratio, ratio);
    }
    return s;
}

gen::GapSpec gap(gen::GapType type, const Problem& like, std::uint64_t seed = 1) {
    return {.type = type,
            .agents = static_cast<int>(like.num_resources()),
            .jobs = static_cast<int>(like.num_tasks()),
            .seed = seed};
}

TEST(GenerateGap, CapacitiesFollowTheFormulas) {
    for (gen::GapType type : {gen::GapType::c, gen::GapType::d, gen::GapType::e}) {
        for (std::uint64_t seed : {1, 2, 3}) {
            const Problem p =
                gen::generate_gap({.type = type, .agents = 5, .jobs = 60, .seed = seed});
            const std::size_t load = *p.dimension_index("load");
            const Matrix& r = p.demand_matrix(load);
            for (std::size_t a = 0; a < p.num_resources(); ++a) {
                const auto col = r.col(static_cast<Eigen::Index>(a));
                double b = 0.8 * col.sum() / 5.0;
                if (type == gen::GapType::e) b = std::max(b, col.maxCoeff());
                EXPECT_EQ(p.capacity(a, load), std::floor(b));
                EXPECT_EQ(p.capacity(a, 0), 60);
            }
            for (Eigen::Index k = 0; k < r.size(); ++k) {
                EXPECT_EQ(r.data()[k], std::round(r.data()[k]));
                EXPECT_EQ(p.data().cost.data()[k], std::round(p.data().cost.data()[k]));
            }
        }
    }
}

TEST(GenerateGap, HasTheShapeOfTheOrLibraryImporter) {
    const Problem theirs = import_orlib_gap(instances("gap/gapd.txt"), {.instance = 3});
    const Problem ours = gen::generate_gap(gap(gen::GapType::d, theirs));
    EXPECT_EQ(ours.name(), "gap-d10100-seed1");
    EXPECT_EQ(ours.mode(), theirs.mode());
    EXPECT_EQ(ours.objective().sense, theirs.objective().sense);
    EXPECT_EQ(ours.objective().terms, theirs.objective().terms);
    EXPECT_EQ(ours.dimensions(), theirs.dimensions());
    for (std::size_t a = 0; a < ours.num_resources(); ++a) {
        EXPECT_EQ(ours.resource(a).id, theirs.resource(a).id);
        EXPECT_EQ(ours.resource(a).kind, theirs.resource(a).kind);
        EXPECT_EQ(ours.capacity(a, 0), theirs.capacity(a, 0));
    }
    for (std::size_t j = 0; j < ours.num_tasks(); ++j)
        EXPECT_EQ(ours.task(j).id, theirs.task(j).id);
    EXPECT_TRUE(ours.has_cost_matrix());
    EXPECT_TRUE(ours.has_demand_matrix(1));
    EXPECT_EQ(detail::internals(Evaluator(ours)).path, detail::EvaluatorPath::packing);
}

/// Generated instances look like the published ones of the same type and size: the same value
/// ranges, means within 10 %, and capacities within the published ratio range.
void expect_alike(gen::GapType type, const std::vector<Problem>& references) {
    for (const Problem& ref : references) {
        SCOPED_TRACE(ref.name());
        const GapStats want = stats(ref);
        for (std::uint64_t seed : {1, 2}) {
            const Problem p = gen::generate_gap(gap(type, ref, seed));
            const GapStats got = stats(p);
            EXPECT_NEAR(got.mean_load / want.mean_load, 1.0, 0.1);
            EXPECT_NEAR(got.mean_cost / want.mean_cost, 1.0, 0.1);
            if (type != gen::GapType::e) {
                EXPECT_GE(got.min_load, want.min_load);
                EXPECT_LE(got.max_load, want.max_load);
                EXPECT_GE(got.min_cost, want.min_cost - (type == gen::GapType::d ? 2 : 0));
                EXPECT_LE(got.max_cost, want.max_cost + (type == gen::GapType::d ? 2 : 0));
                EXPECT_GE(got.min_ratio, want.min_ratio - 0.01);
                EXPECT_LE(got.max_ratio, 1.0);
            } else {
                EXPECT_GE(got.min_load, 1.0);
                EXPECT_GE(got.min_cost, 0.0);
                EXPECT_LE(got.max_cost, 1000.0);
                // Capacities near 40 lose up to 1 to the floor: a wider margin than C and D.
                EXPECT_GE(got.min_ratio, want.min_ratio - 0.03);
                EXPECT_LE(got.min_ratio, 1.0);
            }
            if (type == gen::GapType::d) {  // c = 111 - r + U[-10, 10]
                EXPECT_EQ(got.min_sum >= 101 && got.max_sum <= 121, true);
                EXPECT_GE(got.min_sum, want.min_sum);
                EXPECT_LE(got.max_sum, want.max_sum);
            }
        }
    }
}

TEST(GenerateGap, TypeCLooksLikeOrLibraryGapc) {
    std::vector<Problem> refs;
    for (int k = 1; k <= 6; ++k)
        refs.push_back(import_orlib_gap(instances("gap/gapc.txt"), {.instance = k}));
    expect_alike(gen::GapType::c, refs);
}

TEST(GenerateGap, TypeDLooksLikeOrLibraryGapd) {
    std::vector<Problem> refs;
    for (int k = 1; k <= 6; ++k)
        refs.push_back(import_orlib_gap(instances("gap/gapd.txt"), {.instance = k}));
    expect_alike(gen::GapType::d, refs);
}

TEST(GenerateGap, TypeELooksLikeYagiurasFiles) {
    std::vector<Problem> refs;
    for (const char* name : {"e05100", "e05200", "e10100", "e10200", "e20100", "e20200"})
        refs.push_back(import_orlib_gap(instances(std::string("gap/yagiura_typeE/") + name)));
    expect_alike(gen::GapType::e, refs);
    // Truncation, not rounding: r = 1 in about 10 % of the pairs (rounding would give 5 %).
    auto share_of_ones = [](const Problem& p) {
        const Matrix& r = p.demand_matrix(1);
        return static_cast<double>((r.array() == 1.0).count()) / static_cast<double>(r.size());
    };
    double published = 0, generated = 0;
    for (const Problem& ref : refs) {
        published += share_of_ones(ref) / static_cast<double>(refs.size());
        generated += share_of_ones(gen::generate_gap(gap(gen::GapType::e, ref))) /
                     static_cast<double>(refs.size());
    }
    EXPECT_NEAR(published, 0.10, 0.01);
    EXPECT_NEAR(generated, published, 0.02);
}

TEST(GenerateGap, DefaultSizesRoundTripAndHaveFeasibleAssignments) {
    for (gen::GapType type : {gen::GapType::c, gen::GapType::d, gen::GapType::e}) {
        const Problem p = gen::generate_gap({.type = type, .seed = 5});
        EXPECT_EQ(p.num_resources(), 10u);
        EXPECT_EQ(p.num_tasks(), 100u);
        const Problem back = through_a_file(p);
        EXPECT_EQ(back.data().cost, p.data().cost);
        EXPECT_EQ(back.demand_matrix(1), p.demand_matrix(1));
        EXPECT_EQ(problem_text(back), problem_text(p));
        expect_feasible(p, true);
    }
}

TEST(GenerateGap, SameSeedSameBytes) {
    const gen::GapSpec spec{.type = gen::GapType::e, .agents = 5, .jobs = 40, .seed = 11};
    const std::string text = problem_text(gen::generate_gap(spec));
    EXPECT_EQ(problem_text(gen::generate_gap(spec)), text);
    gen::GapSpec other = spec;
    other.seed = 12;
    EXPECT_NE(problem_text(gen::generate_gap(other)), text);
}

TEST(GenerateGap, TooFewJobsPerAgentIsAnInputError) {
    EXPECT_EQ(error_of([] {
                  gen::generate_gap({.type = gen::GapType::c, .agents = 10, .jobs = 2});
              }).key(),
              "jobs");
    EXPECT_EQ(error_of([] { gen::generate_gap({.agents = 0}); }).key(), "agents");
    // Type E capacities are at least the largest load, so any size fits.
    EXPECT_NO_THROW(gen::generate_gap({.type = gen::GapType::e, .agents = 10, .jobs = 1}));
}

// ---------------------------------------------------------------------------------------------
// Cluster

std::string kind_of(const Task& t) {
    return t.id.substr(0, t.id.find('-'));
}

TEST(GenerateCluster, SameSeedSameBytesOtherSeedOtherBytes) {
    const gen::ClusterSpec spec{.jobs = 60, .nodes = 8, .arrival_rate = 2, .seed = 4};
    const std::string text = problem_text(gen::generate_cluster(spec));
    EXPECT_EQ(problem_text(gen::generate_cluster(spec)), text);
    gen::ClusterSpec other = spec;
    other.seed = 5;
    EXPECT_NE(problem_text(gen::generate_cluster(other)), text);
}

TEST(GenerateCluster, DefaultProblemIsFeasibleAndRoundTrips) {
    const Problem p = gen::generate_cluster({});
    EXPECT_EQ(p.name(), "cluster-200x16-seed1");
    EXPECT_EQ(p.num_tasks(), 200u);
    EXPECT_EQ(p.num_resources(), 16u);
    EXPECT_EQ(p.mode(), Mode::schedule);
    EXPECT_EQ(p.policy(), Policy::priority);
    EXPECT_EQ(p.objective().describe(), "minimize 1*weighted_completion + 1*cost");
    EXPECT_FALSE(p.has_time_matrix());
    EXPECT_TRUE(p.has_speedups());
    const Problem back = through_a_file(p);
    EXPECT_EQ(back.data().speedups, p.data().speedups);
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        for (std::size_t j = 0; j < p.num_resources(); ++j)
            EXPECT_EQ(back.time(i, j), p.time(i, j));
    }
    EXPECT_EQ(problem_text(back), problem_text(p));
    expect_feasible(p);
    expect_feasible(back);
}

/// The compact form is the problem the dense `time` matrix gave (issue #12): the files in
/// tests/data/cluster-dense were written by the generator before it (commit 62d0d28), whose
/// times were significant(v100_time x thr_v100 / thr_class); now the factor thr_class /
/// thr_v100 is kept to 6 significant digits instead, so each side is rounded once.
TEST(GenerateCluster, CompactTimesAreTheDenseMatrixOfBefore) {
    constexpr double kRounding = 2 * 5e-6 + 1e-12;  // two roundings to 6 significant digits
    const auto close = [&](double a, double b) { return std::abs(a - b) <= kRounding * b; };
    struct Case {
        const char* file;
        gen::ClusterSpec spec;
    };
    const gen::JobMix gpu_only{.training = 1, .inference = 0, .preprocessing = 0, .serving = 1};
    const Case cases[] = {
        {"cluster-200x16-seed1.yaml", {.jobs = 200, .nodes = 16, .seed = 1}},
        {"cluster-60x8-seed4.yaml", {.jobs = 60, .nodes = 8, .arrival_rate = 2, .seed = 4}},
        {"cluster-80x5-seed7.yaml", {.jobs = 80, .nodes = 5, .seed = 7}},
        {"cluster-50x12-seed2.yaml", {.jobs = 50, .nodes = 12, .mix = gpu_only, .seed = 2}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.file);
        const Problem before =
            read_problem(std::string(ALLOCOPT_TEST_DATA) + "/cluster-dense/" + c.file);
        const Problem now = gen::generate_cluster(c.spec);
        ASSERT_TRUE(before.has_time_matrix());
        ASSERT_FALSE(now.has_time_matrix());
        EXPECT_EQ(now.name(), before.name());
        ASSERT_EQ(now.num_resources(), before.num_resources());
        ASSERT_EQ(now.num_tasks(), before.num_tasks());
        std::set<std::string> gpu_kinds;
        for (std::size_t j = 0; j < now.num_resources(); ++j) {
            const Resource &r = now.resource(j), &old = before.resource(j);
            EXPECT_EQ(r.id, old.id);
            EXPECT_EQ(r.capacity, old.capacity);
            EXPECT_EQ(r.cost_per_hour, old.cost_per_hour);
            EXPECT_EQ(r.kind == "cpu", old.kind == "cpu") << r.id;
            if (r.kind != "cpu") gpu_kinds.insert(r.kind);
        }
        for (std::size_t i = 0; i < now.num_tasks(); ++i) {
            const Task &t = now.task(i), &old = before.task(i);
            SCOPED_TRACE(t.id);
            EXPECT_EQ(t.id, old.id);
            EXPECT_EQ(t.workload, old.workload);
            EXPECT_EQ(t.arrival, old.arrival);
            EXPECT_EQ(t.priority, old.priority);
            EXPECT_EQ(t.demand, old.demand);
            EXPECT_EQ(t.units.values, old.units.values);
            EXPECT_EQ(t.scaling.table, old.scaling.table);
            EXPECT_EQ(t.type.empty(), kind_of(t) == "preprocessing");
            if (std::isfinite(old.deadline)) {
                EXPECT_TRUE(close(t.deadline, old.deadline)) << t.deadline << " " << old.deadline;
            } else {
                EXPECT_EQ(t.deadline, old.deadline);
            }
            if (old.allowed == std::vector<std::string>{"gpu"}) {
                EXPECT_EQ(std::set<std::string>(t.allowed.begin(), t.allowed.end()), gpu_kinds);
            } else {
                EXPECT_EQ(t.allowed, old.allowed);
            }
            for (std::size_t j = 0; j < now.num_resources(); ++j) {
                EXPECT_TRUE(close(now.time(i, j), before.time(i, j)))
                    << now.resource(j).id << ": " << now.time(i, j) << " vs " << before.time(i, j);
            }
        }
        // And so the Evaluator's view: one allocation scores alike on both.
        Allocation a(now.num_tasks());
        for (std::size_t i = 0; i < now.num_tasks(); ++i) {
            for (std::size_t j = 0; j < now.num_resources(); ++j) {
                if (!now.can_host(i, j)) continue;
                a.place(i, static_cast<std::int32_t>(j), now.task(i).units.min);
                break;
            }
        }
        Evaluator ev_now(now), ev_before(before);
        const Evaluation x = ev_now.evaluate(a), y = ev_before.evaluate(a);
        EXPECT_NEAR(x.objective, y.objective, 1e-4 * std::abs(y.objective));
        EXPECT_EQ(x.violation, y.violation);
    }
}

TEST(GenerateCluster, EveryProblemIsFeasibleForManySeedsAndSizes) {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        for (int nodes : {2, 3, 5, 16}) {
            SCOPED_TRACE("seed " + std::to_string(seed) + ", nodes " + std::to_string(nodes));
            const Problem p = gen::generate_cluster({.jobs = 40, .nodes = nodes, .seed = seed});
            expect_feasible(p);
            bool cpu = false, gpu = false;
            for (const Resource& r : p.resources()) {
                cpu = cpu || r.kind == "cpu";
                gpu = gpu || r.kind == "v100" || r.kind == "p100";
            }
            EXPECT_TRUE(cpu && gpu);
        }
    }
    // One node is enough when every job runs on the same kind of node.
    const gen::JobMix gpu_only{.training = 1, .inference = 1, .preprocessing = 0, .serving = 1};
    expect_feasible(gen::generate_cluster({.jobs = 30, .nodes = 1, .mix = gpu_only}));
    const gen::JobMix cpu_only{.training = 0, .inference = 0, .preprocessing = 1, .serving = 0};
    const Problem prep = gen::generate_cluster({.jobs = 30, .nodes = 1, .mix = cpu_only});
    expect_feasible(prep);
    EXPECT_EQ(prep.resource(0).kind, "cpu");
}

TEST(GenerateCluster, MixGivesTheCountsByLargestRemainder) {
    const Problem p = gen::generate_cluster({.jobs = 25});  // 10, 7.5, 5, 2.5
    std::map<std::string, int> counts;
    for (const Task& t : p.tasks())
        ++counts[kind_of(t)];
    EXPECT_EQ(counts["training"], 10);
    EXPECT_EQ(counts["inference"], 8);
    EXPECT_EQ(counts["preprocessing"], 5);
    EXPECT_EQ(counts["serving"], 2);
}

TEST(GenerateCluster, JobsAndNodesFollowTheModel) {
    const Problem p =
        gen::generate_cluster({.jobs = 300, .nodes = 24, .arrival_rate = 6, .seed = 9});
    const auto k_cpu = p.dimension_index("cpu");
    const auto k_memory = p.dimension_index("memory_gb");
    ASSERT_TRUE(k_cpu && k_memory);
    std::set<double> gpu_prices;
    std::vector<std::string> gpu_kinds;  // sorted
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        const Resource& r = p.resource(j);
        if (r.kind != "cpu" && !std::count(gpu_kinds.begin(), gpu_kinds.end(), r.kind))
            gpu_kinds.push_back(r.kind);
        EXPECT_TRUE(r.kind == "v100" || r.kind == "p100" || r.kind == "cpu") << r.id;
        EXPECT_GT(p.capacity(j, *k_memory), 0) << r.id;
        if (r.kind != "cpu") {
            EXPECT_LE(p.capacity(j, 0), 8) << r.id;
            EXPECT_GT(p.capacity(j, *k_cpu), 0) << r.id;
            gpu_prices.insert(r.cost_per_hour);
        } else {
            EXPECT_EQ(r.id.rfind("cpu-", 0), 0u);
            EXPECT_EQ(r.cost_per_hour, 0.03);
        }
    }
    for (double price : gpu_prices)
        EXPECT_TRUE(price == 0.74 || price == 0.43) << price;
    std::sort(gpu_kinds.begin(), gpu_kinds.end());
    double previous_arrival = 0;
    std::set<std::string> kinds;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        const Task& t = p.task(i);
        SCOPED_TRACE(t.id);
        const std::string kind = kind_of(t);
        kinds.insert(kind);
        EXPECT_GE(t.arrival, previous_arrival);
        previous_arrival = t.arrival;
        EXPECT_GT(t.workload, 0);
        EXPECT_TRUE(t.priority == 1 || t.priority == 5);
        for (std::size_t j = 0; j < p.num_resources(); ++j)
            EXPECT_GT(p.time(i, j), 0);
        if (kind == "preprocessing") {
            EXPECT_EQ(t.kind, TaskKind::data);
            EXPECT_EQ(t.allowed, std::vector<std::string>{"cpu"});
            EXPECT_EQ(t.scaling.type, Scaling::Type::amdahl);
            EXPECT_EQ(t.units.min, 1);
            EXPECT_GE(t.units.max, 1);
            EXPECT_EQ(t.demand.count("cpu"), 0u);
            continue;
        }
        EXPECT_EQ(task_kind_name(t.kind), kind);
        EXPECT_EQ(t.allowed, gpu_kinds);
        ASSERT_TRUE(p.data().speedups.count(t.type)) << t.type;
        EXPECT_EQ(p.data().speedups.at(t.type).at("v100"), 1.0);
        EXPECT_EQ(t.demand.count("cpu"), 1u);
        if (kind == "training") {
            for (int k = 0; k < t.units.count(); ++k) {
                const int u = t.units.nth(k);
                EXPECT_TRUE(u == 1 || u == 2 || u == 4 || u == 8) << u;
                EXPECT_LE(t.scaling.speedup(u), u);
                EXPECT_GE(t.scaling.speedup(u), 1.0);
            }
            if (t.units.count() > 1) {
                EXPECT_EQ(t.scaling.speedup(1), 1.0);
            }
            // Gavel's durations: 10^1.5 to 10^4 minutes on a V100.
            EXPECT_GE(t.workload, std::pow(10, 1.5) / 60 * 0.999);
            EXPECT_LE(t.workload, std::pow(10, 4) / 60 * 1.001);
        } else {
            EXPECT_TRUE(t.units.fixed());
        }
        if (kind == "serving") {
            EXPECT_EQ(t.priority, 5);
            EXPECT_GT(t.deadline, t.arrival);
            EXPECT_TRUE(std::isfinite(t.deadline));
        } else {
            EXPECT_FALSE(std::isfinite(t.deadline));
        }
    }
    EXPECT_GT(previous_arrival, 0);
    EXPECT_EQ(kinds.size(), 4u);
}

TEST(GenerateCluster, ParsesTheMix) {
    const gen::JobMix mix = gen::parse_job_mix("training=0.5, serving = 1.5");
    EXPECT_EQ(mix.training, 0.5);
    EXPECT_EQ(mix.inference, 0);
    EXPECT_EQ(mix.preprocessing, 0);
    EXPECT_EQ(mix.serving, 1.5);
    for (const char* bad : {"", "training", "trainign=1", "training=1,training=2", "serving=-1",
                            "serving=x", "serving=nan", "training=0,serving=0", "training=1,"}) {
        SCOPED_TRACE(bad);
        EXPECT_EQ(error_of([&] { gen::parse_job_mix(bad); }).key(), "mix");
    }
    EXPECT_NE(error_of([] { gen::parse_job_mix("trainign=1"); }).message().find("training"),
              std::string::npos);
}

TEST(GenerateCluster, RejectsImpossibleSpecs) {
    EXPECT_EQ(error_of([] { gen::generate_cluster({.jobs = 0}); }).key(), "jobs");
    EXPECT_EQ(error_of([] { gen::generate_cluster({.nodes = 1}); }).key(), "nodes");
    EXPECT_EQ(error_of([] { gen::generate_cluster({.arrival_rate = -1}); }).key(), "arrival_rate");
    EXPECT_EQ(error_of([] { gen::generate_cluster({.mix = {0, 0, 0, 0}}); }).key(), "mix");
}

}  // namespace
}  // namespace allocopt
