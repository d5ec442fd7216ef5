#include "queue/outbox_relay.hpp"

#include <soci/soci.h>

#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::queue {

std::size_t relay_due_jobs(store::SqlDatabase& db, std::int64_t now_ms, std::size_t batch,
                           const std::function<void(const std::vector<OutboxRow>&)>& publish) {
    return db.run_now([&](soci::session& s) -> std::size_t {
        store::SqlDatabase::WriteTransaction tx(db, s);
        std::vector<OutboxRow> rows;
        {
            OutboxRow row;
            int limit = static_cast<int>(batch);
            // 'leased' rows are left from the SQL queue (queue.url was sql:// before):
            // due once their lease ran out, like there.
            std::string sql =
                "SELECT id, topic, payload, attempts, enqueued_at FROM jobs "
                "WHERE state IN ('ready', 'leased') AND run_at <= :n ORDER BY run_at LIMIT :m";
            sql += db.claim_rows_clause();
            soci::statement st = store::detail::statement(
                s, sql, soci::use(now_ms), soci::use(limit), soci::into(row.id),
                soci::into(row.topic), soci::into(row.payload), soci::into(row.attempts),
                soci::into(row.enqueued_at_ms));
            st.execute(false);
            while (st.fetch()) rows.push_back(row);
        }
        if (rows.empty()) return 0;
        publish(rows);
        for (const auto& row : rows) s << "DELETE FROM jobs WHERE id = :i", soci::use(row.id);
        tx.commit();
        return rows.size();
    });
}

}  // namespace mindme::queue
