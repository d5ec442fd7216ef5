#include "store/migrations.hpp"

#include <soci/soci.h>

#include <chrono>
#include <stdexcept>

#include "store/sql_database.hpp"

namespace mindme::store {
namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void ensure_table(soci::session& session) {
    session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
               "version INTEGER PRIMARY KEY, "
               "name VARCHAR(200) NOT NULL, "
               "applied_at BIGINT NOT NULL)";
}

}  // namespace

const std::vector<Migration>& schema_migrations() {
    // Times are milliseconds since the Unix epoch in BIGINT columns; ids are opaque
    // strings. The per-user change sequence is allocated from users.change_seq inside
    // the writing transaction, which orders one user's changes by commit; an upsert
    // keeps the entity as it was then (snapshot, JSON), so sync replays history exactly
    // even after a later delete.
    static const std::vector<Migration> kMigrations{
        {1,
         "accounts, sessions, memories and the change log",
         {
             "CREATE TABLE users ("
             " id VARCHAR(32) PRIMARY KEY,"
             " email VARCHAR(320) NOT NULL,"
             " email_key VARCHAR(320) NOT NULL UNIQUE,"
             " password_hash VARCHAR(255) NOT NULL,"
             " created_at BIGINT NOT NULL,"
             " change_seq BIGINT NOT NULL DEFAULT 0)",
             "CREATE TABLE sessions ("
             " token_hash CHAR(64) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " created_at BIGINT NOT NULL,"
             " expires_at BIGINT NOT NULL,"
             " revoked_at BIGINT)",
             "CREATE INDEX sessions_by_user ON sessions (user_id)",
             "CREATE TABLE memories ("
             " id VARCHAR(32) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " title TEXT NOT NULL,"
             " body TEXT NOT NULL,"
             " tags TEXT NOT NULL,"
             " created_at BIGINT NOT NULL,"
             " updated_at BIGINT NOT NULL,"
             " version BIGINT NOT NULL)",
             "CREATE INDEX memories_by_user_updated ON memories (user_id, updated_at, id)",
             "CREATE TABLE changes ("
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " seq BIGINT NOT NULL,"
             " kind VARCHAR(32) NOT NULL,"
             " entity_id VARCHAR(32) NOT NULL,"
             " at BIGINT NOT NULL,"
             " snapshot TEXT,"
             " PRIMARY KEY (user_id, seq))",
         }},
        // The job queue's table, which is also the outbox: jobs are inserted in the
        // transaction of the write that needs them. state: ready | leased | dead.
        {2,
         "the job queue",
         {
             "CREATE TABLE jobs ("
             " id VARCHAR(32) PRIMARY KEY,"
             " topic VARCHAR(64) NOT NULL,"
             " payload TEXT NOT NULL,"
             " state VARCHAR(16) NOT NULL,"
             " attempts INTEGER NOT NULL,"
             " run_at BIGINT NOT NULL,"
             " lease_token VARCHAR(32),"
             " enqueued_at BIGINT NOT NULL,"
             " last_error TEXT)",
             "CREATE INDEX jobs_due ON jobs (topic, state, run_at)",
         }},
        // Uploaded files. status: pending | processing | ready | failed; the bytes and
        // what processing derives from them live in the blob store.
        {3,
         "files",
         {
             "CREATE TABLE files ("
             " id VARCHAR(32) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " name VARCHAR(255) NOT NULL,"
             " content_type VARCHAR(255) NOT NULL,"
             " size BIGINT NOT NULL,"
             " sha256 CHAR(64) NOT NULL,"
             " status VARCHAR(16) NOT NULL,"
             " error TEXT,"
             " thumbnail INTEGER NOT NULL DEFAULT 0,"
             " text_chars BIGINT NOT NULL DEFAULT 0,"
             " created_at BIGINT NOT NULL,"
             " updated_at BIGINT NOT NULL)",
             "CREATE INDEX files_by_user_created ON files (user_id, created_at, id)",
         }},
        // The outbox relay (queue.url=amqp://) takes due jobs of every topic, oldest first.
        {4,
         "jobs_due_any_topic",
         {
             "CREATE INDEX jobs_due_any_topic ON jobs (state, run_at)",
         }},
        // Per-user usage, moved by the writes themselves, for the quotas (store/quotas.hpp).
        {5,
         "usage_counts",
         {
             "ALTER TABLE users ADD COLUMN memory_count BIGINT NOT NULL DEFAULT 0",
             "ALTER TABLE users ADD COLUMN file_count BIGINT NOT NULL DEFAULT 0",
             "ALTER TABLE users ADD COLUMN file_bytes BIGINT NOT NULL DEFAULT 0",
             "UPDATE users SET "
             "memory_count = (SELECT COUNT(*) FROM memories WHERE memories.user_id = users.id), "
             "file_count = (SELECT COUNT(*) FROM files WHERE files.user_id = users.id), "
             "file_bytes = (SELECT COALESCE(SUM(size), 0) FROM files "
             "WHERE files.user_id = users.id)",
         }},
        // Accounts that sign in with Firebase (their Firebase uid; their email_key is
        // "firebase:<uid>", which no normalised email can equal), and the devices push
        // messages go to. A token is unique by its SHA-256 (tokens are long, and MySQL
        // cannot index TEXT whole).
        {6,
         "firebase identities and devices",
         {
             "ALTER TABLE users ADD COLUMN firebase_uid VARCHAR(128)",
             "CREATE UNIQUE INDEX users_by_firebase_uid ON users (firebase_uid)",
             "CREATE TABLE devices ("
             " id VARCHAR(32) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " platform VARCHAR(16) NOT NULL,"
             " token TEXT NOT NULL,"
             " token_hash CHAR(64) NOT NULL UNIQUE,"
             " created_at BIGINT NOT NULL)",
             "CREATE INDEX devices_by_user ON devices (user_id, created_at)",
         }},
        // Purchases: the UUID each account hands the stores (assigned on first use), one
        // grant per store purchase (source: "ios:<originalTransactionId>", "android:<sha256
        // of the purchase token>"), and the store notifications seen (ids, for dedup).
        {7,
         "purchases and entitlements",
         {
             "ALTER TABLE users ADD COLUMN app_account_token CHAR(36)",
             "CREATE UNIQUE INDEX users_by_app_account_token ON users (app_account_token)",
             "CREATE TABLE entitlements ("
             " id VARCHAR(32) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " entitlement VARCHAR(64) NOT NULL,"
             " product_id VARCHAR(128) NOT NULL,"
             " kind VARCHAR(16) NOT NULL,"
             " platform VARCHAR(16) NOT NULL,"
             " source VARCHAR(160) NOT NULL UNIQUE,"
             " granted_at BIGINT NOT NULL,"
             " updated_at BIGINT NOT NULL,"
             " expires_at BIGINT,"
             " revoked_at BIGINT)",
             "CREATE INDEX entitlements_by_user ON entitlements (user_id, granted_at)",
             "CREATE TABLE store_notifications ("
             " id VARCHAR(128) PRIMARY KEY,"
             " received_at BIGINT NOT NULL)",
         }},
        // The QR hand-off: a single-use code (kept as its SHA-256) that lets another device
        // buy a product for the code's owner.
        {8,
         "purchase hand-off codes",
         {
             "CREATE TABLE purchase_codes ("
             " code_hash CHAR(64) PRIMARY KEY,"
             " user_id VARCHAR(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
             " product_id VARCHAR(128) NOT NULL,"
             " created_at BIGINT NOT NULL,"
             " expires_at BIGINT NOT NULL,"
             " redeemed_at BIGINT)",
             "CREATE INDEX purchase_codes_by_user ON purchase_codes (user_id)",
         }},
    };
    return kMigrations;
}

int schema_version(soci::session& session) {
    ensure_table(session);
    int version = 0;
    soci::indicator ind = soci::i_null;
    session << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
}

MigrationResult migrate(soci::session& session, const std::vector<Migration>& migrations) {
    MigrationResult result;
    result.from_version = schema_version(session);
    int known = migrations.empty() ? 0 : migrations.back().version;
    if (result.from_version > known)
        throw std::runtime_error(
            "the database is at schema version " + std::to_string(result.from_version) +
            ", newer than this mindme knows (" + std::to_string(known) + "): run a newer mindme");
    result.to_version = result.from_version;
    for (const auto& m : migrations) {
        if (m.version <= result.from_version) continue;
        soci::transaction tx(session);
        for (const auto& statement : m.statements) session << statement;
        auto at = now_ms();
        session << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
            soci::use(m.version), soci::use(m.name), soci::use(at);
        tx.commit();
        result.to_version = m.version;
        result.applied.push_back(m.name);
    }
    return result;
}

MigrationResult migrate(SqlDatabase& db) {
    auto migrations = schema_migrations();
    for (auto& m : migrations)
        for (auto& statement : m.statements) statement = db.adapt_schema(statement);
    return db.run_now([&](soci::session& s) { return migrate(s, migrations); });
}

int schema_version(SqlDatabase& db) {
    return db.run_now([](soci::session& s) { return schema_version(s); });
}

}  // namespace mindme::store
