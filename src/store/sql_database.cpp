// The backend-independent part of SqlDatabase.
#include "store/sql_database.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "store/replica_set.hpp"

namespace mindme::store {
namespace {

SessionPoolOptions session_options(const DatabaseOptions& o, const DatabaseBackend& backend) {
    SessionPoolOptions s;
    s.keep = std::max<std::size_t>(1, o.connections);
    s.max = s.keep + (backend.overflow ? o.max_overflow : 0);
    s.pre_ping = o.pre_ping;
    s.recycle = o.recycle;
    return s;
}

[[noreturn]] void throw_unavailable(const std::string& backend) {
    throw core::ApiError(core::ErrorCode::kUnavailable,
                         "the database (" + backend + ") is unavailable", 1);
}

}  // namespace

std::unique_ptr<SqlDatabase> SqlDatabase::connect(const DatabaseOptions& options, bool eager) {
    auto backend = sqlite_backend(options);
    if (!backend) backend = postgres_backend(options);
    if (!backend) backend = mysql_backend(options);
    if (!backend)
        throw std::runtime_error("unsupported store.url '" + options.url +
                                 "': expected sqlite:///path, postgresql://... or mysql://...");
    std::unique_ptr<SqlDatabase> db(new SqlDatabase(*backend, options));
    // One connection at once, so that a wrong URL or credentials stop the start with
    // the database's own words; the others open on demand.
    if (eager) {
        try {
            db->sessions_.acquire();
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot open " + options.url + ": " + e.what());
        }
    }
    if (!options.replicas.empty()) {
        if (backend->replica_lag_query.empty())
            throw std::runtime_error("store.replicas: " + backend->name + " has no read replicas");
        std::vector<std::unique_ptr<SqlDatabase>> replicas;
        for (const auto& url : options.replicas) {
            auto o = options;
            o.url = url;
            o.replicas.clear();
            // A replica that is down at start is skipped until it answers.
            replicas.push_back(connect(o, false));
            if (replicas.back()->backend() != backend->name)
                throw std::runtime_error("store.replicas: " + url + " is not " + backend->name);
        }
        db->replicas_ = std::make_unique<ReplicaSet>(
            std::move(replicas), backend->replica_lag_query, options.max_replica_lag);
    }
    return db;
}

std::unique_ptr<SqlDatabase> SqlDatabase::open(const DatabaseOptions& options) {
    return connect(options, true);
}

SqlDatabase* SqlDatabase::pick_replica(const std::string& user_id) {
    return replicas_ ? replicas_->pick(user_id) : nullptr;
}

void SqlDatabase::replica_failed(SqlDatabase* replica) {
    if (replicas_) replicas_->failed(replica);
}

std::string SqlDatabase::adapt_schema(const std::string& statement) const {
    if (column_type_text_ == "TEXT") return statement;
    std::string out = statement;
    static constexpr std::string_view kText = " TEXT";
    for (auto at = out.find(kText); at != std::string::npos; at = out.find(kText, at + 1)) {
        auto end = at + kText.size();
        // A whole word: " TEXT NOT NULL", " TEXT," or " TEXT)".
        if (end < out.size() &&
            (std::isalnum(static_cast<unsigned char>(out[end])) || out[end] == '_'))
            continue;
        out.replace(at + 1, kText.size() - 1, column_type_text_);
    }
    return out;
}

void SqlDatabase::wrote(const std::string& user_id) {
    if (replicas_) replicas_->wrote(user_id);
}

SqlDatabase::SqlDatabase(const DatabaseBackend& backend, const DatabaseOptions& options)
    : backend_(backend.name),
      single_writer_(backend.single_writer),
      text_holds_nul_(backend.text_holds_nul),
      column_type_text_(backend.column_type_text),
      lock_writer_first_(backend.lock_writer_first),
      options_(options),
      sessions_(backend.opener, session_options(options, backend)),
      // One thread per connection that may be open: a pool thread always finds one.
      pool_("store", session_options(options, backend).max, options.max_waiting) {
    if (!backend.durable_file.empty() && backend.changes) {
        changes_ = backend.changes;
        wal_sync_ = std::make_unique<WalSync>(backend.durable_file);
    }
}

std::uint64_t SqlDatabase::changes_so_far(SessionPool::Lease& lease) {
    return wal_sync_ ? changes_(lease.session()) : 0;
}

std::uint64_t SqlDatabase::sync_ticket_after(SessionPool::Lease& lease, std::uint64_t before) {
    if (!wal_sync_ || changes_(lease.session()) == before) return 0;
    return wal_sync_->request();
}

SqlDatabase::~SqlDatabase() = default;

SessionPool::Lease SqlDatabase::checkout() {
    try {
        return sessions_.acquire();
    } catch (const std::exception&) {
        throw_unavailable(backend_);
    }
}

// A query failed: was it the connection? A server shutting down answers with an error
// before it closes the socket, so a connection that still looks open gets a ping.
void SqlDatabase::failed(SessionPool::Lease& lease) {
    auto& s = lease.session();
    bool lost = !s.is_connected();
    if (!lost) {
        try {
            int one = 0;
            s << "SELECT 1", soci::into(one);
        } catch (const std::exception&) {
            lost = true;
        }
    }
    if (!lost) return;  // the query itself failed: its error stands
    lease.discard();
    throw_unavailable(backend_);
}

boost::asio::awaitable<void> SqlDatabase::ping(core::BlockingPool::Clock::time_point deadline) {
    co_await run(
        [](soci::session& s) {
            int one = 0;
            s << "SELECT 1", soci::into(one);
        },
        deadline);
}

SqlDatabase::WriteTransaction::WriteTransaction(SqlDatabase& db, soci::session& session,
                                                std::string writer)
    : db_(db), session_(session), writer_user_(std::move(writer)) {
    if (db.single_writer_) {
        writer_ = std::unique_lock(db.writer_);
        session_ << "BEGIN IMMEDIATE";
    } else {
        session_.begin();
    }
    if (db.lock_writer_first_ && !writer_user_.empty()) {
        std::string locked;
        session_ << "SELECT id FROM users WHERE id = :u FOR UPDATE", soci::use(writer_user_),
            soci::into(locked);
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
    if (!writer_user_.empty()) db_.wrote(writer_user_);
}

}  // namespace mindme::store
