// The generalized assignment generator, types C, D and E (generate_gap; see generators.hpp).

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/generators.hpp"
#include "allocopt/rng.hpp"
#include "detail/shapes.hpp"
#include "generators_draws.hpp"

namespace allocopt::generators {

using detail::require_at_least_one;
using detail::uniform_int;
using detail::uniform_open_closed;
using detail::zero_padded;

namespace {

using GapDraw = allocopt::detail::GapTables;

char gap_letter(GapType type) {
    switch (type) {
        case GapType::c:
            return 'c';
        case GapType::d:
            return 'd';
        case GapType::e:
            return 'e';
    }
    return '?';
}

GapDraw draw_gap(const GapSpec& spec) {
    const auto m = static_cast<std::size_t>(spec.agents);
    const auto n = static_cast<std::size_t>(spec.jobs);
    Rng rng(spec.seed);
    GapDraw g;
    g.agents = m;
    g.jobs = n;
    g.cost.resize(m * n);
    g.load.resize(m * n);
    for (std::size_t k = 0; k < m * n; ++k) {
        double r = 0;
        double c = 0;
        switch (spec.type) {
            case GapType::c:
                r = uniform_int(rng, 5, 25);
                c = uniform_int(rng, 10, 50);
                break;
            case GapType::d:
                r = uniform_int(rng, 1, 100);
                c = 111 - r + uniform_int(rng, -10, 10);
                break;
            case GapType::e:  // truncated, as Yagiura's files are (see the header)
                r = std::trunc(1 - 10 * std::log(uniform_open_closed(rng)));
                c = std::max(0.0, std::trunc(1000 / r - 10 * rng.uniform()));
                break;
        }
        g.load[k] = r;
        g.cost[k] = c;
    }
    for (std::size_t i = 0; i < m; ++i) {
        double sum = 0;
        double largest = 0;
        for (std::size_t j = 0; j < n; ++j) {
            sum += g.load[i * n + j];
            largest = std::max(largest, g.load[i * n + j]);
        }
        double b = 0.8 * sum / static_cast<double>(m);
        if (spec.type == GapType::e) b = std::max(b, largest);
        g.capacity.push_back(std::floor(b));
    }
    return g;
}

/// The model refuses a zero capacity and a job that fits no agent; say why in generator terms.
void check_gap_fits(const GapSpec& spec, const GapDraw& g) {
    const auto m = static_cast<std::size_t>(spec.agents);
    const auto n = static_cast<std::size_t>(spec.jobs);
    const std::string advice =
        " (capacities are 0.8 x the mean load per agent): use more jobs "
        "per agent";
    for (std::size_t i = 0; i < m; ++i) {
        if (g.capacity[i] <= 0) {
            throw InputError("jobs", std::to_string(spec.jobs),
                             "with " + std::to_string(n) + " jobs for " + std::to_string(m) +
                                 " agents, agent a" + std::to_string(i) + " gets capacity 0" +
                                 advice);
        }
    }
    for (std::size_t j = 0; j < n; ++j) {
        bool fits = false;
        for (std::size_t i = 0; i < m && !fits; ++i)
            fits = g.load[i * n + j] <= g.capacity[i];
        if (!fits) {
            throw InputError("jobs", std::to_string(spec.jobs),
                             "with " + std::to_string(n) + " jobs for " + std::to_string(m) +
                                 " agents, job j" + std::to_string(j) + " fits no agent" + advice);
        }
    }
}

}  // namespace

Problem generate_gap(const GapSpec& spec) {
    require_at_least_one(spec.agents, "agents");
    require_at_least_one(spec.jobs, "jobs");
    const GapDraw g = draw_gap(spec);
    check_gap_fits(spec, g);
    // The shape import_orlib_gap() builds (minimisation).
    const std::string name = std::string("gap-") + gap_letter(spec.type) +
                             zero_padded(spec.agents, 2) + std::to_string(spec.jobs) + "-seed" +
                             std::to_string(spec.seed);
    return Problem(allocopt::detail::gap_shape(name, Sense::minimize, g));
}

}  // namespace allocopt::generators
