// mindme: one executable for every MindMe process. See `mindme --help`.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include "cmd/commands.hpp"

int main(int argc, char** argv) {
    // Block the stop signals before any thread starts, so that every thread inherits
    // the mask and only the main thread receives them (through sigwait).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    if (argc > 1 && std::string_view(argv[1]) == "process-file")
        return mindme::cmd::run_process_file(std::vector<std::string>(argv + 2, argv + argc));

    mindme::cmd::Options options;
    CLI::App cli{"MindMe backend: the API, background worker and file processor in one binary.",
                 "mindme"};
    mindme::cmd::define_cli(cli, options);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }
    return mindme::cmd::run(options, stop_signals);
}
