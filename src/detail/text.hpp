#pragma once
// Small text helpers shared by the readers, writers and the model's messages.

#include <string>
#include <string_view>
#include <vector>

namespace allocopt::detail {

/// Shortest text that reads back as the same double ("0.5", "1e+20", "inf", "nan").
std::string format_number(double value);

/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// " (did you mean 'x'?)" for the nearest candidate within a small distance, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace allocopt::detail
