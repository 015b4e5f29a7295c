#include "io/yaml_tree.hpp"

#include <yaml.h>

#include <new>

namespace allocopt::detail {

namespace {

constexpr std::uint64_t kProgressStep = 64 * 1024;

/// Owns a libyaml parser or event for the length of a scope.
struct ParserGuard {
    yaml_parser_t* parser;
    ~ParserGuard() { yaml_parser_delete(parser); }
};
struct EventGuard {
    yaml_event_t* event;
    ~EventGuard() { yaml_event_delete(event); }
};

YamlMark mark_of(const yaml_mark_t& m) {
    return {static_cast<std::uint32_t>(m.line), static_cast<std::uint32_t>(m.column)};
}

/// The byte at (line, column), both 0-based and counted as libyaml does (columns in
/// characters), or npos.
std::size_t byte_at(std::string_view text, std::size_t line, std::size_t column) {
    std::size_t i = 0;
    for (std::size_t l = 0; l < line; ++l) {
        i = text.find('\n', i);
        if (i == std::string_view::npos) return i;
        ++i;
    }
    for (std::size_t c = 0; c < column && i < text.size(); ++c) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
            ++i;
    }
    return i < text.size() ? i : std::string_view::npos;
}

bool is_null_text(std::string_view s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

}  // namespace

std::string_view YamlNode::tag() const {
    if (!tree_ || tree_->tags_.empty()) return {};
    const auto it = tree_->tags_.find(index_);
    return it == tree_->tags_.end() ? std::string_view() : std::string_view(it->second);
}

YamlNode YamlNode::operator[](std::string_view key) const {
    if (!is_map()) return {};
    const std::uint32_t first = tree_->nodes_[index_].first;
    for (std::uint32_t i = 0, n = static_cast<std::uint32_t>(size()); i < n; ++i) {
        const YamlNode k(tree_, tree_->children_[first + 2 * i]);
        if (k.is_scalar() && k.scalar() == key) {
            return YamlNode(tree_, tree_->children_[first + 2 * i + 1]);
        }
    }
    return {};
}

bool YamlTree::parse(std::string_view text, YamlSyntaxError& error, const Progress& progress) {
    if (text.size() > kMaxBytes) {
        error = {
            YamlSyntaxError::Kind::syntax, "the text is too large (at most 1 GiB)", {}, "", {}};
        return false;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    ParserGuard parser_guard{&parser};
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    arena_.reserve(text.size() + 1);  // scalars are rarely longer than their source

    struct Open {
        std::uint32_t node, pending_start;
        bool flow;
    };
    std::vector<Open> open;
    int open_flow = 0;
    std::vector<std::uint32_t> pending;  // children of the open collections, innermost last
    std::unordered_map<std::string, std::uint32_t> anchors;
    int documents = 0;
    bool have_root = false;
    std::uint64_t next_report = kProgressStep;
    const auto fail = [&](YamlSyntaxError::Kind kind, std::string problem, YamlMark mark) {
        error = {kind, std::move(problem), mark, "", {}};
        return false;
    };
    const auto attach = [&](std::uint32_t index) {
        if (open.empty()) {
            root_ = index;
            have_root = true;
        } else {
            pending.push_back(index);
        }
    };
    const auto add_node = [&](const yaml_event_t& e, YamlNode::Kind kind, bool quoted,
                              std::uint32_t first, std::size_t size, const yaml_char_t* anchor) {
        const std::uint32_t index = nodes_.size();
        nodes_.push_back({static_cast<std::uint32_t>(e.start_mark.line),
                          static_cast<std::uint32_t>(e.start_mark.column), first,
                          static_cast<std::uint32_t>(size << 3) | (quoted ? 4u : 0u) |
                              static_cast<std::uint32_t>(kind)});
        if (anchor) anchors[reinterpret_cast<const char*>(anchor)] = index;
        return index;
    };

    while (true) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            const YamlMark at = mark_of(parser.problem_mark);
            std::string problem = parser.problem ? parser.problem : "unknown error";
            if (parser.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
            const std::size_t byte = byte_at(text, at.line, at.column);
            if (open_flow == 0 && byte != std::string_view::npos && text[byte] == ',') {
                return fail(YamlSyntaxError::Kind::stray_comma, problem, at);
            }
            fail(YamlSyntaxError::Kind::syntax, problem, at);
            if (parser.context) {
                error.context = parser.context;
                error.context_mark = mark_of(parser.context_mark);
            }
            return false;
        }
        EventGuard event_guard{&event};
        if (progress && parser.offset >= next_report) {
            progress(parser.offset, text.size());
            next_report = parser.offset + kProgressStep;
        }
        switch (event.type) {
            case YAML_STREAM_END_EVENT:
                if (!have_root) return fail(YamlSyntaxError::Kind::syntax, "no document", {});
                if (progress) progress(text.size(), text.size());
                return true;
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1) {
                    return fail(YamlSyntaxError::Kind::second_document, "",
                                mark_of(event.start_mark));
                }
                break;
            case YAML_SCALAR_EVENT: {
                const auto& s = event.data.scalar;
                const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
                const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
                const bool null = plain && !s.tag && is_null_text(value);
                if (!null && arena_.size() + value.size() > 0xFFFFFFFFu) {
                    return fail(YamlSyntaxError::Kind::syntax, "the file is too large",
                                mark_of(event.start_mark));
                }
                if (value.size() > kMaxSize) {
                    return fail(YamlSyntaxError::Kind::syntax, "a value is too long",
                                mark_of(event.start_mark));
                }
                const auto first = static_cast<std::uint32_t>(arena_.size());
                if (!null) arena_.append(value);
                const std::uint32_t index =
                    add_node(event, null ? YamlNode::Kind::null : YamlNode::Kind::scalar, !plain,
                             first, null ? 0 : value.size(), s.anchor);
                if (s.tag) tags_.emplace(index, reinterpret_cast<const char*>(s.tag));
                attach(index);
                break;
            }
            case YAML_ALIAS_EVENT: {
                const auto it =
                    anchors.find(reinterpret_cast<const char*>(event.data.alias.anchor));
                if (it == anchors.end()) {
                    return fail(YamlSyntaxError::Kind::undefined_alias, "",
                                mark_of(event.start_mark));
                }
                attach(it->second);
                break;
            }
            case YAML_SEQUENCE_START_EVENT:
            case YAML_MAPPING_START_EVENT: {
                const bool list = event.type == YAML_SEQUENCE_START_EVENT;
                if (open.size() >= static_cast<std::size_t>(kMaxDepth)) {
                    return fail(YamlSyntaxError::Kind::too_deep, "", mark_of(event.start_mark));
                }
                const bool flow = list ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                       : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
                const std::uint32_t index = add_node(
                    event, list ? YamlNode::Kind::list : YamlNode::Kind::map, false, 0, 0,
                    list ? event.data.sequence_start.anchor : event.data.mapping_start.anchor);
                attach(index);
                open.push_back({index, static_cast<std::uint32_t>(pending.size()), flow});
                open_flow += flow ? 1 : 0;
                break;
            }
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: {
                const Open o = open.back();
                open.pop_back();
                open_flow -= o.flow ? 1 : 0;
                const std::size_t count = pending.size() - o.pending_start;
                const std::size_t size = event.type == YAML_MAPPING_END_EVENT ? count / 2 : count;
                if (size > kMaxSize || children_.size() + count > 0xFFFFFFFFu) {
                    return fail(YamlSyntaxError::Kind::syntax, "too many items",
                                {nodes_[o.node].line, nodes_[o.node].column});
                }
                Node& n = nodes_[o.node];
                n.first = children_.size();
                n.bits = static_cast<std::uint32_t>(size << 3) | (n.bits & 7);
                for (std::size_t k = o.pending_start; k < pending.size(); ++k) {
                    children_.push_back(pending[k]);
                }
                pending.resize(o.pending_start);
                break;
            }
            default:
                break;
        }
    }
}

}  // namespace allocopt::detail
