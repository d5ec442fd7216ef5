#include "queue/outbox_relay.hpp"

#include <soci/soci.h>

#include "core/ids.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::queue {

namespace {

constexpr std::size_t kClaimBytes = 16;

// Claims up to `batch` due rows for this pass: state 'relaying' under a claim token,
// due again at `until` (when a relay that died holding them is given up on). 'leased'
// rows are left from the SQL queue (queue.url was sql:// before): due once their lease
// ran out, like there.
std::vector<OutboxRow> claim(store::SqlDatabase& db, const std::string& token, std::int64_t now,
                             std::int64_t until, std::size_t batch) {
    return db.run_now([&](soci::session& s) {
        store::SqlDatabase::WriteTransaction tx(db, s);
        std::vector<OutboxRow> rows;
        {
            OutboxRow row;
            int limit = static_cast<int>(batch);
            std::string sql =
                "SELECT id, topic, payload, attempts, enqueued_at FROM jobs "
                "WHERE state IN ('ready', 'leased', 'relaying') AND run_at <= :n "
                "ORDER BY run_at LIMIT :m";
            sql += db.claim_rows_clause();
            soci::statement st = store::detail::statement(
                s, sql, soci::use(now), soci::use(limit), soci::into(row.id), soci::into(row.topic),
                soci::into(row.payload), soci::into(row.attempts), soci::into(row.enqueued_at_ms));
            st.execute(false);
            while (st.fetch()) rows.push_back(row);
        }
        for (const auto& row : rows)
            s << "UPDATE jobs SET state = 'relaying', lease_token = :k, run_at = :u "
                 "WHERE id = :i",
                soci::use(token), soci::use(until), soci::use(row.id);
        tx.commit();
        return rows;
    });
}

}  // namespace

std::size_t relay_due_jobs(store::SqlDatabase& db, std::int64_t now_ms, std::size_t batch,
                           std::chrono::milliseconds claim_for,
                           const std::function<void(const std::vector<OutboxRow>&)>& publish) {
    auto token = core::random_id(kClaimBytes);
    auto rows = claim(db, token, now_ms, now_ms + claim_for.count(), batch);
    if (rows.empty()) return 0;
    try {
        publish(rows);
    } catch (...) {
        // Due again at once for the next pass (if this fails too, when the claim ends).
        try {
            db.run_now([&](soci::session& s) {
                store::SqlDatabase::WriteTransaction tx(db, s);
                s << "UPDATE jobs SET state = 'ready', lease_token = NULL, run_at = :n "
                     "WHERE lease_token = :k",
                    soci::use(now_ms), soci::use(token);
                tx.commit();
            });
        } catch (const std::exception&) {
        }
        throw;
    }
    db.run_now([&](soci::session& s) {
        store::SqlDatabase::WriteTransaction tx(db, s);
        for (const auto& row : rows)
            s << "DELETE FROM jobs WHERE id = :i AND lease_token = :k", soci::use(row.id),
                soci::use(token);
        tx.commit();
    });
    return rows.size();
}

}  // namespace mindme::queue
