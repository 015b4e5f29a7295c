#include "io/yaml_tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "allocopt/io/problem_yaml.hpp"

namespace allocopt::detail {
namespace {

YamlTree parsed(std::string_view text) {
    YamlTree tree;
    YamlSyntaxError error;
    EXPECT_TRUE(tree.parse(text, error)) << error.problem;
    return tree;
}

TEST(YamlTree, PlainQuotedNullAndTaggedScalars) {
    const YamlTree tree =
        parsed("a: 1\nb: \"1\"\nc: 'true'\nd: ~\ne: null\nf:\ng: !!str 10\nh: ''\ni: |\n  x\n");
    const YamlNode root = tree.root();
    ASSERT_TRUE(root.is_map());
    EXPECT_EQ(root.size(), 9u);
    EXPECT_TRUE(root["a"].is_scalar());
    EXPECT_FALSE(root["a"].quoted());
    EXPECT_EQ(root["a"].scalar(), "1");
    EXPECT_TRUE(root["b"].quoted());
    EXPECT_EQ(root["b"].scalar(), "1");
    EXPECT_TRUE(root["c"].quoted());
    EXPECT_TRUE(root["d"].is_null());
    EXPECT_TRUE(root["e"].is_null());
    EXPECT_TRUE(root["f"].is_null());
    EXPECT_EQ(root["g"].tag(), "tag:yaml.org,2002:str");
    EXPECT_EQ(root["g"].scalar(), "10");
    EXPECT_TRUE(root["h"].is_scalar());  // quoted empty text is text, not null
    EXPECT_EQ(root["i"].scalar(), "x\n");
    EXPECT_TRUE(root["i"].quoted());
    EXPECT_FALSE(root["missing"]);
    EXPECT_FALSE(root["a"]["x"]);
    EXPECT_FALSE(root[0]);
}

TEST(YamlTree, ListsMapsAndPositions) {
    const YamlTree tree = parsed("x:\n  - [1, 2]\n  - {k: v}\n");
    const YamlNode x = tree.root()["x"];
    ASSERT_TRUE(x.is_list());
    ASSERT_EQ(x.size(), 2u);
    EXPECT_EQ(x[0].size(), 2u);
    EXPECT_EQ(x[0][1].scalar(), "2");
    EXPECT_EQ(x[0][1].mark().line, 1u);
    EXPECT_EQ(x[0][1].mark().column, 8u);
    EXPECT_EQ(x[1].key(0).scalar(), "k");
    EXPECT_EQ(x[1].value(0).scalar(), "v");
    EXPECT_EQ(x[1].mark().line, 2u);
    EXPECT_EQ(x[1].mark().column, 4u);
    EXPECT_FALSE(x[2]);
}

// Nine levels of ten aliases each would be 10^9 scalars if aliases were copied.
TEST(YamlTree, AliasesAreReferencesSoNestedOnesDoNotBlowUp) {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        text += std::string(1, c) + ": &" + c + " [";
        for (int k = 0; k < 10; ++k) {
            text += std::string(k ? ", " : "") + "*" + static_cast<char>(c - 1);
        }
        text += "]\n";
    }
    const YamlTree tree = parsed(text);
    YamlNode node = tree.root()["i"];
    for (int level = 0; level < 8; ++level) {
        ASSERT_TRUE(node.is_list());
        EXPECT_EQ(node.size(), 10u);
        node = node[9];
    }
    EXPECT_EQ(node[9].scalar(), "x");
    EXPECT_EQ(tree.root()["i"][3].mark().line, tree.root()["h"].mark().line);
}

TEST(YamlTree, Refusals) {
    YamlTree tree;
    YamlSyntaxError error;
    EXPECT_FALSE(tree.parse("a: *nope\n", error));
    EXPECT_EQ(error.kind, YamlSyntaxError::Kind::undefined_alias);
    EXPECT_FALSE(YamlTree().parse("a: 1\n---\nb: 2\n", error));
    EXPECT_EQ(error.kind, YamlSyntaxError::Kind::second_document);
    EXPECT_EQ(error.mark.line, 1u);
    EXPECT_FALSE(YamlTree().parse(std::string(YamlTree::kMaxDepth + 1, '['), error));
    EXPECT_EQ(error.kind, YamlSyntaxError::Kind::too_deep);
    EXPECT_EQ(error.mark.column, static_cast<std::uint32_t>(YamlTree::kMaxDepth));
    EXPECT_FALSE(YamlTree().parse("a: [1, 2\n", error));
    EXPECT_EQ(error.kind, YamlSyntaxError::Kind::syntax);
    EXPECT_FALSE(error.problem.empty());
}

TEST(YamlTree, ProgressIsReportedAboutEvery64KbAndAtTheEnd) {
    std::string text = "time:\n";
    while (text.size() < 300'000)
        text += "  - [1.5, 2.25, 3, 4, 5, 6, 7, 8]\n";
    std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
    YamlTree tree;
    YamlSyntaxError error;
    ASSERT_TRUE(tree.parse(text, error, [&](std::uint64_t done, std::uint64_t total) {
        calls.emplace_back(done, total);
    }));
    ASSERT_GE(calls.size(), 3u);
    ASSERT_LE(calls.size(), 10u);
    for (std::size_t k = 1; k < calls.size(); ++k)
        EXPECT_GE(calls[k].first, calls[k - 1].first);
    EXPECT_EQ(calls.back().first, text.size());
    EXPECT_EQ(calls.back().second, text.size());
}

TEST(YamlTree, ParseProblemPassesTheProgressHookOn) {
    int calls = 0;
    parse_problem("resources: [{id: c, capacity: {units: 1}}]\ntasks: [{id: t}]\n", "p.yaml",
                  {.progress = [&](std::uint64_t, std::uint64_t) { ++calls; }});
    EXPECT_EQ(calls, 1);  // a small text: only the final report
}

}  // namespace
}  // namespace allocopt::detail
