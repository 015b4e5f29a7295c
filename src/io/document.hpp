#pragma once
// One tree for every output document: built once as nlohmann::json, rendered as JSON or YAML.

#include <nlohmann/json.hpp>
#include <string>

#include "allocopt/io/result_io.hpp"

namespace allocopt::detail {

using Document = nlohmann::ordered_json;

/// Renders a document. YAML output uses block style for mappings and lists of mappings and
/// flow style for short rows, so that results stay readable and diffable.
std::string render(const Document& document, OutputFormat format);

/// A number for output: rounded to 12 significant digits, so that 233.33333333333334
/// prints as 233.333333333333 in both formats.
double tidy(double value);

}  // namespace allocopt::detail
