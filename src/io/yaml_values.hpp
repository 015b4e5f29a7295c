#pragma once
// Typed, positioned access to yaml-cpp nodes: every read either returns a valid value or
// throws InputError at the node's line and column, naming the key path and the value.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "allocopt/error.hpp"

namespace allocopt::detail {

class YamlValues {
  public:
    explicit YamlValues(std::string file) : file_(std::move(file)) {}

    const std::string& file() const { return file_; }
    SourcePosition position(const YAML::Mark& mark) const;

    /// Checks the raw bytes (empty or only comments, NUL bytes, control characters, invalid
    /// UTF-8) and parses them as exactly one YAML document.
    YAML::Node load(std::string_view text) const;

    /// Throws InputError at `node`. A null value (`key:` with nothing after it) has no position
    /// of its own in yaml-cpp (it reports the next token), so errors about one are placed at its
    /// key when check_keys() or note_key() has seen that key.
    [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& value,
                           const std::string& message) const;
    /// Remembers where the key `key` (a path such as `tasks[0].workload`) was written when its
    /// value is null (only those need it: memory stays small for large files).
    void note_key(const std::string& key, const YAML::Node& key_node,
                  const YAML::Node& value) const;

    /// Remembers where `key` was written, so that errors raised later (by Problem's
    /// validation) can be placed.
    void remember(const std::string& key, const YAML::Node& node) { marks_[key] = node.Mark(); }
    /// The position of `key`, or of its nearest remembered parent.
    SourcePosition locate(std::string key) const;

    void expect_map(const YAML::Node& node, const std::string& key) const;
    void expect_list(const YAML::Node& node, const std::string& key) const;
    /// Fails on a key not in `allowed` (with a "did you mean" hint), on a repeated key and on a
    /// key that is not a plain scalar.
    void check_keys(const YAML::Node& map, const std::string& key,
                    std::initializer_list<std::string_view> allowed) const;

    double number(const YAML::Node& node, const std::string& key) const;
    int integer(const YAML::Node& node, const std::string& key) const;
    std::string text(const YAML::Node& node, const std::string& key) const;
    /// true or false (also True/TRUE, False/FALSE); YAML 1.1's yes/no/on/off are refused.
    bool boolean(const YAML::Node& node, const std::string& key) const;

    /// A short rendering of the node for messages: the scalar, or "a list" / "a mapping".
    static std::string show(const YAML::Node& node);

  private:
    std::string file_;
    std::map<std::string, YAML::Mark> marks_;
    mutable std::map<std::string, YAML::Mark> key_marks_;
};

}  // namespace allocopt::detail
