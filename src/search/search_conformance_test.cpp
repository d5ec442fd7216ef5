// The SearchIndex conformance suite: what every backend must do. The PostgreSQL
// full-text backend instantiates it again with a factory of its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "core/await_now.hpp"
#include "search/search.hpp"

namespace mindme::search {
namespace {

using core::await_now;

struct Backend {
    std::unique_ptr<SearchIndex> index;
    std::function<void()> cleanup;
};

Backend xapian_backend() {
    static int serial = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("mindme-search-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
    XapianOptions o;
    o.path = dir.string();
    return {make_xapian_index(o), [dir] { std::filesystem::remove_all(dir); }};
}

class SearchConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override { b_ = GetParam()(); }
    void TearDown() override {
        b_.index.reset();
        b_.cleanup();
    }
    void add(const std::string& user, const std::string& id, const std::string& title,
             const std::string& text, const std::string& kind = "memory") {
        await_now(b_.index->upsert(Document{kind, id, user, title, text}));
    }
    std::vector<Hit> find(const std::string& user, const std::string& q, std::size_t limit = 20) {
        return await_now(b_.index->search(user, q, limit));
    }
    std::vector<std::string> ids(const std::vector<Hit>& hits) {
        std::vector<std::string> out;
        for (const auto& h : hits) out.push_back(h.id);
        return out;
    }

    Backend b_;
};

TEST_P(SearchConformance, AnEmptyIndexAnswersWithNoHits) {
    EXPECT_TRUE(find("ann", "anything").empty());
}

TEST_P(SearchConformance, FindsByTitleOrTextWithASnippetMarkingTheMatch) {
    add("ann", "m1", "Trip to Lisbon", "We walked up to the castle and ate pastel de nata.");
    auto hits = find("ann", "castle");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].kind, "memory");
    EXPECT_EQ(hits[0].id, "m1");
    EXPECT_EQ(hits[0].title, "Trip to Lisbon");
    EXPECT_NE(hits[0].snippet.find("<mark>castle</mark>"), std::string::npos) << hits[0].snippet;
    EXPECT_GT(hits[0].score, 0);
    EXPECT_EQ(ids(find("ann", "lisbon")), (std::vector<std::string>{"m1"}));
}

TEST_P(SearchConformance, OnlyTheUsersOwnDocumentsMatch) {
    add("ann", "a1", "garden notes", "tomatoes");
    add("bob", "b1", "garden plans", "tomatoes");
    EXPECT_EQ(ids(find("ann", "tomatoes")), (std::vector<std::string>{"a1"}));
    EXPECT_EQ(ids(find("bob", "garden")), (std::vector<std::string>{"b1"}));
    EXPECT_TRUE(find("carol", "garden").empty());
}

TEST_P(SearchConformance, EveryWordMustMatchAndWordsAreStemmed) {
    add("ann", "m1", "Running shoes", "bought new running shoes");
    add("ann", "m2", "Shoes", "old shoes for the garden");
    EXPECT_EQ(ids(find("ann", "run shoes")), (std::vector<std::string>{"m1"}));
    EXPECT_EQ(find("ann", "shoes").size(), 2u);
}

TEST_P(SearchConformance, BestMatchesComeFirst) {
    add("ann", "weak", "Weekly list", "milk bread eggs and one mention of coffee");
    add("ann", "strong", "Coffee", "coffee beans, coffee grinder, coffee filters");
    EXPECT_EQ(ids(find("ann", "coffee")), (std::vector<std::string>{"strong", "weak"}));
    auto hits = find("ann", "coffee");
    EXPECT_GT(hits[0].score, hits[1].score);
    EXPECT_EQ(find("ann", "coffee", 1).size(), 1u);
}

TEST_P(SearchConformance, AnUpsertReplacesAndARemoveRemoves) {
    add("ann", "m1", "first title", "apples");
    add("ann", "m1", "second title", "pears");
    EXPECT_TRUE(find("ann", "apples").empty());
    EXPECT_EQ(ids(find("ann", "pears")), (std::vector<std::string>{"m1"}));
    add("ann", "m1", "a file", "pears too", "file");  // same id, other kind: another document
    EXPECT_EQ(find("ann", "pears").size(), 2u);
    await_now(b_.index->remove("memory", "m1"));
    auto hits = find("ann", "pears");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].kind, "file");
    await_now(b_.index->remove("memory", "never-indexed"));  // harmless
}

TEST_P(SearchConformance, AnyQueryTextIsAnsweredAndSnippetsAreEscaped) {
    add("ann", "m1", "Markup", "a <script> tag & an \"ampersand\" near the word needle");
    for (auto q :
         {"AND (", "\"unclosed", "-", "***", "needle OR", "NOT", "", "日本語", "a\xff\xfe invalid"})
        EXPECT_NO_THROW(find("ann", q)) << q;
    auto hits = find("ann", "needle");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].snippet.find("<script>"), std::string::npos) << hits[0].snippet;
    EXPECT_NE(hits[0].snippet.find("&lt;script&gt;"), std::string::npos) << hits[0].snippet;
}

TEST_P(SearchConformance, ManyAtOnceIsTheSameAsOneByOne) {
    std::vector<Document> docs;
    for (int i = 0; i < 50; ++i)
        docs.push_back({"memory", "m" + std::to_string(i), i % 2 ? "ann" : "bob",
                        "note " + std::to_string(i), i == 7 ? "a walrus here" : "nothing much"});
    await_now(b_.index->upsert_many(docs));
    EXPECT_EQ(ids(find("ann", "walrus")), (std::vector<std::string>{"m7"}));
    EXPECT_EQ(find("ann", "nothing", 100).size(), 24u);
    EXPECT_EQ(find("bob", "nothing", 100).size(), 25u);
}

TEST_P(SearchConformance, APartialLastWordMatchesAsAPrefix) {
    add("ann", "m1", "Holiday", "photographs from the mountains");
    EXPECT_EQ(ids(find("ann", "photog")), (std::vector<std::string>{"m1"}));
}

INSTANTIATE_TEST_SUITE_P(Xapian, SearchConformance, ::testing::Values(&xapian_backend),
                         [](const auto&) { return std::string("xapian"); });

}  // namespace
}  // namespace mindme::search
