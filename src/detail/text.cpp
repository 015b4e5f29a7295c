#include "detail/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace allocopt::detail {

std::string format_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    // Hints are for typos in names: long words get none, and candidates whose length alone
    // puts them out of reach are skipped, so a million resource ids cost a million compares.
    constexpr std::size_t kLongest = 64;
    if (word.size() > kLongest) return "";
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    const std::string* best = nullptr;
    std::size_t best_distance = 0;
    for (const std::string& candidate : candidates) {
        const std::size_t gap = candidate.size() > word.size() ? candidate.size() - word.size()
                                                               : word.size() - candidate.size();
        if (gap > limit || candidate.size() > kLongest + limit) continue;
        const std::size_t d = edit_distance(word, candidate);
        if (!best || d < best_distance) {
            best = &candidate;
            best_distance = d;
        }
    }
    if (!best || best_distance > limit || best_distance == 0) return "";
    return " (did you mean '" + *best + "'?)";
}

}  // namespace allocopt::detail
