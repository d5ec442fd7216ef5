// The SearchIndex conformance suite: what every backend must do, on Xapian in the unit
// tier and on PostgreSQL's full-text search in the service tier.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "core/await_now.hpp"
#include "core/test_services.hpp"
#include "search/search.hpp"
#include "store/test_backends.hpp"

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
    // Short, so hundreds of one-after-another writes stay quick; still an interval.
    o.commit_interval = std::chrono::milliseconds(5);
    return {make_xapian_index(o), [dir] { std::filesystem::remove_all(dir); }};
}

// In a fresh schema of the databases fixture's PostgreSQL.
Backend postgres_backend() {
    auto factory = store::test_backends::postgres_backend();
    std::shared_ptr<store::SqlDatabase> db = factory.open();
    auto index = make_postgres_index(*db);
    return {std::move(index), [db, cleanup = factory.cleanup]() mutable {
                db.reset();
                cleanup();
            }};
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
    for (auto q : {"AND (", "\"unclosed", "-", "***", "needle OR", "NOT", "", "日本語",
                   "a\xff\xfe invalid", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong"})
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

TEST_P(SearchConformance, QueriesWhileWritingNeverFail) {
    // Readers on their pool while the writer commits document after document: each
    // query answers from some committed state, none fails.
    add("ann", "seed", "garden notes", "roses and tulips in the garden");
    std::atomic<bool> writing{true};
    std::atomic<int> failures{0};
    std::atomic<int> queries{0};
    std::string first_failure;
    std::mutex failure_mutex;
    std::vector<std::thread> readers;
    for (int r = 0; r < 3; ++r)
        readers.emplace_back([&] {
            for (int i = 0; i < 100'000 && writing; ++i) {
                try {
                    auto hits = find("ann", i % 2 ? "gardens" : "garden");
                    if (hits.empty()) throw std::runtime_error("the seed document went missing");
                    ++queries;
                } catch (const std::exception& e) {
                    std::lock_guard lock(failure_mutex);
                    if (!failures++) first_failure = e.what();
                }
            }
        });
    std::string write_failure;
    try {
        for (int i = 0; i < 300; ++i)
            add("ann", "w" + std::to_string(i), "gardening plans " + std::to_string(i),
                "planting running walking garden beds, note " + std::to_string(i));
    } catch (const std::exception& e) {
        write_failure = e.what();
    }
    writing = false;
    for (auto& t : readers) t.join();
    EXPECT_EQ(write_failure, "");
    EXPECT_EQ(failures.load(), 0) << first_failure;
    EXPECT_GT(queries.load(), 0);
    EXPECT_EQ(find("ann", "planting", 500).size(), 300u);
}

TEST_P(SearchConformance, AWriteIsSearchableWhenItReturnsEvenAmongConcurrentWrites) {
    // Writers that arrive together may share a commit, but none may return before
    // its own change is visible.
    std::atomic<int> invisible{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
        writers.emplace_back([&, w] {
            for (int i = 0; i < 40; ++i) {
                // All of one length: none is a prefix of another.
                auto word = "zq" + std::to_string(w) + "x" + std::to_string(10 + i);
                add("ann", word, "note " + word, "text");
                if (find("ann", word).size() != 1) ++invisible;
            }
        });
    for (auto& t : writers) t.join();
    EXPECT_EQ(invisible.load(), 0);
    EXPECT_EQ(find("ann", "note", 500).size(), 160u);
}

TEST_P(SearchConformance, APartialLastWordMatchesAsAPrefix) {
    add("ann", "m1", "Holiday", "photographs from the mountains");
    EXPECT_EQ(ids(find("ann", "photog")), (std::vector<std::string>{"m1"}));
}

INSTANTIATE_TEST_SUITE_P(
    All, SearchConformance,
    ::testing::ValuesIn(core::tier_backends<Backend (*)()>({&xapian_backend}, {&postgres_backend})),
    [](const auto& named) {
        return std::string(named.param == &xapian_backend ? "xapian" : "postgresql");
    });

}  // namespace
}  // namespace mindme::search
