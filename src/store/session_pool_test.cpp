#include "store/session_pool.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>
#include <vector>

namespace mindme::store {
namespace {

// In-memory SQLite connections: the pool's bookkeeping, not a server, is under test.
struct Opener {
    int calls = 0;
    bool fail = false;
    SessionPool::Opener fn() {
        return [this](soci::session& s) {
            ++calls;
            if (fail) throw std::runtime_error("connection refused");
            s.open(soci::sqlite3, "db=:memory:");
        };
    }
};

SessionPoolOptions options(std::size_t keep, std::size_t max) {
    SessionPoolOptions o;
    o.keep = keep;
    o.max = max;
    return o;
}

TEST(SessionPool, OpensOnDemandAndClosesTheOverflowWhenGivenBack) {
    Opener opener;
    SessionPool pool(opener.fn(), options(1, 3));
    EXPECT_EQ(pool.stats().open, 0u);
    {
        std::vector<SessionPool::Lease> leases;
        for (int i = 0; i < 3; ++i) leases.push_back(pool.acquire());
        EXPECT_EQ(pool.stats().open, 3u);
        EXPECT_EQ(pool.stats().idle, 0u);
    }
    // Only `keep` stay open.
    EXPECT_EQ(pool.stats().open, 1u);
    EXPECT_EQ(pool.stats().idle, 1u);
    EXPECT_EQ(opener.calls, 3);
    // The kept one is reused.
    { auto again = pool.acquire(); }
    EXPECT_EQ(opener.calls, 3);
}

TEST(SessionPool, ADiscardedConnectionIsReplacedByAFreshOne) {
    Opener opener;
    SessionPool pool(opener.fn(), options(2, 2));
    {
        auto lease = pool.acquire();
        lease.discard();
    }
    EXPECT_EQ(pool.stats().open, 0u);
    EXPECT_EQ(pool.stats().discarded, 1u);
    { auto lease = pool.acquire(); }
    EXPECT_EQ(opener.calls, 2);
}

TEST(SessionPool, OneBrokenConnectionRetiresAllOpenedBeforeIt) {
    Opener opener;
    SessionPool pool(opener.fn(), options(3, 3));
    {
        auto a = pool.acquire();
        auto b = pool.acquire();
        auto c = pool.acquire();
        c.discard();  // the server went away under c
        // b, given back after, is as old as c: closed too.
    }
    EXPECT_EQ(pool.stats().open, 0u);
    EXPECT_EQ(pool.stats().discarded, 3u);
    { auto fresh = pool.acquire(); }
    EXPECT_EQ(pool.stats().idle, 1u);  // opened after the failure: kept
    EXPECT_EQ(opener.calls, 4);
}

TEST(SessionPool, AConnectionClosedUnderneathIsNotHandedOut) {
    Opener opener;
    auto o = options(1, 1);
    o.ping_after_idle = std::chrono::milliseconds(0);
    SessionPool pool(opener.fn(), o);
    { pool.acquire().session().close(); }  // as if the server had gone away
    auto lease = pool.acquire();
    EXPECT_TRUE(lease.session().is_connected());
    int one = 0;
    lease.session() << "SELECT 1", soci::into(one);
    EXPECT_EQ(one, 1);
    EXPECT_EQ(opener.calls, 2);
    EXPECT_EQ(pool.stats().discarded, 1u);
}

TEST(SessionPool, AFailedOpenLeavesNoSlotTaken) {
    Opener opener;
    SessionPool pool(opener.fn(), options(1, 1));
    opener.fail = true;
    for (int i = 0; i < 3; ++i) EXPECT_THROW(pool.acquire(), std::runtime_error);
    EXPECT_EQ(pool.stats().open, 0u);
    opener.fail = false;  // the database is back
    auto lease = pool.acquire();
    EXPECT_EQ(pool.stats().open, 1u);
}

}  // namespace
}  // namespace mindme::store
