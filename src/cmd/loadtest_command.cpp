#include "cmd/loadtest_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cmd/exit_codes.hpp"
#include "loadgen/processes.hpp"
#include "loadgen/report_html.hpp"
#include "loadgen/thresholds.hpp"

namespace mindme::cmd {

namespace {

// A duration option; "0s" allowed where `zero_ok`.
std::optional<loadgen::Micros> duration_of(const std::string& text, bool zero_ok) {
    if (zero_ok && (text == "0" || text == "0s" || text == "0ms")) return loadgen::Micros(0);
    auto d = loadgen::parse_duration(text);
    if (!d) return std::nullopt;
    return std::chrono::duration_cast<loadgen::Micros>(*d);
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

void define_loadtest(CLI::App& cli, LoadtestOptions& o, std::string& command) {
    auto* load = cli.add_subcommand(
        "loadtest",
        "run a scenario (or one URL) with virtual users or an arrival rate and report latency");
    load->add_option("--scenario", o.scenario, "a YAML scenario (docs/loadgen.md)");
    load->add_option("--url", o.url,
                     "with --scenario: its base URL; alone: the one URL to load "
                     "(loopback unless --allow-remote)");
    load->add_option("--tokens", o.tokens,
                     "accounts for {{token}}/{{email}}: mindme seed --tokens");
    load->add_option("--users", o.users, "virtual users (closed model)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    load->add_option("--rate", o.rate,
                     "arrivals per second (open model, latency from the intended start)")
        ->check(CLI::Range(0.0, 1e8));
    load->add_option("--connections", o.connections,
                     "--url alone: keep-alive connections; open model: the most users serving "
                     "arrivals (default 1000)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
    load->add_option("--threads", o.threads, "event loops per process")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
        ->capture_default_str();
    load->add_option("--processes", o.processes,
                     "processes (each holds at most its open-file limit of connections)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
        ->capture_default_str();
    load->add_option("--duration", o.duration, "how long to hold the target: 500ms, 30s, 2m")
        ->capture_default_str();
    load->add_option("--ramp", o.ramp, "ramp up to the target over this long")
        ->capture_default_str();
    load->add_option("--ramp-down", o.ramp_down, "ramp down to zero over this long at the end")
        ->capture_default_str();
    load->add_option("--timeout", o.timeout,
                     "longest wait for one response; then it counts as a timeout error")
        ->capture_default_str();
    load->add_option("--connect-rate", o.connect_rate, "new connections per second; 0: no limit")
        ->check(CLI::Range(0.0, 1e7));
    load->add_option("--source", o.source,
                     "source addresses, e.g. 127.1.0.0/16: the generator picks source address "
                     "and port itself (past ~28,000 connections to one server)");
    load->add_option("--json", o.json, "write the result as JSON to this file");
    load->add_option("--html", o.html, "write a self-contained HTML report to this file");
    load->add_flag("--allow-remote", o.allow_remote, "allow a target outside 127.0.0.0/8");
    load->add_option("--threshold", o.thresholds,
                     "pass/fail criterion, repeatable: p99<50ms, max<2s, error_rate<0.1%, "
                     "rps>=1000, or per step: 'STEP:p99<50ms'; any breached: exit 3");
    load->add_option("--seed", o.seed, "seed of the random choices (branches, think times)")
        ->capture_default_str();
    load->callback([&command] { command = "loadtest"; });
}

int run_loadtest(const LoadtestOptions& o) {
    auto fail = [](const std::string& message) {
        std::cerr << "mindme loadtest: " << message << "\n";
        return kExitUsage;
    };
    auto duration = duration_of(o.duration, false);
    auto ramp = duration_of(o.ramp, true);
    auto ramp_down = duration_of(o.ramp_down, true);
    auto timeout = loadgen::parse_duration(o.timeout);
    if (!duration || !ramp || !ramp_down || !timeout)
        return fail(
            "--duration, --ramp, --ramp-down and --timeout must look like 500ms, 30s or 2m");
    if (o.scenario.empty() && o.url.empty()) return fail("give --scenario FILE or --url URL");
    if (o.users && o.rate > 0)
        return fail("--users (closed model) or --rate (open model), not both");
    try {
        auto scenario = o.scenario.empty() ? loadgen::url_scenario("GET", o.url)
                                           : loadgen::load_scenario(o.scenario);
        if (!o.scenario.empty() && !o.url.empty()) scenario.base_url = o.url;
        if (o.rate > 0) {
            scenario.open_model = true;
            scenario.stages = loadgen::ramp_hold_down(o.rate, *ramp, *duration, *ramp_down);
        } else if (o.users || o.scenario.empty()) {
            // --url alone: one user per connection, each sending as soon as answered.
            double users =
                static_cast<double>(o.users ? o.users : (o.connections ? o.connections : 10));
            scenario.open_model = false;
            scenario.stages = loadgen::ramp_hold_down(users, *ramp, *duration, *ramp_down);
        }
        std::vector<loadgen::Threshold> thresholds;
        auto texts = scenario.thresholds;
        texts.insert(texts.end(), o.thresholds.begin(), o.thresholds.end());
        for (const auto& text : texts) {
            auto t = loadgen::parse_threshold(text);
            if (!t)
                return fail("threshold '" + text +
                            "' is not like p99<50ms, error_rate<0.1%, "
                            "rps>=1000 or STEP:p99<50ms");
            if (!t->step.empty() &&
                std::find(scenario.step_names.begin(), scenario.step_names.end(), t->step) ==
                    scenario.step_names.end())
                return fail("threshold '" + text + "' names no step of the scenario");
            thresholds.push_back(*t);
        }
        loadgen::LoadOptions options;
        options.threads = o.threads;
        options.pool = o.connections ? o.connections : (o.scenario.empty() ? 10 : 1000);
        options.timeout = *timeout;
        options.connect_rate = o.connect_rate;
        options.source = o.source;
        options.allow_remote = o.allow_remote;
        options.seed = o.seed;
        if (!o.tokens.empty()) options.accounts = loadgen::read_accounts(o.tokens);
        // A live line on a terminal only: logs and pipes get the summary alone.
        bool live = ::isatty(STDERR_FILENO) != 0;
        if (live)
            options.on_progress = [](const loadgen::Progress& p) {
                auto seconds = static_cast<double>(p.elapsed.count()) / 1000.0;
                std::fprintf(stderr,
                             "\r[%5.1f/%gs] %llu requests, %.0f/s, %llu errors, %llu users, "
                             "%llu connections   ",
                             seconds, static_cast<double>(p.duration.count()) / 1000.0,
                             static_cast<unsigned long long>(p.requests),
                             seconds > 0 ? static_cast<double>(p.requests) / seconds : 0.0,
                             static_cast<unsigned long long>(p.errors),
                             static_cast<unsigned long long>(p.users),
                             static_cast<unsigned long long>(p.connections));
            };
        auto result = loadgen::run_load_in_processes(scenario, options, o.processes);
        if (live) std::fprintf(stderr, "\n");
        std::cout << loadgen::result_text(result) << std::flush;
        std::vector<std::pair<loadgen::Threshold, loadgen::Verdict>> verdicts;
        bool breached = false;
        for (const auto& t : thresholds) {
            auto verdict = loadgen::evaluate(t, result);
            breached |= !verdict.passed;
            verdicts.emplace_back(t, verdict);
            std::cout << "threshold " << t.text << ": " << (verdict.passed ? "ok" : "BREACHED")
                      << " (" << verdict.actual << ")\n";
        }
        if (!o.json.empty()) write_file(o.json, loadgen::result_json(result) + "\n");
        if (!o.html.empty())
            write_file(o.html, loadgen::html_report(result, "MindMe load test: " + scenario.name,
                                                    verdicts));
        return breached ? loadgen::kExitThresholds : 0;
    } catch (const std::invalid_argument& e) {
        return fail(e.what());
    } catch (const std::exception& e) {
        std::cerr << "mindme loadtest: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace mindme::cmd
