// bench/enumerate: the exact optimum of a small problem by exhaustive enumeration, the ground
// truth the GA is measured against (bench/cluster.sh, issue #12).
//
//   enumerate PROBLEM.yaml [-o OPT.yaml] [--threads T] [--max-space N] [--json] [--check]
//   enumerate --self-check [--seeds N] [--threads T]
//
// Every allocation is scored by the library's Evaluator and compared feasibility first, then by
// the objective in its sense (better()). Each task takes every resource that can host it
// (Problem::can_host) with every admissible unit count that fits the resource's unit capacity,
// and stays unplaced only when it is optional.
//
// Symmetry. Resources are grouped into classes of interchangeable ones: equal kind, capacity in
// every dimension, speed, cost_per_hour, fixed_cost and weight, the same `allowed` answer for
// every task (a list may name one of them by id) and equal columns of every per-pair matrix.
// Permuting the members of a class maps an allocation to one the Evaluator scores the same:
// it schedules each resource from the tasks on it alone, ordered by task attributes and task
// index, and every metric is a sum, mean or maximum over tasks or resources. So it is enough
// to score one allocation per orbit: the canonical one, in which the members of a class are
// used in order of first use by task index (a task placed in a class goes to a member already
// used by an earlier task, or to the lowest unused member). Relabelling the members of each
// class in order of first use maps any allocation onto exactly one canonical allocation, so
// the canonical ones are one per orbit, and an orbit in which class c has o_c members in use
// holds prod_c k_c! / (k_c - o_c)! allocations. Every run checks that these orbit sizes add up
// to the size of the whole space; --check and --self-check also compare the optimum with a
// naive enumeration that knows nothing of classes.
//
// The search is a depth-first walk that changes one task's entry in one Allocation and scores
// it in place (no allocation per candidate). OpenMP runs the subtrees of the first tasks'
// choices (enough prefixes to keep every thread busy) with one Evaluator per thread; the best
// of each prefix is kept and reduced in enumeration order, so the result does not depend on
// the thread count. This tool, not the library, owns that loop (STYLE.md keeps the library's
// parallel loops in the Evaluator).
//
// Exit codes: 0 done, 1 a check failed, 2 bad input or usage, 3 space too large (refused).

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/rng.hpp"

namespace {

using namespace allocopt;

// ---------------------------------------------------------------------------------------------
// Counts of allocations: exact, saturating at 2^127 (they are products of choices per task).

using Count = __uint128_t;  // not `unsigned __int128`, which -Wpedantic rejects
constexpr Count kCountMax = ~Count{0} >> 1;

Count add(Count a, Count b) {
    return a > kCountMax - b ? kCountMax : a + b;
}
Count mul(Count a, Count b) {
    return b != 0 && a > kCountMax / b ? kCountMax : a * b;
}

std::string text(Count c) {
    if (c >= kCountMax) return "> 1.7e38";
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(c % 10)));
        c /= 10;
    } while (c != 0);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Classes of interchangeable resources and the choices of each task

bool same_column(const Matrix& m, std::size_t a, std::size_t b) {
    return m.size() == 0 ||
           m.col(static_cast<Eigen::Index>(a)) == m.col(static_cast<Eigen::Index>(b));
}

/// Whether swapping resources a and b changes no score (see the header comment).
bool interchangeable(const Problem& p, std::size_t a, std::size_t b) {
    const Resource &ra = p.resource(a), &rb = p.resource(b);
    if (ra.kind != rb.kind || ra.speed != rb.speed || ra.cost_per_hour != rb.cost_per_hour ||
        ra.fixed_cost != rb.fixed_cost || ra.weight != rb.weight)
        return false;
    for (std::size_t k = 0; k < p.num_dimensions(); ++k) {
        if (p.capacity(a, k) != p.capacity(b, k)) return false;
        if (!same_column(p.demand_matrix(k), a, b)) return false;
    }
    if (!same_column(p.data().time, a, b) || !same_column(p.data().cost, a, b)) return false;
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        if (p.allowed(i, a) != p.allowed(i, b)) return false;
    }
    return true;
}

/// The search space: classes of resources and, per task and class, the unit counts the task
/// may take on any member of the class.
struct Space {
    std::vector<std::vector<std::int32_t>> members;             ///< per class, ascending
    std::vector<std::vector<std::vector<std::int32_t>>> units;  ///< [task][class]
    std::vector<char> optional;                                 ///< per task

    std::size_t tasks() const { return units.size(); }
    std::size_t classes() const { return members.size(); }
};

/// Unit counts task i may take on resource j: admissible, within its unit capacity, and only
/// when the resource can host the task at all.
std::vector<std::int32_t> unit_choices(const Problem& p, std::size_t i, std::size_t j) {
    std::vector<std::int32_t> out;
    if (!p.can_host(i, j)) return out;
    const UnitChoice& u = p.task(i).units;
    for (int k = 0; k < u.count(); ++k) {
        const int units = u.nth(k);
        if (units <= p.capacity(j, 0)) out.push_back(units);
    }
    return out;
}

/// `symmetry` false: every resource is a class of its own.
Space build_space(const Problem& p, bool symmetry) {
    Space s;
    std::vector<std::int32_t> class_of(p.num_resources(), -1);
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        for (std::size_t c = 0; c < s.members.size() && symmetry && class_of[j] < 0; ++c) {
            if (interchangeable(p, static_cast<std::size_t>(s.members[c][0]), j)) {
                class_of[j] = static_cast<std::int32_t>(c);
                s.members[c].push_back(static_cast<std::int32_t>(j));
            }
        }
        if (class_of[j] < 0) {
            class_of[j] = static_cast<std::int32_t>(s.members.size());
            s.members.push_back({static_cast<std::int32_t>(j)});
        }
    }
    for (std::size_t i = 0; i < p.num_tasks(); ++i) {
        s.units.emplace_back();
        for (const auto& m : s.members)
            s.units.back().push_back(unit_choices(p, i, static_cast<std::size_t>(m[0])));
        s.optional.push_back(p.task(i).optional ? 1 : 0);
    }
    return s;
}

/// Allocations in the whole space: prod over tasks of (resource x unit choices, + unplaced).
Count full_size(const Space& s) {
    Count total = 1;
    for (std::size_t i = 0; i < s.tasks(); ++i) {
        Count choices = s.optional[i] ? 1 : 0;
        for (std::size_t c = 0; c < s.classes(); ++c)
            choices = add(choices, mul(s.members[c].size(), s.units[i][c].size()));
        total = mul(total, choices);
    }
    return total;
}

/// Canonical allocations, counted without enumerating them: a dynamic programme over the
/// tasks whose state is the number of members in use per class.
Count canonical_size(const Space& s) {
    std::map<std::vector<std::int32_t>, Count> states{{std::vector<std::int32_t>(s.classes()), 1}};
    for (std::size_t i = 0; i < s.tasks(); ++i) {
        std::map<std::vector<std::int32_t>, Count> next;
        for (const auto& [used, count] : states) {
            Count stay = s.optional[i] ? 1 : 0;  // choices that open no new member
            for (std::size_t c = 0; c < s.classes(); ++c) {
                const auto choices = static_cast<Count>(s.units[i][c].size());
                stay = add(stay, mul(static_cast<Count>(used[c]), choices));
                if (choices == 0 || used[c] == static_cast<std::int32_t>(s.members[c].size()))
                    continue;
                auto opened = used;
                ++opened[c];
                next[opened] = add(next[opened], mul(count, choices));
            }
            if (stay != 0) next[used] = add(next[used], mul(count, stay));
        }
        states = std::move(next);
    }
    Count total = 0;
    for (const auto& [used, count] : states)
        total = add(total, count);
    return total;
}

// ---------------------------------------------------------------------------------------------
// The walk

struct Best {
    bool found = false;
    Evaluation evaluation;
    Allocation allocation;
    std::uint64_t enumerated = 0;
    Count represented = 0;  ///< allocations of the whole space these stand for (orbit sizes)
};

/// A partial canonical allocation: the choices of the first `depth` tasks.
struct Prefix {
    Allocation allocation;
    std::vector<std::int32_t> used;  ///< members in use per class
    Count orbit = 1;                 ///< prod_c k_c! / (k_c - used_c)!
};

class Walk {
  public:
    Walk(const Space& s, std::size_t n) : s_(s), a_(n), used_(s.classes()) {}

    /// Calls leaf(allocation, orbit) for every canonical completion of tasks [from, stop)
    /// after the prefix `p`.
    template <class Leaf>
    void run(const Prefix& p, std::size_t from, std::size_t stop, Leaf&& leaf) {
        a_ = p.allocation;
        used_ = p.used;
        descend(from, stop, p.orbit, leaf);
    }

  private:
    template <class Leaf>
    void descend(std::size_t i, std::size_t stop, Count orbit, Leaf& leaf) {
        if (i == stop) {
            leaf(a_, orbit, used_);
            return;
        }
        for (std::size_t c = 0; c < s_.classes(); ++c) {
            const std::vector<std::int32_t>& units = s_.units[i][c];
            if (units.empty()) continue;
            const auto k = static_cast<std::int32_t>(s_.members[c].size());
            const std::int32_t open = used_[c];
            // Members already in use, then the lowest unused one (canonical order).
            for (std::int32_t r = 0; r <= std::min(open, k - 1); ++r) {
                const bool opens = r == open;
                used_[c] += opens ? 1 : 0;
                a_.resource[i] = s_.members[c][static_cast<std::size_t>(r)];
                const Count next = opens ? mul(orbit, static_cast<Count>(k - open)) : orbit;
                for (const std::int32_t u : units) {
                    a_.units[i] = u;
                    descend(i + 1, stop, next, leaf);
                }
                used_[c] -= opens ? 1 : 0;
            }
        }
        if (s_.optional[i]) {
            a_.resource[i] = Allocation::kUnplaced;
            a_.units[i] = 0;
            descend(i + 1, stop, orbit, leaf);
        }
    }

    const Space& s_;
    Allocation a_;
    std::vector<std::int32_t> used_;
};

/// The prefixes over the fewest first tasks that give at least `want` subtrees (or all tasks).
std::pair<std::vector<Prefix>, std::size_t> prefixes(const Space& s, std::size_t want) {
    const std::size_t n = s.tasks();
    Prefix root{Allocation(n), std::vector<std::int32_t>(s.classes()), 1};
    std::vector<Prefix> out{root};
    std::size_t depth = 0;
    Walk walk(s, n);
    while (depth < n && out.size() < want) {
        std::vector<Prefix> next;
        for (const Prefix& p : out) {
            walk.run(p, depth, depth + 1,
                     [&](const Allocation& a, Count orbit, const std::vector<std::int32_t>& used) {
                         next.push_back({a, used, orbit});
                     });
        }
        out = std::move(next);
        ++depth;
    }
    return {std::move(out), depth};
}

/// The best canonical allocation of `space` (symmetry or not), scored by the Evaluator.
Best enumerate(const Problem& p, const Space& space, int threads) {
    const Sense sense = p.objective().sense;
    const auto [starts, depth] = prefixes(space, 64 * static_cast<std::size_t>(threads));
    std::vector<Best> best(starts.size());
    std::vector<std::unique_ptr<Evaluator>> evaluators;
    for (int t = 0; t < threads; ++t)
        evaluators.push_back(std::make_unique<Evaluator>(p, EvaluatorOptions{.threads = 1}));
    std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t k = 0; k < starts.size(); ++k) {
        try {
            Evaluator& ev = *evaluators[static_cast<std::size_t>(omp_get_thread_num())];
            Best& b = best[k];
            Walk walk(space, p.num_tasks());
            walk.run(starts[k], depth, p.num_tasks(),
                     [&](const Allocation& a, Count orbit, const std::vector<std::int32_t>&) {
                         const Evaluation e = ev.evaluate(a);
                         ++b.enumerated;
                         b.represented = add(b.represented, orbit);
                         if (!b.found || better(e, b.evaluation, sense)) {
                             b.found = true;
                             b.evaluation = e;
                             b.allocation = a;
                         }
                     });
        } catch (...) {
#pragma omp critical
            failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
    Best total;
    for (Best& b : best) {  // in enumeration order: the first of equal optima wins
        total.enumerated += b.enumerated;
        total.represented = add(total.represented, b.represented);
        if (b.found && (!total.found || better(b.evaluation, total.evaluation, sense))) {
            total.found = true;
            total.evaluation = b.evaluation;
            total.allocation = std::move(b.allocation);
        }
    }
    return total;
}

/// The naive enumeration, for checking the one above: a plain odometer over every (resource,
/// units) pair of every task, built from the problem directly, on one thread.
Best enumerate_naive(const Problem& p) {
    const std::size_t n = p.num_tasks();
    std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> options(n);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < p.num_resources(); ++j) {
            for (const std::int32_t u : unit_choices(p, i, j))
                options[i].emplace_back(static_cast<std::int32_t>(j), u);
        }
        if (p.task(i).optional) options[i].emplace_back(Allocation::kUnplaced, 0);
    }
    Evaluator ev(p, {.threads = 1});
    Best best;
    Allocation a(n);
    std::vector<std::size_t> digit(n, 0);
    while (true) {
        for (std::size_t i = 0; i < n; ++i)
            a.place(i, options[i][digit[i]].first, options[i][digit[i]].second);
        const Evaluation e = ev.evaluate(a);
        ++best.enumerated;
        if (!best.found || better(e, best.evaluation, p.objective().sense)) {
            best = {true, e, a, best.enumerated, 0};
        }
        std::size_t i = 0;
        while (i < n && ++digit[i] == options[i].size())
            digit[i++] = 0;
        if (i == n) break;
    }
    best.represented = best.enumerated;
    return best;
}

// ---------------------------------------------------------------------------------------------
// Checks

bool same_optimum(const Evaluation& a, const Evaluation& b) {
    if (a.feasible() != b.feasible()) return false;
    const auto close = [](double x, double y) {
        return std::abs(x - y) <= 1e-12 * std::max({1.0, std::abs(x), std::abs(y)});
    };
    return a.feasible() ? close(a.objective, b.objective) : close(a.violation, b.violation);
}

/// Compares the symmetric enumeration with the naive one on `p`; prints one line.
bool check(const Problem& p, int threads) {
    const Space space = build_space(p, true);
    const Best fast = enumerate(p, space, threads);
    const Best naive = enumerate_naive(p);
    const bool ok =
        fast.represented == naive.enumerated && fast.enumerated == canonical_size(space) &&
        full_size(space) == naive.enumerated && same_optimum(fast.evaluation, naive.evaluation);
    std::printf(
        "%-28s %zu tasks, %zu resources in %zu classes: %llu canonical of %llu; optimum "
        "%.12g%s, naive %.12g%s: %s\n",
        p.name().c_str(), p.num_tasks(), p.num_resources(), space.classes(),
        static_cast<unsigned long long>(fast.enumerated),
        static_cast<unsigned long long>(naive.enumerated), fast.evaluation.objective,
        fast.evaluation.feasible() ? "" : " (infeasible)", naive.evaluation.objective,
        naive.evaluation.feasible() ? "" : " (infeasible)", ok ? "ok" : "MISMATCH");
    return ok;
}

/// A tiny random problem with repeated resources: 2-3 tasks, 2-6 resources drawn from 3 types
/// (so that classes form), optional tasks, unit ranges and lists, allowed lists by kind and by
/// id (which splits a class), arrivals, demands, both modes, every policy, several objectives.
Problem tiny_problem(std::uint64_t seed) {
    Rng rng(seed, 12);
    const auto pick = [&](std::uint64_t n) { return static_cast<int>(rng.below(n)); };
    ProblemData d;
    d.name = "tiny-" + std::to_string(seed);
    d.mode = pick(4) == 0 ? Mode::packing : Mode::schedule;
    d.policy = static_cast<Policy>(pick(3));
    std::vector<Resource> types(3);
    for (std::size_t t = 0; t < types.size(); ++t) {
        types[t].kind = t == 2 ? "cpu" : "gpu";
        types[t].capacity = {{"units", 1 << pick(4)}, {"memory_gb", 32.0 * (1 + pick(3))}};
        types[t].speed = 0.5 + pick(4) * 0.5;
        types[t].cost_per_hour = pick(4) * 0.75;
        types[t].fixed_cost = pick(3) == 0 ? 2.0 : 0.0;
    }
    const int m = 2 + pick(5);
    for (int j = 0; j < m; ++j) {
        Resource r = types[static_cast<std::size_t>(pick(3))];
        r.id = "r" + std::to_string(j);
        d.resources.push_back(r);
    }
    const int n = 2 + pick(2);
    for (int i = 0; i < n; ++i) {
        Task t;
        t.id = "t" + std::to_string(i);
        t.workload = 1 + pick(20);
        t.frequency = 1 + pick(3);
        t.priority = pick(3);
        t.arrival = pick(3) == 0 ? pick(10) : 0;
        if (pick(3) == 0) t.deadline = t.arrival + 5 + pick(20);
        t.units = pick(2) ? UnitChoice::range(1, 1 + pick(4)) : UnitChoice::list({1, 2, 4});
        if (pick(2)) {
            t.scaling.type = Scaling::Type::amdahl;
            t.scaling.parallel_fraction = 0.8;
        }
        if (pick(2)) t.demand["memory_gb"] = 16.0 * (1 + pick(4));
        switch (pick(4)) {
            case 0:
                t.allowed = {"gpu"};
                break;
            case 1:
                t.allowed = {d.resources[static_cast<std::size_t>(pick(m))].id, "cpu"};
                break;
            default:
                break;
        }
        t.optional = pick(4) == 0;
        d.tasks.push_back(t);
    }
    d.hard_deadlines = pick(3) == 0;
    switch (pick(4)) {
        case 0:
            d.objective.terms = {{Metric::makespan, 1.0}};
            break;
        case 1:
            d.objective.terms = {{Metric::weighted_completion, 1.0}, {Metric::cost, 1.0}};
            break;
        case 2:
            d.objective.terms = {{Metric::flowtime, 1.0}, {Metric::unplaced, 100.0}};
            break;
        default:
            d.objective.sense = Sense::maximize;
            d.objective.terms = {{Metric::utilization, 1.0}};
    }
    return Problem(std::move(d));
}

int self_check(int seeds, int threads) {
    int failed = 0, checked = 0, reduced = 0;
    for (int s = 1; s <= seeds; ++s) {
        std::optional<Problem> p;
        try {
            p.emplace(tiny_problem(static_cast<std::uint64_t>(s)));
        } catch (const InputError&) {
            continue;  // a draw in which some task fits nowhere
        }
        ++checked;
        reduced += build_space(*p, true).classes() < p->num_resources() ? 1 : 0;
        failed += check(*p, threads) ? 0 : 1;
    }
    for (int s = 1; s <= 5; ++s) {
        const Problem p = generators::generate_cluster(
            {.jobs = 3, .nodes = 3, .mix = {}, .seed = static_cast<std::uint64_t>(s)});
        ++checked;
        failed += check(p, threads) ? 0 : 1;
    }
    std::printf(
        "self-check: %d problems (%d random ones with identical resources), %d mismatches\n",
        checked, reduced, failed);
    return failed == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// The command

struct Options {
    std::string problem, output;
    int threads = 0;
    double max_space = 2e9;
    bool json = false, check = false, self_check = false;
    int seeds = 200;
};

[[noreturn]] void usage(const std::string& message) {
    std::fprintf(stderr,
                 "enumerate: %s\n"
                 "usage: enumerate PROBLEM.yaml [-o OPTIMUM.yaml] [--threads T] [--max-space N]"
                 " [--json] [--check]\n"
                 "       enumerate --self-check [--seeds N] [--threads T]\n",
                 message.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        const auto value = [&]() -> std::string {
            if (k + 1 >= argc) usage(arg + " needs a value");
            return argv[++k];
        };
        const auto number = [&](double lo) {
            const std::string v = value();
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(x >= lo)) usage("bad value for " + arg + ": " + v);
            return x;
        };
        if (arg == "-o" || arg == "--output") {
            o.output = value();
        } else if (arg == "--threads") {
            o.threads = static_cast<int>(number(0));
        } else if (arg == "--max-space") {
            o.max_space = number(1);
        } else if (arg == "--seeds") {
            o.seeds = static_cast<int>(number(1));
        } else if (arg == "--json") {
            o.json = true;
        } else if (arg == "--check") {
            o.check = true;
        } else if (arg == "--self-check") {
            o.self_check = true;
        } else if (arg == "-h" || arg == "--help") {
            usage("exact optimum by exhaustive enumeration (see bench/README.md)");
        } else if (!arg.empty() && arg[0] == '-') {
            usage("unknown option " + arg);
        } else if (o.problem.empty()) {
            o.problem = arg;
        } else {
            usage("one problem file only");
        }
    }
    if (o.threads == 0) o.threads = omp_get_max_threads();
    if (!o.self_check && o.problem.empty()) usage("no problem file");
    return o;
}

int run(const Options& o) {
    if (o.self_check) return self_check(o.seeds, o.threads);
    const Problem p = read_problem(o.problem);
    const Space space = build_space(p, true);
    const Count full = full_size(space), canonical = canonical_size(space);
    if (static_cast<double>(canonical) > o.max_space) {
        std::fprintf(stderr,
                     "enumerate: space too large: %s allocations (%s canonical, limit %.0f:"
                     " --max-space)\n",
                     text(full).c_str(), text(canonical).c_str(), o.max_space);
        return 3;
    }
    const auto start = std::chrono::steady_clock::now();
    const Best best = enumerate(p, space, o.threads);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Every allocation of the space must be accounted for by exactly one canonical one.
    bool ok = best.represented == full && best.enumerated == canonical;
    if (!ok) {
        std::fprintf(stderr,
                     "enumerate: orbit sizes add up to %s, the space holds %s; "
                     "%llu enumerated, %s counted\n",
                     text(best.represented).c_str(), text(full).c_str(),
                     static_cast<unsigned long long>(best.enumerated), text(canonical).c_str());
    }
    if (o.check) {
        if (static_cast<double>(full) > o.max_space) {
            std::fprintf(stderr, "enumerate: --check: space too large: %s allocations\n",
                         text(full).c_str());
            return 3;
        }
        ok = check(p, o.threads) && ok;
    }
    if (!o.output.empty() && best.found) write_allocation(o.output, p, best.allocation);
    std::string classes;
    for (const auto& m : space.members) {
        if (!classes.empty()) classes += ", ";
        classes += p.resource(static_cast<std::size_t>(m[0])).id;
        if (m.size() > 1) classes += " x" + std::to_string(m.size());
    }
    std::ostringstream out;
    out.precision(17);
    if (o.json) {
        out << "{\"problem\": \"" << p.name() << "\", \"sense\": \""
            << (p.objective().sense == Sense::minimize ? "minimize" : "maximize")
            << "\", \"value\": " << best.evaluation.objective
            << ", \"feasible\": " << (best.evaluation.feasible() ? "true" : "false")
            << ", \"violation\": " << best.evaluation.violation << ", \"space\": " << text(full)
            << ", \"enumerated\": " << best.enumerated << ", \"classes\": " << space.classes()
            << ", \"seconds\": " << seconds << ", \"threads\": " << o.threads << "}\n";
    } else {
        out << p.name() << ": " << p.objective().describe() << '\n'
            << "  optimum     " << best.evaluation.objective
            << (best.evaluation.feasible() ? " (feasible)" : " (INFEASIBLE)") << '\n'
            << "  space       " << text(full) << " allocations; resources " << classes << '\n'
            << "  enumerated  " << best.enumerated << " canonical allocations in " << seconds
            << " s on " << o.threads << " threads\n";
        if (!o.output.empty()) out << "  written     " << o.output << '\n';
    }
    std::cout << out.str();
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "enumerate: %s\n", e.what());
        return 2;
    }
}
