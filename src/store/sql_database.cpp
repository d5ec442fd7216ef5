// The backend-independent part of SqlDatabase.
#include "store/sql_database.hpp"

#include <soci/soci.h>

namespace mindme::store {

boost::asio::awaitable<void> SqlDatabase::ping(core::BlockingPool::Clock::time_point deadline) {
    co_await run(
        [](soci::session& s) {
            int one = 0;
            s << "SELECT 1", soci::into(one);
        },
        deadline);
}

SqlDatabase::WriteTransaction::WriteTransaction(SqlDatabase& db, soci::session& session)
    : session_(session) {
    if (db.backend() == "sqlite") {
        writer_ = std::unique_lock(db.writer_);
        session_ << "BEGIN IMMEDIATE";
    } else {
        session_.begin();
    }
}

SqlDatabase::WriteTransaction::~WriteTransaction() {
    if (!open_) return;
    try {
        session_.rollback();
    } catch (...) {
        // The connection is broken; the server has rolled back already.
    }
}

void SqlDatabase::WriteTransaction::commit() {
    session_.commit();
    open_ = false;
}

}  // namespace mindme::store
