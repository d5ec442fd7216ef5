#include "store/reindex.hpp"

#include <soci/soci.h>

#include <vector>

#include "core/clock.hpp"
#include "store/files.hpp"
#include "store/memories.hpp"
#include "store/outbox.hpp"
#include "store/sql_statements.hpp"

namespace mindme::store {
namespace {

constexpr int kBatch = 500;

// Enqueues `topic` for each row of `table` (matching `where`), in id order, a batch per
// transaction; returns how many.
std::int64_t enqueue_all(SqlDatabase& db, const std::string& table, const std::string& where,
                         const char* topic) {
    std::int64_t total = 0;
    std::string after;
    for (;;) {
        auto done = db.run_now([&](soci::session& s) {
            std::vector<std::pair<std::string, std::string>> rows;  // (user_id, id)
            std::string user_id, id;
            int batch = kBatch;
            soci::statement st = detail::statement(
                s,
                "SELECT user_id, id FROM " + table + " WHERE id > :a" + where +
                    " ORDER BY id LIMIT :n",
                soci::use(after), soci::use(batch), soci::into(user_id), soci::into(id));
            st.execute(false);
            while (st.fetch()) rows.emplace_back(user_id, id);
            if (rows.empty()) return true;
            SqlDatabase::WriteTransaction tx(db, s);
            auto now = core::now_ms();
            for (const auto& [user, entity] : rows)
                add_job(s, {topic, entity_payload(user, entity), 0}, now);
            tx.commit();
            total += static_cast<std::int64_t>(rows.size());
            after = rows.back().second;
            return rows.size() < static_cast<std::size_t>(kBatch);
        });
        if (done) return total;
    }
}

}  // namespace

ReindexCount enqueue_reindex(SqlDatabase& db) {
    ReindexCount count;
    count.memories = enqueue_all(db, "memories", "", kMemoryChangedTopic);
    count.files = enqueue_all(db, "files", " AND status = 'ready'", kFileChangedTopic);
    return count;
}

}  // namespace mindme::store
