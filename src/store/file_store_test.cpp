// The FileStore conformance suite: the same cases for every SQL backend.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/await_now.hpp"
#include "core/errors.hpp"
#include "store/files.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

using core::await_now;
using test_backends::Backend;
using test_backends::later;

class FileStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override {
        backend_ = GetParam()();
        db_ = backend_.open();
        accounts_ = make_sql_account_store(*db_);
        store_ = make_sql_file_store(*db_);
        for (std::string id : {"ann", "bob"})
            ASSERT_TRUE(await_now(accounts_->create_user({id, id, "hash", 1}, id,
                                                         {id + "-token", id, 1, 2}, later())));
    }
    void TearDown() override {
        store_.reset();
        accounts_.reset();
        db_.reset();
        backend_.cleanup();
    }
    FileRecord create(const std::string& user, const std::string& id, std::int64_t now) {
        FileRecord f;
        f.id = id;
        f.user_id = user;
        f.name = "photo " + id + ".png";
        f.content_type = "image/png";
        f.size = 1234;
        f.sha256 = std::string(64, 'a');
        return await_now(store_->create(f, now, later()));
    }
    int jobs() {
        return db_->run_now([](soci::session& s) {
            int n = 0;
            std::string topic = kFileProcessTopic;
            s << "SELECT COUNT(*) FROM jobs WHERE topic = :t", soci::use(topic), soci::into(n);
            return n;
        });
    }

    Backend backend_;
    std::unique_ptr<SqlDatabase> db_;
    std::unique_ptr<AccountStore> accounts_;
    std::unique_ptr<FileStore> store_;
};

TEST_P(FileStoreConformance, CreatesPendingFilesWithTheirJob) {
    auto f = create("ann", "f1", 1000);
    EXPECT_EQ(f.status, "pending");
    EXPECT_EQ(jobs(), 1);
    auto found = await_now(store_->find("ann", "f1", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "photo f1.png");
    EXPECT_EQ(found->size, 1234);
    EXPECT_EQ(found->created_at_ms, 1000);
    EXPECT_FALSE(found->thumbnail);
    EXPECT_TRUE(found->error.empty());
    EXPECT_FALSE(await_now(store_->find("bob", "f1", later())));
}

TEST_P(FileStoreConformance, ListsNewestFirstInPagesPerUser) {
    for (int i = 0; i < 5; ++i) create("ann", "f" + std::to_string(i), 1000 + i / 2);
    create("bob", "other", 9999);
    std::vector<std::string> seen;
    std::optional<ListPosition> after;
    for (int i = 0; i < 5; ++i) {
        auto page = await_now(store_->list("ann", after, 2, later()));
        for (const auto& f : page.items) seen.push_back(f.id);
        if (!page.more) break;
        after = ListPosition{page.items.back().created_at_ms, page.items.back().id};
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"f4", "f3", "f2", "f1", "f0"}));
}

TEST_P(FileStoreConformance, ProcessingResultsAndRemoval) {
    create("ann", "f1", 1000);
    auto f = *await_now(store_->find("ann", "f1", later()));
    f.status = "failed";
    f.error = "not an image";
    EXPECT_TRUE(await_now(store_->record_processing(f, 2000, later())));
    auto failed = *await_now(store_->find("ann", "f1", later()));
    EXPECT_EQ(failed.status, "failed");
    EXPECT_EQ(failed.error, "not an image");
    EXPECT_EQ(failed.updated_at_ms, 2000);
    f.status = "ready";
    f.error.clear();
    f.thumbnail = true;
    f.text_chars = 42;
    EXPECT_TRUE(await_now(store_->record_processing(f, 3000, later())));
    auto ready = *await_now(store_->find("ann", "f1", later()));
    EXPECT_TRUE(ready.thumbnail);
    EXPECT_EQ(ready.text_chars, 42);
    EXPECT_TRUE(ready.error.empty());
    // Each end of processing is in the user's change log (for events), in order.
    auto memories = make_sql_memory_store(*db_);
    auto log = await_now(memories->changes("ann", 0, 10, later()));
    ASSERT_EQ(log.changes.size(), 2u);
    EXPECT_EQ(log.changes[0].kind, "file.failed");
    EXPECT_EQ(log.changes[1].kind, "file.ready");
    EXPECT_EQ(log.changes[1].entity_id, "f1");
    EXPECT_FALSE(await_now(store_->remove("bob", "f1", later())));
    auto removed = await_now(store_->remove("ann", "f1", later()));
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->id, "f1");
    EXPECT_FALSE(await_now(store_->find("ann", "f1", later())));
    EXPECT_FALSE(await_now(store_->record_processing(f, 4000, later())));
}

TEST_P(FileStoreConformance, QuotasHoldForMemoriesFilesAndBytesAndFreeOnDelete) {
    Quotas q{2, 2, 1000};
    auto files = make_sql_file_store(*db_, q);
    auto memories = make_sql_memory_store(*db_, q);
    auto file = [&](const std::string& id, std::int64_t size) {
        FileRecord f;
        f.id = id;
        f.user_id = "ann";
        f.name = id;
        f.content_type = "text/plain";
        f.size = size;
        f.sha256 = std::string(64, 'a');
        return await_now(files->create(f, 1000, later()));
    };
    auto refused = [](auto&& write, const char* quota) {
        try {
            write();
        } catch (const core::ApiError& e) {
            EXPECT_EQ(e.code(), core::ErrorCode::kInsufficientStorage);
            EXPECT_NE(std::string(e.what()).find(quota), std::string::npos) << e.what();
            return;
        }
        ADD_FAILURE() << "not refused: " << quota;
    };
    file("f1", 600);
    refused([&] { file("f2", 401); }, "quota.user_bytes");
    file("f2", 400);
    refused([&] { file("f3", 1); }, "quota.user_files");
    EXPECT_FALSE(await_now(files->find("ann", "f3", later())));  // no trace
    auto usage = await_now(accounts_->usage("ann", later()));
    EXPECT_EQ(usage.files, 2);
    EXPECT_EQ(usage.file_bytes, 1000);
    await_now(files->remove("ann", "f1", later()));
    file("f3", 600);  // the deleted file's count and bytes came back
    // Another user has quotas of their own.
    EXPECT_EQ(await_now(accounts_->usage("bob", later())).files, 0);

    Memory m;
    m.user_id = "ann";
    for (auto id : {"m1", "m2"}) {
        m.id = id;
        await_now(memories->create(m, 1000, later()));
    }
    m.id = "m3";
    refused([&] { await_now(memories->create(m, 1000, later())); }, "quota.user_memories");
    EXPECT_FALSE(await_now(memories->find("ann", "m3", later())));
    EXPECT_EQ(await_now(memories->changes("ann", 0, 100, later())).changes.size(), 2u);
    await_now(memories->remove("ann", "m1", std::nullopt, 2000, later()));
    await_now(memories->create(m, 3000, later()));
    EXPECT_EQ(await_now(accounts_->usage("ann", later())).memories, 2);
}

INSTANTIATE_TEST_SUITE_P(Sql, FileStoreConformance,
                         ::testing::ValuesIn(test_backends::tier_backends()),
                         test_backends::backend_name);

}  // namespace
}  // namespace mindme::store
