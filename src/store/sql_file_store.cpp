// FileStore on SqlDatabase, in SQL that every backend accepts.
#include <soci/soci.h>

#include "core/clock.hpp"
#include "store/change_log.hpp"
#include "store/devices.hpp"
#include "store/files.hpp"
#include "store/outbox.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"
#include "store/usage_counts.hpp"

namespace mindme::store {
namespace {

using detail::affected;
using detail::prepare;

constexpr const char* kColumns =
    "SELECT id, user_id, name, content_type, size, sha256, status, error, thumbnail, "
    "text_chars, created_at, updated_at FROM files ";

// Binds a statement's result columns to one FileRecord, refilled by each fetch.
struct FileRow {
    FileRecord f;
    soci::indicator error_ind = soci::i_ok;
    int thumbnail = 0;

    void bind(soci::statement& st) {
        st.exchange(soci::into(f.id));
        st.exchange(soci::into(f.user_id));
        st.exchange(soci::into(f.name));
        st.exchange(soci::into(f.content_type));
        st.exchange(soci::into(f.size));
        st.exchange(soci::into(f.sha256));
        st.exchange(soci::into(f.status));
        st.exchange(soci::into(f.error, error_ind));
        st.exchange(soci::into(thumbnail));
        st.exchange(soci::into(f.text_chars));
        st.exchange(soci::into(f.created_at_ms));
        st.exchange(soci::into(f.updated_at_ms));
    }
    FileRecord take() {
        if (error_ind != soci::i_ok) f.error.clear();
        f.thumbnail = thumbnail != 0;
        return f;
    }
};

std::string job_payload(const FileRecord& f) { return entity_payload(f.user_id, f.id); }

std::optional<FileRecord> read_file(soci::session& s, const std::string& user_id,
                                    const std::string& id) {
    FileRow row;
    soci::statement st(s);
    row.bind(st);
    st.exchange(soci::use(id));
    st.exchange(soci::use(user_id));
    prepare(st, std::string(kColumns) + "WHERE id = :i AND user_id = :u");
    if (!st.execute(true)) return std::nullopt;
    return row.take();
}

class SqlFileStore final : public FileStore {
public:
    SqlFileStore(SqlDatabase& db, Quotas quotas, bool push_to_devices)
        : db_(db), quotas_(quotas), push_to_devices_(push_to_devices) {}

    boost::asio::awaitable<FileRecord> create(FileRecord f, std::int64_t now_ms,
                                              Deadline deadline) override {
        f.created_at_ms = f.updated_at_ms = now_ms;
        f.status = "pending";
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, f.user_id);
                detail::charge_usage(s, f.user_id, {0, 1, f.size}, quotas_);
                int thumbnail = 0;
                s << "INSERT INTO files (id, user_id, name, content_type, size, sha256, status, "
                     "thumbnail, text_chars, created_at, updated_at) VALUES (:i, :u, :n, :c, "
                     ":z, :h, :s, :t, :x, :ca, :ua)",
                    soci::use(f.id), soci::use(f.user_id), soci::use(f.name),
                    soci::use(f.content_type), soci::use(f.size), soci::use(f.sha256),
                    soci::use(f.status), soci::use(thumbnail), soci::use(f.text_chars),
                    soci::use(f.created_at_ms), soci::use(f.updated_at_ms);
                add_job(s, {kFileProcessTopic, job_payload(f), 0}, now_ms);
                tx.commit();
                return f;
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<FileRecord>> find(std::string user_id, std::string id,
                                                           Deadline deadline) override {
        co_return co_await db_.read(
            user_id, [&](soci::session& s) { return read_file(s, user_id, id); }, deadline);
    }

    boost::asio::awaitable<FilePage> list(std::string user_id, std::optional<ListPosition> after,
                                          std::size_t limit, Deadline deadline) override {
        co_return co_await db_.read(
            user_id,
            [&](soci::session& s) {
                FileRow row;
                return detail::newest_first_page<FilePage>(
                    s, kColumns, "created_at", user_id, after, limit, row, SIZE_MAX,
                    [](const auto&) { return std::size_t{0}; });
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<FileRecord>> remove(std::string user_id, std::string id,
                                                             Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<FileRecord> {
                SqlDatabase::WriteTransaction tx(db_, s, user_id);
                auto current = read_file(s, user_id, id);
                if (!current) return std::nullopt;
                s << "DELETE FROM files WHERE id = :i AND user_id = :u", soci::use(id),
                    soci::use(user_id);
                detail::charge_usage(s, user_id, {0, -1, -current->size}, quotas_);
                add_job(s, {kFileChangedTopic, job_payload(*current), 0}, core::now_ms());
                tx.commit();
                return current;
            },
            deadline);
    }

    boost::asio::awaitable<bool> record_processing(FileRecord f, std::int64_t now_ms,
                                                   Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, f.user_id);
                int thumbnail = f.thumbnail ? 1 : 0;
                soci::indicator error_ind = f.error.empty() ? soci::i_null : soci::i_ok;
                soci::statement st = detail::statement(
                    s,
                    "UPDATE files SET status = :s, error = :e, thumbnail = :t, "
                    "text_chars = :x, updated_at = :a WHERE id = :i",
                    soci::use(f.status), soci::use(f.error, error_ind), soci::use(thumbnail),
                    soci::use(f.text_chars), soci::use(now_ms), soci::use(f.id));
                if (affected(st) == 0) return false;
                if (f.status == "ready" || f.status == "failed") {
                    add_job(s, {kFileChangedTopic, job_payload(f), 0}, now_ms);
                    detail::append_change(s, f.user_id, "file." + f.status, f.id, now_ms, nullptr);
                    if (push_to_devices_)
                        add_push_jobs(s, f.user_id, "file." + f.status, f.id, now_ms);
                }
                tx.commit();
                return true;
            },
            deadline);
    }

private:
    SqlDatabase& db_;
    Quotas quotas_;
    bool push_to_devices_;
};

}  // namespace

std::unique_ptr<FileStore> make_sql_file_store(SqlDatabase& db, Quotas quotas,
                                               bool push_to_devices) {
    return std::make_unique<SqlFileStore>(db, quotas, push_to_devices);
}

}  // namespace mindme::store
