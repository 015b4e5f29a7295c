#pragma once
// A compact, read-only YAML tree built from libyaml's events: one 16-byte record per node,
// scalar text in one shared arena, children as index ranges. It replaces yaml-cpp's node
// graph (about 50 bytes of memory per byte of file) for every reader.
//
// What it keeps of YAML: plain vs quoted scalars, null (`~`, `null`, an empty value),
// explicit tags on scalars (`!!str 10`), anchors and aliases (an alias is the anchored node
// itself, never a copy), line and column of every node. Tags on collections are ignored.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace allocopt::detail {

/// 0-based line and column (in characters) of a node, as libyaml reports them.
struct YamlMark {
    std::uint32_t line = 0, column = 0;
};

/// Storage in fixed-size blocks: growing never copies, so the peak stays near the size.
template <typename T>
class BlockVector {
  public:
    static constexpr std::uint32_t kShift = 14, kBlock = 1u << kShift;

    std::uint32_t size() const { return size_; }
    T& operator[](std::uint32_t i) { return blocks_[i >> kShift][i & (kBlock - 1)]; }
    const T& operator[](std::uint32_t i) const { return blocks_[i >> kShift][i & (kBlock - 1)]; }
    void push_back(const T& value) {
        if ((size_ & (kBlock - 1)) == 0) blocks_.push_back(std::make_unique<T[]>(kBlock));
        (*this)[size_++] = value;
    }

  private:
    std::vector<std::unique_ptr<T[]>> blocks_;
    std::uint32_t size_ = 0;
};

class YamlTree;

/// A handle on one node of a YamlTree (which must outlive it). A default-made handle, or one
/// returned for a missing key or index, is "undefined": `if (node)` tests for it.
class YamlNode {
  public:
    enum class Kind : std::uint8_t { null, scalar, list, map };

    YamlNode() = default;

    explicit operator bool() const { return tree_ != nullptr; }
    Kind kind() const;
    bool is_null() const { return tree_ && kind() == Kind::null; }
    bool is_scalar() const { return tree_ && kind() == Kind::scalar; }
    bool is_list() const { return tree_ && kind() == Kind::list; }
    bool is_map() const { return tree_ && kind() == Kind::map; }
    /// Items of a list, pairs of a map, 0 otherwise.
    std::size_t size() const;

    /// The text of a scalar ("" for anything else).
    std::string_view scalar() const;
    std::string str() const { return std::string(scalar()); }
    /// A scalar written in quotes or as a block (`|`, `>`), or tagged `!`: text, never a number.
    bool quoted() const;
    /// The scalar's explicit tag as libyaml resolves it ("tag:yaml.org,2002:str"), or "".
    std::string_view tag() const;
    YamlMark mark() const;

    /// The i-th item of a list; undefined when out of range or not a list.
    YamlNode operator[](std::size_t i) const;
    /// The value of the first key with this text in a map; undefined when absent.
    YamlNode operator[](std::string_view key) const;
    /// The i-th key (or value) of a map.
    YamlNode key(std::size_t i) const;
    YamlNode value(std::size_t i) const;

  private:
    friend class YamlTree;
    YamlNode(const YamlTree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    const YamlTree* tree_ = nullptr;
    std::uint32_t index_ = 0;
};

/// Where and why parsing stopped.
struct YamlSyntaxError {
    enum class Kind { syntax, undefined_alias, too_deep, second_document, stray_comma };
    Kind kind = Kind::syntax;
    std::string problem;  // libyaml's words for a syntax error
    YamlMark mark;
    std::string context;  // what libyaml was reading ("while parsing a flow mapping"), or ""
    YamlMark context_mark;
};

class YamlTree {
  public:
    /// Called with (bytes read, total bytes) at most about every 64 KB of input.
    using Progress = std::function<void(std::uint64_t, std::uint64_t)>;

    /// Parses the first document of `text` (which must be valid UTF-8). Returns false and
    /// fills `error` when the text is not YAML, holds a second document, nests deeper than
    /// kMaxDepth or uses an undefined alias.
    bool parse(std::string_view text, YamlSyntaxError& error, const Progress& progress = {});

    YamlNode root() const { return YamlNode(this, root_); }

    static constexpr int kMaxDepth = 2000;
    /// The largest text parse() takes: node sizes and offsets are 32-bit.
    static constexpr std::size_t kMaxBytes = std::size_t{1} << 30;

  private:
    friend class YamlNode;
    struct Node {
        std::uint32_t line, column;
        std::uint32_t first;  // scalar: offset in arena_; list/map: offset in children_
        std::uint32_t bits;   // size (29 bits) << 3 | quoted << 2 | kind
    };
    static constexpr std::uint32_t kMaxSize = (1u << 29) - 1;

    BlockVector<Node> nodes_;
    BlockVector<std::uint32_t> children_;  // node indices; a map's as key, value, key, ...
    std::string arena_;
    std::unordered_map<std::uint32_t, std::string> tags_;  // by node; rare
    std::uint32_t root_ = 0;
};

// The accessors are inline: readers call them a few times per value of large files.

inline YamlNode::Kind YamlNode::kind() const {
    return static_cast<Kind>(tree_->nodes_[index_].bits & 3);
}

inline std::size_t YamlNode::size() const {
    if (!tree_) return 0;
    const std::uint32_t bits = tree_->nodes_[index_].bits;
    const auto k = static_cast<Kind>(bits & 3);
    return k == Kind::list || k == Kind::map ? bits >> 3 : 0;
}

inline std::string_view YamlNode::scalar() const {
    if (!is_scalar()) return {};
    const auto& n = tree_->nodes_[index_];
    return std::string_view(tree_->arena_).substr(n.first, n.bits >> 3);
}

inline bool YamlNode::quoted() const {
    return tree_ && (tree_->nodes_[index_].bits & 4) != 0;
}

inline YamlMark YamlNode::mark() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return {n.line, n.column};
}

inline YamlNode YamlNode::operator[](std::size_t i) const {
    if (!is_list() || i >= size()) return {};
    return YamlNode(tree_,
                    tree_->children_[tree_->nodes_[index_].first + static_cast<std::uint32_t>(i)]);
}

inline YamlNode YamlNode::key(std::size_t i) const {
    if (!is_map() || i >= size()) return {};
    return YamlNode(
        tree_, tree_->children_[tree_->nodes_[index_].first + 2 * static_cast<std::uint32_t>(i)]);
}

inline YamlNode YamlNode::value(std::size_t i) const {
    if (!is_map() || i >= size()) return {};
    return YamlNode(
        tree_,
        tree_->children_[tree_->nodes_[index_].first + 2 * static_cast<std::uint32_t>(i) + 1]);
}

}  // namespace allocopt::detail
