// The MySQL/MariaDB backend of SqlDatabase: store.url is
// mysql://user:password@host:port/database?key=value..., the query keys being SOCI's
// MySQL options (charset, connect_timeout, read_timeout, sslca, sslcert, ...).
// Sessions use utf8mb4 and READ COMMITTED (as PostgreSQL: a transaction that waited
// for a row lock reads the row as committed, not as of its start), and the database
// must compare text byte for byte: ids are case-sensitive.
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <boost/url/parse.hpp>
#include <stdexcept>

#include "store/sql_database.hpp"

namespace mindme::store {
namespace {

std::string quoted(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

void open_mysql(soci::session& s, const std::string& connect) {
    s.open(soci::mysql, connect);
    s << "SET NAMES utf8mb4 COLLATE utf8mb4_bin";
    s << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    std::string collation;
    s << "SELECT @@collation_database", soci::into(collation);
    if (!collation.ends_with("_bin"))
        throw std::runtime_error(
            "the database's collation is " + collation +
            ": MindMe needs a binary one (ids are case-sensitive); create it with "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
}

}  // namespace

bool is_mysql_url(const std::string& url) { return url.starts_with("mysql://"); }

std::string mysql_connect_string(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || parsed->scheme() != "mysql")
        throw std::invalid_argument("expected mysql://user:password@host:port/database");
    const auto& u = *parsed;
    std::string db = u.path();
    if (db.starts_with("/")) db.erase(0, 1);
    if (db.empty() || db.find('/') != std::string::npos)
        throw std::invalid_argument("mysql:// URL without a database name");
    std::string out = "db=" + quoted(db) + " charset=utf8mb4";
    if (!u.host().empty()) out += " host=" + quoted(u.host());
    if (u.has_port()) out += " port=" + quoted(std::string(u.port()));
    if (u.has_userinfo()) {
        out += " user=" + quoted(u.user());
        if (u.has_password()) out += " password=" + quoted(u.password());
    }
    for (auto param : u.params()) {
        if (param.key == "charset") continue;  // always utf8mb4
        out += " " + param.key + "=" + quoted(param.value);
    }
    return out;
}

std::optional<DatabaseBackend> mysql_backend(const DatabaseOptions& options) {
    if (!is_mysql_url(options.url)) return std::nullopt;
    return DatabaseBackend{
        .name = "mysql",
        .opener = [connect = mysql_connect_string(options.url)](
                      soci::session& s) { open_mysql(s, connect); },
        .single_writer = false,
        .overflow = true,
        .text_holds_nul = true,
        .replica_lag_query = {},  // not yet: replicas are PostgreSQL's
        // TEXT is 64 KiB in MySQL; a memory's body alone may be 256 KiB of UTF-8.
        .column_type_text = "LONGTEXT",
        .lock_writer_first = true,
        .durable_file = {},  // the server makes its own commits durable
        .changes = {},
    };
}

}  // namespace mindme::store
