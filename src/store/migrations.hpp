#pragma once
// Versioned, forward-only schema migrations, applied at start and by `mindme migrate`.
// Each migration runs in its own transaction and is recorded in schema_migrations; a
// database that a newer mindme has migrated is refused rather than misread.
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace mindme::store {

struct Migration {
    int version;
    std::string name;
    // Statements in SQL that PostgreSQL, MySQL/MariaDB and SQLite all accept.
    std::vector<std::string> statements;
};

// The product's migrations, in order.
const std::vector<Migration>& schema_migrations();

struct MigrationResult {
    int from_version;
    int to_version;
    std::vector<std::string> applied;  // names
};

// Brings the schema to the last of `migrations`. Throws std::runtime_error when the
// database is newer than this binary knows.
MigrationResult migrate(soci::session& session, const std::vector<Migration>& migrations);

int schema_version(soci::session& session);

class SqlDatabase;
// The product's migrations on `db`, from the calling thread (at start, `mindme migrate`).
MigrationResult migrate(SqlDatabase& db);
int schema_version(SqlDatabase& db);

}  // namespace mindme::store
