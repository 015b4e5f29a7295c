#pragma once
// The picture flags that solve and evaluate share: --svg FILE (the Gantt chart in schedule
// mode, the packing bars in packing mode), --svg-utilization FILE (the utilization strip) and
// --color-by FIELD (include/allocopt/io/gantt.hpp).

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>
#include <string>

#include "allocopt/io/gantt.hpp"
#include "allocopt/io/result_io.hpp"

namespace allocopt::cli {

struct PictureOptions {
    std::string svg;
    std::string utilization;
    std::string color_by = "kind";
};

/// Adds --svg, --svg-utilization and --color-by to `command`. A colour field that is not one of
/// color_fields() is refused when the flags are parsed (exit 2, with a "did you mean" hint).
void add_picture_options(CLI::App& command, PictureOptions& options);

/// The picture files, opened as -o's file is: before the work starts, so that an unwritable
/// path fails at once (IoError: exit 4), and written atomically by write(); a file never
/// written (an error, a signal) is left as it was.
class PictureFiles {
  public:
    explicit PictureFiles(const PictureOptions& options);

    /// Draws the pictures the flags name and writes them; says so on `log` unless it is null.
    void write(const Problem& problem, const Allocation& allocation, const Report& report,
               std::ostream* log);

  private:
    GanttOptions gantt_;
    std::string svg_path_;
    std::string utilization_path_;
    std::unique_ptr<OutputFile> svg_;
    std::unique_ptr<OutputFile> utilization_;
};

}  // namespace allocopt::cli
