// The PostgreSQL backend of SqlDatabase: store.url is a libpq connection URI
// (postgresql://user:password@host:port/db?sslmode=...), used as written, so every
// libpq parameter works, PgBouncer included.
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <memory>
#include <stdexcept>

#include "store/sql_database.hpp"

namespace mindme::store {

bool is_postgres_url(const std::string& url) {
    return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// SOCI reads its connection string as keyword=value pairs (a URI reaches libpq
// mangled), so libpq itself takes the URI apart and the pairs are written quoted.
std::string postgres_conninfo(const std::string& url) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
    if (!options) {
        std::string message = error ? error : "out of memory";
        PQfreemem(error);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw std::invalid_argument(message);
    }
    std::string out;
    for (auto* o = options.get(); o->keyword; ++o) {
        if (!o->val) continue;
        if (!out.empty()) out += ' ';
        out += o->keyword;
        out += "='";
        for (const char* c = o->val; *c; ++c) {
            if (*c == '\'' || *c == '\\') out += '\\';
            out += *c;
        }
        out += '\'';
    }
    return out;
}

std::optional<DatabaseBackend> postgres_backend(const DatabaseOptions& options) {
    if (!is_postgres_url(options.url)) return std::nullopt;
    return DatabaseBackend{
        .name = "postgresql",
        .opener = [conninfo = postgres_conninfo(options.url)](
                      soci::session& s) { s.open(soci::postgresql, conninfo); },
        .single_writer = false,
        .overflow = true,
        .text_holds_nul = false,
        // Caught up (everything received is replayed): 0, however long ago the last
        // write was; otherwise the age of the last replayed transaction.
        .replica_lag_query =
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) "
            "END::float8",
        .column_type_text = "TEXT",
        .lock_writer_first = false,
        .durable_file = {},  // the server makes its own commits durable
        .changes = {},
    };
}

}  // namespace mindme::store
