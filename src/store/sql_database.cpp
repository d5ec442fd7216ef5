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

}  // namespace mindme::store
