// MemoryStore on SqlDatabase, in SQL that every backend accepts. A change writes the
// memory, its change-log entry and a memory.changed job in one transaction. Lock order in a
// write: the memory row first, the user's row (change_seq) last, so that writers of
// one user never wait on each other in a cycle.
#include <soci/soci.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <stdexcept>

#include "core/json.hpp"
#include "store/change_log.hpp"
#include "store/memories.hpp"
#include "store/outbox.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"
#include "store/text_column.hpp"
#include "store/usage_counts.hpp"

namespace mindme::store {
namespace {

using detail::affected;
using detail::prepare;

constexpr const char* kColumns =
    "SELECT id, user_id, title, body, tags, created_at, updated_at, version FROM memories ";
// Users looked up per query by latest_change_seqs (one IN list each).
constexpr std::size_t kUsersPerQuery = 500;
// A memory whose row changed under a delete is read again this many times.
constexpr int kDeleteAttempts = 3;

// Server-generated ids: base64url characters only, so safe to write into SQL.
bool plain_id(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

std::string tags_json(const std::vector<std::string>& tags) {
    std::string out = "[";
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (i) out += ',';
        core::append_json_string(out, tags[i]);
    }
    return out += ']';
}

std::vector<std::string> parse_tags(const std::string& text) {
    std::vector<std::string> tags;
    auto value = boost::json::parse(text);
    for (const auto& tag : value.as_array()) tags.emplace_back(tag.as_string());
    return tags;
}

// Binds a statement's result columns to one Memory, refilled by each fetch.
struct MemoryRow {
    const detail::TextColumn& text;
    Memory m{};
    std::string tags{};

    void bind(soci::statement& st) {
        st.exchange(soci::into(m.id));
        st.exchange(soci::into(m.user_id));
        st.exchange(soci::into(m.title));
        st.exchange(soci::into(m.body));
        st.exchange(soci::into(tags));
        st.exchange(soci::into(m.created_at_ms));
        st.exchange(soci::into(m.updated_at_ms));
        st.exchange(soci::into(m.version));
    }
    Memory take() {
        m.tags = parse_tags(tags);
        text.load(m.title);
        text.load(m.body);
        return m;
    }
};

std::optional<Memory> read_memory(soci::session& s, const detail::TextColumn& text,
                                  const std::string& user_id, const std::string& id) {
    MemoryRow row{text};
    soci::statement st(s);
    row.bind(st);
    st.exchange(soci::use(id));
    st.exchange(soci::use(user_id));
    prepare(st, std::string(kColumns) + "WHERE id = :i AND user_id = :u");
    if (!st.execute(true)) return std::nullopt;
    return row.take();
}

// The memory's change-log entry and its memory.changed job.
void record_change(soci::session& s, const std::string& user_id, const char* kind, const Memory& m,
                   std::int64_t at_ms, const std::string* snapshot) {
    detail::append_change(s, user_id, kind, m.id, at_ms, snapshot);
    add_job(s, {kMemoryChangedTopic, entity_payload(user_id, m.id), 0}, at_ms);
}

class SqlMemoryStore final : public MemoryStore {
public:
    SqlMemoryStore(SqlDatabase& db, Quotas quotas)
        : db_(db), text_(db.text_holds_nul()), quotas_(quotas) {}

    boost::asio::awaitable<Memory> create(Memory m, std::int64_t now_ms,
                                          Deadline deadline) override {
        m.created_at_ms = m.updated_at_ms = now_ms;
        m.version = 1;
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, m.user_id);
                detail::charge_usage(s, m.user_id, {1, 0, 0}, quotas_);
                auto tags = tags_json(m.tags);
                auto title = text_.store(m.title);
                auto body = text_.store(m.body);
                s << "INSERT INTO memories (id, user_id, title, body, tags, created_at, "
                     "updated_at, version) VALUES (:i, :u, :t, :b, :g, :c, :m, :v)",
                    soci::use(m.id), soci::use(m.user_id), soci::use(title), soci::use(body),
                    soci::use(tags), soci::use(m.created_at_ms), soci::use(m.updated_at_ms),
                    soci::use(m.version);
                auto snapshot = memory_json(m);
                record_change(s, m.user_id, "upsert", m, now_ms, &snapshot);
                tx.commit();
                return m;
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<Memory>> find(std::string user_id, std::string id,
                                                       Deadline deadline) override {
        co_return co_await db_.read(
            user_id, [&](soci::session& s) { return read_memory(s, text_, user_id, id); },
            deadline);
    }

    boost::asio::awaitable<MemoryPage> list(std::string user_id, std::optional<ListPosition> after,
                                            std::size_t limit, Deadline deadline) override {
        co_return co_await db_.read(
            user_id,
            [&](soci::session& s) {
                MemoryRow row{text_};
                return detail::newest_first_page<MemoryPage>(
                    s, kColumns, "updated_at", user_id, after, limit, row, kPageBytes,
                    [](const Memory& m) { return memory_bytes(m); });
            },
            deadline);
    }

    boost::asio::awaitable<WriteResult> replace(Memory m,
                                                std::optional<std::int64_t> expected_version,
                                                std::int64_t now_ms, Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, m.user_id);
                detail::charge_usage(s, m.user_id, {1, 0, 0}, quotas_);
                auto tags = tags_json(m.tags);
                auto title = text_.store(m.title);
                auto body = text_.store(m.body);
                // updated_at never goes back, even if the clock does: the list order and
                // clients comparing times rely on it.
                std::string sql =
                    "UPDATE memories SET title = :t, body = :b, tags = :g, version = version + 1, "
                    "updated_at = CASE WHEN updated_at > :n1 THEN updated_at ELSE :n2 END "
                    "WHERE id = :i AND user_id = :u";
                std::int64_t expected = expected_version.value_or(0);
                if (expected_version) sql += " AND version = :v";
                soci::statement st(s);
                for (auto* column : {&title, &body, &tags}) st.exchange(soci::use(*column));
                st.exchange(soci::use(now_ms));
                st.exchange(soci::use(now_ms));
                st.exchange(soci::use(m.id));
                st.exchange(soci::use(m.user_id));
                if (expected_version) st.exchange(soci::use(expected));
                prepare(st, sql);
                WriteResult result;
                if (affected(st) == 0) {
                    result.status = read_memory(s, text_, m.user_id, m.id)
                                        ? WriteStatus::kVersionMismatch
                                        : WriteStatus::kNotFound;
                    return result;
                }
                result.memory = *read_memory(s, text_, m.user_id, m.id);
                auto snapshot = memory_json(result.memory);
                record_change(s, m.user_id, "upsert", result.memory, now_ms, &snapshot);
                tx.commit();
                return result;
            },
            deadline);
    }

    boost::asio::awaitable<WriteResult> remove(std::string user_id, std::string id,
                                               std::optional<std::int64_t> expected_version,
                                               std::int64_t now_ms, Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, user_id);
                WriteResult result;
                for (int attempt = 0; attempt < kDeleteAttempts; ++attempt) {
                    auto current = read_memory(s, text_, user_id, id);
                    if (!current) {
                        result.status = WriteStatus::kNotFound;
                        return result;
                    }
                    if (expected_version && *expected_version != current->version) {
                        result.status = WriteStatus::kVersionMismatch;
                        return result;
                    }
                    soci::statement st = detail::statement(
                        s,
                        "DELETE FROM memories WHERE id = :i AND user_id = :u "
                        "AND version = :v",
                        soci::use(id), soci::use(user_id), soci::use(current->version));
                    if (affected(st) == 0) continue;  // changed since it was read
                    detail::charge_usage(s, user_id, {-1, 0, 0}, quotas_);
                    result.memory = *current;
                    ++result.memory.version;  // the deletion is a change of its own
                    record_change(s, user_id, "delete", result.memory, now_ms, nullptr);
                    tx.commit();
                    return result;
                }
                throw std::runtime_error("memory " + id + " kept changing during its deletion");
            },
            deadline);
    }

    boost::asio::awaitable<std::vector<std::pair<std::string, std::int64_t>>> latest_change_seqs(
        std::vector<std::string> user_ids, Deadline deadline) override {
        // Many users at once: no one's read-your-writes applies (a replica's lag only
        // delays the events this poll finds).
        co_return co_await db_.read(
            std::string(),
            [&](soci::session& s) {
                std::vector<std::pair<std::string, std::int64_t>> out;
                for (std::size_t from = 0; from < user_ids.size(); from += kUsersPerQuery) {
                    auto to = std::min(user_ids.size(), from + kUsersPerQuery);
                    std::string id;
                    std::int64_t seq = 0;
                    soci::statement st(s);
                    st.exchange(soci::into(id));
                    st.exchange(soci::into(seq));
                    // The ids are written into the SQL as literals: binding hundreds
                    // of named parameters costs SQLite a name search each (quadratic),
                    // which made this poll the busiest query of a server with
                    // thousands of event sockets. Ids are generated by the server; one
                    // that is not plain base64url cannot be a user and is left out.
                    // '' matches no user and keeps the list valid if every id is out.
                    std::string sql = "SELECT id, change_seq FROM users WHERE id IN (''";
                    for (auto i = from; i < to; ++i) {
                        if (!plain_id(user_ids[i])) continue;
                        sql += ", '";
                        sql += user_ids[i];
                        sql += "'";
                    }
                    prepare(st, sql + ")");
                    st.execute(false);
                    while (st.fetch()) out.emplace_back(id, seq);
                }
                return out;
            },
            deadline);
    }

    boost::asio::awaitable<std::int64_t> latest_change_seq_on_primary(std::string user_id,
                                                                      Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                std::int64_t seq = 0;
                soci::indicator ind = soci::i_ok;
                s << "SELECT change_seq FROM users WHERE id = :u", soci::use(user_id),
                    soci::into(seq, ind);
                return s.got_data() && ind == soci::i_ok ? seq : std::int64_t{0};
            },
            deadline);
    }

    boost::asio::awaitable<ChangePage> changes(std::string user_id, std::int64_t after_seq,
                                               std::size_t limit, Deadline deadline) override {
        co_return co_await db_.read(
            user_id,
            [&](soci::session& s) {
                ChangePage page;
                Change c;
                soci::indicator snapshot_ind = soci::i_ok;
                int fetch = static_cast<int>(limit) + 1;
                soci::statement st = detail::statement(
                    s,
                    "SELECT seq, kind, entity_id, at, snapshot FROM changes "
                    "WHERE user_id = :u AND seq > :s ORDER BY seq LIMIT :n",
                    soci::use(user_id), soci::use(after_seq), soci::use(fetch), soci::into(c.seq),
                    soci::into(c.kind), soci::into(c.entity_id), soci::into(c.at_ms),
                    soci::into(c.snapshot, snapshot_ind));
                st.execute(false);
                std::size_t bytes = 0;
                while (st.fetch()) {
                    if (page.changes.size() == limit || bytes >= kPageBytes) {
                        page.more = true;
                        break;
                    }
                    if (snapshot_ind != soci::i_ok) c.snapshot.clear();
                    page.changes.push_back(c);
                    bytes += c.snapshot.size() + c.entity_id.size();
                }
                return page;
            },
            deadline);
    }

private:
    SqlDatabase& db_;
    detail::TextColumn text_;
    Quotas quotas_;
};

}  // namespace

std::unique_ptr<MemoryStore> make_sql_memory_store(SqlDatabase& db, Quotas quotas) {
    return std::make_unique<SqlMemoryStore>(db, quotas);
}

}  // namespace mindme::store
