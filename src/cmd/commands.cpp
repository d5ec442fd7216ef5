#include "cmd/commands.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/app.hpp"
#include "cmd/config_docs.hpp"
#include "cmd/exit_codes.hpp"
#include "cmd/seed.hpp"
#include "cmd/supervisor.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "files/processor.hpp"
#include "http/server.hpp"
#include "http/server_config.hpp"
#include "metrics/registry.hpp"
#include "store/migrations.hpp"
#include "store/reindex.hpp"
#include "store/sql_database.hpp"
#include "store/store_config.hpp"

namespace mindme::cmd {
namespace {

void add_common_options(CLI::App& app, Options& o) {
    app.add_option("--config", o.config_file,
                   "YAML configuration file (also MINDME_CONFIG); keys in docs/config.md")
        ->envname("MINDME_CONFIG");
    app.add_option("--listen", o.listen, "HOST:PORT to listen on (sets server.listen)");
    app.add_option("--data", o.data_dir, "directory for embedded state (sets data.dir)");
    app.add_option("--set", o.sets,
                   "section.key=value, overriding the file and MINDME_SECTION__KEY "
                   "variables; repeatable");
}

// Every key of every component; a Config keeps a pointer to it, so it lives as long
// as the process.
const core::ConfigSchema& full_schema() {
    static const core::ConfigSchema schema = [] {
        core::ConfigSchema s;
        app::declare_config(s);
        return s;
    }();
    return schema;
}

core::Config load(const core::ConfigSchema& schema, const Options& o) {
    core::ConfigSources sources;
    if (!o.config_file.empty()) sources.file = o.config_file;
    sources.env = core::process_environment();
    sources.sets = o.sets;
    // Flags are the most specific source: they win over every --set.
    if (!o.listen.empty()) sources.sets.push_back("server.listen=" + o.listen);
    if (!o.data_dir.empty()) sources.sets.push_back("data.dir=" + o.data_dir);
    if (o.processes > 0) sources.sets.push_back("server.processes=" + std::to_string(o.processes));
    return core::load_config(schema, sources);
}

// The configuration of `o`, or nullopt after saying on stderr what is wrong with it.
std::optional<core::Config> load_or_report(const Options& o) {
    try {
        return load(full_schema(), o);
    } catch (const core::ConfigError& e) {
        std::cerr << "mindme: configuration error: " << e.what() << "\n";
        return std::nullopt;
    }
}

// Use every descriptor the hard limit allows: each connection costs one.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

app::Role role_of(const std::string& command) {
    if (command == "serve") return app::Role::kServe;
    if (command == "worker") return app::Role::kWorker;
    if (command == "files") return app::Role::kFiles;
    return app::Role::kAll;
}

int run_process(const core::Config& config, const Options& o, const sigset_t& stop_signals) {
    raise_open_file_limit();
    core::log::init(config.get_string("log.level"), config.get_bool("log.access"));
    auto role = role_of(o.command);

    metrics::Registry registry;
    core::Lifecycle lifecycle;
    std::unique_ptr<app::App> application;
    std::unique_ptr<http::Server> server;
    try {
        application = std::make_unique<app::App>(config, role, registry, lifecycle);
        auto options = http::server_options(config);
        options.access_log = config.get_bool("log.access");
        options.streamed_body_limit = application->streamed_body_limit();
        server =
            std::make_unique<http::Server>(options, application->handler(), registry, lifecycle);
        server->start();
        application->start_background();
        core::log::info(
            "listening",
            core::log::Fields()
                .add("role", app::role_name(role))
                .add("address", options.host + ":" + std::to_string(server->local_port()))
                .add("port", static_cast<std::int64_t>(server->local_port()))
                .add("threads", options.threads)
                .add("pid", static_cast<std::int64_t>(::getpid()))
                .add("version", MINDME_VERSION));
    } catch (const std::exception& e) {
        std::cerr << "mindme: cannot start: " << e.what() << "\n";
        core::log::error("cannot start", core::log::Fields().add("error", e.what()));
        core::log::shutdown();
        return kExitFailure;
    }

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    core::log::info("draining", core::log::Fields()
                                    .add("signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM")
                                    .add("drain_seconds", config.get_int("server.drain_seconds")));
    server->drain();
    // A second signal means "now": the operator does not want to wait for the drain.
    std::thread([stop_signals] {
        int again = 0;
        sigwait(&stop_signals, &again);
        std::fprintf(stderr, "mindme: second stop signal, exiting without draining\n");
        std::_Exit(kExitFailure);
    }).detach();
    application->stop_background(std::chrono::seconds(config.get_int("server.drain_seconds")));
    server->wait();
    core::log::info("stopped");
    server.reset();
    application.reset();
    core::log::shutdown();
    return 0;
}

// One process, or for `serve` with server.processes > 1 a supervisor of several.
int run_serving(const Options& o, const sigset_t& stop_signals) {
    auto config = load_or_report(o);
    if (!config) return kExitUsage;
    auto processes = config->get_int("server.processes");
    if (processes <= 1) return run_process(*config, o, stop_signals);
    if (o.command != "serve") {
        std::cerr << "mindme: configuration error: server.processes applies to `mindme serve` "
                     "only (background runners scale as separate processes)\n";
        return kExitUsage;
    }
    auto listen = http::parse_listen_address(config->get_string("server.listen"));
    SupervisorOptions so;
    so.processes = static_cast<std::size_t>(processes);
    so.host = listen->host;
    so.port = listen->port;
    so.stop_timeout = std::chrono::seconds(config->get_int("server.drain_seconds") + 10);
    // A per-process cache would keep serving a session another process signed out.
    bool private_cache = config->get_string("cache.url").starts_with("memory:");
    auto with_port = [&o, host = listen->host, private_cache](std::uint16_t port) {
        Options child = o;
        child.listen = host + ":" + std::to_string(port);
        child.processes = 1;
        if (private_cache) child.sets.push_back("auth.cache_sessions=false");
        return child;
    };
    return run_supervised(
        so,
        [&](std::uint16_t) {
            // Migrate once, before the processes race to; no thread may outlive this.
            if (!config->get_bool("store.migrate_on_start")) return;
            auto options = store::database_options(*config, config->get_string("data.dir"));
            options.connections = 1;
            options.max_overflow = 0;
            store::migrate(*store::SqlDatabase::open(options));
        },
        [&](std::uint16_t port) {
            auto child = with_port(port);
            auto child_config = load_or_report(child);
            return child_config ? run_process(*child_config, child, stop_signals) : kExitUsage;
        },
        stop_signals);
}

// A database of one connection for a one-shot command.
std::unique_ptr<store::SqlDatabase> open_database_once(const core::Config& config) {
    auto options = store::database_options(config, config.get_string("data.dir"));
    options.connections = 1;
    options.max_overflow = 0;
    return store::SqlDatabase::open(options);
}

int run_migrate(const Options& o) {
    const auto& schema = full_schema();
    try {
        auto config = load(schema, o);
        auto db = open_database_once(config);
        auto result = store::migrate(*db);
        if (result.applied.empty()) {
            std::cout << "schema is up to date at version " << result.to_version << "\n";
        } else {
            std::cout << "schema migrated from version " << result.from_version << " to "
                      << result.to_version << ":\n";
            for (const auto& name : result.applied) std::cout << "  " << name << "\n";
        }
        return 0;
    } catch (const core::ConfigError& e) {
        std::cerr << "mindme: configuration error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "mindme: migration failed: " << e.what() << "\n";
        return kExitFailure;
    }
}

int run_reindex(const Options& o) {
    try {
        auto config = load(full_schema(), o);
        auto db = open_database_once(config);
        auto count = store::enqueue_reindex(*db);
        std::cout << "queued for indexing: " << count.memories << " memories, " << count.files
                  << " files; a worker (`mindme worker`, or `mindme all`) brings the index to "
                     "them\n";
        return 0;
    } catch (const core::ConfigError& e) {
        std::cerr << "mindme: configuration error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "mindme: reindex failed: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace

void define_cli(CLI::App& cli, Options& o) {
    cli.footer(
        "Without a command, `all` runs. Configuration: defaults < --config file < "
        "MINDME_SECTION__KEY environment < --set and flags.\nEvery key: docs/config.md or "
        "`mindme config docs`.");
    cli.set_version_flag("--version", std::string("mindme ") + MINDME_VERSION);
    add_common_options(cli, o);
    cli.fallthrough();
    struct Sub {
        const char* name;
        const char* help;
    };
    for (auto [name, help] :
         {Sub{"all", "API, background worker and file processor in one process (default)"},
          Sub{"serve", "the HTTP API"},
          Sub{"worker", "the background worker (search indexing jobs)"},
          Sub{"files", "the background file processor"}}) {
        auto* sub = cli.add_subcommand(name, help);
        sub->fallthrough();
        sub->callback([&o, n = std::string(name)] { o.command = n; });
        if (std::string_view(name) == "serve")
            sub->add_option("--processes", o.processes,
                            "serve processes sharing the port (sets server.processes)")
                ->check(CLI::Range(1, 1024));
    }
    auto* seed = cli.add_subcommand(
        "seed", "create test accounts and session tokens in bulk for load tests, and exit");
    seed->fallthrough();
    seed->add_option("--users", o.seed_users, "accounts to create (or reuse) and sign in")
        ->required()
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    seed->add_option("--tokens", o.seed_tokens, "file to write, one \"email<TAB>token\" per line")
        ->required();
    seed->add_option("--password", o.seed_password, "the accounts' shared password")
        ->capture_default_str();
    seed->add_option("--email-prefix", o.seed_prefix, "emails are <prefix><n>@loadtest.example")
        ->capture_default_str();
    seed->callback([&o] { o.command = "seed"; });
    define_loadtest(cli, o.loadtest, o.command);
    define_scale(cli, o.scale, o.command);
    define_plan(cli, o.plan, o.command);
    define_fleet(cli, o.fleet, o.command);
    cli.add_subcommand("version", "print the version and exit")->callback([&o] {
        o.command = "version";
    });
    cli.add_subcommand("migrate", "apply pending database schema migrations and exit")
        ->fallthrough()
        ->callback([&o] { o.command = "migrate"; });
    cli.add_subcommand("reindex",
                       "queue every memory and processed file for search indexing and exit "
                       "(after the index was lost or restored)")
        ->fallthrough()
        ->callback([&o] { o.command = "reindex"; });
    auto* config = cli.add_subcommand("config", "inspect the configuration");
    config->require_subcommand(1);
    config->fallthrough();
    config->add_subcommand("docs", "print every key with its default as Markdown")->callback([&o] {
        o.command = "config-docs";
    });
    config->add_subcommand("show", "print the resolved configuration, or the error")
        ->fallthrough()
        ->callback([&o] { o.command = "config-show"; });
    cli.require_subcommand(0, 1);
}

int run_process_file(const std::vector<std::string>& args) {
    try {
        auto request = files::parse_sandbox_arguments(args);
        std::cout << files::result_line(files::process_file(request)) << std::flush;
        // Straight out: the image and PDF libraries' teardown (and a leak check of
        // their global state in sanitizer builds) is of no use to a one-shot process.
        std::_Exit(0);
    } catch (const std::exception& e) {
        std::cerr << "mindme process-file: " << e.what() << "\n";
        return kExitUsage;
    }
}

int run(const Options& o, const sigset_t& stop_signals) {
    if (o.command == "version") {
        std::cout << "mindme " << MINDME_VERSION << "\n";
        return 0;
    }
    if (o.command == "migrate") return run_migrate(o);
    if (o.command == "reindex") return run_reindex(o);
    if (o.command == "loadtest") return run_loadtest(o.loadtest);
    if (o.command == "scale-simulate") return run_scale_simulate(o.scale);
    if (o.command == "scale-export") return run_scale_export(o.scale);
    if (o.command == "plan") return run_plan(o.plan);
    if (o.command == "fleet") {
        std::vector<std::string> child_args;
        if (!o.config_file.empty())
            child_args.insert(child_args.end(), {"--config", o.config_file});
        if (!o.data_dir.empty()) child_args.insert(child_args.end(), {"--data", o.data_dir});
        for (const auto& set : o.sets) child_args.insert(child_args.end(), {"--set", set});
        auto config = load_or_report(o);  // what the processes will read: their metrics token
        if (!config) return kExitUsage;
        // The processes' consoles watch the whole fleet, as it is at every look.
        auto data = std::filesystem::absolute(config->get_string("data.dir"));
        std::filesystem::create_directories(data);
        auto targets = (data / "fleet-targets").string();
        child_args.insert(child_args.end(), {"--set", "console.targets_file=" + targets});
        return run_fleet(o.fleet, child_args, config->get_string("metrics.token"), targets,
                         stop_signals);
    }
    if (o.command == "seed") {
        auto config = load_or_report(o);
        if (!config) return kExitUsage;
        return run_seed(*config, {o.seed_users, o.seed_tokens, o.seed_password, o.seed_prefix});
    }
    if (o.command == "config-docs") {
        std::cout << config_markdown(full_schema());
        return 0;
    }
    if (o.command == "config-show") {
        auto config = load_or_report(o);
        if (!config) return kExitUsage;
        std::cout << config_yaml(*config);
        return 0;
    }
    return run_serving(o, stop_signals);
}

}  // namespace mindme::cmd
