#include "allocopt/error.hpp"

#include <utility>

namespace allocopt {

namespace {
std::string full_message(const std::string& key, const std::string& value,
                         const std::string& message) {
    std::string out;
    if (!key.empty()) out += "'" + key + "': ";
    out += message;
    if (!value.empty()) out += " (value: " + value + ")";
    return out;
}
}  // namespace

InputError::InputError(std::string key, std::string value, std::string message,
                       SourcePosition position)
    : std::runtime_error(format_diagnostic(position, full_message(key, value, message))),
      key_(std::move(key)),
      value_(std::move(value)),
      message_(std::move(message)),
      position_(std::move(position)) {}

InputError InputError::at(SourcePosition position) const {
    return InputError(key_, value_, message_, std::move(position));
}

std::string format_diagnostic(const SourcePosition& position, const std::string& message) {
    std::string out;
    if (!position.file.empty()) {
        out.append(position.file);
        if (position.line > 0) {
            out.append(":").append(std::to_string(position.line));
            if (position.column > 0) out.append(":").append(std::to_string(position.column));
        }
        out.append(": ");
    }
    out.append("error: ").append(message);
    return out;
}

}  // namespace allocopt
