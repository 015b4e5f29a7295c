#include "cli/pictures.hpp"

#include "allocopt/error.hpp"

namespace allocopt::cli {

namespace {

/// A file name for a picture: not empty and not "-" (standard output carries the summary).
CLI::Validator picture_path() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (text.empty() || text == "-") {
                return "a picture needs a file name (standard output carries the summary); "
                       "got '" +
                       text + "'";
            }
            return {};
        },
        "FILE");
}

CLI::Validator color_field() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            try {
                check_gantt_options({.color_by = text});
            } catch (const InputError& e) {
                return e.message() + ", got '" + text + "'";
            }
            return {};
        },
        "FIELD");
}

}  // namespace

void add_picture_options(CLI::App& command, PictureOptions& options) {
    command
        .add_option("--svg", options.svg,
                    "Draw the allocation as SVG, written atomically: a Gantt chart in schedule "
                    "mode, used against capacity per resource in packing mode (grouped above 100 "
                    "resources, profiles above 20,000 tasks)")
        ->check(picture_path());
    command
        .add_option("--svg-utilization", options.utilization,
                    "Draw the busy fraction of each resource's units over time as an SVG heat "
                    "strip, written atomically")
        ->check(picture_path());
    std::string fields;
    for (const std::string& f : color_fields())
        fields += (fields.empty() ? "" : ", ") + f;
    command
        .add_option("--color-by", options.color_by,
                    "Colour the Gantt chart's tasks by this field: " + fields +
                        " (resource: the kind of the task's resource)")
        ->check(color_field())
        ->default_str("kind");
}

PictureFiles::PictureFiles(const PictureOptions& options)
    : svg_path_(options.svg), utilization_path_(options.utilization) {
    gantt_.color_by = options.color_by;
    try {
        check_gantt_options(gantt_);
    } catch (const InputError& e) {
        throw InputError("--color-by", e.value(), e.message());
    }
    if (!svg_path_.empty()) svg_ = std::make_unique<OutputFile>(svg_path_);
    if (!utilization_path_.empty()) utilization_ = std::make_unique<OutputFile>(utilization_path_);
}

void PictureFiles::write(const Problem& problem, const Allocation& allocation, const Report& report,
                         std::ostream* log) {
    if (svg_) {
        svg_->commit(allocation_svg(problem, allocation, report, gantt_));
        if (log) *log << "  picture written to " << svg_path_ << '\n';
    }
    if (utilization_) {
        utilization_->commit(utilization_svg(problem, allocation, report, gantt_));
        if (log) *log << "  utilization picture written to " << utilization_path_ << '\n';
    }
}

}  // namespace allocopt::cli
