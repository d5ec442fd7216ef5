#include "queue/outbox_enqueue.hpp"

#include <soci/soci.h>

#include "store/outbox.hpp"
#include "store/sql_database.hpp"

namespace mindme::queue {

boost::asio::awaitable<std::string> enqueue_in_outbox(store::SqlDatabase& db, JobSpec spec,
                                                      std::int64_t now_ms) {
    co_return co_await db.run([&](soci::session& s) {
        store::SqlDatabase::WriteTransaction tx(db, s);
        auto id = store::add_job(s, {spec.topic, spec.payload, spec.delay.count()}, now_ms);
        tx.commit();
        return id;
    });
}

}  // namespace mindme::queue
