#include "store/store_metrics.hpp"

#include "metrics/registry.hpp"
#include "store/replica_set.hpp"
#include "store/sql_database.hpp"

namespace mindme::store {

namespace {

// Replicas by their position in store.replicas (URLs may hold passwords).
void export_replicas(const ReplicaSet& replicas, std::string& out) {
    using metrics::MetricType;
    auto status = replicas.status();
    auto label = [](std::size_t i) { return "replica=\"" + std::to_string(i) + "\""; };
    metrics::write_header(out, "store_replica_up",
                          "1 while a replica answers and lags at most "
                          "store.max_replica_lag_seconds.",
                          MetricType::kGauge);
    for (std::size_t i = 0; i < status.size(); ++i)
        metrics::write_sample(out, "store_replica_up", status[i].up ? 1 : 0, label(i));
    metrics::write_header(out, "store_replica_lag_seconds",
                          "How far behind the primary a replica was at its last check.",
                          MetricType::kGauge);
    for (std::size_t i = 0; i < status.size(); ++i)
        metrics::write_sample(out, "store_replica_lag_seconds", status[i].lag_seconds, label(i));
    metrics::write_header(out, "store_reads_total",
                          "Reads of a user's data, by where they ran (primary: no replica "
                          "qualified, or read-your-writes).",
                          MetricType::kCounter);
    metrics::write_sample(out, "store_reads_total", static_cast<double>(replicas.primary_reads()),
                          "target=\"primary\"");
    for (std::size_t i = 0; i < status.size(); ++i)
        metrics::write_sample(out, "store_reads_total", static_cast<double>(status[i].reads),
                              "target=\"replica\"," + label(i));
}

}  // namespace

void export_metrics(const SqlDatabase& db, metrics::Registry& registry) {
    registry.add_collector([&db](std::string& out) {
        using metrics::MetricType;
        auto s = db.pool_stats();
        auto family = [&out](const char* name, const char* help, MetricType type, double v) {
            metrics::write_family(out, name, help, type, v);
        };
        family("store_pool_threads",
               "Threads that run queries: one per connection that may be open.", MetricType::kGauge,
               static_cast<double>(s.threads));
        auto c = db.connection_stats();
        family("store_connections_open", "Database connections open now.", MetricType::kGauge,
               static_cast<double>(c.open));
        family("store_connections_idle", "Open database connections not in use.",
               MetricType::kGauge, static_cast<double>(c.idle));
        family("store_connections_opened_total", "Database connections opened.",
               MetricType::kCounter, static_cast<double>(c.opened));
        family("store_connections_discarded_total",
               "Connections closed because they broke, failed the pre-ping or aged out.",
               MetricType::kCounter, static_cast<double>(c.discarded));
        family("store_pool_queued", "Queries waiting for a connection.", MetricType::kGauge,
               static_cast<double>(s.queued));
        family("store_pool_busy", "Queries running now.", MetricType::kGauge,
               static_cast<double>(s.busy));
        family("store_pool_completed_total", "Queries run.", MetricType::kCounter,
               static_cast<double>(s.completed));
        family("store_pool_rejected_total", "Queries refused because the wait queue was full.",
               MetricType::kCounter, static_cast<double>(s.rejected));
        family("store_pool_expired_total",
               "Queries dropped because their request's deadline passed while waiting.",
               MetricType::kCounter, static_cast<double>(s.expired));
        family("store_pool_wait_seconds_total", "Time queries spent waiting for a connection.",
               MetricType::kCounter, s.wait_seconds_sum);
        if (const auto* sync = db.wal_sync()) {
            auto w = sync->stats();
            family("store_log_syncs_total",
                   "fsyncs of SQLite's write-ahead log (store.sqlite.durability full): one "
                   "serves every write that committed before it began.",
                   MetricType::kCounter, static_cast<double>(w.syncs));
            family("store_log_sync_waits_total", "Writes answered only after a log sync.",
                   MetricType::kCounter, static_cast<double>(w.requests));
        }
        if (const auto* replicas = db.replicas()) export_replicas(*replicas, out);
    });
}

}  // namespace mindme::store
