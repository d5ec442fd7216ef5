#include "app/app.hpp"

#include <filesystem>
#include <optional>
#include <thread>

#include "app/accounts_routes.hpp"
#include "app/assistant_routes.hpp"
#include "app/console_routes.hpp"
#include "app/cors.hpp"
#include "app/devices_routes.hpp"
#include "app/events.hpp"
#include "app/features_routes.hpp"
#include "app/file_jobs.hpp"
#include "app/files_routes.hpp"
#include "app/health.hpp"
#include "app/memories_routes.hpp"
#include "app/ops_routes.hpp"
#include "app/purchase_answers.hpp"
#include "app/purchase_jobs.hpp"
#include "app/purchases_routes.hpp"
#include "app/push_jobs.hpp"
#include "app/search_jobs.hpp"
#include "app/search_routes.hpp"
#include "app/sync_routes.hpp"
#include "auth/firebase_config.hpp"
#include "cache/cache.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "files/files_config.hpp"
#include "guard/guard.hpp"
#include "http/router.hpp"
#include "http/server_config.hpp"
#include "http/static_site.hpp"
#include "metrics/live_alarms.hpp"
#include "metrics/process_collector.hpp"
#include "queue/queue_config.hpp"
#include "queue/runner.hpp"
#include "search/search.hpp"
#include "store/accounts.hpp"
#include "store/devices.hpp"
#include "store/files.hpp"
#include "store/memories.hpp"
#include "store/migrations.hpp"
#include "store/sql_database.hpp"
#include "store/store_config.hpp"
#include "store/store_metrics.hpp"
#include "upstream/http_client.hpp"

namespace mindme::app {

std::string role_name(Role role) {
    switch (role) {
        case Role::kAll:
            return "all";
        case Role::kServe:
            return "serve";
        case Role::kWorker:
            return "worker";
        case Role::kFiles:
            return "files";
    }
    return "?";
}

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("data.dir", "data",
                      "Where embedded state lives (database, index, files); created if "
                      "missing. --data sets it.");
    http::declare_config(schema);
    store::declare_config(schema);
    cache::declare_config(schema);
    queue::declare_config(schema);
    search::declare_config(schema);
    files::declare_config(schema);
    guard::declare_config(schema);
    declare_auth_config(schema);
    auth::declare_firebase_config(schema);
    upstream::declare_config(schema);
    push::declare_config(schema);
    declare_assistant_config(schema);
    declare_purchases_config(schema);
    declare_events_config(schema);
    declare_ops_config(schema);
    declare_console_config(schema);
    core::log::declare_config(schema);
    metrics::declare_alarms_config(schema);
}

struct App::Impl {
    Impl(const core::Config& config, Role role, metrics::Registry& registry,
         core::Lifecycle& lifecycle)
        : guard(guard::GuardOptions::from(config), registry),
          cors(config.get_list("http.cors_origins")) {
        const auto& data_dir = config.get_string("data.dir");
        std::error_code ec;
        std::filesystem::create_directories(data_dir, ec);
        if (ec)
            throw std::runtime_error("cannot create data.dir " + data_dir + ": " + ec.message());
        health.add("data_dir", writable_directory_check(data_dir));
        open_store(config, data_dir, registry);
        jobs = queue::open_queue(config, *database);
        job_metrics.emplace(registry);
        add_runners(config, role);
        memory_store = store::make_sql_memory_store(*database, store::quotas(config));
        auto fcm = push::fcm_config(config);
        auto firebase = auth::firebase_config(config);
        file_store = store::make_sql_file_store(*database, store::quotas(config), fcm.has_value());
        device_store = store::make_sql_device_store(*database);
        purchase_store = store::make_sql_purchase_store(*database);
        bool serves_api = role == Role::kAll || role == Role::kServe;
        bool play = !config.get_string("purchases.google.package_name").empty();
        if ((fcm && worker) || ((firebase || Assistant::enabled(config)) && serves_api) ||
            (play && (worker || serves_api)) || (Console::watches_others(config) && serves_api))
            http_client.emplace(upstream::client_options(config), registry);
        if (play && http_client) open_google_play(config);
        blobs = files::open_blob_store(config, data_dir);
        if (role != Role::kFiles) {
            index = search::open_index(config, data_dir, *database);
            // A write that failed for the environment's sake shows until one succeeds.
            health.add("search", [i = index.get()]() -> boost::asio::awaitable<std::string> {
                co_return i->health();
            });
        }
        if (worker)
            worker->handle(store::kMemoryChangedTopic,
                           deferring_when_unavailable(memory_indexer(*memory_store, *index)));
        add_file_jobs(config, data_dir);
        if (worker && fcm) add_push_jobs(*fcm, registry);
        if (worker) {
            auto* google = google_play ? &*google_play : nullptr;
            worker->handle(
                store::kStoreNotificationTopic,
                store_notification_applier(
                    *purchase_store,
                    purchases::parse_products(config.get_list("purchases.products")), google));
            if (google) worker->handle(kGoogleAcknowledgeTopic, google_acknowledger(*google));
        }

        add_ops_routes(router, health, lifecycle, registry, config.get_string("metrics.token"));
        alarms.emplace(config, registry);
        if (serves_api) {
            auto threads = config.get_int("auth.hash_threads");
            auto password = password_limits(config);
            hashing.emplace("password-hash",
                            threads > 0 ? static_cast<std::size_t>(threads)
                                        : std::max(1u, std::thread::hardware_concurrency()),
                            password.hash_queue);
            cache = cache::open_cache(config);
            cache::export_metrics(*cache, registry);
            auto cache_ttl = cache::cache_ttl(config);
            account_store = store::make_sql_account_store(*database);
            sessions.emplace(*account_store,
                             std::chrono::seconds(config.get_int("auth.token_ttl_seconds")), *cache,
                             cache_ttl, config.get_bool("auth.cache_sessions"));
            if (firebase) {
                firebase_keys.emplace(*http_client, firebase->keys);
                firebase_tokens.emplace(*firebase_keys, firebase->rules);
                firebase_users.emplace(*firebase_tokens, *account_store);
            }
            auto* firebase_users_or_none = firebase_users ? &*firebase_users : nullptr;
            bearer.emplace(*sessions, firebase_users_or_none);
            accounts.emplace(*account_store, *hashing, *sessions, *bearer, password,
                             store::quotas(config), *purchase_store, firebase_users_or_none);
            accounts->add_routes(router);
            memories.emplace(*memory_store, *bearer, *cache, cache_ttl);
            memories->add_routes(router);
            sync.emplace(*memory_store, *bearer);
            sync->add_routes(router);
            search_routes.emplace(*index, *bearer);
            search_routes->add_routes(router);
            files_routes.emplace(
                *file_store, *blobs, *bearer, files::max_upload_bytes(config),
                static_cast<std::uint64_t>(config.get_int("quota.user_uploads_per_minute")));
            files_routes->add_routes(router);
            devices_routes.emplace(
                *device_store, *bearer,
                static_cast<std::size_t>(config.get_int("push.max_devices_per_user")));
            devices_routes->add_routes(router);
            assistant.emplace(config, *memory_store, *index, *bearer,
                              http_client ? &*http_client : nullptr, registry);
            assistant->add_routes(router);
            purchases.emplace(config, *purchase_store, *bearer,
                              google_play ? &*google_play : nullptr);
            purchases->add_routes(router);
            events.emplace(*memory_store, *bearer, events_options(config));
            events->add_routes(router);
            memories->on_change([this] { events->notify(); });
            purchases->on_change([this] { events->notify(); });
            add_features_route(router, config);
            std::vector<std::string> reserved{"/v1/", "/health", "/metrics", "/openapi.json"};
            if (Console::enabled(config)) {
                console.emplace(config, registry, http_client ? &*http_client : nullptr);
                console->add_routes(router);
                reserved.insert(reserved.end(), {"/console/api/", "/console/reports/"});
            } else {
                reserved.insert(reserved.end(), {"/console", "/console/"});  // off: 404
            }
            if (auto dir = http::static_dir(config)) {
                site.emplace(*dir);
                router.set_fallback(
                    [this](http::Request& req) -> boost::asio::awaitable<http::Response> {
                        co_return site->serve(req);
                    },
                    std::move(reserved));
            }
        }
        add_openapi_route(router, MINDME_VERSION);
        handler = [this](http::Request& req) -> boost::asio::awaitable<http::Response> {
            guard::Guard::Pass pass;
            if (auto refusal = guard.admit(req, pass)) {
                cors.decorate(req, *refusal);  // so the web app can read a 429 or 503
                co_return std::move(*refusal);
            }
            if (auto preflight = cors.preflight(req)) {
                guard.finish(*preflight, std::move(pass));
                co_return std::move(*preflight);
            }
            http::Response response;
            try {
                if (const auto* route_handler = router.route(req, response))
                    response = co_await (*route_handler)(req);
            } catch (const core::ApiError& e) {
                response = http::Response::error(e);
            }
            if (response.status == 401) response.set_header("WWW-Authenticate", "Bearer");
            cors.decorate(req, response);
            guard.finish(response, std::move(pass));
            co_return response;
        };
    }

    void open_store(const core::Config& config, const std::string& data_dir,
                    metrics::Registry& registry) {
        database = store::SqlDatabase::open(store::database_options(config, data_dir));
        auto latest = store::schema_migrations().back().version;
        if (config.get_bool("store.migrate_on_start")) {
            auto result = store::migrate(*database);
            if (!result.applied.empty())
                core::log::info("schema migrated", core::log::Fields()
                                                       .add("from", result.from_version)
                                                       .add("to", result.to_version));
        } else if (auto version = store::schema_version(*database); version != latest) {
            throw std::runtime_error("the database schema is at version " +
                                     std::to_string(version) + ", this mindme needs " +
                                     std::to_string(latest) + ": run `mindme migrate`");
        }
        store::export_metrics(*database, registry);
        health.add("store", [db = database.get()]() -> boost::asio::awaitable<std::string> {
            co_await db->ping(core::BlockingPool::Clock::now() + kHealthQueryTimeout);
            co_return std::string();
        });
    }

    // Whatever the order of the members below, no background work outlives the
    // stores, pools and index it uses.
    ~Impl() {
        for (auto* runner : {&worker, &files})
            if (*runner) (*runner)->stop(std::chrono::milliseconds(0));
        if (events) events->stop();
    }

    // File processing in the files runner (one sandbox per job it runs at once), the
    // indexing of file text in the worker.
    void add_file_jobs(const core::Config& config, const std::string& data_dir) {
        auto options = files::processing_options(config);
        if (files) {
            auto work_dir = data_dir + "/processing";
            std::filesystem::create_directories(work_dir);
            auto threads = static_cast<std::size_t>(config.get_int("files.concurrency"));
            file_pool.emplace("files-process", threads, kFileJobQueue);
            files->handle(store::kFileProcessTopic,
                          file_processor(*file_store, *blobs, *file_pool,
                                         {options, work_dir, "/proc/self/exe"}));
        }
        if (worker) {
            index_io_pool.emplace("files-index-io", 1, kFileJobQueue);
            worker->handle(store::kFileChangedTopic, deferring_when_unavailable(file_indexer(
                                                         *file_store, *blobs, *index_io_pool,
                                                         *index, options.max_text_bytes)));
        }
    }

    // Google Play's API, for checking purchases (serve) and acknowledging them (worker).
    void open_google_play(const core::Config& config) {
        auto file = config.get_string("purchases.google.credentials_file");
        if (file.empty())
            throw std::invalid_argument(
                "purchases.google.package_name is set but purchases.google.credentials_file "
                "is not: Google Play cannot be asked about purchases");
        play_tokens.emplace(*http_client, upstream::ServiceAccount::load(file),
                            purchases::kAndroidPublisherScope);
        google_play.emplace(*play_tokens, purchases::GooglePlayOptions{
                                              config.get_string("purchases.google.url"),
                                              config.get_string("purchases.google.package_name")});
    }

    // Push messages through FCM, in the worker.
    void add_push_jobs(const push::FcmConfig& fcm, metrics::Registry& registry) {
        google_tokens.emplace(*http_client, fcm.account, push::kMessagingScope);
        fcm_sender.emplace(*google_tokens, fcm.options);
        worker->handle(store::kPushTopic,
                       push_sender(*device_store, *file_store, *fcm_sender, registry));
    }

    // The worker's runner samples queue depth for the whole process.
    void add_runners(const core::Config& config, Role role) {
        if (role == Role::kAll || role == Role::kWorker)
            worker.emplace(*jobs, queue::runner_options(config, "worker"), *job_metrics);
        if (role == Role::kAll || role == Role::kFiles) {
            auto options = queue::runner_options(config, "files");
            options.sample_stats = !worker.has_value();
            files.emplace(*jobs, options, *job_metrics);
        }
    }

    static constexpr std::chrono::seconds kHealthQueryTimeout{2};
    // Blocking file work waiting for a thread (bounded by the runners' concurrency).
    static constexpr std::size_t kFileJobQueue = 1024;

    std::unique_ptr<store::SqlDatabase> database;
    std::unique_ptr<store::AccountStore> account_store;
    std::unique_ptr<store::MemoryStore> memory_store;
    std::unique_ptr<store::FileStore> file_store;
    std::unique_ptr<files::BlobStore> blobs;
    std::unique_ptr<queue::JobQueue> jobs;
    std::optional<queue::JobMetrics> job_metrics;
    // Before the runners whose jobs use them: destroyed after them.
    std::optional<core::BlockingPool> file_pool;      // sandboxed processing
    std::optional<core::BlockingPool> index_io_pool;  // reading file text to index
    std::optional<queue::JobRunner> worker;           // push, indexing, housekeeping jobs
    std::optional<queue::JobRunner> files;            // file processing jobs
    std::unique_ptr<store::DeviceStore> device_store;
    std::unique_ptr<store::PurchaseStore> purchase_store;
    std::optional<auth::FirebaseKeys> firebase_keys;
    std::optional<auth::FirebaseIdTokens> firebase_tokens;
    std::optional<auth::FirebaseUsers> firebase_users;
    std::optional<upstream::GoogleAccessTokens> google_tokens;
    std::optional<push::FcmSender> fcm_sender;
    std::optional<upstream::GoogleAccessTokens> play_tokens;  // androidpublisher scope
    std::optional<purchases::GooglePlay> google_play;
    std::optional<Assistant> assistant;
    // Destroyed first of the integrations and before the runners: its stop ends every
    // call on its loop while what those calls use (key and token caches) still lives,
    // and completes them into a stopped runner's loop, never a destroyed one.
    std::optional<upstream::HttpClient> http_client;
    std::unique_ptr<cache::Cache> cache;
    std::optional<core::BlockingPool> hashing;
    std::optional<auth::SessionTokens> sessions;
    std::optional<auth::BearerTokens> bearer;  // sessions, and Firebase when it is on
    std::optional<Accounts> accounts;
    std::optional<Memories> memories;
    std::optional<Sync> sync;
    std::unique_ptr<search::SearchIndex> index;
    std::optional<Search> search_routes;
    std::optional<Events> events;
    std::optional<Files> files_routes;
    std::optional<Devices> devices_routes;
    std::optional<Purchases> purchases;
    std::optional<Console> console;
    HealthChecks health;
    std::optional<metrics::LiveAlarms> alarms;
    http::Router router;
    guard::Guard guard;
    Cors cors;
    std::optional<http::StaticSite> site;
    http::Handler handler;
};

App::App(const core::Config& config, Role role, metrics::Registry& registry,
         core::Lifecycle& lifecycle)
    : impl_(std::make_unique<Impl>(config, role, registry, lifecycle)) {
    metrics::add_process_collector(registry);
    registry.add_collector([](std::string& out) {
        metrics::write_family(
            out, "log_lines_dropped_total", "Log lines dropped because the log queue was full.",
            metrics::MetricType::kCounter, static_cast<double>(core::log::dropped()));
    });
}

App::~App() = default;

http::Handler App::handler() { return impl_->handler; }

std::function<std::optional<std::uint64_t>(std::string_view, std::string_view)>
App::streamed_body_limit() {
    if (!impl_->files_routes) return {};
    return [files = &*impl_->files_routes](std::string_view method, std::string_view path) {
        return files->streamed_body_limit(method, path);
    };
}

void App::start_background() {
    impl_->alarms->start();
    if (impl_->events) impl_->events->start();
    for (auto* runner : {&impl_->worker, &impl_->files})
        if (*runner) (*runner)->start();
}

void App::stop_background(std::chrono::milliseconds grace) {
    auto until = std::chrono::steady_clock::now() + grace;
    for (auto* runner : {&impl_->worker, &impl_->files}) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (*runner) (*runner)->stop(std::max(left, std::chrono::milliseconds(0)));
    }
    if (impl_->events) impl_->events->stop();
    if (impl_->assistant) impl_->assistant->stop();
    impl_->alarms->stop();
}

}  // namespace mindme::app
