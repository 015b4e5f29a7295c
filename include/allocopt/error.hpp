#pragma once
// Typed errors of the library. The CLI maps them to exit codes:
//   IoError -> 4 (a file could not be written), InputError -> 2 (bad input or usage),
//   anything else -> 3 (internal error).

#include <stdexcept>
#include <string>

namespace allocopt {

/// Where in an input file something was found. line and column are 1-based; 0 means unknown.
struct SourcePosition {
    std::string file;
    int line = 0;
    int column = 0;
};

/// Thrown for any input the library refuses: a malformed file, a value out of range, an
/// inconsistent model. It carries the position, the key (a path such as
/// `tasks[2].units.min`) and the offending value as text, so that a message can be
/// printed as `FILE:LINE:COL: error: ...`.
class InputError : public std::runtime_error {
  public:
    InputError(std::string key, std::string value, std::string message,
               SourcePosition position = {});

    const std::string& key() const noexcept { return key_; }
    const std::string& value() const noexcept { return value_; }
    /// The message without the position prefix.
    const std::string& message() const noexcept { return message_; }
    const SourcePosition& position() const noexcept { return position_; }

    /// A copy of this error placed at `position` (keeps key, value and message).
    InputError at(SourcePosition position) const;

  private:
    std::string key_;
    std::string value_;
    std::string message_;
    SourcePosition position_;
};

/// Thrown when the system refuses an output: a directory that is missing or not writable, a
/// full disk, a failed rename. The input was fine; the place to put the result was not. It is
/// an InputError (key "output", value the path) so that code catching InputError still
/// sees it, but the CLI gives it its own exit code.
class IoError : public InputError {
  public:
    using InputError::InputError;
};

/// Formats `file:line:col: error: message` (omitting the parts that are unknown).
std::string format_diagnostic(const SourcePosition& position, const std::string& message);

}  // namespace allocopt
