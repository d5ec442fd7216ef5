// The MemoryStore conformance suite: the same cases for every SQL backend.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <set>
#include <thread>

#include "core/await_now.hpp"
#include "store/memories.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

using core::await_now;
using test_backends::Backend;
using test_backends::later;

class MemoryStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override {
        backend_ = GetParam()();
        db_ = backend_.open();
        accounts_ = make_sql_account_store(*db_);
        store_ = make_sql_memory_store(*db_);
        add_user("ann");
        add_user("bob");
    }
    void TearDown() override {
        store_.reset();
        accounts_.reset();
        db_.reset();
        backend_.cleanup();
    }

    void add_user(const std::string& id) {
        ASSERT_TRUE(await_now(accounts_->create_user({id, id + "@example.com", "hash", 1}, id,
                                                     {id + "-token", id, 1, 2}, later())));
    }

    Memory create(const std::string& user, const std::string& id, std::int64_t now,
                  const std::string& title = "title") {
        Memory m;
        m.id = id;
        m.user_id = user;
        m.title = title;
        m.body = "body of " + id;
        m.tags = {"a", "b"};
        return await_now(store_->create(m, now, later()));
    }

    WriteResult replace(const std::string& user, const std::string& id, const std::string& title,
                        std::optional<std::int64_t> expected, std::int64_t now) {
        Memory m;
        m.id = id;
        m.user_id = user;
        m.title = title;
        return await_now(store_->replace(m, expected, now, later()));
    }

    ChangePage changes(const std::string& user, std::int64_t after, std::size_t limit = 100) {
        return await_now(store_->changes(user, after, limit, later()));
    }

    Backend backend_;
    std::unique_ptr<SqlDatabase> db_;
    std::unique_ptr<AccountStore> accounts_;
    std::unique_ptr<MemoryStore> store_;
};

TEST_P(MemoryStoreConformance, CreatesAndFindsAMemoryOfItsOwnerOnly) {
    auto m = create("ann", "m1", 1000);
    EXPECT_EQ(m.version, 1);
    EXPECT_EQ(m.created_at_ms, 1000);
    EXPECT_EQ(m.updated_at_ms, 1000);
    auto found = await_now(store_->find("ann", "m1", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->title, "title");
    EXPECT_EQ(found->body, "body of m1");
    EXPECT_EQ(found->tags, (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(await_now(store_->find("bob", "m1", later())));
    EXPECT_FALSE(await_now(store_->find("ann", "nope", later())));
}

TEST_P(MemoryStoreConformance, KeepsTextExactly) {
    Memory m;
    m.id = "m1";
    m.user_id = "ann";
    m.title = "";
    m.body = std::string("nul\0 line\nquote\" back\\slash", 27) +
             std::string(" tab\t \xc3\xa9\xf0\x9f\x98\x80 ") + std::string(70'000, 'x');
    m.tags = {"\xe2\x9c\x93", "x,y", "[]"};
    await_now(store_->create(m, 1, later()));
    auto found = await_now(store_->find("ann", "m1", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->title, m.title);
    EXPECT_EQ(found->body, m.body);
    EXPECT_EQ(found->tags, m.tags);
    auto listed = await_now(store_->list("ann", std::nullopt, 5, later()));
    ASSERT_EQ(listed.items.size(), 1u);
    EXPECT_EQ(listed.items[0].body, m.body);
}

TEST_P(MemoryStoreConformance, ListsNewestFirstInPages) {
    for (int i = 0; i < 7; ++i) create("ann", "m" + std::to_string(i), 1000 + (i % 3));
    create("bob", "other", 5000);
    std::vector<std::string> seen;
    std::optional<ListPosition> after;
    for (int page_no = 0; page_no < 10; ++page_no) {
        auto page = await_now(store_->list("ann", after, 3, later()));
        for (const auto& m : page.items) seen.push_back(m.id);
        if (!page.more) break;
        after = ListPosition{page.items.back().updated_at_ms, page.items.back().id};
    }
    // updated_at 1002: m5 m2; 1001: m4 m1; 1000: m6 m3 m0 (ties by id, greatest first).
    EXPECT_EQ(seen, (std::vector<std::string>{"m5", "m2", "m4", "m1", "m6", "m3", "m0"}));
    auto exact = await_now(store_->list("ann", std::nullopt, 7, later()));
    EXPECT_EQ(exact.items.size(), 7u);
    EXPECT_FALSE(exact.more);
    EXPECT_TRUE(await_now(store_->list("nobody", std::nullopt, 5, later())).items.empty());
}

TEST_P(MemoryStoreConformance, TheLatestChangeNumberOnThePrimary) {
    EXPECT_EQ(await_now(store_->latest_change_seq_on_primary("ann", later())), 0);
    create("ann", "m1", 1000);
    create("ann", "m2", 1001);
    EXPECT_EQ(await_now(store_->latest_change_seq_on_primary("ann", later())), 2);
    EXPECT_EQ(await_now(store_->latest_change_seq_on_primary("nobody", later())), 0);
}

TEST_P(MemoryStoreConformance, PagesEndPastTheirByteBoundAndCarryOn) {
    // 40 memories of 60 KB: 2.4 MB, past kPageBytes twice over.
    for (int i = 0; i < 40; ++i) {
        Memory m;
        m.id = "m" + std::to_string(100 + i);
        m.user_id = "ann";
        m.body = std::string(60'000, 'x');
        await_now(store_->create(m, 1000 + i, later()));
    }
    std::vector<std::string> seen;
    std::optional<ListPosition> after;
    int pages = 0;
    for (; pages < 10; ++pages) {
        auto page = await_now(store_->list("ann", after, 200, later()));
        std::size_t bytes = 0;
        for (const auto& m : page.items) {
            seen.push_back(m.id);
            bytes += memory_bytes(m);
        }
        EXPECT_LT(bytes, kPageBytes + 60'100);
        if (!page.more) break;
        after = ListPosition{page.items.back().updated_at_ms, page.items.back().id};
    }
    EXPECT_GE(pages, 2);
    EXPECT_EQ(seen.size(), 40u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 40u);

    std::int64_t cursor = 0;
    std::size_t logged = 0;
    for (pages = 0; pages < 10; ++pages) {
        auto page = changes("ann", cursor, 1000);
        logged += page.changes.size();
        cursor = page.changes.back().seq;
        if (!page.more) break;
    }
    EXPECT_GE(pages, 2);
    EXPECT_EQ(logged, 40u);
}

TEST_P(MemoryStoreConformance, ReplaceBumpsTheVersionAndHonoursTheExpectedOne) {
    create("ann", "m1", 1000);
    auto r = replace("ann", "m1", "second", std::nullopt, 2000);
    ASSERT_EQ(r.status, WriteStatus::kDone);
    EXPECT_EQ(r.memory.version, 2);
    EXPECT_EQ(r.memory.title, "second");
    EXPECT_TRUE(r.memory.tags.empty());
    EXPECT_EQ(r.memory.created_at_ms, 1000);
    EXPECT_EQ(r.memory.updated_at_ms, 2000);
    EXPECT_EQ(replace("ann", "m1", "stale", 1, 3000).status, WriteStatus::kVersionMismatch);
    EXPECT_EQ(await_now(store_->find("ann", "m1", later()))->title, "second");
    EXPECT_EQ(replace("ann", "m1", "third", 2, 3000).memory.version, 3);
    EXPECT_EQ(replace("bob", "m1", "theft", std::nullopt, 4000).status, WriteStatus::kNotFound);
    EXPECT_EQ(replace("ann", "nope", "x", std::nullopt, 4000).status, WriteStatus::kNotFound);
}

TEST_P(MemoryStoreConformance, UpdatedAtNeverGoesBack) {
    create("ann", "m1", 5000);
    auto r = replace("ann", "m1", "clock went back", std::nullopt, 4000);
    EXPECT_EQ(r.memory.updated_at_ms, 5000);
}

TEST_P(MemoryStoreConformance, RemoveDeletesOnlyTheOwnersMemory) {
    create("ann", "m1", 1000);
    EXPECT_EQ(await_now(store_->remove("bob", "m1", std::nullopt, 2000, later())).status,
              WriteStatus::kNotFound);
    EXPECT_EQ(await_now(store_->remove("ann", "m1", 7, 2000, later())).status,
              WriteStatus::kVersionMismatch);
    auto r = await_now(store_->remove("ann", "m1", 1, 2000, later()));
    EXPECT_EQ(r.status, WriteStatus::kDone);
    EXPECT_EQ(r.memory.version, 2);
    EXPECT_FALSE(await_now(store_->find("ann", "m1", later())));
    EXPECT_EQ(await_now(store_->remove("ann", "m1", std::nullopt, 3000, later())).status,
              WriteStatus::kNotFound);
}

TEST_P(MemoryStoreConformance, TheChangeLogReplaysEveryWriteInOrder) {
    create("ann", "m1", 1000, "one");
    create("bob", "b1", 1000);
    replace("ann", "m1", "two", std::nullopt, 2000);
    replace("ann", "m1", "refused", 1, 2500);  // no change, no entry
    await_now(store_->remove("ann", "m1", std::nullopt, 3000, later()));
    auto page = changes("ann", 0);
    ASSERT_EQ(page.changes.size(), 3u);
    EXPECT_FALSE(page.more);
    EXPECT_EQ(page.changes[0].seq, 1);
    EXPECT_EQ(page.changes[0].kind, "upsert");
    EXPECT_EQ(boost::json::parse(page.changes[0].snapshot).at("title"), "one");
    EXPECT_EQ(boost::json::parse(page.changes[1].snapshot).at("title"), "two");
    EXPECT_EQ(boost::json::parse(page.changes[1].snapshot).at("version"), 2);
    EXPECT_EQ(page.changes[2].kind, "delete");
    EXPECT_EQ(page.changes[2].entity_id, "m1");
    EXPECT_EQ(page.changes[2].at_ms, 3000);
    EXPECT_TRUE(page.changes[2].snapshot.empty());
    EXPECT_EQ(changes("ann", 1).changes.size(), 2u);
    EXPECT_TRUE(changes("ann", 3).changes.empty());
    auto first = changes("ann", 0, 2);
    EXPECT_EQ(first.changes.size(), 2u);
    EXPECT_TRUE(first.more);
    ASSERT_EQ(changes("bob", 0).changes.size(), 1u);
    EXPECT_EQ(changes("bob", 0).changes[0].seq, 1);
}

TEST_P(MemoryStoreConformance, LatestChangeSequencesOfManyUsers) {
    create("ann", "a1", 1000);
    create("ann", "a2", 1000);
    std::vector<std::string> users{"bob", "ann", "nobody"};
    for (int i = 0; i < 1200; ++i) users.push_back("ghost" + std::to_string(i));  // several batches
    // Not an id the server makes: never matches, never breaks the query.
    users.push_back("x' OR '1'='1");
    auto seqs = await_now(store_->latest_change_seqs(users, later()));
    std::sort(seqs.begin(), seqs.end());
    using Seqs = std::vector<std::pair<std::string, std::int64_t>>;
    EXPECT_EQ(seqs, (Seqs{{"ann", 2}, {"bob", 0}}));
    EXPECT_TRUE(await_now(store_->latest_change_seqs({}, later())).empty());
}

TEST_P(MemoryStoreConformance, EveryChangeEnqueuesAJobInItsTransaction) {
    auto jobs = [this] {
        return db_->run_now([](soci::session& s) {
            std::vector<std::string> payloads;
            std::string payload;
            std::string topic = kMemoryChangedTopic;
            soci::statement st = (s.prepare << "SELECT payload FROM jobs WHERE topic = :t "
                                               "ORDER BY enqueued_at, id",
                                  soci::use(topic), soci::into(payload));
            st.execute(false);
            while (st.fetch()) payloads.push_back(payload);
            return payloads;
        });
    };
    create("ann", "m1", 1000);
    replace("ann", "m1", "stale", 7, 2000);  // refused: no job
    replace("ann", "m1", "two", std::nullopt, 3000);
    await_now(store_->remove("ann", "m1", std::nullopt, 4000, later()));
    auto payloads = jobs();
    ASSERT_EQ(payloads.size(), 3u);
    for (const auto& p : payloads) {
        auto doc = boost::json::parse(p);
        EXPECT_EQ(doc.at("user_id"), "ann");
        EXPECT_EQ(doc.at("id"), "m1");
    }
}

// Writers of one user race while a reader follows the log: the reader sees every
// change exactly once, numbered without gaps, each write's effect in its snapshot.
TEST_P(MemoryStoreConformance, AReaderFollowingTheLogMissesNothingUnderConcurrentWrites) {
    constexpr int kWriters = 4;
    constexpr int kPerWriter = 40;
    std::atomic<int> writers_done{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back([&, w] {
            for (int i = 0; i < kPerWriter; ++i) {
                auto id = "w" + std::to_string(w) + "-" + std::to_string(i);
                create("ann", id, 1000 + i);
                if (i % 4 == 3) replace("ann", id, "edited", 1, 2000 + i);
            }
            ++writers_done;
        });
    std::vector<Change> seen;
    std::int64_t cursor = 0;
    const int expected = kWriters * (kPerWriter + kPerWriter / 4);
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (static_cast<int>(seen.size()) < expected && std::chrono::steady_clock::now() < give_up) {
        bool finished = writers_done.load() == kWriters;
        auto page = changes("ann", cursor, 7);
        for (auto& c : page.changes) {
            cursor = c.seq;
            seen.push_back(std::move(c));
        }
        if (finished && !page.more) break;
    }
    for (auto& t : writers) t.join();
    ASSERT_EQ(static_cast<int>(seen.size()), expected);
    std::set<std::string> created;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].seq, static_cast<std::int64_t>(i + 1));
        auto snapshot = boost::json::parse(seen[i].snapshot);
        std::string id(snapshot.at("id").as_string());
        if (snapshot.at("version") == 1)
            EXPECT_TRUE(created.insert(id).second) << id;
        else
            EXPECT_TRUE(created.count(id)) << id << " edited before its creation was seen";
    }
    EXPECT_EQ(created.size(), static_cast<std::size_t>(kWriters * kPerWriter));
}

INSTANTIATE_TEST_SUITE_P(Sql, MemoryStoreConformance,
                         ::testing::ValuesIn(test_backends::tier_backends()),
                         test_backends::backend_name);

}  // namespace
}  // namespace mindme::store
