#pragma once
// Typed, positioned access to YamlTree nodes: every read either returns a valid value or
// throws InputError at the node's line and column, naming the key path and the value.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "io/yaml_tree.hpp"

namespace allocopt::detail {

class YamlValues {
  public:
    explicit YamlValues(std::string file) : file_(std::move(file)) {}

    const std::string& file() const { return file_; }
    SourcePosition position(YamlMark mark) const;
    /// The node's position; {file, 0, 0} for an undefined node.
    SourcePosition position(const YamlNode& node) const;

    /// Checks the raw bytes (empty or only comments, NUL bytes, control characters, invalid
    /// UTF-8) and parses them as exactly one YAML document. The tree lives as long as this
    /// object (or until the next load()). `expected` says what an empty file should have held.
    YamlNode load(std::string_view text, const YamlTree::Progress& progress = {},
                  std::string_view expected = "a problem with resources and tasks");
    /// Frees the tree: the nodes load() returned must not be used after this.
    void release_tree() { tree_ = YamlTree(); }

    /// Throws InputError at `node`. A null value (`key:` with nothing after it) is placed by
    /// libyaml at the next token, so errors about one are placed at its key when check_keys()
    /// or note_key() has seen that key.
    [[noreturn]] void fail(const YamlNode& node, const std::string& key, const std::string& value,
                           const std::string& message) const;
    /// Remembers where the key `key` (a path such as `tasks[0].workload`) was written when its
    /// value is null (only those need it: memory stays small for large files).
    void note_key(const std::string& key, const YamlNode& key_node, const YamlNode& value) const;

    /// Remembers where `key` was written, so that errors raised later (by Problem's
    /// validation) can be placed. Stored as a 64-bit hash of the key (16 bytes a key, no
    /// string): two keys of one file sharing a hash would only misplace an error's position.
    void remember(std::string_view key, const YamlNode& node);
    /// The position of `key`, or of its nearest remembered parent.
    SourcePosition locate(std::string key) const;

    void expect_map(const YamlNode& node, const std::string& key) const;
    void expect_list(const YamlNode& node, const std::string& key) const;
    /// Fails on a key not in `allowed` (with a "did you mean" hint), on a repeated key and on a
    /// key that is not a plain scalar.
    void check_keys(const YamlNode& map, const std::string& key,
                    std::initializer_list<std::string_view> allowed) const;
    void check_keys(const YamlNode& map, const std::string& key,
                    const std::vector<std::string_view>& allowed) const;

    double number(const YamlNode& node, const std::string& key) const;
    /// number() without the error: false when `node` is not a plain finite number (then
    /// number() tells why).
    static bool try_number(const YamlNode& node, double& value);
    int integer(const YamlNode& node, const std::string& key) const;
    std::string text(const YamlNode& node, const std::string& key) const;
    /// true or false (also True/TRUE, False/FALSE); YAML 1.1's yes/no/on/off are refused.
    bool boolean(const YamlNode& node, const std::string& key) const;

    /// A short rendering of the node for messages: the scalar, or "a list" / "a mapping".
    static std::string show(const YamlNode& node);

  private:
    std::string file_;
    YamlTree tree_;
    mutable std::vector<std::pair<std::uint64_t, YamlMark>> marks_;  // by hash of the key
    mutable bool marks_sorted_ = true;
    mutable std::map<std::string, YamlMark> key_marks_;
};

}  // namespace allocopt::detail
